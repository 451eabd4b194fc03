/* codegen.c — flow IR to bytecode: each block becomes one action instruction and a SWITCH on its
 * outcome (opcodes.h), laid out in block order; strings are pooled in the order first used. */
#include "codegen.h"

#include "bytecode.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    cc_buf strings;      /* the pool's bytes, as written */
    uint32_t nstrings;
    cc_map interned;     /* text -> index + 1 */
    CC_VEC(char *) owned; /* interned texts made here (JSON) */
} pool;

static uint32_t intern(pool *p, const char *text)
{
    uintptr_t at = (uintptr_t)cc_map_get(&p->interned, text);
    if (at)
        return (uint32_t)(at - 1);
    uint32_t len = (uint32_t)strlen(text);
    uint8_t le[4] = {(uint8_t)len, (uint8_t)(len >> 8), (uint8_t)(len >> 16), (uint8_t)(len >> 24)};
    cc_buf_put(&p->strings, (const char *)le, 4);
    cc_buf_put(&p->strings, text, len);
    cc_map_put(&p->interned, text, (void *)(uintptr_t)(p->nstrings + 1));
    return p->nstrings++;
}

static void put_u32(cc_buf *b, uint32_t v)
{
    uint8_t le[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
    cc_buf_put(b, (const char *)le, 4);
}

static void patch_u32(cc_buf *b, size_t at, uint32_t v)
{
    uint8_t le[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
    memcpy(b->data + at, le, 4);
}

static uint32_t value_operand(pool *p, const cc_node *n, bool is_ref)
{
    if (!n || cc_node_is_null(n))
        return CCFB_VAL(CCFB_VAL_NONE, 0);
    if (n->type != CC_NODE_SCALAR) {
        /* the map keeps the key it is given: a text made here lives as long as the pool */
        cc_buf json = {0};
        cc_node_json(&json, n, false);
        const char *text = json.data;
        if (!cc_map_get(&p->interned, text)) {
            char *kept = cc_xstrdup(text);
            cc_vec_push(&p->owned, kept);
            text = kept;
        }
        uint32_t v = CCFB_VAL(CCFB_VAL_JSON, intern(p, text));
        cc_buf_free(&json);
        return v;
    }
    if (is_ref || !strncmp(n->text, "$.", 2))
        return CCFB_VAL(CCFB_VAL_REF, intern(p, n->text));
    if (n->plain && (!strcmp(n->text, "true") || !strcmp(n->text, "false")))
        return CCFB_VAL(CCFB_VAL_BOOL, !strcmp(n->text, "true"));
    if (n->plain && cc_looks_number(n->text))
        return CCFB_VAL(CCFB_VAL_NUM, intern(p, n->text));
    return CCFB_VAL(CCFB_VAL_STR, intern(p, n->text));
}

static const cc_param *param(const cc_block *blk, const char *name) { return cc_block_param(blk, name); }

static uint32_t param_value(pool *p, const cc_block *blk, const char *name)
{
    const cc_param *pr = param(blk, name);
    return pr && !pr->invalid ? value_operand(p, pr->value, pr->is_ref) : CCFB_VAL(CCFB_VAL_NONE, 0);
}

static uint32_t param_index(const cc_block_spec *spec, const cc_param_spec *ps)
{
    return (uint32_t)(ps - spec->params);
}

/* A case's operator code (cc_case_ops); lowering has checked the name. */
static uint32_t operator_code(const char *op)
{
    const cc_case_op *o = cc_case_op_by_name(op);
    return o ? (uint32_t)o->code : CC_CASE_EQUALS;
}

static int flow_index(const cc_bundle *b, const char *name)
{
    for (size_t i = 0; i < b->flows.len; i++)
        if (!strcmp(b->flows.items[i]->name, name))
            return (int)i;
    return -1;
}

/* A jump target to patch once every block's offset is known. */
typedef struct {
    size_t at;      /* where the operand sits in the code buffer */
    int32_t block;  /* target block, or CC_NO_BLOCK */
} fixup;

typedef struct {
    const cc_bundle *bundle;
    pool *pool;
    cc_buf code;
    CC_VEC(fixup) fixups;
} emitter;

static void op(emitter *e, cc_opcode o) { cc_buf_putc(&e->code, (char)o); }
static void u32(emitter *e, uint32_t v) { put_u32(&e->code, v); }

static void label(emitter *e, int32_t block)
{
    fixup f = {e->code.len, block};
    cc_vec_push(&e->fixups, f);
    u32(e, CCFB_NO_TARGET);
}

static int32_t branch_target(const cc_block *blk, int index)
{
    for (uint32_t i = 0; i < blk->nbranches; i++)
        if (blk->branches[i].index == index)
            return blk->branches[i].to;
    return CC_NO_BLOCK;
}

/* SWITCH over the block's outcomes: next, then its branches in catalogue order with the cases
 * standing for "cases". */
static void emit_switch(emitter *e, const cc_block *blk)
{
    const cc_block_spec *s = blk->spec;
    bool next_real = !(s->flags & (CC_BK_TERMINAL | CC_BK_NEXT_KEPT));
    uint32_t n = 1;
    const char *names = s->branches ? s->branches : "";
    for (const char *p = names; *p;) {
        size_t len = strcspn(p, "|");
        n += (len == 5 && !strncmp(p, "cases", 5)) ? blk->ncases : 1;
        p += len + (p[len] == '|');
    }
    op(e, CC_OP_SWITCH);
    u32(e, n);
    label(e, next_real ? branch_target(blk, -1) : CC_NO_BLOCK);
    int index = 0;
    for (const char *p = names; *p; index++) {
        size_t len = strcspn(p, "|");
        if (len == 5 && !strncmp(p, "cases", 5))
            for (uint32_t c = 0; c < blk->ncases; c++)
                label(e, blk->cases[c].to);
        else
            label(e, branch_target(blk, index));
        p += len + (p[len] == '|');
    }
}

/* A mapping as a count and (key string, value) pairs; repeated keys (already reported) are left out. */
static void emit_pairs(emitter *e, const cc_node *map)
{
    uint32_t n = 0;
    for (uint32_t i = 0; map && i < map->count; i++)
        n += !cc_node_dup_of(map->pairs[i].key);
    u32(e, n);
    for (uint32_t i = 0; map && i < map->count; i++) {
        if (cc_node_dup_of(map->pairs[i].key))
            continue;
        u32(e, intern(e->pool, map->pairs[i].key->text));
        u32(e, value_operand(e->pool, map->pairs[i].value, false));
    }
}

static void emit_cases(emitter *e, const cc_block *blk)
{
    u32(e, blk->ncases);
    for (uint32_t c = 0; c < blk->ncases; c++) {
        u32(e, operator_code(blk->cases[c].op));
        u32(e, value_operand(e->pool, blk->cases[c].operand, false));
    }
}

/* The flow a kind's flow parameter names (the last valid one: kinds with two, such as
 * set_whisper_flow's agent and customer, take exactly one), or NULL. */
static const cc_param *flow_param(const cc_block *blk)
{
    const cc_param *fp = NULL;
    for (uint32_t i = 0; i < blk->nparams; i++)
        if (blk->params[i].spec->type == CC_PT_FLOW && !blk->params[i].invalid)
            fp = &blk->params[i];
    return fp;
}

/* An instruction whose operand is a flow: `plain` with the flow's index, or `named` with the
 * reference that names it when the block runs; a hook's code (>= 0) comes first. */
static void emit_flow_target(emitter *e, cc_opcode plain, cc_opcode named, int hook, const cc_param *fp)
{
    if (fp && fp->invalid)
        fp = NULL;
    bool by_name = fp && fp->is_ref;
    op(e, by_name ? named : plain);
    if (hook >= 0)
        u32(e, (uint32_t)hook);
    if (by_name) {
        u32(e, value_operand(e->pool, fp->value, true));
    } else {
        int fi = fp ? flow_index(e->bundle, fp->value->text) : -1;
        u32(e, fi < 0 ? 0 : (uint32_t)fi);
    }
}

/* The code of a choice parameter's value in its table (cc_staffing, cc_queue_metrics), or `dflt`
 * when the parameter is absent. */
static uint32_t choice_code(const cc_block *blk, const char *name, const cc_choice *table, int n, int dflt)
{
    const cc_param *pr = param(blk, name);
    const cc_choice *c = pr && !pr->invalid ? cc_choice_lookup(table, n, pr->value->text) : NULL;
    return (uint32_t)(c ? c->code : dflt);
}

/* The generic form: kind and (parameter index, value) pairs, in catalogue order. */
static void emit_generic(emitter *e, const cc_block *blk, cc_opcode o)
{
    op(e, o);
    if (o == CC_OP_BLOCK)
        u32(e, (uint32_t)(blk->spec - cc_blocks));
    uint32_t n = 0;
    for (const cc_param_spec *ps = blk->spec->params; ps->name; ps++)
        n += param(blk, ps->name) && !param(blk, ps->name)->invalid;
    u32(e, n);
    for (const cc_param_spec *ps = blk->spec->params; ps->name; ps++) {
        const cc_param *pr = param(blk, ps->name);
        if (!pr || pr->invalid)
            continue;
        u32(e, param_index(blk->spec, ps));
        u32(e, value_operand(e->pool, pr->value, pr->is_ref));
    }
}

/* One block: its kind's instruction (cc_block_op), operands from its parameters, then the SWITCH
 * on its outcome. A kind with an instruction of its own has a case here; the others run as BLOCK. */
static void emit_block(emitter *e, const cc_block *blk)
{
    pool *p = e->pool;
    cc_opcode o = cc_block_op(blk->spec);
    switch (o) {
    case CC_OP_END_FLOW:
    case CC_OP_DISCONNECT:
    case CC_OP_RETURN:
        op(e, o);
        return; /* they never go on: no SWITCH */
    case CC_OP_SET_QUEUE:
    case CC_OP_TRANSFER_QUEUE:
        op(e, o);
        u32(e, param_value(p, blk, "queue"));
        break;
    case CC_OP_CHECK_STAFFING:
        op(e, o);
        u32(e, choice_code(blk, "status", cc_staffing, CC_STAFF_COUNT, CC_STAFF_AVAILABLE));
        u32(e, param_value(p, blk, "queue"));
        break;
    case CC_OP_CHECK_QUEUE:
        op(e, o);
        u32(e, choice_code(blk, "metric", cc_queue_metrics, CC_QMETRIC_COUNT, CC_QMETRIC_TIME_IN_QUEUE));
        u32(e, param_value(p, blk, "queue"));
        emit_cases(e, blk);
        break;
    case CC_OP_CHECK_HOURS:
        op(e, o);
        u32(e, param_value(p, blk, "hours"));
        break;
    case CC_OP_COMPARE:
        op(e, o);
        u32(e, param_value(p, blk, "value"));
        emit_cases(e, blk);
        break;
    case CC_OP_SET_ATTRIBUTES: {
        const cc_param *a = blk->nparams ? &blk->params[0] : NULL;
        const cc_attr_target_info *t = cc_attr_target_of(blk->spec);
        op(e, o);
        u32(e, t ? (uint32_t)t->code : CC_ATTR_CURRENT);
        emit_pairs(e, a && !a->invalid && a->value->type == CC_NODE_MAP ? a->value : NULL);
        break;
    }
    case CC_OP_SET_PRIORITY: {
        const cc_param *age = param(blk, "age");
        if (age && !age->invalid) { /* change_routing_priority's other form: the contact's age */
            op(e, CC_OP_ADJUST_AGE);
            u32(e, (uint32_t)(int32_t)age->num);
        } else {
            op(e, o);
            u32(e, param_value(p, blk, "priority"));
        }
        break;
    }
    case CC_OP_CREATE_TASK:
        emit_generic(e, blk, o);
        break;
    case CC_OP_DISTRIBUTE:
        op(e, o);
        u32(e, blk->ncases);
        for (uint32_t c = 0; c < blk->ncases; c++)
            u32(e, (uint32_t)blk->cases[c].num);
        break;
    case CC_OP_GET_METRICS:
        op(e, o);
        u32(e, param_value(p, blk, "queue"));
        u32(e, param_value(p, blk, "channel"));
        break;
    case CC_OP_INVOKE: {
        const cc_param *t = param(blk, "timeout");
        const cc_param *pm = param(blk, "parameters");
        op(e, o);
        u32(e, param_value(p, blk, "function"));
        u32(e, t && !t->invalid ? (uint32_t)t->num : 3000);
        emit_pairs(e, pm && !pm->invalid && pm->value->type == CC_NODE_MAP ? pm->value : NULL);
        break;
    }
    case CC_OP_LOOP:
        op(e, o);
        u32(e, 0); /* the block's index, patched by the caller */
        u32(e, param_value(p, blk, "count"));
        break;
    case CC_OP_SET_HOOK: {
        const cc_param *fp = flow_param(blk);
        const cc_hook_info *h = cc_hook_of(blk->spec, fp ? fp->spec->name : NULL);
        emit_flow_target(e, o, CC_OP_SET_HOOK_NAMED, h ? (int)h->code : CC_HOOK_EVENT, fp);
        break;
    }
    case CC_OP_TRANSFER_FLOW:
        emit_flow_target(e, o, CC_OP_TRANSFER_NAMED, -1, param(blk, "flow"));
        break;
    case CC_OP_CALL_MODULE:
        emit_flow_target(e, o, CC_OP_CALL_NAMED, -1, param(blk, "module"));
        break;
    case CC_OP_WAIT: {
        const cc_param *d = param(blk, "duration");
        if (d && !d->invalid && d->is_ref) { /* seconds read when the block runs */
            op(e, CC_OP_WAIT_FOR);
            u32(e, value_operand(p, d->value, true));
        } else {
            op(e, o);
            u32(e, d && !d->invalid ? (uint32_t)d->num : 0);
        }
        break;
    }
    case CC_OP_PROMPT:
        op(e, o);
        u32(e, param_value(p, blk, "text"));
        break;
    case CC_OP_LOOP_PROMPTS: {
        const cc_param *ip = param(blk, "interrupt");
        const cc_param *pp = param(blk, "prompts");
        const cc_node *list = pp && !pp->invalid && pp->value->type == CC_NODE_LIST ? pp->value : NULL;
        op(e, o);
        u32(e, ip && !ip->invalid ? (uint32_t)ip->num : 0);
        u32(e, list ? list->count : 0);
        for (uint32_t i = 0; list && i < list->count; i++)
            u32(e, value_operand(p, cc_node_get(list->items[i], "text"), false));
        break;
    }
    case CC_OP_GET_INPUT: {
        const cc_param *t = param(blk, "timeout");
        op(e, o);
        u32(e, param_value(p, blk, "text"));
        u32(e, t && !t->invalid ? (uint32_t)t->num : 5000);
        u32(e, blk->ncases);
        for (uint32_t c = 0; c < blk->ncases; c++)
            u32(e, value_operand(p, blk->cases[c].operand, false));
        break;
    }
    case CC_OP_STORE_INPUT: {
        const cc_param *md = param(blk, "max_digits");
        const cc_param *t = param(blk, "timeout");
        op(e, o);
        u32(e, param_value(p, blk, "text"));
        u32(e, md && !md->invalid ? (uint32_t)md->num : 20);
        u32(e, t && !t->invalid ? (uint32_t)t->num : 5000);
        break;
    }
    default: /* CC_OP_BLOCK; no kind names a control instruction or a variant as its own */
        emit_generic(e, blk, CC_OP_BLOCK);
        break;
    }
    emit_switch(e, blk);
}

static uint32_t channel_bits(const cc_flow *f) { return f->channels | (f->channels_declared ? 0x100u : 0); }

void cc_codegen(const cc_bundle *b, bool strip, cc_buf *out)
{
    pool p = {0};
    cc_buf flows = {0};
    /* sources for the map: their own table, so that the string pool is the same when stripped */
    CC_VEC(uint32_t) files = {0};
    cc_buf srcmap = {0};
    uint32_t nsrc = 0;
    put_u32(&flows, (uint32_t)b->flows.len);
    for (size_t fi = 0; fi < b->flows.len; fi++) {
        const cc_flow *f = b->flows.items[fi];
        emitter e = {b, &p, {0}, {0}};
        uint32_t *pcs = cc_xcalloc(f->nblocks + 1, sizeof *pcs);
        for (uint32_t i = 0; i < f->nblocks; i++) {
            const cc_block *blk = &f->blocks[i];
            pcs[i] = (uint32_t)e.code.len;
            if (!blk->spec) /* only for a bundle with errors, which is never compiled */
                continue;
            size_t before = e.code.len;
            emit_block(&e, blk);
            if (blk->spec->flags & CC_BK_LOOP) /* the loop's counter is named by its block index */
                patch_u32(&e.code, before + 1, i);
        }
        if (!f->nblocks || !e.code.len)
            op(&e, CC_OP_END_FLOW);
        for (size_t i = 0; i < e.fixups.len; i++) {
            int32_t to = e.fixups.items[i].block;
            patch_u32(&e.code, e.fixups.items[i].at, to == CC_NO_BLOCK ? CCFB_NO_TARGET : pcs[to]);
        }
        put_u32(&flows, intern(&p, f->name));
        put_u32(&flows, f->type >= 0 ? (uint32_t)f->type : 0);
        put_u32(&flows, channel_bits(f));
        put_u32(&flows, f->start_index >= 0 ? pcs[f->start_index] : 0);
        put_u32(&flows, f->nblocks);
        for (uint32_t i = 0; i < f->nblocks; i++) {
            put_u32(&flows, intern(&p, f->blocks[i].id));
            put_u32(&flows, pcs[i]);
        }
        put_u32(&flows, (uint32_t)e.code.len);
        cc_buf_put(&flows, e.code.data ? e.code.data : "", e.code.len);
        if (!strip)
            for (uint32_t i = 0; i < f->nblocks; i++) {
                cc_loc l = f->blocks[i].kind_loc.line ? f->blocks[i].kind_loc : f->blocks[i].id_loc;
                uint32_t file = l.file;
                size_t k;
                for (k = 0; k < files.len && files.items[k] != file; k++)
                    ;
                if (k == files.len)
                    cc_vec_push(&files, file);
                put_u32(&srcmap, (uint32_t)fi);
                put_u32(&srcmap, pcs[i]);
                put_u32(&srcmap, (uint32_t)k);
                put_u32(&srcmap, l.line);
                put_u32(&srcmap, l.col);
                nsrc++;
            }
        cc_free(pcs);
        cc_buf_free(&e.code);
        cc_vec_free(&e.fixups);
    }

    size_t start = out->len;
    cc_buf_put(out, CCFB_MAGIC, 4);
    uint8_t vf[4] = {CCFB_VERSION & 0xff, CCFB_VERSION >> 8, strip ? 0 : CCFB_FLAG_SOURCE_MAP, 0};
    cc_buf_put(out, (const char *)vf, 4);
    put_u32(out, 0); /* checksum, below */
    put_u32(out, 0); /* size, below */
    put_u32(out, p.nstrings);
    cc_buf_put(out, p.strings.data ? p.strings.data : "", p.strings.len);
    cc_buf_put(out, flows.data, flows.len);
    if (!strip) {
        put_u32(out, (uint32_t)files.len);
        for (size_t k = 0; k < files.len; k++) {
            const cc_source *s = cc_source_get(b->ds, files.items[k]);
            const char *path = s ? s->path : "";
            put_u32(out, (uint32_t)strlen(path));
            cc_buf_puts(out, path);
        }
        put_u32(out, nsrc);
        cc_buf_put(out, srcmap.data ? srcmap.data : "", srcmap.len);
    }
    size_t size = out->len - start;
    patch_u32(out, start + 12, (uint32_t)size);
    patch_u32(out, start + 8,
              ccfb_crc32((const uint8_t *)out->data + start + CCFB_HEADER_SIZE, size - CCFB_HEADER_SIZE));
    cc_buf_free(&p.strings);
    cc_map_free(&p.interned);
    for (size_t i = 0; i < p.owned.len; i++)
        cc_free(p.owned.items[i]);
    cc_vec_free(&p.owned);
    cc_buf_free(&flows);
    cc_buf_free(&srcmap);
    cc_vec_free(&files);
}
