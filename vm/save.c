/* save.c — save and restore: the whole state as plain bytes. */
#include "state.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- snapshot and restore: the whole state as plain bytes ---- */

#define SNAP_MAGIC "CCSN"
#define SNAP_VERSION 4u

static void w64(cc_buf *b, uint64_t v)
{
    uint8_t le[8];
    for (int i = 0; i < 8; i++)
        le[i] = (uint8_t)(v >> (8 * i));
    cc_buf_put(b, (const char *)le, 8);
}

static void wstr(cc_buf *b, const char *s)
{
    if (!s) {
        w64(b, UINT64_MAX);
        return;
    }
    size_t n = strlen(s);
    w64(b, n);
    cc_buf_put(b, s, n);
}

static void wkv(cc_buf *b, const attr_vec *v)
{
    w64(b, v->len);
    for (size_t i = 0; i < v->len; i++) {
        wstr(b, v->items[i].key);
        wstr(b, v->items[i].value);
    }
}

static void wevent(cc_buf *b, const event *e)
{
    w64(b, (uint64_t)e->t);
    w64(b, e->seq);
    w64(b, e->kind);
    w64(b, e->who);
    w64(b, e->gen);
}

void cc_rt_snapshot(const cc_rt *rt, cc_buf *b)
{
    cc_buf_put(b, SNAP_MAGIC, 4);
    w64(b, SNAP_VERSION);
    w64(b, ccfb_read_u32(rt->m->bytes + 8)); /* the bundle's checksum: a state fits one bundle */
    w64(b, (uint64_t)rt->now);
    w64(b, rt->seq);
    w64(b, rt->rng);
    w64(b, rt->next_id);
    const cc_rt_totals *tot = &rt->totals;
    const uint64_t totals[7] = {tot->started, tot->handled,  tot->disconnected, tot->expired,
                                tot->stopped, tot->rejected, tot->transferred};
    for (int i = 0; i < 7; i++)
        w64(b, totals[i]);
    w64(b, rt->functions.len);
    for (size_t i = 0; i < rt->functions.len; i++) {
        wstr(b, rt->functions.items[i].name);
        w64(b, (uint64_t)rt->functions.items[i].latency_ms);
        wkv(b, &rt->functions.items[i].result);
        w64(b, rt->functions.items[i].host != NULL || rt->functions.items[i].host_ud == (void *)rt);
    }
    w64(b, rt->next_call);
    w64(b, rt->calls.len);
    for (size_t i = 0; i < rt->calls.len; i++) {
        w64(b, rt->calls.items[i].id);
        w64(b, rt->calls.items[i].contact);
        w64(b, rt->calls.items[i].gen);
    }
    w64(b, rt->hours.len);
    for (size_t i = 0; i < rt->hours.len; i++) {
        const hours *h = &rt->hours.items[i];
        wstr(b, h->name);
        wstr(b, h->tz.name);
        for (int d = 0; d < 7; d++) {
            w64(b, h->week.count[d]);
            for (int k = 0; k < h->week.count[d]; k++) {
                w64(b, h->week.start[d][k]);
                w64(b, h->week.end[d][k]);
            }
        }
    }
    w64(b, rt->queues.len);
    for (size_t i = 0; i < rt->queues.len; i++) {
        const queue *q = &rt->queues.items[i];
        wstr(b, q->name);
        w64(b, (uint64_t)(int64_t)q->hours);
        w64(b, q->max_contacts);
        w64(b, q->size);
        w64(b, q->heap.len);
        for (size_t k = 0; k < q->heap.len; k++) {
            const waiting *w = &q->heap.items[k];
            w64(b, w->priority);
            w64(b, (uint64_t)w->age);
            w64(b, w->seq);
            w64(b, w->contact);
            w64(b, w->gen);
        }
    }
    w64(b, rt->agents.len);
    for (size_t i = 0; i < rt->agents.len; i++) {
        const agent *a = &rt->agents.items[i];
        wstr(b, a->name);
        w64(b, a->queues.len);
        for (size_t k = 0; k < a->queues.len; k++)
            w64(b, (uint64_t)a->queues.items[k]);
        for (int c = 0; c < 4; c++) {
            w64(b, a->concurrency[c]);
            w64(b, a->active[c]);
        }
        w64(b, (uint64_t)a->handle_ms);
        w64(b, (uint64_t)a->acw_ms);
        w64(b, a->available);
        w64(b, a->online);
        w64(b, a->busy);
        w64(b, a->manual_accept);
        wkv(b, &a->skills);
    }
    w64(b, rt->contacts.len);
    for (size_t i = 0; i < rt->contacts.len; i++) {
        const contact *c = &rt->contacts.items[i];
        wstr(b, c->id);
        w64(b, c->num);
        wstr(b, c->name);
        wstr(b, RX(c)->description);
        wstr(b, RX(c)->previous);
        const uint64_t fields[] = {c->flow,
                                   c->pc,
                                   c->first_flow,
                                   c->outcome,
                                   c->gen,
                                   c->channel,
                                   c->state,
                                   c->mode,
                                   (uint64_t)c->reason,
                                   (uint64_t)(int64_t)c->queue,
                                   (uint64_t)(int64_t)c->in_queue,
                                   (uint64_t)(int64_t)c->agent,
                                   c->priority,
                                   (uint64_t)c->age_adjust,
                                   (uint64_t)c->created,
                                   (uint64_t)c->scheduled,
                                   (uint64_t)c->started,
                                   (uint64_t)c->enqueued,
                                   (uint64_t)c->dequeued,
                                   (uint64_t)c->connected,
                                   (uint64_t)c->acw_end,
                                   (uint64_t)c->ended,
                                   c->qgen,
                                   c->loop_block,
                                   c->loop_count,
                                   RX(c)->next_priority,
                                   (uint64_t)RX(c)->next_age_adjust,
                                   (uint64_t)(int64_t)RX(c)->ret_flow,
                                   RX(c)->ret_pc};
        for (size_t k = 0; k < CC_ARRAY_LEN(fields); k++)
            w64(b, fields[k]);
        for (int h = 0; h < HOOK_COUNT; h++)
            w64(b, (uint64_t)(int64_t)RX(c)->hooks[h]);
        const contact_extra *x = RX(c);
        wkv(b, &x->attrs);
        wkv(b, &x->vars);
        wkv(b, &x->outcomes);
        w64(b, x->loops.len);
        for (size_t k = 0; k < x->loops.len; k++) {
            w64(b, x->loops.items[k].block);
            w64(b, x->loops.items[k].count);
        }
        w64(b, x->inputs.len);
        for (size_t k = 0; k < x->inputs.len; k++)
            wstr(b, x->inputs.items[k]);
        w64(b, x->next_input);
        wstr(b, x->related);
        wstr(b, x->chain);
        w64(b, x->refs.len);
        for (size_t k = 0; k < x->refs.len; k++) {
            wstr(b, x->refs.items[k].name);
            wstr(b, x->refs.items[k].type);
            wstr(b, x->refs.items[k].value);
        }
        w64(b, (uint64_t)(int64_t)x->created_by);
        w64(b, (uint64_t)(int64_t)x->template_);
        w64(b, (uint64_t)x->expiry_ms);
        w64(b, x->self_assigned);
        w64(b, x->transfers);
        w64(b, x->by_disconnect);
        w64(b, x->offered);
        wkv(b, &x->criteria);
        w64(b, (uint64_t)x->criteria_for);
        w64(b, (uint64_t)x->criteria_until);
    }
    /* task templates and client tokens (chains and made ids follow from contacts) */
    w64(b, rt->templates.len);
    for (size_t i = 0; i < rt->templates.len; i++) {
        const cc_task_template *t = &rt->templates.items[i];
        wstr(b, t->name);
        wstr(b, t->flow);
        w64(b, (uint64_t)t->expiry_ms);
        w64(b, t->active);
        w64(b, t->self_assign);
        w64(b, t->fields.len);
        for (size_t k = 0; k < t->fields.len; k++) {
            const cc_template_field *f = &t->fields.items[k];
            wstr(b, f->name);
            wstr(b, f->type);
            wstr(b, f->default_value);
            w64(b, f->required);
            w64(b, f->read_only);
        }
    }
    w64(b, rt->tokens.len);
    for (size_t i = 0; i < rt->tokens.cap; i++)
        if (rt->tokens.keys && rt->tokens.keys[i]) {
            const token_use *u = rt->tokens.values[i];
            wstr(b, rt->tokens.keys[i]);
            wstr(b, u->id);
            w64(b, (uint64_t)u->at);
        }
    w64(b, rt->max_active_tasks);
    w64(b, rt->quick_connects.len);
    for (size_t i = 0; i < rt->quick_connects.len; i++) {
        const quick_connect *qc = &rt->quick_connects.items[i];
        wstr(b, qc->name);
        w64(b, (uint64_t)(int64_t)qc->queue);
        w64(b, (uint64_t)(int64_t)qc->agent);
        w64(b, qc->flow);
    }
    w64(b, rt->events.len);
    for (size_t i = 0; i < rt->events.len; i++)
        wevent(b, &rt->events.items[i]);
    w64(b, rt->nlanes);
    for (size_t i = 0; i < rt->nlanes; i++) {
        const lane *l = &rt->lanes[i];
        w64(b, (uint64_t)l->delay);
        w64(b, l->fifo.len - l->head);
        for (size_t k = l->head; k < l->fifo.len; k++)
            wevent(b, &l->fifo.items[k]);
    }
}

/* A bounded reader: any read past the end, or a value out of its range, fails the restore. */
typedef struct {
    const uint8_t *p, *end;
    bool bad;
} reader;

static uint64_t r64(reader *r)
{
    if (r->bad || r->end - r->p < 8) {
        r->bad = true;
        return 0;
    }
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v |= (uint64_t)r->p[i] << (8 * i);
    r->p += 8;
    return v;
}

static uint64_t rmax(reader *r, uint64_t max)
{
    uint64_t v = r64(r);
    if (v > max)
        r->bad = true;
    return r->bad ? 0 : v;
}

static char *rstr(reader *r)
{
    uint64_t n = r64(r);
    if (r->bad || n == UINT64_MAX)
        return NULL;
    if (n > (uint64_t)(r->end - r->p)) {
        r->bad = true;
        return NULL;
    }
    char *s = cc_xmalloc(n + 1);
    memcpy(s, r->p, n);
    s[n] = '\0';
    r->p += n;
    return s;
}

static void rkv(reader *r, attr_vec *v)
{
    uint64_t n = rmax(r, (uint64_t)(r->end - r->p) / 16);
    for (uint64_t i = 0; i < n && !r->bad; i++) {
        char *k = rstr(r), *val = rstr(r);
        if (!k || !val) {
            cc_free(k);
            cc_free(val);
            r->bad = true;
            return;
        }
        attr a = {k, val};
        cc_vec_push(v, a);
    }
}

static event revent(reader *r, uint64_t ncontacts)
{
    event e;
    e.t = (int64_t)r64(r);
    e.seq = r64(r);
    e.kind = (uint32_t)rmax(r, EV_REROUTE);
    e.who = (uint32_t)rmax(r, ncontacts ? ncontacts - 1 : 0);
    e.gen = (uint32_t)rmax(r, UINT32_MAX);
    return e;
}

/* Whether a contact's extra data holds nothing but the defaults (then the contact keeps none). */
static bool extra_is_empty(const contact_extra *x)
{
    for (int h = 0; h < HOOK_COUNT; h++)
        if (x->hooks[h] != -1)
            return false;
    return !x->description && !x->previous && !x->related && !x->chain && !x->attrs.len && !x->vars.len &&
           !x->outcomes.len && !x->loops.len && !x->inputs.len && !x->refs.len && !x->next_input &&
           !x->next_priority && !x->next_age_adjust && x->ret_flow == -1 && x->created_by == -1 &&
           x->template_ == -1 && !x->expiry_ms && !x->self_assigned && !x->transfers && !x->by_disconnect && !x->offered && !x->criteria.len &&
           !x->criteria_for && x->criteria_until == -1;
}

cc_rt *cc_rt_restore(const ccfb_module *m, const uint8_t *data, size_t len, char *err, size_t errlen)
{
    reader r = {data + 4, data + len, len < 4 || memcmp(data, SNAP_MAGIC, 4) != 0};
    if (r.bad) {
        snprintf(err, errlen, "not a ccflow VM state (no CCSN header)");
        return NULL;
    }
    if (r64(&r) != SNAP_VERSION || r64(&r) != ccfb_read_u32(m->bytes + 8)) {
        snprintf(err, errlen, "the state was saved by another version of ccflow or with another bundle");
        return NULL;
    }
    cc_rt *rt = cc_rt_new(m, 0, 0);
    rt->now = (int64_t)r64(&r);
    rt->seq = r64(&r);
    rt->rng = r64(&r);
    rt->next_id = (uint32_t)rmax(&r, UINT32_MAX);
    uint64_t *const totals[7] = {&rt->totals.started, &rt->totals.handled,  &rt->totals.disconnected,
                                 &rt->totals.expired, &rt->totals.stopped,  &rt->totals.rejected,
                                 &rt->totals.transferred};
    for (int i = 0; i < 7; i++)
        *totals[i] = r64(&r);
    uint64_t n = rmax(&r, 1u << 20);
    for (uint64_t i = 0; i < n && !r.bad; i++) {
        function f = {0};
        f.name = rstr(&r);
        f.latency_ms = (int64_t)r64(&r);
        rkv(&r, &f.result);
        if (rmax(&r, 1))
            f.host_ud = rt; /* a host function: the host binds its callback again after the restore */
        if (!f.name)
            r.bad = true;
        cc_vec_push(&rt->functions, f);
    }
    rt->next_call = r64(&r);
    uint64_t ncalls = rmax(&r, (uint64_t)(r.end - r.p) / 24);
    for (uint64_t i = 0; i < ncalls && !r.bad; i++) {
        host_call hc = {r64(&r), (uint32_t)rmax(&r, UINT32_MAX), (uint32_t)rmax(&r, UINT32_MAX)};
        cc_vec_push(&rt->calls, hc);
    }
    uint64_t nh = rmax(&r, 1u << 20);
    for (uint64_t i = 0; i < nh && !r.bad; i++) {
        char *name = rstr(&r), *zone = rstr(&r);
        cc_week week = {0};
        for (int d = 0; d < 7 && !r.bad; d++) {
            week.count[d] = (uint8_t)rmax(&r, CC_HOURS_RANGES);
            for (int k = 0; k < week.count[d]; k++) {
                week.start[d][k] = (uint16_t)rmax(&r, 1440);
                week.end[d][k] = (uint16_t)rmax(&r, 1440);
            }
        }
        char tzerr[200];
        if (!name || !zone || r.bad || cc_rt_add_hours(rt, name, zone, &week, tzerr, sizeof tzerr) < 0)
            r.bad = true;
        cc_free(name);
        cc_free(zone);
    }
    uint64_t nq = rmax(&r, 1u << 20);
    for (uint64_t i = 0; i < nq && !r.bad; i++) {
        queue q = {0};
        q.name = rstr(&r);
        q.hours = (int32_t)(int64_t)r64(&r);
        if (q.hours < -1 || q.hours >= (int64_t)rt->hours.len)
            r.bad = true;
        q.max_contacts = (uint32_t)rmax(&r, UINT32_MAX);
        q.size = (uint32_t)rmax(&r, UINT32_MAX);
        uint64_t nwait = rmax(&r, (uint64_t)(r.end - r.p) / 40);
        for (uint64_t k = 0; k < nwait && !r.bad; k++) {
            waiting w;
            w.priority = r64(&r);
            w.age = (int64_t)r64(&r);
            w.seq = r64(&r);
            w.contact = (uint32_t)rmax(&r, UINT32_MAX);
            w.gen = (uint32_t)rmax(&r, UINT32_MAX);
            cc_vec_push(&q.heap, w);
        }
        if (!q.name)
            r.bad = true;
        cc_vec_push(&rt->queues, q);
    }
    uint64_t na = rmax(&r, 1u << 20);
    for (uint64_t i = 0; i < na && !r.bad; i++) {
        agent a = {0};
        a.name = rstr(&r);
        uint64_t k = rmax(&r, nq);
        for (uint64_t j = 0; j < k && !r.bad; j++)
            cc_vec_push(&a.queues, (int)rmax(&r, nq ? nq - 1 : 0));
        for (int c = 0; c < 4; c++) {
            a.concurrency[c] = (uint8_t)rmax(&r, 255);
            a.active[c] = (uint8_t)rmax(&r, 255);
        }
        a.handle_ms = (int64_t)r64(&r);
        a.acw_ms = (int64_t)r64(&r);
        a.available = rmax(&r, 1) != 0;
        a.online = rmax(&r, 1) != 0;
        a.busy = (uint32_t)rmax(&r, UINT32_MAX);
        a.manual_accept = rmax(&r, 1) != 0;
        rkv(&r, &a.skills);
        if (!a.name)
            r.bad = true;
        cc_vec_push(&rt->agents, a);
    }
    /* the derived counts are rebuilt rather than trusted */
    for (size_t ai = 0; !r.bad && ai < rt->agents.len; ai++) {
        for (size_t k = 0; k < rt->agents.items[ai].queues.len; k++)
            cc_vec_push(&rt->queues.items[rt->agents.items[ai].queues.items[k]].agents, (int)ai);
        vm_agent_count(rt, (int)ai, +1);
    }
    /* a fiber's position must be the start of an instruction of its flow */
    bool **starts = cc_xcalloc(m->nflows + 1, sizeof *starts);
    for (uint32_t f = 0; f < m->nflows; f++) {
        starts[f] = cc_xcalloc(m->flows[f].code_len + 1, 1);
        for (uint32_t pc = 0; pc < m->flows[f].code_len; pc += ccfb_insn_size(m->flows[f].code, pc))
            starts[f][pc] = true;
        starts[f][m->flows[f].code_len] = true; /* an ended fiber may stand at the end */
    }
    uint64_t nc = rmax(&r, (uint64_t)(r.end - r.p) / 8);
    if (nc && !m->nflows)
        r.bad = true;
    for (uint64_t i = 0; i < nc && !r.bad; i++) {
        contact c = {0};
        contact_extra x = vm_no_extra;
        c.id = rstr(&r);
        c.num = (uint32_t)rmax(&r, UINT32_MAX);
        char *name = rstr(&r);
        c.name = name ? vm_intern_name(rt, name) : NULL;
        cc_free(name);
        x.description = rstr(&r);
        x.previous = rstr(&r);
        c.flow = (uint32_t)rmax(&r, m->nflows ? m->nflows - 1 : 0);
        c.pc = (uint32_t)rmax(&r, m->flows[c.flow].code_len);
        if (!starts[c.flow][c.pc])
            r.bad = true;
        c.first_flow = (uint32_t)rmax(&r, m->nflows ? m->nflows - 1 : 0);
        c.outcome = (uint32_t)rmax(&r, UINT32_MAX);
        c.gen = (uint32_t)rmax(&r, UINT32_MAX);
        c.channel = (uint8_t)rmax(&r, 3);
        c.state = (uint8_t)rmax(&r, ST_ENDED);
        c.mode = (uint8_t)rmax(&r, MODE_DISCONNECT);
        c.reason = (cc_end_reason)rmax(&r, CC_END_THIRD_PARTY_DISCONNECT);
        c.queue = (int32_t)(int64_t)r64(&r);
        c.in_queue = (int32_t)(int64_t)r64(&r);
        c.agent = (int32_t)(int64_t)r64(&r);
        if (c.queue < -1 || c.queue >= (int64_t)nq || c.in_queue < -1 || c.in_queue >= (int64_t)nq || c.agent < -1 ||
            c.agent >= (int64_t)na)
            r.bad = true;
        c.priority = r64(&r);
        c.age_adjust = (int64_t)r64(&r);
        int64_t *const times[8] = {&c.created, &c.scheduled, &c.started, &c.enqueued,
                                   &c.dequeued, &c.connected, &c.acw_end, &c.ended};
        for (int k = 0; k < 8; k++)
            *times[k] = (int64_t)r64(&r);
        c.qgen = (uint32_t)rmax(&r, UINT32_MAX);
        c.loop_block = (uint32_t)rmax(&r, UINT32_MAX);
        c.loop_count = (uint32_t)rmax(&r, UINT32_MAX);
        x.next_priority = r64(&r);
        x.next_age_adjust = (int64_t)r64(&r);
        x.ret_flow = (int32_t)(int64_t)r64(&r);
        x.ret_pc = (uint32_t)rmax(&r, UINT32_MAX);
        if (x.ret_flow < -1 || x.ret_flow >= (int64_t)m->nflows ||
            (x.ret_flow >= 0 && (x.ret_pc >= m->flows[x.ret_flow].code_len || !starts[x.ret_flow][x.ret_pc])))
            r.bad = true;
        for (int h = 0; h < HOOK_COUNT; h++) {
            x.hooks[h] = (int32_t)(int64_t)r64(&r);
            if (x.hooks[h] < -1 || x.hooks[h] >= (int64_t)m->nflows)
                r.bad = true;
        }
        rkv(&r, &x.attrs);
        rkv(&r, &x.vars);
        rkv(&r, &x.outcomes);
        uint64_t nl = rmax(&r, (uint64_t)(r.end - r.p) / 16);
        for (uint64_t k = 0; k < nl && !r.bad; k++) {
            loop_counter lc = {(uint32_t)rmax(&r, UINT32_MAX), (uint32_t)rmax(&r, UINT32_MAX)};
            cc_vec_push(&x.loops, lc);
        }
        uint64_t ni = rmax(&r, (uint64_t)(r.end - r.p) / 8);
        for (uint64_t k = 0; k < ni && !r.bad; k++) {
            char *in = rstr(&r);
            if (!in)
                r.bad = true;
            else
                cc_vec_push(&x.inputs, in);
        }
        x.next_input = (uint32_t)rmax(&r, x.inputs.len);
        x.related = rstr(&r);
        x.chain = rstr(&r);
        uint64_t nr = rmax(&r, (uint64_t)(r.end - r.p) / 24);
        for (uint64_t k = 0; k < nr && !r.bad; k++) {
            stored_ref sr = {rstr(&r), rstr(&r), rstr(&r)};
            cc_vec_push(&x.refs, sr);
            if (!sr.name || !sr.type || !sr.value)
                r.bad = true;
        }
        x.created_by = (int32_t)(int64_t)r64(&r);
        x.template_ = (int32_t)(int64_t)r64(&r);
        x.expiry_ms = (int64_t)r64(&r);
        x.self_assigned = rmax(&r, 1) != 0;
        x.transfers = (uint8_t)rmax(&r, CC_TRANSFERS_MAX);
        x.by_disconnect = rmax(&r, 1) != 0;
        x.offered = rmax(&r, 1) != 0;
        rkv(&r, &x.criteria);
        x.criteria_for = (int64_t)r64(&r);
        x.criteria_until = (int64_t)r64(&r);
        if (x.criteria_for < 0 || x.criteria_until < -1)
            r.bad = true;
        if (x.created_by < -1 || x.created_by >= (int64_t)na || x.template_ < -1 || x.expiry_ms < 0)
            r.bad = true; /* templates are read after contacts: their count is checked then */
        if (!extra_is_empty(&x)) {
            c.x = cc_xmalloc(sizeof *c.x);
            *c.x = x;
        }
        if ((!c.id && !c.num) || !c.name)
            r.bad = true;
        cc_vec_push(&rt->contacts, c);
    }
    for (uint32_t f = 0; f < m->nflows; f++)
        cc_free(starts[f]);
    cc_free(starts);
    for (size_t i = 0; !r.bad && i < rt->contacts.len; i++)
        if (rt->contacts.items[i].id)
            cc_map_put(&rt->contact_ids, rt->contacts.items[i].id, (void *)(uintptr_t)(i + 1));
    uint64_t nt = rmax(&r, 50);
    for (uint64_t i = 0; i < nt && !r.bad; i++) {
        cc_task_template t = {0};
        t.name = rstr(&r);
        t.flow = rstr(&r);
        t.expiry_ms = (int64_t)r64(&r);
        t.active = rmax(&r, 1) != 0;
        t.self_assign = rmax(&r, 1) != 0;
        uint64_t nf = rmax(&r, (uint64_t)(r.end - r.p) / 40);
        for (uint64_t k = 0; k < nf && !r.bad; k++) {
            cc_template_field f = {rstr(&r), rstr(&r), rstr(&r), false, false};
            f.required = rmax(&r, 1) != 0;
            f.read_only = rmax(&r, 1) != 0;
            cc_vec_push(&t.fields, f);
            if (!f.name || !f.type)
                r.bad = true;
        }
        char why[256];
        if (!r.bad && !cc_template_check(&t, why, sizeof why))
            r.bad = true;
        cc_vec_push(&rt->templates, t);
    }
    uint64_t ntok = rmax(&r, (uint64_t)(r.end - r.p) / 24);
    for (uint64_t i = 0; i < ntok && !r.bad; i++) {
        char *token = rstr(&r);
        token_use *u = cc_xcalloc(1, sizeof *u);
        u->id = rstr(&r);
        u->at = (int64_t)r64(&r);
        if (!token || !u->id || cc_map_get(&rt->tokens, token)) {
            r.bad = true;
            cc_free(token);
            cc_free(u->id);
            cc_free(u);
            break;
        }
        cc_map_put(&rt->tokens, token, u);
    }
    rt->max_active_tasks = r64(&r);
    uint64_t nqc = rmax(&r, (uint64_t)(r.end - r.p) / 32);
    for (uint64_t i = 0; i < nqc && !r.bad; i++) {
        quick_connect qc = {rstr(&r), (int32_t)(int64_t)r64(&r), (int32_t)(int64_t)r64(&r), 0};
        qc.flow = (uint32_t)rmax(&r, m->nflows ? m->nflows - 1 : 0);
        cc_vec_push(&rt->quick_connects, qc);
        if (!qc.name || qc.queue < -1 || qc.queue >= (int64_t)rt->queues.len || qc.agent < -1 ||
            qc.agent >= (int64_t)rt->agents.len || (qc.queue < 0) == (qc.agent < 0))
            r.bad = true;
    }
    /* what follows from the contacts: made ids by number, chains, active tasks */
    for (size_t i = 0; !r.bad && i < rt->contacts.len; i++) {
        contact *c = &rt->contacts.items[i];
        if (c->x && c->x->template_ >= (int64_t)rt->templates.len)
            r.bad = true;
        rt->active_tasks += c->channel == 2 && c->state != ST_ENDED;
        if (c->x && c->x->criteria.len && c->state == ST_QUEUED && c->in_queue >= 0 && c->in_queue < (int64_t)nq)
            rt->queues.items[c->in_queue].criteria = true;
        if (!c->id) {
            if (c->num != rt->made.len + 1)
                r.bad = true;
            cc_vec_push(&rt->made, (uint32_t)i);
        }
    }
    for (size_t i = 0; !r.bad && i < rt->contacts.len; i++) {
        const contact_extra *x = rt->contacts.items[i].x;
        if (x && x->chain) {
            chain *ch = cc_map_get(&rt->chains, x->chain);
            if (!ch) {
                ch = cc_xcalloc(1, sizeof *ch);
                cc_map_put(&rt->chains, cc_xstrdup(x->chain), ch);
            }
            cc_vec_push(ch, (uint32_t)i);
        }
    }
    uint64_t ne = rmax(&r, (uint64_t)(r.end - r.p) / 40);
    for (uint64_t i = 0; i < ne && !r.bad; i++) {
        event e = revent(&r, nc);
        cc_vec_push(&rt->events, e);
    }
    rt->nlanes = (size_t)rmax(&r, MAX_LANES);
    for (size_t i = 0; i < rt->nlanes && !r.bad; i++) {
        rt->lanes[i].delay = (int64_t)r64(&r);
        uint64_t k = rmax(&r, (uint64_t)(r.end - r.p) / 40);
        for (uint64_t j = 0; j < k && !r.bad; j++) {
            event e = revent(&r, nc);
            cc_vec_push(&rt->lanes[i].fifo, e);
        }
    }
    for (size_t i = 0; !r.bad && i < rt->calls.len; i++)
        if (rt->calls.items[i].contact >= rt->contacts.len)
            r.bad = true;
    /* waiting entries must name contacts that exist */
    for (size_t i = 0; !r.bad && i < rt->queues.len; i++)
        for (size_t k = 0; k < rt->queues.items[i].heap.len; k++)
            if (rt->queues.items[i].heap.items[k].contact >= rt->contacts.len)
                r.bad = true;
    if (r.bad || r.p != r.end) {
        snprintf(err, errlen, "the saved VM state is damaged or truncated");
        cc_rt_free(rt);
        return NULL;
    }
    for (uint32_t i = 0; i < m->nstrings; i++)
        rt->str_queue[i] = -2;
    return rt;
}
