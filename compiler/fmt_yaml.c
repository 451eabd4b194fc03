/* fmt_yaml.c — `ccflow fmt` to canonical YAML (cc_fmt_yaml), with YAML's scalar quoting. */
#include "fmt_internal.h"

#include <stdlib.h>
#include <string.h>

/* ---- YAML scalars ---- */

static bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

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
        if (i + k > n || yaml_needs_escape(fmt_utf8_code((const unsigned char *)s + i, k)))
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

void yaml_double_quoted(cc_buf *b, const char *s, size_t n) { fmt_quoted(b, s, n, yaml_escape); }

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
        fmt_tag_tree(e, k);
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
        weak = first->loc.line == k->loc.line && fmt_comments_inside(e, k->loc.line, v);
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
    if (v->type != CC_NODE_SCALAR && v->count && (yaml_forces_block(v) || fmt_comments_inside(e, from, v)))
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
        fmt_tag_tree(e, v);
        fmt_line_end(e);
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
    fmt_line_end(e);
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
            fmt_line_begin(e, indent);
        yaml_pair(e, &m->pairs[i], indent + 2, child_role(role, m->pairs[i].key, cases_name), cases_name);
    }
}

static void yaml_block_seq(emitter *e, const cc_node *l, int indent, yaml_role role)
{
    yaml_role item_role = child_role(role, NULL, NULL);
    for (uint32_t i = 0; i < l->count; i++) {
        const cc_node *item = l->items[i];
        fmt_line_begin(e, indent);
        tag(e, item);
        if (yaml_inline(e, item, item->loc.line, "- ", item_role, NULL))
            continue;
        if (item->type == CC_NODE_MAP) {
            put(e, "- ");
            yaml_block_map(e, item, indent + 2, true, item_role, NULL);
        } else {
            put(e, "-");
            fmt_line_end(e);
            yaml_block_seq(e, item, indent + 2, item_role);
        }
    }
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
        if (!fmt_map_without(list->items[i], "next", false, item))
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

/* The kind's value: `{}` for none, the cases parameter last and each case's `next` last. */
static void yaml_kind_value(emitter *e, const cc_node *v, uint32_t from, const cc_block_spec *spec)
{
    const cc_param_spec *cases = cc_block_cases_param(spec);
    if (cc_node_is_null(v) && fmt_null_means_empty(spec)) {
        put(e, " {}");
        tag(e, v);
        fmt_line_end(e);
        return;
    }
    cc_node copy;
    if (cases && (cases->flags & CC_PF_SCALAR) && v->type == CC_NODE_LIST) {
        cc_node *list = cases_next_last(v);
        yaml_value(e, list, from, 6, ROLE_CASES, NULL);
        free_cases(list, v);
    } else if (cases && v->type == CC_NODE_MAP && fmt_map_without(v, cases->name, false, &copy)) {
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
    const cc_pair *kind = fmt_block_kind(blk), *next = fmt_pair_get(blk, "next"), *on = fmt_pair_get(blk, "on");
    if (kind) {
        fmt_line_begin(e, 4);
        yaml_key(e, kind->key, false);
        yaml_kind_value(e, kind->value, kind->key->loc.line, cc_block_lookup(kind->key->text));
    }
    if (next) {
        fmt_line_begin(e, 4);
        yaml_pair(e, next, 6, ROLE_NAME, NULL);
    }
    if (on) {
        fmt_line_begin(e, 4);
        yaml_pair(e, on, 6, ROLE_BRANCHES, NULL);
    }
    for (uint32_t i = 0; i < blk->count; i++) {
        const cc_pair *p = &blk->pairs[i];
        if (p == kind || p == next || p == on)
            continue;
        fmt_line_begin(e, 4);
        yaml_pair(e, p, 6, ROLE_VALUE, NULL);
    }
}

void cc_fmt_yaml(const cc_node *root, const cc_comments *comments, cc_buf *out)
{
    emitter e = {.region = REGION_HEADER, .comments = comments};
    if (!root) {
        fmt_finish(&e, comments, false, out);
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
            fmt_line_begin(&e, 0);
            put_buf(&e, &b);
            fmt_tag_tree(&e, root);
            cc_buf_free(&b);
        }
        fmt_finish(&e, comments, false, out);
        return;
    }
    const cc_node *blocks = fmt_blocks_of(root);
    block_lines *bl = fmt_compute_block_lines(root, blocks);
    e.blocks = bl;
    e.nblocks = blocks ? blocks->count : 0;
    /* the known keys in their order (a repeated key right after the first), then the others */
    for (size_t h = 0; fmt_header_keys[h]; h++)
        for (uint32_t i = 0; i < root->count; i++) {
            const cc_pair *p = &root->pairs[i];
            if (!key_is(p->key, fmt_header_keys[h]))
                continue;
            fmt_line_begin(&e, 0);
            if (p->value != blocks || blocks->count == 0) {
                bool name = key_is(p->key, "flow") || key_is(p->key, "start");
                yaml_pair(&e, p, 2, name ? ROLE_NAME : ROLE_VALUE, NULL);
                continue;
            }
            yaml_key(&e, p->key, false);
            fmt_line_end(&e);
            for (uint32_t b = 0; b < blocks->count; b++) {
                const cc_pair *bp = &blocks->pairs[b];
                e.region = (int)b;
                fmt_line_begin(&e, 2);
                yaml_key(&e, bp->key, true);
                if (bp->value->type == CC_NODE_MAP && bp->value->count) {
                    fmt_line_end(&e);
                    yaml_block(&e, bp->value);
                    e.scope = NULL;
                } else
                    yaml_value(&e, bp->value, bp->key->loc.line, 4, ROLE_VALUE, NULL);
            }
            fmt_line_end(&e);
            e.region = REGION_HEADER;
        }
    for (uint32_t i = 0; i < root->count; i++) {
        const cc_pair *p = &root->pairs[i];
        if (is_header_key(p->key))
            continue;
        fmt_line_begin(&e, 0);
        yaml_pair(&e, p, 2, ROLE_VALUE, NULL);
    }
    fmt_finish(&e, comments, false, out);
    cc_free(bl);
}
