/* fmt.c — `ccflow fmt`: canonical YAML and DSL writers over the document tree, with the source's
 * comments put back beside the blocks and keys they were written next to. */
#include "fmt.h"

#include "catalog.h"

#include <stdlib.h>
#include <string.h>

/* Lines longer than this are broken: YAML maps go to block style, DSL maps one entry a line. */
#define FMT_WIDTH 80

/* ---- output lines ----
 * Both writers build a list of lines and, for every node they write, a tag saying on which line
 * the node's source line ended up. Comments are placed from the tags after the whole document is
 * written, so the writers never think about comments. */

enum { REGION_NONE = -2, REGION_HEADER = -1 }; /* else the index of a block in `blocks` */

typedef struct {
    char *text; /* without the newline; empty for a blank line */
    int indent;
    int region;
} out_line;

typedef struct {
    uint32_t src; /* source line of a node written on the line */
    size_t line;  /* index into the emitter's lines */
    int region;
    bool weak;    /* a block id: a comment on its source line rather goes with the block's kind */
} line_tag;

/* Source lines of one block: [first, span_end] holds its nodes; [first, extent_end] reaches up to
 * the next block (or the next top-level key), so a trailing comment on a closing bracket still
 * belongs to it. */
typedef struct {
    uint32_t first, span_end, extent_end;
} block_lines;

typedef struct {
    CC_VEC(out_line) lines;
    CC_VEC(line_tag) tags;
    cc_buf cur;
    int cur_indent;
    bool open;
    int region;
    const block_lines *blocks;
    size_t nblocks;
    size_t *block_first_line; /* output line where each block starts, once all are written */
    const cc_comments *comments; /* the source's comments, for what must be written one a line */
    const cc_node *scope;        /* the block being written, NULL in the header */
    /* the first thing the DSL writer could not spell */
    bool lossy;
    cc_loc lossy_loc;
    const char *lossy_why;
} emitter;

static void line_end(emitter *e)
{
    if (!e->open)
        return;
    out_line l = {cc_xstrdup(e->cur.len ? e->cur.data : ""), e->cur_indent, e->region};
    cc_vec_push(&e->lines, l);
    e->cur.len = 0;
    e->open = false;
}

static void line_begin(emitter *e, int indent)
{
    line_end(e);
    e->open = true;
    e->cur_indent = indent;
    for (int i = 0; i < indent; i++)
        cc_buf_putc(&e->cur, ' ');
}

static void blank_line(emitter *e)
{
    line_end(e);
    out_line l = {cc_xstrdup(""), 0, REGION_NONE};
    cc_vec_push(&e->lines, l);
}

static void put(emitter *e, const char *s) { cc_buf_puts(&e->cur, s); }
static void put_buf(emitter *e, const cc_buf *b) { cc_buf_put(&e->cur, b->data ? b->data : "", b->len); }

/* Records that node n is written on the current line. A node of a block whose source line lies
 * outside the block (a node the DSL reader made up) says nothing about where comments go. */
static void tag_line(emitter *e, const cc_node *n, bool weak, size_t line)
{
    if (!n || !n->loc.line || line > e->lines.len || (line == e->lines.len && !e->open))
        return;
    if (e->region >= 0) {
        const block_lines *b = &e->blocks[e->region];
        if (n->loc.line < b->first || n->loc.line > b->extent_end)
            return;
    }
    line_tag t = {n->loc.line, line, e->region, weak};
    cc_vec_push(&e->tags, t);
}

static void tag_as(emitter *e, const cc_node *n, bool weak) { tag_line(e, n, weak, e->lines.len); }
static void tag(emitter *e, const cc_node *n) { tag_as(e, n, false); }

static void tag_tree(emitter *e, const cc_node *n)
{
    if (!n)
        return;
    tag(e, n);
    if (n->type == CC_NODE_LIST)
        for (uint32_t i = 0; i < n->count; i++)
            tag_tree(e, n->items[i]);
    else if (n->type == CC_NODE_MAP)
        for (uint32_t i = 0; i < n->count; i++) {
            tag_tree(e, n->pairs[i].key);
            tag_tree(e, n->pairs[i].value);
        }
}

static void lossy(emitter *e, const cc_node *at, const char *why)
{
    if (e->lossy)
        return;
    e->lossy = true;
    e->lossy_loc = at ? at->loc : (cc_loc){0};
    e->lossy_why = why;
}

/* Columns of a UTF-8 text: one per character. */
static size_t columns(const char *s, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        c += ((unsigned char)s[i] & 0xc0) != 0x80;
    return c;
}

static size_t cur_columns(const emitter *e) { return columns(e->cur.data ? e->cur.data : "", e->cur.len); }

/* ---- the shape of the tree ---- */

static bool is_scalar(const cc_node *n) { return n && n->type == CC_NODE_SCALAR; }

static bool key_is(const cc_node *k, const char *name) { return is_scalar(k) && strcmp(k->text, name) == 0; }

/* The first pair of map with key `name` (later repeats are ignored, as the lowering does). */
static const cc_pair *pair_get(const cc_node *map, const char *name)
{
    if (!map || map->type != CC_NODE_MAP)
        return NULL;
    for (uint32_t i = 0; i < map->count; i++)
        if (key_is(map->pairs[i].key, name) && !cc_node_dup_of(map->pairs[i].key))
            return &map->pairs[i];
    return NULL;
}

/* The last source line a node of the subtree sits on, counting only lines up to `limit` (a node
 * the DSL reader made up may carry the location of a later statement). */
static uint32_t last_line(const cc_node *n, uint32_t limit)
{
    if (!n)
        return 0;
    uint32_t m = n->loc.line <= limit ? n->loc.line : 0;
    if (n->type == CC_NODE_SCALAR && n->loc.end_line > m && n->loc.end_line <= limit)
        m = n->loc.end_line;
    if (n->type == CC_NODE_LIST)
        for (uint32_t i = 0; i < n->count; i++) {
            uint32_t l = last_line(n->items[i], limit);
            m = l > m ? l : m;
        }
    else if (n->type == CC_NODE_MAP)
        for (uint32_t i = 0; i < n->count; i++) {
            uint32_t l = last_line(n->pairs[i].key, limit), v = last_line(n->pairs[i].value, limit);
            m = l > m ? l : m;
            m = v > m ? v : m;
        }
    return m;
}

static const cc_node *blocks_of(const cc_node *root)
{
    const cc_pair *p = pair_get(root, "blocks");
    return p && p->value->type == CC_NODE_MAP ? p->value : NULL;
}

static block_lines *compute_block_lines(const cc_node *root, const cc_node *blocks)
{
    if (!blocks || !blocks->count)
        return NULL;
    block_lines *bl = cc_xcalloc(blocks->count, sizeof *bl);
    for (uint32_t i = 0; i < blocks->count; i++) {
        const cc_pair *p = &blocks->pairs[i];
        bl[i].first = p->key->loc.line;
        uint32_t limit = UINT32_MAX;
        if (i + 1 < blocks->count && blocks->pairs[i + 1].key->loc.line > bl[i].first)
            limit = blocks->pairs[i + 1].key->loc.line - 1;
        else
            for (uint32_t k = 0; k < root->count; k++) {
                uint32_t l = root->pairs[k].key->loc.line;
                if (l > bl[i].first && l - 1 < limit)
                    limit = l - 1;
            }
        uint32_t span = last_line(p->key, limit), v = last_line(p->value, limit);
        bl[i].span_end = v > span ? v : span;
        bl[i].extent_end = limit;
        if (bl[i].span_end < bl[i].first)
            bl[i].span_end = bl[i].first;
    }
    return bl;
}

/* ---- where comments ask for lines of their own ----
 * A collection written on one line, or a transition the DSL would fold into its block's line,
 * leaves a comment written beside one of its entries no line to go back to. The writers break
 * such a collection one entry a line, and write such a transition on a line of its own, when a
 * comment of the source sits on one of the lines concerned. */

/* The last source line the current block may hold (nodes the DSL reader made up may carry the
 * location of a later statement). */
static uint32_t region_limit(const emitter *e)
{
    return e->region >= 0 && e->blocks ? e->blocks[e->region].span_end : UINT32_MAX;
}

/* Whether a node of the subtree starts on source line `line`. */
static bool starts_on(const cc_node *n, uint32_t line)
{
    if (!n)
        return false;
    if (n->loc.line == line)
        return true;
    if (n->type == CC_NODE_LIST)
        for (uint32_t i = 0; i < n->count; i++)
            if (starts_on(n->items[i], line))
                return true;
    if (n->type == CC_NODE_MAP)
        for (uint32_t i = 0; i < n->count; i++)
            if (starts_on(n->pairs[i].key, line) || starts_on(n->pairs[i].value, line))
                return true;
    return false;
}

/* The least source line above `line` that a node of the subtree starts on (UINT32_MAX for none). */
static uint32_t line_above(const cc_node *n, uint32_t line)
{
    if (!n)
        return UINT32_MAX;
    uint32_t m = n->loc.line > line ? n->loc.line : UINT32_MAX;
    if (n->type == CC_NODE_LIST)
        for (uint32_t i = 0; i < n->count; i++) {
            uint32_t l = line_above(n->items[i], line);
            m = l < m ? l : m;
        }
    else if (n->type == CC_NODE_MAP)
        for (uint32_t i = 0; i < n->count; i++) {
            uint32_t k = line_above(n->pairs[i].key, line), v = line_above(n->pairs[i].value, line);
            m = k < m ? k : m;
            m = v < m ? v : m;
        }
    return m;
}

/* Whether collection v, whose key (or v itself) starts on source line `from`, has a comment of
 * its own on a later line: one after an entry's text, or one on a line of its own before an entry
 * (the next thing of the block, `e->scope`, after it is one of v's). Written on one line, v would
 * leave that comment no line of its key. */
static bool comments_inside(const emitter *e, uint32_t from, const cc_node *v)
{
    if (!e->comments || !v || v->type == CC_NODE_SCALAR || !v->count || !from)
        return false;
    uint32_t limit = region_limit(e), last = last_line(v, limit);
    for (size_t i = 0; i < e->comments->len; i++) {
        const cc_comment *c = &e->comments->items[i];
        if (c->line <= from || c->line > last)
            continue;
        uint32_t line = c->trailing ? c->line : line_above(e->scope ? e->scope : v, c->line);
        for (uint32_t k = 0; line <= last && k < v->count; k++) /* its entries, not v, which a
                                                                 * copy without cases shares */
            if (v->type == CC_NODE_LIST ? starts_on(v->items[k], line)
                                        : starts_on(v->pairs[k].key, line) || starts_on(v->pairs[k].value, line))
                return true;
    }
    return false;
}

/* The greatest source line below `line` that a node of the subtree starts on (0 for none). */
static uint32_t line_below(const cc_node *n, uint32_t line)
{
    if (!n)
        return 0;
    uint32_t m = n->loc.line < line ? n->loc.line : 0;
    if (n->type == CC_NODE_LIST)
        for (uint32_t i = 0; i < n->count; i++) {
            uint32_t l = line_below(n->items[i], line);
            m = l > m ? l : m;
        }
    else if (n->type == CC_NODE_MAP)
        for (uint32_t i = 0; i < n->count; i++) {
            uint32_t k = line_below(n->pairs[i].key, line), v = line_below(n->pairs[i].value, line);
            m = k > m ? k : m;
            m = v > m ? v : m;
        }
    return m;
}

/* Whether a comment belongs to source line `line` of the block (id, block): one at its end, or
 * one on a line of its own between the block's line before it and it. */
static bool line_commented(const emitter *e, const cc_node *id, const cc_node *block, uint32_t line)
{
    if (!e->comments || !line)
        return false;
    uint32_t before = line_below(block, line), idl = id && id->loc.line < line ? id->loc.line : 0;
    before = idl > before ? idl : before;
    for (size_t i = 0; i < e->comments->len; i++) {
        const cc_comment *c = &e->comments->items[i];
        if (c->line == line ? c->trailing : (!c->trailing && c->line > before && c->line < line))
            return true;
    }
    return false;
}

/* ---- comment placement ---- */

typedef enum { PLACE_TOP, PLACE_END, PLACE_BEFORE, PLACE_AFTER } place_kind;

typedef struct {
    place_kind kind;
    size_t line;
    const cc_comment *c;
} placement;

/* The block whose lines (its span, or its extent) hold `line`, or REGION_NONE. Blocks come in
 * source order, so their first lines never decrease. */
static int block_at(const emitter *e, uint32_t line, bool extent)
{
    size_t lo = 0, hi = e->nblocks; /* the first block starting after `line` */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (e->blocks[mid].first <= line)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0)
        return REGION_NONE;
    size_t i = lo - 1;
    while (i > 0 && e->blocks[i - 1].first == e->blocks[i].first)
        i--;
    const block_lines *b = &e->blocks[i];
    return line <= (extent ? b->extent_end : b->span_end) ? (int)i : REGION_NONE;
}

/* Tags are sorted by source line, then output line. */
static int by_source_line(const void *a, const void *b)
{
    const line_tag *x = a, *y = b;
    if (x->src != y->src)
        return x->src < y->src ? -1 : 1;
    return x->line < y->line ? -1 : x->line > y->line;
}

/* Index of the first tag whose source line is after `line`. */
static size_t first_tag_after(const emitter *e, uint32_t line)
{
    size_t lo = 0, hi = e->tags.len;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (e->tags.items[mid].src <= line)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* A comment on a line of its own goes before what follows it in the source: inside a block,
 * the next thing of that block; between blocks, the next block; after everything, at the end. */
static placement place_full_line(const emitter *e, const cc_comment *c)
{
    placement p = {PLACE_END, 0, c};
    if (!e->tags.len || e->tags.items[0].src > c->line) {
        p.kind = PLACE_TOP;
        return p;
    }
    size_t i = first_tag_after(e, c->line);
    int b = block_at(e, c->line, false);
    if (b >= 0) {
        while (i < e->tags.len && e->tags.items[i].region != b && e->tags.items[i].src <= e->blocks[b].span_end)
            i++;
        if (i < e->tags.len && e->tags.items[i].region != b)
            i = e->tags.len;
        size_t line = SIZE_MAX;
        if (i < e->tags.len)
            line = e->tags.items[i].line;
        else /* nothing of the block follows it: before the block's last line that holds something */
            for (size_t k = 0; k < e->tags.len; k++)
                if (e->tags.items[k].region == b && (line == SIZE_MAX || e->tags.items[k].line > line))
                    line = e->tags.items[k].line;
        if (line != SIZE_MAX) {
            p.kind = PLACE_BEFORE;
            p.line = line;
        }
        return p;
    }
    if (i < e->tags.len) {
        const line_tag *t = &e->tags.items[i];
        p.kind = PLACE_BEFORE;
        p.line = t->region >= 0 && e->block_first_line[t->region] != SIZE_MAX ? e->block_first_line[t->region] : t->line;
    }
    return p;
}

/* A comment after text goes at the end of the line that holds what that text became (the kind's
 * line rather than the id's, when a DSL statement line held both); when nothing written starts
 * on its line, after what came last before it. */
static placement place_trailing(const emitter *e, const cc_comment *c)
{
    int b = block_at(e, c->line, true);
    int region = b >= 0 ? b : REGION_HEADER;
    size_t end = first_tag_after(e, c->line);
    const line_tag *same = NULL, *before = NULL;
    for (size_t i = end; i-- > 0;) {
        const line_tag *t = &e->tags.items[i];
        if ((same && t->src < c->line) || (b >= 0 && t->src < e->blocks[b].first))
            break;
        if (t->region != region)
            continue;
        if (t->src == c->line) {
            if (!same || !t->weak || same->weak)
                same = t; /* walking backwards: the last one kept is the first in output order */
            continue;
        }
        if (same)
            break;
        if (!before || t->src == before->src)
            before = t;
        else
            break;
    }
    const line_tag *t = same ? same : before;
    if (!t)
        return place_full_line(e, c);
    return (placement){PLACE_AFTER, t->line, c};
}

static void put_comment_text(cc_buf *out, const char *text)
{
    size_t n = strlen(text);
    while (n && (text[n - 1] == ' ' || text[n - 1] == '\t' || text[n - 1] == '\r'))
        n--;
    cc_buf_putc(out, '#');
    cc_buf_put(out, text, n);
}

static void put_full_line_comment(cc_buf *out, int indent, const char *text)
{
    for (int i = 0; i < indent; i++)
        cc_buf_putc(out, ' ');
    put_comment_text(out, text);
    cc_buf_putc(out, '\n');
}

/* Placements in writing order: those at the top, then line by line (before a line, then after
 * it), then those at the end; in source order within each place. */
static int by_place(const void *a, const void *b)
{
    const placement *x = a, *y = b;
    int gx = x->kind == PLACE_TOP ? 0 : x->kind == PLACE_END ? 2 : 1;
    int gy = y->kind == PLACE_TOP ? 0 : y->kind == PLACE_END ? 2 : 1;
    if (gx != gy)
        return gx < gy ? -1 : 1;
    if (gx == 1 && x->line != y->line)
        return x->line < y->line ? -1 : 1;
    if (gx == 1 && x->kind != y->kind)
        return x->kind == PLACE_BEFORE ? -1 : 1;
    if (x->c->line != y->c->line)
        return x->c->line < y->c->line ? -1 : 1;
    return x->c < y->c ? -1 : x->c > y->c;
}

/* Writes the lines with the comments in their places, and frees the emitter. `end_gap` puts a
 * blank line between the last line and comments that follow everything. */
static void finish(emitter *e, const cc_comments *comments, bool end_gap, cc_buf *out)
{
    line_end(e);
    if (e->tags.len)
        qsort(e->tags.items, e->tags.len, sizeof *e->tags.items, by_source_line);
    e->block_first_line = cc_xcalloc(e->nblocks + 1, sizeof *e->block_first_line);
    for (size_t b = 0; b < e->nblocks; b++)
        e->block_first_line[b] = SIZE_MAX;
    for (size_t l = e->lines.len; l-- > 0;)
        if (e->lines.items[l].region >= 0)
            e->block_first_line[e->lines.items[l].region] = l;
    size_t n = comments ? comments->len : 0;
    placement *ps = cc_xcalloc(n + 1, sizeof *ps);
    for (size_t i = 0; i < n; i++) {
        const cc_comment *c = &comments->items[i];
        ps[i] = c->trailing ? place_trailing(e, c) : place_full_line(e, c);
    }
    if (n)
        qsort(ps, n, sizeof *ps, by_place);
    size_t k = 0;
    for (; k < n && ps[k].kind == PLACE_TOP; k++)
        put_full_line_comment(out, 0, ps[k].c->text);
    for (size_t l = 0; l < e->lines.len; l++) {
        const out_line *ol = &e->lines.items[l];
        for (; k < n && ps[k].kind == PLACE_BEFORE && ps[k].line == l; k++)
            put_full_line_comment(out, ol->indent, ps[k].c->text);
        /* one comment at the end of a line; when several source lines became this one, the
         * comments of all but the last go on lines of their own above it */
        size_t after = k;
        while (after < n && ps[after].kind == PLACE_AFTER && ps[after].line == l)
            after++;
        for (; after - k > (ol->text[0] ? 1 : 0); k++) /* none at the end of a blank line */
            put_full_line_comment(out, ol->indent, ps[k].c->text);
        cc_buf_puts(out, ol->text);
        if (k < after) {
            cc_buf_puts(out, "  ");
            put_comment_text(out, ps[k++].c->text);
        }
        cc_buf_putc(out, '\n');
    }
    if (k < n && end_gap && e->lines.len)
        cc_buf_putc(out, '\n');
    for (; k < n; k++)
        put_full_line_comment(out, 0, ps[k].c->text);
    cc_free(ps);
    cc_free(e->block_first_line);
    for (size_t l = 0; l < e->lines.len; l++)
        cc_free(e->lines.items[l].text);
    cc_vec_free(&e->lines);
    cc_vec_free(&e->tags);
    cc_buf_free(&e->cur);
}

/* ---- scalars ---- */

static bool text_is(const char *s, size_t n, const char *word) { return n == strlen(word) && memcmp(s, word, n) == 0; }

static bool one_of(const char *s, size_t n, const char *const *words)
{
    for (; *words; words++)
        if (text_is(s, n, *words))
            return true;
    return false;
}

static bool is_digit(char c) { return c >= '0' && c <= '9'; }
static bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
static bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

/* Whether text reads as a number in YAML 1.1 or 1.2, or as ccflow's number (strtod of text that
 * starts with a digit). */
static bool looks_numeric(const char *s, size_t n)
{
    size_t i = 0;
    if (i < n && (s[i] == '-' || s[i] == '+'))
        i++;
    static const char *const specials[] = {".inf", ".Inf", ".INF", ".nan", ".NaN", ".NAN", NULL};
    if (one_of(s + i, n - i, specials))
        return true;
    if (i == n)
        return false;
    if (n - i > 2 && s[i] == '0' && strchr("xXoObB", s[i + 1])) {
        size_t j = i + 2;
        while (j < n && (is_hex(s[j]) || s[j] == '_'))
            j++;
        return j == n;
    }
    /* [0-9_]*(.[0-9_]*)?([eE][-+]?[0-9]+)? with at least one digit */
    size_t j = i, digits = 0;
    while (j < n && (is_digit(s[j]) || s[j] == '_'))
        digits += is_digit(s[j++]);
    if (j < n && s[j] == '.')
        for (j++; j < n && (is_digit(s[j]) || s[j] == '_'); j++)
            digits += is_digit(s[j]);
    if (digits && j < n && (s[j] == 'e' || s[j] == 'E')) {
        size_t k = j + 1;
        if (k < n && (s[k] == '-' || s[k] == '+'))
            k++;
        if (k < n && is_digit(s[k])) {
            while (k < n && is_digit(s[k]))
                k++;
            j = k;
        }
    }
    if (digits && j == n)
        return true;
    if (is_digit(s[i]) && strlen(s) == n) {
        char *end;
        (void)strtod(s, &end);
        return *end == '\0';
    }
    return false;
}

/* Whether a plain scalar with this text would read as something other than text: null, a
 * boolean or a number (with YAML 1.1's yes/no/on/off too when `yaml11`). */
static bool looks_typed(const char *s, size_t n, bool yaml11)
{
    static const char *const core[] = {"", "~", "null", "Null", "NULL", "true", "True", "TRUE",
                                       "false", "False", "FALSE", NULL};
    static const char *const old[] = {"yes", "Yes", "YES", "no", "No", "NO", "on", "On", "ON", "off",
                                      "Off", "OFF", "y", "Y", "n", "N", NULL};
    return one_of(s, n, core) || (yaml11 && one_of(s, n, old)) || looks_numeric(s, n);
}

/* Length of the UTF-8 sequence at s, trusting the reader to have checked validity. */
static size_t utf8_len(unsigned char c) { return c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4; }

static uint32_t utf8_code(const unsigned char *s, size_t k)
{
    if (k == 1)
        return s[0];
    uint32_t c = s[0] & (0xffu >> (k + 1));
    for (size_t i = 1; i < k; i++)
        c = c << 6 | (s[i] & 0x3fu);
    return c;
}

/* Characters that YAML does not allow raw in a scalar, or that read as line breaks. */
static bool yaml_needs_escape(uint32_t c)
{
    return c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f) || c == 0x2028 || c == 0x2029 || c == 0xfeff ||
           c == 0xfffe || c == 0xffff;
}

static bool yaml_can_plain(const char *s, size_t n, bool flow)
{
    if (n == 0 || s[0] == ' ' || s[0] == '\t' || s[n - 1] == ' ' || s[n - 1] == '\t')
        return false;
    for (size_t i = 0; i < n;) {
        size_t k = utf8_len((unsigned char)s[i]);
        if (i + k > n || yaml_needs_escape(utf8_code((const unsigned char *)s + i, k)))
            return false;
        i += k;
    }
    if (strchr("#&*!|>'\"%@`,[]{}", s[0]))
        return false;
    if (strchr("-?:", s[0]) && (n == 1 || s[1] == ' ' || s[1] == '\t' || (flow && s[0] != '-')))
        return false; /* in a flow collection, libyaml reads a leading ? or : as an indicator */
    if (n >= 3 && (!memcmp(s, "---", 3) || !memcmp(s, "...", 3)))
        return false;
    if (s[n - 1] == ':')
        return false;
    for (size_t i = 0; i + 1 < n; i++) {
        if (s[i] == ':' && (s[i + 1] == ' ' || s[i + 1] == '\t'))
            return false;
        if ((s[i] == ' ' || s[i] == '\t') && s[i + 1] == '#')
            return false;
    }
    if (flow)
        for (size_t i = 0; i < n; i++)
            if (strchr(",[]{}:", s[i]))
                return false;
    return true;
}

/* Writes s[0..n) between double quotes, one code point at a time: escape writes the escape of a
 * code point and returns true, or returns false to keep the character as it is. */
static void quoted(cc_buf *b, const char *s, size_t n, bool (*escape)(cc_buf *b, uint32_t c))
{
    cc_buf_putc(b, '"');
    for (size_t i = 0; i < n;) {
        size_t k = utf8_len((unsigned char)s[i]);
        if (i + k > n)
            k = n - i;
        if (!escape(b, utf8_code((const unsigned char *)s + i, k)))
            cc_buf_put(b, s + i, k);
        i += k;
    }
    cc_buf_putc(b, '"');
}

static bool yaml_escape(cc_buf *b, uint32_t c)
{
    if (c == '"' || c == '\\') {
        cc_buf_putc(b, '\\');
        cc_buf_putc(b, (char)c);
        return true;
    }
    if (!yaml_needs_escape(c))
        return false;
    static const char short_escapes[] = {[0] = '0', [7] = 'a', [8] = 'b', [9] = 't', [10] = 'n',
                                         [11] = 'v', [12] = 'f', [13] = 'r', [27] = 'e'};
    if (c < sizeof short_escapes && short_escapes[c])
        cc_buf_printf(b, "\\%c", short_escapes[c]);
    else if (c == 0x85)
        cc_buf_puts(b, "\\N");
    else if (c == 0x2028)
        cc_buf_puts(b, "\\L");
    else if (c == 0x2029)
        cc_buf_puts(b, "\\P");
    else if (c <= 0xff)
        cc_buf_printf(b, "\\x%02X", (unsigned)c);
    else
        cc_buf_printf(b, "\\u%04X", (unsigned)c);
    return true;
}

static void yaml_double_quoted(cc_buf *b, const char *s, size_t n) { quoted(b, s, n, yaml_escape); }

/* What a YAML node is, for quoting: block ids, targets and the flow's name are names, and a name
 * that looks like a number, boolean or null is quoted however it was written (`next: "10"`, as
 * the id is `"10":`). The roles of collections say what their members are. */
typedef enum {
    ROLE_VALUE,
    ROLE_KEY,
    ROLE_NAME,
    ROLE_BRANCHES, /* a mapping of branch names to targets: `on` */
    ROLE_PARAMS,   /* a kind's parameters: the cases parameter holds cases */
    ROLE_CASES,    /* a list of cases */
    ROLE_CASE      /* a case: its `next` is a target */
} yaml_role;

static yaml_role child_role(yaml_role role, const cc_node *key, const char *cases_name)
{
    switch (role) {
    case ROLE_BRANCHES:
        return ROLE_NAME;
    case ROLE_CASE:
        return key_is(key, "next") ? ROLE_NAME : ROLE_VALUE;
    case ROLE_PARAMS:
        return cases_name && key_is(key, cases_name) ? ROLE_CASES : ROLE_VALUE;
    case ROLE_CASES:
        return ROLE_CASE;
    default:
        return ROLE_VALUE;
    }
}

/* A scalar as YAML. A plain value stays plain when YAML reads it back the same (a null becomes
 * `null`); a quoted one is written plain unless that would make it a number, boolean or null.
 * Keys and names are quoted exactly when they look like a number, boolean or null. */
static void yaml_scalar(cc_buf *b, const cc_node *n, bool flow, yaml_role role)
{
    if (role != ROLE_KEY && n->plain && cc_node_is_null(n)) {
        cc_buf_puts(b, "null");
        return;
    }
    bool plain = yaml_can_plain(n->text, n->len, flow);
    if (role == ROLE_KEY || role == ROLE_NAME)
        plain = plain && !looks_typed(n->text, n->len, false);
    else
        plain = plain && (n->plain || !looks_typed(n->text, n->len, true));
    if (plain)
        cc_buf_put(b, n->text, n->len);
    else
        yaml_double_quoted(b, n->text, n->len);
}

/* ---- YAML ---- */

/* A list holding collections is written as a block sequence, and so is anything holding one. */
static bool yaml_forces_block(const cc_node *n)
{
    if (n->type == CC_NODE_LIST) {
        for (uint32_t i = 0; i < n->count; i++)
            if (n->items[i]->type != CC_NODE_SCALAR)
                return true;
    } else if (n->type == CC_NODE_MAP) {
        for (uint32_t i = 0; i < n->count; i++)
            if (yaml_forces_block(n->pairs[i].value))
                return true;
    }
    return false;
}

static void yaml_flow(cc_buf *b, const cc_node *n, yaml_role role, const char *cases_name)
{
    if (n->type == CC_NODE_SCALAR) {
        yaml_scalar(b, n, true, role);
    } else if (n->type == CC_NODE_LIST) {
        cc_buf_putc(b, '[');
        for (uint32_t i = 0; i < n->count; i++) {
            if (i)
                cc_buf_puts(b, ", ");
            yaml_flow(b, n->items[i], child_role(role, NULL, cases_name), cases_name);
        }
        cc_buf_putc(b, ']');
    } else if (n->count == 0) {
        cc_buf_puts(b, "{}");
    } else {
        cc_buf_puts(b, "{ ");
        for (uint32_t i = 0; i < n->count; i++) {
            if (i)
                cc_buf_puts(b, ", ");
            yaml_flow(b, n->pairs[i].key, ROLE_KEY, NULL);
            cc_buf_puts(b, ": ");
            yaml_flow(b, n->pairs[i].value, child_role(role, n->pairs[i].key, cases_name), cases_name);
        }
        cc_buf_puts(b, " }");
    }
}

static void yaml_key(emitter *e, const cc_node *k, bool weak)
{
    cc_buf b = {0};
    yaml_flow(&b, k, ROLE_KEY, NULL);
    put_buf(e, &b);
    cc_buf_free(&b);
    if (weak)
        tag_as(e, k, true);
    else
        tag_tree(e, k);
    put(e, ":");
}

static void yaml_block_map(emitter *e, const cc_node *m, int indent, bool continue_line, yaml_role role,
                           const char *cases_name);
static void yaml_block_seq(emitter *e, const cc_node *l, int indent, yaml_role role);
static void yaml_value(emitter *e, const cc_node *v, uint32_t from, int indent, yaml_role role, const char *cases_name);

/* "key: value". When the value is broken because of comments beside its entries and its first
 * entry started on the key's line (a DSL branch line holds both `on` and its first branch), a
 * comment on that line goes with the entry rather than the key. */
static void yaml_pair(emitter *e, const cc_pair *p, int indent, yaml_role role, const char *cases_name)
{
    const cc_node *k = p->key, *v = p->value;
    bool weak = false;
    if (v->type != CC_NODE_SCALAR && v->count && k->loc.line) {
        const cc_node *first = v->type == CC_NODE_MAP ? v->pairs[0].key : v->items[0];
        weak = first->loc.line == k->loc.line && comments_inside(e, k->loc.line, v);
    }
    yaml_key(e, k, weak);
    yaml_value(e, v, k->loc.line, indent, role, cases_name);
}

/* Writes prefix and v in flow style to the end of the current line when v may be written so and
 * fits (scalars and empty collections always do) and no comment of the source sits beside one of
 * its entries on a later line than `from`, where its key starts; false, with nothing written,
 * otherwise. */
static bool yaml_inline(emitter *e, const cc_node *v, uint32_t from, const char *prefix, yaml_role role,
                        const char *cases_name)
{
    if (v->type != CC_NODE_SCALAR && v->count && (yaml_forces_block(v) || comments_inside(e, from, v)))
        return false;
    cc_buf b = {0};
    if (v->type == CC_NODE_SCALAR)
        yaml_scalar(&b, v, false, role);
    else
        yaml_flow(&b, v, role, cases_name);
    bool fits = v->type == CC_NODE_SCALAR || v->count == 0 ||
                cur_columns(e) + strlen(prefix) + columns(b.data, b.len) <= FMT_WIDTH;
    if (fits) {
        put(e, prefix);
        put_buf(e, &b);
        tag_tree(e, v);
        line_end(e);
    }
    cc_buf_free(&b);
    return fits;
}

/* Writes v after "key:" on the current line, in flow style when it fits, else on the lines below
 * at `indent`. `from` is the source line of the key. */
static void yaml_value(emitter *e, const cc_node *v, uint32_t from, int indent, yaml_role role, const char *cases_name)
{
    if (yaml_inline(e, v, from, " ", role, cases_name))
        return;
    line_end(e);
    if (v->type == CC_NODE_MAP)
        yaml_block_map(e, v, indent, false, role, cases_name);
    else
        yaml_block_seq(e, v, indent, role);
}

static void yaml_block_map(emitter *e, const cc_node *m, int indent, bool continue_line, yaml_role role,
                           const char *cases_name)
{
    for (uint32_t i = 0; i < m->count; i++) {
        if (i || !continue_line)
            line_begin(e, indent);
        yaml_pair(e, &m->pairs[i], indent + 2, child_role(role, m->pairs[i].key, cases_name), cases_name);
    }
}

static void yaml_block_seq(emitter *e, const cc_node *l, int indent, yaml_role role)
{
    yaml_role item_role = child_role(role, NULL, NULL);
    for (uint32_t i = 0; i < l->count; i++) {
        const cc_node *item = l->items[i];
        line_begin(e, indent);
        tag(e, item);
        if (yaml_inline(e, item, item->loc.line, "- ", item_role, NULL))
            continue;
        if (item->type == CC_NODE_MAP) {
            put(e, "- ");
            yaml_block_map(e, item, indent + 2, true, item_role, NULL);
        } else {
            put(e, "-");
            line_end(e);
            yaml_block_seq(e, item, indent + 2, item_role);
        }
    }
}

/* The key of a block that is its kind, as the lowering picks it: the first known kind, else the
 * first key that is neither `next` nor `on`. */
static const cc_pair *block_kind(const cc_node *blk)
{
    const cc_pair *unknown = NULL;
    for (uint32_t i = 0; i < blk->count; i++) {
        const cc_node *k = blk->pairs[i].key;
        if (!is_scalar(k) || cc_node_dup_of(k) || key_is(k, "next") || key_is(k, "on"))
            continue;
        if (cc_block_lookup(k->text))
            return &blk->pairs[i];
        if (!unknown)
            unknown = &blk->pairs[i];
    }
    return unknown;
}

/* A copy of map m (pairs array on the heap) with the pair of key `name` moved last, or removed
 * when `drop`. Returns false when m has no such key. */
static bool map_without(const cc_node *m, const char *name, bool drop, cc_node *copy)
{
    const cc_pair *p = pair_get(m, name);
    if (!p)
        return false;
    *copy = *m;
    copy->pairs = cc_xcalloc(m->count ? m->count : 1, sizeof *copy->pairs);
    uint32_t n = 0;
    for (uint32_t i = 0; i < m->count; i++)
        if (&m->pairs[i] != p)
            copy->pairs[n++] = m->pairs[i];
    if (!drop)
        copy->pairs[n++] = *p;
    copy->count = n;
    return true;
}

/* Cases in the order the DSL writes them: each case's `next` after its operator. Returns a list
 * to free with free_cases, or NULL when list is not a list. */
static cc_node *cases_next_last(const cc_node *list)
{
    if (!list || list->type != CC_NODE_LIST)
        return NULL;
    cc_node *copy = cc_xcalloc(1, sizeof *copy);
    *copy = *list;
    copy->items = cc_xcalloc(list->count ? list->count : 1, sizeof *copy->items);
    for (uint32_t i = 0; i < list->count; i++) {
        cc_node *item = cc_xcalloc(1, sizeof *item);
        if (!map_without(list->items[i], "next", false, item))
            *item = *list->items[i];
        copy->items[i] = item;
    }
    return copy;
}

static void free_cases(cc_node *copy, const cc_node *list)
{
    for (uint32_t i = 0; copy && i < copy->count; i++) {
        if (copy->items[i]->pairs != list->items[i]->pairs)
            cc_free(copy->items[i]->pairs);
        cc_free(copy->items[i]);
    }
    if (copy)
        cc_free(copy->items);
    cc_free(copy);
}

/* Whether a kind reads a null value as it reads `{}`: all but those whose whole mapping value is
 * one parameter, for which null and `{}` are different mistakes. */
static bool null_means_empty(const cc_block_spec *spec)
{
    for (const cc_param_spec *p = spec ? spec->params : NULL; p && p->name; p++)
        if (p->flags & CC_PF_WHOLE)
            return false;
    return true;
}

/* The kind's value: `{}` for none, the cases parameter last and each case's `next` last. */
static void yaml_kind_value(emitter *e, const cc_node *v, uint32_t from, const cc_block_spec *spec)
{
    const cc_param_spec *cases = cc_block_cases_param(spec);
    if (cc_node_is_null(v) && null_means_empty(spec)) {
        put(e, " {}");
        tag(e, v);
        line_end(e);
        return;
    }
    cc_node copy;
    if (cases && (cases->flags & CC_PF_SCALAR) && v->type == CC_NODE_LIST) {
        cc_node *list = cases_next_last(v);
        yaml_value(e, list, from, 6, ROLE_CASES, NULL);
        free_cases(list, v);
    } else if (cases && v->type == CC_NODE_MAP && map_without(v, cases->name, false, &copy)) {
        cc_pair *last = &copy.pairs[copy.count - 1];
        const cc_node *orig = last->value;
        cc_node *list = cases_next_last(orig);
        if (list)
            last->value = list;
        yaml_value(e, &copy, from, 6, ROLE_PARAMS, cases->name);
        free_cases(list, orig);
        cc_free(copy.pairs);
    } else
        yaml_value(e, v, from, 6, ROLE_PARAMS, cases ? cases->name : NULL);
}

static void yaml_block(emitter *e, const cc_node *blk)
{
    e->scope = blk;
    const cc_pair *kind = block_kind(blk), *next = pair_get(blk, "next"), *on = pair_get(blk, "on");
    if (kind) {
        line_begin(e, 4);
        yaml_key(e, kind->key, false);
        yaml_kind_value(e, kind->value, kind->key->loc.line, cc_block_lookup(kind->key->text));
    }
    if (next) {
        line_begin(e, 4);
        yaml_pair(e, next, 6, ROLE_NAME, NULL);
    }
    if (on) {
        line_begin(e, 4);
        yaml_pair(e, on, 6, ROLE_BRANCHES, NULL);
    }
    for (uint32_t i = 0; i < blk->count; i++) {
        const cc_pair *p = &blk->pairs[i];
        if (p == kind || p == next || p == on)
            continue;
        line_begin(e, 4);
        yaml_pair(e, p, 6, ROLE_VALUE, NULL);
    }
}

static const char *const header_keys[] = {"flow", "type", "channels", "start", "description", "blocks", NULL};

static bool is_header_key(const cc_node *k)
{
    return is_scalar(k) && one_of(k->text, k->len, header_keys);
}

void cc_fmt_yaml(const cc_node *root, const cc_comments *comments, cc_buf *out)
{
    emitter e = {.region = REGION_HEADER, .comments = comments};
    if (!root) {
        finish(&e, comments, false, out);
        return;
    }
    if (root->type != CC_NODE_MAP || root->count == 0) { /* not a flow, but fmt keeps what it can */
        if (root->type == CC_NODE_LIST && root->count) {
            yaml_block_seq(&e, root, 0, ROLE_VALUE);
        } else {
            cc_buf b = {0};
            if (root->type == CC_NODE_SCALAR)
                yaml_scalar(&b, root, false, ROLE_VALUE);
            else
                yaml_flow(&b, root, ROLE_VALUE, NULL);
            line_begin(&e, 0);
            put_buf(&e, &b);
            tag_tree(&e, root);
            cc_buf_free(&b);
        }
        finish(&e, comments, false, out);
        return;
    }
    const cc_node *blocks = blocks_of(root);
    block_lines *bl = compute_block_lines(root, blocks);
    e.blocks = bl;
    e.nblocks = blocks ? blocks->count : 0;
    /* the known keys in their order (a repeated key right after the first), then the others */
    for (size_t h = 0; header_keys[h]; h++)
        for (uint32_t i = 0; i < root->count; i++) {
            const cc_pair *p = &root->pairs[i];
            if (!key_is(p->key, header_keys[h]))
                continue;
            line_begin(&e, 0);
            if (p->value != blocks || blocks->count == 0) {
                bool name = key_is(p->key, "flow") || key_is(p->key, "start");
                yaml_pair(&e, p, 2, name ? ROLE_NAME : ROLE_VALUE, NULL);
                continue;
            }
            yaml_key(&e, p->key, false);
            line_end(&e);
            for (uint32_t b = 0; b < blocks->count; b++) {
                const cc_pair *bp = &blocks->pairs[b];
                e.region = (int)b;
                line_begin(&e, 2);
                yaml_key(&e, bp->key, true);
                if (bp->value->type == CC_NODE_MAP && bp->value->count) {
                    line_end(&e);
                    yaml_block(&e, bp->value);
                    e.scope = NULL;
                } else
                    yaml_value(&e, bp->value, bp->key->loc.line, 4, ROLE_VALUE, NULL);
            }
            line_end(&e);
            e.region = REGION_HEADER;
        }
    for (uint32_t i = 0; i < root->count; i++) {
        const cc_pair *p = &root->pairs[i];
        if (is_header_key(p->key))
            continue;
        line_begin(&e, 0);
        yaml_pair(&e, p, 2, ROLE_VALUE, NULL);
    }
    finish(&e, comments, false, out);
    cc_free(bl);
}

/* ---- DSL ---- */

static const char *const dsl_keywords[] = {"flow", "if", "else", "switch", "goto", "end", "true", "false", "null", NULL};
/* Whether s is a case operator (the catalogue's cc_case_ops), which the DSL reads as a keyword. */
static bool is_operator(const char *s, size_t n)
{
    for (int i = 0; i < CC_CASE_OP_COUNT; i++)
        if (text_is(s, n, cc_case_ops[i].name))
            return true;
    return false;
}

/* letter or _, then letters, digits, _ and - */
static bool dsl_ident(const char *s, size_t n)
{
    if (!n || !(is_alpha(s[0]) || s[0] == '_'))
        return false;
    for (size_t i = 1; i < n; i++)
        if (!(is_alpha(s[i]) || is_digit(s[i]) || s[i] == '_' || s[i] == '-'))
            return false;
    return true;
}

/* -?[0-9]+(.[0-9]+)? as a number, or [-+]?[0-9]+(ms|s|m|h|d) as a duration */
static bool dsl_number_or_duration(const char *s, size_t n)
{
    size_t i = n && (s[0] == '-' || s[0] == '+') ? 1 : 0, j = i;
    while (j < n && is_digit(s[j]))
        j++;
    if (j == i)
        return false;
    if (j == n)
        return s[0] != '+';
    if (s[j] == '.' && s[0] != '+') {
        size_t k = j + 1;
        while (k < n && is_digit(s[k]))
            k++;
        return k > j + 1 && k == n;
    }
    static const char *const units[] = {"ms", "s", "m", "h", "d", NULL};
    return one_of(s + j, n - j, units);
}

/* $. then dotted segments, each a letter, digit or _ followed by letters, digits, _, : and - */
static bool dsl_reference(const char *s, size_t n)
{
    if (n < 3 || s[0] != '$' || s[1] != '.')
        return false;
    bool segment_start = true;
    for (size_t i = 2; i < n; i++) {
        char c = s[i];
        if (c == '.' && !segment_start)
            segment_start = true;
        else if (is_alpha(c) || is_digit(c) || c == '_' || (!segment_start && (c == ':' || c == '-')))
            segment_start = false;
        else
            return false;
    }
    return !segment_start;
}

static bool dsl_escape(cc_buf *b, uint32_t c)
{
    switch (c) {
    case '"': cc_buf_puts(b, "\\\""); return true;
    case '\\': cc_buf_puts(b, "\\\\"); return true;
    case '\n': cc_buf_puts(b, "\\n"); return true;
    case '\t': cc_buf_puts(b, "\\t"); return true;
    case '\r': cc_buf_puts(b, "\\r"); return true;
    case 0: cc_buf_puts(b, "\\0"); return true;
    default:
        if (c < 0x20 || c == 0x7f)
            cc_buf_printf(b, "\\x%02X", (unsigned)c);
        else if (c == 0x85 || c == 0x2028 || c == 0x2029 || c == 0xfeff)
            cc_buf_printf(b, "\\u%04X", (unsigned)c);
        else
            return false;
        return true;
    }
}

static void dsl_string(cc_buf *b, const char *s, size_t n) { quoted(b, s, n, dsl_escape); }

/* Identifiers that ccflow reads as null when they are written bare. */
static const char *const dsl_null_words[] = {"Null", "NULL", NULL};

/* A label, target or map key: bare when an identifier that is no keyword or operator (nor a
 * spelling of null, which would make a target no block id at all). */
static void dsl_name(cc_buf *b, const char *s, size_t n)
{
    if (dsl_ident(s, n) && !one_of(s, n, dsl_keywords) && !is_operator(s, n) && !one_of(s, n, dsl_null_words))
        cc_buf_put(b, s, n);
    else
        dsl_string(b, s, n);
}

/* A branch name: an identifier, or `true` and `false` (the branches of check_staffing). The
 * grammar has no quoted branch names, so any other name cannot be written. */
static void dsl_branch_name(emitter *e, cc_buf *b, const cc_node *name)
{
    static const char *const values[] = {"true", "false", NULL};
    const char *s = name->text;
    size_t n = name->len;
    if (one_of(s, n, values) || (dsl_ident(s, n) && !one_of(s, n, dsl_keywords) && !is_operator(s, n)))
        cc_buf_put(b, s, n);
    else {
        lossy(e, name, "a branch name that is not an identifier");
        dsl_string(b, s, n);
    }
}

static void dsl_scalar(emitter *e, cc_buf *b, const cc_node *n)
{
    const char *s = n->text;
    size_t len = n->len;
    if (n->plain) {
        if (cc_node_is_null(n)) {
            cc_buf_puts(b, "null");
            return;
        }
        static const char *const values[] = {"true", "false", NULL};
        if (one_of(s, len, values) || dsl_number_or_duration(s, len) || dsl_reference(s, len) ||
            (dsl_ident(s, len) && !one_of(s, len, dsl_keywords) && !is_operator(s, len))) {
            cc_buf_put(b, s, len);
            return;
        }
        char *end;
        if (len && strlen(s) == len && (strtod(s, &end), *end == '\0'))
            lossy(e, n, "a number the DSL has no spelling for (such as 1e3 or +5); it would become text");
    }
    dsl_string(b, s, len);
}

/* "name: " for a key or block id; one that is not text is written "" and reported as lost. */
static void dsl_label(emitter *e, cc_buf *b, const cc_node *name, const char *what)
{
    if (is_scalar(name))
        dsl_name(b, name->text, name->len);
    else {
        lossy(e, name, what);
        cc_buf_puts(b, "\"\"");
    }
    cc_buf_puts(b, ": ");
}

static void dsl_value(emitter *e, cc_buf *b, const cc_node *n)
{
    if (n->type == CC_NODE_SCALAR) {
        dsl_scalar(e, b, n);
    } else if (n->type == CC_NODE_LIST) {
        cc_buf_putc(b, '[');
        for (uint32_t i = 0; i < n->count; i++) {
            if (i)
                cc_buf_puts(b, ", ");
            dsl_value(e, b, n->items[i]);
        }
        cc_buf_putc(b, ']');
    } else if (n->count == 0) {
        cc_buf_puts(b, "{}");
    } else {
        cc_buf_puts(b, "{ ");
        for (uint32_t i = 0; i < n->count; i++) {
            const cc_node *k = n->pairs[i].key;
            if (i)
                cc_buf_puts(b, ", ");
            if (is_scalar(k))
                dsl_name(b, k->text, k->len);
            else {
                lossy(e, k, "a mapping key that is not text");
                cc_buf_puts(b, "\"\"");
            }
            cc_buf_puts(b, ": ");
            dsl_value(e, b, n->pairs[i].value);
        }
        cc_buf_puts(b, " }");
    }
}

static void dsl_nested_value(emitter *e, const cc_node *v, uint32_t from, int indent);

/* Writes map m after what the current line holds: on the line when it fits (or has one entry),
 * else one entry a line, indented `indent` + 4, with a trailing comma, and the closing brace on
 * its own line at `indent` (where the caller may continue). Values that do not fit their line
 * either are broken the same way, one level deeper; and so is any value with a comment of the
 * source beside one of its entries on a later line than `from`, where its key starts. */
static void dsl_map_value_at(emitter *e, const cc_node *m, uint32_t from, int indent)
{
    cc_buf b = {0};
    dsl_value(e, &b, m);
    if ((m->count < 2 || cur_columns(e) + columns(b.data, b.len) <= FMT_WIDTH) && !comments_inside(e, from, m)) {
        put_buf(e, &b);
        tag_tree(e, m);
        cc_buf_free(&b);
        return;
    }
    cc_buf_free(&b);
    put(e, "{");
    for (uint32_t i = 0; i < m->count; i++) {
        const cc_node *k = m->pairs[i].key;
        line_begin(e, indent + 4);
        b.len = 0;
        dsl_label(e, &b, k, "a mapping key that is not text");
        put_buf(e, &b);
        tag_tree(e, k);
        dsl_nested_value(e, m->pairs[i].value, k->loc.line, indent + 4);
        put(e, ",");
    }
    cc_buf_free(&b);
    line_begin(e, indent);
    put(e, "}");
}

/* A list written as dsl_map_value_at writes a map: on its line when it fits, else an item a line. */
static void dsl_list_value_at(emitter *e, const cc_node *l, uint32_t from, int indent)
{
    cc_buf b = {0};
    dsl_value(e, &b, l);
    if ((l->count < 2 || cur_columns(e) + columns(b.data, b.len) <= FMT_WIDTH) && !comments_inside(e, from, l)) {
        put_buf(e, &b);
        tag_tree(e, l);
        cc_buf_free(&b);
        return;
    }
    cc_buf_free(&b);
    put(e, "[");
    for (uint32_t i = 0; i < l->count; i++) {
        line_begin(e, indent + 4);
        tag(e, l->items[i]);
        dsl_nested_value(e, l->items[i], l->items[i]->loc.line, indent + 4);
        put(e, ",");
    }
    line_begin(e, indent);
    put(e, "]");
}

static void dsl_nested_value(emitter *e, const cc_node *v, uint32_t from, int indent)
{
    if (v->type == CC_NODE_MAP)
        dsl_map_value_at(e, v, from, indent);
    else if (v->type == CC_NODE_LIST)
        dsl_list_value_at(e, v, from, indent);
    else {
        cc_buf b = {0};
        dsl_value(e, &b, v);
        put_buf(e, &b);
        tag_tree(e, v);
        cc_buf_free(&b);
    }
}

static void dsl_map_value(emitter *e, const cc_node *m, uint32_t from) { dsl_map_value_at(e, m, from, e->cur_indent); }

static void dsl_header(emitter *e, const cc_node *root)
{
    line_begin(e, 0);
    put(e, "flow ");
    const cc_pair *name = pair_get(root, "flow");
    cc_buf b = {0};
    if (name && is_scalar(name->value)) {
        if (name->value->plain && cc_node_is_null(name->value))
            lossy(e, name->value, "a flow name that is null");
        dsl_string(&b, name->value->text, name->value->len);
        tag(e, name->key);
        tag(e, name->value);
    } else {
        lossy(e, name ? name->value : root, "a flow without a name");
        cc_buf_puts(&b, "\"\"");
    }
    put_buf(e, &b);
    cc_buf_free(&b);

    /* the header map: the known keys in their order, then the others as written */
    cc_node map = {.type = CC_NODE_MAP, .loc = root->loc};
    map.pairs = cc_xcalloc(root->count ? root->count : 1, sizeof *map.pairs);
    const cc_pair *blocks = pair_get(root, "blocks");
    for (size_t h = 1; header_keys[h]; h++)
        for (uint32_t i = 0; i < root->count; i++) {
            const cc_pair *p = &root->pairs[i];
            if (!key_is(p->key, header_keys[h]) || p == blocks)
                continue;
            if (cc_node_dup_of(p->key))
                lossy(e, p->key, "a repeated top-level key");
            if (strcmp(header_keys[h], "blocks") != 0)
                map.pairs[map.count++] = *p;
        }
    for (uint32_t i = 0; i < root->count; i++) {
        const cc_pair *p = &root->pairs[i];
        if (key_is(p->key, "flow") && p != name)
            lossy(e, p->key, "a repeated top-level key");
        if (!is_header_key(p->key))
            map.pairs[map.count++] = *p;
    }
    if (map.count) {
        put(e, " ");
        dsl_map_value(e, &map, name ? name->key->loc.line : root->loc.line);
    }
    cc_free(map.pairs);
    if (blocks && blocks->value->type != CC_NODE_MAP)
        lossy(e, blocks->value, "'blocks' that is not a mapping of blocks");
    line_end(e);
}

/* A target after `->`: a block id, written as a label is. */
static bool dsl_target(emitter *e, cc_buf *b, const cc_node *t)
{
    if (!is_scalar(t) || (t->plain && cc_node_is_null(t))) {
        lossy(e, t, "a target that is not a block id");
        return false;
    }
    dsl_name(b, t->text, t->len);
    return true;
}

static bool dsl_is_operator_of(const cc_param_spec *cases, const char *op)
{
    if (!is_operator(op, strlen(op)))
        return false;
    size_t n = strlen(op);
    for (const char *p = cases->values; p && *p;) {
        const char *bar = strchr(p, '|');
        size_t len = bar ? (size_t)(bar - p) : strlen(p);
        if (len == n && memcmp(p, op, n) == 0)
            return true;
        p = bar ? bar + 1 : p + len;
    }
    return false;
}

/* Whether a case can be a branch line: a mapping of one operator of the kind to a scalar, and
 * optionally `next` to a block id. */
static bool dsl_case_line_ok(const cc_param_spec *cases, const cc_node *item)
{
    if (item->type != CC_NODE_MAP)
        return false;
    int ops = 0, nexts = 0;
    for (uint32_t i = 0; i < item->count; i++) {
        const cc_node *k = item->pairs[i].key, *v = item->pairs[i].value;
        if (!is_scalar(k) || cc_node_dup_of(k) || !is_scalar(v))
            return false;
        if (key_is(k, "next")) {
            if (cc_node_is_null(v))
                return false;
            nexts++;
        } else if (dsl_is_operator_of(cases, k->text))
            ops++;
        else
            return false;
    }
    return ops == 1 && nexts <= 1;
}

static bool dsl_case_lines_ok(const cc_param_spec *cases, const cc_node *list)
{
    if (!list || list->type != CC_NODE_LIST || list->count == 0)
        return false;
    for (uint32_t i = 0; i < list->count; i++)
        if (!dsl_case_line_ok(cases, list->items[i]))
            return false;
    return true;
}

static void dsl_case_line(emitter *e, const cc_node *item, const cc_node *list, const cc_node *list_key)
{
    const cc_pair *op = NULL, *next = NULL;
    for (uint32_t i = 0; i < item->count; i++)
        if (key_is(item->pairs[i].key, "next"))
            next = &item->pairs[i];
        else
            op = &item->pairs[i];
    line_begin(e, 4);
    tag(e, list);
    tag(e, list_key);
    tag(e, item);
    cc_buf b = {0};
    cc_buf_put(&b, op->key->text, op->key->len);
    cc_buf_putc(&b, ' ');
    dsl_scalar(e, &b, op->value);
    tag(e, op->key);
    tag(e, op->value);
    if (next) {
        cc_buf_puts(&b, " -> ");
        dsl_target(e, &b, next->value);
        tag(e, next->key);
        tag(e, next->value);
    }
    put_buf(e, &b);
    cc_buf_free(&b);
    line_end(e);
}

/* Whether cases that could be branch lines had better stay in the kind's value: a comment of the
 * source is beside (or before) the line of their key, when that is not the kind's line, or beside
 * an entry of a case on a later line than the case's first (a branch line has no place for it). */
static bool dsl_cases_commented(const emitter *e, const cc_node *id, const cc_node *blk, const cc_node *kind_key,
                                const cc_node *key, const cc_node *list)
{
    if (key && key->loc.line != kind_key->loc.line && key->loc.line <= region_limit(e) &&
        line_commented(e, id, blk, key->loc.line))
        return true;
    for (uint32_t i = 0; i < list->count; i++)
        if (comments_inside(e, list->items[i]->loc.line, list->items[i]))
            return true;
    return false;
}

/* One block as a labelled statement. `following` is the id of the block after it, or NULL. */
static void dsl_block(emitter *e, const cc_node *id, const cc_node *blk, const cc_node *following)
{
    cc_buf b = {0};
    line_begin(e, 0);
    dsl_label(e, &b, id, "a block id that is not text");
    /* the label on a line of its own when a comment is beside the id, or between it and the kind */
    const cc_pair *kind0 = blk->type == CC_NODE_MAP ? block_kind(blk) : NULL;
    uint32_t idl = id->loc.line, kl = kind0 ? kind0->key->loc.line : 0;
    bool own_label = false;
    for (size_t i = 0; e->comments && kl > idl && i < e->comments->len; i++) {
        const cc_comment *c = &e->comments->items[i];
        own_label |= c->trailing ? c->line == idl : c->line > idl && c->line < kl;
    }
    if (own_label)
        b.len--; /* no blank after the colon */
    put_buf(e, &b);
    tag_as(e, id, true);
    if (own_label)
        line_begin(e, 4);
    size_t first_line = e->lines.len;
    b.len = 0;
    if (blk->type != CC_NODE_MAP) {
        lossy(e, blk, "a block that is not a mapping");
        dsl_value(e, &b, blk);
        put_buf(e, &b);
        tag_tree(e, blk);
        cc_buf_free(&b);
        line_end(e);
        return;
    }
    const cc_pair *kind = block_kind(blk), *next = pair_get(blk, "next"), *on = pair_get(blk, "on");
    for (uint32_t i = 0; i < blk->count; i++) {
        const cc_pair *p = &blk->pairs[i];
        if (p != kind && p != next && p != on)
            lossy(e, p->key, kind && cc_block_lookup(kind->key->text) && is_scalar(p->key) && cc_block_lookup(p->key->text)
                                 ? "a block with more than one kind"
                                 : "a key the DSL has no place for in a block");
    }

    /* the kind and its value, with the cases taken out when they can be branch lines */
    const cc_block_spec *spec = NULL;
    const cc_node *value = NULL, *cases = NULL, *cases_key = NULL;
    cc_node rest = {0};
    bool rest_owned = false;
    if (!kind) {
        lossy(e, blk, "a block without a kind");
        put(e, "\"\"");
    } else {
        const cc_node *k = kind->key;
        if (!dsl_ident(k->text, k->len) || one_of(k->text, k->len, dsl_keywords) ||
            is_operator(k->text, k->len)) {
            lossy(e, k, "a block kind the DSL cannot write");
            dsl_string(&b, k->text, k->len);
            put_buf(e, &b);
            b.len = 0;
        } else
            cc_buf_put(&e->cur, k->text, k->len);
        tag(e, k);
        spec = cc_block_lookup(k->text);
        value = kind->value;
        const cc_param_spec *cp = cc_block_cases_param(spec);
        if (cp && (cp->flags & CC_PF_SCALAR)) {
            const cc_pair *inner = value->type == CC_NODE_MAP && value->count == 1 ? pair_get(value, cp->name) : NULL;
            const cc_node *list = inner ? inner->value : value;
            if (dsl_case_lines_ok(cp, list) && !dsl_cases_commented(e, id, blk, k, inner ? inner->key : NULL, list)) {
                cases = list;
                cases_key = inner ? inner->key : NULL;
                value = NULL;
            }
        } else if (cp && value->type == CC_NODE_MAP) {
            const cc_pair *p = pair_get(value, cp->name);
            bool repeated = false;
            for (uint32_t i = 0; p && i < value->count; i++)
                repeated |= cc_node_dup_of(value->pairs[i].key) == p->key;
            if (p && !repeated && dsl_case_lines_ok(cp, p->value) && !dsl_cases_commented(e, id, blk, k, p->key, p->value)) {
                cases = p->value;
                cases_key = p->key;
                map_without(value, cp->name, true, &rest);
                rest_owned = true;
                value = &rest;
            }
        }
    }
    if (value && !(value->type == CC_NODE_MAP && value->count == 0) && !(cc_node_is_null(value) && null_means_empty(spec))) {
        put(e, " ");
        if (value->type == CC_NODE_MAP) {
            dsl_map_value(e, value, kind->key->loc.line);
        } else if (comments_inside(e, kind->key->loc.line, value)) {
            dsl_list_value_at(e, value, kind->key->loc.line, e->cur_indent);
        } else {
            dsl_value(e, &b, value);
            put_buf(e, &b);
            tag_tree(e, value);
            b.len = 0;
        }
    } else if (value)
        tag_tree(e, value);
    if (rest_owned)
        cc_free(rest.pairs);

    /* where it goes next: a kind that goes on by `next` falls through to the block after it, so
     * its `next` is left out when it names that block, and `-> end` says that it has none; a
     * `next` with a comment of its own (on a line of the block other than the kind's) is the
     * branch line `next -> target`, so that the comment has a line to go with */
    const char *go_on = cc_block_continue_branch(spec);
    bool success_path = go_on && strcmp(go_on, "next") == 0;
    cc_buf next_line = {0};
    if (next) {
        const cc_node *t = next->value;
        bool falls_through = success_path && following && is_scalar(t) && is_scalar(following) &&
                             !(t->plain && cc_node_is_null(t)) && t->len == following->len &&
                             memcmp(t->text, following->text, t->len) == 0;
        uint32_t kind_line = kind ? kind->key->loc.line : id->loc.line, limit = region_limit(e);
        bool own_line = false;
        const cc_node *ends[] = {next->key, t};
        for (size_t i = 0; i < 2; i++) {
            uint32_t l = ends[i]->loc.line;
            own_line |= l != kind_line && l <= limit && line_commented(e, id, blk, l);
        }
        if (own_line && is_scalar(t) && !(t->plain && cc_node_is_null(t)))
            dsl_target(e, &next_line, t);
        else if (!falls_through && dsl_target(e, &b, t)) {
            put(e, " -> ");
            put_buf(e, &b);
            b.len = 0;
            tag(e, next->key);
            tag(e, t);
        } else { /* not written: a comment beside it goes with the block's first line */
            tag_line(e, next->key, false, first_line);
            tag_line(e, t, false, first_line);
        }
    } else if (following && success_path) {
        put(e, " -> end");
    }
    line_end(e);

    for (uint32_t i = 0; cases && i < cases->count; i++) /* the list and its key go with the first case */
        dsl_case_line(e, cases->items[i], i == 0 ? cases : NULL, i == 0 ? cases_key : NULL);
    if (next_line.len) {
        line_begin(e, 4);
        put(e, "next -> ");
        put_buf(e, &next_line);
        tag(e, next->key);
        tag(e, next->value);
        line_end(e);
    }
    cc_buf_free(&next_line);
    if (on && on->value->type != CC_NODE_MAP)
        lossy(e, on->value, "'on' that is not a mapping of branches");
    for (uint32_t i = 0; on && on->value->type == CC_NODE_MAP && i < on->value->count; i++) {
        const cc_pair *p = &on->value->pairs[i];
        line_begin(e, 4);
        if (i == 0)
            tag(e, on->key);
        if (!is_scalar(p->key)) {
            lossy(e, p->key, "a branch name that is not text");
            cc_buf_puts(&b, "\"\"");
        } else
            dsl_branch_name(e, &b, p->key);
        cc_buf_puts(&b, " -> ");
        if (!dsl_target(e, &b, p->value))
            cc_buf_puts(&b, "\"\"");
        put_buf(e, &b);
        b.len = 0;
        tag(e, p->key);
        tag(e, p->value);
        line_end(e);
    }
    /* a kind that goes on by another branch (wait: timeout) and has none: it ends there */
    if (go_on && !success_path && following && !(on && on->value->type == CC_NODE_MAP && pair_get(on->value, go_on))) {
        line_begin(e, 4);
        cc_buf_printf(&e->cur, "%s -> end", go_on);
        line_end(e);
    }
    cc_buf_free(&b);
}

static void dsl_emit(emitter *e, const cc_node *root, const cc_comments *comments, cc_buf *out)
{
    e->region = REGION_HEADER;
    e->comments = comments;
    if (!root || root->type != CC_NODE_MAP) {
        lossy(e, root, "a flow that is not a mapping");
        line_begin(e, 0);
        put(e, "flow \"\"");
        finish(e, comments, true, out);
        return;
    }
    const cc_node *blocks = blocks_of(root);
    block_lines *bl = compute_block_lines(root, blocks);
    e->blocks = bl;
    e->nblocks = blocks ? blocks->count : 0;
    dsl_header(e, root);
    for (uint32_t i = 0; blocks && i < blocks->count; i++) {
        blank_line(e);
        if (i == 0) /* a comment line before `blocks:` goes above the blank line, after the header */
            tag_line(e, pair_get(root, "blocks")->key, false, e->lines.len - 1);
        e->region = (int)i;
        e->scope = blocks->pairs[i].value;
        dsl_block(e, blocks->pairs[i].key, blocks->pairs[i].value,
                  i + 1 < blocks->count ? blocks->pairs[i + 1].key : NULL);
        e->scope = NULL;
        line_end(e);
        e->region = REGION_HEADER;
    }
    finish(e, comments, true, out);
    cc_free(bl);
}

void cc_fmt_dsl(const cc_node *root, const cc_comments *comments, cc_buf *out)
{
    emitter e = {0};
    dsl_emit(&e, root, comments, out);
}

bool cc_fmt_dsl_lossless(const cc_node *root, cc_loc *where, const char **why)
{
    emitter e = {0};
    cc_buf scratch = {0};
    dsl_emit(&e, root, NULL, &scratch);
    cc_buf_free(&scratch);
    if (where)
        *where = e.lossy_loc;
    if (why)
        *why = e.lossy_why;
    return !e.lossy;
}
