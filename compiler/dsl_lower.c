/* dsl_lower.c — reads a DSL flow: runs the scanner and parser, then lowers the statement tree
 * into the document tree the YAML reader builds (flow, type, channels, start, blocks), resolving
 * fallthrough, bodies, if/switch/loop and goto into plain block-to-block branches. */
#include "catalog.h"
#include "dsl.h"
#include "dsl_parser.h"

#include <stdlib.h>
#include <string.h>

/* ---- statement tree ownership ---- */

void dsl_target_free(dsl_target *t)
{
    if (t->kind == DSL_TO_BODY)
        dsl_stmts_free(t->body);
    t->kind = DSL_TO_NONE;
    t->body = NULL;
}

void dsl_stmt_free(dsl_stmt *s)
{
    if (!s)
        return;
    dsl_target_free(&s->next);
    for (size_t i = 0; i < s->branches.len; i++)
        dsl_target_free(&s->branches.items[i].target);
    cc_vec_free(&s->branches);
    dsl_stmts_free(s->body);
    dsl_stmts_free(s->orelse);
    free(s);
}

void dsl_stmts_free(dsl_stmts *list)
{
    if (!list)
        return;
    for (size_t i = 0; i < list->len; i++)
        dsl_stmt_free(list->items[i]);
    cc_vec_free(list);
    free(list);
}

/* ---- building maps while lowering ---- */

/* A mapping under construction; finished into its node at the end. */
typedef struct map_builder {
    cc_node *node;
    CC_VEC(cc_pair) pairs;
    cc_map keys; /* for repeated-key marking once the mapping grows past a few keys */
} map_builder;

/* A branch waiting for the block it goes to: the `next` of a block, a named branch, or a case. */
typedef struct {
    map_builder *block;   /* the block's mapping (for next) */
    map_builder *on;      /* its `on` mapping (for a named branch), created on demand */
    map_builder *case_map; /* a case's mapping (for a case) */
    cc_node *name;        /* branch name for `on`, or the key "next" */
    cc_loc loc;
} pending_edge;

typedef CC_VEC(pending_edge) pending;

typedef struct {
    dsl_ctx *ctx;
    CC_VEC(map_builder *) builders;
    map_builder *blocks; /* the flow's `blocks` mapping */
    cc_map ids;          /* block ids used so far */
} lowerer;

static map_builder *new_builder(lowerer *L, cc_loc loc)
{
    map_builder *m = cc_xcalloc(1, sizeof *m);
    m->node = cc_arena_alloc(L->ctx->arena, sizeof *m->node);
    m->node->type = CC_NODE_MAP;
    m->node->loc = loc;
    cc_vec_push(&L->builders, m);
    return m;
}

static cc_node *text_node(lowerer *L, const char *text, cc_loc loc)
{
    cc_node *n = cc_arena_alloc(L->ctx->arena, sizeof *n);
    n->type = CC_NODE_SCALAR;
    n->plain = true;
    n->loc = loc;
    n->text = cc_arena_strdup(L->ctx->arena, text);
    n->len = strlen(text);
    return n;
}

static void put(map_builder *m, cc_node *key, cc_node *value)
{
    if (key->type == CC_NODE_SCALAR) {
        if (m->pairs.len < 8) {
            for (size_t i = 0; i < m->pairs.len; i++)
                if (m->pairs.items[i].key->type == CC_NODE_SCALAR && !strcmp(m->pairs.items[i].key->text, key->text)) {
                    key->dup_of = m->pairs.items[i].key;
                    break;
                }
        } else {
            if (!m->keys.len)
                for (size_t i = 0; i < m->pairs.len; i++)
                    if (m->pairs.items[i].key->type == CC_NODE_SCALAR)
                        cc_map_put(&m->keys, m->pairs.items[i].key->text, m->pairs.items[i].key);
            key->dup_of = cc_map_put(&m->keys, key->text, key);
        }
    }
    cc_pair p = {key, value};
    cc_vec_push(&m->pairs, p);
}

static void finish_builders(lowerer *L)
{
    for (size_t i = 0; i < L->builders.len; i++) {
        map_builder *m = L->builders.items[i];
        m->node->count = (uint32_t)m->pairs.len;
        m->node->pairs = cc_arena_alloc(L->ctx->arena, (m->pairs.len ? m->pairs.len : 1) * sizeof(cc_pair));
        if (m->pairs.len)
            memcpy(m->node->pairs, m->pairs.items, m->pairs.len * sizeof(cc_pair));
        cc_vec_free(&m->pairs);
        cc_map_free(&m->keys);
        free(m);
    }
    cc_vec_free(&L->builders);
}

/* Sends every pending edge to block `id`. */
static void resolve(lowerer *L, pending *p, const char *id, cc_loc loc)
{
    for (size_t i = 0; i < p->len; i++) {
        pending_edge *e = &p->items[i];
        cc_node *target = text_node(L, id, loc);
        if (e->case_map)
            put(e->case_map, text_node(L, "next", e->loc), target);
        else if (e->on)
            put(e->on, e->name, target);
        else
            put(e->block, text_node(L, "next", e->loc), target);
    }
    p->len = 0;
}

static void append(pending *to, pending *from)
{
    for (size_t i = 0; i < from->len; i++)
        cc_vec_push(to, from->items[i]);
    from->len = 0;
}

static bool valid_id_char(char c) { return !strchr("%:()\\/=$,;[]{}", c); }

/* The id of a statement's block: its label, or KIND_LINE (KIND_LINE_COL if that is taken). */
static const char *block_id(lowerer *L, const dsl_stmt *s, const char *kind)
{
    if (s->label)
        return s->label->text;
    char buf[128];
    snprintf(buf, sizeof buf, "%s_%u", kind, s->loc.line);
    if (cc_map_get(&L->ids, buf))
        snprintf(buf, sizeof buf, "%s_%u_%u", kind, s->loc.line, s->loc.col);
    for (char *c = buf; *c; c++)
        if (!valid_id_char(*c))
            *c = '_';
    return cc_arena_strdup(L->ctx->arena, buf);
}

/* Adds an empty block mapping under id to `blocks`. */
static map_builder *add_block(lowerer *L, const dsl_stmt *s, const char *id)
{
    cc_node *key = s->label ? s->label : text_node(L, id, s->kind_key ? s->kind_key->loc : s->loc);
    if (!s->label)
        key->text = id;
    map_builder *b = new_builder(L, s->loc);
    put(L->blocks, key, b->node);
    if (!key->dup_of)
        cc_map_put(&L->ids, id, b);
    return b;
}

typedef struct {
    map_builder *block;
    map_builder *on;
    cc_loc loc;
} block_ctx;

static map_builder *on_map(lowerer *L, block_ctx *bc)
{
    if (!bc->on) {
        bc->on = new_builder(L, bc->loc);
        put(bc->block, text_node(L, "on", bc->loc), bc->on->node);
    }
    return bc->on;
}

static void lower_stmts(lowerer *L, dsl_stmts *list, pending *in, pending *out);

/* Sends an edge to a target: a label, nothing (end), or a body whose end joins `out`. */
static void send(lowerer *L, pending_edge edge, dsl_target *t, pending *out)
{
    pending one = {0};
    cc_vec_push(&one, edge);
    switch (t->kind) {
    case DSL_TO_LABEL:
        resolve(L, &one, t->label->text, t->label->loc);
        break;
    case DSL_TO_END:
        break;
    case DSL_TO_BODY:
        if (t->body && t->body->len)
            lower_stmts(L, t->body, &one, out);
        else
            append(out, &one); /* an empty body goes on to what follows */
        break;
    case DSL_TO_NONE:
        append(out, &one);
        break;
    }
    cc_vec_free(&one);
}


typedef CC_VEC(cc_node *) node_vec;

static void lower_block(lowerer *L, dsl_stmt *s, pending *in, pending *out)
{
    const char *kind = s->kind_key->text;
    const cc_block_spec *spec = cc_block_lookup(kind);
    bool loop_form = s->kind == DSL_LOOP;
    if (loop_form && (!spec || !(spec->flags & CC_BK_LOOP))) {
        cc_report(L->ctx->ds, CC_E101, s->kind_key->loc, "only 'loop' takes a body in braces; '%s' does not", kind);
        L->ctx->errors++;
    }
    const char *id = block_id(L, s, kind);
    block_ctx bc = {0};
    bc.loc = s->loc;
    bc.block = add_block(L, s, id);
    resolve(L, in, id, s->loc);

    /* The kind and its value; cases from case lines go into the kind's cases parameter. */
    cc_node *value = s->value;
    const cc_param_spec *cases_param = spec ? cc_block_cases_param(spec) : NULL;
    node_vec cases = {0};
    CC_VEC(map_builder *) case_maps = {0};
    for (size_t i = 0; i < s->branches.len; i++) {
        dsl_branch *br = &s->branches.items[i];
        if (!br->is_case)
            continue;
        map_builder *cm = new_builder(L, br->name->loc);
        put(cm, br->name, br->operand);
        cc_vec_push(&cases, cm->node);
        cc_vec_push(&case_maps, cm);
    }
    if (cases.len) {
        cc_node *list = cc_arena_alloc(L->ctx->arena, sizeof *list);
        list->type = CC_NODE_LIST;
        list->loc = cases.items[0]->loc;
        list->count = (uint32_t)cases.len;
        list->items = cc_arena_alloc(L->ctx->arena, cases.len * sizeof *list->items);
        memcpy(list->items, cases.items, cases.len * sizeof *list->items);
        if (!cases_param) {
            cc_report(L->ctx->ds, CC_E101, cases.items[0]->loc, "'%s' takes no cases", kind);
            L->ctx->errors++;
        } else if (cases_param->flags & CC_PF_SCALAR && !value) {
            value = list;
        } else if (!value || value->type == CC_NODE_MAP) {
            map_builder *vm = new_builder(L, value ? value->loc : s->kind_key->loc);
            for (uint32_t i = 0; value && i < value->count; i++)
                put(vm, value->pairs[i].key, value->pairs[i].value);
            put(vm, text_node(L, cases_param->name, list->loc), list);
            value = vm->node;
        } else {
            cc_report(L->ctx->ds, CC_E101, value->loc,
                      "'%s' with case lines takes its other parameters as a mapping { name: value }", kind);
            L->ctx->errors++;
        }
    }
    if (!value) {
        map_builder *empty = new_builder(L, s->kind_key->loc);
        value = empty->node;
    }
    put(bc.block, s->kind_key, value);

    /* Where it goes next. */
    const char *go_on = cc_block_continue_branch(spec);
    pending_edge next_edge = {.block = bc.block, .loc = s->next.loc};
    if (s->next.kind != DSL_TO_NONE)
        send(L, next_edge, &s->next, out);
    else if (go_on && !strcmp(go_on, "next"))
        cc_vec_push(out, next_edge);
    else if (go_on) {
        /* the continuing branch (wait's timeout) falls through unless a branch line sends it */
        bool written = false;
        for (size_t i = 0; i < s->branches.len; i++)
            written |= !s->branches.items[i].is_case && !strcmp(s->branches.items[i].name->text, go_on);
        if (!written) {
            pending_edge e = {.block = bc.block, .on = on_map(L, &bc), .name = text_node(L, go_on, s->loc),
                              .loc = s->loc};
            cc_vec_push(out, e);
        }
    }

    /* Loop body: looping goes into it, its end comes back to the loop; complete continues. */
    if (loop_form) {
        pending_edge looping = {.block = bc.block, .on = on_map(L, &bc), .name = text_node(L, "looping", s->loc),
                                .loc = s->loc};
        pending back = {0};
        dsl_target body = {DSL_TO_BODY, NULL, s->body, s->loc};
        send(L, looping, &body, &back);
        resolve(L, &back, id, s->loc);
        cc_vec_free(&back);
        bool has_complete = false;
        for (size_t i = 0; i < s->branches.len; i++)
            has_complete |= !s->branches.items[i].is_case && !strcmp(s->branches.items[i].name->text, "complete");
        if (!has_complete) {
            pending_edge complete = {.block = bc.block, .on = on_map(L, &bc), .name = text_node(L, "complete", s->loc),
                                     .loc = s->loc};
            cc_vec_push(out, complete);
        }
    }

    /* Branch lines, in order; cases go to their case mapping's next. */
    size_t ci = 0;
    for (size_t i = 0; i < s->branches.len; i++) {
        dsl_branch *br = &s->branches.items[i];
        if (br->is_case) {
            pending_edge e = {.block = bc.block, .case_map = case_maps.items[ci++], .loc = br->name->loc};
            if (br->target.kind != DSL_TO_NONE)
                send(L, e, &br->target, out);
            continue;
        }
        if (!strcmp(br->name->text, "next")) {
            send(L, next_edge, &br->target, out);
            continue;
        }
        pending_edge e = {.block = bc.block, .on = on_map(L, &bc), .name = br->name, .loc = br->name->loc};
        send(L, e, &br->target, out);
    }
    cc_vec_free(&cases);
    cc_vec_free(&case_maps);
}

/* if / switch: one check_contact_attributes block, a case per arm, no_match to the else body. */
static void lower_condition(lowerer *L, dsl_stmt *s, pending *in, pending *out)
{
    const char *id = block_id(L, s, "check_contact_attributes");
    block_ctx bc = {0};
    bc.loc = s->loc;
    bc.block = add_block(L, s, id);
    resolve(L, in, id, s->loc);

    map_builder *vm = new_builder(L, s->value->loc);
    put(vm, text_node(L, "value", s->value->loc), s->value);
    node_vec cases = {0};
    CC_VEC(map_builder *) case_maps = {0};
    for (size_t i = 0; i < s->branches.len; i++) {
        dsl_branch *br = &s->branches.items[i];
        if (!br->is_case)
            continue;
        map_builder *cm = new_builder(L, br->name->loc);
        put(cm, br->name, br->operand);
        cc_vec_push(&cases, cm->node);
        cc_vec_push(&case_maps, cm);
    }
    cc_node *list = cc_arena_alloc(L->ctx->arena, sizeof *list);
    list->type = CC_NODE_LIST;
    list->loc = s->loc;
    list->count = (uint32_t)cases.len;
    list->items = cc_arena_alloc(L->ctx->arena, (cases.len ? cases.len : 1) * sizeof *list->items);
    if (cases.len)
        memcpy(list->items, cases.items, cases.len * sizeof *list->items);
    put(vm, text_node(L, "cases", s->loc), list);
    cc_node *kind = text_node(L, "check_contact_attributes", s->kind_key->loc);
    kind->loc.end_col = s->kind_key->loc.end_col;
    put(bc.block, kind, vm->node);

    size_t ci = 0;
    bool has_no_match = false;
    for (size_t i = 0; i < s->branches.len; i++) {
        dsl_branch *br = &s->branches.items[i];
        if (br->is_case) {
            pending_edge e = {.block = bc.block, .case_map = case_maps.items[ci++], .loc = br->name->loc};
            send(L, e, &br->target, out);
            continue;
        }
        has_no_match |= !strcmp(br->name->text, "no_match");
        pending_edge e = {.block = bc.block, .on = on_map(L, &bc), .name = br->name, .loc = br->name->loc};
        send(L, e, &br->target, out);
    }
    if (!has_no_match) {
        pending_edge e = {.block = bc.block, .on = on_map(L, &bc), .name = text_node(L, "no_match", s->loc),
                          .loc = s->loc};
        dsl_target t = {s->orelse ? DSL_TO_BODY : DSL_TO_NONE, NULL, s->orelse, s->loc};
        send(L, e, &t, out);
    }
    cc_vec_free(&cases);
    cc_vec_free(&case_maps);
}

static void lower_stmts(lowerer *L, dsl_stmts *list, pending *in, pending *out)
{
    pending cur = {0};
    append(&cur, in);
    for (size_t i = 0; i < list->len; i++) {
        dsl_stmt *s = list->items[i];
        pending next = {0};
        switch (s->kind) {
        case DSL_GOTO:
            if (s->next.kind == DSL_TO_LABEL)
                resolve(L, &cur, s->next.label->text, s->next.label->loc);
            else if (s->next.kind == DSL_TO_END)
                cur.len = 0;
            else {
                cc_report(L->ctx->ds, CC_E101, s->loc, "'goto' takes a block id or 'end'");
                L->ctx->errors++;
            }
            break;
        case DSL_BLOCK:
        case DSL_LOOP:
            lower_block(L, s, &cur, &next);
            append(&cur, &next);
            break;
        case DSL_IF:
        case DSL_SWITCH:
            lower_condition(L, s, &cur, &next);
            append(&cur, &next);
            break;
        }
        cc_vec_free(&next);
    }
    append(out, &cur);
    cc_vec_free(&cur);
}

cc_node *cc_dsl_read(cc_arena *arena, cc_diags *ds, uint32_t file, const char *text, size_t len,
                     cc_comments *comments)
{
    dsl_ctx ctx = {0};
    ctx.text = ctx.cur = ctx.line_start = text;
    ctx.lim = text + len;
    ctx.line = 1;
    ctx.file = file;
    ctx.arena = arena;
    ctx.ds = ds;
    ctx.comments = comments;
    /* a file of nothing but blanks and comments holds no flow */
    const char *p = text;
    while (p < text + len) {
        if (*p == '#')
            while (p < text + len && *p != '\n')
                p++;
        else if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
            p++;
        else
            break;
    }
    if (p == text + len) {
        cc_report(ds, CC_E102, (cc_loc){file, 1, 1, 1, 1},
                  "the file holds no flow; a DSL flow starts with 'flow \"Name\" { type: inbound }'");
        return NULL;
    }
    /* the scanner relies on a NUL after the text; callers hand over NUL-terminated buffers */
    int rc = dsl_parse(&ctx);
    if (rc == 2) { /* the parser's stack limit: already reported as "memory exhausted" */
        dsl_stmts_free(ctx.stmts);
        return NULL;
    }
    if (!ctx.saw_header || !ctx.flow_name) {
        if (!ctx.errors)
            cc_report(ds, CC_E101, (cc_loc){file, 1, 1, 1, 1}, "a DSL flow starts with 'flow \"Name\" { type: ... }'");
        dsl_stmts_free(ctx.stmts);
        return NULL;
    }

    lowerer L = {.ctx = &ctx};
    map_builder *root = new_builder(&L, ctx.flow_loc);
    put(root, text_node(&L, "flow", ctx.flow_loc), ctx.flow_name);
    if (ctx.header) {
        if (ctx.header->type == CC_NODE_MAP)
            for (uint32_t i = 0; i < ctx.header->count; i++) {
                cc_node *k = ctx.header->pairs[i].key;
                if (k->type == CC_NODE_SCALAR && !strcmp(k->text, "blocks")) {
                    cc_report(ds, CC_E104, k->loc, "blocks are written as statements after the header, not in it");
                    continue;
                }
                put(root, k, ctx.header->pairs[i].value);
            }
    }
    L.blocks = new_builder(&L, ctx.flow_loc);
    put(root, text_node(&L, "blocks", ctx.flow_loc), L.blocks->node);
    pending in = {0}, out = {0};
    if (ctx.stmts)
        lower_stmts(&L, ctx.stmts, &in, &out);
    cc_vec_free(&in);
    cc_vec_free(&out); /* what falls off the end of the flow ends there */
    cc_node *tree = root->node;
    finish_builders(&L);
    cc_map_free(&L.ids);
    dsl_stmts_free(ctx.stmts);
    return tree;
}
