/* fmt.c — the part of `ccflow fmt` both writers share: output lines, the tree's shape, comments.
 * The YAML writer (fmt_yaml.c) and the DSL writer (fmt_dsl.c) build lines through an emitter that
 * tags every node with the line it went to; the source's comments are put back from those tags. */
#include "fmt_internal.h"

#include <stdlib.h>
#include <string.h>

/* ---- output lines (fmt_internal.h says how the writers use them) ---- */

void fmt_line_end(emitter *e)
{
    if (!e->open)
        return;
    out_line l = {cc_xstrdup(e->cur.len ? e->cur.data : ""), e->cur_indent, e->region};
    cc_vec_push(&e->lines, l);
    e->cur.len = 0;
    e->open = false;
}

void fmt_line_begin(emitter *e, int indent)
{
    fmt_line_end(e);
    e->open = true;
    e->cur_indent = indent;
    for (int i = 0; i < indent; i++)
        cc_buf_putc(&e->cur, ' ');
}

void fmt_blank_line(emitter *e)
{
    fmt_line_end(e);
    out_line l = {cc_xstrdup(""), 0, REGION_NONE};
    cc_vec_push(&e->lines, l);
}

/* Records that node n is written on the current line. A node of a block whose source line lies
 * outside the block (a node the DSL reader made up) says nothing about where comments go. */
void fmt_tag_line(emitter *e, const cc_node *n, bool weak, size_t line)
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

void fmt_tag_tree(emitter *e, const cc_node *n)
{
    if (!n)
        return;
    tag(e, n);
    if (n->type == CC_NODE_LIST)
        for (uint32_t i = 0; i < n->count; i++)
            fmt_tag_tree(e, n->items[i]);
    else if (n->type == CC_NODE_MAP)
        for (uint32_t i = 0; i < n->count; i++) {
            fmt_tag_tree(e, n->pairs[i].key);
            fmt_tag_tree(e, n->pairs[i].value);
        }
}

/* ---- the shape of the tree ---- */

/* The first pair of map with key `name` (later repeats are ignored, as the lowering does). */
const cc_pair *fmt_pair_get(const cc_node *map, const char *name)
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

const cc_node *fmt_blocks_of(const cc_node *root)
{
    const cc_pair *p = fmt_pair_get(root, "blocks");
    return p && p->value->type == CC_NODE_MAP ? p->value : NULL;
}

block_lines *fmt_compute_block_lines(const cc_node *root, const cc_node *blocks)
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

/* The key of a block that is its kind, as the lowering picks it: the first known kind, else the
 * first key that is neither `next` nor `on`. */
const cc_pair *fmt_block_kind(const cc_node *blk)
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
bool fmt_map_without(const cc_node *m, const char *name, bool drop, cc_node *copy)
{
    const cc_pair *p = fmt_pair_get(m, name);
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

/* Whether a kind reads a null value as it reads `{}`: all but those whose whole mapping value is
 * one parameter, for which null and `{}` are different mistakes. */
bool fmt_null_means_empty(const cc_block_spec *spec)
{
    for (const cc_param_spec *p = spec ? spec->params : NULL; p && p->name; p++)
        if (p->flags & CC_PF_WHOLE)
            return false;
    return true;
}

const char *const fmt_header_keys[] = {"flow", "type", "channels", "start", "description", "blocks", NULL};

/* ---- where comments ask for lines of their own ----
 * A collection written on one line, or a transition the DSL would fold into its block's line,
 * leaves a comment written beside one of its entries no line to go back to. The writers break
 * such a collection one entry a line, and write such a transition on a line of its own, when a
 * comment of the source sits on one of the lines concerned. */

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
bool fmt_comments_inside(const emitter *e, uint32_t from, const cc_node *v)
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
bool fmt_line_commented(const emitter *e, const cc_node *id, const cc_node *block, uint32_t line)
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
void fmt_finish(emitter *e, const cc_comments *comments, bool end_gap, cc_buf *out)
{
    fmt_line_end(e);
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

uint32_t fmt_utf8_code(const unsigned char *s, size_t k)
{
    if (k == 1)
        return s[0];
    uint32_t c = s[0] & (0xffu >> (k + 1));
    for (size_t i = 1; i < k; i++)
        c = c << 6 | (s[i] & 0x3fu);
    return c;
}

/* Writes s[0..n) between double quotes, one code point at a time: escape writes the escape of a
 * code point and returns true, or returns false to keep the character as it is. */
void fmt_quoted(cc_buf *b, const char *s, size_t n, bool (*escape)(cc_buf *b, uint32_t c))
{
    cc_buf_putc(b, '"');
    for (size_t i = 0; i < n;) {
        size_t k = utf8_len((unsigned char)s[i]);
        if (i + k > n)
            k = n - i;
        if (!escape(b, fmt_utf8_code((const unsigned char *)s + i, k)))
            cc_buf_put(b, s + i, k);
        i += k;
    }
    cc_buf_putc(b, '"');
}
