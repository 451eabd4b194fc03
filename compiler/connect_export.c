/* connect_export.c — a flow written as Amazon Connect Flow-language JSON: the inverse of
 * connect_import.c, driven by the same tables (the action shapes cc_connect_shapes[], the
 * parameter specs' Connect keys and spellings, the comparison operators), with what the flow's
 * `connect:` metadata kept from an import (identifiers, types, parameters and transitions ccflow
 * does not model, designer metadata) written back as it was. */
#include "connect.h"
#include "json_writer.h"

#include <stdlib.h>
#include <string.h>

/* ---- an output tree: ordered objects, so that Connect's key order can be kept ---- */

typedef enum { O_OBJ, O_ARR, O_STR, O_LIT, O_RAW } okind;

typedef struct onode onode;
typedef struct {
    const char *key;
    onode *value;
} omember;

struct onode {
    okind kind;
    const char *text;   /* O_STR, O_LIT */
    const cc_node *raw; /* O_RAW: a kept node, written as it was read */
    void **items;       /* O_OBJ: omember *, O_ARR: onode * */
    size_t len, cap;
};

typedef struct {
    cc_arena *arena;
    const cc_bundle *b;
    const cc_flow *f;
    const cc_resources *res;
    const char **ident; /* per block: its Identifier */
    const cc_node *actions; /* connect.actions */
} exporter;

static onode *o_new(exporter *ex, okind k)
{
    onode *n = cc_arena_alloc(ex->arena, sizeof *n);
    n->kind = k;
    return n;
}

static onode *o_str(exporter *ex, const char *s)
{
    onode *n = o_new(ex, O_STR);
    n->text = cc_arena_strdup(ex->arena, s ? s : "");
    return n;
}

static onode *o_lit(exporter *ex, const char *s)
{
    onode *n = o_new(ex, O_LIT);
    n->text = cc_arena_strdup(ex->arena, s);
    return n;
}

static onode *o_raw(exporter *ex, const cc_node *raw)
{
    onode *n = o_new(ex, O_RAW);
    n->raw = raw;
    return n;
}

static void o_push(exporter *ex, onode *n, void *item)
{
    if (n->len == n->cap) {
        size_t cap = n->cap ? n->cap * 2 : 8;
        void **items = cc_arena_alloc(ex->arena, cap * sizeof *items);
        if (n->len)
            memcpy(items, n->items, n->len * sizeof *items);
        n->items = items;
        n->cap = cap;
    }
    n->items[n->len++] = item;
}

static omember *o_member(const onode *obj, const char *key)
{
    for (size_t i = 0; obj && obj->kind == O_OBJ && i < obj->len; i++) {
        omember *m = obj->items[i];
        if (!strcmp(m->key, key))
            return m;
    }
    return NULL;
}

/* Sets a key of an object (replacing its value when present). */
static void o_set(exporter *ex, onode *obj, const char *key, onode *value)
{
    omember *m = o_member(obj, key);
    if (m) {
        m->value = value;
        return;
    }
    m = cc_arena_alloc(ex->arena, sizeof *m);
    m->key = cc_arena_strdup(ex->arena, key);
    m->value = value;
    o_push(ex, obj, m);
}

/* Sets a dotted path ("EventHooks.CustomerQueue"), making the objects on the way. */
static void o_set_path(exporter *ex, onode *obj, const char *path, onode *value)
{
    for (;;) {
        size_t n = strcspn(path, ".");
        char *key = cc_arena_strndup(ex->arena, path, n);
        if (!path[n]) {
            o_set(ex, obj, key, value);
            return;
        }
        omember *m = o_member(obj, key);
        if (!m || m->value->kind != O_OBJ) {
            onode *sub = o_new(ex, O_OBJ);
            o_set(ex, obj, key, sub);
            obj = sub;
        } else
            obj = m->value;
        path += n + 1;
    }
}

/* Adds what a kept mapping holds that obj does not: values written by the block win. */
static void o_merge(exporter *ex, onode *obj, const cc_node *raw)
{
    for (uint32_t i = 0; raw && raw->type == CC_NODE_MAP && i < raw->count; i++) {
        const cc_node *k = raw->pairs[i].key, *v = raw->pairs[i].value;
        omember *m = o_member(obj, k->text);
        if (!m)
            o_set(ex, obj, k->text, o_raw(ex, v));
        else if (m->value->kind == O_OBJ && v->type == CC_NODE_MAP)
            o_merge(ex, m->value, v);
    }
}

static bool literal_text(const char *s)
{
    return !strcmp(s, "true") || !strcmp(s, "false") || !strcmp(s, "null") || cc_jw_is_number(s);
}

/* A kept node: plain scalars that are JSON literals bare, every other scalar a string. */
static void write_raw(cc_jw *w, const cc_node *n)
{
    switch (n->type) {
    case CC_NODE_SCALAR:
        if (n->plain && literal_text(n->text)) {
            if (!strcmp(n->text, "true") || !strcmp(n->text, "false"))
                cc_jw_bool(w, n->text[0] == 't');
            else if (!strcmp(n->text, "null"))
                cc_jw_null(w);
            else
                cc_jw_number(w, n->text);
        } else
            cc_jw_string_n(w, n->text, n->len);
        break;
    case CC_NODE_LIST:
        cc_jw_array(w);
        for (uint32_t i = 0; i < n->count; i++)
            write_raw(w, n->items[i]);
        cc_jw_array_end(w);
        break;
    default:
        cc_jw_object(w);
        for (uint32_t i = 0; i < n->count; i++) {
            cc_jw_key(w, n->pairs[i].key->text);
            write_raw(w, n->pairs[i].value);
        }
        cc_jw_object_end(w);
    }
}

static void o_write(cc_jw *w, const onode *n)
{
    switch (n->kind) {
    case O_OBJ:
        cc_jw_object(w);
        for (size_t i = 0; i < n->len; i++) {
            const omember *m = n->items[i];
            cc_jw_key(w, m->key);
            o_write(w, m->value);
        }
        cc_jw_object_end(w);
        break;
    case O_ARR:
        cc_jw_array(w);
        for (size_t i = 0; i < n->len; i++)
            o_write(w, n->items[i]);
        cc_jw_array_end(w);
        break;
    case O_STR:
        cc_jw_string(w, n->text);
        break;
    case O_LIT:
        if (!strcmp(n->text, "true") || !strcmp(n->text, "false"))
            cc_jw_bool(w, n->text[0] == 't');
        else
            cc_jw_number(w, n->text);
        break;
    case O_RAW:
        write_raw(w, n->raw);
        break;
    }
}

/* ---- the tables ---- */

/* The n-th word of a "a|b|c" list, or NULL. */
static const char *nth_word(exporter *ex, const char *list, int64_t index)
{
    const char *s = list;
    for (int64_t i = 0; s && *s; i++) {
        size_t len = strcspn(s, "|");
        if (i == index)
            return cc_arena_strndup(ex->arena, s, len);
        s += len + (s[len] == '|');
    }
    return NULL;
}

static int64_t word_index(const char *list, const char *word)
{
    size_t n = strlen(word);
    int64_t i = 0;
    for (const char *s = list; s && *s; i++) {
        size_t len = strcspn(s, "|");
        if (len == n && !strncmp(s, word, n))
            return i;
        s += len + (s[len] == '|');
    }
    return -1;
}

/* Whether the row's `set` names parameter `name`. */
static bool row_sets(const cc_connect_shape *sh, const char *name)
{
    char key[64], value[96];
    for (int i = 0; sh && sh->set && cc_connect_pair(sh->set, i, key, sizeof key, value, sizeof value); i++)
        if (!strcmp(key, name))
            return true;
    return false;
}

/* A parameter of the block as text, for cc_connect_default_shape. */
static const char *block_param(const void *ud, const char *name)
{
    const cc_param *p = cc_block_param(ud, name);
    return p && p->value && p->value->type == CC_NODE_SCALAR ? p->value->text : NULL;
}

/* The row recorded for the block on import (a `type`, and the `when` that picked it). */
static const cc_connect_shape *recorded_row(const cc_block *blk, const cc_node *meta)
{
    const cc_node *type = cc_node_get(meta, "type"), *when = cc_node_get(meta, "when");
    if (!type || type->type != CC_NODE_SCALAR)
        return NULL;
    const char *w = when && when->type == CC_NODE_SCALAR ? when->text : "";
    for (int i = 0; i < cc_connect_shape_count; i++) {
        const cc_connect_shape *sh = &cc_connect_shapes[i];
        if (!strcmp(sh->kind, blk->spec->kind) && !strcmp(sh->action, type->text) && !strcmp(sh->when, w))
            return sh;
    }
    return NULL;
}

/* ---- values ---- */

static bool is_scalar(const cc_node *n) { return n && n->type == CC_NODE_SCALAR; }

/* Seconds as console exports write them: "8", "0.5". */
static const char *seconds_text(exporter *ex, int64_t ms)
{
    if (ms % 1000 == 0)
        return cc_arena_printf(ex->arena, "%lld", (long long)(ms / 1000));
    char *t = cc_arena_printf(ex->arena, "%s%lld.%03lld", ms < 0 ? "-" : "", (long long)(llabs(ms) / 1000),
                              (long long)(llabs(ms) % 1000));
    size_t n = strlen(t);
    while (t[n - 1] == '0')
        t[--n] = '\0';
    return t;
}

/* A node with every scalar a string (Connect's attribute values are text), maps and lists kept. */
static onode *stringly(exporter *ex, const cc_node *n)
{
    if (is_scalar(n))
        return cc_node_is_null(n) && n->plain ? o_raw(ex, n) : o_str(ex, n->text);
    if (n->type == CC_NODE_LIST) {
        onode *a = o_new(ex, O_ARR);
        for (uint32_t i = 0; i < n->count; i++)
            o_push(ex, a, stringly(ex, n->items[i]));
        return a;
    }
    onode *o = o_new(ex, O_OBJ);
    for (uint32_t i = 0; i < n->count; i++)
        o_set(ex, o, n->pairs[i].key->text, stringly(ex, n->pairs[i].value));
    return o;
}

/* A resource name as its ARN when the resources file maps it. */
static const char *resource(exporter *ex, const char *name)
{
    const char *arn = ex->res ? cc_map_get(&ex->res->by_name, name) : NULL;
    return arn ? arn : name;
}

/* A block parameter as its Connect value. */
static onode *param_value(exporter *ex, const cc_param *p)
{
    const cc_param_spec *ps = p->spec;
    const cc_node *v = p->value;
    if (!v)
        return NULL;
    if (p->invalid || p->is_ref)
        return is_scalar(v) ? o_str(ex, v->text) : o_raw(ex, v);
    switch (ps->type) {
    case CC_PT_DURATION:
        return o_str(ex, seconds_text(ex, p->num));
    case CC_PT_INT:
        return o_str(ex, cc_arena_printf(ex->arena, "%lld", (long long)p->num));
    case CC_PT_BOOL:
        return o_str(ex, ps->connect_values ? nth_word(ex, ps->connect_values, p->num ? 1 : 0) : p->num ? "true" : "false");
    case CC_PT_ENUM: {
        int64_t i = ps->values && is_scalar(v) ? word_index(ps->values, v->text) : -1;
        const char *w = i >= 0 && ps->connect_values ? nth_word(ex, ps->connect_values, i) : NULL;
        return o_str(ex, w ? w : v->text);
    }
    case CC_PT_QUEUE:
    case CC_PT_FLOW:
    case CC_PT_HOURS:
    case CC_PT_TEMPLATE:
    case CC_PT_FUNCTION:
        return is_scalar(v) ? o_str(ex, resource(ex, v->text)) : o_raw(ex, v);
    case CC_PT_PROMPTS:
        if (v->type == CC_NODE_LIST) {
            /* [{ text | ssml | prompt }] as [{ Text | SSML | PromptId }] */
            onode *a = o_new(ex, O_ARR);
            for (uint32_t i = 0; i < v->count; i++) {
                const cc_node *m = v->items[i];
                if (m->type != CC_NODE_MAP) {
                    o_push(ex, a, o_raw(ex, m));
                    continue;
                }
                onode *o = o_new(ex, O_OBJ);
                for (uint32_t j = 0; j < m->count; j++) {
                    const char *k = m->pairs[j].key->text;
                    const char *key = !strcmp(k, "text") ? "Text" : !strcmp(k, "ssml") ? "SSML"
                                    : !strcmp(k, "prompt")                         ? "PromptId"
                                                                                   : k;
                    o_set(ex, o, key, o_raw(ex, m->pairs[j].value));
                }
                o_push(ex, a, o);
            }
            return a;
        }
        return o_raw(ex, v);
    case CC_PT_REFERENCES:
        if (v->type == CC_NODE_MAP) {
            /* { name: { type, value } } as { name: { Type, Value } } */
            onode *o = o_new(ex, O_OBJ);
            for (uint32_t i = 0; i < v->count; i++) {
                const cc_node *r = v->pairs[i].value;
                if (r->type != CC_NODE_MAP) {
                    o_set(ex, o, v->pairs[i].key->text, o_raw(ex, r));
                    continue;
                }
                onode *ro = o_new(ex, O_OBJ);
                for (uint32_t j = 0; j < r->count; j++) {
                    const char *k = r->pairs[j].key->text;
                    o_set(ex, ro, !strcmp(k, "type") ? "Type" : !strcmp(k, "value") ? "Value" : k,
                          o_raw(ex, r->pairs[j].value));
                }
                o_set(ex, o, v->pairs[i].key->text, ro);
            }
            return o;
        }
        return o_raw(ex, v);
    case CC_PT_MAP:
        return stringly(ex, v);
    case CC_PT_JSON:
        return o_raw(ex, v);
    default: /* text, values, references */
        return is_scalar(v) ? o_str(ex, v->text) : o_raw(ex, v);
    }
}

/* ---- transitions ---- */

static const char *target_ident(exporter *ex, int32_t to, const char *written)
{
    return to >= 0 && (uint32_t)to < ex->f->nblocks ? ex->ident[to] : written ? written : "";
}

static onode *condition(exporter *ex, const char *to, const char *op, const char *operand)
{
    onode *c = o_new(ex, O_OBJ), *cond = o_new(ex, O_OBJ), *ops = o_new(ex, O_ARR);
    o_set(ex, c, "NextAction", o_str(ex, to));
    o_set(ex, cond, "Operator", o_str(ex, op));
    o_push(ex, ops, o_str(ex, operand));
    o_set(ex, cond, "Operands", ops);
    o_set(ex, c, "Condition", cond);
    return c;
}

static onode *error(exporter *ex, const char *to, const char *type)
{
    onode *e = o_new(ex, O_OBJ);
    o_set(ex, e, "NextAction", o_str(ex, to));
    o_set(ex, e, "ErrorType", o_str(ex, type));
    return e;
}

/* How the row writes a branch: '?' Equals X, '>' NumberGreaterThan X, '!' error X; 0 when it
 * cannot. */
static char branch_result(const cc_connect_shape *sh, const cc_branch *br, char *what, size_t n)
{
    char key[64], value[96];
    const char *results = sh ? sh->results : NULL;
    if (results) {
        for (int i = 0; cc_connect_pair(results, i, key, sizeof key, value, sizeof value); i++)
            if (!strcmp(key, br->name) && value[0]) {
                snprintf(what, n, "%s", value + 1);
                return value[0];
            }
        return 0;
    }
    if (!strcmp(br->name, "error")) {
        snprintf(what, n, "NoMatchingError");
        return '!';
    }
    if (!strcmp(br->name, "no_match")) {
        snprintf(what, n, "NoMatchingCondition");
        return '!';
    }
    return 0;
}

static onode *transitions(exporter *ex, const cc_block *blk, const cc_connect_shape *row, const cc_node *meta)
{
    onode *tr = o_new(ex, O_OBJ), *errors = o_new(ex, O_ARR), *conds = o_new(ex, O_ARR);
    const cc_branch *next = cc_block_branch(blk, "next");
    if (next)
        o_set(ex, tr, "NextAction", o_str(ex, target_ident(ex, next->to, next->target)));

    /* the conditions by origin: cases (a percentage split as Connect's chain of thresholds),
     * branches through the row's results (in the kind's order), and those kept as read */
    onode *cases = o_new(ex, O_ARR), *branches = o_new(ex, O_OBJ), *kept = o_new(ex, O_ARR);
    int64_t below = 1;
    for (uint32_t i = 0; i < blk->ncases; i++) {
        const cc_case *c = &blk->cases[i];
        const char *to = target_ident(ex, c->to, c->target);
        if (!c->op || !c->operand)
            continue;
        const cc_case_op *op = cc_case_op_by_name(c->op);
        if (op && op->code == CC_CASE_PERCENT) {
            below += c->num;
            o_push(ex, cases, condition(ex, to, cc_case_ops[CC_CASE_LESS_THAN].connect, cc_arena_printf(ex->arena, "%lld", (long long)below)));
            continue;
        }
        o_push(ex, cases, condition(ex, to, op ? op->connect : c->op, is_scalar(c->operand) ? c->operand->text : ""));
    }
    for (int idx = 0; idx < 64; idx++)
        for (uint32_t j = 0; j < blk->nbranches; j++) {
            const cc_branch *br = &blk->branches[j];
            if (br->index != idx)
                continue;
            char what[96];
            const char *to = target_ident(ex, br->to, br->target);
            switch (branch_result(row, br, what, sizeof what)) {
            case '?':
                o_set(ex, branches, br->name, condition(ex, to, "Equals", what));
                break;
            case '>':
                o_set(ex, branches, br->name, condition(ex, to, "NumberGreaterThan", what));
                break;
            case '!':
                o_push(ex, errors, error(ex, to, what));
                break;
            default:
                break;
            }
        }
    const cc_node *kc = cc_node_get(meta, "conditions"), *ke = cc_node_get(meta, "errors");
    for (uint32_t i = 0; kc && kc->type == CC_NODE_LIST && i < kc->count; i++)
        o_push(ex, kept, o_raw(ex, kc->items[i]));
    for (uint32_t i = 0; ke && ke->type == CC_NODE_LIST && i < ke->count; i++)
        o_push(ex, errors, o_raw(ex, ke->items[i]));

    /* in the order an import recorded (the designer's), then what is left: cases, branches, kept */
    size_t next_case = 0, next_kept = 0;
    const cc_node *order = cc_node_get(meta, "order");
    for (uint32_t i = 0; order && order->type == CC_NODE_LIST && i < order->count; i++) {
        const char *what = is_scalar(order->items[i]) ? order->items[i]->text : "";
        omember *m;
        if (!strcmp(what, "case")) {
            if (next_case < cases->len)
                o_push(ex, conds, cases->items[next_case++]);
        } else if (!strcmp(what, "kept")) {
            if (next_kept < kept->len)
                o_push(ex, conds, kept->items[next_kept++]);
        } else if ((m = o_member(branches, what)) != NULL && m->value) {
            o_push(ex, conds, m->value);
            m->value = NULL;
        }
    }
    while (next_case < cases->len)
        o_push(ex, conds, cases->items[next_case++]);
    for (size_t i = 0; i < branches->len; i++) {
        omember *m = branches->items[i];
        if (m->value)
            o_push(ex, conds, m->value);
    }
    while (next_kept < kept->len)
        o_push(ex, conds, kept->items[next_kept++]);
    if (errors->len)
        o_set(ex, tr, "Errors", errors);
    if (conds->len)
        o_set(ex, tr, "Conditions", conds);
    return tr;
}

/* ---- actions ---- */

/* A kind without any action shape: its name as Connect spells action types (send_message ->
 * SendMessage), the types console exports use for such actions. */
static const char *pascal_kind(exporter *ex, const char *kind)
{
    char *t = cc_arena_strdup(ex->arena, kind);
    size_t o = 0;
    bool up = true;
    for (const char *s = kind; *s; s++) {
        if (*s == '_') {
            up = true;
            continue;
        }
        t[o++] = up && *s >= 'a' && *s <= 'z' ? (char)(*s - 'a' + 'A') : *s;
        up = false;
    }
    t[o] = '\0';
    return t;
}

static onode *action(exporter *ex, uint32_t bi)
{
    const cc_block *blk = &ex->f->blocks[bi];
    const cc_node *meta = cc_node_get(ex->actions, blk->id);
    onode *act = o_new(ex, O_OBJ), *params = o_new(ex, O_OBJ);
    const char *type;
    const cc_connect_shape *row = NULL;

    if (blk->spec && (blk->spec->flags & CC_BK_OPAQUE)) { /* connect_action: type and parameters as read */
        const cc_param *t = cc_block_param(blk, "type"), *p = cc_block_param(blk, "parameters");
        type = t && is_scalar(t->value) ? t->value->text : "";
        if (p && p->value && p->value->type == CC_NODE_MAP)
            o_merge(ex, params, p->value);
    } else if (blk->spec) {
        row = recorded_row(blk, meta);
        if (!row)
            row = cc_connect_default_shape(blk->spec->kind, ex->f->type, block_param, blk);
        type = row ? row->action : pascal_kind(ex, blk->spec->kind);
        for (const cc_param_spec *ps = blk->spec->params; ps->name; ps++) {
            const cc_param *p = cc_block_param(blk, ps->name);
            char kbuf[128];
            const char *key = cc_connect_key(row, ps, kbuf, sizeof kbuf);
            if (key == kbuf) /* the object written keeps its keys */
                key = cc_arena_strdup(ex->arena, kbuf);
            if (!p || ps->type == CC_PT_CASES || !key || row_sets(row, ps->name))
                continue;
            onode *v = param_value(ex, p);
            if (v)
                o_set_path(ex, params, key, v);
        }
        char key[96], value[96];
        for (int i = 0; row && row->fixed && cc_connect_pair(row->fixed, i, key, sizeof key, value, sizeof value); i++)
            if (!o_member(params, key))
                o_set_path(ex, params, key, o_str(ex, value));
    } else
        type = "";
    /* the action's Connect parameters the block does not hold */
    o_merge(ex, params, cc_node_get(meta, "parameters"));

    o_set(ex, act, "Parameters", params);
    o_set(ex, act, "Identifier", o_str(ex, ex->ident[bi]));
    o_set(ex, act, "Type", o_str(ex, type));
    o_set(ex, act, "Transitions", transitions(ex, blk, row, meta));
    return act;
}

/* ---- identifiers ---- */

static uint64_t fnv1a(uint64_t h, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 0x100000001b3ull;
    }
    return h;
}

/* A UUID-shaped identifier from the flow's name and the block id: the same input gives the same
 * identifier; `salt` steps past a collision. */
static const char *derived_ident(exporter *ex, const char *flow, const char *id, unsigned salt)
{
    uint64_t h1 = fnv1a(0xcbf29ce484222325ull, flow, strlen(flow) + 1);
    h1 = fnv1a(h1, id, strlen(id));
    uint64_t h2 = fnv1a(h1 ^ 0x9e3779b97f4a7c15ull, id, strlen(id) + 1);
    h2 = fnv1a(h2, flow, strlen(flow));
    h1 += salt * 0x2545f4914f6cdd1dull;
    return cc_arena_printf(ex->arena, "%08llx-%04llx-4%03llx-%04llx-%012llx", (unsigned long long)(h1 >> 32),
                           (unsigned long long)((h1 >> 16) & 0xffff), (unsigned long long)(h1 & 0xfff),
                           (unsigned long long)(0x8000 | ((h2 >> 48) & 0x3fff)),
                           (unsigned long long)(h2 & 0xffffffffffffull));
}

static void assign_identifiers(exporter *ex)
{
    const cc_flow *f = ex->f;
    cc_map used = {0};
    /* kept identifiers first: they are the flow's own */
    for (uint32_t i = 0; i < f->nblocks; i++) {
        const cc_node *id = cc_node_get(cc_node_get(ex->actions, f->blocks[i].id), "identifier");
        if (is_scalar(id) && id->len && !cc_map_get(&used, id->text)) {
            ex->ident[i] = id->text;
            cc_map_put(&used, id->text, (void *)id->text);
        }
    }
    for (uint32_t i = 0; i < f->nblocks; i++) {
        if (ex->ident[i])
            continue;
        const char *id = f->blocks[i].id;
        char buf[96];
        if (cc_connect_identifier_problem(id, buf, sizeof buf) || cc_map_get(&used, id)) {
            unsigned salt = 0;
            do
                id = derived_ident(ex, f->name, f->blocks[i].id, salt++);
            while (cc_map_get(&used, id));
        }
        ex->ident[i] = id;
        cc_map_put(&used, id, (void *)id);
    }
    cc_map_free(&used);
}

/* ---- layout ----
 * Layers are longest paths from the start block over next, cases and the other branches (edges
 * that close a cycle are left out); blocks the start does not reach start layers of their own, in
 * block order. Within a layer, blocks are in the order a breadth-first walk discovers them. The
 * entry point is at (20, 20), a block of layer L and row R at (250·(L+1) + 20, 200·R + 20). */

enum { LAYER_DX = 250, ROW_DY = 200, MARGIN = 20 };

typedef struct {
    int32_t *to;
    size_t n;
} edges;

static edges block_edges(const cc_block *blk)
{
    edges e = {cc_xcalloc(blk->ncases + blk->nbranches + 1, sizeof(int32_t)), 0};
    const cc_branch *next = cc_block_branch(blk, "next");
    if (next && next->to >= 0)
        e.to[e.n++] = next->to;
    for (uint32_t i = 0; i < blk->ncases; i++)
        if (blk->cases[i].to >= 0)
            e.to[e.n++] = blk->cases[i].to;
    for (int idx = 0; idx < 64; idx++)
        for (uint32_t j = 0; j < blk->nbranches; j++)
            if (blk->branches[j].index == idx && blk->branches[j].to >= 0)
                e.to[e.n++] = blk->branches[j].to;
    return e;
}

static void layout(const cc_flow *f, int64_t *x, int64_t *y)
{
    uint32_t n = f->nblocks;
    edges *out = cc_xcalloc(n + 1, sizeof *out);
    for (uint32_t i = 0; i < n; i++)
        out[i] = block_edges(&f->blocks[i]);
    uint32_t *roots = cc_xcalloc(n + 1, sizeof *roots), nroots = 0;
    uint32_t *order = cc_xcalloc(n + 1, sizeof *order), norder = 0;   /* discovery */
    uint32_t *post = cc_xcalloc(n + 1, sizeof *post), npost = 0;      /* depth-first post-order */
    uint8_t *state = cc_xcalloc(n + 1, 1); /* 0 new, 1 on the stack, 2 done */
    bool *seen = cc_xcalloc(n + 1, sizeof *seen);
    uint32_t *stack = cc_xcalloc(n + 1, sizeof *stack);
    size_t *pos = cc_xcalloc(n + 1, sizeof *pos);
    int64_t *layer = cc_xcalloc(n + 1, sizeof *layer);
    /* back edges: per block, which of its edges close a cycle */
    bool **back = cc_xcalloc(n + 1, sizeof *back);
    for (uint32_t i = 0; i < n; i++)
        back[i] = cc_xcalloc(out[i].n + 1, sizeof **back);

    int32_t start = f->start_index >= 0 && (uint32_t)f->start_index < n ? f->start_index : n ? 0 : -1;
    for (uint32_t k = 0; k < n + 1; k++) {
        int32_t r = k == 0 ? start : (int32_t)(k - 1);
        if (r < 0 || seen[r])
            continue;
        roots[nroots++] = (uint32_t)r;
        /* breadth-first discovery */
        size_t head = norder;
        seen[r] = true;
        order[norder++] = (uint32_t)r;
        while (head < norder) {
            uint32_t u = order[head++];
            for (size_t e = 0; e < out[u].n; e++)
                if (!seen[out[u].to[e]]) {
                    seen[out[u].to[e]] = true;
                    order[norder++] = (uint32_t)out[u].to[e];
                }
        }
        /* depth-first, for the cycles and a topological order */
        size_t sp = 0;
        stack[sp++] = (uint32_t)r;
        state[r] = 1;
        pos[r] = 0;
        while (sp) {
            uint32_t u = stack[sp - 1];
            if (pos[u] < out[u].n) {
                size_t e = pos[u]++;
                uint32_t v = (uint32_t)out[u].to[e];
                if (state[v] == 1)
                    back[u][e] = true;
                else if (state[v] == 0) {
                    state[v] = 1;
                    pos[v] = 0;
                    stack[sp++] = v;
                }
            } else {
                state[u] = 2;
                post[npost++] = u;
                sp--;
            }
        }
    }
    /* longest paths, in reverse post-order (a topological order of the forward edges) */
    for (uint32_t k = npost; k-- > 0;) {
        uint32_t u = post[k];
        for (size_t e = 0; e < out[u].n; e++)
            if (!back[u][e] && layer[out[u].to[e]] < layer[u] + 1)
                layer[out[u].to[e]] = layer[u] + 1;
    }
    int64_t *rows = cc_xcalloc(n + 2, sizeof *rows);
    for (uint32_t k = 0; k < norder; k++) {
        uint32_t u = order[k];
        int64_t l = layer[u] < (int64_t)n ? layer[u] : (int64_t)n;
        x[u] = LAYER_DX * (layer[u] + 1) + MARGIN;
        y[u] = ROW_DY * rows[l]++ + MARGIN;
    }
    for (uint32_t i = 0; i < n; i++) {
        cc_free(out[i].to);
        cc_free(back[i]);
    }
    cc_free(rows);
    cc_free(back);
    cc_free(out);
    cc_free(roots);
    cc_free(order);
    cc_free(post);
    cc_free(state);
    cc_free(seen);
    cc_free(stack);
    cc_free(pos);
    cc_free(layer);
}

static onode *position(exporter *ex, int64_t x, int64_t y)
{
    onode *p = o_new(ex, O_OBJ);
    o_set(ex, p, "x", o_lit(ex, cc_arena_printf(ex->arena, "%lld", (long long)x)));
    o_set(ex, p, "y", o_lit(ex, cc_arena_printf(ex->arena, "%lld", (long long)y)));
    return p;
}

/* ---- the document ---- */

static onode *metadata(exporter *ex)
{
    const cc_flow *f = ex->f;
    const cc_node *kept = cc_node_get(f->connect, "metadata");
    onode *m = o_new(ex, O_OBJ);
    /* the kept keys in their order; what export owns is filled in below */
    o_merge(ex, m, kept);
    if (!o_member(m, "entryPointPosition") && !o_member(m, "EntryPointPosition"))
        o_set(ex, m, "entryPointPosition", position(ex, MARGIN, MARGIN));

    int64_t *x = cc_xcalloc(f->nblocks + 1, sizeof *x), *y = cc_xcalloc(f->nblocks + 1, sizeof *y);
    layout(f, x, y);
    onode *am = o_new(ex, O_OBJ);
    for (uint32_t i = 0; i < f->nblocks; i++) {
        const cc_node *mine = cc_node_get(cc_node_get(ex->actions, f->blocks[i].id), "metadata");
        onode *entry = o_new(ex, O_OBJ);
        if (mine && mine->type == CC_NODE_MAP)
            o_merge(ex, entry, mine);
        else if (mine) {
            o_set(ex, am, ex->ident[i], o_raw(ex, mine));
            continue;
        }
        if (!o_member(entry, "position")) {
            /* the position first, as the designer writes it */
            onode *e2 = o_new(ex, O_OBJ);
            o_set(ex, e2, "position", position(ex, x[i], y[i]));
            for (size_t k = 0; k < entry->len; k++)
                o_push(ex, e2, entry->items[k]);
            entry = e2;
        }
        o_set(ex, am, ex->ident[i], entry);
    }
    cc_free(x);
    cc_free(y);
    /* ActionMetadata of identifiers that are no action, kept whole */
    const cc_node *kept_am = cc_node_get(kept, "ActionMetadata");
    o_merge(ex, am, kept_am);
    o_set(ex, m, "ActionMetadata", am);

    o_set(ex, m, "name", o_str(ex, f->name));
    const cc_node *kd = cc_node_get(kept, "description");
    if (f->description)
        o_set(ex, m, "description", o_str(ex, f->description));
    else if (!kd)
        o_set(ex, m, "description", o_str(ex, ""));
    if (f->type >= 0)
        o_set(ex, m, "type", o_str(ex, cc_flow_types[f->type].metadata));
    /* what Connect has no place for, read back by import: the channels a flow declares */
    if (f->channels_declared) {
        onode *cf = o_new(ex, O_OBJ), *ch = o_new(ex, O_ARR);
        for (int c = 0; c < CC_CH_COUNT; c++)
            if (f->channels & (1u << c))
                o_push(ex, ch, o_str(ex, cc_channel_name(c)));
        o_set(ex, cf, "channels", ch);
        o_set(ex, m, "ccflow", cf);
    }
    return m;
}

void cc_connect_export(const cc_bundle *b, const cc_flow *f, const cc_resources *res, cc_buf *out)
{
    cc_arena arena;
    cc_arena_init(&arena);
    exporter ex = {&arena, b, f, res, NULL, cc_node_get(f->connect, "actions")};
    ex.ident = cc_arena_alloc(&arena, (f->nblocks + 1) * sizeof *ex.ident);
    assign_identifiers(&ex);

    onode *doc = o_new(&ex, O_OBJ);
    o_set(&ex, doc, "Version", o_str(&ex, "2019-10-30"));
    int32_t start = f->start ? cc_flow_block_index(f, f->start) : f->nblocks ? 0 : CC_NO_BLOCK;
    /* a StartAction that named no action was kept as written */
    const cc_node *kept_start = cc_node_get(f->connect, "start");
    const char *start_text = start >= 0 && !(kept_start && !f->start) ? ex.ident[start]
                             : f->start                              ? f->start
                             : is_scalar(kept_start)                 ? kept_start->text
                                                                     : "";
    o_set(&ex, doc, "StartAction", o_str(&ex, start_text));
    o_set(&ex, doc, "Metadata", metadata(&ex));
    onode *acts = o_new(&ex, O_ARR);
    for (uint32_t i = 0; i < f->nblocks; i++)
        o_push(&ex, acts, action(&ex, i));
    o_set(&ex, doc, "Actions", acts);
    /* other top-level keys of an imported document (Settings...) */
    o_merge(&ex, doc, cc_node_get(f->connect, "document"));

    cc_jw w;
    cc_jw_init(&w, out, (unsigned)-1, true);
    o_write(&w, doc);
    cc_jw_finish(&w);
    cc_buf_putc(out, '\n');
    cc_arena_free(&arena);
}
