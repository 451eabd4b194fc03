/* dsl_lower.c — reads a DSL flow: runs the scanner and parser, then lowers the statement tree
 * into the document tree the YAML reader builds (flow, type, channels, start, blocks), resolving
 * fallthrough, bodies, if/switch/loop and goto into plain block-to-block branches. */
#include "catalog.h"
#include "dsl.h"
#include "dsl_parser.h"

#include <stdlib.h>
#include <string.h>

/* ---- building the document tree ---- */

/* A mapping being filled: its node, with room for `cap` pairs allocated up front. */
typedef struct {
    cc_node *node;
    uint32_t cap;
} map_slot;

/* A branch waiting for the block it goes to: the `next` of a block (on == NULL, case_map ==
 * NULL), a named branch (into the block's `on`), or a case (its mapping's `next`). */
typedef struct {
    cc_node *block;    /* the block's mapping */
    cc_node **on;      /* where the block keeps its `on` mapping (created on first use) */
    uint32_t on_cap;
    cc_node *case_map; /* a case's mapping */
    cc_node *name;     /* branch name for `on` */
    cc_loc loc;
} pending_edge;

typedef struct {
    dsl_ctx *ctx;
    cc_node *blocks;      /* the flow's `blocks` mapping, sized for every statement */
    cc_map ids;           /* block id -> its key node */
    CC_VEC(pending_edge) pend; /* a stack: each level's waiting edges sit above its caller's */
} lowerer;

static cc_node *new_map(lowerer *L, uint32_t cap, cc_loc loc)
{
    cc_node *n = cc_arena_alloc(L->ctx->arena, sizeof *n);
    n->type = CC_NODE_MAP;
    n->loc = loc;
    n->pairs = cc_arena_alloc(L->ctx->arena, (cap ? cap : 1) * sizeof *n->pairs);
    return n;
}

static cc_node *text_node(lowerer *L, const char *text, cc_loc loc)
{
    cc_node *n = cc_arena_alloc(L->ctx->arena, sizeof *n);
    n->type = CC_NODE_SCALAR;
    n->plain = true;
    n->loc = loc;
    n->text = text; /* static strings and arena strings only */
    n->len = strlen(text);
    return n;
}

/* Adds a pair to a small mapping, marking a repeated key as the YAML reader does. */
static void put(lowerer *L, cc_node *map, cc_node *key, cc_node *value)
{
    for (uint32_t i = 0; i < map->count && key->type == CC_NODE_SCALAR; i++)
        if (map->pairs[i].key->type == CC_NODE_SCALAR && !strcmp(map->pairs[i].key->text, key->text)) {
            key->dup_of = map->pairs[i].key;
            L->ctx->dups = true;
            break;
        }
    map->pairs[map->count++] = (cc_pair){key, value};
}

static cc_node *on_map(lowerer *L, pending_edge *e)
{
    if (!*e->on) {
        /* at the first branch that goes somewhere, as the YAML `on: { ... }` is on its first branch's
         * line: a comment there goes with the branches, not the block's kind */
        *e->on = new_map(L, e->on_cap, e->loc);
        put(L, e->block, text_node(L, "on", e->loc), *e->on);
    }
    return *e->on;
}

/* Sends the pending edges from index `from` up to the block named by `target` (a label as
 * written), and drops them from the stack. */
static void resolve_to(lowerer *L, size_t from, const cc_node *target)
{
    /* one node serves every edge that goes there: values are never marked or changed */
    cc_node *t = (cc_node *)target;
    for (size_t i = from; i < L->pend.len; i++) {
        pending_edge *e = &L->pend.items[i];
        if (e->case_map)
            put(L, e->case_map, text_node(L, "next", e->loc), t);
        else if (e->on)
            put(L, on_map(L, e), e->name, t);
        else
            put(L, e->block, text_node(L, "next", e->loc), t);
    }
    L->pend.len = from;
}

/* The same, to a block id made by the lowering. */
static void resolve(lowerer *L, size_t from, const char *id, cc_loc loc)
{
    if (from < L->pend.len)
        resolve_to(L, from, text_node(L, id, loc));
}

static void ctx_dups(lowerer *L) { L->ctx->dups = true; }

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

/* Adds a block mapping (room for kind, next and on) under id to `blocks`. */
static cc_node *add_block(lowerer *L, const dsl_stmt *s, const char *id)
{
    cc_node *key = s->label ? s->label : text_node(L, id, s->kind_key ? s->kind_key->loc : s->loc);
    cc_node *block = new_map(L, 3, s->loc);
    cc_node *first = cc_map_put(&L->ids, id, key);
    if (first) {
        key->dup_of = first;
        ctx_dups(L);
    }
    L->blocks->pairs[L->blocks->count++] = (cc_pair){key, block};
    return block;
}

static void lower_list(lowerer *L, dsl_list *list, size_t base);

/* Sends an edge to a target: a label at once, nothing for `end`; a body is lowered with the
 * edge as its way in, and what leaves the body stays pending with the caller's edges. */
static void send(lowerer *L, pending_edge edge, const dsl_target *t)
{
    switch (t->kind) {
    case DSL_TO_LABEL:
        cc_vec_push(&L->pend, edge);
        resolve_to(L, L->pend.len - 1, t->label);
        break;
    case DSL_TO_END:
        break;
    case DSL_TO_BODY: {
        size_t at = L->pend.len;
        cc_vec_push(&L->pend, edge);
        if (t->body && t->body->count)
            lower_list(L, t->body, at);
        break;
    }
    case DSL_TO_NONE:
        cc_vec_push(&L->pend, edge);
        break;
    }
}

static bool has_branch(const dsl_stmt *s, const char *name)
{
    for (const dsl_branch *b = s->branches.first; b; b = b->next)
        if (!b->is_case && !strcmp(b->name->text, name))
            return true;
    return false;
}

/* The list of a block's cases, each a mapping { OP: operand } awaiting its `next`. */
static cc_node *case_list(lowerer *L, const dsl_stmt *s, cc_node **maps)
{
    uint32_t n = 0;
    for (const dsl_branch *b = s->branches.first; b; b = b->next)
        if (b->is_case)
            maps[n++] = NULL;
    cc_node *list = cc_arena_alloc(L->ctx->arena, sizeof *list);
    list->type = CC_NODE_LIST;
    list->loc = s->loc;
    list->items = cc_arena_alloc(L->ctx->arena, (n ? n : 1) * sizeof *list->items);
    for (const dsl_branch *b = s->branches.first; b; b = b->next) {
        if (!b->is_case)
            continue;
        cc_node *cm = new_map(L, 2, b->name->loc);
        put(L, cm, b->name, b->operand);
        maps[list->count] = cm;
        list->items[list->count++] = cm;
    }
    if (list->count)
        list->loc = list->items[0]->loc;
    return list;
}

/* Lowers one statement's block: its incoming edges are the pending ones from `base` up. */
static void lower_stmt(lowerer *L, dsl_stmt *s, size_t base)
{
    bool condition = s->kind == DSL_IF || s->kind == DSL_SWITCH;
    const char *kind = condition ? "check_contact_attributes" : s->kind_key->text;
    const cc_block_spec *spec = cc_block_lookup(kind);
    bool loop_body = s->kind == DSL_LOOP;
    if (loop_body && (!spec || !(spec->flags & CC_BK_LOOP))) {
        cc_report(L->ctx->ds, CC_E101, s->kind_key->loc, "only 'loop' takes a body in braces; '%s' does not", kind);
        L->ctx->errors++;
        loop_body = false; /* the body is left out rather than wired to branches the kind lacks */
    }
    const char *id = block_id(L, s, kind);
    cc_node *block = add_block(L, s, id);
    resolve(L, base, id, s->loc);

    /* The kind and its value; case lines go into the kind's cases parameter. */
    cc_node **case_maps = cc_arena_alloc(L->ctx->arena, (s->branches.count + 1) * sizeof *case_maps);
    cc_node *value = s->value;
    cc_node *cases = s->branches.count ? case_list(L, s, case_maps) : NULL;
    if (condition) {
        cc_node *vm = new_map(L, 2, s->value->loc);
        put(L, vm, text_node(L, "value", s->value->loc), s->value);
        put(L, vm, text_node(L, "cases", s->loc), cases);
        value = vm;
    } else if (cases && cases->count) {
        const cc_param_spec *cp = spec ? cc_block_cases_param(spec) : NULL;
        if (!cp) {
            cc_report(L->ctx->ds, CC_E101, cases->loc, "'%s' takes no cases", kind);
            L->ctx->errors++;
        } else if ((cp->flags & CC_PF_SCALAR) && !value) {
            value = cases;
        } else if (!value || value->type == CC_NODE_MAP) {
            cc_node *vm = new_map(L, (value ? value->count : 0) + 1, value ? value->loc : s->kind_key->loc);
            for (uint32_t i = 0; value && i < value->count; i++)
                put(L, vm, value->pairs[i].key, value->pairs[i].value);
            /* on the kind's line: a comment on the first case line goes with that case */
            put(L, vm, text_node(L, cp->name, s->kind_key->loc), cases);
            value = vm;
        } else {
            cc_report(L->ctx->ds, CC_E101, value->loc,
                      "'%s' with case lines takes its other parameters as a mapping { name: value }", kind);
            L->ctx->errors++;
        }
    }
    if (!value)
        value = new_map(L, 0, s->kind_key->loc);
    cc_node *kind_key = s->kind_key;
    if (condition) {
        kind_key = text_node(L, kind, s->kind_key->loc);
        kind_key->loc.end_col = s->kind_key->loc.end_col;
    }
    put(L, block, kind_key, value);

    cc_node **on = cc_arena_alloc(L->ctx->arena, sizeof *on);
    uint32_t on_cap = s->branches.count + 3;
    pending_edge next_edge = {.block = block, .loc = s->next->kind != DSL_TO_NONE ? s->next->loc : s->loc};
#define NAMED(branch_name, at)                                                                     \
    ((pending_edge){.block = block, .on = on, .on_cap = on_cap, .name = (branch_name), .loc = (at)})

    /* Where it goes on: `-> target`, or falling through to the next statement. */
    const char *go_on = condition ? NULL : cc_block_continue_branch(spec);
    if (!condition && s->next->kind != DSL_TO_NONE)
        send(L, next_edge, s->next);
    else if (go_on && !strcmp(go_on, "next") && !has_branch(s, "next"))
        cc_vec_push(&L->pend, next_edge); /* a branch line `next -> target` says where instead */
    else if (go_on && !has_branch(s, go_on))
        cc_vec_push(&L->pend, NAMED(text_node(L, go_on, s->loc), s->loc));

    /* A loop's body: looping goes in, its end comes back to the loop; complete goes on. */
    if (loop_body) {
        size_t at = L->pend.len;
        dsl_target body = {DSL_TO_BODY, NULL, s->body, s->loc};
        send(L, NAMED(text_node(L, "looping", s->loc), s->loc), &body);
        resolve(L, at, id, s->loc);
        if (!has_branch(s, "complete"))
            cc_vec_push(&L->pend, NAMED(text_node(L, "complete", s->loc), s->loc));
    }

    /* Branch lines and cases, in order. */
    uint32_t ci = 0;
    for (dsl_branch *b = s->branches.first; b; b = b->next) {
        if (b->is_case) {
            pending_edge e = {.block = block, .case_map = case_maps[ci++], .loc = b->name->loc};
            if (b->target->kind != DSL_TO_NONE || condition)
                send(L, e, b->target);
        } else if (!strcmp(b->name->text, "next")) {
            pending_edge e = next_edge;
            e.loc = b->name->loc;
            send(L, e, b->target);
        }
        else
            send(L, NAMED(b->name, b->name->loc), b->target);
    }
    if (condition && !has_branch(s, "no_match")) {
        dsl_target t = {s->orelse ? DSL_TO_BODY : DSL_TO_NONE, NULL, s->orelse, s->loc};
        send(L, NAMED(text_node(L, "no_match", s->loc), s->loc), &t);
    }
#undef NAMED
}

/* Where the YAML `blocks:` key would be: on the first blank line between the header and the first
 * statement, so that comment lines above it (as `ccflow fmt` writes those before `blocks:`) stay
 * before `blocks:`, and those below it go with the first block; the header's line otherwise. */
static cc_loc blocks_loc(const dsl_ctx *ctx, const char *text, size_t len)
{
    cc_loc loc = ctx->flow_loc;
    const dsl_stmt *first = ctx->stmts ? ctx->stmts->first : NULL;
    if (!first)
        return loc;
    uint32_t from = ctx->header ? ctx->header->loc.end_line : ctx->flow_loc.end_line;
    uint32_t to = first->label && first->label->loc.line < first->loc.line ? first->label->loc.line : first->loc.line;
    const char *p = text, *end = text + len;
    for (uint32_t line = 1; p < end && line < to; line++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *q = p;
        while (q < (nl ? nl : end) && (*q == ' ' || *q == '\t' || *q == '\r'))
            q++;
        if (line > from && q == (nl ? nl : end)) {
            loc.line = loc.end_line = line;
            loc.col = loc.end_col = 1;
            return loc;
        }
        if (!nl)
            break;
        p = nl + 1;
    }
    return loc;
}

/* Lowers statements in order; the pending edges from `base` up go to the first block, and
 * what is left pending at the end goes to whatever follows the list. */
static void lower_list(lowerer *L, dsl_list *list, size_t base)
{
    for (dsl_stmt *s = list->first; s; s = s->next_stmt) {
        if (s->kind != DSL_GOTO) {
            lower_stmt(L, s, base);
            continue;
        }
        if (s->next->kind == DSL_TO_LABEL)
            resolve_to(L, base, s->next->label);
        else if (s->next->kind == DSL_TO_END)
            L->pend.len = base;
        else {
            cc_report(L->ctx->ds, CC_E101, s->loc, "'goto' takes a block id or 'end'");
            L->ctx->errors++;
        }
    }
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
    cc_vec_free(&ctx.lines);
    if (rc == 2) { /* the parser's stack limit: already reported as "memory exhausted" */
        return NULL;
    }
    if (!ctx.saw_header || !ctx.flow_name) {
        if (!ctx.errors)
            cc_report(ds, CC_E101, (cc_loc){file, 1, 1, 1, 1}, "a DSL flow starts with 'flow \"Name\" { type: ... }'");
        return NULL;
    }

    lowerer L = {.ctx = &ctx};
    uint32_t header_keys = ctx.header && ctx.header->type == CC_NODE_MAP ? ctx.header->count : 0;
    cc_node *root = new_map(&L, header_keys + 2, ctx.flow_loc);
    put(&L, root, text_node(&L, "flow", ctx.flow_loc), ctx.flow_name);
    for (uint32_t i = 0; i < header_keys; i++) {
        cc_node *k = ctx.header->pairs[i].key;
        if (k->type == CC_NODE_SCALAR && !strcmp(k->text, "blocks")) {
            cc_report(ds, CC_E104, k->loc, "blocks are written as statements after the header, not in it");
            continue;
        }
        put(&L, root, k, ctx.header->pairs[i].value);
    }
    L.blocks = new_map(&L, ctx.nstmts, ctx.flow_loc); /* every statement but a goto is one block */
    put(&L, root, text_node(&L, "blocks", blocks_loc(&ctx, text, len)), L.blocks);
    if (ctx.stmts)
        lower_list(&L, ctx.stmts, 0);
    /* what is still pending falls off the end of the flow: it ends there */
    cc_vec_free(&L.pend);
    cc_map_free(&L.ids);
    cc_node *tree = root;
    tree->has_dups = ctx.dups;
    return tree;
}
