/* save.c — save and restore: the whole state as plain bytes, by one walk used both ways. */
#include "state.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The format: "CCSN", the version, the bundle's checksum, then every field below as a 64-bit
 * little-endian number, a text as its length (UINT64_MAX: none) and its bytes, and a list as its
 * length and its items. Each field is named once, in the walk (state_io and the functions it
 * calls): saving writes what the walk visits, restoring reads into it, checking every number
 * against its range and every list's length against the bytes left. */
#define SNAP_MAGIC "CCSN"
#define SNAP_VERSION 4u

typedef struct {
    cc_buf *out;            /* saving: the bytes go here; NULL when restoring */
    const uint8_t *p, *end; /* restoring: the bytes left */
    bool bad;               /* restoring: a read past the end or a value out of range */
    cc_rt *rt;
    bool **starts; /* restoring: per flow, per code offset, whether an instruction starts there */
} saver;

static void w64(cc_buf *b, uint64_t v)
{
    uint8_t le[8];
    for (int i = 0; i < 8; i++)
        le[i] = (uint8_t)(v >> (8 * i));
    cc_buf_put(b, (const char *)le, 8);
}

static uint64_t r64(saver *s)
{
    if (s->bad || s->end - s->p < 8) {
        s->bad = true;
        return 0;
    }
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v |= (uint64_t)s->p[i] << (8 * i);
    s->p += 8;
    return v;
}

/* One number: written as it is, or read back when it is at most max. */
static uint64_t io_num(saver *s, uint64_t v, uint64_t max)
{
    if (s->out) {
        w64(s->out, v);
        return v;
    }
    v = r64(s);
    if (v > max)
        s->bad = true;
    return s->bad ? 0 : v;
}

/* A field as a number of at most max (UINT64_MAX: any; signed fields go as their 64-bit two's
 * complement, and are checked by the caller). */
#define IO(s, field, max)                                                                          \
    do {                                                                                           \
        uint64_t v_ = io_num((s), (uint64_t)(field), (max));                                       \
        if (!(s)->out)                                                                             \
            (field) = v_;                                                                          \
    } while (0)
#define ANY UINT64_MAX

/* Restoring: the state read must hold `ok`. */
static void need(saver *s, bool ok)
{
    if (!s->out && !ok)
        s->bad = true;
}

/* A list's length: written, or read when at most max. */
static uint64_t io_len(saver *s, size_t len, uint64_t max) { return io_num(s, len, max); }

/* The most items of `size` bytes the rest of the input can hold (restoring). */
static uint64_t left(const saver *s, unsigned size) { return s->out ? 0 : (uint64_t)(s->end - s->p) / size; }

static void io_str(saver *s, char **p)
{
    if (s->out) {
        size_t n = *p ? strlen(*p) : 0;
        w64(s->out, *p ? n : UINT64_MAX);
        cc_buf_put(s->out, *p ? *p : "", n);
        return;
    }
    *p = NULL;
    uint64_t n = r64(s);
    if (s->bad || n == UINT64_MAX)
        return;
    if (n > (uint64_t)(s->end - s->p)) {
        s->bad = true;
        return;
    }
    *p = cc_xmalloc(n + 1);
    memcpy(*p, s->p, n);
    (*p)[n] = '\0';
    s->p += n;
}

static void io_kv(saver *s, attr_vec *v)
{
    uint64_t n = io_len(s, v->len, left(s, 16));
    for (uint64_t i = 0; i < n && !s->bad; i++) {
        attr a = s->out ? v->items[i] : (attr){0};
        io_str(s, &a.key);
        io_str(s, &a.value);
        if (s->out)
            continue;
        if (!a.key || !a.value) {
            cc_free(a.key);
            cc_free(a.value);
            s->bad = true;
            return;
        }
        cc_vec_push(v, a);
    }
}

static void io_event(saver *s, event *e)
{
    size_t nc = s->rt->contacts.len;
    IO(s, e->t, ANY);
    IO(s, e->seq, ANY);
    IO(s, e->kind, EV_REROUTE);
    IO(s, e->who, nc ? nc - 1 : 0);
    IO(s, e->gen, UINT32_MAX);
}

/* ---- the walk, in the order of the format ---- */

static void io_clock(saver *s)
{
    cc_rt *rt = s->rt;
    cc_rt_totals *t = &rt->totals;
    IO(s, rt->now, ANY);
    IO(s, rt->seq, ANY);
    IO(s, rt->rng, ANY);
    IO(s, rt->next_id, UINT32_MAX);
    uint64_t *const totals[7] = {&t->started, &t->handled, &t->disconnected, &t->expired,
                                 &t->stopped, &t->rejected, &t->transferred};
    for (int i = 0; i < 7; i++)
        IO(s, *totals[i], ANY);
}

static void io_functions(saver *s)
{
    cc_rt *rt = s->rt;
    uint64_t n = io_len(s, rt->functions.len, 1u << 20);
    for (uint64_t i = 0; i < n && !s->bad; i++) {
        function f = s->out ? rt->functions.items[i] : (function){0};
        io_str(s, &f.name);
        IO(s, f.latency_ms, ANY);
        io_kv(s, &f.result);
        /* a host function: the host binds its callback again after the restore */
        if (io_num(s, f.host != NULL || f.host_ud == (void *)rt, 1) && !s->out)
            f.host_ud = rt;
        if (s->out)
            continue;
        if (!f.name)
            s->bad = true;
        cc_vec_push(&rt->functions, f);
    }
    IO(s, rt->next_call, ANY);
    n = io_len(s, rt->calls.len, left(s, 24));
    for (uint64_t i = 0; i < n && !s->bad; i++) {
        host_call hc = s->out ? rt->calls.items[i] : (host_call){0};
        IO(s, hc.id, ANY);
        IO(s, hc.contact, UINT32_MAX);
        IO(s, hc.gen, UINT32_MAX);
        if (!s->out)
            cc_vec_push(&rt->calls, hc);
    }
}

static void io_hours(saver *s)
{
    cc_rt *rt = s->rt;
    uint64_t n = io_len(s, rt->hours.len, 1u << 20);
    for (uint64_t i = 0; i < n && !s->bad; i++) {
        const hours *h = s->out ? &rt->hours.items[i] : NULL;
        char *name = h ? h->name : NULL, *zone = h ? h->tz.name : NULL;
        cc_week week = h ? h->week : (cc_week){0};
        io_str(s, &name);
        io_str(s, &zone);
        for (int d = 0; d < 7 && !s->bad; d++) {
            IO(s, week.count[d], CC_HOURS_RANGES);
            for (int k = 0; k < week.count[d]; k++) {
                IO(s, week.start[d][k], 1440);
                IO(s, week.end[d][k], 1440);
            }
        }
        if (s->out)
            continue;
        char tzerr[200];
        if (!name || !zone || s->bad || cc_rt_add_hours(rt, name, zone, &week, tzerr, sizeof tzerr) < 0)
            s->bad = true;
        cc_free(name);
        cc_free(zone);
    }
}

static void io_queues(saver *s)
{
    cc_rt *rt = s->rt;
    uint64_t n = io_len(s, rt->queues.len, 1u << 20);
    for (uint64_t i = 0; i < n && !s->bad; i++) {
        queue q = s->out ? rt->queues.items[i] : (queue){0};
        io_str(s, &q.name);
        IO(s, q.hours, ANY);
        IO(s, q.max_contacts, UINT32_MAX);
        IO(s, q.size, UINT32_MAX);
        uint64_t nwait = io_len(s, q.heap.len, left(s, 40));
        for (uint64_t k = 0; k < nwait && !s->bad; k++) {
            waiting w = s->out ? q.heap.items[k] : (waiting){0};
            IO(s, w.priority, ANY);
            IO(s, w.age, ANY);
            IO(s, w.seq, ANY);
            IO(s, w.contact, UINT32_MAX);
            IO(s, w.gen, UINT32_MAX);
            if (!s->out)
                cc_vec_push(&q.heap, w);
        }
        if (s->out)
            continue;
        if (!q.name || q.hours < -1 || q.hours >= (int64_t)rt->hours.len)
            s->bad = true;
        cc_vec_push(&rt->queues, q);
    }
}

static void io_agents(saver *s)
{
    cc_rt *rt = s->rt;
    size_t nq = rt->queues.len;
    uint64_t n = io_len(s, rt->agents.len, 1u << 20);
    for (uint64_t i = 0; i < n && !s->bad; i++) {
        agent tmp = {0}, *a = s->out ? &rt->agents.items[i] : &tmp;
        io_str(s, &a->name);
        uint64_t k = io_len(s, a->queues.len, nq);
        for (uint64_t j = 0; j < k && !s->bad; j++) {
            int q = s->out ? a->queues.items[j] : 0;
            IO(s, q, nq ? nq - 1 : 0);
            if (!s->out)
                cc_vec_push(&a->queues, q);
        }
        for (int c = 0; c < 4; c++) {
            IO(s, a->concurrency[c], 255);
            IO(s, a->active[c], 255);
        }
        IO(s, a->handle_ms, ANY);
        IO(s, a->acw_ms, ANY);
        IO(s, a->available, 1);
        IO(s, a->online, 1);
        IO(s, a->busy, UINT32_MAX);
        IO(s, a->manual_accept, 1);
        io_kv(s, &a->skills);
        if (s->out)
            continue;
        if (!a->name)
            s->bad = true;
        cc_vec_push(&rt->agents, tmp);
    }
}

/* A contact's position and routing (the fields kept in the contact itself, then the extra data's
 * that go with them). */
static void io_contact_core(saver *s, contact *c, contact_extra *x)
{
    const ccfb_module *m = s->rt->m;
    int64_t nq = (int64_t)s->rt->queues.len, na = (int64_t)s->rt->agents.len;
    IO(s, c->flow, m->nflows ? m->nflows - 1 : 0);
    IO(s, c->pc, m->flows[c->flow].code_len);
    need(s, s->out || s->starts[c->flow][c->pc]);
    IO(s, c->first_flow, m->nflows ? m->nflows - 1 : 0);
    IO(s, c->outcome, UINT32_MAX);
    IO(s, c->gen, UINT32_MAX);
    IO(s, c->channel, 3);
    IO(s, c->state, ST_ENDED);
    IO(s, c->mode, MODE_DISCONNECT);
    IO(s, c->reason, CC_END_THIRD_PARTY_DISCONNECT);
    IO(s, c->queue, ANY);
    IO(s, c->in_queue, ANY);
    IO(s, c->agent, ANY);
    need(s, c->queue >= -1 && c->queue < nq && c->in_queue >= -1 && c->in_queue < nq && c->agent >= -1 && c->agent < na);
    IO(s, c->priority, ANY);
    IO(s, c->age_adjust, ANY);
    int64_t *const times[8] = {&c->created, &c->scheduled, &c->started,   &c->enqueued,
                               &c->dequeued, &c->connected, &c->acw_end, &c->ended};
    for (int k = 0; k < 8; k++)
        IO(s, *times[k], ANY);
    IO(s, c->qgen, UINT32_MAX);
    IO(s, c->loop_block, UINT32_MAX);
    IO(s, c->loop_count, UINT32_MAX);
    IO(s, x->next_priority, ANY);
    IO(s, x->next_age_adjust, ANY);
    IO(s, x->ret_flow, ANY);
    IO(s, x->ret_pc, UINT32_MAX);
    need(s, s->out || (x->ret_flow >= -1 && x->ret_flow < (int64_t)m->nflows &&
                       (x->ret_flow < 0 || (x->ret_pc < m->flows[x->ret_flow].code_len && s->starts[x->ret_flow][x->ret_pc]))));
    for (int h = 0; h < CC_HOOK_COUNT; h++) {
        IO(s, x->hooks[h], ANY);
        need(s, x->hooks[h] >= -1 && x->hooks[h] < (int64_t)m->nflows);
    }
}

/* What only some contacts have, after the core. */
static void io_contact_extra(saver *s, contact_extra *x)
{
    io_kv(s, &x->attrs);
    io_kv(s, &x->vars);
    io_kv(s, &x->outcomes);
    uint64_t n = io_len(s, x->loops.len, left(s, 16));
    for (uint64_t k = 0; k < n && !s->bad; k++) {
        loop_counter lc = s->out ? x->loops.items[k] : (loop_counter){0};
        IO(s, lc.block, UINT32_MAX);
        IO(s, lc.count, UINT32_MAX);
        if (!s->out)
            cc_vec_push(&x->loops, lc);
    }
    n = io_len(s, x->inputs.len, left(s, 8));
    for (uint64_t k = 0; k < n && !s->bad; k++) {
        char *in = s->out ? x->inputs.items[k] : NULL;
        io_str(s, &in);
        if (s->out)
            continue;
        if (!in)
            s->bad = true;
        else
            cc_vec_push(&x->inputs, in);
    }
    IO(s, x->next_input, x->inputs.len);
    io_str(s, &x->related);
    io_str(s, &x->chain);
    n = io_len(s, x->refs.len, left(s, 24));
    for (uint64_t k = 0; k < n && !s->bad; k++) {
        stored_ref sr = s->out ? x->refs.items[k] : (stored_ref){0};
        io_str(s, &sr.name);
        io_str(s, &sr.type);
        io_str(s, &sr.value);
        if (s->out)
            continue;
        cc_vec_push(&x->refs, sr);
        if (!sr.name || !sr.type || !sr.value)
            s->bad = true;
    }
    IO(s, x->created_by, ANY);
    IO(s, x->template_, ANY);
    IO(s, x->expiry_ms, ANY);
    IO(s, x->self_assigned, 1);
    IO(s, x->transfers, CC_TRANSFERS_MAX);
    IO(s, x->by_disconnect, 1);
    IO(s, x->offered, 1);
    io_kv(s, &x->criteria);
    IO(s, x->criteria_for, ANY);
    IO(s, x->criteria_until, ANY);
    need(s, x->criteria_for >= 0 && x->criteria_until >= -1);
    /* templates are read after contacts: their count is checked then */
    need(s, x->created_by >= -1 && x->created_by < (int64_t)s->rt->agents.len && x->template_ >= -1 && x->expiry_ms >= 0);
}

/* Whether a contact's extra data holds nothing but the defaults (then the contact keeps none). */
static bool extra_is_empty(const contact_extra *x)
{
    for (int h = 0; h < CC_HOOK_COUNT; h++)
        if (x->hooks[h] != -1)
            return false;
    return !x->description && !x->previous && !x->related && !x->chain && !x->attrs.len && !x->vars.len &&
           !x->outcomes.len && !x->loops.len && !x->inputs.len && !x->refs.len && !x->next_input &&
           !x->next_priority && !x->next_age_adjust && x->ret_flow == -1 && x->created_by == -1 &&
           x->template_ == -1 && !x->expiry_ms && !x->self_assigned && !x->transfers && !x->by_disconnect &&
           !x->offered && !x->criteria.len && !x->criteria_for && x->criteria_until == -1;
}

static void io_contacts(saver *s)
{
    cc_rt *rt = s->rt;
    uint64_t n = io_len(s, rt->contacts.len, left(s, 8));
    need(s, !n || rt->m->nflows);
    for (uint64_t i = 0; i < n && !s->bad; i++) {
        contact c = s->out ? rt->contacts.items[i] : (contact){0};
        contact_extra x = s->out ? *RX(&c) : vm_no_extra; /* saving: a copy, only read */
        char *name = (char *)c.name;
        io_str(s, &c.id);
        IO(s, c.num, UINT32_MAX);
        io_str(s, &name);
        io_str(s, &x.description);
        io_str(s, &x.previous);
        io_contact_core(s, &c, &x);
        io_contact_extra(s, &x);
        if (s->out)
            continue;
        c.name = name ? vm_intern_name(rt, name) : NULL;
        cc_free(name);
        if (!extra_is_empty(&x)) {
            c.x = cc_xmalloc(sizeof *c.x);
            *c.x = x;
        }
        if ((!c.id && !c.num) || !c.name)
            s->bad = true;
        cc_vec_push(&rt->contacts, c);
    }
}

static void io_templates(saver *s)
{
    cc_rt *rt = s->rt;
    uint64_t n = io_len(s, rt->templates.len, 50);
    for (uint64_t i = 0; i < n && !s->bad; i++) {
        cc_task_template t = s->out ? rt->templates.items[i] : (cc_task_template){0};
        io_str(s, &t.name);
        io_str(s, &t.flow);
        IO(s, t.expiry_ms, ANY);
        IO(s, t.active, 1);
        IO(s, t.self_assign, 1);
        uint64_t nf = io_len(s, t.fields.len, left(s, 40));
        for (uint64_t k = 0; k < nf && !s->bad; k++) {
            cc_template_field f = s->out ? t.fields.items[k] : (cc_template_field){0};
            io_str(s, &f.name);
            io_str(s, &f.type);
            io_str(s, &f.default_value);
            IO(s, f.required, 1);
            IO(s, f.read_only, 1);
            if (s->out)
                continue;
            cc_vec_push(&t.fields, f);
            if (!f.name || !f.type)
                s->bad = true;
        }
        if (s->out)
            continue;
        char why[256];
        if (!s->bad && !cc_template_check(&t, why, sizeof why))
            s->bad = true;
        cc_vec_push(&rt->templates, t);
    }
}

static void io_tokens(saver *s)
{
    cc_rt *rt = s->rt;
    uint64_t n = io_len(s, rt->tokens.len, left(s, 24));
    for (size_t i = 0; s->out && i < rt->tokens.cap; i++) /* saving: the map's entries */
        if (rt->tokens.keys && rt->tokens.keys[i]) {
            token_use *u = rt->tokens.values[i];
            char *token = (char *)rt->tokens.keys[i];
            io_str(s, &token);
            io_str(s, &u->id);
            IO(s, u->at, ANY);
        }
    for (uint64_t i = 0; !s->out && i < n && !s->bad; i++) { /* restoring: into the map */
        char *token;
        token_use *u = cc_xcalloc(1, sizeof *u);
        io_str(s, &token);
        io_str(s, &u->id);
        IO(s, u->at, ANY);
        if (!token || !u->id || cc_map_get(&rt->tokens, token)) {
            s->bad = true;
            cc_free(token);
            cc_free(u->id);
            cc_free(u);
            break;
        }
        cc_map_put(&rt->tokens, token, u);
    }
}

static void io_quick_connects(saver *s)
{
    cc_rt *rt = s->rt;
    uint32_t nflows = rt->m->nflows;
    IO(s, rt->max_active_tasks, ANY);
    uint64_t n = io_len(s, rt->quick_connects.len, left(s, 32));
    for (uint64_t i = 0; i < n && !s->bad; i++) {
        quick_connect qc = s->out ? rt->quick_connects.items[i] : (quick_connect){0};
        io_str(s, &qc.name);
        IO(s, qc.queue, ANY);
        IO(s, qc.agent, ANY);
        IO(s, qc.flow, nflows ? nflows - 1 : 0);
        if (s->out)
            continue;
        cc_vec_push(&rt->quick_connects, qc);
        if (!qc.name || qc.queue < -1 || qc.queue >= (int64_t)rt->queues.len || qc.agent < -1 ||
            qc.agent >= (int64_t)rt->agents.len || (qc.queue < 0) == (qc.agent < 0))
            s->bad = true;
    }
}

static void io_events(saver *s)
{
    cc_rt *rt = s->rt;
    uint64_t n = io_len(s, rt->events.len, left(s, 40));
    for (uint64_t i = 0; i < n && !s->bad; i++) {
        event e = s->out ? rt->events.items[i] : (event){0};
        io_event(s, &e);
        if (!s->out)
            cc_vec_push(&rt->events, e);
    }
    IO(s, rt->nlanes, MAX_LANES);
    for (size_t i = 0; i < rt->nlanes && !s->bad; i++) {
        lane *l = &rt->lanes[i];
        IO(s, l->delay, ANY);
        uint64_t k = io_len(s, l->fifo.len - l->head, left(s, 40));
        for (uint64_t j = 0; j < k && !s->bad; j++) {
            event e = s->out ? l->fifo.items[l->head + j] : (event){0};
            io_event(s, &e);
            if (!s->out)
                cc_vec_push(&l->fifo, e);
        }
    }
}

/* The whole state, in the order of the format (chains, made ids, the queues' agents and counts
 * follow from it: restore_derived). */
static void state_io(saver *s)
{
    io_clock(s);
    io_functions(s);
    io_hours(s);
    io_queues(s);
    io_agents(s);
    io_contacts(s);
    io_templates(s);
    io_tokens(s);
    io_quick_connects(s);
    io_events(s);
}

void cc_rt_snapshot(const cc_rt *rt, cc_buf *b)
{
    cc_buf_put(b, SNAP_MAGIC, 4);
    w64(b, SNAP_VERSION);
    w64(b, ccfb_read_u32(rt->m->bytes + 8)); /* the bundle's checksum: a state fits one bundle */
    saver s = {.out = b, .rt = (cc_rt *)rt};   /* saving reads the state only */
    state_io(&s);
}

/* ---- restoring: what follows from the state read, and its checks ---- */

/* Per flow, per code offset: whether an instruction starts there (a fiber's position must). */
static bool **instruction_starts(const ccfb_module *m)
{
    bool **starts = cc_xcalloc(m->nflows + 1, sizeof *starts);
    for (uint32_t f = 0; f < m->nflows; f++) {
        starts[f] = cc_xcalloc(m->flows[f].code_len + 1, 1);
        for (uint32_t pc = 0; pc < m->flows[f].code_len; pc += ccfb_insn_size(m->flows[f].code, pc))
            starts[f][pc] = true;
        starts[f][m->flows[f].code_len] = true; /* an ended fiber may stand at the end */
    }
    return starts;
}

/* The queues' agents and counts, contact ids, made ids by number, chains, active tasks: rebuilt
 * rather than trusted. False when the state read does not hold together. */
static bool restore_derived(cc_rt *rt)
{
    for (size_t ai = 0; ai < rt->agents.len; ai++) {
        for (size_t k = 0; k < rt->agents.items[ai].queues.len; k++)
            cc_vec_push(&rt->queues.items[rt->agents.items[ai].queues.items[k]].agents, (int)ai);
        vm_agent_count(rt, (int)ai, +1);
    }
    for (size_t i = 0; i < rt->contacts.len; i++) {
        contact *c = &rt->contacts.items[i];
        if (c->id)
            cc_map_put(&rt->contact_ids, c->id, (void *)(uintptr_t)(i + 1));
        if (c->x && c->x->template_ >= (int64_t)rt->templates.len)
            return false;
        rt->active_tasks += c->channel == 2 && c->state != ST_ENDED;
        if (c->x && c->x->criteria.len && c->state == ST_QUEUED && c->in_queue >= 0)
            rt->queues.items[c->in_queue].criteria = true;
        if (!c->id) {
            if (c->num != rt->made.len + 1)
                return false;
            cc_vec_push(&rt->made, (uint32_t)i);
        }
        if (c->x && c->x->chain) {
            chain *ch = cc_map_get(&rt->chains, c->x->chain);
            if (!ch) {
                ch = cc_xcalloc(1, sizeof *ch);
                cc_map_put(&rt->chains, cc_xstrdup(c->x->chain), ch);
            }
            cc_vec_push(ch, (uint32_t)i);
        }
    }
    for (size_t i = 0; i < rt->calls.len; i++)
        if (rt->calls.items[i].contact >= rt->contacts.len)
            return false;
    for (size_t i = 0; i < rt->queues.len; i++) /* waiting entries must name contacts that exist */
        for (size_t k = 0; k < rt->queues.items[i].heap.len; k++)
            if (rt->queues.items[i].heap.items[k].contact >= rt->contacts.len)
                return false;
    return true;
}

cc_rt *cc_rt_restore(const ccfb_module *m, const uint8_t *data, size_t len, char *err, size_t errlen)
{
    if (len < 4 || memcmp(data, SNAP_MAGIC, 4) != 0) {
        snprintf(err, errlen, "not a ccflow VM state (no CCSN header)");
        return NULL;
    }
    saver s = {.p = data + 4, .end = data + len};
    if (r64(&s) != SNAP_VERSION || r64(&s) != ccfb_read_u32(m->bytes + 8)) {
        snprintf(err, errlen, "the state was saved by another version of ccflow or with another bundle");
        return NULL;
    }
    s.rt = cc_rt_new(m, 0, 0);
    s.starts = instruction_starts(m);
    state_io(&s);
    for (uint32_t f = 0; f < m->nflows; f++)
        cc_free(s.starts[f]);
    cc_free(s.starts);
    if (s.bad || s.p != s.end || !restore_derived(s.rt)) {
        snprintf(err, errlen, "the saved VM state is damaged or truncated");
        cc_rt_free(s.rt);
        return NULL;
    }
    for (uint32_t i = 0; i < m->nstrings; i++)
        s.rt->str_queue[i] = -2;
    return s.rt;
}
