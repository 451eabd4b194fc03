/* contact.c — contacts: start and end, attributes and links, records, describe, search, the API on one. */
#include "state.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const contact_extra vm_no_extra = {.hooks = {-1, -1, -1, -1, -1, -1, -1},
                                   .ret_flow = -1,
                                   .created_by = -1,
                                   .template_ = -1,
                                   .criteria_until = -1};

/* ---- contacts' data ---- */

void vm_kv_set(attr_vec *v, const char *key, const char *value)
{
    for (size_t i = 0; i < v->len; i++)
        if (!strcmp(v->items[i].key, key)) {
            /* copy first: the value may be the one it replaces ({ tier: $.Attributes.tier }) */
            char *copy = cc_xstrdup(value);
            cc_free(v->items[i].value);
            v->items[i].value = copy;
            return;
        }
    attr a = {cc_xstrdup(key), cc_xstrdup(value)};
    cc_vec_push(v, a);
}

void vm_kv_free(attr_vec *v)
{
    for (size_t i = 0; i < v->len; i++) {
        cc_free(v->items[i].key);
        cc_free(v->items[i].value);
    }
    cc_vec_free(v);
}

/* The bytes of the attributes in v that an update of these keys leaves as they are. */
static size_t bytes_kept(const attr_vec *v, const char *const *keys, size_t n)
{
    size_t kept = 0;
    for (size_t i = 0; i < v->len; i++) {
        bool replaced = false;
        for (size_t k = 0; k < n && !replaced; k++)
            replaced = !strcmp(keys[k], v->items[i].key);
        if (!replaced)
            kept += strlen(v->items[i].key) + strlen(v->items[i].value);
    }
    return kept;
}

/* $.References.<name>.Value or .Type (the row's `last` names the two). */
static const char *reference_field(const contact *c, const char *ref)
{
    const char *name = ref + 13, *dot = strrchr(name, '.');
    if (!dot || !cc_branch_listed(cc_refs[CC_REF_REFERENCES_].last, dot + 1))
        return NULL;
    for (size_t i = 0; i < RX(c)->refs.len; i++) {
        const stored_ref *r = &RX(c)->refs.items[i];
        if (strlen(r->name) == (size_t)(dot - name) && !strncmp(r->name, name, (size_t)(dot - name)))
            return dot[1] == 'V' ? r->value : r->type;
    }
    return NULL;
}

/* $.Loop.<block id>: the 0-based index of the pass under way, as Connect's Loop attribute gives it. */
static const char *loop_index(cc_rt *rt, const contact *c, const char *ref, char *buf, size_t n)
{
    const ccfb_flow *f = &rt->m->flows[c->flow];
    for (uint32_t b = 0; b < f->nblocks; b++) {
        ccfb_block blk = ccfb_flow_block(f, b);
        if (!string_is(rt, blk.id, ref + 7))
            continue;
        if (c->loop_block == b) {
            snprintf(buf, n, "%u", c->loop_count ? c->loop_count - 1 : 0);
            return buf;
        }
        for (size_t i = 0; i < RX(c)->loops.len; i++)
            if (RX(c)->loops.items[i].block == b) {
                uint32_t k = RX(c)->loops.items[i].count;
                snprintf(buf, n, "%u", k ? k - 1 : 0);
                return buf;
            }
        return "0";
    }
    return NULL;
}

const char *vm_ref_value(cc_rt *rt, const contact *c, cc_ref_id id, const char *ref, char *buf, size_t n)
{
    switch (id) {
    case CC_REF_ATTRIBUTES_:
        return attr_get(c, ref + 13);
    case CC_REF_REFERENCES_:
        return reference_field(c, ref);
    case CC_REF_RELATED_CONTACT_ID:
        return RX(c)->related;
    case CC_REF_PREVIOUS_CONTACT_ID:
        return RX(c)->previous;
    case CC_REF_CHANNEL:
        return cc_channel_upper(c->channel);
    case CC_REF_NAME:
        return c->name;
    case CC_REF_DESCRIPTION:
        return RX(c)->description;
    case CC_REF_CONTACT_ID:
    case CC_REF_INITIAL_CONTACT_ID:
        return cid(c, buf);
    case CC_REF_QUEUE_NAME:
        return c->queue >= 0 ? rt->queues.items[c->queue].name : NULL;
    case CC_REF_LOOP_:
        return loop_index(rt, c, ref, buf, n);
    default: /* what a block or the API stored: $.External, $.Metrics, $.Task.ContactId, $.FlowAttributes... */
        return var_get(c, ref);
    }
}

const char *vm_ref_text(cc_rt *rt, const contact *c, const char *ref, char *buf, size_t n)
{
    const cc_ref_info *row = cc_ref_lookup(ref);
    return vm_ref_value(rt, c, row ? row->id : CC_REF_COUNT, ref, buf, n);
}

/* ---- ending, records ---- */

/* What a contact's record (or DescribeContact) tells of it, built in `r`; the arrays and texts it
 * points to live in `keep` until record_done. */
typedef struct {
    const char **ptrs; /* attribute keys and values, reference names, types and values */
    char *flow;
    char idb[32];
} record_keep;

static const char *const state_names[] = {"SCHEDULED", "IN_FLOW", "IN_FLOW", "QUEUED", "CONNECTED",
                                          "AFTER_CONTACT_WORK", "ENDED"};

static void record_of(const cc_rt *rt, const contact *c, cc_record *r, record_keep *keep)
{
    const contact_extra *x = RX(c);
    size_t na = x->attrs.len, nr = x->refs.len;
    keep->ptrs = cc_xcalloc(2 * na + 3 * nr + 1, sizeof *keep->ptrs);
    for (size_t i = 0; i < na; i++) {
        keep->ptrs[i] = x->attrs.items[i].key;
        keep->ptrs[na + i] = x->attrs.items[i].value;
    }
    for (size_t i = 0; i < nr; i++) {
        keep->ptrs[2 * na + i] = x->refs.items[i].name;
        keep->ptrs[2 * na + nr + i] = x->refs.items[i].type;
        keep->ptrs[2 * na + 2 * nr + i] = x->refs.items[i].value;
    }
    keep->flow = vm_module_string(rt, rt->m->flows[c->first_flow].name);
    memset(r, 0, sizeof *r);
    r->id = cid(c, keep->idb);
    r->channel = cc_channel_upper(c->channel);
    r->name = c->name;
    r->description = x->description;
    r->flow = keep->flow;
    r->initiation = x->by_disconnect                                             ? "DISCONNECT"
                    : c->channel == 2                                            ? "API"
                    : rt->m->flows[c->first_flow].type == CC_FT_OUTBOUND_WHISPER ? "OUTBOUND"
                                                                                 : "INBOUND";
    r->initiated = c->created;
    r->scheduled = c->scheduled;
    r->ended = c->ended;
    r->reason = c->reason;
    r->queue = c->enqueued >= 0 ? rt->queues.items[c->in_queue >= 0 ? c->in_queue : c->queue].name : NULL;
    r->enqueued = c->enqueued;
    r->dequeued = c->dequeued;
    r->agent = c->agent >= 0 && c->connected >= 0 ? rt->agents.items[c->agent].name : NULL;
    r->connected = c->connected;
    /* after-contact work follows the disconnect; it is over once the contact has ended */
    bool wrapping = r->agent && (c->state == ST_ACW || (c->state == ST_ENDED && c->acw_end >= 0));
    r->acw_start = wrapping ? c->ended : -1;
    r->acw_end = wrapping && c->state == ST_ENDED ? c->acw_end : -1;
    r->attr_keys = keep->ptrs;
    r->attr_values = keep->ptrs + na;
    r->nattrs = na;
    r->previous = x->previous;
    r->related = x->related;
    r->initial = x->transfers ? r->id : NULL;
    r->created_by = x->created_by >= 0 ? rt->agents.items[x->created_by].name : NULL;
    r->template_name = x->template_ >= 0 ? rt->templates.items[x->template_].name : NULL;
    r->expiry_ms = c->channel == 2 ? (x->expiry_ms ? x->expiry_ms : 7 * DAY_MS) : 0;
    r->ref_names = keep->ptrs + 2 * na;
    r->ref_types = keep->ptrs + 2 * na + nr;
    r->ref_values = keep->ptrs + 2 * na + 2 * nr;
    r->nrefs = nr;
    r->state = state_names[c->state];
}

static void record_done(record_keep *keep)
{
    cc_free(keep->ptrs);
    cc_free(keep->flow);
}

static void emit_record(cc_rt *rt, contact *c)
{
    if (!rt->on_record)
        return;
    cc_record r;
    record_keep keep;
    record_of(rt, c, &r, &keep);
    rt->on_record(rt->record_ud, &r);
    record_done(&keep);
}

/* Frees what a contact needs only while it runs (scripted input and outcomes, run-time values,
 * loop counters); what DescribeContact, search and linked tasks read stays. */
static void trim_contact_data(contact *c)
{
    contact_extra *x = c->x;
    if (!x)
        return;
    for (size_t i = 0; i < x->inputs.len; i++)
        cc_free(x->inputs.items[i]);
    cc_vec_free(&x->inputs);
    x->next_input = 0;
    vm_kv_free(&x->vars);
    vm_kv_free(&x->outcomes);
    vm_kv_free(&x->criteria);
    cc_vec_free(&x->loops);
}

void vm_free_contact_data(contact *c)
{
    contact_extra *x = c->x;
    if (!x)
        return;
    trim_contact_data(c);
    vm_kv_free(&x->attrs);
    for (size_t i = 0; i < x->refs.len; i++) {
        cc_free(x->refs.items[i].name);
        cc_free(x->refs.items[i].type);
        cc_free(x->refs.items[i].value);
    }
    cc_vec_free(&x->refs);
    cc_free(x->description);
    cc_free(x->previous);
    cc_free(x->related);
    cc_free(x->chain);
    cc_free(x);
    c->x = NULL;
}


void vm_finish(cc_rt *rt, uint32_t ci, cc_end_reason reason)
{
    contact *c = &rt->contacts.items[ci];
    if (c->state == ST_ENDED)
        return;
    if (c->state == ST_QUEUED && c->in_queue >= 0)
        rt->queues.items[c->in_queue].size--;
    bool wrapped = c->state == ST_ACW && c->ended >= 0; /* disconnected already, its work done now */
    c->state = ST_ENDED;
    c->reason = reason;
    if (!wrapped)
        c->ended = rt->now;
    if (rt->on_trace) {
        char what[64];
        snprintf(what, sizeof what, wrapped ? "after-contact work done" : "ended %s", cc_end_reason_name(reason));
        vm_trace(rt, c, NULL, what);
        c = &rt->contacts.items[ci]; /* a callback may have started contacts */
    }
    c->gen++;
    rt->totals.handled += reason == CC_END_AGENT_DISCONNECT;
    rt->totals.disconnected += reason == CC_END_CONTACT_FLOW_DISCONNECT;
    rt->totals.expired += reason == CC_END_EXPIRED;
    rt->totals.stopped += reason == CC_END_API;
    rt->totals.transferred += reason == CC_END_THIRD_PARTY_DISCONNECT;
    rt->active_tasks -= c->channel == 2;
    trim_contact_data(c);
    emit_record(rt, c); /* last: its callback may start contacts, which moves them */
}


/* Runs the contact's disconnect flow, if it has one, before the contact ends. */
void vm_disconnect(cc_rt *rt, uint32_t ci, cc_end_reason reason)
{
    contact *c = &rt->contacts.items[ci];
    if (c->mode != MODE_DISCONNECT && RX(c)->hooks[CC_HOOK_DISCONNECT] >= 0) {
        c->reason = reason;
        c->mode = MODE_DISCONNECT;
        c->flow = (uint32_t)RX(c)->hooks[CC_HOOK_DISCONNECT];
        c->pc = rt->m->flows[c->flow].start;
        if (c->state == ST_QUEUED && c->in_queue >= 0) {
            rt->queues.items[c->in_queue].size--;
            c->in_queue = -1;
        }
        c->state = ST_RUNNING;
        c->gen++;
        vm_run_fiber(rt, ci);
        return;
    }
    vm_finish(rt, ci, c->mode == MODE_DISCONNECT ? c->reason : reason);
}

/* The number of an id in the form ccflow makes ("task-0000042", "contact-12345678"), else 0. */
static unsigned made_number(const char *id)
{
    unsigned num = 0;
    char again[40];
    const char *prefix = !strncmp(id, "task-", 5) ? "task" : !strncmp(id, "contact-", 8) ? "contact" : NULL;
    if (!prefix || sscanf(id + strlen(prefix) + 1, "%u", &num) != 1)
        return 0;
    snprintf(again, sizeof again, "%s-%07u", prefix, num);
    return strcmp(again, id) == 0 ? num : 0;
}

/* The contact with this id, or NULL. */
contact *vm_find_contact(cc_rt *rt, const char *id)
{
    if (!id)
        return NULL;
    uintptr_t i = (uintptr_t)cc_map_get(&rt->contact_ids, id);
    if (i)
        return &rt->contacts.items[i - 1];
    unsigned num = made_number(id);
    if (num && num <= rt->made.len) {
        contact *c = &rt->contacts.items[rt->made.items[num - 1]];
        char idb[32];
        if (!strcmp(cid(c, idb), id))
            return c;
    }
    return NULL;
}

/* Sets an attribute on a contact and, when it is in a PreviousContactId chain, on every contact of
 * the chain (their attributes are shared). Through the API (UpdateContactAttributes) a value ""
 * removes the key. */
void vm_set_shared_attribute(cc_rt *rt, contact *c, const char *key, const char *value, bool api)
{
    const chain *ch = RX(c)->chain ? cc_map_get(&rt->chains, RX(c)->chain) : NULL;
    size_t n = ch ? ch->len : 1;
    for (size_t i = 0; i < n; i++) {
        contact *m = ch ? &rt->contacts.items[ch->items[i]] : c;
        attr_vec *v = &WX(m)->attrs;
        if (!api || *value || !kv_get(v, key)) {
            if (api && !*value)
                continue; /* removing what is not there */
            vm_kv_set(v, key, value);
            continue;
        }
        for (size_t k = 0; k < v->len; k++) /* "" removes the key */
            if (!strcmp(v->items[k].key, key)) {
                cc_free(v->items[k].key);
                cc_free(v->items[k].value);
                v->items[k] = v->items[--v->len];
                break;
            }
    }
}

/* The one copy of a contact name the runtime keeps. */
const char *vm_intern_name(cc_rt *rt, const char *name)
{
    const char *have = cc_map_get(&rt->names, name);
    if (have)
        return have;
    char *copy = cc_xstrdup(name);
    cc_map_put(&rt->names, copy, copy);
    return copy;
}

bool cc_rt_start_task(cc_rt *rt, const cc_task_request *req, char *id, size_t idlen, char *err, size_t errlen)
{
    uint32_t ci;
    if (!vm_start_contact(rt, req, 2, NULL, 0, err, errlen, &ci))
        return false;
    char idb[32];
    if (id)
        snprintf(id, idlen, "%s", cid(&rt->contacts.items[ci], idb));
    return true;
}

void cc_rt_set_active_task_limit(cc_rt *rt, uint64_t limit) { rt->max_active_tasks = limit; }

/* A contact the API names; NULL with ResourceNotFoundException in err. */
contact *vm_api_contact(cc_rt *rt, const char *id, char *err, size_t errlen)
{
    contact *c = vm_find_contact(rt, id);
    if (!c)
        snprintf(err, errlen, "ResourceNotFoundException: no contact '%s'", id ? id : "");
    return c;
}

bool cc_rt_stop_contact(cc_rt *rt, const char *id, char *err, size_t errlen)
{
    contact *c = vm_api_contact(rt, id, err, errlen);
    if (!c)
        return false;
    if (c->state == ST_ENDED) {
        snprintf(err, errlen, "ContactNotFoundException: contact '%s' has already ended", id);
        return false;
    }
    uint32_t ci = (uint32_t)(c - rt->contacts.items);
    vm_drop_calls(rt, ci);
    if ((c->state == ST_CONNECTED || c->state == ST_ACW) && c->agent >= 0) {
        /* handling and after-contact work end now; a contact in after-contact work was
         * disconnected by its agent already, and stays so */
        cc_end_reason reason = c->state == ST_ACW ? CC_END_AGENT_DISCONNECT : CC_END_API;
        int ai = vm_give_back_slot(rt, c);
        c->acw_end = rt->now;
        if (RX(c)->offered) { /* never accepted: no agent had it */
            c->x->offered = false;
            c->agent = -1;
            c->acw_end = -1;
        }
        vm_finish(rt, ci, reason);
        vm_route_agent(rt, ai);
        return true;
    }
    vm_finish(rt, ci, CC_END_API);
    return true;
}

bool cc_rt_update_attributes(cc_rt *rt, const char *id, const char *const *keys, const char *const *values,
                             size_t n, char *err, size_t errlen)
{
    contact *c = vm_api_contact(rt, id, err, errlen);
    if (!c)
        return false;
    /* the size the attributes would take on each contact they reach: those the request leaves,
     * plus the request's */
    const chain *ch = RX(c)->chain ? cc_map_get(&rt->chains, RX(c)->chain) : NULL;
    for (size_t m = 0; m < (ch ? ch->len : 1); m++) {
        const contact *to = ch ? &rt->contacts.items[ch->items[m]] : c;
        if (!cc_task_attributes_ok(keys, values, n, bytes_kept(&RX(to)->attrs, keys, n), err, errlen))
            return false;
    }
    for (size_t i = 0; i < n; i++)
        vm_set_shared_attribute(rt, c, keys[i], values[i], true);
    return true;
}

bool cc_rt_update_schedule(cc_rt *rt, const char *id, int64_t when_ms, char *err, size_t errlen)
{
    contact *c = vm_api_contact(rt, id, err, errlen);
    if (!c)
        return false;
    if (c->channel != 2 || c->state != ST_SCHEDULED || c->scheduled < 0) {
        snprintf(err, errlen, "InvalidRequestException: contact '%s' is not a task waiting for its scheduled time", id);
        return false;
    }
    if (when_ms < rt->now || when_ms > rt->now + 6 * DAY_MS) {
        snprintf(err, errlen, "InvalidRequestException: ScheduledTime must be between now and 6 days ahead");
        return false;
    }
    c->scheduled = when_ms;
    c->gen++; /* the old start no longer applies (the expiry, counted from creation, stands) */
    vm_schedule(rt, when_ms, EV_START, (uint32_t)(c - rt->contacts.items), c->gen);
    return true;
}



bool cc_rt_transfer(cc_rt *rt, const char *id, const char *flow_name, const char *queue_name, const char *agent_name,
                    char *err, size_t errlen)
{
    contact *c = vm_api_contact(rt, id, err, errlen);
    if (!c)
        return false;
    if (c->channel != 2 && c->channel != 3) {
        snprintf(err, errlen, "InvalidRequestException: only TASK and EMAIL contacts can be transferred");
        return false;
    }
    if (c->state == ST_ENDED || c->state == ST_SCHEDULED || c->state == ST_ACW || c->mode == MODE_DISCONNECT) {
        snprintf(err, errlen, "InvalidRequestException: contact '%s' is not active (%s)", id,
                 c->state == ST_ACW           ? "its agent is wrapping it up"
                 : c->mode == MODE_DISCONNECT ? "it is ending"
                 : c->state == ST_ENDED       ? "it has ended"
                                              : "it waits for its scheduled time");
        return false;
    }
    if (!queue_name == !agent_name) {
        snprintf(err, errlen, "InvalidRequestException: give a QueueId or a UserId to transfer to, not %s",
                 queue_name ? "both" : "neither");
        return false;
    }
    int flow = vm_flow_index(rt, flow_name);
    if (flow < 0) {
        snprintf(err, errlen, "ResourceNotFoundException: no flow named '%s'", flow_name ? flow_name : "");
        return false;
    }
    uint32_t type = rt->m->flows[flow].type;
    if (type != CC_FT_INBOUND && type != CC_FT_TRANSFER_TO_AGENT && type != CC_FT_TRANSFER_TO_QUEUE) {
        snprintf(err, errlen,
                 "InvalidRequestException: flow '%s' is not an inbound, transfer_to_agent or transfer_to_queue flow",
                 flow_name);
        return false;
    }
    int q = queue_name ? cc_rt_queue_index(rt, queue_name) : -1, ai = agent_name ? cc_rt_agent_index(rt, agent_name) : -1;
    if (queue_name ? q < 0 : ai < 0) {
        snprintf(err, errlen, "ResourceNotFoundException: no %s named '%s'", queue_name ? "queue" : "agent",
                 queue_name ? queue_name : agent_name);
        return false;
    }
    if (RX(c)->transfers >= CC_TRANSFERS_MAX) {
        snprintf(err, errlen, "ServiceQuotaExceededException: contact '%s' has been transferred %d times, the most "
                 "a contact may be", id, CC_TRANSFERS_MAX);
        return false;
    }
    uint32_t ci = (uint32_t)(c - rt->contacts.items);
    vm_drop_calls(rt, ci);
    if (ai >= 0)
        q = vm_agent_queue(rt, ai);
    c = &rt->contacts.items[ci];
    /* out of where it is: a queue, an agent (freed at once), a wait */
    if (c->state == ST_QUEUED && c->in_queue >= 0)
        rt->queues.items[c->in_queue].size--;
    if (c->state == ST_CONNECTED && c->agent >= 0) {
        int held = vm_give_back_slot(rt, c);
        c->agent = -1;
        c->connected = c->acw_end = -1;
        if (c->x)
            c->x->offered = false;
        vm_route_agent(rt, held);
        c = &rt->contacts.items[ci];
    }
    WX(c)->transfers++;
    c->gen++;  /* its timers (waits, handling) no longer apply */
    c->qgen++; /* nor its place in a queue */
    c->in_queue = -1;
    c->enqueued = c->dequeued = -1;
    c->queue = q;
    c->state = ST_RUNNING;
    c->mode = MODE_FLOW;
    c->flow = (uint32_t)flow;
    c->pc = rt->m->flows[flow].start;
    c->x->ret_flow = -1;
    if (c->channel == 2 && rt->now >= expiry_due(c)) /* its expiry passed while an agent held it */
        vm_schedule(rt, rt->now, EV_EXPIRE, ci, 0);
    if (rt->on_trace) {
        char what[300];
        snprintf(what, sizeof what, "transferred to %s", flow_name);
        vm_trace(rt, c, NULL, what);
    }
    vm_run_fiber(rt, ci);
    return true;
}

bool cc_rt_complete_contact(cc_rt *rt, const char *id, char *err, size_t errlen)
{
    contact *c = vm_api_contact(rt, id, err, errlen);
    if (!c)
        return false;
    if (c->state != ST_CONNECTED || c->agent < 0 || RX(c)->offered) {
        snprintf(err, errlen, "InvalidRequestException: no agent is working on contact '%s'", id);
        return false;
    }
    c->gen++; /* the planned end of handling no longer applies */
    vm_schedule(rt, rt->now, EV_HANDLED, (uint32_t)(c - rt->contacts.items), c->gen);
    return true;
}

bool cc_rt_describe(cc_rt *rt, const char *id, cc_record_fn fn, void *ud)
{
    const contact *c = vm_find_contact(rt, id);
    if (!c)
        return false;
    cc_record r;
    record_keep keep;
    record_of(rt, c, &r, &keep);
    fn(ud, &r);
    record_done(&keep);
    return true;
}

size_t cc_rt_search(cc_rt *rt, const cc_search *q, cc_record_fn fn, void *ud)
{
    size_t found = 0;
    for (size_t i = 0; i < rt->contacts.len; i++) {
        const contact *c = &rt->contacts.items[i];
        if (q->channel >= 0 && c->channel != q->channel)
            continue;
        if (c->created < q->from_ms || (q->to_ms && c->created >= q->to_ms))
            continue;
        if (q->reason != CC_END_NONE && (c->state != ST_ENDED || c->reason != q->reason))
            continue;
        if (q->queue) {
            int32_t qi = c->in_queue >= 0 ? c->in_queue : c->queue;
            if (c->enqueued < 0 || qi < 0 || strcmp(rt->queues.items[qi].name, q->queue) != 0)
                continue;
        }
        if (q->attr_key) {
            const char *v = attr_get(c, q->attr_key);
            if (!v || (q->attr_value && strcmp(v, q->attr_value) != 0))
                continue;
        }
        found++;
        if (fn) {
            cc_record r;
            record_keep keep;
            record_of(rt, c, &r, &keep);
            fn(ud, &r);
            record_done(&keep);
        }
    }
    return found;
}

bool cc_rt_start_contact(cc_rt *rt, const cc_task_request *req, int channel, const char *const *inputs,
                         size_t ninputs, char *err, size_t errlen)
{
    uint32_t ci;
    if (channel < 0 || channel > 3 || channel == 2) {
        snprintf(err, errlen, "InvalidRequestException: start_contact is for VOICE, CHAT or EMAIL; tasks use start_task");
        rt->totals.rejected++;
        return false;
    }
    return vm_start_contact(rt, req, channel, inputs, ninputs, err, errlen, &ci);
}

/* Refuses a request: counts it and says why. */
static bool refuse(cc_rt *rt, char *err, size_t errlen, const char *fmt, ...) CC_PRINTF(4, 5);
static bool refuse(cc_rt *rt, char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    rt->totals.rejected++;
    return false;
}

/* What a request resolves to while its rules are checked. */
typedef struct {
    int tpl;                 /* task template, -1 */
    const quick_connect *qc; /* NULL */
    int flow;
    const char *flow_name;
    char qc_flow[300];  /* the quick connect's flow name */
    int outbound;       /* the agent placing an outbound call, -1 */
    contact *linked;    /* PreviousContactId or RelatedContactId, NULL */
    int creator;        /* connect:CreatedByUser, -1 */
} request_plan;

/* The template, quick connect and flow of a request, and the agent of an outbound call: false
 * (refused) when they do not fit. */
static bool plan_flow(cc_rt *rt, const cc_task_request *req, int channel, request_plan *p, char *err, size_t errlen)
{
    bool task = channel == 2;
    /* which flow: exactly one of flow, quick connect and template (whose flow counts) */
    if ((req->flow != NULL) + (req->quick_connect != NULL) + (req->template_name != NULL) > 1)
        return refuse(rt, err, errlen,
                      "InvalidRequestException: give exactly one of ContactFlowId, QuickConnectId and TaskTemplateId");
    if (task && req->template_name) {
        p->tpl = vm_find_template(rt, req->template_name);
        if (p->tpl < 0)
            return refuse(rt, err, errlen, "ResourceNotFoundException: no task template named '%s'", req->template_name);
        if (!rt->templates.items[p->tpl].active)
            return refuse(rt, err, errlen,
                          "InvalidRequestException: task template '%s' is inactive; tasks start only from active "
                          "templates",
                          req->template_name);
    }
    for (size_t i = 0; req->quick_connect && i < rt->quick_connects.len; i++)
        if (!strcmp(rt->quick_connects.items[i].name, req->quick_connect))
            p->qc = &rt->quick_connects.items[i];
    if (req->quick_connect && (!task || !p->qc))
        return refuse(rt, err, errlen, "ResourceNotFoundException: no quick connect named '%s'", req->quick_connect);
    if (p->qc) {
        const ccfb_string *fs = &rt->m->strings[rt->m->flows[p->qc->flow].name];
        snprintf(p->qc_flow, sizeof p->qc_flow, "%.*s", (int)fs->len, (const char *)fs->text);
    }
    p->flow_name = p->qc ? p->qc_flow : req->flow ? req->flow : p->tpl >= 0 ? rt->templates.items[p->tpl].flow : NULL;
    if (!p->flow_name)
        return refuse(rt, err, errlen,
                      p->tpl >= 0 ? "InvalidRequestException: task template '%s' has no flow; name one with ContactFlowId"
                                  : "InvalidRequestException: name the flow the task runs (ContactFlowId)%s",
                      p->tpl >= 0 ? req->template_name : "");
    p->flow = vm_flow_index(rt, p->flow_name);
    if (p->flow < 0)
        return refuse(rt, err, errlen, "ResourceNotFoundException: no flow named '%s'", p->flow_name);
    const ccfb_flow *fl = &rt->m->flows[p->flow];
    if (!req->outbound_agent) {
        if ((!p->qc && fl->type != CC_FT_INBOUND) || !(fl->channels & (1u << channel)))
            return refuse(rt, err, errlen, "InvalidRequestException: flow '%s' does not take %s contacts", p->flow_name,
                          cc_channel_upper(channel));
        return true;
    }
    p->outbound = cc_rt_agent_index(rt, req->outbound_agent);
    const agent *a = p->outbound >= 0 ? &rt->agents.items[p->outbound] : NULL;
    if (!a)
        return refuse(rt, err, errlen, "ResourceNotFoundException: no agent named '%s'", req->outbound_agent);
    if (channel != 0 || fl->type != CC_FT_OUTBOUND_WHISPER)
        return refuse(rt, err, errlen,
                      "InvalidRequestException: an outbound call is a VOICE contact in an outbound_whisper flow; "
                      "'%s' is not one",
                      p->flow_name);
    if (!a->available || a->active[0] >= a->concurrency[0])
        return refuse(rt, err, errlen, "InvalidRequestException: agent '%s' cannot place a call now (%s)", a->name,
                      a->available ? "no free voice slot" : "not available");
    return true;
}

/* The rest of a request's rules: its time, links, creator, expiry and id. */
static bool plan_links(cc_rt *rt, const cc_task_request *req, request_plan *p, char *err, size_t errlen)
{
    if (req->scheduled_ms >= 0 && (req->scheduled_ms < rt->now || req->scheduled_ms > rt->now + 6 * DAY_MS))
        return refuse(rt, err, errlen, "InvalidRequestException: ScheduledTime must be between now and 6 days ahead");
    if (req->previous && req->related)
        return refuse(rt, err, errlen, "InvalidRequestException: give PreviousContactId or RelatedContactId, not both");
    if (req->previous || req->related) {
        const char *lid = req->previous ? req->previous : req->related;
        if (!(p->linked = vm_find_contact(rt, lid)))
            return refuse(rt, err, errlen, "ResourceNotFoundException: no contact '%s' (%s)", lid,
                          req->previous ? "PreviousContactId" : "RelatedContactId");
        const chain *ch = req->previous && RX(p->linked)->chain ? cc_map_get(&rt->chains, RX(p->linked)->chain) : NULL;
        if (ch && ch->len - 1 >= CC_TASK_LINKS_MAX) /* the chain's first contact and 12 linked tasks */
            return refuse(rt, err, errlen,
                          "ServiceQuotaExceededException: the chain of '%s' already links %d tasks, the most a chain may",
                          req->previous, CC_TASK_LINKS_MAX);
    }
    if (p->linked && RX(p->linked)->attrs.len) { /* the copy and the request's own, together */
        size_t kept = bytes_kept(&RX(p->linked)->attrs, req->attr_keys, req->nattrs);
        if (!cc_task_attributes_ok(req->attr_keys, req->attr_values, req->nattrs, kept, err, errlen)) {
            rt->totals.rejected++;
            return false;
        }
    }
    /* who creates it, and whether it goes straight to them */
    if (req->created_by && (p->creator = cc_rt_agent_index(rt, req->created_by)) < 0)
        return refuse(rt, err, errlen, "ResourceNotFoundException: no agent named '%s' (connect:CreatedByUser)",
                      req->created_by);
    if (req->self_assign && p->creator < 0)
        return refuse(rt, err, errlen,
                      "InvalidRequestException: a self-assigned task needs the agent who creates it (connect:CreatedByUser)");
    if (req->self_assign && p->tpl >= 0 && !rt->templates.items[p->tpl].self_assign)
        return refuse(rt, err, errlen, "InvalidRequestException: task template '%s' does not allow self-assignment",
                      req->template_name);
    if (req->expiry_ms && (req->expiry_ms < CC_TEMPLATE_EXPIRY_MIN || req->expiry_ms > CC_CONTACT_EXPIRY_MAX))
        return refuse(rt, err, errlen, "InvalidRequestException: connect:ContactExpiry is 1 minute to 30 days");
    /* made ids (task-NNNNNNN, contact-NNNNNNN) are unique by their number; a given id must not
     * take that form, nor repeat another given id */
    if (req->id && made_number(req->id))
        return refuse(rt, err, errlen, "InvalidRequestException: ids such as '%s' are the ones ccflow makes; choose another",
                      req->id);
    if (req->id && cc_map_get(&rt->contact_ids, req->id))
        return refuse(rt, err, errlen, "InvalidRequestException: contact id '%s' is already in use", req->id);
    return true;
}

/* A new contact's PreviousContactId (and its chain, whose attributes it shares) or RelatedContactId. */
static void link_contact(cc_rt *rt, contact *c, uint32_t ci, const cc_task_request *req, contact *linked)
{
    char idb[32];
    if (!req->previous) {
        if (req->related)
            WX(c)->related = cc_xstrdup(cid(linked, idb));
        return;
    }
    WX(c)->previous = cc_xstrdup(cid(linked, idb));
    /* the chain: the linked contact's, or one that starts at it */
    const char *root = RX(linked)->chain ? RX(linked)->chain : cid(linked, idb);
    c->x->chain = cc_xstrdup(root);
    chain *ch = cc_map_get(&rt->chains, root);
    if (!ch) {
        ch = cc_xcalloc(1, sizeof *ch);
        cc_map_put(&rt->chains, cc_xstrdup(root), ch);
        cc_vec_push(ch, (uint32_t)(linked - rt->contacts.items));
        if (!RX(linked)->chain)
            WX(linked)->chain = cc_xstrdup(root);
    }
    cc_vec_push(ch, ci);
}

/* The contact a request makes (every rule holds), as contact ci-to-be. */
static contact new_contact(cc_rt *rt, uint32_t ci, const cc_task_request *req, int channel, const char *const *inputs,
                           size_t ninputs, const cc_task_shape *shape, const request_plan *p)
{
    contact c = {0};
    if (req->id)
        c.id = cc_xstrdup(req->id);
    else {
        c.num = ++rt->next_id;
        cc_vec_push(&rt->made, ci);
    }
    c.name = vm_intern_name(rt, shape->name ? shape->name : "");
    if (shape->description)
        WX(&c)->description = cc_xstrdup(shape->description);
    c.flow = c.first_flow = (uint32_t)p->flow;
    c.pc = rt->m->flows[p->flow].start;
    c.channel = (uint8_t)channel;
    for (size_t i = 0; i < ninputs; i++)
        cc_vec_push(&WX(&c)->inputs, cc_xstrdup(inputs[i]));
    c.queue = c.in_queue = -1;
    c.agent = p->outbound;
    c.loop_block = UINT32_MAX;
    c.priority = 5;
    c.created = rt->now;
    c.scheduled = req->scheduled_ms;
    c.started = c.enqueued = c.dequeued = c.connected = c.acw_end = c.ended = -1;
    const contact *linked = p->linked;
    if (linked) /* a linked task starts with a copy of the linked contact's attributes */
        for (size_t i = 0; i < RX(linked)->attrs.len; i++)
            attr_set(&c, RX(linked)->attrs.items[i].key, RX(linked)->attrs.items[i].value);
    for (size_t i = 0; i < req->nattrs; i++)
        attr_set(&c, req->attr_keys[i], req->attr_values[i]);
    for (size_t i = 0; i < shape->refs.len; i++) {
        stored_ref r = {cc_xstrdup(shape->refs.items[i].name), cc_xstrdup(shape->refs.items[i].type),
                        cc_xstrdup(shape->refs.items[i].value)};
        cc_vec_push(&WX(&c)->refs, r);
    }
    for (size_t i = 0; i < req->noutcomes; i++)
        vm_kv_set(&WX(&c)->outcomes, req->outcome_blocks[i], req->outcome_branches[i]);
    link_contact(rt, &c, ci, req, p->linked);
    if (p->creator >= 0)
        WX(&c)->created_by = p->creator;
    if (p->tpl >= 0)
        WX(&c)->template_ = p->tpl;
    const cc_task_template *t = p->tpl >= 0 ? &rt->templates.items[p->tpl] : NULL;
    int64_t expiry = req->expiry_ms ? req->expiry_ms : t && t->expiry_ms ? t->expiry_ms : 0;
    if (expiry)
        WX(&c)->expiry_ms = expiry;
    c.state = ST_SCHEDULED;
    return c;
}

/* Contact ci is in: its id, client token, working queue and the outbound agent's slot are taken,
 * and its start (and a task's expiry) are on the clock. */
static void enter_contact(cc_rt *rt, uint32_t ci, const cc_task_request *req, bool task, const request_plan *p)
{
    char idb[32];
    if (rt->contacts.items[ci].id)
        cc_map_put(&rt->contact_ids, rt->contacts.items[ci].id, (void *)(uintptr_t)(ci + 1));
    if (task && req->client_token) {
        token_use *u = cc_map_get(&rt->tokens, req->client_token);
        if (!u) {
            u = cc_xcalloc(1, sizeof *u);
            cc_map_put(&rt->tokens, cc_xstrdup(req->client_token), u);
        }
        cc_free(u->id);
        u->id = cc_xstrdup(cid(&rt->contacts.items[ci], idb));
        u->at = rt->now;
    }
    if (p->qc) /* the quick connect's queue, or its agent's own, is the working queue of its flow */
        rt->contacts.items[ci].queue = p->qc->queue >= 0 ? p->qc->queue : vm_agent_queue(rt, p->qc->agent);
    if (p->outbound >= 0) { /* the agent's voice slot is the call's from now: no second call takes it */
        agent *a = &rt->agents.items[p->outbound];
        vm_agent_count(rt, p->outbound, -1);
        a->active[0]++;
        a->busy++;
        vm_agent_count(rt, p->outbound, +1);
    }
    if (req->self_assign) {
        rt->contacts.items[ci].queue = vm_agent_queue(rt, p->creator);
        rt->contacts.items[ci].x->self_assigned = true;
    }
    vm_schedule(rt, req->scheduled_ms >= 0 ? req->scheduled_ms : rt->now, EV_START, ci, 0);
    if (task) /* tasks expire; calls and chats end with their customer */
        vm_schedule(rt, expiry_due(&rt->contacts.items[ci]), EV_EXPIRE, ci, 0);
}

/* Starts a contact after every rule of its request holds; a refused request changes nothing but
 * the count of refusals. */
bool vm_start_contact(cc_rt *rt, const cc_task_request *req, int channel, const char *const *inputs, size_t ninputs,
                      char *err, size_t errlen, uint32_t *out)
{
    bool task = channel == 2;
    /* ClientToken: the same token within 7 days gives back the contact it started */
    if (task && req->client_token) {
        if (!*req->client_token || strlen(req->client_token) > 500)
            return refuse(rt, err, errlen, "InvalidParameterException: ClientToken is 1 to 500 characters");
        token_use *u = cc_map_get(&rt->tokens, req->client_token);
        if (u && rt->now - u->at < 7 * DAY_MS) {
            contact *c = vm_find_contact(rt, u->id);
            *out = (uint32_t)(c - rt->contacts.items);
            return true;
        }
    }
    if (task && rt->max_active_tasks && rt->active_tasks >= rt->max_active_tasks)
        return refuse(rt, err, errlen,
                      "ServiceQuotaExceededException: %llu tasks are active, the most this instance allows",
                      (unsigned long long)rt->active_tasks);
    request_plan p = {.tpl = -1, .flow = -1, .outbound = -1, .creator = -1};
    if (!plan_flow(rt, req, channel, &p, err, errlen))
        return false;
    /* the request's own rules, and its template's */
    cc_task_shape shape;
    if (!cc_task_shape_of(task, req->name, req->description, req->attr_keys, req->attr_values, req->nattrs,
                          req->ref_names, req->ref_types, req->ref_values, req->nrefs,
                          p.tpl >= 0 ? &rt->templates.items[p.tpl] : NULL, &shape, err, errlen)) {
        rt->totals.rejected++;
        return false;
    }
    bool ok = plan_links(rt, req, &p, err, errlen);
    if (ok) { /* every rule holds: the contact */
        uint32_t ci = (uint32_t)rt->contacts.len;
        contact c = new_contact(rt, ci, req, channel, inputs, ninputs, &shape, &p);
        rt->active_tasks += task;
        *out = ci;
        cc_vec_push(&rt->contacts, c);
        enter_contact(rt, ci, req, task, &p);
    }
    cc_task_shape_free(&shape);
    return ok;
}
