/* json_reader.c — RFC 8259 JSON text to a cc_node tree with the exact line and column of every
 * value, through yajl's event parser; every problem (syntax, bytes that are not UTF-8, a byte-order
 * mark, nesting, duplicate names) becomes a diagnostic at its place. */
#include "doc.h"

#include <string.h>
#include <yajl/yajl_parse.h>

/* Deeper nesting than this is refused, as in YAML: no flow needs it, and later passes recurse. */
#define NESTING_LIMIT 1000u

typedef struct {
    cc_arena *arena;
    cc_diags *ds;
    uint32_t file;
    const char *text; /* what yajl reads: the file's text, invalid bytes replaced */
    size_t len;
    size_t base;      /* bytes before `text` in the file (a byte-order mark) */
    yajl_handle yajl;
    bool completing;  /* in yajl_complete_parse, where yajl reports no offsets */
    bool too_deep;
    /* a cursor that turns byte offsets into lines and columns; offsets only move forward */
    size_t cur_off;
    uint32_t cur_line, cur_col;
    cc_doc_builder tree;
} reader;

/* Line and column (in characters) of a byte offset of `text`, moving the cursor forward. */
static void position(reader *r, size_t off, uint32_t *line, uint32_t *col)
{
    if (off < r->cur_off) { /* never in practice; start over rather than be wrong */
        r->cur_off = 0;
        r->cur_line = 1;
        r->cur_col = r->base ? 2 : 1;
    }
    if (off > r->len)
        off = r->len;
    /* lines by memchr, then the characters of the last one: bytes that do not continue a UTF-8
     * sequence, eight ASCII bytes at a time */
    const char *p = r->text + r->cur_off, *e = r->text + off, *nl;
    while (p < e && (nl = memchr(p, '\n', (size_t)(e - p))) != NULL)
        r->cur_line++, r->cur_col = 1, p = nl + 1;
    for (uint64_t w; e - p >= 8 && (memcpy(&w, p, 8), !(w & 0x8080808080808080u)); p += 8)
        r->cur_col += 8;
    for (; p < e; p++)
        r->cur_col += ((unsigned char)*p & 0xc0) != 0x80;
    r->cur_off = off;
    *line = r->cur_line;
    *col = r->cur_col;
}

/* The span of bytes [start, end) of `text`; its end is the last character, inclusive. */
static cc_loc span(reader *r, size_t start, size_t end)
{
    cc_loc l = {.file = r->file};
    position(r, start, &l.line, &l.col);
    if (end > start + 1) {
        size_t last = end - 1;
        while (last > start && ((unsigned char)r->text[last] & 0xc0) == 0x80)
            last--;
        position(r, last, &l.end_line, &l.end_col);
    } else {
        l.end_line = l.line;
        l.end_col = l.col;
    }
    return l;
}

/* Where yajl stands: the offset just past the token it has read. */
static size_t token_end(reader *r)
{
    if (r->completing)
        return r->len; /* a number that ends the text is only read when the text is complete */
    size_t end = yajl_get_bytes_consumed(r->yajl);
    return end > r->len ? r->len : end;
}

/* Start of the string token that ends (closing quote included) just before `end`. */
static size_t string_start(const reader *r, size_t end)
{
    size_t i = end >= 2 ? end - 2 : 0;
    for (; i > 0; i--) {
        if (r->text[i] != '"')
            continue;
        size_t slashes = 0;
        while (slashes < i && r->text[i - 1 - slashes] == '\\')
            slashes++;
        if (slashes % 2 == 0)
            break;
    }
    return i;
}

/* Start of the number, true, false or null token that ends just before `end`. */
static size_t word_start(const reader *r, size_t end)
{
    size_t i = end;
    while (i > 0 && strchr("0123456789+-.eEtrufalsn", r->text[i - 1]) && r->text[i - 1] != '\0')
        i--;
    return i;
}

static cc_node *scalar(reader *r, const char *text, size_t len, bool plain, size_t start, size_t end)
{
    cc_node *n = cc_arena_alloc(r->arena, sizeof *n);
    n->type = CC_NODE_SCALAR;
    n->plain = plain;
    n->len = (uint32_t)len;
    n->text = cc_arena_strndup(r->arena, text, len);
    n->loc = span(r, start, end);
    return n;
}

static int add(reader *r, cc_node *n)
{
    cc_doc_add(&r->tree, n);
    return 1;
}

static int on_null(void *ctx)
{
    reader *r = ctx;
    size_t end = token_end(r);
    return add(r, scalar(r, "null", 4, true, end >= 4 ? end - 4 : 0, end));
}

static int on_boolean(void *ctx, int value)
{
    reader *r = ctx;
    size_t end = token_end(r), n = value ? 4 : 5;
    return add(r, scalar(r, value ? "true" : "false", n, true, end >= n ? end - n : 0, end));
}

static int on_number(void *ctx, const char *text, size_t len)
{
    reader *r = ctx;
    size_t end = token_end(r);
    return add(r, scalar(r, text, len, true, word_start(r, end), end));
}

static int on_string(void *ctx, const unsigned char *text, size_t len)
{
    reader *r = ctx;
    size_t end = token_end(r);
    if (memchr(text, '\0', len)) {
        size_t start = string_start(r, end);
        cc_report(r->ds, CC_E101, span(r, start, end), "a string holds \\u0000; flows cannot carry NUL characters");
        len = strlen((const char *)text);
        return add(r, scalar(r, (const char *)text, len, false, start, end));
    }
    return add(r, scalar(r, (const char *)text, len, false, string_start(r, end), end));
}

static int open_container(reader *r, cc_node_type type)
{
    size_t end = token_end(r);
    cc_node *n = cc_arena_alloc(r->arena, sizeof *n);
    n->type = (uint8_t)type;
    n->loc = span(r, end ? end - 1 : 0, end);
    if (r->tree.open.len >= NESTING_LIMIT) {
        cc_report(r->ds, CC_E101, n->loc, "the JSON text nests deeper than %u levels", NESTING_LIMIT);
        r->too_deep = true;
        return 0; /* stops the parse */
    }
    cc_doc_open(&r->tree, n);
    return 1;
}

static int close_container(reader *r)
{
    cc_node *n = cc_doc_close(&r->tree);
    size_t end = token_end(r);
    cc_loc close = span(r, end ? end - 1 : 0, end);
    n->loc.end_line = close.line;
    n->loc.end_col = close.col;
    return add(r, n);
}

static int on_start_map(void *ctx) { return open_container(ctx, CC_NODE_MAP); }
static int on_end_map(void *ctx) { return close_container(ctx); }
static int on_start_array(void *ctx) { return open_container(ctx, CC_NODE_LIST); }
static int on_end_array(void *ctx) { return close_container(ctx); }

static int on_map_key(void *ctx, const unsigned char *text, size_t len)
{
    reader *r = ctx;
    size_t end = token_end(r);
    return add(r, scalar(r, (const char *)text, len, false, string_start(r, end), end));
}

static const yajl_callbacks callbacks = {
    .yajl_null = on_null,
    .yajl_boolean = on_boolean,
    .yajl_number = on_number,
    .yajl_string = on_string,
    .yajl_start_map = on_start_map,
    .yajl_map_key = on_map_key,
    .yajl_end_map = on_end_map,
    .yajl_start_array = on_start_array,
    .yajl_end_array = on_end_array,
};

/* yajl allocates through ccflow's heap, so a failing allocator reaches it too. */
static void *yajl_malloc_fn(void *ctx, size_t n) { (void)ctx; return cc_xmalloc(n ? n : 1); }
static void *yajl_realloc_fn(void *ctx, void *p, size_t n) { (void)ctx; return cc_xrealloc(p, n ? n : 1); }
static void yajl_free_fn(void *ctx, void *p) { (void)ctx; cc_free(p); }

static void yajl_cleanup(void *h) { yajl_free(h); }

/* yajl's messages start with "parse error: " or "lexical error: " and name the problem in its own
 * words; the place is ours to give. */
static void report_syntax(reader *r, yajl_status st)
{
    unsigned char *msg = yajl_get_error(r->yajl, 0, NULL, 0);
    const char *text = (const char *)msg;
    const char *colon = strstr(text, ": ");
    if (colon)
        text = colon + 2;
    size_t at = r->completing ? r->len : yajl_get_bytes_consumed(r->yajl);
    /* yajl stands just past the byte it could not take */
    if (at > 0 && !r->completing)
        at--;
    while (at < r->len && at > 0 && (r->text[at] == '\n' || r->text[at] == '\r'))
        at--;
    char clean[160];
    size_t n = 0;
    for (; text[n] && text[n] != '\n' && n + 1 < sizeof clean; n++)
        clean[n] = text[n];
    while (n && (clean[n - 1] == '.' || clean[n - 1] == ' '))
        n--;
    clean[n] = '\0';
    if (r->completing || st == yajl_status_ok)
        cc_report(r->ds, CC_E101, span(r, r->len ? r->len - 1 : 0, r->len),
                  "the JSON text ends before its last value is closed");
    else
        cc_report(r->ds, CC_E101, span(r, at, at + 1), "JSON syntax error: %s", clean);
    yajl_free_error(r->yajl, msg);
}

cc_node *cc_json_read(cc_arena *arena, cc_diags *ds, uint32_t file, const char *text, size_t len)
{
    reader r = {.arena = arena, .ds = ds, .file = file, .text = text, .len = len, .cur_line = 1, .cur_col = 1,
                .tree = {.arena = arena}};
    /* a byte-order mark is not JSON, but editors on some systems write one; skip it */
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
        r.text += 3;
        r.len -= 3;
        r.base = 3;
        r.cur_col = 2; /* the mark is one character */
    }
    /* bytes that are not UTF-8 are reported where they are and read as '?', so the rest of the
     * file is still checked */
    char *copy = NULL;
    size_t bad = cc_utf8_first_invalid(r.text, r.len);
    if (bad < r.len) {
        copy = cc_arena_alloc(arena, r.len + 1);
        memcpy(copy, r.text, r.len);
        unsigned reported = 0;
        for (size_t at = bad; at < r.len;) {
            if (reported++ < 10)
                cc_report(ds, CC_E101, span(&r, at, at + 1), "byte 0x%02x is not UTF-8; a flow file is UTF-8 text",
                          (unsigned)(unsigned char)copy[at]);
            copy[at++] = '?';
            at += cc_utf8_first_invalid(copy + at, r.len - at);
        }
        if (reported > 10)
            cc_report(ds, CC_E101, (cc_loc){file, 0, 0, 0, 0}, "%u more bytes of the file are not UTF-8", reported - 10);
        r.text = copy;
        r.cur_off = 0;
        r.cur_line = 1;
        r.cur_col = r.base ? 2 : 1;
    }

    size_t first = 0;
    while (first < r.len && strchr(" \t\r\n", r.text[first]))
        first++;
    if (first == r.len) {
        cc_report(ds, CC_E102, (cc_loc){file, 1, 1, 1, 1}, "the file is empty; a flow file holds a flow");
        return NULL;
    }
    static const yajl_alloc_funcs alloc = {yajl_malloc_fn, yajl_realloc_fn, yajl_free_fn, NULL};
    r.yajl = yajl_alloc(&callbacks, (yajl_alloc_funcs *)&alloc, &r);
    if (!r.yajl)
        cc_out_of_memory("the JSON parser");
    /* the text is UTF-8 by now (checked above, bad bytes replaced): yajl need not check again */
    yajl_config(r.yajl, yajl_dont_validate_strings, 1);
    cc_heap_defer(yajl_cleanup, r.yajl);
    yajl_status st = yajl_parse(r.yajl, (const unsigned char *)r.text, r.len);
    if (st == yajl_status_ok) {
        r.completing = true;
        st = yajl_complete_parse(r.yajl);
    }
    bool ok = st == yajl_status_ok;
    if (!ok && !r.too_deep)
        report_syntax(&r, st);
    cc_heap_undefer();
    yajl_free(r.yajl);
    cc_node *root = r.tree.root;
    bool dups = r.tree.dups;
    cc_doc_builder_free(&r.tree);
    if (!ok)
        return NULL;
    root->has_dups = dups;
    return root;
}
