/* state.c — the runtime's life: creating it (the string pool decoded once), freeing it, traces and faults. */
#include "state.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *vm_module_string(const cc_rt *rt, uint32_t i)
{
    const ccfb_string *s = &rt->m->strings[i];
    char *out = cc_xmalloc(s->len + 1);
    memcpy(out, s->text, s->len);
    out[s->len] = '\0';
    return out;
}

void vm_trace(cc_rt *rt, const contact *c, const char *block, const char *what)
{
    char idb[32];
    cc_trace t = {rt->now, cid(c, idb), rt->strs[rt->m->flows[c->flow].name], block, what};
    rt->on_trace(rt->trace_ud, &t);
}

/* A run-time error a block meets (an unknown queue, a refused request...): the contact takes the
 * block's error branch, and a trace says why and where, from the source map when the bundle has
 * one. Nothing is done unless someone traces. */
void vm_fault(cc_rt *rt, uint32_t ci, uint32_t pc, const char *fmt, ...)
{
    if (!rt->on_trace)
        return;
    const contact *c = &rt->contacts.items[ci];
    const ccfb_srcmap_entry *at = NULL; /* the entry of the block that holds pc */
    for (uint32_t i = 0; i < rt->m->nsrcmap; i++) {
        const ccfb_srcmap_entry *e = &rt->m->srcmap[i];
        if (e->flow == c->flow && e->pc <= pc && (!at || e->pc > at->pc))
            at = e;
    }
    char what[600];
    int used = snprintf(what, sizeof what, "error: ");
    va_list ap;
    va_start(ap, fmt);
    used += vsnprintf(what + used, sizeof what - (size_t)used, fmt, ap);
    va_end(ap);
    if (at && used > 0 && (size_t)used < sizeof what) {
        const ccfb_string *f = &rt->m->files[at->file];
        snprintf(what + used, sizeof what - (size_t)used, " (%.*s:%u:%u)", (int)f->len, (const char *)f->text,
                 at->line, at->col);
    }
    vm_trace(rt, c, NULL, what);
}

int vm_flow_index(const cc_rt *rt, const char *name)
{
    return name ? (int)(uintptr_t)cc_map_get(&rt->flow_index, name) - 1 : -1;
}

/* ---- setup ---- */

/* A JSON value operand: its text decoded, the first time it is met. */
static bool decode_json(void *ctx, char kind, uint32_t v)
{
    cc_rt *rt = ctx;
    uint32_t i = CCFB_VAL_PAYLOAD(v);
    if (kind != 'v' || CCFB_VAL_TAG(v) != CCFB_VAL_JSON || rt->json[i])
        return true;
    cc_diags ds;
    cc_diags_init(&ds);
    rt->json[i] = cc_json_read(&rt->json_arena, &ds, 0, rt->strs[i], rt->m->strings[i].len);
    cc_diags_free(&ds);
    return true;
}

/* Decodes the mapping and list parameters of every instruction once, so that no block parses
 * JSON while contacts run. */
static void decode_parameters(cc_rt *rt)
{
    const ccfb_module *m = rt->m;
    rt->json = cc_xcalloc(m->nstrings + 1, sizeof *rt->json);
    cc_arena_init(&rt->json_arena);
    for (uint32_t f = 0; f < m->nflows; f++)
        for (uint32_t pc = 0; pc < m->flows[f].code_len; pc += ccfb_insn_size(m->flows[f].code, pc))
            ccfb_each_operand(m->flows[f].code, pc, rt, decode_json);
}

cc_rt *cc_rt_new(const ccfb_module *m, int64_t start_ms, uint64_t seed)
{
    cc_rt *rt = cc_xcalloc(1, sizeof *rt);
    rt->m = m;
    rt->now = start_ms;
    rt->rng = seed * 2654435761u + 1;
    cc_op_outcomes_build(&rt->outcomes);
    rt->transfer_types = cc_param_lookup(cc_op_kind(CC_OP_TRANSFER_FLOW), "flow")->flow_types;
    rt->module_types = cc_param_lookup(cc_op_kind(CC_OP_CALL_MODULE), "module")->flow_types;
    rt->prompt_kind = cc_block_lookup("play_prompt");
    rt->phone_transfer_kind = cc_block_lookup("transfer_to_phone_number");
    rt->criteria_kind = cc_block_lookup("set_routing_criteria");
    rt->input_kind = cc_block_lookup("get_customer_input");
    rt->store_kind = cc_block_lookup("store_customer_input");
    rt->loop_prompts_kind = cc_block_lookup("loop_prompts");
    rt->strs = cc_xcalloc(m->nstrings + 1, sizeof *rt->strs);
    rt->nums = cc_xcalloc(m->nstrings + 1, sizeof *rt->nums);
    rt->is_num = cc_xcalloc(m->nstrings + 1, sizeof *rt->is_num);
    rt->str_queue = cc_xcalloc(m->nstrings + 1, sizeof *rt->str_queue);
    rt->ref_id = cc_xcalloc(m->nstrings + 1, sizeof *rt->ref_id);
    for (uint32_t i = 0; i < m->nstrings; i++) {
        rt->strs[i] = vm_module_string(rt, i);
        const cc_ref_info *ref = rt->strs[i][0] == '$' ? cc_ref_lookup(rt->strs[i]) : NULL;
        rt->ref_id[i] = (uint8_t)(ref ? ref->id : CC_REF_COUNT);
        char *end;
        rt->nums[i] = strtoll(rt->strs[i], &end, 10);
        rt->is_num[i] = rt->strs[i][0] && !*end;
        rt->str_queue[i] = -2;
    }
    decode_parameters(rt);
    for (uint32_t f = 0; f < m->nflows; f++) /* names are unique in a bundle (cc_map_put keeps the first) */
        cc_map_put(&rt->flow_index, rt->strs[m->flows[f].name], (void *)(uintptr_t)(f + 1));
    rt->insn_fixed = cc_xcalloc(CC_OP_COUNT, 1);
    rt->insn_group = cc_xcalloc(CC_OP_COUNT, 1);
    for (int op = 0; op < CC_OP_COUNT; op++) {
        const char *f = cc_opcode_infos[op].operands, *star = strchr(f, '*');
        rt->insn_fixed[op] = (uint8_t)(star ? star - f : (ptrdiff_t)strlen(f));
        rt->insn_group[op] = (uint8_t)(star ? strlen(star + 1) : 0);
    }
    return rt;
}

void cc_rt_free(cc_rt *rt)
{
    if (!rt)
        return;
    for (size_t i = 0; i < rt->contacts.len; i++) {
        vm_free_contact_data(&rt->contacts.items[i]);
        cc_free(rt->contacts.items[i].id);
    }
    for (size_t i = 0; i < rt->functions.len; i++) {
        cc_free(rt->functions.items[i].name);
        vm_kv_free(&rt->functions.items[i].result);
    }
    cc_vec_free(&rt->functions);
    cc_vec_free(&rt->calls);
    for (size_t i = 0; i < rt->hours.len; i++) {
        cc_free(rt->hours.items[i].name);
        cc_tz_free(&rt->hours.items[i].tz);
    }
    cc_vec_free(&rt->hours);
    cc_vec_free(&rt->contacts);
    for (size_t i = 0; i < rt->queues.len; i++) {
        cc_free(rt->queues.items[i].name);
        cc_vec_free(&rt->queues.items[i].heap);
        cc_vec_free(&rt->queues.items[i].agents);
    }
    cc_vec_free(&rt->queues);
    for (size_t i = 0; i < rt->agents.len; i++) {
        cc_free(rt->agents.items[i].name);
        vm_kv_free(&rt->agents.items[i].skills);
        cc_vec_free(&rt->agents.items[i].queues);
    }
    cc_vec_free(&rt->agents);
    cc_vec_free(&rt->events);
    for (size_t i = 0; i < rt->nlanes; i++)
        cc_vec_free(&rt->lanes[i].fifo);
    cc_free(rt->insn_fixed);
    cc_free(rt->insn_group);
    for (uint32_t f = 0; rt->block_at && f < rt->m->nflows; f++)
        cc_free(rt->block_at[f]);
    cc_free(rt->block_at);
    for (uint32_t i = 0; i < rt->m->nstrings; i++)
        cc_free(rt->strs[i]);
    cc_free(rt->strs);
    cc_free(rt->nums);
    cc_free(rt->is_num);
    cc_free(rt->ref_id);
    cc_free(rt->str_queue);
    cc_free(rt->json);
    cc_arena_free(&rt->json_arena);
    cc_map_free(&rt->contact_ids);
    cc_map_free(&rt->flow_index);
    for (size_t i = 0; i < rt->names.cap; i++)
        cc_free((char *)rt->names.keys[i]);
    cc_map_free(&rt->names);
    cc_vec_free(&rt->made);
    for (size_t i = 0; i < rt->templates.len; i++)
        cc_template_free(&rt->templates.items[i]);
    cc_vec_free(&rt->templates);
    for (size_t i = 0; i < rt->quick_connects.len; i++)
        cc_free(rt->quick_connects.items[i].name);
    cc_vec_free(&rt->quick_connects);
    for (size_t i = 0; i < rt->tokens.cap; i++)
        if (rt->tokens.keys && rt->tokens.keys[i]) {
            token_use *u = rt->tokens.values[i];
            cc_free(u->id);
            cc_free(u);
            cc_free((char *)rt->tokens.keys[i]);
        }
    cc_map_free(&rt->tokens);
    for (size_t i = 0; i < rt->chains.cap; i++)
        if (rt->chains.keys && rt->chains.keys[i]) {
            chain *ch = rt->chains.values[i];
            cc_vec_free(ch);
            cc_free(ch);
            cc_free((char *)rt->chains.keys[i]);
        }
    cc_map_free(&rt->chains);
    cc_free(rt);
}

void cc_rt_on_trace(cc_rt *rt, cc_trace_fn fn, void *ud)
{
    rt->on_trace = fn;
    rt->trace_ud = ud;
    if (fn && !rt->block_at) {
        rt->block_at = cc_xcalloc(rt->m->nflows + 1, sizeof *rt->block_at);
        for (uint32_t f = 0; f < rt->m->nflows; f++) {
            const ccfb_flow *fl = &rt->m->flows[f];
            rt->block_at[f] = cc_xmalloc((fl->code_len + 1) * sizeof **rt->block_at);
            for (uint32_t pc = 0; pc <= fl->code_len; pc++)
                rt->block_at[f][pc] = -1;
            for (uint32_t b = 0; b < fl->nblocks; b++)
                rt->block_at[f][ccfb_flow_block(fl, b).pc] = (int32_t)b;
        }
    }
}

void cc_rt_on_record(cc_rt *rt, cc_record_fn fn, void *ud)
{
    rt->on_record = fn;
    rt->record_ud = ud;
}
