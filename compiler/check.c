/* check.c — the checks of SPEC §5 over a whole bundle: name resolution, graph shape (unreachable
 * blocks, unconnected branches, spinning cycles, missing working queue), flow types, and the
 * channel analysis that follows contacts within and across flows. */
#include "connect.h"
#include "ir.h"

#include <stdlib.h>
#include <string.h>

/* One outgoing edge of a block, as the graph sees it. */
typedef struct {
    const char *name; /* branch name, or the case's operator */
    int32_t to;
    int32_t case_index; /* -1 for a named branch */
    const char *branch; /* "next", "error"... for named branches */
} edge;

static bool next_taken(const cc_block_spec *s)
{
    return !(s->flags & (CC_BK_TERMINAL | CC_BK_NEXT_KEPT));
}

/* Fills out with the edges a contact can take from blk (resolved targets only). */
static size_t block_edges(const cc_block *blk, edge *out, size_t cap)
{
    size_t n = 0;
    for (uint32_t i = 0; i < blk->nbranches && n < cap; i++) {
        const cc_branch *br = &blk->branches[i];
        if (br->to == CC_NO_BLOCK)
            continue;
        if (br->index == -1 && blk->spec && !next_taken(blk->spec))
            continue;
        out[n++] = (edge){br->name, br->to, -1, br->name};
    }
    for (uint32_t i = 0; i < blk->ncases && n < cap; i++)
        if (blk->cases[i].to != CC_NO_BLOCK)
            out[n++] = (edge){blk->cases[i].op, blk->cases[i].to, (int32_t)i, NULL};
    return n;
}

static size_t edge_cap(const cc_block *blk) { return blk->nbranches + blk->ncases + 1; }

/* ---- resolution ---- */

static void report_undefined(cc_diags *ds, const cc_flow *f, const char *target, cc_loc loc, const char *what)
{
    cc_diag *d = cc_report(ds, CC_E114, loc, "%s '%s' is not a block of flow '%s'", what, target, f->name);
    const char **ids = cc_xmalloc((f->nblocks + 1) * sizeof *ids);
    for (uint32_t i = 0; i < f->nblocks; i++)
        ids[i] = f->blocks[i].id;
    const char *best = cc_closest(target, ids, f->nblocks);
    if (best)
        cc_note_add(d, loc, "did you mean '%s'?", best);
    cc_free(ids);
}

static void resolve_flow(cc_bundle *b, cc_flow *f)
{
    cc_map ids = {0};
    for (uint32_t i = 0; i < f->nblocks; i++)
        if (f->blocks[i].id)
            cc_map_put(&ids, f->blocks[i].id, (void *)(intptr_t)(i + 1));
#define LOOKUP(name) ((int32_t)(intptr_t)cc_map_get(&ids, (name)) - 1)
    if (f->start) {
        f->start_index = LOOKUP(f->start);
        if (f->start_index == CC_NO_BLOCK)
            report_undefined(b->ds, f, f->start, f->start_loc, "start block");
    } else if (f->nblocks)
        f->start_index = 0;
    for (uint32_t i = 0; i < f->nblocks; i++) {
        cc_block *blk = &f->blocks[i];
        for (uint32_t j = 0; j < blk->nbranches; j++) {
            cc_branch *br = &blk->branches[j];
            br->to = LOOKUP(br->target);
            if (br->to == CC_NO_BLOCK)
                report_undefined(b->ds, f, br->target, br->target_loc, "target");
        }
        for (uint32_t j = 0; j < blk->ncases; j++) {
            cc_case *c = &blk->cases[j];
            if (!c->target)
                continue;
            c->to = LOOKUP(c->target);
            if (c->to == CC_NO_BLOCK)
                report_undefined(b->ds, f, c->target, c->target_loc, "target");
        }
    }
#undef LOOKUP
    cc_map_free(&ids);
}

static const char *article(const char *word) { return strchr("aeiou", word[0]) ? "an" : "a"; }

static const char *type_list(unsigned mask, char *buf, size_t n)
{
    size_t used = 0;
    int count = 0, total = 0;
    for (int t = 0; t < CC_FT_COUNT; t++)
        total += (mask >> t) & 1;
    buf[0] = '\0';
    for (int t = 0; t < CC_FT_COUNT && used < n; t++)
        if (mask & CC_FT_BIT(t)) {
            count++;
            used += (size_t)snprintf(buf + used, n - used, "%s%s", count == 1 ? "" : count == total ? " or " : ", ",
                                     cc_flow_types[t].name);
        }
    return buf;
}

/* $.Loop.<id> reads the pass count of loop block <id> of the same flow. */
static void check_loop_refs(cc_bundle *b, const cc_flow *f, const cc_node *n)
{
    if (!n)
        return;
    if (n->type == CC_NODE_LIST) {
        for (uint32_t i = 0; i < n->count; i++)
            check_loop_refs(b, f, n->items[i]);
        return;
    }
    if (n->type == CC_NODE_MAP) {
        for (uint32_t i = 0; i < n->count; i++)
            check_loop_refs(b, f, n->pairs[i].value);
        return;
    }
    if (strncmp(n->text, "$.Loop.", 7) != 0)
        return;
    const char *id = n->text + 7;
    int32_t k = cc_flow_block_index(f, id);
    if (k == CC_NO_BLOCK)
        cc_report(b->ds, CC_E115, n->loc, "'%s' names no block of flow '%s'; $.Loop.<id> reads a loop block's count",
                  n->text, f->name);
    else if (!f->blocks[k].spec || !(f->blocks[k].spec->flags & CC_BK_LOOP))
        cc_report(b->ds, CC_E115, n->loc, "'%s' names '%s', which is not a loop block", n->text, id);
}

/* Flow references: existence and type; block kinds allowed in the flow's type. */
static void check_types(cc_bundle *b, cc_flow *f)
{
    for (uint32_t i = 0; i < f->nblocks; i++) {
        cc_block *blk = &f->blocks[i];
        if (!blk->spec)
            continue;
        for (uint32_t j = 0; j < blk->nparams; j++)
            check_loop_refs(b, f, blk->params[j].value);
        for (uint32_t j = 0; j < blk->ncases; j++)
            check_loop_refs(b, f, blk->cases[j].operand);
        /* in a customer queue flow the contact is already queued: the block moves it elsewhere */
        if (f->type == CC_FT_CUSTOMER_QUEUE && cc_block_op(blk->spec) == CC_OP_TRANSFER_QUEUE &&
            !cc_block_param(blk, "queue"))
            cc_report(b->ds, CC_E105, blk->kind_loc,
                      "in a customer_queue flow 'transfer_to_queue' moves the contact to another queue: it needs "
                      "'queue'");
        if (f->type >= 0 && !cc_block_allowed(blk->spec, f->type)) {
            char list[256];
            cc_diag *d;
            if (f->type == CC_FT_MODULE)
                d = cc_report(b->ds, CC_E301, blk->kind_loc,
                              "'%s' is not allowed in a flow module; a module may use the blocks of an inbound flow "
                              "but invoke_module (modules do not nest)",
                              blk->spec->kind);
            else
                d = cc_report(b->ds, CC_E301, blk->kind_loc, "'%s' is not allowed in %s %s flow; it is allowed in %s flows",
                              blk->spec->kind, article(cc_flow_types[f->type].name), cc_flow_types[f->type].name, type_list(blk->spec->flow_types, list, sizeof list));
            cc_note_add(d, f->type_loc, "the flow's type is set here");
        }
        for (uint32_t j = 0; j < blk->nparams; j++) {
            cc_param *p = &blk->params[j];
            if (p->spec->type != CC_PT_FLOW || p->invalid)
                continue;
            if (p->is_ref) {
                cc_report(b->ds, CC_W502, p->value->loc,
                          "'%s' of '%s' names its flow at run time (%s); the channel analysis cannot follow it, so "
                          "the channels it carries are not checked there",
                          p->spec->name, blk->spec->kind, p->value->text);
                continue;
            }
            const char *name = p->value->text;
            cc_flow *target = cc_bundle_flow(b, name);
            if (!target && b->resources && cc_map_get(&b->resources->by_name, name)) {
                /* the resources file knows the flow, but it is not part of this bundle */
                cc_report(b->ds, CC_W502, p->value->loc,
                          "flow '%s' of the instance is not in the bundle; add its export so that its channels can "
                          "be followed",
                          name);
                continue;
            }
            if (!target && cc_connect_looks_like_id(name)) {
                /* an ARN, id or placeholder of an export: a flow outside the bundle, which the
                 * channel analysis cannot follow; --resources maps it to a name */
                cc_report(b->ds, CC_W502, p->value->loc,
                          "'%s' names no flow of the bundle; give --resources to map Connect ARNs and ids to flow "
                          "names, or add the flow it names, so that its channels can be followed",
                          name);
                continue;
            }
            if (!target) {
                cc_diag *d = cc_report(b->ds, CC_E118, p->value->loc, "no flow named '%s' in the bundle", name);
                const char **names = cc_xmalloc((b->flows.len + 1) * sizeof *names);
                for (size_t k = 0; k < b->flows.len; k++)
                    names[k] = b->flows.items[k]->name;
                const char *best = cc_closest(name, names, b->flows.len);
                if (best)
                    cc_note_add(d, p->value->loc, "did you mean '%s'?", best);
                cc_free(names);
                continue;
            }
            if (target->type >= 0 && !(p->spec->flow_types & CC_FT_BIT(target->type))) {
                char list[256];
                type_list(p->spec->flow_types, list, sizeof list);
                cc_diag *d = cc_report(b->ds, CC_E302, p->value->loc,
                                       "'%s' of '%s' must name %s %s flow; '%s' is %s %s flow", p->spec->name,
                                       blk->spec->kind, article(list), list,
                                       name, article(cc_flow_types[target->type].name), cc_flow_types[target->type].name);
                cc_note_add(d, target->type_loc, "'%s' gets its type here", name);
            }
        }
    }
}

/* ---- graph ---- */

static bool *reachable_blocks(const cc_flow *f)
{
    bool *seen = cc_xcalloc(f->nblocks + 1, sizeof *seen);
    if (f->start_index == CC_NO_BLOCK)
        return seen;
    int32_t *stack = cc_xmalloc((f->nblocks + 1) * sizeof *stack);
    size_t sp = 0;
    stack[sp++] = f->start_index;
    seen[f->start_index] = true;
    edge *es = NULL;
    size_t es_cap = 0;
    while (sp) {
        const cc_block *blk = &f->blocks[stack[--sp]];
        if (edge_cap(blk) > es_cap)
            es = cc_xrealloc(es, (es_cap = edge_cap(blk)) * sizeof *es);
        size_t n = block_edges(blk, es, es_cap);
        for (size_t i = 0; i < n; i++)
            if (!seen[es[i].to]) {
                seen[es[i].to] = true;
                stack[sp++] = es[i].to;
            }
    }
    cc_free(es);
    cc_free(stack);
    return seen;
}

static bool branch_optional(const cc_block *blk, const char *name)
{
    if (blk->spec->flags & CC_BK_OPAQUE)
        return true; /* an action ccflow does not model: which branches it needs is Connect's business */
    if (strcmp(name, "customer_returned") == 0)
        return true; /* only chat contacts that come back take it; Connect makes it optional */
    if (strcmp(name, "invalid_number") == 0 && !strcmp(blk->spec->kind, "store_customer_input"))
        return true; /* only taken when the input is validated as a phone number */
    if (blk->spec->flags & CC_BK_LOOP && strcmp(name, "error") == 0) {
        const cc_param *count = blk->nparams ? &blk->params[0] : NULL;
        return !(count && count->is_ref); /* a literal count cannot be invalid */
    }
    if (strcmp(name, "timeout") == 0 && !strcmp(blk->spec->kind, "loop_prompts"))
        return !cc_block_param(blk, "interrupt"); /* without an interrupt the prompts never time out */
    if (strcmp(name, "default") == 0 && blk->ncases) {
        int64_t sum = 0;
        for (uint32_t i = 0; i < blk->ncases; i++)
            sum += blk->cases[i].num;
        return sum >= 100;
    }
    return false;
}

/* Whether the block can take this branch with the parameters it has: check_voice_id takes only
 * the branches of what it checks; transfer_to_phone_number goes on through next only when it
 * resumes the flow (otherwise the caller is bridged out). Unknown or referenced parameters
 * leave every branch possible. With a reason (the branches it does take) when it cannot. */
static bool branch_applies(const cc_block *blk, const char *name, const char **takes)
{
    const char *k = blk->spec->kind;
    if (!strcmp(k, "transfer_to_phone_number") && !strcmp(name, "next")) {
        const cc_param *r = cc_block_param(blk, "resume");
        return r && (r->is_ref || r->invalid || !strcmp(r->value->text, "true"));
    }
    if (strcmp(k, "check_voice_id") != 0)
        return true;
    const cc_param *p = cc_block_param(blk, "check");
    if (!p || p->invalid || p->is_ref)
        return true;
    const char *branches = cc_voice_id_branches(p->value->text);
    if (!branches)
        return true;
    *takes = branches;
    return cc_branch_listed(branches, name);
}

static bool has_branch_index(const cc_block *blk, int index)
{
    for (uint32_t i = 0; i < blk->nbranches; i++)
        if (blk->branches[i].index == index)
            return true;
    return false;
}

static void check_unconnected(cc_bundle *b, const cc_flow *f, const bool *reach)
{
    for (uint32_t i = 0; i < f->nblocks; i++) {
        const cc_block *blk = &f->blocks[i];
        if (!blk->spec || !reach[i])
            continue;
        const char *takes = NULL;
        for (uint32_t j = 0; j < blk->nbranches; j++)
            if (blk->branches[j].index >= 0 && !branch_applies(blk, blk->branches[j].name, &takes)) {
                cc_diag *d = cc_report(b->ds, CC_E111, blk->branches[j].name_loc,
                                       "'%s' block '%s' never takes '%s' with its parameters", blk->spec->kind,
                                       blk->id, blk->branches[j].name);
                if (takes) {
                    char *list = cc_str_replace(takes, "|", ", ");
                    cc_note_add(d, blk->kind_loc, "what it checks gives only %s", list);
                    cc_free(list);
                }
            }
        if (next_taken(blk->spec) && !has_branch_index(blk, -1) && branch_applies(blk, "next", &takes) &&
            !(blk->spec->flags & CC_BK_OPAQUE))
            cc_report(b->ds, CC_W202, blk->kind_loc,
                      "'%s' block '%s' has no 'next': the contact's flow ends after it", blk->spec->kind, blk->id);
        /* walk the kind's branch names in place: "a|b|c" */
        const char *names = blk->spec->branches ? blk->spec->branches : "";
        for (int index = 0; *names; index++) {
            size_t len = strcspn(names, "|");
            const char *at = names;
            names += len + (names[len] == '|');
            if (has_branch_index(blk, index))
                continue;
            char name[64];
            snprintf(name, sizeof name, "%.*s", (int)len, at);
            if (!strcmp(name, "cases") || branch_optional(blk, name) || !branch_applies(blk, name, &takes))
                continue;
            cc_report(b->ds, CC_W202, blk->kind_loc,
                      "branch '%s' of '%s' block '%s' is not connected: the contact's flow ends there", name,
                      blk->spec->kind, blk->id);
        }
        for (uint32_t j = 0; j < blk->ncases; j++)
            if (!blk->cases[j].target)
                cc_report(b->ds, CC_W202, blk->cases[j].op_loc,
                          "case %u of '%s' block '%s' has no 'next': the contact's flow ends there", j + 1,
                          blk->spec->kind, blk->id);
    }
}

/* Spinning cycles: strongly connected components of the graph left after removing blocks that
 * can suspend the contact and the `looping` branches of loop blocks (Tarjan, iterative). */
static bool spin_edge(const cc_flow *f, const cc_block *blk, const edge *e)
{
    const cc_block *to = &f->blocks[e->to];
    if (to->spec && (to->spec->flags & CC_BK_SUSPENDS))
        return false;
    if (blk->spec && (blk->spec->flags & CC_BK_LOOP) && e->branch && strcmp(e->branch, "looping") == 0)
        return false;
    return true;
}

static void check_cycles(cc_bundle *b, const cc_flow *f, const bool *reach)
{
    uint32_t n = f->nblocks;
    int32_t *index = cc_xmalloc(n * sizeof *index), *low = cc_xmalloc(n * sizeof *low);
    bool *on = cc_xcalloc(n, sizeof *on);
    int32_t *stack = cc_xmalloc(n * sizeof *stack);
    size_t sp = 0;
    int32_t counter = 0;
    typedef struct {
        int32_t v;
        size_t next_edge;
        size_t nedges;
        edge *edges;
    } call;
    call *calls = cc_xmalloc(n * sizeof *calls);
    for (uint32_t i = 0; i < n; i++)
        index[i] = -1;
    for (uint32_t root = 0; root < n; root++) {
        const cc_block *rb = &f->blocks[root];
        if (index[root] >= 0 || !reach[root] || (rb->spec && (rb->spec->flags & CC_BK_SUSPENDS)))
            continue;
        size_t depth = 0;
        calls[depth++] = (call){(int32_t)root, 0, 0, NULL};
        index[root] = low[root] = counter++;
        stack[sp++] = (int32_t)root;
        on[root] = true;
        calls[0].edges = cc_xmalloc(edge_cap(rb) * sizeof(edge));
        calls[0].nedges = block_edges(rb, calls[0].edges, edge_cap(rb));
        while (depth) {
            call *c = &calls[depth - 1];
            const cc_block *blk = &f->blocks[c->v];
            if (c->next_edge < c->nedges) {
                edge *e = &c->edges[c->next_edge++];
                if (!spin_edge(f, blk, e))
                    continue;
                int32_t w = e->to;
                if (index[w] < 0) {
                    index[w] = low[w] = counter++;
                    stack[sp++] = w;
                    on[w] = true;
                    const cc_block *wb = &f->blocks[w];
                    call nc = {w, 0, 0, cc_xmalloc(edge_cap(wb) * sizeof(edge))};
                    nc.nedges = block_edges(wb, nc.edges, edge_cap(wb));
                    calls[depth++] = nc;
                } else if (on[w] && index[w] < low[c->v])
                    low[c->v] = index[w];
                continue;
            }
            int32_t v = c->v;
            bool self_loop = false;
            for (size_t k = 0; k < c->nedges; k++)
                if (c->edges[k].to == v && spin_edge(f, blk, &c->edges[k]))
                    self_loop = true;
            cc_free(c->edges);
            depth--;
            if (depth && low[v] < low[calls[depth - 1].v])
                low[calls[depth - 1].v] = low[v];
            if (low[v] != index[v])
                continue;
            /* v roots a component: pop it */
            size_t start = sp;
            while (stack[start - 1] != v)
                start--;
            start--;
            size_t size = sp - start;
            if (size > 1 || self_loop) {
                int32_t first = stack[start];
                for (size_t k = start; k < sp; k++)
                    if (stack[k] < first)
                        first = stack[k];
                const cc_block *fb = &f->blocks[first];
                cc_diag *d = cc_report(b->ds, CC_E203, fb->kind_loc.line ? fb->kind_loc : fb->id_loc,
                                       "cycle through '%s' never suspends the contact and no loop block bounds it: "
                                       "the contact would spin forever",
                                       fb->id);
                for (size_t k = start; k < sp; k++) {
                    const cc_block *m = &f->blocks[stack[k]];
                    if (stack[k] != first)
                        cc_note_add(d, m->id_loc, "block '%s' is on the cycle", m->id);
                }
                cc_note_add(d, fb->id_loc, "add a 'wait' or bound the cycle with a 'loop' block");
            }
            for (size_t k = start; k < sp; k++)
                on[stack[k]] = false;
            sp = start;
        }
    }
    cc_free(calls);
    cc_free(index);
    cc_free(low);
    cc_free(on);
    cc_free(stack);
}

/* Queue-dependent blocks reachable before a working queue is set (forward data flow). */
static void check_working_queue(cc_bundle *b, const cc_flow *f)
{
    if (f->type < 0 || cc_flow_types[f->type].inherits_queue || f->start_index == CC_NO_BLOCK)
        return;
    uint32_t n = f->nblocks;
    int32_t *pred = cc_xmalloc(n * sizeof *pred);
    bool *unset = cc_xcalloc(n, sizeof *unset);
    int32_t *work = cc_xmalloc((n + 1) * sizeof *work);
    size_t wp = 0;
    for (uint32_t i = 0; i < n; i++)
        pred[i] = CC_NO_BLOCK;
    unset[f->start_index] = true;
    work[wp++] = f->start_index;
    edge *es = NULL;
    size_t es_cap = 0;
    while (wp) {
        int32_t v = work[--wp];
        const cc_block *blk = &f->blocks[v];
        if (edge_cap(blk) > es_cap)
            es = cc_xrealloc(es, (es_cap = edge_cap(blk)) * sizeof *es);
        size_t ne = block_edges(blk, es, es_cap);
        for (size_t i = 0; i < ne; i++) {
            bool sets = blk->spec && (blk->spec->flags & CC_BK_SETS_QUEUE) && es[i].branch &&
                        strcmp(es[i].branch, "next") == 0;
            if (sets || unset[es[i].to])
                continue;
            unset[es[i].to] = true;
            pred[es[i].to] = v;
            work[wp++] = es[i].to;
        }
    }
    cc_free(es);
    for (uint32_t i = 0; i < n; i++) {
        const cc_block *blk = &f->blocks[i];
        if (!unset[i] || !blk->spec || !(blk->spec->flags & CC_BK_QUEUE_DEP))
            continue;
        if (blk->spec->queue_param && cc_block_param(blk, blk->spec->queue_param))
            continue;
        cc_diag *d = cc_report(b->ds, CC_W204, blk->kind_loc,
                               "'%s' block '%s' can run before any working queue is set; it takes its error branch then",
                               blk->spec->kind, blk->id);
        cc_buf path = {0};
        int32_t chain[64];
        size_t nc = 0;
        for (int32_t v = (int32_t)i; v != CC_NO_BLOCK && nc < CC_ARRAY_LEN(chain); v = pred[v])
            chain[nc++] = v;
        for (size_t k = nc; k-- > 0;)
            cc_buf_printf(&path, "%s%s", k + 1 == nc ? "" : " -> ", f->blocks[chain[k]].id);
        if (nc == 1)
            cc_note_add(d, f->blocks[f->start_index].id_loc, "'%s' starts the flow, before any 'set_working_queue'",
                        blk->id);
        else
            cc_note_add(d, f->blocks[f->start_index].id_loc, "reached without a working queue by %s", path.data);
        cc_buf_free(&path);
    }
    cc_free(pred);
    cc_free(unset);
    cc_free(work);
}

/* ---- channels ---- */

typedef struct {
    int32_t block; /* predecessor block, or CC_NO_BLOCK at the entry */
    const char *via; /* branch or operator taken */
} arrival;

typedef struct {
    unsigned entry;          /* channels entering the flow */
    unsigned reached;        /* channels brought by callers */
    bool has_callers;
    unsigned *in;            /* per block: channels that reach it */
    arrival *from;           /* per block and channel: how the channel first arrived */
    /* per channel: the call site that first brought it (flow index, block index, param) */
    int32_t caller_flow[CC_CH_COUNT], caller_block[CC_CH_COUNT];
    const cc_param *caller_param[CC_CH_COUNT];
} flow_channels;

static int channel_of_text(const char *s)
{
    for (int c = 0; c < CC_CH_COUNT; c++)
        if (strcmp(s, cc_channel_upper(c)) == 0)
            return c;
    return -1;
}

static bool is_equals(const cc_case *c)
{
    const cc_case_op *op = cc_case_op_by_name(c->op);
    return op && op->code == CC_CASE_EQUALS;
}

static bool is_channel_compare(const cc_block *blk)
{
    if (!blk->spec || cc_block_op(blk->spec) != CC_OP_COMPARE)
        return false;
    const cc_param *v = cc_block_param(blk, "value");
    return v && v->is_ref && strcmp(v->value->text, "$.Channel") == 0;
}

/* The channels an edge carries out of blk, given the channels that reach it. */
static unsigned edge_channels(const cc_block *blk, const edge *e, unsigned in)
{
    if (blk->spec) {
        unsigned fails = 0;
        for (int c = 0; c < CC_CH_COUNT; c++)
            if (blk->spec->support[c] == CC_SUP_NO_ERROR)
                fails |= 1u << c;
        if (!e->branch || strcmp(e->branch, "error") != 0)
            in &= ~fails; /* a channel the block fails for only leaves by its error branch */
    }
    if (!is_channel_compare(blk))
        return in;
    unsigned taken = 0;
    for (uint32_t i = 0; i < blk->ncases; i++) {
        const cc_case *c = &blk->cases[i];
        int ch = is_equals(c) && c->operand && c->operand->type == CC_NODE_SCALAR
                     ? channel_of_text(c->operand->text)
                     : -1;
        unsigned carries = ch >= 0 ? (1u << ch) & ~taken : 0;
        if (!is_equals(c))
            carries = in & ~taken; /* other operators on $.Channel: no narrowing we can prove */
        if (e->case_index == (int32_t)i)
            return in & carries;
        if (ch >= 0)
            taken |= 1u << ch;
    }
    if (e->branch && strcmp(e->branch, "no_match") == 0)
        return in & ~taken;
    return in;
}

static void propagate_flow(const cc_flow *f, flow_channels *fc)
{
    uint32_t n = f->nblocks;
    memset(fc->in, 0, n * sizeof *fc->in);
    if (f->start_index == CC_NO_BLOCK || !fc->entry)
        return;
    int32_t *work = cc_xmalloc((n * CC_CH_COUNT + 1) * sizeof *work);
    size_t wp = 0;
    fc->in[f->start_index] = fc->entry;
    for (int c = 0; c < CC_CH_COUNT; c++)
        fc->from[(size_t)f->start_index * CC_CH_COUNT + c] = (arrival){CC_NO_BLOCK, NULL};
    work[wp++] = f->start_index;
    edge *es = NULL;
    size_t es_cap = 0;
    while (wp) {
        int32_t v = work[--wp];
        const cc_block *blk = &f->blocks[v];
        if (edge_cap(blk) > es_cap)
            es = cc_xrealloc(es, (es_cap = edge_cap(blk)) * sizeof *es);
        size_t ne = block_edges(blk, es, es_cap);
        for (size_t i = 0; i < ne; i++) {
            unsigned out = edge_channels(blk, &es[i], fc->in[v]);
            unsigned fresh = out & ~fc->in[es[i].to];
            if (!fresh)
                continue;
            for (int c = 0; c < CC_CH_COUNT; c++)
                if (fresh & (1u << c))
                    fc->from[(size_t)es[i].to * CC_CH_COUNT + c] = (arrival){v, es[i].name};
            fc->in[es[i].to] |= fresh;
            work[wp++] = es[i].to;
        }
    }
    cc_free(es);
    cc_free(work);
}

/* Describes how a block sends contacts on to another flow. */
static const char *call_verb(const cc_param *p) { return p->spec->verb ? p->spec->verb : "refers to flow"; }

/* The channels a reference carries from a block reached by `in`. */
static unsigned call_channels(const cc_block *blk, unsigned in)
{
    if (cc_block_op(blk->spec) == CC_OP_CREATE_TASK)
        return in ? CC_CH_TASK : 0; /* the new task starts there, whatever brought this contact */
    unsigned fails = 0;
    for (int c = 0; c < CC_CH_COUNT; c++)
        if (blk->spec->support[c] == CC_SUP_NO_ERROR)
            fails |= 1u << c;
    return in & ~fails;
}

static void channel_names(unsigned mask, char *buf, size_t n)
{
    size_t used = 0;
    int total = 0, k = 0;
    for (int c = 0; c < CC_CH_COUNT; c++)
        total += (mask >> c) & 1;
    buf[0] = '\0';
    for (int c = 0; c < CC_CH_COUNT && used < n; c++)
        if (mask & (1u << c)) {
            k++;
            used += (size_t)snprintf(buf + used, n - used, "%s%s", k == 1 ? "" : k == total ? " and " : ", ",
                                     cc_channel_upper(c));
        }
}

/* The path by which channel ch arrives at block v inside flow f: "a -> b (false) -> c". */
static void in_flow_path(const cc_flow *f, const flow_channels *fc, int32_t v, int ch, cc_buf *out)
{
    int32_t chain[256];
    const char *via[256];
    size_t n = 0;
    bool *seen = cc_xcalloc(f->nblocks, sizeof *seen);
    for (int32_t x = v; x != CC_NO_BLOCK && n < CC_ARRAY_LEN(chain) && !seen[x];) {
        seen[x] = true;
        chain[n] = x;
        arrival a = fc->from[(size_t)x * CC_CH_COUNT + ch];
        via[n] = a.via;
        n++;
        x = a.block;
    }
    cc_free(seen);
    if (n == CC_ARRAY_LEN(chain))
        cc_buf_puts(out, "... -> ");
    for (size_t k = n; k-- > 0;) {
        cc_buf_puts(out, f->blocks[chain[k]].id);
        if (k > 0) {
            const char *branch = via[k - 1];
            if (branch && strcmp(branch, "next") != 0)
                cc_buf_printf(out, " (%s)", branch);
            cc_buf_puts(out, " -> ");
        }
    }
}

static void add_arrival_notes(cc_bundle *b, flow_channels *all, size_t fi, int32_t block, int ch, cc_diag *d, int hops)
{
    const cc_flow *f = b->flows.items[fi];
    flow_channels *fc = &all[fi];
    int32_t cf = fc->caller_flow[ch];
    if (cf >= 0 && hops < 16 && !f->channels_declared && f->type != CC_FT_INBOUND) {
        const cc_flow *caller = b->flows.items[cf];
        const cc_block *cb = &caller->blocks[fc->caller_block[ch]];
        add_arrival_notes(b, all, (size_t)cf, fc->caller_block[ch], ch, d, hops + 1);
        cc_note_add(d, fc->caller_param[ch]->value->loc, "'%s' of flow '%s' %s '%s' for %s contacts", cb->id,
                    caller->name, call_verb(fc->caller_param[ch]), f->name, cc_channel_upper(ch));
    } else if (f->channels_declared)
        cc_note_add(d, f->channels_loc, "%s contacts enter flow '%s', which declares them", cc_channel_upper(ch), f->name);
    else if (f->type == CC_FT_INBOUND)
        cc_note_add(d, f->type_loc.line ? f->type_loc : f->name_loc,
                    "%s contacts can enter flow '%s': an inbound flow that declares no 'channels' takes every channel",
                    cc_channel_upper(ch), f->name);
    else
        cc_note_add(d, f->type_loc.line ? f->type_loc : f->name_loc,
                    "%s contacts can enter flow '%s': no flow of the bundle refers to it, so it takes every channel of "
                    "its type",
                    cc_channel_upper(ch), f->name);
    cc_buf path = {0};
    in_flow_path(f, fc, block, ch, &path);
    const cc_block *blk = &f->blocks[block];
    if (strchr(path.data, '>'))
        cc_note_add(d, blk->id_loc, "%s contacts reach '%s' by %s", cc_channel_upper(ch), blk->id, path.data);
    cc_buf_free(&path);
}

/* Adds the arrival notes of every channel in mask to d; channels that arrive the same way share
 * one set of notes ("CHAT and TASK contacts ..."). */
static void emit_arrival_notes(cc_bundle *b, flow_channels *all, size_t fi, int32_t block, unsigned mask, cc_diag *d)
{
    cc_diag scratch[CC_CH_COUNT];
    char *keys[CC_CH_COUNT] = {0};
    for (int c = 0; c < CC_CH_COUNT; c++) {
        memset(&scratch[c], 0, sizeof scratch[c]);
        if (!(mask & (1u << c)))
            continue;
        add_arrival_notes(b, all, fi, block, c, &scratch[c], 0);
        cc_buf key = {0};
        for (size_t j = 0; j < scratch[c].notes.len; j++) {
            char *m = cc_str_replace(scratch[c].notes.items[j].message, cc_channel_upper(c), "\x01");
            cc_loc l = scratch[c].notes.items[j].loc;
            cc_buf_printf(&key, "%u:%u:%u:%s\n", l.file, l.line, l.col, m);
            cc_free(m);
        }
        keys[c] = key.data ? key.data : cc_xstrdup("");
    }
    for (int c = 0; c < CC_CH_COUNT; c++) {
        if (!keys[c])
            continue;
        unsigned group = 0;
        for (int o = c; o < CC_CH_COUNT; o++)
            if (keys[o] && strcmp(keys[o], keys[c]) == 0)
                group |= 1u << o;
        char names[64];
        channel_names(group, names, sizeof names);
        for (size_t j = 0; j < scratch[c].notes.len; j++) {
            char *m = cc_str_replace(scratch[c].notes.items[j].message, cc_channel_upper(c), names);
            cc_note_add(d, scratch[c].notes.items[j].loc, "%s", m);
            cc_free(m);
        }
        for (int o = c; o < CC_CH_COUNT; o++) /* the group, c included, is told */
            if (group & (1u << o)) {
                cc_free(keys[o]);
                keys[o] = NULL;
                cc_notes_free(&scratch[o]);
            }
    }
}

static void check_channels(cc_bundle *b)
{
    size_t nf = b->flows.len;
    flow_channels *all = cc_xcalloc(nf + 1, sizeof *all);
    for (size_t i = 0; i < nf; i++) {
        const cc_flow *f = b->flows.items[i];
        all[i].in = cc_xcalloc(f->nblocks + 1, sizeof *all[i].in);
        all[i].from = cc_xcalloc((f->nblocks + 1) * CC_CH_COUNT, sizeof *all[i].from);
        for (int c = 0; c < CC_CH_COUNT; c++)
            all[i].caller_flow[c] = -1;
    }
    /* Fixed point: entries of flows that callers reach are the union of what reaches them. Flows
     * that nobody reaches (and that declare nothing) get every channel of their type, after. */
    bool orphans_opened = false;
    for (int round = 0; round < 1000; round++) {
        for (size_t i = 0; i < nf; i++) {
            const cc_flow *f = b->flows.items[i];
            flow_channels *fc = &all[i];
            unsigned entry;
            if (f->channels_declared || f->type == CC_FT_INBOUND || f->type < 0)
                entry = f->channels;
            else if (fc->has_callers)
                entry = fc->reached & f->channels;
            else
                entry = orphans_opened ? f->channels : 0;
            if (round > 0 && entry == fc->entry)
                continue; /* what reaches the flow has not changed: neither has what flows through it */
            fc->entry = entry;
            propagate_flow(f, fc);
        }
        bool changed = false;
        for (size_t i = 0; i < nf; i++) {
            const cc_flow *f = b->flows.items[i];
            for (uint32_t k = 0; k < f->nblocks; k++) {
                const cc_block *blk = &f->blocks[k];
                if (!blk->spec || !all[i].in[k])
                    continue;
                for (uint32_t j = 0; j < blk->nparams; j++) {
                    const cc_param *p = &blk->params[j];
                    if (p->spec->type != CC_PT_FLOW || p->is_ref || p->invalid)
                        continue;
                    cc_flow *t = cc_bundle_flow(b, p->value->text);
                    if (!t)
                        continue;
                    size_t ti;
                    for (ti = 0; ti < nf && b->flows.items[ti] != t; ti++)
                        ;
                    unsigned carried = call_channels(blk, all[i].in[k]);
                    flow_channels *tc = &all[ti];
                    if (!tc->has_callers && carried) {
                        tc->has_callers = true;
                        changed = true;
                    }
                    unsigned fresh = carried & ~tc->reached;
                    if (fresh) {
                        for (int c = 0; c < CC_CH_COUNT; c++)
                            if (fresh & (1u << c) && tc->caller_flow[c] < 0) {
                                tc->caller_flow[c] = (int32_t)i;
                                tc->caller_block[c] = (int32_t)k;
                                tc->caller_param[c] = p;
                            }
                        tc->reached |= fresh;
                        changed = true;
                    }
                }
            }
        }
        if (!changed) {
            if (orphans_opened)
                break;
            orphans_opened = true;
        }
    }

    /* Findings. */
    for (size_t i = 0; i < nf; i++) {
        cc_flow *f = b->flows.items[i];
        flow_channels *fc = &all[i];
        f->channels_entry = fc->entry;
        for (uint32_t k = 0; k < f->nblocks; k++)
            f->blocks[k].channels_in = fc->in[k];
        for (uint32_t k = 0; k < f->nblocks; k++) {
            const cc_block *blk = &f->blocks[k];
            if (!blk->spec || !fc->in[k])
                continue;
            unsigned fails = 0, noops = 0;
            for (int c = 0; c < CC_CH_COUNT; c++) {
                if (!(fc->in[k] & (1u << c)))
                    continue;
                if (blk->spec->support[c] == CC_SUP_NO_ERROR)
                    fails |= 1u << c;
                else if (blk->spec->support[c] == CC_SUP_NO_SUCCESS)
                    noops |= 1u << c;
            }
            for (int pass = 0; pass < 2; pass++) {
                unsigned mask = pass ? noops : fails;
                if (!mask)
                    continue;
                char names[64];
                channel_names(mask, names, sizeof names);
                bool plural = (mask & (mask - 1)) != 0;
                cc_diag *d = pass ? cc_report(b->ds, CC_W402, blk->kind_loc,
                                              "%s contacts reach '%s' block '%s', which does nothing for %s",
                                              names, blk->spec->kind, blk->id, plural ? "them" : "that channel")
                                  : cc_report(b->ds, CC_E401, blk->kind_loc,
                                              "%s contacts reach '%s' block '%s', which does not support %s: "
                                              "%s the error branch",
                                              names, blk->spec->kind, blk->id, names, plural ? "they take" : "it takes");
                d->channels = mask;
                emit_arrival_notes(b, all, i, (int32_t)k, mask, d);
            }
            /* callers sending channels that a flow does not declare */
            for (uint32_t j = 0; j < blk->nparams; j++) {
                const cc_param *p = &blk->params[j];
                if (p->spec->type != CC_PT_FLOW || p->is_ref || p->invalid)
                    continue;
                cc_flow *t = cc_bundle_flow(b, p->value->text);
                if (!t || !t->channels_declared)
                    continue;
                unsigned extra = call_channels(blk, fc->in[k]) & ~t->channels &
                                 (t->type >= 0 ? cc_flow_types[t->type].channels : CC_CH_ALL);
                if (!extra)
                    continue;
                char names[64], accepted[64];
                channel_names(extra, names, sizeof names);
                channel_names(t->channels, accepted, sizeof accepted);
                cc_diag *d = cc_report(b->ds, CC_E403, p->value->loc,
                                       "'%s' %s '%s' for %s contacts, but '%s' accepts only %s", blk->id,
                                       call_verb(p), t->name, names, t->name, accepted);
                d->channels = extra;
                cc_note_add(d, t->channels_loc, "'%s' declares its channels here", t->name);
                emit_arrival_notes(b, all, i, (int32_t)k, extra, d);
            }
        }
    }
    for (size_t i = 0; i < nf; i++) {
        cc_free(all[i].in);
        cc_free(all[i].from);
    }
    cc_free(all);
}

/* Comparisons of $.Channel with values no contact has. */
static void check_channel_values(cc_bundle *b, const cc_flow *f)
{
    const char *uppers[CC_CH_COUNT];
    char all[64];
    size_t used = 0;
    for (int ch = 0; ch < CC_CH_COUNT; ch++) {
        uppers[ch] = cc_channel_upper(ch);
        used += (size_t)snprintf(all + used, sizeof all - used, "%s%s", ch == 0 ? "" : ch + 1 == CC_CH_COUNT ? " or " : ", ",
                                 uppers[ch]);
    }
    for (uint32_t i = 0; i < f->nblocks; i++) {
        const cc_block *blk = &f->blocks[i];
        if (!is_channel_compare(blk))
            continue;
        for (uint32_t j = 0; j < blk->ncases; j++) {
            const cc_case *c = &blk->cases[j];
            if (!is_equals(c) || !c->operand || c->operand->type != CC_NODE_SCALAR ||
                channel_of_text(c->operand->text) >= 0)
                continue;
            cc_diag *d = cc_report(b->ds, CC_W404, c->operand->loc,
                                   "no contact has channel '%s'; $.Channel is %s", c->operand->text, all);
            char upper[32];
            size_t k;
            for (k = 0; k + 1 < sizeof upper && c->operand->text[k]; k++)
                upper[k] = (char)(c->operand->text[k] >= 'a' && c->operand->text[k] <= 'z' ? c->operand->text[k] - 32
                                                                                            : c->operand->text[k]);
            upper[k] = '\0';
            const char *best = cc_closest(upper, uppers, CC_CH_COUNT);
            if (best)
                cc_note_add(d, c->operand->loc, "did you mean '%s'?", best);
        }
    }
}

void cc_check_bundle(cc_bundle *b)
{
    for (size_t i = 0; i < b->flows.len; i++)
        resolve_flow(b, b->flows.items[i]);
    for (size_t i = 0; i < b->flows.len; i++) {
        cc_flow *f = b->flows.items[i];
        check_types(b, f);
        bool *reach = reachable_blocks(f);
        if (f->start_index != CC_NO_BLOCK)
            for (uint32_t k = 0; k < f->nblocks; k++)
                if (!reach[k])
                    cc_report(b->ds, CC_W201, f->blocks[k].id_loc,
                              "block '%s' is unreachable: no path from the start of flow '%s' leads to it",
                              f->blocks[k].id, f->name);
        for (uint32_t k = 0; k < f->nblocks; k++)
            f->blocks[k].reachable = reach[k];
        check_unconnected(b, f, reach);
        check_cycles(b, f, reach);
        check_working_queue(b, f);
        check_channel_values(b, f);
        cc_free(reach);
    }
    check_channels(b);
}

/* Loads the paths (and the standard flows) into the bundle and checks it: the front door of
 * check, compile and the API. Returns false when a path could not be read or held no flow. */
bool cc_bundle_load_and_check(cc_bundle *b, const char *const *paths, size_t n, bool stdlib)
{
    bool io_ok = true;
    for (size_t i = 0; i < n; i++) {
        size_t before = b->files;
        bool ok = cc_bundle_add_path(b, paths[i], false);
        /* a path that holds no flow is an error, never a silent pass (a CI job pointed at the
         * wrong directory must fail) */
        if (ok && b->files == before) {
            cc_report(b->ds, CC_E100, (cc_loc){0}, "no flows found in %s", paths[i]);
            ok = false;
        }
        io_ok &= ok;
    }
    if (stdlib)
        cc_bundle_add_stdlib(b);
    cc_check_bundle(b);
    return io_ok;
}
