/* runner.c — the file-driven check suite: each test flow carries its expected diagnostics in
 * comments beside the lines they point at, and the runner compares them both ways with what
 * `ccflow check --format json` reports (a missing and an unexpected diagnostic both fail).
 *
 *   something: wrong   # expect: E108 "cannot be 'x'"   one or more codes, each with an optional
 *                                                       message fragment, for this line
 *   # expect@12: E101                                   for line 12 (lines that cannot hold a comment)
 *   x: y  # expect: note "reach 'q' by"                 a note of some diagnostic points at this line
 *                                                       (notes are checked one way: expected ones must exist)
 *
 * A file that cannot hold comments at all (an empty file, Connect JSON) keeps them in FILE.expect
 * beside it.
 *
 * Usage: runner CCFLOW CASE...   (a case is a flow file or a directory of flows: one bundle) */
#include "doc.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

typedef struct {
    char *file;
    uint32_t line;
    char code[8];
    char *fragment; /* may be NULL */
    bool matched;
} expectation;

typedef CC_VEC(expectation) expectations;

static bool has_suffix(const char *s, const char *suf)
{
    size_t n = strlen(s), m = strlen(suf);
    return n >= m && !strcmp(s + n - m, suf);
}

static void parse_expect_tokens(expectations *ex, const char *file, uint32_t line, const char *p)
{
    while (*p) {
        while (*p == ' ' || *p == '\t')
            p++;
        bool note = strncmp(p, "note ", 5) == 0;
        if (!note && !((*p == 'E' || *p == 'W' || *p == 'N') && p[1] >= '0' && p[1] <= '9'))
            return;
        expectation e = {.file = cc_xstrdup(file), .line = line};
        size_t n = 0;
        while (p[n] && p[n] != ' ' && p[n] != '\n' && n < 7)
            n++; /* "note" reads as the code "note": it matches a note, not a diagnostic */
        memcpy(e.code, p, n);
        p += n;
        while (*p == ' ')
            p++;
        if (*p == '"') {
            const char *end = strchr(p + 1, '"');
            if (end) {
                e.fragment = cc_xmalloc((size_t)(end - p));
                memcpy(e.fragment, p + 1, (size_t)(end - p - 1));
                e.fragment[end - p - 1] = '\0';
                p = end + 1;
            }
        }
        cc_vec_push(ex, e);
    }
}

static void read_expectations(expectations *ex, const char *file)
{
    size_t len;
    char *text = cc_read_file(file, &len);
    if (!text)
        return;
    uint32_t line = 1;
    for (char *p = text; p < text + len; line++) {
        char *eol = memchr(p, '\n', (size_t)(text + len - p));
        if (!eol)
            eol = text + len;
        char saved = *eol;
        *eol = '\0';
        char *hit = strstr(p, "# expect");
        if (hit) {
            hit += 8;
            uint32_t at = line;
            if (*hit == '@') {
                at = (uint32_t)strtoul(hit + 1, &hit, 10);
            }
            if (*hit == ':')
                parse_expect_tokens(ex, file, at, hit + 1);
        }
        *eol = saved;
        p = eol + 1;
    }
    free(text);
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void collect_files(const char *path, expectations *ex)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return;
    if (!S_ISDIR(st.st_mode)) {
        if (has_suffix(path, ".yaml") || has_suffix(path, ".yml") || has_suffix(path, ".flow") ||
            has_suffix(path, ".json")) {
            read_expectations(ex, path);
            /* a file that cannot hold comments (an empty one) keeps them in NAME.expect beside it */
            cc_buf side = {0};
            cc_buf_printf(&side, "%s.expect", path);
            size_t len;
            char *text = cc_read_file(side.data, &len);
            if (text) {
                expectations more = {0};
                read_expectations(&more, side.data);
                for (size_t i = 0; i < more.len; i++) {
                    free(more.items[i].file);
                    more.items[i].file = cc_xstrdup(path);
                    cc_vec_push(ex, more.items[i]);
                }
                cc_vec_free(&more);
                free(text);
            }
            cc_buf_free(&side);
        }
        return;
    }
    DIR *d = opendir(path);
    if (!d)
        return;
    CC_VEC(char *) names = {0};
    struct dirent *e;
    while ((e = readdir(d)))
        if (e->d_name[0] != '.')
            cc_vec_push(&names, cc_xstrdup(e->d_name));
    closedir(d);
    if (names.len)
        qsort(names.items, names.len, sizeof *names.items, cmp_str);
    for (size_t i = 0; i < names.len; i++) {
        cc_buf full = {0};
        cc_buf_printf(&full, "%s/%s", path, names.items[i]);
        collect_files(full.data, ex);
        cc_buf_free(&full);
        free(names.items[i]);
    }
    cc_vec_free(&names);
}

static char *run_capture(const char *cmd, int *status)
{
    FILE *p = popen(cmd, "r");
    if (!p)
        return NULL;
    size_t len;
    char *out = cc_read_stream(p, &len);
    int st = pclose(p);
    *status = WIFEXITED(st) ? WEXITSTATUS(st) : 128;
    return out;
}

static const char *scalar(const cc_node *obj, const char *key)
{
    const cc_node *n = cc_node_get(obj, key);
    return n && n->type == CC_NODE_SCALAR ? n->text : "";
}

static bool run_case(const char *ccflow, const char *path)
{
    expectations ex = {0};
    collect_files(path, &ex);
    cc_buf cmd = {0};
    cc_buf_printf(&cmd, "'%s' check --format json '%s' 2>&1", ccflow, path);
    int status;
    char *out = run_capture(cmd.data, &status);
    cc_buf_free(&cmd);
    bool ok = true;
    cc_diags ds;
    cc_diags_init(&ds);
    cc_arena arena;
    cc_arena_init(&arena);
    cc_node *root = out ? cc_yaml_read(&arena, &ds, 0, out, strlen(out)) : NULL;
    if (!root || root->type != CC_NODE_LIST) {
        printf("FAIL %s: the output is not a JSON array:\n%s\n", path, out ? out : "(none)");
        ok = false;
        goto done;
    }
    bool expect_error = false;
    for (size_t i = 0; i < ex.len; i++)
        expect_error |= ex.items[i].code[0] == 'E';
    for (uint32_t i = 0; i < root->count; i++) {
        const cc_node *d = root->items[i];
        const char *file = scalar(d, "file"), *code = scalar(d, "code"), *msg = scalar(d, "message");
        uint32_t line = (uint32_t)strtoul(scalar(d, "line"), NULL, 10);
        bool found = false;
        for (size_t k = 0; k < ex.len && !found; k++) {
            expectation *e = &ex.items[k];
            if (e->matched || !strcmp(e->code, "note") || e->line != line || strcmp(e->code, code) != 0 || strcmp(e->file, file) != 0)
                continue;
            if (e->fragment && !strstr(msg, e->fragment))
                continue;
            e->matched = found = true;
        }
        const cc_node *notes = cc_node_get(d, "notes");
        for (uint32_t j = 0; notes && notes->type == CC_NODE_LIST && j < notes->count; j++) {
            const cc_node *nt = notes->items[j];
            uint32_t nline = (uint32_t)strtoul(scalar(nt, "line"), NULL, 10);
            for (size_t k = 0; k < ex.len; k++) {
                expectation *e = &ex.items[k];
                if (!e->matched && !strcmp(e->code, "note") && e->line == nline && !strcmp(e->file, scalar(nt, "file")) &&
                    (!e->fragment || strstr(scalar(nt, "message"), e->fragment))) {
                    e->matched = true;
                    break;
                }
            }
        }
        if (!found) {
            printf("FAIL %s: unexpected %s:%u: %s [%s]\n", path, file, line, msg, code);
            ok = false;
        }
    }
    for (size_t k = 0; k < ex.len; k++)
        if (!ex.items[k].matched) {
            printf("FAIL %s: missing %s:%u: [%s]%s%s\n", path, ex.items[k].file, ex.items[k].line, ex.items[k].code,
                   ex.items[k].fragment ? " containing " : "", ex.items[k].fragment ? ex.items[k].fragment : "");
            ok = false;
        }
    if (status != (expect_error ? 1 : 0)) {
        printf("FAIL %s: exit status %d, expected %d\n", path, status, expect_error ? 1 : 0);
        ok = false;
    }
done:
    cc_arena_free(&arena);
    cc_diags_free(&ds);
    free(out);
    for (size_t k = 0; k < ex.len; k++) {
        free(ex.items[k].file);
        free(ex.items[k].fragment);
    }
    cc_vec_free(&ex);
    return ok;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: runner CCFLOW CASE...\n");
        return 2;
    }
    int passed = 0, failed = 0;
    for (int i = 2; i < argc; i++)
        run_case(argv[1], argv[i]) ? passed++ : failed++;
    printf("check suite: %d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
