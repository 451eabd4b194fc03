/* route.c — queues and routing: waiting contacts by priority and age, agents, their slots and counts. */
#include "state.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- queues ---- */

static bool waiting_before(const waiting *a, const waiting *b)
{
    if (a->priority != b->priority)
        return a->priority < b->priority;
    if (a->age != b->age)
        return a->age < b->age;
    return a->seq < b->seq;
}

CC_HEAP(waiting_heap, waiting, waiting_vec, waiting_before)

void vm_queue_push(queue *q, waiting w) { waiting_heap_push(&q->heap, w); }
static void queue_pop(queue *q) { waiting_heap_pop(&q->heap); }

/* The first live contact waiting in q, dropping stale entries on the way. */
waiting *vm_queue_head(cc_rt *rt, queue *q)
{
    while (q->heap.len) {
        waiting *w = &q->heap.items[0];
        contact *c = &rt->contacts.items[w->contact];
        if (c->state == ST_QUEUED && c->qgen == w->gen && c->in_queue == (int32_t)(q - rt->queues.items))
            return w;
        queue_pop(q);
    }
    return NULL;
}

/* ---- routing ---- */

/* An agent's part in the counts of the queues it serves: added (+1) or taken back (-1) around
 * every change of its status or slots, so that staffing checks never scan the agents. */
void vm_agent_count(cc_rt *rt, int ai, int sign)
{
    const agent *a = &rt->agents.items[ai];
    for (size_t i = 0; i < a->queues.len; i++) {
        queue *q = &rt->queues.items[a->queues.items[i]];
        for (int c = 0; c < 4; c++)
            q->free[c] += (uint32_t)(sign * (a->available && a->active[c] < a->concurrency[c]));
        q->staffed += (uint32_t)(sign * (a->available || a->busy > 0));
        q->online += (uint32_t)(sign * (a->online || a->busy > 0));
    }
}

/* A contact moves on (stopped, transferred): host calls it waited on are over. */
void vm_drop_calls(cc_rt *rt, uint32_t ci)
{
    for (size_t i = 0; i < rt->calls.len;)
        if (rt->calls.items[i].contact == ci)
            rt->calls.items[i] = rt->calls.items[--rt->calls.len];
        else
            i++;
}

/* The agent holding contact c gives its slot back; returns the agent (to route it again). */
int vm_give_back_slot(cc_rt *rt, const contact *c)
{
    int ai = c->agent;
    agent *a = &rt->agents.items[ai];
    vm_agent_count(rt, ai, -1);
    a->active[c->channel]--;
    a->busy--;
    vm_agent_count(rt, ai, +1);
    return ai;
}

/* Whether an agent meets a contact's routing criteria (while they hold). */
static bool meets_criteria(const cc_rt *rt, const agent *a, const contact *c)
{
    const contact_extra *x = RX(c);
    if (!x->criteria.len || (x->criteria_until >= 0 && rt->now >= x->criteria_until))
        return true;
    for (size_t i = 0; i < x->criteria.len; i++) {
        const char *have = kv_get(&a->skills, x->criteria.items[i].key);
        if (!have || strcmp(have, x->criteria.items[i].value) != 0)
            return false;
    }
    return true;
}

static inline bool agent_can_take(const cc_rt *rt, const agent *a, int q, const contact *c)
{
    uint8_t channel = c->channel;
    if (!a->available || a->active[channel] >= a->concurrency[channel])
        return false;
    if (c->x && c->x->criteria.len && !meets_criteria(rt, a, c))
        return false;
    for (size_t i = 0; i < a->queues.len; i++)
        if (a->queues.items[i] == q)
            return true;
    return false;
}

static void join_agent(cc_rt *rt, uint32_t ci);

/* Routing gives the contact to an agent: it leaves the queue and takes one of the agent's slots;
 * an agent who accepts by hand is only offered it until accepting (cc_rt_accept_contact). */
static void connect_agent(cc_rt *rt, uint32_t ci, int ai)
{
    contact *c = &rt->contacts.items[ci];
    agent *a = &rt->agents.items[ai];
    queue *q = &rt->queues.items[c->in_queue];
    q->size--;
    c->dequeued = rt->now;
    c->agent = ai;
    c->state = ST_CONNECTED;
    c->gen++; /* a customer queue flow still waiting stops here */
    vm_agent_count(rt, ai, -1);
    a->active[c->channel]++;
    a->busy++;
    vm_agent_count(rt, ai, +1);
    if (a->manual_accept) {
        WX(c)->offered = true;
        if (rt->on_trace) {
            char what[300];
            snprintf(what, sizeof what, "offered to agent %s", a->name);
            vm_trace(rt, c, NULL, what);
        }
        return;
    }
    join_agent(rt, ci);
}

/* The agent and the contact are together: handling starts, whisper flows run. */
static void join_agent(cc_rt *rt, uint32_t ci)
{
    contact *c = &rt->contacts.items[ci];
    agent *a = &rt->agents.items[c->agent];
    c->connected = rt->now;
    if (c->x)
        c->x->offered = false;
    if (rt->on_trace) {
        char what[300];
        snprintf(what, sizeof what, "with agent %s", a->name);
        vm_trace(rt, c, NULL, what);
        c = &rt->contacts.items[ci]; /* a callback may have added contacts or queues */
        a = &rt->agents.items[c->agent];
    }
    vm_schedule(rt, rt->now + a->handle_ms, EV_HANDLED, ci, c->gen);
    if (RX(c)->hooks[CC_HOOK_CUSTOMER_WHISPER] >= 0 && ((1u << c->channel) & (CC_CH_VOICE | CC_CH_CHAT))) {
        /* the customer whisper plays to the customer (voice and chat) as the agent joins */
        c->mode = MODE_WHISPER;
        c->flow = (uint32_t)RX(c)->hooks[CC_HOOK_CUSTOMER_WHISPER];
        c->pc = rt->m->flows[c->flow].start;
        vm_run_fiber(rt, ci);
        c = &rt->contacts.items[ci];
    }
    if (RX(c)->hooks[CC_HOOK_AGENT_WHISPER] >= 0) {
        /* the agent whisper plays as the agent joins; it takes no time and then they are connected */
        c->mode = MODE_WHISPER;
        c->flow = (uint32_t)RX(c)->hooks[CC_HOOK_AGENT_WHISPER];
        c->pc = rt->m->flows[c->flow].start;
        vm_run_fiber(rt, ci);
    }
}

/* A contact just queued: the first free agent that serves its queue takes it. */
bool vm_route_contact(cc_rt *rt, uint32_t ci)
{
    contact *c = &rt->contacts.items[ci];
    queue *q = &rt->queues.items[c->in_queue];
    if (!q->free[c->channel])
        return false;
    for (size_t i = 0; i < q->agents.len; i++)
        if (agent_can_take(rt, &rt->agents.items[q->agents.items[i]], c->in_queue, c)) {
            connect_agent(rt, ci, q->agents.items[i]);
            return true;
        }
    return false;
}

/* An agent with a free slot: the best waiting contact among its queues (priority, then age). */
/* The best waiting entry of queue qi that agent a may take (criteria contacts wait for agents
 * who meet them while others go ahead), or NULL. */
static waiting *best_for(cc_rt *rt, const agent *a, int qi, queue *q)
{
    waiting *best = NULL;
    for (size_t i = 0; i < q->heap.len; i++) {
        waiting *w = &q->heap.items[i];
        const contact *c = &rt->contacts.items[w->contact];
        if (c->state != ST_QUEUED || c->qgen != w->gen || c->in_queue != qi)
            continue;
        if (!agent_can_take(rt, a, qi, c))
            continue;
        if (!best || waiting_before(w, best))
            best = w;
    }
    return best;
}

void vm_route_agent(cc_rt *rt, int ai)
{
    for (;;) {
        const agent *a = &rt->agents.items[ai]; /* callbacks during a connect may add agents */
        waiting *best = NULL;
        queue *best_q = NULL;
        for (size_t i = 0; i < a->queues.len; i++) {
            queue *q = &rt->queues.items[a->queues.items[i]];
            waiting *w = vm_queue_head(rt, q);
            if (w && q->criteria) /* the head may want another agent: the best this one may take */
                w = best_for(rt, a, a->queues.items[i], q);
            if (!w || !agent_can_take(rt, a, a->queues.items[i], &rt->contacts.items[w->contact]))
                continue;
            if (!best || waiting_before(w, best)) {
                best = w;
                best_q = q;
            }
        }
        if (!best)
            return;
        uint32_t ci = best->contact;
        if (best == &best_q->heap.items[0])
            queue_pop(best_q);
        /* else it stays in the heap, stale once connected (queue_head drops it) */
        connect_agent(rt, ci, ai);
    }
}

int vm_find_queue(const cc_rt *rt, const char *name)
{
    for (size_t i = 0; name && i < rt->queues.len; i++)
        if (!strcmp(rt->queues.items[i].name, name))
            return (int)i;
    return -1;
}

/* A contact with routing criteria in queue q: routing there looks past the head from now on, and
 * the criteria hold for their time (then any agent of the queue may take it: routed again). */
static void start_criteria(cc_rt *rt, uint32_t ci, queue *q)
{
    contact *c = &rt->contacts.items[ci];
    q->criteria = true;
    c->x->criteria_until = c->x->criteria_for ? rt->now + c->x->criteria_for : INT64_MAX;
    if (c->x->criteria_for)
        vm_schedule(rt, c->x->criteria_until, EV_REROUTE, ci, 0);
}

void vm_enqueue(cc_rt *rt, uint32_t ci, int qi)
{
    contact *c = &rt->contacts.items[ci];
    queue *q = &rt->queues.items[qi];
    c->state = ST_QUEUED;
    c->in_queue = qi;
    if (c->x)
        c->x->ret_flow = -1; /* queued from inside a module: its flow is over */
    c->enqueued = rt->now;
    q->size++;
    if (rt->on_trace) {
        char what[300];
        snprintf(what, sizeof what, "queued in %s", q->name);
        vm_trace(rt, c, NULL, what);
        c = &rt->contacts.items[ci]; /* a callback may have added contacts or queues */
        q = &rt->queues.items[qi];
    }
    waiting w = {c->priority, rt->now - c->age_adjust, rt->seq++, ci, ++c->qgen};
    vm_queue_push(q, w);
    if (RX(c)->criteria.len)
        start_criteria(rt, ci, q);
}

/* set_routing_criteria: the contact waits for an agent with these proficiencies, for `expiry`
 * once queued (for good without), then for any agent of its queue. False when the criteria are
 * not a mapping of names to values. */
bool vm_set_criteria(cc_rt *rt, uint32_t ci, const uint8_t *code, uint32_t pc)
{
    contact *c = &rt->contacts.items[ci];
    const cc_block_spec *k = rt->criteria_kind;
    char buf[256];
    const cc_node *map = json_of(rt, vm_block_operand(k, code, pc, "criteria")); /* decoded with the runtime */
    const char *expiry = vm_block_param(rt, c, k, code, pc, "expiry", buf, sizeof buf);
    int64_t for_ms = 0;
    if (expiry && !cc_parse_duration(expiry, &for_ms))
        return false;
    if (!map || map->type != CC_NODE_MAP)
        return false;
    contact_extra *x = WX(c);
    vm_kv_free(&x->criteria);
    char vb[512];
    for (uint32_t i = 0; i < map->count; i++)
        vm_kv_set(&x->criteria, map->pairs[i].key->text, vm_json_value_text(rt, c, map->pairs[i].value, vb, sizeof vb));
    x->criteria_for = for_ms;
    x->criteria_until = -1;
    if (c->state == ST_QUEUED && c->in_queue >= 0) /* already waiting: they hold from now */
        start_criteria(rt, ci, &rt->queues.items[c->in_queue]);
    return true;
}

/* ---- the scheduler ---- */

/* The agent is done with the contact (after its after-contact work): the contact ends and the
 * agent's free slot takes the next waiting contact at once. */
void vm_release_agent(cc_rt *rt, uint32_t ci)
{
    contact *c = &rt->contacts.items[ci];
    int ai = vm_give_back_slot(rt, c);
    c->acw_end = rt->now;
    vm_finish(rt, ci, CC_END_AGENT_DISCONNECT);
    vm_route_agent(rt, ai);
}

/* An outbound call its agent places: the agent is on it from the start, and the outbound
 * whisper flow runs as the customer is called (call_phone_number places the call). */
void vm_place_call(cc_rt *rt, uint32_t ci)
{
    contact *c = &rt->contacts.items[ci];
    agent *a = &rt->agents.items[c->agent];
    c->connected = rt->now;
    c->state = ST_CONNECTED; /* the agent's slot was taken with the request */
    if (rt->on_trace) {
        char what[300];
        snprintf(what, sizeof what, "outbound call by agent %s", a->name);
        vm_trace(rt, c, NULL, what);
        c = &rt->contacts.items[ci]; /* a callback may have started contacts */
        a = &rt->agents.items[c->agent];
    }
    vm_schedule(rt, rt->now + a->handle_ms, EV_HANDLED, ci, c->gen);
    c->mode = MODE_WHISPER;
    vm_run_fiber(rt, ci);
}

int cc_rt_queue_index(const cc_rt *rt, const char *name) { return vm_find_queue(rt, name); }

int cc_rt_agent_index(const cc_rt *rt, const char *name)
{
    for (size_t i = 0; i < rt->agents.len; i++)
        if (!strcmp(rt->agents.items[i].name, name))
            return (int)i;
    return -1;
}

int cc_rt_add_queue(cc_rt *rt, const char *name, uint32_t max_contacts)
{
    if (vm_find_queue(rt, name) >= 0)
        return -1;
    queue q = {0};
    q.name = cc_xstrdup(name);
    q.hours = -1;
    q.max_contacts = max_contacts;
    cc_vec_push(&rt->queues, q);
    for (uint32_t i = 0; i < rt->m->nstrings; i++)
        rt->str_queue[i] = -2;
    return (int)rt->queues.len - 1;
}

int cc_rt_add_agent(cc_rt *rt, const char *name, const int *queues, size_t nqueues, const uint8_t concurrency[4],
                    int64_t handle_ms, int64_t acw_ms, bool available)
{
    if (cc_rt_agent_index(rt, name) >= 0)
        return -1;
    agent a = {0};
    a.name = cc_xstrdup(name);
    for (size_t i = 0; i < nqueues; i++)
        cc_vec_push(&a.queues, queues[i]);
    memcpy(a.concurrency, concurrency, 4);
    a.handle_ms = handle_ms;
    a.acw_ms = acw_ms;
    a.available = available;
    a.online = available;
    cc_vec_push(&rt->agents, a);
    int ai = (int)rt->agents.len - 1;
    for (size_t i = 0; i < nqueues; i++)
        cc_vec_push(&rt->queues.items[queues[i]].agents, ai);
    vm_agent_count(rt, ai, +1);
    return ai;
}

void cc_rt_set_agent_status(cc_rt *rt, int ai, bool available, bool online)
{
    vm_agent_count(rt, ai, -1);
    rt->agents.items[ai].available = available;
    rt->agents.items[ai].online = available || online;
    vm_agent_count(rt, ai, +1);
    if (available)
        vm_route_agent(rt, ai);
}

void cc_rt_set_agent_available(cc_rt *rt, int ai, bool available)
{
    vm_agent_count(rt, ai, -1);
    rt->agents.items[ai].available = available;
    rt->agents.items[ai].online = available;
    vm_agent_count(rt, ai, +1);
    if (available)
        vm_route_agent(rt, ai);
}

void cc_rt_set_agent_manual_accept(cc_rt *rt, int ai, bool manual) { rt->agents.items[ai].manual_accept = manual; }

void cc_rt_set_agent_proficiency(cc_rt *rt, int ai, const char *name, const char *value)
{
    vm_kv_set(&rt->agents.items[ai].skills, name, value);
    vm_route_agent(rt, ai); /* contacts that waited for what the agent now has */
}

bool cc_rt_accept_contact(cc_rt *rt, const char *id, char *err, size_t errlen)
{
    contact *c = vm_api_contact(rt, id, err, errlen);
    if (!c)
        return false;
    if (!RX(c)->offered || c->state != ST_CONNECTED) {
        snprintf(err, errlen, "InvalidRequestException: contact '%s' is not offered to an agent", id);
        return false;
    }
    join_agent(rt, (uint32_t)(c - rt->contacts.items));
    return true;
}

/* The agent queue of an agent (created the first time a task is assigned to the agent): only that
 * agent serves it. */
int vm_agent_queue(cc_rt *rt, int ai)
{
    char name[300];
    snprintf(name, sizeof name, "agent:%s", rt->agents.items[ai].name);
    int q = cc_rt_queue_index(rt, name);
    if (q < 0) {
        q = cc_rt_add_queue(rt, name, 0);
        vm_agent_count(rt, ai, -1); /* count the agent again, with its new queue */
        cc_vec_push(&rt->agents.items[ai].queues, q);
        cc_vec_push(&rt->queues.items[q].agents, ai);
        vm_agent_count(rt, ai, +1);
    }
    return q;
}

size_t cc_rt_queue_count(const cc_rt *rt) { return rt->queues.len; }

const char *cc_rt_queue_name(const cc_rt *rt, size_t q) { return rt->queues.items[q].name; }
