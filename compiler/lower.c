/* lower.c — document tree to flow IR: the schema of SPEC §3 (flow keys, block kinds, parameters,
 * cases and branches) checked against the block catalogue, with a diagnostic at the exact node. */
#include "ir.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* ---- references ---- */

/* Against the catalogue's table (cc_refs): a fixed path, or a prefix and a name. */
bool cc_ref_valid(const char *text, const char **why)
{
    const cc_ref_info *r = cc_ref_lookup(text);
    *why = NULL;
    if (!r || !r->prefix)
        return r != NULL;
    const char *rest = text + strlen(r->path);
    if (!*rest)
        *why = "a name must follow the prefix";
    else if (strchr(rest, ' '))
        *why = "a name in a reference cannot hold spaces";
    else if (r->last) {
        const char *dot = strrchr(rest, '.');
        if (!dot || dot == rest || !cc_branch_listed(r->last, dot + 1))
            *why = "a reference is read as $.References.<name>.Value or .Type";
    }
    return *why == NULL;
}

/* The known reference closest to text, for a hint. */
static const char *ref_hint(const char *text)
{
    const char *paths[96];
    const char *best = cc_closest(text, paths, cc_ref_paths(false, paths, CC_ARRAY_LEN(paths)));
    if (best)
        return best;
    const char *dot = strchr(text + 2, '.');
    if (dot) {
        char head[64];
        size_t n = (size_t)(dot - text) + 1;
        if (n < sizeof head) {
            memcpy(head, text, n);
            head[n] = '\0';
            return cc_closest(head, paths, cc_ref_paths(true, paths, CC_ARRAY_LEN(paths)));
        }
    }
    return NULL;
}

/* ---- helpers ---- */

typedef struct {
    cc_bundle *b;
    cc_diags *ds;
    uint32_t file;
    cc_flow *flow;
    const cc_node *block_value; /* the kind's value of the block being lowered */
} lowerer;

static bool is_scalar(const cc_node *n) { return n && n->type == CC_NODE_SCALAR; }

static void wrong_type(lowerer *L, const cc_node *n, const char *what, const char *expected)
{
    cc_report(L->ds, CC_E106, n->loc, "%s must be %s, not %s", what, expected, cc_node_type_name(n));
}

/* A list of names split on '|', in a static buffer of pointers (for hints). */
typedef struct {
    char buf[512];
    const char *names[48];
    size_t n;
} name_list;

static void split_names(name_list *nl, const char *spec)
{
    nl->n = 0;
    snprintf(nl->buf, sizeof nl->buf, "%s", spec ? spec : "");
    char *save = NULL;
    for (char *t = strtok_r(nl->buf, "|", &save); t && nl->n < CC_ARRAY_LEN(nl->names);
         t = strtok_r(NULL, "|", &save))
        nl->names[nl->n++] = t;
}

/* Whether word is one of the "|"-separated names of spec (without copying: this runs per value). */
static bool names_contain(const char *spec, const char *word)
{
    size_t n = strlen(word);
    for (const char *p = spec ? spec : ""; *p;) {
        size_t len = strcspn(p, "|");
        if (len == n && !memcmp(p, word, n))
            return true;
        p += len + (p[len] == '|');
    }
    return false;
}

static void join_names(char *out, size_t n, const char *const *names, size_t count)
{
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < count && used < n; i++)
        used += (size_t)snprintf(out + used, n - used, "%s'%s'", i ? (i + 1 == count ? " or " : ", ") : "",
                                 names[i]);
}

static void add_hint(cc_diag *d, const cc_node *at, const char *word, const char *const *cands, size_t n)
{
    const char *best = cc_closest(word, cands, n);
    if (best)
        cc_note_add(d, at->loc, "did you mean '%s'?", best);
}

static bool parse_int(const char *s, int64_t *out)
{
    if (!*s)
        return false;
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (*end || errno)
        return false;
    *out = v;
    return true;
}

/* An optionally signed run of digits: a whole number, however large. */
static bool digits_only(const char *s)
{
    if (*s == '-' || *s == '+')
        s++;
    if (!*s)
        return false;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return false;
    return true;
}

/* A well-formed duration whose number is too large to represent. */
static bool duration_overflows(const char *s)
{
    int64_t ms;
    if (cc_parse_duration(s, &ms))
        return false;
    const char *p = s + (*s == '-' || *s == '+');
    size_t n = strspn(p, "0123456789");
    return n > 0 && (!strcmp(p + n, "ms") || !strcmp(p + n, "s") || !strcmp(p + n, "m") || !strcmp(p + n, "h") ||
                     !strcmp(p + n, "d"));
}

static bool parse_number(const char *s)
{
    if (!*s)
        return false;
    char *end;
    (void)strtod(s, &end);
    return *end == '\0';
}

static void format_range_value(char *out, size_t n, cc_param_type t, int64_t v)
{
    if (t == CC_PT_DURATION)
        cc_format_duration(out, n, v);
    else
        snprintf(out, n, "%lld", (long long)v);
}

/* Checks a $. reference and reports a bad one. */
static bool check_ref(lowerer *L, const cc_node *n)
{
    const char *why = NULL;
    if (cc_ref_valid(n->text, &why))
        return true;
    cc_diag *d = why ? cc_report(L->ds, CC_E115, n->loc, "bad reference '%s': %s", n->text, why)
                     : cc_report(L->ds, CC_E115, n->loc, "unknown reference '%s'", n->text);
    const char *hint = why ? NULL : ref_hint(n->text);
    if (hint && hint[strlen(hint) - 1] == '.') /* a namespace prefix: complete it with what was written after */
        cc_note_add(d, n->loc, "did you mean '%s%s'?", hint, strchr(n->text + 2, '.') + 1);
    else if (hint)
        cc_note_add(d, n->loc, "did you mean '%s'?", hint);
    return false;
}

/* A value that is one $. reference. Text that starts with one and goes on ("$.Attributes.first
 * $.Attributes.last, welcome") is a template, which Connect allows where text is free: it is text. */
static bool is_ref_text(const cc_node *n)
{
    return is_scalar(n) && strncmp(n->text, "$.", 2) == 0 && !strpbrk(n->text, " \t\n,;!?");
}

/* ---- parameters ---- */

static void check_scalar_map(lowerer *L, const cc_node *v, const char *what, const char *name)
{
    if (v->type != CC_NODE_MAP) {
        wrong_type(L, v, what, "a mapping of names to values");
        return;
    }
    for (uint32_t i = 0; i < v->count; i++) {
        cc_node *k = v->pairs[i].key, *val = v->pairs[i].value;
        if (!is_scalar(k)) {
            wrong_type(L, k, "a key", "a name");
            continue;
        }
        if (!k->len) {
            cc_report(L->ds, CC_E106, k->loc, "a key of '%s' cannot be empty", name);
            continue;
        }
        if (!is_scalar(val)) {
            char vwhat[160];
            snprintf(vwhat, sizeof vwhat, "the value of '%s' in '%s'", k->text, name);
            wrong_type(L, val, vwhat, "text, a number or a $. reference");
        }
        else if (is_ref_text(val))
            check_ref(L, val);
    }
}

static void check_cases(lowerer *L, cc_block *blk, const cc_param_spec *ps, const cc_node *v)
{
    if (v->type != CC_NODE_LIST) {
        wrong_type(L, v, "cases", "a list of { OPERATOR: value, next: block }");
        return;
    }
    name_list ops;
    split_names(&ops, ps->values);
    /* a metric compared with numbers: `equals` compares numbers too */
    bool numbers_only = names_contain(ps->values, "greater_than") && !names_contain(ps->values, "contains");
    blk->cases = cc_arena_alloc(&L->b->arena, v->count * sizeof *blk->cases);
    for (uint32_t i = 0; i < v->count; i++) {
        cc_node *item = v->items[i];
        if (item->type != CC_NODE_MAP) {
            char example[128];
            snprintf(example, sizeof example, "a mapping such as { %s: ..., next: block }", ops.names[0]);
            wrong_type(L, item, "a case", example);
            continue;
        }
        cc_case *c = &blk->cases[blk->ncases];
        memset(c, 0, sizeof *c);
        c->loc = item->loc;
        c->to = CC_NO_BLOCK;
        bool ok = true;
        for (uint32_t j = 0; j < item->count; j++) {
            cc_node *k = item->pairs[j].key, *val = item->pairs[j].value;
            if (!is_scalar(k))
                continue;
            if (strcmp(k->text, "next") == 0) {
                if (!is_scalar(val) || cc_node_is_null(val)) {
                    wrong_type(L, val, "a case's 'next'", "a block id");
                    continue;
                }
                c->target = val->text;
                c->target_loc = val->loc;
                continue;
            }
            if (!names_contain(ps->values, k->text)) {
                cc_diag *d;
                if (c->op)
                    d = cc_report(L->ds, CC_E104, k->loc, "unknown key '%s' in a case of '%s'", k->text,
                                  blk->spec->kind);
                else {
                    char list[256];
                    join_names(list, sizeof list, ops.names, ops.n);
                    d = cc_report(L->ds, CC_E104, k->loc, "unknown operator '%s' in a case of '%s'; expected %s",
                                  k->text, blk->spec->kind, list);
                }
                const char *cands[50];
                size_t nc = 0;
                for (size_t m = 0; m < ops.n; m++)
                    cands[nc++] = ops.names[m];
                cands[nc++] = "next";
                add_hint(d, k, k->text, cands, nc);
                ok = false;
                continue;
            }
            if (c->op) {
                cc_diag *d = cc_report(L->ds, CC_E116, k->loc, "a case holds one operator; '%s' follows '%s'",
                                       k->text, c->op);
                cc_note_add(d, c->op_loc, "first operator here");
                ok = false;
                continue;
            }
            c->op = k->text;
            c->op_loc = k->loc;
            c->operand = val;
            const cc_case_op *co = cc_case_op_by_name(c->op); /* the kind's `values` are all in the table */
            bool numeric = (co && co->numeric) || numbers_only;
            if (!is_scalar(val)) {
                wrong_type(L, val, "an operand", numeric ? "a number" : "text or a number");
                ok = false;
            } else if (co && co->code == CC_CASE_PERCENT) {
                int64_t p;
                if (!val->plain || !parse_int(val->text, &p)) {
                    cc_report(L->ds, CC_E106, val->loc, "a percentage is a whole number from 1 to 100, not '%s'",
                              val->text);
                    ok = false;
                } else if (p < 1 || p > 100) {
                    cc_report(L->ds, CC_E107, val->loc, "percentage %lld is out of range 1..100", (long long)p);
                    ok = false;
                } else
                    c->num = p;
            } else if (numeric && !is_ref_text(val)) {
                if (!parse_number(val->text)) {
                    wrong_type(L, val, "the operand", "a number");
                    ok = false;
                } else
                    c->num = (int64_t)strtod(val->text, NULL);
            } else if (is_ref_text(val) && !check_ref(L, val))
                ok = false;
            /* get_customer_input's own rule: without a bot its options are single keys */
            else if (!strcmp(blk->spec->kind, "get_customer_input") && !cc_node_get(L->block_value, "lex_bot") && !cc_node_get(L->block_value, "lex_v1_bot") &&
                     (val->len != 1 || !strchr("0123456789*#", val->text[0]))) {
                cc_report(L->ds, CC_E108, val->loc, "an option of 'get_customer_input' is one key: 0-9, * or #, not '%s'",
                          val->text);
                ok = false;
            }
        }
        if (!c->op && ok) {
            char list[256];
            join_names(list, sizeof list, ops.names, ops.n);
            cc_report(L->ds, CC_E105, item->loc, "a case of '%s' needs an operator: %s", blk->spec->kind, list);
        }
        if (c->op)
            blk->ncases++;
    }
}

/* Percentages of a distribution add up to at most 100; the rest goes to `default`. */
static void check_percent_sum(lowerer *L, const cc_block *blk, const cc_node *v)
{
    int64_t sum = 0;
    for (uint32_t i = 0; i < blk->ncases; i++)
        if (!strcmp(blk->cases[i].op, "percent"))
            sum += blk->cases[i].num;
    if (sum > 100)
        cc_report(L->ds, CC_E119, blk->kind_loc.line ? blk->kind_loc : v->loc, "the percentages of '%s' add up to %lld; they may add up to at most 100",
                  blk->spec->kind, (long long)sum);
}

static void check_prompts(lowerer *L, const cc_node *v)
{
    if (v->type == CC_NODE_LIST && v->count == 0) {
        cc_report(L->ds, CC_E105, v->loc, "'prompts' needs at least one prompt { text: ... }");
        return;
    }
    if (v->type != CC_NODE_LIST) {
        wrong_type(L, v, "prompts", "a list of { text: ... }");
        return;
    }
    for (uint32_t i = 0; i < v->count; i++) {
        cc_node *item = v->items[i];
        if (item->type != CC_NODE_MAP) {
            wrong_type(L, item, "a prompt", "a mapping { text: ... }");
            continue;
        }
        bool has_text = false;
        for (uint32_t j = 0; j < item->count; j++) {
            cc_node *k = item->pairs[j].key;
            if (is_scalar(k) && (!strcmp(k->text, "text") || !strcmp(k->text, "ssml") || !strcmp(k->text, "prompt"))) {
                has_text = true;
                cc_node *t = item->pairs[j].value;
                if (!is_scalar(t))
                    wrong_type(L, t, "a prompt's text", "text");
                else if (is_ref_text(t))
                    check_ref(L, t);
            } else {
                cc_diag *d = cc_report(L->ds, CC_E104, k->loc, "unknown key '%s' in a prompt; expected 'text', 'ssml' or 'prompt'",
                                       is_scalar(k) ? k->text : "?");
                (void)d;
            }
        }
        if (!has_text)
            cc_report(L->ds, CC_E105, item->loc, "a prompt needs 'text'");
    }
}

static void check_references(lowerer *L, const cc_node *v)
{
    static const char *const types[] = {"URL", "NUMBER", "STRING", "DATE", "EMAIL"};
    if (v->type != CC_NODE_MAP) {
        wrong_type(L, v, "references", "a mapping of names to { type, value }");
        return;
    }
    for (uint32_t i = 0; i < v->count; i++) {
        cc_node *val = v->pairs[i].value;
        if (val->type != CC_NODE_MAP) {
            wrong_type(L, val, "a reference", "a mapping { type: URL|NUMBER|STRING|DATE|EMAIL, value: ... }");
            continue;
        }
        cc_node *type = NULL, *value = NULL;
        for (uint32_t j = 0; j < val->count; j++) {
            cc_node *k = val->pairs[j].key;
            if (!is_scalar(k))
                continue;
            if (strcmp(k->text, "type") == 0)
                type = val->pairs[j].value;
            else if (strcmp(k->text, "value") == 0)
                value = val->pairs[j].value;
            else {
                cc_diag *d = cc_report(L->ds, CC_E104, k->loc,
                                       "unknown key '%s' in a reference; expected 'type' or 'value'", k->text);
                static const char *const keys[] = {"type", "value"};
                add_hint(d, k, k->text, keys, 2);
            }
        }
        if (!type)
            cc_report(L->ds, CC_E105, val->loc, "a reference needs 'type' (URL, NUMBER, STRING, DATE or EMAIL)");
        else if (!is_scalar(type))
            wrong_type(L, type, "a reference's type", "URL, NUMBER, STRING, DATE or EMAIL");
        else {
            size_t k;
            for (k = 0; k < CC_ARRAY_LEN(types) && strcmp(types[k], type->text) != 0; k++)
                ;
            if (k == CC_ARRAY_LEN(types)) {
                cc_diag *d = cc_report(L->ds, CC_E108, type->loc,
                                       strcmp(type->text, "ATTACHMENT") == 0
                                           ? "reference type '%s' cannot be given when a task is created; "
                                             "expected URL, NUMBER, STRING, DATE or EMAIL"
                                           : "unknown reference type '%s'; expected URL, NUMBER, STRING, DATE or EMAIL",
                                       type->text);
                add_hint(d, type, type->text, types, CC_ARRAY_LEN(types));
            }
        }
        if (!value)
            cc_report(L->ds, CC_E105, val->loc, "a reference needs 'value'");
        else if (!is_scalar(value))
            wrong_type(L, value, "a reference's value", "text or a $. reference");
        else if (is_ref_text(value))
            check_ref(L, value);
    }
}

/* Validates one parameter value against its spec and fills p. */
static bool lower_param(lowerer *L, cc_block *blk, const cc_param_spec *ps, cc_node *v, cc_param *p)
{
    p->spec = ps;
    p->value = v;
    /* the name used in messages, made only when a message needs it */
    char what_buf[96] = "";
#define what (what_buf[0] ? what_buf : (snprintf(what_buf, sizeof what_buf, "'%s' of '%s'", ps->name, blk->spec->kind), what_buf))

    switch (ps->type) {
    case CC_PT_MAP:
        check_scalar_map(L, v, what, ps->name);
        return true;
    case CC_PT_CASES:
        check_cases(L, blk, ps, v);
        check_percent_sum(L, blk, v);
        return true;
    case CC_PT_PROMPTS:
        check_prompts(L, v);
        return true;
    case CC_PT_REFERENCES:
        check_references(L, v);
        return true;
    case CC_PT_JSON:
        return true;
    default:
        break;
    }

    if ((!is_scalar(v) || cc_node_is_null(v)) && ps->type == CC_PT_ENUM) {
        name_list nl;
        split_names(&nl, ps->values);
        char list[256];
        join_names(list, sizeof list, nl.names, nl.n);
        cc_report(L->ds, CC_E106, v->loc, "%s must be one of %s, not %s", what, list, cc_node_type_name(v));
        return false;
    }
    if (!is_scalar(v) || cc_node_is_null(v)) {
        static const char *const expected[] = {
            [CC_PT_TEXT] = "text", [CC_PT_INT] = "a whole number", [CC_PT_DURATION] = "a duration such as 90s, 10m or 2h",
            [CC_PT_BOOL] = "true or false", [CC_PT_ENUM] = "one of its choices", [CC_PT_QUEUE] = "a queue name",
            [CC_PT_FLOW] = "a flow name", [CC_PT_HOURS] = "an hours-of-operation name",
            [CC_PT_TEMPLATE] = "a task template name", [CC_PT_FUNCTION] = "a function name",
            [CC_PT_VALUE] = "text, a number or a $. reference", [CC_PT_REF] = "a $. reference"};
        wrong_type(L, v, what, expected[ps->type]);
        return false;
    }

    if (is_ref_text(v)) {
        if (ps->type == CC_PT_REF || ps->type == CC_PT_VALUE || ps->type == CC_PT_TEXT || (ps->flags & CC_PF_REF)) {
            p->is_ref = true;
            return check_ref(L, v);
        }
        cc_report(L->ds, CC_E106, v->loc, "%s must be written literally; a $. reference is not accepted here", what);
        return false;
    }

    switch (ps->type) {
    case CC_PT_REF:
        cc_report(L->ds, CC_E106, v->loc, "%s must be a $. reference such as $.Channel or $.Attributes.tier, not '%s'",
                  what, v->text);
        return false;
    case CC_PT_INT:
        if (v->plain && digits_only(v->text) && !parse_int(v->text, &p->num)) {
            cc_report(L->ds, CC_E107, v->loc, "%s is %s, far out of range", what, v->text);
            return false;
        }
        if (!v->plain || !parse_int(v->text, &p->num)) {
            cc_report(L->ds, CC_E106, v->loc, "%s must be a whole number, not '%s'", what, v->text);
            return false;
        }
        break;
    case CC_PT_DURATION:
        if (duration_overflows(v->text)) {
            cc_report(L->ds, CC_E107, v->loc, "%s is %s, far out of range", what, v->text);
            return false;
        }
        if (!parse_int(v->text, &p->num) ? !cc_parse_duration(v->text, &p->num) : true) {
            int64_t bare;
            if (parse_int(v->text, &bare))
                cc_report(L->ds, CC_E106, v->loc, "%s needs a unit: write %llds, %lldm...", what, (long long)bare,
                          (long long)bare);
            else
                cc_report(L->ds, CC_E106, v->loc, "%s must be a duration such as 250ms, 90s, 10m, 2h or 7d, not '%s'",
                          what, v->text);
            return false;
        }
        break;
    case CC_PT_BOOL:
        if (!v->plain || (strcmp(v->text, "true") != 0 && strcmp(v->text, "false") != 0)) {
            cc_report(L->ds, CC_E106, v->loc, "%s must be true or false, not '%s'", what, v->text);
            return false;
        }
        p->num = strcmp(v->text, "true") == 0;
        break;
    case CC_PT_ENUM:
        if (!names_contain(ps->values, v->text)) {
            name_list nl;
            split_names(&nl, ps->values);
            char list[256];
            join_names(list, sizeof list, nl.names, nl.n);
            cc_diag *d = cc_report(L->ds, CC_E108, v->loc, "%s cannot be '%s'; expected %s", what, v->text, list);
            add_hint(d, v, v->text, nl.names, nl.n);
            return false;
        }
        break;
    case CC_PT_QUEUE:
    case CC_PT_FLOW:
    case CC_PT_HOURS:
    case CC_PT_TEMPLATE:
    case CC_PT_FUNCTION:
        if (!v->len) {
            cc_report(L->ds, CC_E106, v->loc, "%s must be a non-empty name", what);
            return false;
        }
        if (ps->type == CC_PT_FUNCTION && !strncmp(v->text, "ccflow:", 7) && !cc_builtin_lookup(v->text)) {
            const char *names[64];
            size_t nb = 0;
            for (size_t i = 0; i < cc_builtin_count && nb < CC_ARRAY_LEN(names); i++)
                names[nb++] = cc_builtins[i].name;
            cc_diag *d = cc_report(L->ds, CC_E108, v->loc,
                                   "no built-in function '%s'; the built-ins are listed in docs/builtins.md", v->text);
            add_hint(d, v, v->text, names, nb);
            return false;
        }
        break;
    default:
        break;
    }
    if ((ps->type == CC_PT_INT || ps->type == CC_PT_DURATION) && (p->num < ps->min || p->num > ps->max)) {
        char lo[32], hi[32];
        format_range_value(lo, sizeof lo, ps->type, ps->min);
        format_range_value(hi, sizeof hi, ps->type, ps->max);
        if (ps->max == INT64_MAX)
            cc_report(L->ds, CC_E107, v->loc, "%s is %s; it must be at least %s", what, v->text, lo);
        else
            cc_report(L->ds, CC_E107, v->loc, "%s is %s, out of range %s..%s", what, v->text, lo, hi);
        return false;
    }
    return true;
}

#undef what

static void check_exclusive(lowerer *L, cc_block *blk)
{
    const char *ex = blk->spec->exclusive;
    if (!ex || !*ex)
        return;
    char buf[256];
    snprintf(buf, sizeof buf, "%s", ex);
    char *save = NULL;
    for (char *group = strtok_r(buf, ";", &save); group; group = strtok_r(NULL, ";", &save)) {
        bool exactly = *group == '!';
        name_list nl;
        split_names(&nl, group + exactly);
        const cc_param *given[8];
        size_t ng = 0;
        for (size_t i = 0; i < nl.n; i++)
            for (uint32_t j = 0; j < blk->nparams; j++)
                if (strcmp(blk->params[j].spec->name, nl.names[i]) == 0 && ng < CC_ARRAY_LEN(given))
                    given[ng++] = &blk->params[j];
        char list[256];
        join_names(list, sizeof list, nl.names, nl.n);
        if (ng > 1) {
            cc_diag *d = cc_report(L->ds, CC_E116, given[1]->key_loc, "'%s' takes only one of %s", blk->spec->kind, list);
            cc_note_add(d, given[0]->key_loc, "'%s' is given here", given[0]->spec->name);
        } else if (exactly && ng == 0)
            cc_report(L->ds, CC_E116, blk->kind_loc, "'%s' needs one of %s", blk->spec->kind, list);
    }
}

static void lower_block_value(lowerer *L, cc_block *blk, cc_node *kind_key, cc_node *v)
{
    L->block_value = v;
    const cc_block_spec *bs = blk->spec;
    size_t nspec = 0;
    while (bs->params[nspec].name)
        nspec++;
    blk->params = cc_arena_alloc(&L->b->arena, (nspec ? nspec : 1) * sizeof *blk->params);

    const cc_param_spec *whole = NULL, *shorthand = NULL;
    for (size_t i = 0; i < nspec; i++) {
        if (bs->params[i].flags & CC_PF_WHOLE)
            whole = &bs->params[i];
        if (bs->params[i].flags & CC_PF_SCALAR)
            shorthand = &bs->params[i];
    }

    if (whole) {
        cc_param *p = &blk->params[blk->nparams++];
        p->key_loc = kind_key->loc;
        p->spec = whole;
        p->value = v;
        if (cc_node_is_null(v)) {
            cc_report(L->ds, CC_E105, kind_key->loc, "'%s' needs a mapping of %s", bs->kind, whole->name);
            p->invalid = true;
        } else if (v->type == CC_NODE_MAP && v->count == 0) {
            cc_report(L->ds, CC_E105, v->loc, "'%s' needs at least one entry in its mapping of %s", bs->kind,
                      whole->name);
            p->invalid = true;
        } else
            p->invalid = !lower_param(L, blk, whole, v, p);
    } else if (v->type == CC_NODE_MAP) {
        for (uint32_t i = 0; i < v->count; i++) {
            cc_node *k = v->pairs[i].key;
            if (!is_scalar(k) || cc_node_dup_of(k))
                continue;
            const cc_param_spec *ps = cc_param_lookup(bs, k->text);
            if (!ps) {
                cc_diag *d;
                if (!nspec)
                    d = cc_report(L->ds, CC_E104, k->loc, "'%s' takes no parameters; write '%s: {}'", bs->kind, bs->kind);
                else
                    d = cc_report(L->ds, CC_E104, k->loc, "unknown parameter '%s' of '%s'", k->text, bs->kind);
                const char *cands[32];
                size_t nc = 0;
                for (size_t j = 0; j < nspec && nc < CC_ARRAY_LEN(cands); j++)
                    cands[nc++] = bs->params[j].name;
                add_hint(d, k, k->text, cands, nc);
                continue;
            }
            cc_param *p = &blk->params[blk->nparams++];
            p->key_loc = k->loc;
            p->invalid = !lower_param(L, blk, ps, v->pairs[i].value, p);
        }
    } else if (cc_node_is_null(v)) {
        /* `disconnect:` with nothing after it reads as `disconnect: {}` */
    } else if (shorthand) {
        cc_param *p = &blk->params[blk->nparams++];
        p->key_loc = kind_key->loc;
        p->invalid = !lower_param(L, blk, shorthand, v, p);
    } else if (nspec) {
        char what[96];
        snprintf(what, sizeof what, "the parameters of '%s'", bs->kind);
        wrong_type(L, v, what, "a mapping such as { name: value }");
        return; /* nothing more can be said about parameters that were not written as a mapping */
    } else {
        cc_report(L->ds, CC_E106, v->loc, "'%s' takes no parameters; write '%s: {}'", bs->kind, bs->kind);
        return;
    }

    for (size_t i = 0; i < nspec; i++) {
        if (!(bs->params[i].flags & CC_PF_REQUIRED))
            continue;
        uint32_t j;
        for (j = 0; j < blk->nparams && blk->params[j].spec != &bs->params[i]; j++)
            ;
        if (j == blk->nparams)
            cc_report(L->ds, CC_E105, kind_key->loc, "'%s' needs parameter '%s'", bs->kind, bs->params[i].name);
    }
    check_exclusive(L, blk);
}

static void add_branch(lowerer *L, cc_block *blk, cc_node *name, cc_node *target, int index)
{
    if (!is_scalar(target) || cc_node_is_null(target) || !target->len) {
        wrong_type(L, target, "a branch target", "a block id");
        return;
    }
    for (uint32_t i = 0; i < blk->nbranches; i++)
        if (strcmp(blk->branches[i].name, name->text) == 0) {
            cc_diag *d = cc_report(L->ds, CC_E103, name->loc, "branch '%s' is given twice", name->text);
            cc_note_add(d, blk->branches[i].name_loc, "first given here");
            return;
        }
    cc_branch *br = &blk->branches[blk->nbranches++];
    br->name = name->text;
    br->index = index;
    br->name_loc = name->loc;
    br->target = target->text;
    br->target_loc = target->loc;
    br->to = CC_NO_BLOCK;
}

static void lower_branches(lowerer *L, cc_block *blk, cc_node *next_key, cc_node *next, cc_node *on)
{
    uint32_t cap = 1 + (on && on->type == CC_NODE_MAP ? on->count : 0);
    blk->branches = cc_arena_alloc(&L->b->arena, cap * sizeof *blk->branches);
    if (next)
        add_branch(L, blk, next_key, next, -1);
    if (!on)
        return;
    if (on->type != CC_NODE_MAP) {
        wrong_type(L, on, "'on'", "a mapping of branch names to block ids");
        return;
    }
    for (uint32_t i = 0; i < on->count; i++) {
        cc_node *k = on->pairs[i].key;
        if (!is_scalar(k) || cc_node_dup_of(k))
            continue;
        int idx = blk->spec ? cc_branch_index(blk->spec, k->text) : -1;
        if (blk->spec && (idx == -2 || strcmp(k->text, "cases") == 0)) {
            name_list nl;
            split_names(&nl, blk->spec->branches);
            const char *names[50];
            size_t n = 0;
            for (size_t j = 0; j < nl.n; j++)
                if (strcmp(nl.names[j], "cases") != 0)
                    names[n++] = nl.names[j];
            char list[256];
            join_names(list, sizeof list, names, n);
            cc_diag *d = n ? cc_report(L->ds, CC_E111, k->loc, "'%s' has no branch '%s'; its branches are %s",
                                       blk->spec->kind, k->text, list)
                           : cc_report(L->ds, CC_E111, k->loc, "'%s' has no branch '%s'", blk->spec->kind, k->text);
            if (strcmp(k->text, "cases") == 0 || cc_block_has_cases(blk->spec))
                cc_note_add(d, k->loc, "a case's target is its own 'next', inside the case");
            add_hint(d, k, k->text, names, n);
            continue;
        }
        add_branch(L, blk, k, on->pairs[i].value, idx);
    }
}

/* Identifiers Amazon Connect refuses outright (they collide with JavaScript object members). */
static const char *const reserved_ids[] = {"__proto__", "constructor", "__defineGetter__", "__defineSetter__",
                                           "toString", "hasOwnProperty", "isPrototypeOf", "propertyIsEnumerable",
                                           "toLocaleString", "valueOf"};

static bool id_valid(const char *id, char *bad)
{
    for (const char *p = id; *p; p++)
        if (strchr("%:()\\/=$,;[]{}", *p)) {
            *bad = *p;
            return false;
        }
    return true;
}

static bool is_reserved_id(const char *id)
{
    for (size_t i = 0; i < CC_ARRAY_LEN(reserved_ids); i++)
        if (strcmp(id, reserved_ids[i]) == 0)
            return true;
    return false;
}

static void lower_block(lowerer *L, cc_block *blk, cc_node *idn, cc_node *v)
{
    blk->id = idn->text;
    blk->id_loc = idn->loc;
    char bad;
    if (strlen(idn->text) > 50)
        cc_report(L->ds, CC_E112, idn->loc, "block id '%.20s...' is %zu characters long; ids have at most 50",
                  idn->text, strlen(idn->text));
    else if (!idn->len)
        cc_report(L->ds, CC_E112, idn->loc, "a block id cannot be empty");
    else if (is_reserved_id(idn->text))
        cc_report(L->ds, CC_E112, idn->loc, "block id '%s' is reserved; Amazon Connect refuses it as an identifier",
                  idn->text);
    else if (!id_valid(idn->text, &bad))
        cc_report(L->ds, CC_E112, idn->loc, "block id '%s' holds '%c'; ids cannot hold %% : ( \\ / ) = $ , ; [ ] { }",
                  idn->text, bad);

    if (v->type != CC_NODE_MAP) {
        wrong_type(L, v, "a block", "a mapping with one kind key, such as 'wait: 1m'");
        return;
    }
    cc_node *kind_key = NULL, *kind_val = NULL, *next = NULL, *next_key = NULL, *on = NULL;
    const cc_block_spec *spec = NULL;
    CC_VEC(cc_node *) unknown = {0};
    for (uint32_t i = 0; i < v->count; i++) {
        cc_node *k = v->pairs[i].key;
        if (!is_scalar(k)) {
            wrong_type(L, k, "a key", "a name");
            continue;
        }
        if (cc_node_dup_of(k))
            continue;
        const cc_block_spec *ks;
        if (strcmp(k->text, "next") == 0) {
            next = v->pairs[i].value;
            next_key = k;
        } else if (strcmp(k->text, "on") == 0)
            on = v->pairs[i].value;
        else if ((ks = cc_block_lookup(k->text))) {
            if (kind_key) {
                cc_diag *d = cc_report(L->ds, CC_E110, k->loc, "block '%s' has a second kind '%s'; a block has exactly one",
                                       blk->id, k->text);
                cc_note_add(d, kind_key->loc, "its kind is '%s'", kind_key->text);
                continue;
            }
            kind_key = k;
            kind_val = v->pairs[i].value;
            spec = ks;
        } else
            cc_vec_push(&unknown, k);
    }
    const char *kinds[128];
    size_t nk = 0;
    for (int i = 0; unknown.len && i < cc_block_count && nk < CC_ARRAY_LEN(kinds); i++)
        kinds[nk++] = cc_blocks[i].kind;
    for (size_t i = 0; i < unknown.len; i++) {
        cc_node *k = unknown.items[i];
        cc_diag *d;
        if (!kind_key && i == 0) {
            d = cc_report(L->ds, CC_E109, k->loc, "unknown block kind '%s'", k->text);
            add_hint(d, k, k->text, kinds, nk);
            kind_key = k; /* reported; the block stays without a spec */
        } else {
            d = cc_report(L->ds, CC_E104, k->loc, "unknown key '%s' in block '%s'; a block holds its kind, 'next' and 'on'",
                          k->text, blk->id);
            static const char *const keys[] = {"next", "on"};
            const char *best = cc_closest(k->text, keys, 2);
            if (best)
                cc_note_add(d, k->loc, "did you mean '%s'?", best);
            else if (kind_key && kind_val && cc_block_lookup(kind_key->text) &&
                     cc_param_lookup(cc_block_lookup(kind_key->text), k->text))
                cc_note_add(d, k->loc, "'%s' is a parameter of '%s': put it inside '%s: { ... }'", k->text,
                            kind_key->text, kind_key->text);
        }
    }
    cc_vec_free(&unknown);
    if (!kind_key) {
        cc_report(L->ds, CC_E110, idn->loc, "block '%s' has no kind; give it one such as 'wait: 1m' or 'disconnect: {}'",
                  blk->id);
    } else {
        blk->kind_loc = kind_key->loc;
        blk->spec = spec;
        if (blk->spec)
            lower_block_value(L, blk, kind_key, kind_val);
    }
    lower_branches(L, blk, next_key, next, on);
}

static const char *const top_keys[] = {"flow", "type", "channels", "start", "description", "blocks", "connect"};

cc_flow *cc_flow_from_doc(cc_bundle *b, uint32_t file, const cc_node *root)
{
    lowerer L = {.b = b, .ds = b->ds, .file = file};
    if (root->type != CC_NODE_MAP) {
        wrong_type(&L, root, "a flow file", "a mapping with 'flow:', 'type:' and 'blocks:'");
        return NULL;
    }
    cc_flow *f = cc_arena_alloc(&b->arena, sizeof *f);
    L.flow = f;
    f->file = file;
    f->type = -1;
    f->start_index = CC_NO_BLOCK;
    cc_node *blocks = NULL, *channels = NULL;
    for (uint32_t i = 0; i < root->count; i++) {
        cc_node *k = root->pairs[i].key, *v = root->pairs[i].value;
        if (!is_scalar(k) || cc_node_dup_of(k))
            continue;
        if (strcmp(k->text, "flow") == 0) {
            if (!is_scalar(v) || cc_node_is_null(v) || !v->len)
                wrong_type(&L, v, "'flow'", "the flow's name");
            else {
                f->name = v->text;
                f->name_loc = v->loc;
            }
        } else if (strcmp(k->text, "type") == 0) {
            f->type_loc = v->loc;
            if (!is_scalar(v))
                wrong_type(&L, v, "'type'", "a flow type");
            else if ((f->type = cc_flow_type_lookup(v->text)) < 0) {
                const char *names[CC_FT_COUNT];
                for (int t = 0; t < CC_FT_COUNT; t++)
                    names[t] = cc_flow_types[t].name;
                char list[400];
                join_names(list, sizeof list, names, CC_FT_COUNT);
                cc_diag *d = cc_report(L.ds, CC_E108, v->loc, "unknown flow type '%s'; expected %s", v->text, list);
                add_hint(d, v, v->text, names, CC_FT_COUNT);
            }
        } else if (strcmp(k->text, "channels") == 0) {
            channels = v;
        } else if (strcmp(k->text, "start") == 0) {
            if (!is_scalar(v) || cc_node_is_null(v))
                wrong_type(&L, v, "'start'", "a block id");
            else {
                f->start = v->text;
                f->start_loc = v->loc;
            }
        } else if (strcmp(k->text, "description") == 0) {
            if (!is_scalar(v))
                wrong_type(&L, v, "'description'", "text");
            else if (!cc_node_is_null(v))
                f->description = v->text;
        } else if (strcmp(k->text, "blocks") == 0) {
            blocks = v;
        } else if (strcmp(k->text, "connect") == 0) {
            if (v->type != CC_NODE_MAP)
                wrong_type(&L, v, "'connect'", "a mapping (the flow's Amazon Connect identifiers and layout)");
            else
                f->connect = v;
        } else {
            cc_diag *d = cc_report(L.ds, CC_E104, k->loc, "unknown key '%s' in a flow", k->text);
            add_hint(d, k, k->text, top_keys, CC_ARRAY_LEN(top_keys));
        }
    }
    cc_loc head = root->count ? root->pairs[0].key->loc : root->loc;
    if (!cc_node_get(root, "flow"))
        cc_report(L.ds, CC_E105, head, "the flow has no name; add 'flow: NAME'");
    if (!cc_node_get(root, "type"))
        cc_report(L.ds, CC_E105, head, "the flow has no type; add 'type: inbound' (or customer_queue, agent_whisper...)");
    if (!f->name) {
        /* keep going so that every problem of the file is reported, under a name nobody can reach */
        f->name = cc_arena_printf(&b->arena, "<unnamed flow %u>", file);
    }

    unsigned type_channels = f->type >= 0 ? cc_flow_types[f->type].channels : CC_CH_ALL;
    f->channels = type_channels;
    if (channels) {
        f->channels_loc = channels->loc;
        if (channels->type != CC_NODE_LIST || channels->count == 0) {
            wrong_type(&L, channels, "'channels'", "a non-empty list such as [task] or [voice, chat]");
        } else {
            f->channels_declared = true;
            f->channels = 0;
            for (uint32_t i = 0; i < channels->count; i++) {
                cc_node *c = channels->items[i];
                int ch = -1;
                for (int k = 0; k < CC_CH_COUNT && is_scalar(c); k++)
                    if (strcmp(c->text, cc_channel_name(k)) == 0 || strcmp(c->text, cc_channel_upper(k)) == 0)
                        ch = k;
                if (ch < 0) {
                    const char *names[CC_CH_COUNT];
                    for (int k = 0; k < CC_CH_COUNT; k++)
                        names[k] = cc_channel_name(k);
                    cc_diag *d = cc_report(L.ds, CC_E108, c->loc, "unknown channel '%s'; expected voice, chat, task or email",
                                           is_scalar(c) ? c->text : "?");
                    if (is_scalar(c))
                        add_hint(d, c, c->text, names, CC_CH_COUNT);
                    continue;
                }
                if (f->type >= 0 && !(type_channels & (1u << ch)))
                    cc_report(L.ds, CC_E303, c->loc, "a %s flow cannot carry %s contacts", cc_flow_types[f->type].name,
                              cc_channel_upper(ch));
                else
                    f->channels |= 1u << ch;
            }
        }
    }

    if (!blocks) {
        cc_report(L.ds, CC_E105, head, "the flow has no blocks; add 'blocks:' with at least one block");
        if (root->has_dups)
            cc_doc_report_duplicates(L.ds, root, NULL);
        return f;
    }
    if (root->has_dups)
        cc_doc_report_duplicates(L.ds, root, blocks);
    if (blocks->type == CC_NODE_MAP && blocks->count == 0) {
        cc_report(L.ds, CC_E105, blocks->loc, "the flow has no blocks; a flow needs at least one");
        return f;
    }
    if (blocks->type != CC_NODE_MAP) {
        wrong_type(&L, blocks, "'blocks'", "a non-empty mapping of block ids to blocks");
        return f;
    }
    f->blocks = cc_arena_alloc(&b->arena, blocks->count * sizeof *f->blocks);
    for (uint32_t i = 0; i < blocks->count; i++) {
        cc_node *idn = blocks->pairs[i].key;
        if (!is_scalar(idn)) {
            wrong_type(&L, idn, "a block id", "a name");
            continue;
        }
        if (cc_node_dup_of(idn))
            continue;
        lower_block(&L, &f->blocks[f->nblocks++], idn, blocks->pairs[i].value);
    }
    return f;
}
