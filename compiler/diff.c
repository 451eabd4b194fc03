/* diff.c — `ccflow diff`: what changed in meaning between two bundles. Flows match by name;
 * blocks by Connect identifier (when both sides came from Connect JSON), then by id, then by
 * structure (same kind, parameters and targets) for a block whose id alone changed. Parameters
 * compare by value, never by spelling; branches by the block they lead to. The channel verdicts
 * (E401, W402, E403) of each side are split per channel and compared as sets. */
#include "diff.h"
#include "json_writer.h"

#include <stdlib.h>
#include <string.h>

/* A value a change reports: nothing, a text, a number, a boolean, or a document node. */
typedef enum { V_NULL, V_TEXT, V_INT, V_BOOL, V_NODE } value_kind;

typedef struct {
    value_kind kind;
    const char *text;
    int64_t num;
    const cc_node *node;
} value;

typedef struct {
    const char *what; /* "kind", "parameter", "branch", "start", "id" */
    const char *name;
    value old_v, new_v;
} change;

typedef CC_VEC(change) changes;

typedef struct {
    const char *id;
    const char *connect_id; /* or NULL */
    const char *status;     /* "added", "removed", "changed" */
    const char *kind;       /* for the reader of an added or removed block */
    changes changes;
} block_diff;

typedef struct {
    int channel;
    const char *flow, *block, *kind;
    const cc_diag *diag;
    bool is_new; /* else gone */
} verdict;

typedef struct {
    const char *name;
    const char *status;
    changes changes; /* of the flow itself: type, channels */
    CC_VEC(block_diff) blocks;
    CC_VEC(verdict) verdicts;
} flow_diff;

/* Which block of the other side each block matches, or CC_NO_BLOCK. */
typedef struct {
    const cc_flow *fo, *fn;
    int32_t *o2n, *n2o;
} matching;

typedef struct {
    cc_arena arena;
    const cc_bundle *old_b, *new_b;
    matching *matches; /* per flow of the old bundle; fn NULL when the flow is gone */
    CC_VEC(flow_diff) flows;
} differ;

/* ---- canonical values: equal exactly when the meaning is ---- */

static void canon_node(cc_buf *out, const cc_node *n)
{
    if (!n) {
        cc_buf_puts(out, "null");
        return;
    }
    if (n->type == CC_NODE_SCALAR) {
        /* the parameter's type gives a scalar its meaning: `10` and "10" are one text */
        cc_jw_quote(out, n->text, n->len);
        return;
    }
    if (n->type == CC_NODE_LIST) {
        cc_buf_putc(out, '[');
        for (uint32_t i = 0; i < n->count; i++) {
            if (i)
                cc_buf_putc(out, ',');
            canon_node(out, n->items[i]);
        }
        cc_buf_putc(out, ']');
        return;
    }
    /* mappings in key order: the order keys are written in means nothing */
    uint32_t *order = cc_xcalloc(n->count + 1, sizeof *order);
    for (uint32_t i = 0; i < n->count; i++) {
        uint32_t j = i;
        const char *k = n->pairs[i].key->type == CC_NODE_SCALAR ? n->pairs[i].key->text : "";
        for (; j > 0; j--) {
            const cc_node *pk = n->pairs[order[j - 1]].key;
            if (strcmp(pk->type == CC_NODE_SCALAR ? pk->text : "", k) <= 0)
                break;
            order[j] = order[j - 1];
        }
        order[j] = i;
    }
    cc_buf_putc(out, '{');
    for (uint32_t i = 0; i < n->count; i++) {
        if (i)
            cc_buf_putc(out, ',');
        canon_node(out, n->pairs[order[i]].key);
        cc_buf_putc(out, ':');
        canon_node(out, n->pairs[order[i]].value);
    }
    cc_buf_putc(out, '}');
    cc_free(order);
}

static bool param_parsed(const cc_param *p)
{
    return !p->is_ref && !p->invalid &&
           (p->spec->type == CC_PT_INT || p->spec->type == CC_PT_DURATION || p->spec->type == CC_PT_BOOL);
}

static void canon_param(cc_buf *out, const cc_param *p)
{
    if (!p)
        cc_buf_puts(out, "-");
    else if (param_parsed(p))
        /* 60s, 1m and Connect's "60" are one duration */
        cc_buf_printf(out, "#%lld", (long long)p->num);
    else
        canon_node(out, p->value);
}

static bool same_param(const cc_param *a, const cc_param *b)
{
    cc_buf x = {0}, y = {0};
    canon_param(&x, a);
    canon_param(&y, b);
    bool same = !strcmp(x.data ? x.data : "", y.data ? y.data : "");
    cc_buf_free(&x);
    cc_buf_free(&y);
    return same;
}

static char *case_condition(cc_arena *a, const cc_case *c)
{
    cc_buf text = {0};
    cc_buf_printf(&text, "%s ", c->op);
    canon_node(&text, c->operand);
    char *s = cc_arena_strdup(a, text.data);
    cc_buf_free(&text);
    return s;
}

/* ---- matching ---- */

static const char *connect_ident(const cc_flow *f, const cc_block *blk)
{
    const cc_node *n = cc_node_get(cc_node_get(cc_node_get(f->connect, "actions"), blk->id), "identifier");
    return n && n->type == CC_NODE_SCALAR ? n->text : NULL;
}

/* Whether an old target and a new target are the same block. `loose` (while matching) counts two
 * blocks that are both still unmatched as possibly the same. */
static bool same_target(const matching *m, int32_t to, const char *to_text, int32_t tn, const char *tn_text,
                        bool loose)
{
    if (to < 0 || tn < 0)
        return to < 0 && tn < 0 && (to_text && tn_text ? !strcmp(to_text, tn_text) : to_text == tn_text);
    if (m->o2n[to] >= 0)
        return m->o2n[to] == tn;
    return loose && m->n2o[tn] < 0;
}

static bool same_structure(const matching *m, const cc_block *bo, const cc_block *bn)
{
    if (!bo->spec || bo->spec != bn->spec || bo->nparams != bn->nparams || bo->ncases != bn->ncases ||
        bo->nbranches != bn->nbranches)
        return false;
    for (uint32_t i = 0; i < bo->nparams; i++)
        if (!same_param(&bo->params[i], cc_block_param(bn, bo->params[i].spec->name)))
            return false;
    for (uint32_t i = 0; i < bo->ncases; i++) {
        const cc_case *co = &bo->cases[i], *cn = &bn->cases[i];
        cc_buf x = {0}, y = {0};
        canon_node(&x, co->operand);
        canon_node(&y, cn->operand);
        bool same = !strcmp(co->op, cn->op) && !strcmp(x.data, y.data) &&
                    same_target(m, co->to, co->target, cn->to, cn->target, true);
        cc_buf_free(&x);
        cc_buf_free(&y);
        if (!same)
            return false;
    }
    for (uint32_t i = 0; i < bo->nbranches; i++) {
        const cc_branch *ro = &bo->branches[i], *rn = cc_block_branch(bn, ro->name);
        if (!rn || !same_target(m, ro->to, ro->target, rn->to, rn->target, true))
            return false;
    }
    return true;
}

static void match_blocks(matching *m)
{
    const cc_flow *fo = m->fo, *fn = m->fn;
    m->o2n = cc_xmalloc((fo->nblocks + 1) * sizeof *m->o2n);
    m->n2o = cc_xmalloc((fn->nblocks + 1) * sizeof *m->n2o);
    for (uint32_t i = 0; i < fo->nblocks; i++)
        m->o2n[i] = CC_NO_BLOCK;
    for (uint32_t j = 0; j < fn->nblocks; j++)
        m->n2o[j] = CC_NO_BLOCK;
    /* 1. Connect identifiers: stable across the renumbering of the ids ccflow derives from them */
    cc_map idents = {0};
    for (uint32_t j = 0; j < fn->nblocks; j++) {
        const char *id = connect_ident(fn, &fn->blocks[j]);
        if (id)
            cc_map_put(&idents, id, (void *)(intptr_t)(j + 1));
    }
    for (uint32_t i = 0; i < fo->nblocks; i++) {
        const char *id = connect_ident(fo, &fo->blocks[i]);
        intptr_t j = id ? (intptr_t)cc_map_get(&idents, id) - 1 : -1;
        if (j >= 0 && m->n2o[j] < 0) {
            m->o2n[i] = (int32_t)j;
            m->n2o[j] = (int32_t)i;
        }
    }
    cc_map_free(&idents);
    /* 2. block ids, unless both blocks carry Connect identifiers that differ */
    for (uint32_t i = 0; i < fo->nblocks; i++) {
        if (m->o2n[i] >= 0)
            continue;
        int32_t j = cc_flow_block_index(fn, fo->blocks[i].id);
        if (j < 0 || m->n2o[j] >= 0)
            continue;
        const char *io = connect_ident(fo, &fo->blocks[i]), *in = connect_ident(fn, &fn->blocks[j]);
        if (io && in && strcmp(io, in) != 0)
            continue;
        m->o2n[i] = j;
        m->n2o[j] = (int32_t)i;
    }
    /* 3. structure: a block whose id alone changed, when exactly one block on each side fits */
    for (bool progress = true; progress;) {
        progress = false;
        for (uint32_t i = 0; i < fo->nblocks; i++) {
            if (m->o2n[i] >= 0)
                continue;
            int32_t found = CC_NO_BLOCK;
            int count = 0;
            for (uint32_t j = 0; j < fn->nblocks && count < 2; j++)
                if (m->n2o[j] < 0 && same_structure(m, &fo->blocks[i], &fn->blocks[j]))
                    found = (int32_t)j, count++;
            if (count != 1)
                continue;
            int back = 0;
            for (uint32_t k = 0; k < fo->nblocks && back < 2; k++)
                if (m->o2n[k] < 0 && same_structure(m, &fo->blocks[k], &fn->blocks[found]))
                    back++;
            if (back != 1)
                continue;
            m->o2n[i] = found;
            m->n2o[found] = (int32_t)i;
            progress = true;
        }
    }
}

/* ---- changes of a matched pair ---- */

static value v_null(void)
{
    return (value){V_NULL, NULL, 0, NULL};
}

static value v_text(const char *s)
{
    return s ? (value){V_TEXT, s, 0, NULL} : v_null();
}

static value v_param(differ *d, const cc_param *p)
{
    if (!p)
        return v_null();
    if (param_parsed(p)) {
        if (p->spec->type == CC_PT_INT)
            return (value){V_INT, NULL, p->num, NULL};
        if (p->spec->type == CC_PT_BOOL)
            return (value){V_BOOL, NULL, p->num, NULL};
        char text[48];
        cc_format_duration(text, sizeof text, p->num);
        return v_text(cc_arena_strdup(&d->arena, text));
    }
    return (value){V_NODE, NULL, 0, p->value};
}

static void add_change(changes *cs, const char *what, const char *name, value o, value n)
{
    change c = {what, name, o, n};
    cc_vec_push(cs, c);
}

static const char *target_id(const cc_flow *f, int32_t to, const char *text)
{
    return to >= 0 ? f->blocks[to].id : text;
}

static void param_changes(differ *d, const cc_block *bo, const cc_block *bn, changes *cs)
{
    /* in the catalogue's order of the new kind, then what only the old kind has */
    for (int side = 0; side < 2; side++) {
        const cc_block_spec *spec = side ? bo->spec : bn->spec;
        for (const cc_param_spec *ps = spec ? spec->params : NULL; ps && ps->name; ps++) {
            if (ps->type == CC_PT_CASES)
                continue;
            if (side && bn->spec) {
                bool seen = false;
                for (const cc_param_spec *q = bn->spec->params; q->name && !seen; q++)
                    seen = !strcmp(q->name, ps->name);
                if (seen)
                    continue;
            }
            const cc_param *po = cc_block_param(bo, ps->name), *pn = cc_block_param(bn, ps->name);
            if (!same_param(po, pn))
                add_change(cs, "parameter", ps->name, v_param(d, po), v_param(d, pn));
        }
    }
}

static void branch_changes(differ *d, const matching *m, const cc_block *bo, const cc_block *bn, changes *cs)
{
    uint32_t n = bo->ncases > bn->ncases ? bo->ncases : bn->ncases;
    for (uint32_t i = 0; i < n; i++) {
        const cc_case *co = i < bo->ncases ? &bo->cases[i] : NULL, *cn = i < bn->ncases ? &bn->cases[i] : NULL;
        const char *xo = co ? case_condition(&d->arena, co) : NULL, *xn = cn ? case_condition(&d->arena, cn) : NULL;
        const char *name = cc_arena_printf(&d->arena, "case %u", i + 1);
        if (!xo || !xn || strcmp(xo, xn) != 0)
            add_change(cs, "parameter", name, v_text(xo), v_text(xn));
        if (!co || !cn || !same_target(m, co->to, co->target, cn->to, cn->target, false))
            add_change(cs, "branch", xn ? xn : xo, v_text(co ? target_id(m->fo, co->to, co->target) : NULL),
                       v_text(cn ? target_id(m->fn, cn->to, cn->target) : NULL));
    }
    /* `next` first, then in the catalogue's order: the order they were written in means nothing */
    for (int side = 0; side < 2; side++) {
        const cc_block *b = side ? bo : bn;
        for (int idx = -1; idx < 64; idx++)
            for (uint32_t j = 0; j < b->nbranches; j++) {
                if (b->branches[j].index != idx)
                    continue;
                const char *name = b->branches[j].name;
                const cc_branch *ro = cc_block_branch(bo, name), *rn = cc_block_branch(bn, name);
                if (side && rn)
                    continue; /* told from the new side */
                bool same = ro && rn && same_target(m, ro->to, ro->target, rn->to, rn->target, false);
                if (!same)
                    add_change(cs, "branch", name, v_text(ro ? target_id(m->fo, ro->to, ro->target) : NULL),
                               v_text(rn ? target_id(m->fn, rn->to, rn->target) : NULL));
            }
    }
}

static const char *channels_text(differ *d, unsigned mask)
{
    cc_buf text = {0};
    cc_buf_puts(&text, "");
    for (int c = 0; c < CC_CH_COUNT; c++)
        if (mask & (1u << c))
            cc_buf_printf(&text, "%s%s", text.len ? ", " : "", cc_channel_name(c));
    const char *s = cc_arena_strdup(&d->arena, text.data);
    cc_buf_free(&text);
    return s;
}

static flow_diff *flow_entry(differ *d, const char *name, const char *status)
{
    for (size_t i = 0; i < d->flows.len; i++)
        if (!strcmp(d->flows.items[i].name, name))
            return &d->flows.items[i];
    flow_diff fd = {.name = name, .status = status};
    cc_vec_push(&d->flows, fd);
    return &d->flows.items[d->flows.len - 1];
}

static void diff_flow(differ *d, const matching *m)
{
    const cc_flow *fo = m->fo, *fn = m->fn;
    flow_diff fd = {.name = fn->name, .status = "changed"};
    if (fo->type != fn->type)
        add_change(&fd.changes, "type", "type", v_text(fo->type >= 0 ? cc_flow_types[fo->type].name : NULL),
                   v_text(fn->type >= 0 ? cc_flow_types[fn->type].name : NULL));
    if (fo->channels != fn->channels || fo->channels_declared != fn->channels_declared)
        add_change(&fd.changes, "channels", "channels",
                   v_text(fo->channels_declared ? channels_text(d, fo->channels) : NULL),
                   v_text(fn->channels_declared ? channels_text(d, fn->channels) : NULL));
    int32_t so = fo->start_index, sn = fn->start_index;
    bool start_moved = !(so < 0 && sn < 0) && (so < 0 || sn < 0 || m->o2n[so] != sn);
    for (uint32_t j = 0; j < fn->nblocks; j++) {
        const cc_block *bn = &fn->blocks[j];
        block_diff bd = {.id = bn->id, .connect_id = connect_ident(fn, bn), .kind = bn->spec ? bn->spec->kind : "?"};
        int32_t i = m->n2o[j];
        if (i < 0)
            bd.status = "added";
        else {
            const cc_block *bo = &fo->blocks[i];
            if (!bd.connect_id)
                bd.connect_id = connect_ident(fo, bo);
            bd.status = "changed";
            /* an id that changed with its Connect identifier kept is how ccflow numbered it, not an edit */
            const char *io = connect_ident(fo, bo), *in = connect_ident(fn, bn);
            if (strcmp(bo->id, bn->id) != 0 && !(io && in && !strcmp(io, in)))
                add_change(&bd.changes, "id", "id", v_text(bo->id), v_text(bn->id));
            if (bo->spec != bn->spec)
                add_change(&bd.changes, "kind", "kind", v_text(bo->spec ? bo->spec->kind : NULL),
                           v_text(bn->spec ? bn->spec->kind : NULL));
            param_changes(d, bo, bn, &bd.changes);
            branch_changes(d, m, bo, bn, &bd.changes);
        }
        if (start_moved && (int32_t)j == sn)
            add_change(&bd.changes, "start", "start", v_text(so >= 0 ? fo->blocks[so].id : NULL), v_text(bn->id));
        if (i < 0 || bd.changes.len)
            cc_vec_push(&fd.blocks, bd);
    }
    for (uint32_t i = 0; i < fo->nblocks; i++)
        if (m->o2n[i] < 0) {
            block_diff bd = {.id = fo->blocks[i].id, .connect_id = connect_ident(fo, &fo->blocks[i]),
                             .status = "removed", .kind = fo->blocks[i].spec ? fo->blocks[i].spec->kind : "?"};
            if (start_moved && sn < 0 && (int32_t)i == so)
                add_change(&bd.changes, "start", "start", v_text(bd.id), v_null());
            cc_vec_push(&fd.blocks, bd);
        }
    if (fd.blocks.len || fd.changes.len)
        cc_vec_push(&d->flows, fd);
}

/* ---- channel verdicts ---- */

static bool same_loc(cc_loc a, cc_loc b)
{
    return a.file && a.file == b.file && a.line == b.line && a.col == b.col && a.end_line == b.end_line &&
           a.end_col == b.end_col;
}

/* The block a channel verdict is about: E401 and W402 point at its kind, E403 at the flow it calls. */
static const cc_block *verdict_block(const cc_bundle *b, const cc_diag *dg, const cc_flow **flow)
{
    for (size_t i = 0; i < b->flows.len; i++) {
        const cc_flow *f = b->flows.items[i];
        for (uint32_t k = 0; k < f->nblocks; k++) {
            const cc_block *blk = &f->blocks[k];
            bool here = dg->code == CC_E403 ? false : same_loc(blk->kind_loc, dg->loc);
            for (uint32_t j = 0; j < blk->nparams && !here && dg->code == CC_E403; j++)
                here = blk->params[j].value && same_loc(blk->params[j].value->loc, dg->loc);
            if (here) {
                *flow = f;
                return blk;
            }
        }
    }
    return NULL;
}

typedef struct {
    const char *key;
    verdict v;
} keyed_verdict;

typedef CC_VEC(keyed_verdict) verdict_list;

static void collect_verdicts(differ *d, const cc_bundle *b, bool old_side, verdict_list *out)
{
    for (size_t i = 0; i < b->ds->diags.len; i++) {
        const cc_diag *dg = b->ds->diags.items[i];
        if (dg->code != CC_E401 && dg->code != CC_W402 && dg->code != CC_E403)
            continue;
        const cc_flow *f = NULL;
        const cc_block *blk = verdict_block(b, dg, &f);
        if (!blk)
            continue;
        const char *id = blk->id;
        if (old_side) /* an old block is known by the id it has now */
            for (size_t m = 0; m < d->old_b->flows.len; m++)
                if (d->matches[m].fo == f && d->matches[m].fn) {
                    int32_t j = d->matches[m].o2n[blk - f->blocks];
                    if (j >= 0)
                        id = d->matches[m].fn->blocks[j].id;
                }
        unsigned mask = dg->channels; /* the channels the checker found, not read back from the text */
        for (int c = 0; c < CC_CH_COUNT; c++)
            if (mask & (1u << c)) {
                keyed_verdict kv = {cc_arena_printf(&d->arena, "%s\x1f%s\x1f%d\x1f%d", f->name, id, c, (int)dg->code),
                                    {c, f->name, id, blk->spec ? blk->spec->kind : "?", dg, !old_side}};
                cc_vec_push(out, kv);
            }
    }
}

static int verdict_order(const void *pa, const void *pb)
{
    const verdict *a = pa, *b = pb;
    int ra = (a->is_new ? 0 : 2) + (a->diag->severity == CC_SEV_ERROR ? 0 : 1);
    int rb = (b->is_new ? 0 : 2) + (b->diag->severity == CC_SEV_ERROR ? 0 : 1);
    if (ra != rb)
        return ra - rb;
    int c = strcmp(a->block, b->block);
    if (c)
        return c;
    if (a->channel != b->channel)
        return a->channel - b->channel;
    return (int)a->diag->code - (int)b->diag->code;
}

static void diff_verdicts(differ *d)
{
    verdict_list old_v = {0}, new_v = {0};
    collect_verdicts(d, d->old_b, true, &old_v);
    collect_verdicts(d, d->new_b, false, &new_v);
    cc_map seen_old = {0}, seen_new = {0};
    for (size_t i = 0; i < old_v.len; i++)
        cc_map_put(&seen_old, old_v.items[i].key, &old_v.items[i]);
    for (size_t i = 0; i < new_v.len; i++)
        cc_map_put(&seen_new, new_v.items[i].key, &new_v.items[i]);
    for (int side = 0; side < 2; side++) {
        verdict_list *list = side ? &old_v : &new_v;
        cc_map *other = side ? &seen_new : &seen_old;
        for (size_t i = 0; i < list->len; i++) {
            if (cc_map_get(other, list->items[i].key))
                continue;
            /* a verdict told twice on one side (two callers) counts once */
            if (cc_map_get(side ? &seen_old : &seen_new, list->items[i].key) != &list->items[i])
                continue;
            bool in_new = cc_bundle_flow(d->new_b, list->items[i].v.flow) != NULL;
            bool in_old = cc_bundle_flow(d->old_b, list->items[i].v.flow) != NULL;
            flow_diff *fd = flow_entry(d, list->items[i].v.flow, !in_old ? "added" : !in_new ? "removed" : "changed");
            cc_vec_push(&fd->verdicts, list->items[i].v);
        }
    }
    cc_map_free(&seen_old);
    cc_map_free(&seen_new);
    cc_vec_free(&old_v);
    cc_vec_free(&new_v);
    for (size_t i = 0; i < d->flows.len; i++)
        if (d->flows.items[i].verdicts.len > 1)
            qsort(d->flows.items[i].verdicts.items, d->flows.items[i].verdicts.len, sizeof(verdict), verdict_order);
}

/* ---- the comparison ---- */

static void diff_all(differ *d)
{
    const cc_bundle *ob = d->old_b, *nb = d->new_b;
    d->matches = cc_xcalloc(ob->flows.len + 1, sizeof *d->matches);
    for (size_t i = 0; i < ob->flows.len; i++) {
        const cc_flow *fo = ob->flows.items[i];
        d->matches[i].fo = fo;
        const cc_flow *fn = cc_bundle_flow(nb, fo->name);
        if (fn && cc_bundle_flow(ob, fo->name) == fo) {
            d->matches[i].fn = fn;
            match_blocks(&d->matches[i]);
        }
    }
    /* in the new bundle's order, then the flows that are gone */
    for (size_t j = 0; j < nb->flows.len; j++) {
        const cc_flow *fn = nb->flows.items[j];
        if (cc_bundle_flow(nb, fn->name) != fn)
            continue; /* a second flow of the name (E117) */
        size_t i;
        for (i = 0; i < ob->flows.len && d->matches[i].fn != fn; i++)
            ;
        if (i < ob->flows.len)
            diff_flow(d, &d->matches[i]);
        else
            flow_entry(d, fn->name, "added");
    }
    for (size_t i = 0; i < ob->flows.len; i++)
        if (!cc_bundle_flow(nb, ob->flows.items[i]->name))
            flow_entry(d, ob->flows.items[i]->name, "removed");
    diff_verdicts(d);
}

static void differ_free(differ *d)
{
    for (size_t i = 0; i < d->old_b->flows.len; i++) {
        cc_free(d->matches[i].o2n);
        cc_free(d->matches[i].n2o);
    }
    cc_free(d->matches);
    for (size_t i = 0; i < d->flows.len; i++) {
        flow_diff *fd = &d->flows.items[i];
        for (size_t j = 0; j < fd->blocks.len; j++)
            cc_vec_free(&fd->blocks.items[j].changes);
        cc_vec_free(&fd->blocks);
        cc_vec_free(&fd->changes);
        cc_vec_free(&fd->verdicts);
    }
    cc_vec_free(&d->flows);
    cc_arena_free(&d->arena);
}

/* ---- reports ---- */

static const char *verdict_phrase(const verdict *v)
{
    if (v->diag->code == CC_E403)
        return v->is_new ? "are now sent on by" : "are no longer sent on by";
    return v->is_new ? "can now reach" : "no longer reach";
}

static const char *verdict_effect(const verdict *v)
{
    switch (v->diag->code) {
    case CC_E401:
        return "which does not support them: they take the error branch";
    case CC_W402:
        return "which does nothing for them";
    default:
        return "to a flow that does not accept them";
    }
}

static void verdict_sentence(cc_buf *out, const verdict *v)
{
    cc_buf_printf(out, "%s contacts %s %s '%s' in flow '%s', %s", cc_channel_upper(v->channel), verdict_phrase(v),
                  v->kind, v->block, v->flow, verdict_effect(v));
}

/* The arrival path: the notes of the verdict (where the contacts enter, by which blocks they
 * arrive, which call sends them on), joined. */
static const char *verdict_path(cc_arena *a, const verdict *v)
{
    if (!v->diag->notes.len)
        return NULL;
    cc_buf text = {0};
    for (size_t i = 0; i < v->diag->notes.len; i++)
        cc_buf_printf(&text, "%s%s", i ? "; " : "", v->diag->notes.items[i].message);
    const char *s = cc_arena_strdup(a, text.data);
    cc_buf_free(&text);
    return s;
}

static void value_text(cc_buf *out, const value *v)
{
    switch (v->kind) {
    case V_NULL:
        cc_buf_puts(out, "(none)");
        break;
    case V_TEXT:
        cc_buf_puts(out, v->text);
        break;
    case V_INT:
        cc_buf_printf(out, "%lld", (long long)v->num);
        break;
    case V_BOOL:
        cc_buf_puts(out, v->num ? "true" : "false");
        break;
    case V_NODE:
        if (v->node && v->node->type == CC_NODE_SCALAR)
            cc_buf_puts(out, v->node->text);
        else
            cc_node_json(out, v->node, true);
        break;
    }
}

typedef struct {
    size_t flows[3];   /* added, removed, changed */
    size_t blocks[3];
    size_t verdicts[4]; /* new errors, new warnings, gone errors, gone warnings */
} tally;

static int status_index(const char *status)
{
    return !strcmp(status, "added") ? 0 : !strcmp(status, "removed") ? 1 : 2;
}

static tally count(const differ *d)
{
    tally t = {{0}, {0}, {0}};
    for (size_t i = 0; i < d->flows.len; i++) {
        const flow_diff *fd = &d->flows.items[i];
        t.flows[status_index(fd->status)]++;
        for (size_t j = 0; j < fd->blocks.len; j++)
            t.blocks[status_index(fd->blocks.items[j].status)]++;
        for (size_t j = 0; j < fd->verdicts.len; j++) {
            const verdict *v = &fd->verdicts.items[j];
            t.verdicts[(v->is_new ? 0 : 2) + (v->diag->severity == CC_SEV_ERROR ? 0 : 1)]++;
        }
    }
    return t;
}

static void plural(cc_buf *out, size_t n, const char *what, const char *sep)
{
    cc_buf_printf(out, "%s%zu %s%s", sep, n, what, n == 1 ? "" : "s");
}

static void summary(cc_buf *out, const differ *d)
{
    if (!d->flows.len) {
        cc_buf_puts(out, "no semantic change");
        return;
    }
    tally t = count(d);
    static const char *const states[] = {"added", "removed", "changed"};
    const char *sep = "";
    for (int s = 2; s >= 0; s--)
        if (t.flows[s]) {
            plural(out, t.flows[s], "flow", sep);
            cc_buf_printf(out, " %s", states[s]);
            sep = ", ";
        }
    for (int s = 2; s >= 0; s--)
        if (t.blocks[s]) {
            plural(out, t.blocks[s], "block", sep);
            cc_buf_printf(out, " %s", states[s]);
            sep = ", ";
        }
    static const char *const kinds[] = {"new channel error", "new channel warning", "channel error gone",
                                        "channel warning gone"};
    for (int k = 0; k < 4; k++)
        if (t.verdicts[k]) {
            if (k < 2)
                plural(out, t.verdicts[k], kinds[k], sep);
            else
                cc_buf_printf(out, "%s%zu %s", sep, t.verdicts[k],
                              t.verdicts[k] == 1 ? kinds[k] : k == 2 ? "channel errors gone" : "channel warnings gone");
            sep = ", ";
        }
}

static void change_text(cc_buf *out, const change *c)
{
    if (!strcmp(c->what, c->name))
        cc_buf_printf(out, "%s: ", c->what);
    else
        cc_buf_printf(out, "%s %s: ", c->what, c->name);
    value_text(out, &c->old_v);
    cc_buf_puts(out, " -> ");
    value_text(out, &c->new_v);
}

static void report_text(cc_buf *out, differ *d)
{
    for (size_t i = 0; i < d->flows.len; i++) {
        const flow_diff *fd = &d->flows.items[i];
        cc_buf_printf(out, "flow '%s': %s\n", fd->name, fd->status);
        for (size_t j = 0; j < fd->verdicts.len; j++) {
            const verdict *v = &fd->verdicts.items[j];
            cc_buf_printf(out, "  %s %s [%s]: ", v->is_new ? "new" : "gone",
                          v->diag->severity == CC_SEV_ERROR ? "error" : "warning", cc_diag_info_of(v->diag->code)->code);
            verdict_sentence(out, v);
            cc_buf_putc(out, '\n');
            const char *path = verdict_path(&d->arena, v);
            if (path)
                cc_buf_printf(out, "    %s\n", path);
        }
        for (size_t j = 0; j < fd->changes.len; j++) {
            cc_buf_puts(out, "  ");
            change_text(out, &fd->changes.items[j]);
            cc_buf_putc(out, '\n');
        }
        for (size_t j = 0; j < fd->blocks.len; j++) {
            const block_diff *bd = &fd->blocks.items[j];
            cc_buf_printf(out, "  block '%s': %s", bd->id, bd->status);
            if (strcmp(bd->status, "changed") != 0)
                cc_buf_printf(out, " (%s)", bd->kind);
            cc_buf_putc(out, '\n');
            for (size_t k = 0; k < bd->changes.len; k++) {
                cc_buf_puts(out, "    ");
                change_text(out, &bd->changes.items[k]);
                cc_buf_putc(out, '\n');
            }
        }
    }
    summary(out, d);
    cc_buf_putc(out, '\n');
}

/* Text for a Markdown table cell: no line breaks, pipes escaped, code in backticks kept apart. */
static void md_cell(cc_buf *out, const char *s)
{
    for (; *s; s++) {
        if (*s == '|')
            cc_buf_puts(out, "\\|");
        else if (*s == '\n' || *s == '\r')
            cc_buf_putc(out, ' ');
        else if (*s == '<')
            cc_buf_puts(out, "&lt;");
        else
            cc_buf_putc(out, *s);
    }
}

static void md_value(cc_buf *out, const value *v)
{
    if (v->kind == V_NULL) {
        cc_buf_puts(out, "—");
        return;
    }
    cc_buf text = {0};
    value_text(&text, v);
    cc_buf_puts(out, "`");
    for (const char *s = text.data; s && *s; s++)
        if (*s == '`')
            cc_buf_putc(out, '\'');
        else if (*s == '|')
            cc_buf_puts(out, "\\|");
        else
            cc_buf_putc(out, *s == '\n' ? ' ' : *s);
    cc_buf_puts(out, "`");
    cc_buf_free(&text);
}

static void report_markdown(cc_buf *out, differ *d)
{
    cc_buf_puts(out, "**ccflow diff:** ");
    summary(out, d);
    cc_buf_puts(out, "\n");
    /* flows with new channel errors first: they are what a reviewer must see */
    for (size_t n = 0; n < 2 * d->flows.len; n++) {
        const flow_diff *fd = &d->flows.items[n % d->flows.len];
        bool new_error = fd->verdicts.len && fd->verdicts.items[0].is_new &&
                         fd->verdicts.items[0].diag->severity == CC_SEV_ERROR;
        if (new_error != (n < d->flows.len))
            continue;
        cc_buf_puts(out, "\n### Flow ");
        md_cell(out, fd->name);
        cc_buf_printf(out, " (%s)\n\n", fd->status);
        if (!fd->verdicts.len && !fd->changes.len && !fd->blocks.len) {
            cc_buf_printf(out, "The whole flow is %s.\n", fd->status);
            continue;
        }
        cc_buf_puts(out, "| | Block | Change | Old | New |\n|---|---|---|---|---|\n");
        for (size_t j = 0; j < fd->verdicts.len; j++) {
            const verdict *v = &fd->verdicts.items[j];
            cc_buf_printf(out, "| %s %s %s | `", v->is_new ? "**new**" : "gone",
                          v->diag->severity == CC_SEV_ERROR ? "error" : "warning", cc_diag_info_of(v->diag->code)->code);
            md_cell(out, v->block);
            cc_buf_puts(out, "` | ");
            cc_buf s = {0};
            verdict_sentence(&s, v);
            const char *path = verdict_path(&d->arena, v);
            if (path)
                cc_buf_printf(&s, " (%s)", path);
            md_cell(out, s.data);
            cc_buf_free(&s);
            cc_buf_puts(out, " | | |\n");
        }
        for (size_t j = 0; j < fd->changes.len; j++) {
            const change *c = &fd->changes.items[j];
            cc_buf_printf(out, "| flow | | %s | ", c->what);
            md_value(out, &c->old_v);
            cc_buf_puts(out, " | ");
            md_value(out, &c->new_v);
            cc_buf_puts(out, " |\n");
        }
        for (size_t j = 0; j < fd->blocks.len; j++) {
            const block_diff *bd = &fd->blocks.items[j];
            if (!bd->changes.len) {
                cc_buf_printf(out, "| %s | `", bd->status);
                md_cell(out, bd->id);
                cc_buf_printf(out, "` | %s | | |\n", bd->kind);
            }
            for (size_t k = 0; k < bd->changes.len; k++) {
                const change *c = &bd->changes.items[k];
                cc_buf_printf(out, "| %s | `", bd->status);
                md_cell(out, bd->id);
                cc_buf_printf(out, "` | %s", c->what);
                if (strcmp(c->what, c->name) != 0) {
                    cc_buf_puts(out, " ");
                    md_cell(out, c->name);
                }
                cc_buf_puts(out, " | ");
                md_value(out, &c->old_v);
                cc_buf_puts(out, " | ");
                md_value(out, &c->new_v);
                cc_buf_puts(out, " |\n");
            }
        }
    }
}

static void node_jw(cc_jw *w, const cc_node *n)
{
    if (!n || cc_node_is_null(n)) {
        cc_jw_null(w);
    } else if (n->type == CC_NODE_SCALAR) {
        if (n->plain && (!strcmp(n->text, "true") || !strcmp(n->text, "false")))
            cc_jw_bool(w, n->text[0] == 't');
        else if (n->plain)
            cc_jw_number(w, n->text); /* a number, or else its text */
        else
            cc_jw_string_n(w, n->text, n->len);
    } else if (n->type == CC_NODE_LIST) {
        cc_jw_array(w);
        for (uint32_t i = 0; i < n->count; i++)
            node_jw(w, n->items[i]);
        cc_jw_array_end(w);
    } else {
        cc_jw_object(w);
        for (uint32_t i = 0; i < n->count; i++) {
            const cc_node *k = n->pairs[i].key;
            cc_jw_key(w, k->type == CC_NODE_SCALAR ? k->text : "?");
            node_jw(w, n->pairs[i].value);
        }
        cc_jw_object_end(w);
    }
}

static void value_jw(cc_jw *w, const value *v)
{
    switch (v->kind) {
    case V_NULL:
        cc_jw_null(w);
        break;
    case V_TEXT:
        cc_jw_string(w, v->text);
        break;
    case V_INT:
        cc_jw_int(w, v->num);
        break;
    case V_BOOL:
        cc_jw_bool(w, v->num != 0);
        break;
    case V_NODE:
        node_jw(w, v->node);
        break;
    }
}

static void changes_jw(cc_jw *w, const changes *cs)
{
    cc_jw_key(w, "changes");
    cc_jw_array(w);
    for (size_t k = 0; k < cs->len; k++) {
        const change *c = &cs->items[k];
        cc_jw_object(w);
        cc_jw_kv_string(w, "what", c->what);
        cc_jw_kv_string(w, "name", c->name);
        cc_jw_key(w, "old");
        value_jw(w, &c->old_v);
        cc_jw_key(w, "new");
        value_jw(w, &c->new_v);
        cc_jw_object_end(w);
    }
    cc_jw_array_end(w);
}

static void report_json(cc_buf *out, differ *d)
{
    cc_jw w;
    cc_jw_init(&w, out, 5, true);
    cc_jw_object(&w);
    cc_jw_key(&w, "changed");
    cc_jw_bool(&w, d->flows.len > 0);
    cc_jw_key(&w, "flows");
    cc_jw_array(&w);
    for (size_t i = 0; i < d->flows.len; i++) {
        const flow_diff *fd = &d->flows.items[i];
        cc_jw_object(&w);
        cc_jw_kv_string(&w, "flow", fd->name);
        cc_jw_kv_string(&w, "status", fd->status);
        changes_jw(&w, &fd->changes);
        cc_jw_key(&w, "blocks");
        cc_jw_array(&w);
        for (size_t j = 0; j < fd->blocks.len; j++) {
            const block_diff *bd = &fd->blocks.items[j];
            cc_jw_object(&w);
            cc_jw_kv_string(&w, "id", bd->id);
            cc_jw_kv_string(&w, "connect_id", bd->connect_id);
            cc_jw_kv_string(&w, "status", bd->status);
            changes_jw(&w, &bd->changes);
            cc_jw_object_end(&w);
        }
        cc_jw_array_end(&w);
        cc_jw_key(&w, "verdicts");
        cc_jw_array(&w);
        for (size_t j = 0; j < fd->verdicts.len; j++) {
            const verdict *v = &fd->verdicts.items[j];
            cc_jw_object(&w);
            cc_jw_kv_string(&w, "channel", cc_channel_upper(v->channel));
            cc_jw_kv_string(&w, "flow", v->flow);
            cc_jw_kv_string(&w, "block", v->block);
            cc_jw_kv_string(&w, "code", cc_diag_info_of(v->diag->code)->code);
            cc_jw_kv_string(&w, "severity", v->diag->severity == CC_SEV_ERROR ? "error" : "warning");
            cc_jw_kv_string(&w, "status", v->is_new ? "new" : "gone");
            cc_buf s = {0};
            verdict_sentence(&s, v);
            cc_jw_kv_string(&w, "message", s.data);
            cc_buf_free(&s);
            cc_jw_kv_string(&w, "path", verdict_path(&d->arena, v));
            cc_jw_object_end(&w);
        }
        cc_jw_array_end(&w);
        cc_jw_object_end(&w);
    }
    cc_jw_array_end(&w);
    cc_jw_object_end(&w);
    cc_jw_finish(&w);
    cc_buf_putc(out, '\n');
}

bool cc_diff_bundles(const cc_bundle *old_b, const cc_bundle *new_b, cc_diff_format format, cc_buf *out)
{
    differ d = {.old_b = old_b, .new_b = new_b};
    cc_arena_init(&d.arena);
    diff_all(&d);
    if (format == CC_DIFF_JSON)
        report_json(out, &d);
    else if (format == CC_DIFF_MARKDOWN)
        report_markdown(out, &d);
    else
        report_text(out, &d);
    bool changed = d.flows.len > 0;
    differ_free(&d);
    return changed;
}
