/* sched.c — the scheduler: timed events (a heap and FIFO lanes), the clock, and what each event does. */
#include "state.h"
#include "builtins.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *cc_end_reason_name(cc_end_reason r)
{
    static const char *const names[] = {"",    "AGENT_DISCONNECT", "CONTACT_FLOW_DISCONNECT", "EXPIRED",
                                        "API", "THIRD_PARTY_DISCONNECT"};
    return names[r];
}

static bool event_before(const event *a, const event *b) { return a->t < b->t || (a->t == b->t && a->seq < b->seq); }

CC_HEAP(event_heap, event, event_vec, event_before)

void vm_schedule(cc_rt *rt, int64_t t, uint32_t kind, uint32_t who, uint32_t gen)
{
    event e = {t, rt->seq++, kind, who, gen};
    int64_t delay = t - rt->now;
    for (size_t i = 0; i < rt->nlanes; i++)
        if (rt->lanes[i].delay == delay) {
            cc_vec_push(&rt->lanes[i].fifo, e);
            return;
        }
    if (rt->nlanes < MAX_LANES && delay >= 0) {
        lane *l = &rt->lanes[rt->nlanes++];
        l->delay = delay;
        cc_vec_push(&l->fifo, e);
        return;
    }
    event_heap_push(&rt->events, e);
}

static event pop_event(cc_rt *rt)
{
    event top = rt->events.items[0];
    event_heap_pop(&rt->events);
    return top;
}

static void handle_event(cc_rt *rt, const event *e)
{
    contact *c = &rt->contacts.items[e->who];
    if (c->state == ST_ENDED || (e->kind != EV_EXPIRE && e->kind != EV_REROUTE && e->gen != c->gen))
        return; /* a timer of something that moved on (expiry holds whatever the contact does) */
    switch (e->kind) {
    case EV_START:
        c->state = ST_RUNNING;
        c->started = rt->now;
        rt->totals.started++;
        if (c->agent >= 0) {
            vm_place_call(rt, e->who);
            break;
        }
        if (RX(c)->self_assigned) { /* straight to its creator's agent queue, without a flow */
            vm_enqueue(rt, e->who, c->queue);
            vm_route_contact(rt, e->who);
            break;
        }
        vm_run_fiber(rt, e->who);
        break;
    case EV_RESUME:
        for (size_t i = 0; i < rt->calls.len; i++) /* a host call that timed out is over */
            if (rt->calls.items[i].contact == e->who && rt->calls.items[i].gen == c->gen) {
                rt->calls.items[i] = rt->calls.items[--rt->calls.len];
                break;
            }
        if (c->state == ST_WAITING)
            c->state = ST_RUNNING;
        vm_run_fiber(rt, e->who);
        break;
    case EV_HANDLED: {
        if (c->agent < 0 || c->state != ST_CONNECTED)
            break; /* only a contact with an agent is handled (a restored state is checked too) */
        /* the agent disconnects the contact; after-contact work follows, in the agent's slot */
        int64_t acw_ms = rt->agents.items[c->agent].acw_ms;
        c->state = ST_ACW;
        c->reason = CC_END_AGENT_DISCONNECT;
        c->ended = rt->now;
        c->acw_end = rt->now + acw_ms;
        if (acw_ms > 0) {
            if (rt->on_trace) {
                vm_trace(rt, c, NULL, "disconnected AGENT_DISCONNECT, after-contact work");
                c = &rt->contacts.items[e->who]; /* a callback may have started contacts */
            }
            vm_schedule(rt, c->acw_end, EV_ACW_DONE, e->who, c->gen);
        } else
            vm_release_agent(rt, e->who);
        break;
    }
    case EV_ACW_DONE:
        if (c->agent >= 0 && c->state == ST_ACW)
            vm_release_agent(rt, e->who);
        break;
    case EV_REROUTE: /* a routing change made while queued takes effect: the contact's place is redone */
        if (RX(c)->next_priority)
            c->priority = RX(c)->next_priority;
        c->age_adjust += RX(c)->next_age_adjust;
        if (c->x) {
            c->x->next_priority = 0;
            c->x->next_age_adjust = 0;
        }
        if (c->state == ST_QUEUED && c->in_queue >= 0) {
            queue *q = &rt->queues.items[c->in_queue];
            waiting w = {c->priority, c->enqueued - c->age_adjust, rt->seq++, e->who, ++c->qgen};
            vm_queue_push(q, w);
            for (size_t i = 0; i < q->agents.len; i++) /* a free agent takes the head at once */
                vm_route_agent(rt, q->agents.items[i]);
        }
        break;
    case EV_EXPIRE:
        if (c->state == ST_CONNECTED && RX(c)->offered) { /* offered, never accepted: it still waits */
            int ai = vm_give_back_slot(rt, c);
            c->x->offered = false;
            c->agent = -1;
            c->state = ST_QUEUED; /* (counted out of its queue already: as queued for the end) */
            rt->queues.items[c->in_queue].size++;
            vm_disconnect(rt, e->who, CC_END_EXPIRED);
            vm_route_agent(rt, ai);
            break;
        }
        if (c->state == ST_CONNECTED || c->state == ST_ACW)
            break; /* an agent holds it */
        if (rt->now < expiry_due(c))
            break; /* rescheduled since: a later expiry stands */
        vm_disconnect(rt, e->who, CC_END_EXPIRED);
        break;
    }
}

/* The next event due, from the heap or a lane, if it is due before `limit` (exclusive when
 * strict). */
static bool next_event(cc_rt *rt, int64_t limit, bool strict, event *out)
{
    const event *best = rt->events.len ? &rt->events.items[0] : NULL;
    lane *from = NULL;
    for (size_t i = 0; i < rt->nlanes; i++) {
        lane *l = &rt->lanes[i];
        if (l->head < l->fifo.len && (!best || event_before(&l->fifo.items[l->head], best))) {
            best = &l->fifo.items[l->head];
            from = l;
        }
    }
    if (!best || (strict ? best->t >= limit : best->t > limit))
        return false;
    if (from) {
        *out = from->fifo.items[from->head];
        if (++from->head == from->fifo.len)
            from->head = from->fifo.len = 0; /* drained: reuse the space */
        else if (from->head >= 4096 && from->head * 2 >= from->fifo.len) {
            /* keep a long-lived lane from growing without bound */
            memmove(from->fifo.items, from->fifo.items + from->head,
                    (from->fifo.len - from->head) * sizeof *from->fifo.items);
            from->fifo.len -= from->head;
            from->head = 0;
        }
    } else
        *out = pop_event(rt);
    return true;
}

/* Runs the events due before `limit` (up to and including it unless strict), then sets the clock
 * to limit. */
static void run_events(cc_rt *rt, int64_t limit, bool strict)
{
    event e;
    while (next_event(rt, limit, strict, &e)) {
        rt->now = e.t;
        handle_event(rt, &e);
    }
    if (limit > rt->now)
        rt->now = limit;
}

int64_t cc_rt_run_until(cc_rt *rt, int64_t until)
{
    run_events(rt, until, false);
    return rt->now;
}

void cc_rt_advance(cc_rt *rt, int64_t t) { run_events(rt, t, true); }

int64_t cc_rt_now(const cc_rt *rt) { return rt->now; }
int64_t cc_rt_next_event(const cc_rt *rt)
{
    int64_t next = rt->events.len ? rt->events.items[0].t : -1;
    for (size_t i = 0; i < rt->nlanes; i++) {
        const lane *l = &rt->lanes[i];
        if (l->head < l->fifo.len && (next < 0 || l->fifo.items[l->head].t < next))
            next = l->fifo.items[l->head].t;
    }
    return next;
}
