/* json_parse.c — the parser alone, for `make bench`: reads each file and parses it with yajl,
 * the library ccflow reads JSON with, and nothing else.
 *   json_parse tree FILE...     yajl_tree_parse: the document as a tree, what a program that
 *                               reads JSON with yajl and then looks at it would do
 *   json_parse events FILE...   yajl's callbacks only, counting values (no tree at all)
 * Prints the number of bytes and values read; exit status 1 when a file is not valid JSON. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_parse.h>
#include <yajl/yajl_tree.h>

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0, got;
    char *s = malloc(cap + 1);
    while (s && (got = fread(s + n, 1, cap - n, f)) > 0)
        if ((n += got) == cap && !(s = realloc(s, (cap *= 2) + 1)))
            break;
    fclose(f);
    if (s)
        s[n] = '\0';
    *len = n;
    return s;
}

static size_t count_tree(yajl_val v)
{
    size_t n = 1;
    if (YAJL_IS_OBJECT(v))
        for (size_t i = 0; i < v->u.object.len; i++)
            n += count_tree(v->u.object.values[i]);
    else if (YAJL_IS_ARRAY(v))
        for (size_t i = 0; i < v->u.array.len; i++)
            n += count_tree(v->u.array.values[i]);
    return n;
}

static int on_value(void *ctx) { return ++*(size_t *)ctx, 1; }
static int on_bool(void *ctx, int b) { return (void)b, on_value(ctx); }
static int on_number(void *ctx, const char *s, size_t n) { return (void)s, (void)n, on_value(ctx); }
static int on_string(void *ctx, const unsigned char *s, size_t n) { return (void)s, (void)n, on_value(ctx); }
static int on_key(void *ctx, const unsigned char *s, size_t n) { return (void)ctx, (void)s, (void)n, 1; }
static int on_end(void *ctx) { return (void)ctx, 1; }
static const yajl_callbacks callbacks = {on_value, on_bool, NULL, NULL, on_number, on_string,
                                         on_value, on_key,  on_end, on_value, on_end};

int main(int argc, char **argv)
{
    if (argc < 3 || (strcmp(argv[1], "tree") && strcmp(argv[1], "events"))) {
        fputs("usage: json_parse tree|events FILE...\n", stderr);
        return 2;
    }
    bool tree = !strcmp(argv[1], "tree");
    size_t bytes = 0, values = 0;
    for (int i = 2; i < argc; i++) {
        size_t len;
        char *text = slurp(argv[i], &len);
        if (!text) {
            perror(argv[i]);
            return 2;
        }
        bytes += len;
        if (tree) {
            char err[256];
            yajl_val v = yajl_tree_parse(text, err, sizeof err);
            if (!v) {
                fprintf(stderr, "%s: %s\n", argv[i], err);
                return 1;
            }
            values += count_tree(v);
            yajl_tree_free(v);
        } else {
            yajl_handle h = yajl_alloc(&callbacks, NULL, &values);
            if (yajl_parse(h, (const unsigned char *)text, len) != yajl_status_ok ||
                yajl_complete_parse(h) != yajl_status_ok) {
                fprintf(stderr, "%s: not valid JSON\n", argv[i]);
                return 1;
            }
            yajl_free(h);
        }
        free(text);
    }
    printf("%zu bytes, %zu values\n", bytes, values);
    return 0;
}
