/* fmt_dsl.c — `ccflow fmt` to the DSL (cc_fmt_dsl), and whether the DSL can spell a tree. */
#include "fmt_internal.h"

#include <stdlib.h>
#include <string.h>

/* ---- DSL ---- */

static void lossy(emitter *e, const cc_node *at, const char *why)
{
    if (e->lossy)
        return;
    e->lossy = true;
    e->lossy_loc = at ? at->loc : (cc_loc){0};
    e->lossy_why = why;
}

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

void dsl_string(cc_buf *b, const char *s, size_t n) { fmt_quoted(b, s, n, dsl_escape); }

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

/* Writes collection v on the current line when it fits (or has fewer than two entries) and no
 * comment of the source is beside one of its entries on a later line than `from`, where its key
 * starts; false, with nothing written, otherwise. */
static bool dsl_value_on_line(emitter *e, const cc_node *v, uint32_t from)
{
    cc_buf b = {0};
    dsl_value(e, &b, v);
    bool fits = (v->count < 2 || cur_columns(e) + columns(b.data, b.len) <= FMT_WIDTH) &&
                !fmt_comments_inside(e, from, v);
    if (fits) {
        put_buf(e, &b);
        fmt_tag_tree(e, v);
    }
    cc_buf_free(&b);
    return fits;
}

/* Writes map m after what the current line holds: on the line when it fits (or has one entry),
 * else one entry a line, indented `indent` + 4, with a trailing comma, and the closing brace on
 * its own line at `indent` (where the caller may continue). Values that do not fit their line
 * either are broken the same way, one level deeper; and so is any value with a comment of the
 * source beside one of its entries on a later line than `from`, where its key starts. */
static void dsl_map_value_at(emitter *e, const cc_node *m, uint32_t from, int indent)
{
    if (dsl_value_on_line(e, m, from))
        return;
    cc_buf b = {0};
    put(e, "{");
    for (uint32_t i = 0; i < m->count; i++) {
        const cc_node *k = m->pairs[i].key;
        fmt_line_begin(e, indent + 4);
        b.len = 0;
        dsl_label(e, &b, k, "a mapping key that is not text");
        put_buf(e, &b);
        fmt_tag_tree(e, k);
        dsl_nested_value(e, m->pairs[i].value, k->loc.line, indent + 4);
        put(e, ",");
    }
    cc_buf_free(&b);
    fmt_line_begin(e, indent);
    put(e, "}");
}

/* A list written as dsl_map_value_at writes a map: on its line when it fits, else an item a line. */
static void dsl_list_value_at(emitter *e, const cc_node *l, uint32_t from, int indent)
{
    if (dsl_value_on_line(e, l, from))
        return;
    put(e, "[");
    for (uint32_t i = 0; i < l->count; i++) {
        fmt_line_begin(e, indent + 4);
        tag(e, l->items[i]);
        dsl_nested_value(e, l->items[i], l->items[i]->loc.line, indent + 4);
        put(e, ",");
    }
    fmt_line_begin(e, indent);
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
        fmt_tag_tree(e, v);
        cc_buf_free(&b);
    }
}

static void dsl_map_value(emitter *e, const cc_node *m, uint32_t from) { dsl_map_value_at(e, m, from, e->cur_indent); }

static void dsl_header(emitter *e, const cc_node *root)
{
    fmt_line_begin(e, 0);
    put(e, "flow ");
    const cc_pair *name = fmt_pair_get(root, "flow");
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
    const cc_pair *blocks = fmt_pair_get(root, "blocks");
    for (size_t h = 1; fmt_header_keys[h]; h++)
        for (uint32_t i = 0; i < root->count; i++) {
            const cc_pair *p = &root->pairs[i];
            if (!key_is(p->key, fmt_header_keys[h]) || p == blocks)
                continue;
            if (cc_node_dup_of(p->key))
                lossy(e, p->key, "a repeated top-level key");
            if (strcmp(fmt_header_keys[h], "blocks") != 0)
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
    fmt_line_end(e);
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
    fmt_line_begin(e, 4);
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
    fmt_line_end(e);
}

/* Whether cases that could be branch lines had better stay in the kind's value: a comment of the
 * source is beside (or before) the line of their key, when that is not the kind's line, or beside
 * an entry of a case on a later line than the case's first (a branch line has no place for it). */
static bool dsl_cases_commented(const emitter *e, const cc_node *id, const cc_node *blk, const cc_node *kind_key,
                                const cc_node *key, const cc_node *list)
{
    if (key && key->loc.line != kind_key->loc.line && key->loc.line <= region_limit(e) &&
        fmt_line_commented(e, id, blk, key->loc.line))
        return true;
    for (uint32_t i = 0; i < list->count; i++)
        if (fmt_comments_inside(e, list->items[i]->loc.line, list->items[i]))
            return true;
    return false;
}

/* A block being written as a labelled statement: its parts, what the DSL takes out of its kind
 * as branch lines, and the buffer its pieces are built in. */
typedef struct {
    const cc_node *id, *blk, *following; /* following: the id of the block after it, or NULL */
    const cc_pair *kind, *next, *on;
    const cc_block_spec *spec;
    const cc_node *cases, *cases_key; /* the cases written as branch lines, or NULL */
    const char *go_on;                /* the branch by which the kind goes on, or NULL */
    bool success_path;                /* it goes on by `next` */
    size_t first_line;                /* the block's first line in e->lines */
    cc_buf b;
} dsl_blk;

/* The label, on a line of its own when a comment is beside the id, or between it and the kind. */
static void dsl_block_label(emitter *e, dsl_blk *d)
{
    fmt_line_begin(e, 0);
    dsl_label(e, &d->b, d->id, "a block id that is not text");
    const cc_pair *kind0 = d->blk->type == CC_NODE_MAP ? fmt_block_kind(d->blk) : NULL;
    uint32_t idl = d->id->loc.line, kl = kind0 ? kind0->key->loc.line : 0;
    bool own_label = false;
    for (size_t i = 0; e->comments && kl > idl && i < e->comments->len; i++) {
        const cc_comment *c = &e->comments->items[i];
        own_label |= c->trailing ? c->line == idl : c->line > idl && c->line < kl;
    }
    if (own_label)
        d->b.len--; /* no blank after the colon */
    put_buf(e, &d->b);
    tag_as(e, d->id, true);
    if (own_label)
        fmt_line_begin(e, 4);
    d->b.len = 0;
}

/* Says the DSL loses keys of the block other than its kind, `next` and `on`. */
static void dsl_block_stray_keys(emitter *e, const dsl_blk *d)
{
    for (uint32_t i = 0; i < d->blk->count; i++) {
        const cc_pair *p = &d->blk->pairs[i];
        if (p != d->kind && p != d->next && p != d->on)
            lossy(e, p->key,
                  d->kind && cc_block_lookup(d->kind->key->text) && is_scalar(p->key) && cc_block_lookup(p->key->text)
                      ? "a block with more than one kind"
                      : "a key the DSL has no place for in a block");
    }
}

/* The kind's name: bare when it is an identifier the DSL reads as no keyword, else quoted. */
static void dsl_kind_name(emitter *e, cc_buf *b, const cc_node *k)
{
    if (!dsl_ident(k->text, k->len) || one_of(k->text, k->len, dsl_keywords) || is_operator(k->text, k->len)) {
        lossy(e, k, "a block kind the DSL cannot write");
        dsl_string(b, k->text, k->len);
        put_buf(e, b);
        b->len = 0;
    } else
        cc_buf_put(&e->cur, k->text, k->len);
    tag(e, k);
}

/* Takes the kind's cases out as branch lines (d->cases) when they can be, and returns what is
 * left of its value to write: all of it, the rest of its mapping (built in rest), or NULL. */
static const cc_node *dsl_take_cases(emitter *e, dsl_blk *d, cc_node *rest)
{
    const cc_node *k = d->kind->key, *value = d->kind->value;
    const cc_param_spec *cp = cc_block_cases_param(d->spec);
    if (cp && (cp->flags & CC_PF_SCALAR)) {
        const cc_pair *inner = value->type == CC_NODE_MAP && value->count == 1 ? fmt_pair_get(value, cp->name) : NULL;
        const cc_node *list = inner ? inner->value : value;
        if (dsl_case_lines_ok(cp, list) && !dsl_cases_commented(e, d->id, d->blk, k, inner ? inner->key : NULL, list)) {
            d->cases = list;
            d->cases_key = inner ? inner->key : NULL;
            return NULL;
        }
    } else if (cp && value->type == CC_NODE_MAP) {
        const cc_pair *p = fmt_pair_get(value, cp->name);
        bool repeated = false;
        for (uint32_t i = 0; p && i < value->count; i++)
            repeated |= cc_node_dup_of(value->pairs[i].key) == p->key;
        if (p && !repeated && dsl_case_lines_ok(cp, p->value) && !dsl_cases_commented(e, d->id, d->blk, k, p->key, p->value)) {
            d->cases = p->value;
            d->cases_key = p->key;
            fmt_map_without(value, cp->name, true, rest);
            return rest;
        }
    }
    return value;
}

/* The kind's value after its name, unless it is empty (or a null that means empty). */
static void dsl_kind_value(emitter *e, dsl_blk *d, const cc_node *value)
{
    if (value && !(value->type == CC_NODE_MAP && value->count == 0) && !(cc_node_is_null(value) && fmt_null_means_empty(d->spec))) {
        put(e, " ");
        if (value->type == CC_NODE_MAP) {
            dsl_map_value(e, value, d->kind->key->loc.line);
        } else if (fmt_comments_inside(e, d->kind->key->loc.line, value)) {
            dsl_list_value_at(e, value, d->kind->key->loc.line, e->cur_indent);
        } else {
            dsl_value(e, &d->b, value);
            put_buf(e, &d->b);
            fmt_tag_tree(e, value);
            d->b.len = 0;
        }
    } else if (value)
        fmt_tag_tree(e, value);
}

/* The kind and its value, with the cases taken out when they can be branch lines. */
static void dsl_block_kind(emitter *e, dsl_blk *d)
{
    const cc_node *value = NULL;
    cc_node rest = {0};
    if (!d->kind) {
        lossy(e, d->blk, "a block without a kind");
        put(e, "\"\"");
    } else {
        dsl_kind_name(e, &d->b, d->kind->key);
        d->spec = cc_block_lookup(d->kind->key->text);
        value = dsl_take_cases(e, d, &rest);
    }
    dsl_kind_value(e, d, value);
    if (value == &rest)
        cc_free(rest.pairs);
}

/* Where it goes next, on the kind's line: a kind that goes on by `next` falls through to the
 * block after it, so its `next` is left out when it names that block, and `-> end` says that it
 * has none; a `next` with a comment of its own (on a line of the block other than the kind's) is
 * the branch line `next -> target` (its target put in next_line), so that the comment has a line
 * to go with. */
static void dsl_block_next(emitter *e, dsl_blk *d, cc_buf *next_line)
{
    if (!d->next) {
        if (d->following && d->success_path)
            put(e, " -> end");
        return;
    }
    const cc_node *t = d->next->value, *following = d->following;
    bool falls_through = d->success_path && following && is_scalar(t) && is_scalar(following) &&
                         !(t->plain && cc_node_is_null(t)) && t->len == following->len &&
                         memcmp(t->text, following->text, t->len) == 0;
    uint32_t kind_line = d->kind ? d->kind->key->loc.line : d->id->loc.line, limit = region_limit(e);
    bool own_line = false;
    const cc_node *ends[] = {d->next->key, t};
    for (size_t i = 0; i < 2; i++) {
        uint32_t l = ends[i]->loc.line;
        own_line |= l != kind_line && l <= limit && fmt_line_commented(e, d->id, d->blk, l);
    }
    if (own_line && is_scalar(t) && !(t->plain && cc_node_is_null(t)))
        dsl_target(e, next_line, t);
    else if (!falls_through && dsl_target(e, &d->b, t)) {
        put(e, " -> ");
        put_buf(e, &d->b);
        d->b.len = 0;
        tag(e, d->next->key);
        tag(e, t);
    } else { /* not written: a comment beside it goes with the block's first line */
        fmt_tag_line(e, d->next->key, false, d->first_line);
        fmt_tag_line(e, t, false, d->first_line);
    }
}

/* The `on` branches, a line each. */
static void dsl_on_lines(emitter *e, dsl_blk *d)
{
    const cc_pair *on = d->on;
    if (on && on->value->type != CC_NODE_MAP)
        lossy(e, on->value, "'on' that is not a mapping of branches");
    for (uint32_t i = 0; on && on->value->type == CC_NODE_MAP && i < on->value->count; i++) {
        const cc_pair *p = &on->value->pairs[i];
        fmt_line_begin(e, 4);
        if (i == 0)
            tag(e, on->key);
        if (!is_scalar(p->key)) {
            lossy(e, p->key, "a branch name that is not text");
            cc_buf_puts(&d->b, "\"\"");
        } else
            dsl_branch_name(e, &d->b, p->key);
        cc_buf_puts(&d->b, " -> ");
        if (!dsl_target(e, &d->b, p->value))
            cc_buf_puts(&d->b, "\"\"");
        put_buf(e, &d->b);
        d->b.len = 0;
        tag(e, p->key);
        tag(e, p->value);
        fmt_line_end(e);
    }
}

/* The branch lines under the kind's: its cases, a `next` with a comment of its own, the `on`
 * branches, and `-> end` for a kind that goes on by another branch (wait: timeout) and has none. */
static void dsl_branch_lines(emitter *e, dsl_blk *d, const cc_buf *next_line)
{
    for (uint32_t i = 0; d->cases && i < d->cases->count; i++) /* the list and its key go with the first case */
        dsl_case_line(e, d->cases->items[i], i == 0 ? d->cases : NULL, i == 0 ? d->cases_key : NULL);
    if (next_line->len) {
        fmt_line_begin(e, 4);
        put(e, "next -> ");
        put_buf(e, next_line);
        tag(e, d->next->key);
        tag(e, d->next->value);
        fmt_line_end(e);
    }
    dsl_on_lines(e, d);
    const cc_pair *on = d->on;
    if (d->go_on && !d->success_path && d->following &&
        !(on && on->value->type == CC_NODE_MAP && fmt_pair_get(on->value, d->go_on))) {
        fmt_line_begin(e, 4);
        cc_buf_printf(&e->cur, "%s -> end", d->go_on);
        fmt_line_end(e);
    }
}

/* One block as a labelled statement. `following` is the id of the block after it, or NULL. */
static void dsl_block(emitter *e, const cc_node *id, const cc_node *blk, const cc_node *following)
{
    dsl_blk d = {.id = id, .blk = blk, .following = following};
    dsl_block_label(e, &d);
    d.first_line = e->lines.len;
    if (blk->type != CC_NODE_MAP) {
        lossy(e, blk, "a block that is not a mapping");
        dsl_value(e, &d.b, blk);
        put_buf(e, &d.b);
        fmt_tag_tree(e, blk);
        cc_buf_free(&d.b);
        fmt_line_end(e);
        return;
    }
    d.kind = fmt_block_kind(blk);
    d.next = fmt_pair_get(blk, "next");
    d.on = fmt_pair_get(blk, "on");
    dsl_block_stray_keys(e, &d);
    dsl_block_kind(e, &d);
    d.go_on = cc_block_continue_branch(d.spec);
    d.success_path = d.go_on && strcmp(d.go_on, "next") == 0;
    cc_buf next_line = {0};
    dsl_block_next(e, &d, &next_line);
    fmt_line_end(e);
    dsl_branch_lines(e, &d, &next_line);
    cc_buf_free(&next_line);
    cc_buf_free(&d.b);
}

static void dsl_emit(emitter *e, const cc_node *root, const cc_comments *comments, cc_buf *out)
{
    e->region = REGION_HEADER;
    e->comments = comments;
    if (!root || root->type != CC_NODE_MAP) {
        lossy(e, root, "a flow that is not a mapping");
        fmt_line_begin(e, 0);
        put(e, "flow \"\"");
        fmt_finish(e, comments, true, out);
        return;
    }
    const cc_node *blocks = fmt_blocks_of(root);
    block_lines *bl = fmt_compute_block_lines(root, blocks);
    e->blocks = bl;
    e->nblocks = blocks ? blocks->count : 0;
    dsl_header(e, root);
    for (uint32_t i = 0; blocks && i < blocks->count; i++) {
        fmt_blank_line(e);
        if (i == 0) /* a comment line before `blocks:` goes above the blank line, after the header */
            fmt_tag_line(e, fmt_pair_get(root, "blocks")->key, false, e->lines.len - 1);
        e->region = (int)i;
        e->scope = blocks->pairs[i].value;
        dsl_block(e, blocks->pairs[i].key, blocks->pairs[i].value,
                  i + 1 < blocks->count ? blocks->pairs[i + 1].key : NULL);
        e->scope = NULL;
        fmt_line_end(e);
        e->region = REGION_HEADER;
    }
    fmt_finish(e, comments, true, out);
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
