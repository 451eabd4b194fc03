/* connect_import.c — a Flow-language JSON document read as a ccflow document tree: one block per
 * action through the catalogue's action shapes, every node placed at the JSON it comes from, so
 * that the lowering, the checks and their diagnostics never know the flow came from Connect. */
#include "connect.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_ACTIONS 250
#define MAX_CONTENT 256000
#define MAX_CONDITION_DEPTH 5
#define MAX_SUB_CONDITIONS 50

/* ---- building a document tree ---- */

typedef struct {
    cc_arena *arena;
    cc_diags *ds;
    const cc_resources *res;
    uint32_t file;
    cc_loc here; /* the place of synthesized nodes that have no JSON of their own */
} importer;

typedef CC_VEC(cc_pair) pairs;

/* A scalar of text that lives as long as the tree: a literal, a catalogue name, or text of the
 * JSON tree or the arena. Most of an import's nodes are these, so they are not copied. */
static cc_node *scalar_ref(importer *im, const char *text, bool plain, cc_loc loc)
{
    cc_node *n = cc_arena_alloc(im->arena, sizeof *n);
    n->type = CC_NODE_SCALAR;
    n->plain = plain;
    n->text = text;
    n->len = (uint32_t)strlen(text);
    n->loc = loc;
    return n;
}

/* A scalar of text that may not outlive the call (a buffer): copied into the arena. */
static cc_node *scalar_at(importer *im, const char *text, bool plain, cc_loc loc)
{
    return scalar_ref(im, cc_arena_strdup(im->arena, text), plain, loc);
}

static cc_node *map_of(importer *im, pairs *p, cc_loc loc)
{
    cc_node *n = cc_arena_alloc(im->arena, sizeof *n);
    n->type = CC_NODE_MAP;
    n->loc = loc;
    n->count = (uint32_t)p->len;
    n->pairs = cc_arena_alloc(im->arena, (p->len ? p->len : 1) * sizeof *n->pairs);
    if (p->len)
        memcpy(n->pairs, p->items, p->len * sizeof *n->pairs);
    cc_vec_free(p);
    return n;
}

static cc_node *list_of(importer *im, cc_node **items, size_t count, cc_loc loc)
{
    cc_node *n = cc_arena_alloc(im->arena, sizeof *n);
    n->type = CC_NODE_LIST;
    n->loc = loc;
    n->count = (uint32_t)count;
    n->items = cc_arena_alloc(im->arena, (count ? count : 1) * sizeof *n->items);
    if (count)
        memcpy(n->items, items, count * sizeof *n->items);
    return n;
}

/* Adds key: value to a mapping being built; key must live as long as the tree (scalar_ref). */
static void put(importer *im, pairs *p, const char *key, cc_loc key_loc, cc_node *value)
{
    cc_pair pr = {scalar_ref(im, key, true, key_loc), value};
    cc_vec_push(p, pr);
}

static bool pairs_have(const pairs *p, const char *key)
{
    for (size_t i = 0; i < p->len; i++)
        if (!strcmp(p->items[i].key->text, key))
            return true;
    return false;
}

static bool is_scalar(const cc_node *n) { return n && n->type == CC_NODE_SCALAR; }
static bool is_text(const cc_node *n) { return is_scalar(n) && !cc_node_is_null(n); }

/* The value at a dotted path of a mapping ("EventHooks.CustomerQueue"), or NULL. */
static cc_node *path_get(const cc_node *map, const char *path)
{
    char key[128];
    while (map && map->type == CC_NODE_MAP) {
        size_t n = strcspn(path, ".");
        if (n >= sizeof key)
            return NULL;
        memcpy(key, path, n);
        key[n] = '\0';
        cc_node *v = cc_node_get(map, key);
        if (!path[n])
            return v;
        map = v;
        path += n + 1;
    }
    return NULL;
}

/* ---- recognising a document ---- */

cc_connect_kind cc_connect_classify(const cc_node *root)
{
    if (!root || root->type != CC_NODE_MAP)
        return CC_CONNECT_OTHER;
    if (cc_node_get(root, "Actions") || (cc_node_get(root, "Version") && cc_node_get(root, "StartAction")))
        return CC_CONNECT_FLOW;
    if (cc_node_get(root, "modules") && cc_node_get(root, "version"))
        return CC_CONNECT_LEGACY;
    return CC_CONNECT_OTHER;
}

/* ---- Connect's own rules ---- */

static const char *const reserved_identifiers[] = {
    "__proto__", "constructor", "__defineGetter__", "__defineSetter__", "toString", "hasOwnProperty",
    "isPrototypeOf", "propertyIsEnumerable", "toLocaleString", "valueOf"};

const char *cc_connect_identifier_problem(const char *id, char *buf, size_t n)
{
    size_t chars = 0;
    for (const char *p = id; *p; p++)
        chars += ((unsigned char)*p & 0xc0) != 0x80;
    if (!*id)
        return "is empty";
    if (chars > 50) {
        snprintf(buf, n, "is %zu characters long; at most 50 are allowed", chars);
        return buf;
    }
    const char *bad = strpbrk(id, "%:(\\/)=$,;[]{}");
    if (bad) {
        snprintf(buf, n, "holds '%c'; identifiers cannot hold %% : ( \\ / ) = $ , ; [ ] { }", *bad);
        return buf;
    }
    for (size_t i = 0; i < CC_ARRAY_LEN(reserved_identifiers); i++)
        if (!strcmp(id, reserved_identifiers[i]))
            return "is a reserved word";
    return NULL;
}

/* Depth and number of the sub-conditions under a condition's operands. */
static void condition_size(const cc_node *cond, int depth, int *max_depth, int *count)
{
    if (depth > *max_depth)
        *max_depth = depth;
    const cc_node *ops = cc_node_get(cond, "Operands");
    for (uint32_t i = 0; ops && ops->type == CC_NODE_LIST && i < ops->count; i++)
        if (ops->items[i]->type == CC_NODE_MAP) {
            (*count)++;
            condition_size(ops->items[i], depth + 1, max_depth, count);
        }
}

static void warn_placeholders(importer *im, const cc_node *n)
{
    if (!n)
        return;
    if (n->type == CC_NODE_SCALAR) {
        if (!n->plain && cc_connect_has_placeholder(n->text))
            cc_report(im->ds, CC_W501, n->loc,
                      "'%s' holds a template placeholder that was never filled in; it is read as written",
                      n->text);
    } else if (n->type == CC_NODE_LIST) {
        for (uint32_t i = 0; i < n->count; i++)
            warn_placeholders(im, n->items[i]);
    } else {
        for (uint32_t i = 0; i < n->count; i++)
            warn_placeholders(im, n->pairs[i].value);
    }
}

/* ---- action shapes ---- */

/* Whether `value` is one of the "|"-separated words of `list`. */
static bool word_in(const char *list, const char *value)
{
    size_t n = strlen(value);
    for (const char *s = list; *s;) {
        size_t len = strcspn(s, "|");
        if (len == n && !strncmp(s, value, n))
            return true;
        s += len + (s[len] == '|');
    }
    return false;
}

/* Whether one condition of a row's `when` holds: "Key=A|B" a value, "Key" a key present. */
static bool condition_holds(const char *cond, size_t len, const cc_node *params)
{
    char text[160];
    if (len >= sizeof text)
        return false;
    memcpy(text, cond, len);
    text[len] = '\0';
    char *eq = strchr(text, '=');
    if (eq)
        *eq = '\0';
    const cc_node *v = path_get(params, text);
    if (!v)
        return false;
    return !eq || (is_scalar(v) && word_in(eq + 1, v->text));
}

/* How many conditions a row's `when` sets when they all hold (";" between them), or -1. */
static int shape_matches(const cc_connect_shape *sh, const cc_node *params)
{
    int n = 0;
    for (const char *w = sh->when; *w; n++) {
        size_t len = strcspn(w, ";");
        if (!condition_holds(w, len, params))
            return -1;
        w += len + (w[len] == ';');
    }
    return n;
}

/* The row of an action: the one whose conditions hold and say the most (AgentId beside a
 * staffing metric picks the agent-queue row), the first of those in the table. */
static const cc_connect_shape *shape_for(const char *type, const cc_node *params)
{
    const cc_connect_shape *best = NULL;
    int best_n = -1;
    for (int i = 0; i < cc_connect_shape_count; i++) {
        /* the first letter spares most comparisons: this runs once an action */
        if (cc_connect_shapes[i].action[0] != type[0] || strcmp(cc_connect_shapes[i].action, type) != 0)
            continue;
        int n = shape_matches(&cc_connect_shapes[i], params);
        if (n > best_n)
            best = &cc_connect_shapes[i], best_n = n;
    }
    return best;
}

static bool listed(const char *const *list, const char *type)
{
    for (; *list; list++)
        if (!strcmp(*list, type))
            return true;
    return false;
}

/* ---- converting values ---- */

static bool numeric_text(const char *s)
{
    char *end;
    if (!*s)
        return false;
    (void)strtod(s, &end);
    return *end == '\0';
}

/* The ccflow spelling of an enum or boolean value Connect spells its own way, or NULL. */
static const char *from_connect_word(const cc_param_spec *ps, const char *text)
{
    const char *ours = ps->type == CC_PT_BOOL ? "false|true" : ps->values;
    if (!ps->connect_values || !ours)
        return NULL;
    int index = 0;
    for (const char *s = ps->connect_values; *s; index++) {
        size_t len = strcspn(s, "|");
        if (strlen(text) == len && !strncasecmp(s, text, len)) {
            const char *o = ours;
            for (int k = 0; k < index && *o; k++)
                o += strcspn(o, "|") + (o[strcspn(o, "|")] == '|');
            static char word[64];
            size_t wl = strcspn(o, "|");
            if (wl >= sizeof word)
                return NULL;
            memcpy(word, o, wl);
            word[wl] = '\0';
            return word;
        }
        s += len + (s[len] == '|');
    }
    return NULL;
}

/* A Connect value as the ccflow value of parameter ps; NULL leaves the parameter out (it is kept
 * with the action's other Connect parameters instead). */
static cc_node *convert(importer *im, const cc_param_spec *ps, cc_node *v)
{
    if (!v)
        return NULL;
    bool ref = is_scalar(v) && !strncmp(v->text, "$.", 2);
    switch (ps->type) {
    case CC_PT_JSON:
    case CC_PT_MAP:
    case CC_PT_REFERENCES:
        if (ps->type == CC_PT_REFERENCES && v->type == CC_NODE_MAP) {
            /* { name: { Type, Value } } as { name: { type, value } } */
            pairs out = {0};
            for (uint32_t i = 0; i < v->count; i++) {
                cc_node *ref_v = v->pairs[i].value;
                if (ref_v->type != CC_NODE_MAP) {
                    cc_vec_push(&out, v->pairs[i]);
                    continue;
                }
                pairs inner = {0};
                for (uint32_t j = 0; j < ref_v->count; j++) {
                    const char *k = ref_v->pairs[j].key->text;
                    put(im, &inner, !strcmp(k, "Type") ? "type" : !strcmp(k, "Value") ? "value" : k,
                        ref_v->pairs[j].key->loc, ref_v->pairs[j].value);
                }
                cc_pair pr = {v->pairs[i].key, map_of(im, &inner, ref_v->loc)};
                cc_vec_push(&out, pr);
            }
            return map_of(im, &out, v->loc);
        }
        return v;
    case CC_PT_PROMPTS:
        if (v->type == CC_NODE_LIST) {
            cc_node **items = cc_arena_alloc(im->arena, (v->count ? v->count : 1) * sizeof *items);
            for (uint32_t i = 0; i < v->count; i++) {
                cc_node *m = v->items[i];
                /* each message is one Text, SSML or PromptId */
                static const char *const keys[][2] = {{"Text", "text"}, {"SSML", "ssml"}, {"PromptId", "prompt"}};
                const char *ours = NULL;
                for (size_t k = 0; m->type == CC_NODE_MAP && m->count == 1 && k < CC_ARRAY_LEN(keys); k++)
                    if (!strcmp(m->pairs[0].key->text, keys[k][0]))
                        ours = keys[k][1];
                if (!ours || !is_scalar(m->pairs[0].value))
                    return NULL; /* a shape ccflow does not read: kept as written */
                cc_node *t = m->pairs[0].value;
                pairs p = {0};
                put(im, &p, ours, m->pairs[0].key->loc, t);
                items[i] = map_of(im, &p, m->loc);
            }
            return list_of(im, items, v->count, v->loc);
        }
        return v;
    case CC_PT_CASES:
        return NULL;
    default:
        break;
    }
    if (!is_scalar(v) || ref)
        return v;
    switch (ps->type) {
    case CC_PT_INT:
        if (numeric_text(v->text))
            return scalar_at(im, v->text, true, v->loc);
        return v;
    case CC_PT_DURATION:
        if (numeric_text(v->text)) {
            char text[48];
            double secs = strtod(v->text, NULL);
            if (secs == (double)(long long)secs)
                snprintf(text, sizeof text, "%llds", (long long)secs);
            else
                snprintf(text, sizeof text, "%lldms", (long long)(secs * 1000));
            return scalar_at(im, text, true, v->loc);
        }
        return v;
    case CC_PT_BOOL: {
        const char *w = from_connect_word(ps, v->text);
        if (!w && (!strcasecmp(v->text, "true") || !strcasecmp(v->text, "false")))
            w = tolower((unsigned char)v->text[0]) == 't' ? "true" : "false";
        return w ? scalar_at(im, w, true, v->loc) : v;
    }
    case CC_PT_ENUM: {
        const char *w = from_connect_word(ps, v->text);
        return w ? scalar_at(im, w, false, v->loc) : v;
    }
    case CC_PT_QUEUE:
    case CC_PT_FLOW:
    case CC_PT_HOURS:
    case CC_PT_TEMPLATE:
    case CC_PT_FUNCTION: {
        const char *name = cc_resources_name(im->res, v->text);
        return name ? scalar_at(im, name, false, v->loc) : v;
    }
    default:
        return v;
    }
}

/* ---- the flow ---- */

/* One action of the document, as read in the first pass. */
typedef struct {
    const cc_node *action;
    const cc_node *ident; /* the Identifier value (a string), or NULL */
    const char *block_id;
    const cc_node *type;
    const cc_block_spec *spec;
    const cc_connect_shape *shape;
} action_info;

typedef struct {
    importer *im;
    action_info *acts;
    size_t n;
    cc_map by_ident; /* Identifier -> block id */
} flow_ctx;

/* The block id a transition target stands for: the block of that identifier, else the target
 * as written (which the checks then report as undefined). */
static cc_node *target_node(flow_ctx *fc, const cc_node *t)
{
    const char *id = cc_map_get(&fc->by_ident, t->text);
    return scalar_ref(fc->im, id ? id : t->text, false, t->loc);
}

static bool readable_identifier(const char *id)
{
    char buf[96];
    return id[0] && !cc_connect_is_uuid(id) && !cc_connect_identifier_problem(id, buf, sizeof buf) && strcmp(id, "end") != 0;
}

/* The branch a transition takes in a shape's results ("branch=?Operand"...), or NULL. */
static const char *result_branch(const cc_connect_shape *sh, const cc_block_spec *spec, char kind, const char *what,
                                 char *buf, size_t n)
{
    char key[64], value[96];
    const char *results = sh ? sh->results : NULL;
    if (results) {
        for (int i = 0; cc_connect_pair(results, i, key, sizeof key, value, sizeof value); i++)
            if (value[0] == kind && !strcasecmp(value + 1, what) && cc_branch_index(spec, key) != -2) {
                snprintf(buf, n, "%s", key);
                return buf;
            }
    }
    if (!results) {
        /* the common errors, for shapes that do not list their own */
        if (kind == '!' && !strcmp(what, "NoMatchingError") && cc_branch_index(spec, "error") >= 0)
            return "error";
        if (kind == '!' && !strcmp(what, "NoMatchingCondition") && cc_branch_index(spec, "no_match") >= 0)
            return "no_match";
    }
    return NULL;
}

/* The value of a condition's single operand, or NULL. */
static const cc_node *single_operand(const cc_node *cond)
{
    const cc_node *ops = cc_node_get(cond, "Operands");
    if (ops && ops->type == CC_NODE_LIST && ops->count == 1 && is_scalar(ops->items[0]))
        return ops->items[0];
    return NULL;
}

/* Keeps what ccflow does not model beside the block: it goes back into the action on export. */
typedef struct {
    pairs meta;
    CC_VEC(cc_node *) conditions;
    CC_VEC(cc_node *) errors;
    CC_VEC(cc_node *) order; /* per condition: its branch, "case" or "kept" */
    bool reordered;          /* the conditions are not in the order export writes them */
} leftovers;

/* Notes where a condition went: export writes cases first, then the branches in the kind's order,
 * then the conditions kept as written; another order is recorded so that it comes back. */
static void note_order(importer *im, leftovers *left, const cc_block_spec *spec, const char *what, cc_loc loc,
                       int *last_rank)
{
    int rank = !strcmp(what, "case") ? 0 : !strcmp(what, "kept") ? 1000 : 1 + cc_branch_index(spec, what);
    if (rank < *last_rank)
        left->reordered = true;
    *last_rank = rank;
    cc_vec_push(&left->order, scalar_at(im, what, false, loc));
}

static void lower_transitions(flow_ctx *fc, const action_info *ai, pairs *block, pairs *params, leftovers *left)
{
    importer *im = fc->im;
    const cc_node *tr = cc_node_get(ai->action, "Transitions");
    if (!tr || cc_node_is_null(tr) || (tr->type == CC_NODE_LIST && tr->count == 0))
        return;
    if (tr->type != CC_NODE_MAP) {
        cc_report(im->ds, CC_E123, tr->loc, "'Transitions' of action '%s' must be an object, not %s",
                  ai->ident ? ai->ident->text : "?", cc_node_type_name(tr));
        return;
    }
    const cc_block_spec *spec = ai->spec;
    const cc_param_spec *cases_ps = cc_block_cases_param(spec);
    pairs on = {0};
    CC_VEC(cc_node *) cases = {0};
    char buf[64];

    const cc_node *next = cc_node_get(tr, "NextAction");
    if (is_text(next) && next->len)
        put(im, block, "next", next->loc, target_node(fc, next));

    const cc_node *conds = cc_node_get(tr, "Conditions");
    /* a kind whose cases are percentages: Connect writes them as a chain of thresholds */
    const cc_param_spec *pct_cases = cc_block_cases_param(spec);
    bool distribute = pct_cases && cc_branch_listed(pct_cases->values, cc_case_ops[CC_CASE_PERCENT].name);
    int64_t below = 1; /* DistributeByPercentage: the previous threshold */
    int last_rank = 0;
    for (uint32_t i = 0; conds && conds->type == CC_NODE_LIST && i < conds->count; i++) {
        const cc_node *c = conds->items[i];
        const cc_node *to = cc_node_get(c, "NextAction"), *cond = cc_node_get(c, "Condition");
        const cc_node *op = cc_node_get(cond, "Operator"), *operand = single_operand(cond);
        if (!is_text(to) || !is_text(op)) {
            cc_report(im->ds, CC_E123, c->loc, "a condition needs 'NextAction' and 'Condition' with an 'Operator'");
            continue;
        }
        int depth = 0, subs = 0;
        condition_size(cond, 0, &depth, &subs);
        if (depth > MAX_CONDITION_DEPTH || subs > MAX_SUB_CONDITIONS)
            cc_report(im->ds, CC_E120, cond->loc,
                      "a condition nests %d deep with %d sub-conditions; Amazon Connect allows 5 deep and 50 in all",
                      depth, subs);
        const char *branch = NULL;
        if (operand && !strcmp(op->text, "Equals"))
            branch = result_branch(ai->shape, spec, '?', operand->text, buf, sizeof buf);
        else if (operand && !strcmp(op->text, "NumberGreaterThan") && !strcmp(operand->text, "0"))
            branch = result_branch(ai->shape, spec, '>', "0", buf, sizeof buf);
        if (!to->len && (branch || !cases_ps)) {
            /* a branch left unconnected in the designer: nothing to follow, kept for export */
            cc_vec_push(&left->conditions, (cc_node *)c);
            note_order(im, left, spec, "kept", c->loc, &last_rank);
            continue;
        }
        if (branch) {
            put(im, &on, cc_arena_strdup(im->arena, branch), op->loc, target_node(fc, to));
            note_order(im, left, spec, branch, op->loc, &last_rank);
            continue;
        }
        const cc_case_op *cop = cc_case_op_by_connect(op->text);
        if (cases_ps && operand && distribute && cop && cop->code == CC_CASE_LESS_THAN &&
            numeric_text(operand->text)) {
            int64_t upto = (int64_t)strtod(operand->text, NULL);
            char pct[32];
            snprintf(pct, sizeof pct, "%lld", (long long)(upto - below));
            below = upto;
            pairs cs = {0};
            put(im, &cs, cc_case_ops[CC_CASE_PERCENT].name, op->loc, scalar_at(im, pct, true, operand->loc));
            if (to->len) /* else a case left unconnected */
                put(im, &cs, "next", to->loc, target_node(fc, to));
            cc_node *m = map_of(im, &cs, c->loc);
            cc_vec_push(&cases, m);
            note_order(im, left, spec, "case", op->loc, &last_rank);
            continue;
        }
        if (cases_ps && operand && cop && word_in(cases_ps->values, cop->name)) {
            pairs cs = {0};
            cc_node *val = operand->plain ? (cc_node *)operand : scalar_at(im, operand->text, cop->numeric && numeric_text(operand->text), operand->loc);
            put(im, &cs, cop->name, op->loc, val);
            if (to->len)
                put(im, &cs, "next", to->loc, target_node(fc, to));
            cc_node *m = map_of(im, &cs, c->loc);
            cc_vec_push(&cases, m);
            note_order(im, left, spec, "case", op->loc, &last_rank);
            continue;
        }
        cc_report(im->ds, CC_W503, c->loc,
                  "ccflow does not model this condition of '%s' (%s); it is kept for export, and no check follows it",
                  spec->kind, op->text);
        cc_vec_push(&left->conditions, (cc_node *)c);
        note_order(im, left, spec, "kept", c->loc, &last_rank);
    }

    const cc_node *errs = cc_node_get(tr, "Errors");
    for (uint32_t i = 0; errs && errs->type == CC_NODE_LIST && i < errs->count; i++) {
        const cc_node *e = errs->items[i];
        const cc_node *to = cc_node_get(e, "NextAction"), *type = cc_node_get(e, "ErrorType");
        if (!is_text(type) || !is_scalar(to)) {
            cc_report(im->ds, CC_E123, e->loc, "an error transition needs 'ErrorType' and 'NextAction'");
            continue;
        }
        if (!to->len) {
            cc_vec_push(&left->errors, (cc_node *)e); /* left unconnected in the designer: kept for export */
            continue;
        }
        const char *branch = result_branch(ai->shape, spec, '!', type->text, buf, sizeof buf);
        if (branch && pairs_have(&on, branch))
            branch = NULL; /* two error types onto one branch: keep the second as written */
        if (branch) {
            put(im, &on, cc_arena_strdup(im->arena, branch), type->loc, target_node(fc, to));
            continue;
        }
        cc_report(im->ds, CC_W503, type->loc,
                  "ccflow does not model the error '%s' of '%s'; it is kept for export, and no check follows it",
                  type->text, spec->kind);
        cc_vec_push(&left->errors, (cc_node *)e);
    }

    if (cases.len && cases_ps) {
        put(im, params, cases_ps->name, conds->loc, list_of(im, cases.items, cases.len, conds->loc));
    }
    cc_vec_free(&cases);
    if (on.len)
        put(im, block, "on", tr->loc, map_of(im, &on, tr->loc));
    else
        cc_vec_free(&on);
}

/* Dotted paths of the Parameters object that a block parameter took over. */
typedef CC_VEC(const char *) path_list;

static bool path_taken(const path_list *taken, const char *path)
{
    for (size_t i = 0; i < taken->len; i++)
        if (!strcmp(taken->items[i], path))
            return true;
    return false;
}

/* Whether everything under `path` was taken over, so the action needs no copy of it. */
static bool fully_taken(const path_list *taken, const cc_node *n, const char *path)
{
    if (path_taken(taken, path))
        return true;
    if (!n || n->type != CC_NODE_MAP || n->count == 0)
        return false;
    for (uint32_t i = 0; i < n->count; i++) {
        char sub[256];
        snprintf(sub, sizeof sub, "%s.%s", path, n->pairs[i].key->text);
        if (!fully_taken(taken, n->pairs[i].value, sub))
            return false;
    }
    return true;
}

/* A parameter of the block being built, for cc_connect_default_shape. */
static const char *built_param(const void *ud, const char *name)
{
    const pairs *params = ud;
    for (size_t j = 0; j < params->len; j++)
        if (!strcmp(params->items[j].key->text, name) && is_scalar(params->items[j].value))
            return params->items[j].value->text;
    return NULL;
}

static cc_node *lower_action(flow_ctx *fc, action_info *ai, int flow_type, pairs *meta_actions)
{
    importer *im = fc->im;
    const cc_node *act = ai->action;
    cc_node *params = cc_node_get(act, "Parameters");
    if (params && params->type != CC_NODE_MAP && !cc_node_is_null(params)) {
        cc_report(im->ds, CC_E123, params->loc, "'Parameters' must be an object, not %s", cc_node_type_name(params));
        params = NULL;
    }
    warn_placeholders(im, params);
    pairs value = {0}, block = {0};
    leftovers left = {0};
    path_list taken = {0};
    const cc_block_spec *spec = ai->spec;

    if (spec->flags & CC_BK_OPAQUE) { /* connect_action: the type and parameters as they are */
        put(im, &value, "type", ai->type->loc, (cc_node *)ai->type);
        if (params && params->count)
            put(im, &value, "parameters", params->loc, params);
    } else {
        char buf[128];
        for (const cc_param_spec *ps = spec->params; ps->name; ps++) {
            const char *key = cc_connect_key(ai->shape, ps, buf, sizeof buf);
            if (!key || ps->type == CC_PT_CASES)
                continue;
            cc_node *v = path_get(params, key);
            cc_node *cv = convert(im, ps, v);
            if (!cv)
                continue;
            put(im, &value, ps->name, v->loc, cv);
            cc_vec_push(&taken, cc_arena_strdup(im->arena, key)); /* key may be a buffer reused next round */
        }
        char k[64], val[96];
        for (int i = 0; ai->shape->set && cc_connect_pair(ai->shape->set, i, k, sizeof k, val, sizeof val); i++)
            put(im, &value, cc_arena_strdup(im->arena, k), ai->type->loc, scalar_at(im, val, false, ai->type->loc));
        /* the values that picked the row are implied by the kind when the row writes them back */
        for (const char *w = ai->shape->when; *w;) {
            size_t len = strcspn(w, ";");
            char key[96];
            snprintf(key, sizeof key, "%.*s", (int)strcspn(w, "=;"), w);
            const cc_node *v = path_get(params, key);
            if (memchr(w, '=', len) && v && is_scalar(v) && ai->shape->fixed && strstr(ai->shape->fixed, v->text))
                cc_vec_push(&taken, cc_arena_strdup(im->arena, key));
            w += len + (w[len] == ';');
        }
        for (int i = 0; ai->shape->fixed && cc_connect_pair(ai->shape->fixed, i, k, sizeof k, val, sizeof val); i++) {
            const cc_node *w = path_get(params, k);
            if (w && is_scalar(w) && !strcmp(w->text, val))
                cc_vec_push(&taken, cc_arena_strdup(im->arena, k));
        }
    }
    lower_transitions(fc, ai, &block, &value, &left);

    /* what the block's parameters do not hold stays with the action, for export */
    if (params && params->type == CC_NODE_MAP && !(spec->flags & CC_BK_OPAQUE)) {
        pairs extra = {0};
        for (uint32_t i = 0; i < params->count; i++)
            if (!fully_taken(&taken, params->pairs[i].value, params->pairs[i].key->text))
                cc_vec_push(&extra, params->pairs[i]);
        if (extra.len)
            put(im, &left.meta, "parameters", params->loc, map_of(im, &extra, params->loc));
        else
            cc_vec_free(&extra);
    }
    cc_vec_free(&taken);

    /* a kind whose whole value is one parameter (set_contact_attributes) takes it bare */
    cc_node *kind_value = NULL;
    for (const cc_param_spec *ps = spec->params; ps->name; ps++)
        if ((ps->flags & CC_PF_WHOLE) && value.len == 1 && !strcmp(value.items[0].key->text, ps->name)) {
            kind_value = value.items[0].value;
            cc_vec_free(&value);
        }
    if (!kind_value)
        kind_value = map_of(im, &value, ai->type->loc);
    cc_pair kind = {scalar_at(im, spec->kind, true, ai->type->loc), kind_value};
    cc_vec_push(&block, kind);
    /* the kind first, as people write it */
    memmove(block.items + 1, block.items, (block.len - 1) * sizeof *block.items);
    block.items[0] = kind;

    cc_loc at = ai->ident ? ai->ident->loc : act->loc;
    if (ai->ident)
        put(im, &left.meta, "identifier", ai->ident->loc, (cc_node *)ai->ident);
    pairs dummy = {0};
    for (uint32_t i = 0; i < block.len; i++)
        if (block.items[i].value->type == CC_NODE_MAP && i == 0 && !(spec->params[0].flags & CC_PF_WHOLE))
            for (uint32_t j = 0; j < block.items[i].value->count; j++)
                cc_vec_push(&dummy, block.items[i].value->pairs[j]);
    const cc_connect_shape *def = cc_connect_default_shape(spec->kind, flow_type, built_param, &dummy);
    cc_vec_free(&dummy);
    if (ai->shape && def != ai->shape) {
        put(im, &left.meta, "type", ai->type->loc, (cc_node *)ai->type);
        if (ai->shape->when[0])
            put(im, &left.meta, "when", ai->type->loc, scalar_at(im, ai->shape->when, false, ai->type->loc));
    }
    if (left.conditions.len)
        put(im, &left.meta, "conditions", at, list_of(im, left.conditions.items, left.conditions.len, at));
    if (left.errors.len)
        put(im, &left.meta, "errors", at, list_of(im, left.errors.items, left.errors.len, at));
    if (left.reordered)
        put(im, &left.meta, "order", at, list_of(im, left.order.items, left.order.len, at));
    cc_vec_free(&left.order);
    cc_vec_free(&left.conditions);
    cc_vec_free(&left.errors);
    put(im, meta_actions, ai->block_id, at, map_of(im, &left.meta, at));
    return map_of(im, &block, act->loc);
}

/* A name for the flow from its file: the base name without the extension. */
static const char *name_from_path(importer *im, const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t n = strlen(base);
    const char *dot = strrchr(base, '.');
    if (dot && dot != base)
        n = (size_t)(dot - base);
    return cc_arena_strndup(im->arena, base, n);
}

/* Characters of the document as it would be sent to Connect without its layout: the text less the
 * blanks between tokens (strings counted as written, escapes included). One pass, no copy. */
static size_t content_chars(const char *text, size_t len)
{
    size_t chars = 0;
    bool in_string = false;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)text[i];
        if (in_string) {
            if (c == '\\' && i + 1 < len) {
                chars += 2;
                i++;
                continue;
            }
            in_string = c != '"';
        } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
            continue;
        else
            in_string = c == '"';
        chars += (c & 0xc0) != 0x80;
    }
    return chars;
}

/* Reports a Version other than the one Flow-language documents have. */
static void check_version(cc_diags *ds, const cc_node *root, cc_loc head)
{
    const cc_node *version = cc_node_get(root, "Version");
    if (!version)
        cc_report(ds, CC_E123, head, "the document has no 'Version'; Flow-language documents are version \"2019-10-30\"");
    else if (!is_scalar(version) || strcmp(version->text, "2019-10-30") != 0)
        cc_report(ds, CC_E123, version->loc, "Flow-language version '%s' is not one Amazon Connect reads; expected \"2019-10-30\"",
                  is_scalar(version) ? version->text : cc_node_type_name(version));
}

/* The type of a flow that names none and was given no --type: a module when it returns or has
 * module Settings, else inbound, with a note saying which and why. */
static int guess_flow_type(cc_diags *ds, const cc_node *root, cc_loc head)
{
    /* a flow module says what it is by its Settings (inputs, outputs) or by returning */
    const cc_node *settings = cc_node_get(root, "Settings"), *acts = cc_node_get(root, "Actions");
    bool returns = false;
    for (uint32_t i = 0; acts && acts->type == CC_NODE_LIST && i < acts->count; i++) {
        const cc_node *t = cc_node_get(acts->items[i], "Type");
        returns |= is_text(t) && !strcmp(t->text, "EndFlowModuleExecution");
    }
    if (returns || (settings && settings->type == CC_NODE_MAP &&
                    (cc_node_get(settings, "InputParameters") || cc_node_get(settings, "OutputParameters")))) {
        cc_report(ds, CC_N506, head, "the flow says nothing of its type (Metadata.type); it is read as a flow "
                                     "module, since it %s (give --type to choose another)",
                  returns ? "returns (EndFlowModuleExecution)" : "has module Settings");
        return CC_FT_MODULE;
    }
    cc_report(ds, CC_N506, head, "the flow says nothing of its type (Metadata.type); it is read as an "
                                 "inbound flow (give --type to choose another)");
    return CC_FT_INBOUND;
}

/* The flow's type: Metadata.type (-1, reported, when unknown), else --type, else a guess. */
static int read_flow_type(cc_diags *ds, const cc_node *root, const cc_node *mtype, int default_type, cc_loc head)
{
    int type = -1;
    if (is_text(mtype) && (type = cc_flow_type_parse(mtype->text)) < 0) {
        const char *names[CC_FT_COUNT];
        for (int t = 0; t < CC_FT_COUNT; t++)
            names[t] = cc_flow_types[t].metadata;
        cc_diag *d = cc_report(ds, CC_E108, mtype->loc, "unknown flow type '%s' in Metadata", mtype->text);
        const char *best = cc_closest(mtype->text, names, CC_FT_COUNT);
        if (best)
            cc_note_add(d, mtype->loc, "did you mean '%s'?", best);
    }
    if (!is_text(mtype)) {
        type = default_type;
        if (type < 0)
            type = guess_flow_type(ds, root, head);
    }
    return type;
}

/* The document's head from Metadata: the flow's name (else the file's), type, description and
 * the channels ccflow's export kept there. */
static void put_flow_head(importer *im, pairs *doc, const cc_node *meta, const char *path, int type, cc_loc head)
{
    const cc_node *mtype = cc_node_get(meta, "type"), *mname = cc_node_get(meta, "name");
    const cc_node *mdesc = cc_node_get(meta, "description");
    cc_loc type_loc = is_text(mtype) ? mtype->loc : head;
    const char *name = is_text(mname) && mname->len ? mname->text : name_from_path(im, path);
    put(im, doc, "flow", is_text(mname) ? mname->loc : head,
        scalar_at(im, name, false, is_text(mname) ? mname->loc : head));
    put(im, doc, "type", type_loc, scalar_at(im, type >= 0 ? cc_flow_types[type].name : mtype->text, true, type_loc));
    if (is_text(mdesc) && mdesc->len)
        put(im, doc, "description", mdesc->loc, (cc_node *)mdesc);
    /* what ccflow's export keeps of a flow that Connect has no place for: declared channels */
    const cc_node *mchannels = path_get(meta, "ccflow.channels");
    if (mchannels)
        put(im, doc, "channels", mchannels->loc, (cc_node *)mchannels);
}

/* The Actions list (NULL, reported, when it is not a list), checked against Connect's limits on
 * the number of actions and the size of the document. */
static const cc_node *actions_of(cc_diags *ds, const cc_node *root, uint32_t file, cc_loc head)
{
    const cc_node *actions = cc_node_get(root, "Actions");
    if (!actions || actions->type != CC_NODE_LIST) {
        cc_report(ds, CC_E123, actions ? actions->loc : head, "'Actions' must be a list of actions");
        actions = NULL;
    }
    size_t n = actions ? actions->count : 0;
    if (n > MAX_ACTIONS)
        cc_report(ds, CC_E120, actions->loc, "the flow has %zu actions; Amazon Connect allows at most %d a flow", n,
                  MAX_ACTIONS);
    const cc_source *src = cc_source_get(ds, file);
    if (src && src->text && src->len > MAX_CONTENT) {
        size_t chars = content_chars(src->text, src->len);
        if (chars > MAX_CONTENT)
            cc_report(ds, CC_E120, head, "the flow is %zu characters of JSON; Amazon Connect takes at most %d", chars,
                      MAX_CONTENT);
    }
    return actions;
}

/* Reads an action's Type and Identifier into ai, reporting what is missing or malformed; false
 * when the action has no object or no Type to keep. */
static bool read_action(cc_diags *ds, action_info *ai, const cc_node *act)
{
    if (act->type != CC_NODE_MAP) {
        cc_report(ds, CC_E123, act->loc, "an action must be an object, not %s", cc_node_type_name(act));
        return false;
    }
    ai->action = act;
    ai->type = cc_node_get(act, "Type");
    const cc_node *ident = cc_node_get(act, "Identifier");
    if (!is_text(ai->type)) {
        cc_report(ds, CC_E123, ai->type ? ai->type->loc : act->loc, "an action needs a 'Type'");
        return false;
    }
    if (!is_text(ident))
        cc_report(ds, CC_E123, ident ? ident->loc : act->loc, "an action needs an 'Identifier'");
    else {
        char buf[96];
        const char *why = cc_connect_identifier_problem(ident->text, buf, sizeof buf);
        if (why)
            cc_report(ds, CC_E120, ident->loc, "identifier '%s' %s", ident->text, why);
        ai->ident = ident;
    }
    return true;
}

/* An action's shape and block kind: its shape's, else connect_action, with a word on a type
 * Connect does not document. */
static void find_action_kind(cc_diags *ds, action_info *ai)
{
    const cc_node *params = cc_node_get(ai->action, "Parameters");
    ai->shape = shape_for(ai->type->text, params);
    if (ai->shape) {
        ai->spec = cc_block_lookup(ai->shape->kind);
        return;
    }
    ai->spec = cc_block_lookup("connect_action");
    const char *t = ai->type->text;
    if (listed(cc_connect_observed_types, t))
        cc_report(ds, CC_N504, ai->type->loc,
                  "action type '%s' is not in Amazon Connect's documented list, though console exports use "
                  "it; ccflow keeps it as it is and assumes it takes its first transition",
                  t);
    else if (!listed(cc_connect_documented_types, t)) {
        cc_diag *d = cc_report(ds, CC_E121, ai->type->loc, "Amazon Connect has no action type '%s'", t);
        const char *real = cc_connect_misnamed_type(t);
        size_t nd = 0;
        while (cc_connect_documented_types[nd])
            nd++;
        if (!real)
            real = cc_closest(t, cc_connect_documented_types, nd);
        if (real)
            cc_note_add(d, ai->type->loc, "did you mean '%s'?", real);
    }
}

/* The block id: the identifier when people can read it, else the kind and a number. */
static const char *block_id_for(cc_arena *arena, const action_info *ai, cc_map *used, int counters[256])
{
    const char *id = ai->ident && readable_identifier(ai->ident->text) ? ai->ident->text : NULL;
    if (id && cc_map_get(used, id))
        id = NULL;
    if (!id) {
        int k = (int)(ai->spec - cc_blocks);
        char buf[96];
        do
            snprintf(buf, sizeof buf, "%s_%d", ai->spec->kind, ++counters[k & 255]);
        while (cc_map_get(used, buf));
        id = cc_arena_strdup(arena, buf);
    }
    cc_map_put(used, id, (void *)id);
    return id;
}

/* Maps the action's identifier to its block, reporting an identifier an earlier action has. */
static void index_identifier(flow_ctx *fc, const action_info *ai)
{
    const char *prev = cc_map_put(&fc->by_ident, ai->ident->text, (void *)ai->block_id);
    if (!prev)
        return;
    cc_diag *d = cc_report(fc->im->ds, CC_E113, ai->ident->loc, "two actions share the identifier '%s'",
                           ai->ident->text);
    for (size_t j = 0; j < fc->n; j++)
        if (fc->acts[j].ident && !strcmp(fc->acts[j].ident->text, ai->ident->text)) {
            cc_note_add(d, fc->acts[j].ident->loc, "the first is here");
            break;
        }
}

/* First pass: each action's identifier, kind and block id, so that transitions can be resolved. */
static void read_actions(flow_ctx *fc, const cc_node *actions, size_t n)
{
    fc->acts = cc_xcalloc(n + 1, sizeof *fc->acts);
    cc_map used = {0};
    int counters[256] = {0};
    for (size_t i = 0; i < n; i++) {
        action_info *ai = &fc->acts[fc->n];
        if (!read_action(fc->im->ds, ai, actions->items[i]))
            continue;
        find_action_kind(fc->im->ds, ai);
        ai->block_id = block_id_for(fc->im->arena, ai, &used, counters);
        if (ai->ident)
            index_identifier(fc, ai);
        fc->n++;
    }
    cc_map_free(&used);
}

/* Each action's designer metadata (Metadata.ActionMetadata) added to its entry of
 * connect.actions (found through a map: a search of ActionMetadata for each action made import
 * quadratic in the flow's size). */
static void attach_action_metadata(importer *im, const flow_ctx *fc, const cc_node *am, pairs *meta_actions)
{
    if (!am || am->type != CC_NODE_MAP)
        return;
    cc_map by_key = {0};
    for (uint32_t i = 0; i < am->count; i++)
        if (am->pairs[i].key->type == CC_NODE_SCALAR && !cc_map_get(&by_key, am->pairs[i].key->text))
            cc_map_put(&by_key, am->pairs[i].key->text, am->pairs[i].value);
    for (size_t i = 0; i < meta_actions->len; i++) {
        const action_info *ai = &fc->acts[i];
        cc_node *mine = ai->ident ? cc_map_get(&by_key, ai->ident->text) : NULL;
        if (!mine)
            continue;
        cc_node *entry = meta_actions->items[i].value;
        cc_pair *grown = cc_arena_alloc(im->arena, (entry->count + 1) * sizeof *grown);
        memcpy(grown, entry->pairs, entry->count * sizeof *grown);
        grown[entry->count].key = scalar_at(im, "metadata", true, mine->loc);
        grown[entry->count].value = mine;
        entry->pairs = grown;
        entry->count++;
    }
    cc_map_free(&by_key);
}

/* The rest of Metadata, for export, as connect.metadata: all but ActionMetadata, which moves
 * into the actions, unless some of it is of identifiers that are no action. */
static void keep_metadata(importer *im, const flow_ctx *fc, const cc_node *meta, pairs *meta_actions, pairs *connect)
{
    if (!meta || meta->type != CC_NODE_MAP)
        return;
    pairs m = {0};
    const cc_node *am = cc_node_get(meta, "ActionMetadata");
    for (uint32_t i = 0; i < meta->count; i++)
        if (strcmp(meta->pairs[i].key->text, "ActionMetadata") != 0)
            cc_vec_push(&m, meta->pairs[i]);
    attach_action_metadata(im, fc, am, meta_actions);
    /* ActionMetadata of identifiers that are no action: kept whole */
    if (am && am->type == CC_NODE_MAP)
        for (uint32_t i = 0; i < am->count; i++)
            if (!cc_map_get(&fc->by_ident, am->pairs[i].key->text)) {
                cc_vec_push(&m, meta->pairs[0]); /* placeholder, replaced below */
                m.items[m.len - 1].key = scalar_at(im, "ActionMetadata", true, am->loc);
                m.items[m.len - 1].value = (cc_node *)am;
                break;
            }
    put(im, connect, "metadata", meta->loc, map_of(im, &m, meta->loc));
}

/* Top-level keys of the document other than the four read here, kept as connect.document. */
static void keep_other_keys(importer *im, const cc_node *root, pairs *connect)
{
    pairs other = {0};
    for (uint32_t i = 0; i < root->count; i++) {
        const char *k = root->pairs[i].key->text;
        if (strcmp(k, "Version") && strcmp(k, "StartAction") && strcmp(k, "Metadata") && strcmp(k, "Actions"))
            cc_vec_push(&other, root->pairs[i]);
    }
    if (other.len)
        put(im, connect, "document", root->loc, map_of(im, &other, root->loc));
    else
        cc_vec_free(&other);
}

cc_node *cc_connect_to_doc(cc_arena *arena, cc_diags *ds, const cc_resources *res, int default_type, uint32_t file,
                           const char *path, const cc_node *root)
{
    importer im = {arena, ds, res, file, root->loc};
    (void)im.here;
    flow_ctx fc = {.im = &im};
    pairs doc = {0}, meta_actions = {0}, connect = {0}, blocks = {0};
    cc_loc head = root->count ? root->pairs[0].key->loc : root->loc;

    check_version(ds, root, head);
    const cc_node *meta = cc_node_get(root, "Metadata");
    int type = read_flow_type(ds, root, cc_node_get(meta, "type"), default_type, head);
    put_flow_head(&im, &doc, meta, path, type, head);

    const cc_node *actions = actions_of(ds, root, file, head);
    read_actions(&fc, actions, actions ? actions->count : 0);

    const cc_node *start = cc_node_get(root, "StartAction");
    if (!is_text(start))
        cc_report(ds, CC_E123, start ? start->loc : head, "the document has no 'StartAction'");
    else /* a StartAction that names no action is reported with the other undefined targets */
        put(&im, &doc, "start", start->loc, target_node(&fc, start));

    /* second pass: each action lowered to its block, transitions resolved through the first */
    for (size_t i = 0; i < fc.n; i++) {
        action_info *ai = &fc.acts[i];
        cc_node *blk = lower_action(&fc, ai, type, &meta_actions);
        put(&im, &blocks, ai->block_id, ai->ident ? ai->ident->loc : ai->action->loc, blk);
    }
    put(&im, &doc, "blocks", actions ? actions->loc : head, map_of(&im, &blocks, actions ? actions->loc : head));

    /* the rest of the document, for export */
    keep_metadata(&im, &fc, meta, &meta_actions, &connect);
    keep_other_keys(&im, root, &connect);
    put(&im, &connect, "actions", actions ? actions->loc : head, map_of(&im, &meta_actions, actions ? actions->loc : head));
    put(&im, &doc, "connect", head, map_of(&im, &connect, head));
    cc_map_free(&fc.by_ident);
    cc_free(fc.acts);
    cc_node *out = map_of(&im, &doc, root->loc);
    out->has_dups = false;
    return out;
}
