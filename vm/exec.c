/* exec.c — the interpreter: one dispatch over a fiber's instructions, with the helpers its cases use. */
#include "state.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the fiber ---- */

/* Whether `a` stands in relation `op` (the catalogue's cc_case_ops) to `b`; the numeric operators
 * hold only between numbers. */
static bool compare(cc_case_code op, const char *a, const char *b)
{
    if (!a || !b)
        return false;
    switch (op) {
    case CC_CASE_EQUALS:
        return !strcmp(a, b);
    case CC_CASE_CONTAINS:
        return strstr(a, b) != NULL;
    case CC_CASE_STARTS_WITH:
        return !strncmp(a, b, strlen(b));
    case CC_CASE_ENDS_WITH:
        return strlen(a) >= strlen(b) && !strcmp(a + strlen(a) - strlen(b), b);
    default:
        break;
    }
    char *end;
    double x = strtod(a, &end);
    if (*end)
        return false;
    double y = strtod(b, NULL);
    switch (op) {
    case CC_CASE_GREATER_THAN:
        return x > y;
    case CC_CASE_LESS_THAN:
        return x < y;
    case CC_CASE_GREATER_OR_EQUAL:
        return x >= y;
    default:
        return x <= y;
    }
}

/* The cases of branching instruction `op`, from operand `first` on: n (operator, operand) pairs.
 * The outcome is the first case that value matches, else no_match. */
static uint32_t match_cases(cc_rt *rt, const contact *c, cc_opcode op, const uint8_t *code, uint32_t pc,
                            uint32_t first, uint32_t n, const char *value)
{
    char buf[512];
    for (uint32_t i = 0; i < n; i++) {
        const char *operand = value_text(rt, c, op_u32(code, pc, first + 1 + 2 * i), buf, sizeof buf);
        if (compare((cc_case_code)op_u32(code, pc, first + 2 * i), value, operand))
            return cc_op_outcome(&rt->outcomes, op, CC_OUT_CASES, n) + i;
    }
    return cc_op_outcome(&rt->outcomes, op, CC_OUT_NO_MATCH, n);
}

/* The queue a value operand names: through the per-string cache for literal names. */
static int queue_of(cc_rt *rt, const contact *c, uint32_t v, char *buf, size_t n)
{
    uint32_t tag = CCFB_VAL_TAG(v), i = CCFB_VAL_PAYLOAD(v);
    if (tag == CCFB_VAL_STR) {
        if (rt->str_queue[i] == -2)
            rt->str_queue[i] = vm_find_queue(rt, rt->strs[i]);
        if (rt->str_queue[i] < 0) /* the name, for the caller's message */
            snprintf(buf, n, "%s", rt->strs[i]);
        return rt->str_queue[i];
    }
    buf[0] = '\0'; /* a reference to nothing leaves no name */
    const char *name = value_text(rt, c, v, buf, n);
    int q = vm_find_queue(rt, name);
    if (q < 0 && name != buf)
        snprintf(buf, n, "%s", name ? name : "");
    return q;
}

/* What the flow's end means for the contact, by the flow's type. */
static void flow_ended(cc_rt *rt, uint32_t ci, bool by_disconnect)
{
    contact *c = &rt->contacts.items[ci];
    if (c->x)
        c->x->ret_flow = -1; /* a module's flow ended without return: nothing to go back to */
    if (c->mode == MODE_WHISPER) {
        c->mode = MODE_FLOW; /* the whisper is over: the contact is with its agent */
        return;
    }
    if (c->mode == MODE_QUEUE_FLOW && !by_disconnect) {
        c->mode = MODE_FLOW; /* the contact stays queued */
        return;
    }
    if (c->mode == MODE_DISCONNECT) {
        vm_finish(rt, ci, c->reason);
        return;
    }
    if (c->state == ST_QUEUED && !by_disconnect)
        return; /* queued by transfer_to_queue: the flow has done its work */
    vm_disconnect(rt, ci, CC_END_CONTACT_FLOW_DISCONNECT);
}

/* The value of parameter `name` of a generic block (its "kn*pv" operands), or NULL. */
uint32_t vm_block_operand(const cc_block_spec *k, const uint8_t *code, uint32_t pc, const char *name)
{
    uint32_t np = op_u32(code, pc, 1);
    for (uint32_t i = 0; i < np; i++) {
        uint32_t p = op_u32(code, pc, 2 + 2 * i);
        if (!strcmp(k->params[p].name, name))
            return op_u32(code, pc, 3 + 2 * i);
    }
    return CCFB_VAL(CCFB_VAL_NONE, 0);
}

const char *vm_block_param(cc_rt *rt, contact *c, const cc_block_spec *k, const uint8_t *code, uint32_t pc,
                           const char *name, char *buf, size_t n)
{
    return value_text(rt, c, vm_block_operand(k, code, pc, name), buf, n);
}

static bool block_flag(cc_rt *rt, contact *c, const cc_block_spec *k, const uint8_t *code, uint32_t pc,
                       const char *name, char *buf, size_t n)
{
    const char *v = vm_block_param(rt, c, k, code, pc, name, buf, n);
    return v && !strcmp(v, "true");
}

/* The outcome of a block whose result comes from outside ccflow: the contact's scripted answer
 * for this block id, else the kind's default (docs/blocks.md): Voice ID finds nothing conclusive
 * (not_enrolled, or inconclusive), a campaign call is answered, everything else succeeds. */
static uint32_t outside_outcome(cc_rt *rt, contact *c, const cc_block_spec *k, const uint8_t *code, uint32_t pc,
                                char *buf, size_t n)
{
    const attr_vec *o = &RX(c)->outcomes;
    const ccfb_flow *f = &rt->m->flows[c->flow];
    for (uint32_t b = 0; o->len && b < f->nblocks; b++) {
        ccfb_block blk = ccfb_flow_block(f, b);
        if (blk.pc != pc)
            continue;
        for (size_t i = 0; i < o->len; i++)
            if (!strcmp(o->items[i].key, rt->strs[blk.id])) {
                int idx = cc_branch_index(k, o->items[i].value);
                return idx >= 0 ? (uint32_t)idx + 1 : 0;
            }
        break;
    }
    const char *dflt = NULL;
    if (!strcmp(k->kind, "check_voice_id")) {
        const char *what = vm_block_param(rt, c, k, code, pc, "check", buf, n);
        dflt = what && !strcmp(what, "enrollment_status") ? "not_enrolled" : "inconclusive";
    } else if (!strcmp(k->kind, "check_call_progress"))
        dflt = "call_answered";
    int idx = dflt ? cc_branch_index(k, dflt) : -1;
    return idx >= 0 ? (uint32_t)idx + 1 : 0;
}

bool cc_rt_outcome_valid(const cc_rt *rt, const char *block, const char *branch, char *why, size_t n)
{
    const ccfb_module *m = rt->m;
    for (uint32_t f = 0; f < m->nflows; f++)
        for (uint32_t b = 0; b < m->flows[f].nblocks; b++) {
            ccfb_block blk = ccfb_flow_block(&m->flows[f], b);
            if (strcmp(rt->strs[blk.id], block) != 0)
                continue;
            const uint8_t *code = m->flows[f].code;
            if (code[blk.pc] != CC_OP_BLOCK) {
                snprintf(why, n, "block '%s' does its own work in ccflow; outcomes script blocks whose result "
                         "comes from outside (Voice ID, customer profiles, phone transfers...)", block);
                return false;
            }
            const cc_block_spec *k = &cc_blocks[op_u32(code, blk.pc, 0)];
            if (!strcmp(k->kind, "check_voice_id")) { /* only the branches of what it checks */
                char buf[64];
                contact none = {0};
                const char *what = vm_block_param((cc_rt *)rt, &none, k, code, blk.pc, "check", buf, sizeof buf);
                const char *takes = cc_voice_id_branches(what);
                if (takes && !cc_branch_listed(takes, branch)) {
                    char *list = cc_str_replace(takes, "|", ", ");
                    snprintf(why, n, "'check_voice_id' block '%s' checks %s: it takes %s, not '%s'", block, what, list,
                             branch);
                    cc_free(list);
                    return false;
                }
            }
            if (strcmp(branch, "next") != 0 && cc_branch_index(k, branch) < 0) {
                char *list = cc_str_replace(k->branches, "|", ", ");
                snprintf(why, n, "'%s' block '%s' has no branch '%s'; it has next, %s", k->kind, block, branch, list);
                cc_free(list);
                return false;
            }
            return true;
        }
    snprintf(why, n, "no flow of the bundle has a block '%s'", block);
    return false;
}

/* The flow of the bundle named `name` whose type is one of `types` (a CC_FT_BIT mask), or -1:
 * flows that a block names by a reference are looked up when it runs. */
static int flow_named(const cc_rt *rt, const char *name, unsigned types)
{
    int f = vm_flow_index(rt, name);
    return f >= 0 && types & CC_FT_BIT(rt->m->flows[f].type) ? f : -1;
}

/* The outcome named `name` of instruction `op` (in scope), for a block with n cases (OUTN) or
 * none (OUT). */
#define OUTN(name, n) cc_op_outcome(&rt->outcomes, (cc_opcode)op, CC_OUT_##name, (n))
#define OUT(name) OUTN(name, 1)

/* ---- the cases too long to sit in the dispatch: each returns whether the fiber goes on ---- */

/* The helpers of instructions the hot path does not run stay out of the loop, so that their
 * buffers and registers do not weigh on it. */
#if defined(__GNUC__)
#define OUT_OF_LOOP __attribute__((noinline))
#else
#define OUT_OF_LOOP
#endif

/* The fiber waits until `at` (a contact queued stays queued while its queue flow waits). */
static inline void suspend(cc_rt *rt, uint32_t ci, contact *c, int64_t at)
{
    if (c->state != ST_QUEUED)
        c->state = ST_WAITING;
    vm_schedule(rt, at, EV_RESUME, ci, c->gen);
}

static inline bool op_transfer_queue(cc_rt *rt, uint32_t ci, const uint8_t *code, uint32_t pc)
{
    const cc_opcode op = CC_OP_TRANSFER_QUEUE;
    contact *c = &rt->contacts.items[ci];
    char b1[512];
    uint32_t v = op_u32(code, pc, 0);
    int q = CCFB_VAL_TAG(v) == CCFB_VAL_NONE ? c->queue : queue_of(rt, c, v, b1, sizeof b1);
    if (q < 0) {
        if (CCFB_VAL_TAG(v) == CCFB_VAL_NONE)
            vm_fault(rt, ci, pc, "no working queue: set one with set_working_queue first");
        else
            vm_fault(rt, ci, pc, "no queue named '%s'", b1);
        c->outcome = OUT(ERROR);
        return true;
    }
    queue *qq = &rt->queues.items[q];
    if (qq->max_contacts && qq->size >= qq->max_contacts) {
        c->outcome = OUT(AT_CAPACITY);
        return true;
    }
    if (c->state == ST_QUEUED && c->in_queue >= 0)
        rt->queues.items[c->in_queue].size--;
    vm_enqueue(rt, ci, q);
    if (vm_route_contact(rt, ci))
        return false;
    c = &rt->contacts.items[ci];
    if (RX(c)->hooks[CC_HOOK_CUSTOMER_QUEUE] < 0)
        return false;
    c->mode = MODE_QUEUE_FLOW; /* the customer queue flow runs while the contact waits */
    c->flow = (uint32_t)RX(c)->hooks[CC_HOOK_CUSTOMER_QUEUE];
    c->pc = rt->m->flows[c->flow].start;
    return true;
}

static OUT_OF_LOOP bool op_check_queue(cc_rt *rt, uint32_t ci, const uint8_t *code, uint32_t pc)
{
    const cc_opcode op = CC_OP_CHECK_QUEUE;
    contact *c = &rt->contacts.items[ci];
    char b1[512], b2[32];
    uint32_t metric = op_u32(code, pc, 0);
    const char *name = value_text(rt, c, op_u32(code, pc, 1), b1, sizeof b1);
    int q = name ? vm_find_queue(rt, name) : c->queue;
    uint32_t n = op_u32(code, pc, 2);
    if (q < 0) {
        c->outcome = OUTN(ERROR, n);
        return true;
    }
    int64_t value = 0;
    if (metric == CC_QMETRIC_QUEUE_SIZE)
        value = rt->queues.items[q].size;
    else {
        waiting *w = vm_queue_head(rt, &rt->queues.items[q]);
        value = w ? (rt->now - rt->contacts.items[w->contact].enqueued) / 1000 : 0;
    }
    snprintf(b2, sizeof b2, "%lld", (long long)value);
    c->outcome = match_cases(rt, c, op, code, pc, 3, n, b2);
    return true;
}

/* The hours named, else the working queue's; a queue without hours is always open. */
static OUT_OF_LOOP bool op_check_hours(cc_rt *rt, uint32_t ci, const uint8_t *code, uint32_t pc)
{
    const cc_opcode op = CC_OP_CHECK_HOURS;
    contact *c = &rt->contacts.items[ci];
    char b1[512];
    uint32_t v = op_u32(code, pc, 0);
    int h = -1;
    if (CCFB_VAL_TAG(v) != CCFB_VAL_NONE) {
        const char *name = value_text(rt, c, v, b1, sizeof b1);
        h = cc_rt_hours_index(rt, name);
        if (h < 0) {
            vm_fault(rt, ci, pc, "no hours of operation named '%s'", name ? name : "");
            c->outcome = OUT(ERROR);
            return true;
        }
    } else if (c->queue < 0) {
        vm_fault(rt, ci, pc, "no working queue, whose hours these would be");
        c->outcome = OUT(ERROR);
        return true;
    } else
        h = rt->queues.items[c->queue].hours;
    c->outcome = h < 0 || vm_hours_open(&rt->hours.items[h], rt->now) ? OUT(IN_HOURS) : OUT(OUT_OF_HOURS);
    return true;
}

static OUT_OF_LOOP bool op_set_attributes(cc_rt *rt, uint32_t ci, const uint8_t *code, uint32_t pc)
{
    const cc_opcode op = CC_OP_SET_ATTRIBUTES;
    contact *c = &rt->contacts.items[ci];
    char b1[512], b2[512];
    uint32_t target = op_u32(code, pc, 0), n = op_u32(code, pc, 1);
    contact *to = c;
    if (target == CC_ATTR_RELATED) {
        /* the related contact: the one this contact was linked to when it was made (by a
         * create_task block); error when there is none or it has ended */
        to = vm_find_contact(rt, RX(c)->related ? RX(c)->related : RX(c)->previous);
        if (!to || to->state == ST_ENDED) {
            vm_fault(rt, ci, pc, to ? "the related contact has ended" : "the contact has no related contact");
            c->outcome = OUT(ERROR);
            return true;
        }
    }
    for (uint32_t i = 0; i < n; i++) {
        char *key = vm_module_string(rt, op_u32(code, pc, 2 + 2 * i));
        const char *v = value_text(rt, c, op_u32(code, pc, 3 + 2 * i), b1, sizeof b1);
        if (target != 2)
            vm_set_shared_attribute(rt, to, key, v ? v : "", false);
        else {
            snprintf(b2, sizeof b2, "$.FlowAttributes.%s", key);
            var_set(c, b2, v ? v : "");
        }
        cc_free(key);
    }
    c->outcome = OUT(NEXT);
    return true;
}

static OUT_OF_LOOP bool op_distribute(cc_rt *rt, uint32_t ci, const uint8_t *code, uint32_t pc)
{
    const cc_opcode op = CC_OP_DISTRIBUTE;
    contact *c = &rt->contacts.items[ci];
    uint32_t n = op_u32(code, pc, 0);
    rt->rng = rt->rng * 6364136223846793005ull + 1442695040888963407ull;
    uint32_t roll = (uint32_t)((rt->rng >> 33) % 100), sum = 0;
    for (uint32_t i = 0; i < n; i++) {
        sum += op_u32(code, pc, 1 + i);
        if (roll < sum) {
            c->outcome = OUTN(CASES, n) + i;
            return true;
        }
    }
    c->outcome = OUTN(DEFAULT, n);
    return true;
}

/* The count of a loop block read from a reference (-1: not a whole number). */
static OUT_OF_LOOP int64_t loop_count_ref(cc_rt *rt, const contact *c, uint32_t cv)
{
    char b1[512];
    const char *v = value_text(rt, c, cv, b1, sizeof b1);
    char *end = NULL;
    int64_t count = v ? strtoll(v, &end, 10) : -1;
    return !v || *end ? -1 : count;
}

/* The count of a loop block: a literal, or a reference read now (-1: not a whole number). */
static inline int64_t loop_count(cc_rt *rt, const contact *c, uint32_t cv)
{
    if (CCFB_VAL_TAG(cv) == CCFB_VAL_NUM && rt->is_num[CCFB_VAL_PAYLOAD(cv)])
        return rt->nums[CCFB_VAL_PAYLOAD(cv)];
    return loop_count_ref(rt, c, cv);
}

static inline bool op_loop(cc_rt *rt, uint32_t ci, const uint8_t *code, uint32_t pc)
{
    const cc_opcode op = CC_OP_LOOP;
    contact *c = &rt->contacts.items[ci];
    uint32_t block = op_u32(code, pc, 0);
    int64_t count = loop_count(rt, c, op_u32(code, pc, 1));
    if (count < 0) {
        vm_fault(rt, ci, pc, "the loop count is not a whole number from 0 to 100");
        c->outcome = OUT(ERROR); /* a count that is not a whole number (read from a reference) */
        return true;
    }
    loop_counter inline_lc = {c->loop_block, c->loop_count}, *lc = NULL;
    if (c->loop_block == block || c->loop_block == UINT32_MAX) {
        inline_lc.block = block;
        lc = &inline_lc; /* the common case: one loop block, counted in the contact itself */
    } else {
        contact_extra *x = WX(c);
        for (size_t i = 0; i < x->loops.len; i++)
            if (x->loops.items[i].block == block)
                lc = &x->loops.items[i];
        if (!lc) {
            loop_counter z = {block, 0};
            cc_vec_push(&x->loops, z);
            lc = &x->loops.items[x->loops.len - 1];
        }
    }
    if (lc->count < (uint32_t)count) {
        lc->count++;
        c->outcome = OUT(LOOPING);
    } else {
        lc->count = 0;
        c->outcome = OUT(COMPLETE);
    }
    if (lc == &inline_lc) {
        c->loop_block = inline_lc.block;
        c->loop_count = inline_lc.count;
    }
    return true;
}

/* The contact enters flow module mf (-1: none by that name), to come back after its call. */
static OUT_OF_LOOP bool enter_module(cc_rt *rt, uint32_t ci, cc_opcode op, uint32_t pc, int mf, const char *name)
{
    contact *c = &rt->contacts.items[ci];
    if (mf < 0 || RX(c)->ret_flow >= 0 || rt->m->flows[mf].type != CC_FT_MODULE) {
        /* modules do not nest, and only modules are invoked */
        if (mf < 0)
            vm_fault(rt, ci, pc, "no flow module named '%s'", name ? name : "");
        else if (RX(c)->ret_flow >= 0)
            vm_fault(rt, ci, pc, "a module cannot invoke another");
        else
            vm_fault(rt, ci, pc, "that flow is not a module");
        c->outcome = OUT(ERROR);
        return true;
    }
    WX(c)->ret_flow = (int32_t)c->flow;
    c->x->ret_pc = c->pc;
    c->flow = (uint32_t)mf;
    c->pc = rt->m->flows[mf].start;
    return true;
}

/* The flow named by a reference: a hook's flow (SET_HOOK_NAMED), one to transfer to. */
static OUT_OF_LOOP bool op_named_flow(cc_rt *rt, uint32_t ci, const uint8_t *code, uint32_t pc, cc_opcode op)
{
    contact *c = &rt->contacts.items[ci];
    char b1[512];
    uint32_t hook = op == CC_OP_SET_HOOK_NAMED ? op_u32(code, pc, 0) : 0;
    const char *name = value_text(rt, c, op_u32(code, pc, op == CC_OP_SET_HOOK_NAMED), b1, sizeof b1);
    if (op == CC_OP_CALL_NAMED)
        return enter_module(rt, ci, op, pc, flow_named(rt, name, rt->module_types), name);
    unsigned types = op == CC_OP_SET_HOOK_NAMED ? (hook < CC_HOOK_COUNT ? cc_hooks[hook].flow_types : 0) : rt->transfer_types;
    int fl = flow_named(rt, name, types);
    if (fl < 0 || hook >= CC_HOOK_COUNT) {
        vm_fault(rt, ci, pc,
                 op == CC_OP_SET_HOOK_NAMED ? "no flow named '%s' of the type this event needs"
                                            : "no inbound or transfer flow named '%s'",
                 name ? name : "");
        c->outcome = OUT(ERROR);
        return true;
    }
    if (op == CC_OP_SET_HOOK_NAMED) {
        WX(c)->hooks[hook] = fl;
        c->outcome = OUT(NEXT);
        return true;
    }
    c->flow = (uint32_t)fl;
    c->pc = rt->m->flows[c->flow].start;
    if (RX(c)->ret_flow >= 0) /* a module that transfers away does not come back */
        WX(c)->ret_flow = -1;
    return true;
}

/* Connect's TimeoutSeconds given by a reference: whole or fractional seconds. */
static OUT_OF_LOOP bool op_wait_for(cc_rt *rt, uint32_t ci, const uint8_t *code, uint32_t pc)
{
    const cc_opcode op = CC_OP_WAIT_FOR;
    contact *c = &rt->contacts.items[ci];
    char b1[512];
    const char *text = value_text(rt, c, op_u32(code, pc, 0), b1, sizeof b1);
    char *end = NULL;
    double secs = text ? strtod(text, &end) : -1;
    if (!text || end == text || *end || !(secs >= 0 && secs <= 7 * 86400.0)) {
        vm_fault(rt, ci, pc, "a wait of '%s' seconds is not a time of 0 to 7 days", text ? text : "");
        c->outcome = OUT(ERROR);
        return true;
    }
    c->outcome = OUT(TIMEOUT);
    suspend(rt, ci, c, rt->now + (int64_t)(secs * 1000.0 + 0.5));
    return false;
}

static OUT_OF_LOOP bool op_get_input(cc_rt *rt, uint32_t ci, const uint8_t *code, uint32_t pc)
{
    const cc_opcode op = CC_OP_GET_INPUT;
    contact *c = &rt->contacts.items[ci];
    char b1[512];
    uint32_t n = op_u32(code, pc, 2);
    if (rt->input_kind->support[c->channel] == CC_SUP_NO_ERROR) {
        c->outcome = OUTN(ERROR, n);
        return true;
    }
    if (RX(c)->next_input >= RX(c)->inputs.len) {
        c->outcome = OUTN(TIMEOUT, n); /* nothing entered: after the timeout */
        suspend(rt, ci, c, rt->now + op_u32(code, pc, 1));
        return false;
    }
    const char *in = WX(c)->inputs.items[c->x->next_input++]; /* the customer answers at once */
    c->outcome = OUTN(NO_MATCH, n); /* unless an option is what was entered */
    for (uint32_t i = 0; i < n; i++) {
        const char *opt = value_text(rt, c, op_u32(code, pc, 3 + i), b1, sizeof b1);
        if (opt && !strcmp(opt, in)) {
            c->outcome = OUTN(CASES, n) + i;
            break;
        }
    }
    return true;
}

static OUT_OF_LOOP bool op_store_input(cc_rt *rt, uint32_t ci, const uint8_t *code, uint32_t pc)
{
    const cc_opcode op = CC_OP_STORE_INPUT;
    contact *c = &rt->contacts.items[ci];
    if (rt->store_kind->support[c->channel] == CC_SUP_NO_ERROR) {
        c->outcome = OUT(ERROR);
        return true;
    }
    c->outcome = OUT(NEXT);
    if (RX(c)->next_input < RX(c)->inputs.len) {
        var_set(c, "$.StoredCustomerInput", c->x->inputs.items[c->x->next_input++]);
        return true;
    }
    var_set(c, "$.StoredCustomerInput", "Timeout");
    suspend(rt, ci, c, rt->now + op_u32(code, pc, 2));
    return false;
}

/* A generic block: its outcome comes from outside ccflow (scripted, or the kind's default); a
 * few kinds do work of their own. */
static OUT_OF_LOOP bool op_block(cc_rt *rt, uint32_t ci, const uint8_t *code, uint32_t pc)
{
    contact *c = &rt->contacts.items[ci];
    char b1[512];
    const cc_block_spec *k = &cc_blocks[op_u32(code, pc, 0)];
    if (k->support[c->channel] == CC_SUP_NO_ERROR) {
        int error = cc_outcome(k, CC_OUT_ERROR, 1);
        c->outcome = error >= 0 ? (uint32_t)error : CCFB_NO_TARGET;
        return true;
    }
    c->outcome = outside_outcome(rt, c, k, code, pc, b1, sizeof b1);
    if (c->outcome == 0 && k == rt->criteria_kind && !vm_set_criteria(rt, ci, code, pc)) {
        vm_fault(rt, ci, pc, "the routing criteria are not a mapping of names to values, or the expiry not a duration");
        c->outcome = (uint32_t)cc_outcome(k, CC_OUT_ERROR, 1);
    }
    c = &rt->contacts.items[ci];
    if (c->outcome == 0 && k == rt->phone_transfer_kind && !block_flag(rt, c, k, code, pc, "resume", b1, sizeof b1)) {
        vm_finish(rt, ci, CC_END_THIRD_PARTY_DISCONNECT); /* bridged out: the contact leaves ccflow */
        return false;
    }
    return true;
}

static OUT_OF_LOOP bool op_create_task(cc_rt *rt, uint32_t ci, const uint8_t *code, uint32_t pc)
{
    const cc_opcode op = CC_OP_CREATE_TASK;
    char why[512];
    bool made = vm_create_task_from_flow(rt, ci, code, pc, why, sizeof why); /* may move the contacts */
    if (!made)
        vm_fault(rt, ci, pc, "the task is not created: %s", why);
    rt->contacts.items[ci].outcome = made ? OUT(NEXT) : OUT(ERROR);
    return true;
}

/* A function's fixed result, after its latency (a timeout first is an error). */
static bool fixed_result(cc_rt *rt, uint32_t ci, const function *fn, uint32_t timeout)
{
    const cc_opcode op = CC_OP_INVOKE;
    contact *c = &rt->contacts.items[ci];
    if (fn->latency_ms > timeout) {
        suspend(rt, ci, c, rt->now + timeout);
        return false;
    }
    char key[512];
    for (size_t i = 0; i < fn->result.len; i++) {
        snprintf(key, sizeof key, "$.External.%s", fn->result.items[i].key);
        var_set(c, key, fn->result.items[i].value);
    }
    c->outcome = OUT(NEXT);
    if (fn->latency_ms > 0) {
        suspend(rt, ci, c, rt->now + fn->latency_ms);
        return false;
    }
    return true;
}

static OUT_OF_LOOP bool op_invoke(cc_rt *rt, uint32_t ci, const uint8_t *code, uint32_t pc)
{
    const cc_opcode op = CC_OP_INVOKE;
    contact *c = &rt->contacts.items[ci];
    char b1[512];
    c->outcome = OUT(ERROR);
    const char *name = value_text(rt, c, op_u32(code, pc, 0), b1, sizeof b1);
    if (name && !strncmp(name, "ccflow:", 7)) { /* a built-in: computed at once, no host */
        c->outcome = vm_call_builtin(rt, c, name, code, pc) ? OUT(NEXT) : OUT(ERROR);
        return true;
    }
    const function *fn = vm_find_function(rt, name);
    uint32_t timeout = op_u32(code, pc, 1);
    if (!fn || (!fn->host && fn->host_ud == (void *)rt)) {
        /* an unknown function, or a host's not bound again after a restore, fails */
        vm_fault(rt, ci, pc, fn ? "host function '%s' is not bound (add it again after a restore)" : "no function named '%s'",
                 name ? name : "");
        return true;
    }
    if (!fn->host)
        return fixed_result(rt, ci, fn, timeout);
    /* the fiber waits for the host's answer, or for its timeout (error) */
    invoke_params p = vm_params_of(rt, c, code, pc);
    suspend(rt, ci, c, rt->now + timeout);
    host_call call = {++rt->next_call, ci, c->gen};
    cc_vec_push(&rt->calls, call);
    char *fname = cc_xstrdup(name);
    char idb[32];
    fn->host(fn->host_ud, call.id, cid(c, idb), fname, p.keys, p.values, p.n);
    cc_free(fname);
    vm_params_free(&p);
    return false;
}

/* ---- the dispatch ---- */

/* A case whose work is a helper's: the fiber goes on when it says so. */
#define STEP(call)                                                                                 \
    if (!(call))                                                                                   \
        return;                                                                                    \
    break

void vm_run_fiber(cc_rt *rt, uint32_t ci)
{
    char b1[512];
    for (;;) {
        contact *c = &rt->contacts.items[ci];
        const ccfb_flow *f = &rt->m->flows[c->flow];
        const uint8_t *code = f->code;
        uint32_t pc = c->pc;
        uint8_t op = code[pc];
        if (rt->on_trace && rt->block_at[c->flow][pc] >= 0) {
            vm_trace(rt, c, rt->strs[ccfb_flow_block(f, (uint32_t)rt->block_at[c->flow][pc]).id], NULL);
            c = &rt->contacts.items[ci]; /* a callback may have started contacts */
        }
        uint32_t next_pc = pc + 1 + 4u * rt->insn_fixed[op];
        if (rt->insn_group[op]) /* "...n*group": the count is the last fixed operand */
            next_pc += 4u * rt->insn_group[op] * ccfb_read_u32(code + next_pc - 4);
        c->pc = next_pc;
        switch ((cc_opcode)op) {
        case CC_OP_NOP:
            break;
        case CC_OP_SWITCH: {
            uint32_t n = op_u32(code, pc, 0);
            uint32_t target = c->outcome < n ? op_u32(code, pc, 1 + c->outcome) : CCFB_NO_TARGET;
            if (target == CCFB_NO_TARGET) {
                flow_ended(rt, ci, false);
                return;
            }
            c->pc = target;
            break;
        }
        case CC_OP_JUMP:
            c->pc = op_u32(code, pc, 0);
            break;
        case CC_OP_END_FLOW:
        case CC_OP_DISCONNECT:
            flow_ended(rt, ci, op == CC_OP_DISCONNECT);
            return;
        case CC_OP_SET_QUEUE: {
            int q = queue_of(rt, c, op_u32(code, pc, 0), b1, sizeof b1);
            if (q >= 0)
                c->queue = q;
            else
                vm_fault(rt, ci, pc, "no queue named '%s'", b1);
            c->outcome = q >= 0 ? OUT(NEXT) : OUT(ERROR);
            break;
        }
        case CC_OP_TRANSFER_QUEUE:
            STEP(op_transfer_queue(rt, ci, code, pc));
        case CC_OP_CHECK_STAFFING: {
            /* available: a free slot for this channel; staffed: available or busy; online: not offline */
            uint32_t status = op_u32(code, pc, 0), v = op_u32(code, pc, 1);
            int q = CCFB_VAL_TAG(v) == CCFB_VAL_NONE ? c->queue : queue_of(rt, c, v, b1, sizeof b1);
            const queue *qq = q >= 0 ? &rt->queues.items[q] : NULL;
            bool any = qq && (status == CC_STAFF_AVAILABLE ? qq->free[c->channel] > 0
                                : status == CC_STAFF_STAFFED ? qq->staffed > 0 : qq->online > 0);
            c->outcome = !qq ? OUT(ERROR) : any ? OUT(TRUE) : OUT(FALSE);
            break;
        }
        case CC_OP_CHECK_QUEUE:
            STEP(op_check_queue(rt, ci, code, pc));
        case CC_OP_CHECK_HOURS:
            STEP(op_check_hours(rt, ci, code, pc));
        case CC_OP_COMPARE: {
            const char *v = value_text(rt, c, op_u32(code, pc, 0), b1, sizeof b1);
            c->outcome = match_cases(rt, c, CC_OP_COMPARE, code, pc, 2, op_u32(code, pc, 1), v);
            break;
        }
        case CC_OP_SET_ATTRIBUTES:
            STEP(op_set_attributes(rt, ci, code, pc));
        case CC_OP_SET_PRIORITY: {
            const char *v = value_text(rt, c, op_u32(code, pc, 0), b1, sizeof b1);
            uint64_t p = v ? strtoull(v, NULL, 10) : 0;
            if (p && c->state == ST_QUEUED) { /* a contact already queued: the change applies 60 s later */
                WX(c)->next_priority = p;
                vm_schedule(rt, rt->now + 60000, EV_REROUTE, ci, 0);
            } else if (p)
                c->priority = p;
            c->outcome = OUT(NEXT);
            break;
        }
        case CC_OP_ADJUST_AGE:
            if (c->state == ST_QUEUED) {
                WX(c)->next_age_adjust += (int32_t)op_u32(code, pc, 0);
                vm_schedule(rt, rt->now + 60000, EV_REROUTE, ci, 0);
            } else
                c->age_adjust += (int32_t)op_u32(code, pc, 0);
            c->outcome = OUT(NEXT);
            break;
        case CC_OP_DISTRIBUTE:
            STEP(op_distribute(rt, ci, code, pc));
        case CC_OP_LOOP:
            STEP(op_loop(rt, ci, code, pc));
        case CC_OP_SET_HOOK: {
            uint32_t hook = op_u32(code, pc, 0);
            if (hook < CC_HOOK_COUNT)
                WX(c)->hooks[hook] = (int32_t)op_u32(code, pc, 1);
            c->outcome = OUT(NEXT);
            break;
        }
        case CC_OP_SET_HOOK_NAMED:
        case CC_OP_TRANSFER_NAMED:
        case CC_OP_CALL_NAMED:
            STEP(op_named_flow(rt, ci, code, pc, (cc_opcode)op));
        case CC_OP_TRANSFER_FLOW:
            c->flow = op_u32(code, pc, 0);
            c->pc = rt->m->flows[c->flow].start;
            if (RX(c)->ret_flow >= 0) /* a module that transfers away does not come back */
                WX(c)->ret_flow = -1;
            break;
        case CC_OP_CALL_MODULE:
            STEP(enter_module(rt, ci, CC_OP_CALL_MODULE, pc, (int)op_u32(code, pc, 0), NULL));
        case CC_OP_RETURN:
            if (RX(c)->ret_flow < 0) {
                flow_ended(rt, ci, false);
                return;
            }
            c->flow = (uint32_t)c->x->ret_flow;
            c->pc = c->x->ret_pc;
            c->x->ret_flow = -1;
            c->outcome = cc_op_outcome(&rt->outcomes, CC_OP_CALL_MODULE, CC_OUT_NEXT, 1); /* the call goes on */
            break;
        case CC_OP_WAIT:
            c->outcome = OUT(TIMEOUT); /* when the timer fires */
            suspend(rt, ci, c, rt->now + op_u32(code, pc, 0));
            return;
        case CC_OP_WAIT_FOR:
            STEP(op_wait_for(rt, ci, code, pc));
        case CC_OP_PROMPT:
            c->outcome = rt->prompt_kind->support[c->channel] == CC_SUP_NO_ERROR ? OUT(ERROR) : OUT(NEXT);
            break;
        case CC_OP_LOOP_PROMPTS:
            if (rt->loop_prompts_kind->support[c->channel] == CC_SUP_NO_ERROR) {
                c->outcome = OUT(ERROR);
                break;
            }
            if (op_u32(code, pc, 0)) { /* the interrupt */
                c->outcome = OUT(TIMEOUT);
                suspend(rt, ci, c, rt->now + op_u32(code, pc, 0));
            }
            return; /* without an interrupt the prompts play until the contact leaves */
        case CC_OP_GET_INPUT:
            STEP(op_get_input(rt, ci, code, pc));
        case CC_OP_STORE_INPUT:
            STEP(op_store_input(rt, ci, code, pc));
        case CC_OP_BLOCK:
            STEP(op_block(rt, ci, code, pc));
        case CC_OP_GET_METRICS: {
            const char *name = value_text(rt, c, op_u32(code, pc, 0), b1, sizeof b1);
            int q = name ? vm_find_queue(rt, name) : c->queue;
            if (q >= 0)
                vm_set_metrics(rt, c, q);
            c->outcome = q >= 0 ? OUT(NEXT) : OUT(ERROR);
            break;
        }
        case CC_OP_CREATE_TASK:
            STEP(op_create_task(rt, ci, code, pc));
        case CC_OP_INVOKE:
            STEP(op_invoke(rt, ci, code, pc));
        case CC_OP_COUNT:
            break;
        }
    }
}
