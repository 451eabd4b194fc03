/* runtime.c — fibers over bytecode, a timer heap, queues with priority and routing age, agents
 * with per-channel slots, handle time and after-contact work, and contact records. */
#include "runtime.h"

#include "builtins.h"
#include "catalog.h"
#include "doc.h"
#include "diag.h"
#include "tz.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DAY_MS 86400000LL

/* ---- binary heaps (events, each queue's waiting contacts): one definition for both ---- */

/* Defines NAME_push(vec, item) and NAME_pop(vec) (removes the top) over a CC_VEC of TYPE kept as
 * a binary min-heap by BEFORE(const TYPE *, const TYPE *). */
#define CC_HEAP(NAME, TYPE, VEC, BEFORE)                                                           \
    static void NAME##_push(VEC *h, TYPE item)                                                     \
    {                                                                                              \
        cc_vec_push(h, item);                                                                      \
        size_t i = h->len - 1;                                                                     \
        while (i > 0 && BEFORE(&item, &h->items[(i - 1) / 2])) {                                   \
            h->items[i] = h->items[(i - 1) / 2];                                                   \
            i = (i - 1) / 2;                                                                       \
        }                                                                                          \
        h->items[i] = item;                                                                        \
    }                                                                                              \
    static void NAME##_pop(VEC *h)                                                                 \
    {                                                                                              \
        TYPE last = h->items[--h->len];                                                            \
        size_t i = 0, n = h->len;                                                                  \
        for (;;) {                                                                                 \
            size_t l = 2 * i + 1;                                                                  \
            if (l >= n)                                                                            \
                break;                                                                             \
            if (l + 1 < n && BEFORE(&h->items[l + 1], &h->items[l]))                               \
                l++;                                                                               \
            if (!BEFORE(&h->items[l], &last))                                                      \
                break;                                                                             \
            h->items[i] = h->items[l];                                                             \
            i = l;                                                                                 \
        }                                                                                          \
        if (n)                                                                                     \
            h->items[i] = last;                                                                    \
    }

/* ---- events: ordered by time, then by the order they were scheduled ---- */

enum { EV_START, EV_RESUME, EV_HANDLED, EV_ACW_DONE, EV_EXPIRE, EV_REROUTE };

typedef struct {
    int64_t t;
    uint64_t seq;
    uint32_t kind, who, gen;
} event;

typedef CC_VEC(event) event_vec;

/* ---- contacts ---- */

enum { ST_SCHEDULED, ST_RUNNING, ST_WAITING, ST_QUEUED, ST_CONNECTED, ST_ACW, ST_ENDED };
enum { MODE_FLOW, MODE_QUEUE_FLOW, MODE_WHISPER, MODE_DISCONNECT };
enum { HOOK_CUSTOMER_QUEUE, HOOK_DISCONNECT, HOOK_AGENT_WHISPER, HOOK_CUSTOMER_WHISPER, HOOK_COUNT = 7 };

typedef struct {
    char *key, *value;
} attr;

typedef CC_VEC(attr) attr_vec;

typedef struct {
    char *name, *type, *value;
} stored_ref;

typedef struct {
    uint32_t block, count;
} loop_counter;

/* What only some contacts have: kept apart so that a bulk task costs little (SPEC §11: at most
 * 256 bytes of VM state a contact). Read through RX (defaults when absent), written through WX. */
typedef struct {
    char *description, *previous; /* PreviousContactId */
    attr_vec attrs; /* user-defined attributes: $.Attributes.<key>, in the contact record */
    attr_vec vars;  /* other run-time values by full reference: $.External.x, $.Metrics..., $.Task.ContactId */
    CC_VEC(loop_counter) loops;
    CC_VEC(char *) inputs; /* what a voice or chat customer enters, in turn */
    attr_vec outcomes;     /* the outside world's answers: block id -> branch */
    uint32_t next_input;
    int32_t hooks[HOOK_COUNT];
    uint64_t next_priority; /* a routing change waiting its 60 s while queued (0: none) */
    int64_t next_age_adjust;
    int32_t ret_flow; /* inside a flow module: the flow that invoked it (-1: none) */
    uint32_t ret_pc;  /* and where it goes on */
    char *related;    /* RelatedContactId */
    char *chain;      /* the first contact of its PreviousContactId chain (attributes shared) */
    CC_VEC(stored_ref) refs;
    int32_t created_by; /* agent index, -1 */
    bool self_assigned; /* goes straight to created_by's agent queue, without a flow */
    uint8_t transfers;  /* TransferContact calls so far (at most 11) */
    bool by_disconnect; /* made by a create_task block in a disconnect flow (InitiationMethod DISCONNECT) */
    bool offered;       /* with an agent who has not accepted it yet */
    attr_vec criteria;  /* routing criteria: what an agent must have to take it */
    int64_t criteria_for;   /* how long they hold once queued (0: for good) */
    int64_t criteria_until; /* when they stop holding (-1: not queued yet) */
    int32_t template_;  /* task template index, -1 */
    int64_t expiry_ms;  /* 0: 7 days */
} contact_extra;

typedef struct {
    char *id;         /* an id the request gave, or NULL: then "task-NNNNNNN" from num */
    uint32_t num;     /* the number of a made id */
    const char *name; /* interned in the runtime: bulk tasks share their name */
    contact_extra *x; /* NULL until something needs it */
    uint32_t flow, pc, first_flow;
    uint32_t outcome;
    uint32_t gen;  /* timers of an older generation are stale */
    uint32_t qgen; /* queue entries of an older generation are stale */
    uint8_t channel, state, mode;
    cc_end_reason reason;
    int32_t queue, in_queue, agent;
    uint32_t loop_block, loop_count; /* the first loop block's counter, kept here (UINT32_MAX: none) */
    uint64_t priority;
    int64_t age_adjust;
    int64_t created, scheduled, started, enqueued, dequeued, connected, acw_end, ended;
} contact;

/* The contact's id: the one it was given, or the one made from its number. */
static const char *cid(const contact *c, char buf[32])
{
    if (c->id)
        return c->id;
    snprintf(buf, 32, "%s-%07u", c->channel == 2 ? "task" : "contact", c->num);
    return buf;
}

static const contact_extra no_extra = {.hooks = {-1, -1, -1, -1, -1, -1, -1},
                                       .ret_flow = -1,
                                       .created_by = -1,
                                       .template_ = -1,
                                       .criteria_until = -1};

#define RX(c) ((const contact_extra *)((c)->x ? (c)->x : &no_extra))

static contact_extra *WX(contact *c)
{
    if (!c->x) {
        c->x = cc_xmalloc(sizeof *c->x);
        *c->x = no_extra;
    }
    return c->x;
}

typedef struct {
    uint64_t priority;
    int64_t age; /* enqueue time minus age adjustment */
    uint64_t seq;
    uint32_t contact, gen;
} waiting;

typedef CC_VEC(waiting) waiting_vec;

typedef struct {
    char *name;
    cc_tz tz;
    cc_week week;
} hours;

typedef struct {
    char *name;
    int32_t hours;       /* hours of operation, or -1: always open */
    uint32_t max_contacts, size;
    waiting_vec heap;
    CC_VEC(int) agents;  /* agents that serve the queue */
    uint32_t free[4];    /* of them: available with a free slot for each channel */
    uint32_t staffed;    /* of them: available, or holding a contact */
    uint32_t online;     /* of them: not offline (a break or lunch status is online, not routable) */
    bool criteria;       /* a contact with routing criteria has waited here: routing looks past the head */
} queue;

typedef struct {
    char *name;
    CC_VEC(int) queues;
    uint8_t concurrency[4], active[4];
    int64_t handle_ms, acw_ms;
    bool available;
    bool online; /* not offline: available, or in a status such as a break */
    bool manual_accept; /* contacts are offered until the agent accepts them */
    attr_vec skills;    /* proficiencies: attribute -> value, for routing criteria */
    uint32_t busy; /* contacts held, handling or in after-contact work */
} agent;

typedef struct {
    char *name;
    attr_vec result;
    int64_t latency_ms;
    cc_host_fn host; /* answered by the host instead of a fixed result */
    void *host_ud;
} function;

/* A host call under way: the contact waits on it until the answer or the timeout. */
typedef struct {
    uint64_t id;
    uint32_t contact, gen;
} host_call;

/* Timers mostly lie a fixed delay ahead (a wait of 1m, 300 s of handling, 7 days to expiry), and
 * the clock only moves forward, so the events of one delay come due in the order they were set:
 * each delay gets a FIFO "lane", and only odd delays beyond MAX_LANES go to the heap. The next
 * event is the earliest (time, then order set) among the heap's top and the lanes' heads. */
#define MAX_LANES 16

typedef struct {
    int64_t delay;
    event_vec fifo;
    size_t head;
} lane;

typedef struct {
    char *id;   /* the contact the token started */
    int64_t at; /* when */
} token_use;

typedef CC_VEC(uint32_t) chain;

/* A quick connect: tasks started with it run its flow with its queue, or its agent's own queue,
 * as their working queue. */
typedef struct {
    char *name;
    int32_t queue, agent; /* one of them, the other -1 */
    uint32_t flow;
} quick_connect;

struct cc_rt {
    const ccfb_module *m;
    lane lanes[MAX_LANES];
    size_t nlanes;
    uint8_t *insn_fixed, *insn_group; /* per opcode: fixed operand count, repeated group size */
    /* the string pool decoded once: NUL-terminated texts, their values as whole numbers (when
     * they are), and the queue each names (-2: not looked up yet, -1: none) */
    char **strs;
    int64_t *nums;
    bool *is_num;
    int32_t *str_queue;
    CC_VEC(function) functions;
    CC_VEC(hours) hours;
    CC_VEC(host_call) calls;
    uint64_t next_call;
    int64_t now;
    uint64_t seq, rng;
    event_vec events;
    CC_VEC(contact) contacts;
    CC_VEC(queue) queues;
    CC_VEC(agent) agents;
    cc_map contact_ids;
    cc_map names; /* interned contact names, owned */
    CC_VEC(uint32_t) made; /* contacts with made ids, by number - 1 */
    uint64_t active_tasks, max_active_tasks; /* tasks not ended; the quota (0: none) */
    CC_VEC(cc_task_template) templates;
    CC_VEC(quick_connect) quick_connects;
    cc_map tokens;      /* ClientToken (owned) -> token_use (owned) */
    cc_map chains;      /* chain's first contact id (owned) -> chain (owned): who shares attributes */
    cc_rt_totals totals;
    cc_record_fn on_record;
    void *record_ud;
    cc_trace_fn on_trace;
    void *trace_ud;
    int32_t **block_at; /* per flow, per code offset: the block starting there, or -1 (for traces) */
    uint32_t next_id;
    /* the kinds whose channel support applies to the ops that stand for them */
    const cc_block_spec *prompt_kind, *input_kind, *store_kind, *loop_prompts_kind, *phone_transfer_kind, *criteria_kind;
};

const char *cc_end_reason_name(cc_end_reason r)
{
    static const char *const names[] = {"",    "AGENT_DISCONNECT", "CONTACT_FLOW_DISCONNECT", "EXPIRED",
                                        "API", "THIRD_PARTY_DISCONNECT"};
    return names[r];
}

static bool event_before(const event *a, const event *b) { return a->t < b->t || (a->t == b->t && a->seq < b->seq); }

CC_HEAP(event_heap, event, event_vec, event_before)

static void schedule(cc_rt *rt, int64_t t, uint32_t kind, uint32_t who, uint32_t gen)
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

static void queue_push(queue *q, waiting w) { waiting_heap_push(&q->heap, w); }
static void queue_pop(queue *q) { waiting_heap_pop(&q->heap); }

/* The first live contact waiting in q, dropping stale entries on the way. */
static waiting *queue_head(cc_rt *rt, queue *q)
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

/* ---- contacts' data ---- */

static const char *kv_get(const attr_vec *v, const char *key)
{
    for (size_t i = 0; i < v->len; i++)
        if (!strcmp(v->items[i].key, key))
            return v->items[i].value;
    return NULL;
}

static void kv_set(attr_vec *v, const char *key, const char *value)
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

static void kv_free(attr_vec *v)
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

#define attr_get(c, key) kv_get(&RX(c)->attrs, (key))
#define attr_set(c, key, value) kv_set(&WX(c)->attrs, (key), (value))
#define var_get(c, key) kv_get(&RX(c)->vars, (key))
#define var_set(c, key, value) kv_set(&WX(c)->vars, (key), (value))

static char *module_string(const cc_rt *rt, uint32_t i)
{
    const ccfb_string *s = &rt->m->strings[i];
    char *out = cc_xmalloc(s->len + 1);
    memcpy(out, s->text, s->len);
    out[s->len] = '\0';
    return out;
}

static void trace(cc_rt *rt, const contact *c, const char *block, const char *what)
{
    char idb[32];
    cc_trace t = {rt->now, cid(c, idb), rt->strs[rt->m->flows[c->flow].name], block, what};
    rt->on_trace(rt->trace_ud, &t);
}

/* A run-time error a block meets (an unknown queue, a refused request...): the contact takes the
 * block's error branch, and a trace says why and where, from the source map when the bundle has
 * one. Nothing is done unless someone traces. */
static void fault(cc_rt *rt, uint32_t ci, uint32_t pc, const char *fmt, ...) CC_PRINTF(4, 5) CC_COLD;
static void fault(cc_rt *rt, uint32_t ci, uint32_t pc, const char *fmt, ...)
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
    trace(rt, c, NULL, what);
}

static bool string_is(const cc_rt *rt, uint32_t i, const char *text)
{
    const ccfb_string *s = &rt->m->strings[i];
    return strlen(text) == s->len && !memcmp(s->text, text, s->len);
}

/* A value operand as text (into buf), or NULL for none / an unset reference. */
static const char *ref_text(cc_rt *rt, const contact *c, const char *ref, char *buf, size_t n);

static const char *value_text(cc_rt *rt, const contact *c, uint32_t v, char *buf, size_t n)
{
    uint32_t payload = CCFB_VAL_PAYLOAD(v);
    switch (CCFB_VAL_TAG(v)) {
    case CCFB_VAL_NONE:
        return NULL;
    case CCFB_VAL_BOOL:
        return payload ? "true" : "false";
    case CCFB_VAL_REF:
        break;
    default:
        return rt->strs[payload];
    }
    return ref_text(rt, c, rt->strs[payload], buf, n);
}

/* What a $. reference reads on contact c now, or NULL when unset. */
static const char *ref_text(cc_rt *rt, const contact *c, const char *ref, char *buf, size_t n)
{
    if (!strncmp(ref, "$.Attributes.", 13))
        return attr_get(c, ref + 13);
    if (!strncmp(ref, "$.References.", 13)) { /* $.References.<name>.Value or .Type */
        const char *name = ref + 13, *dot = strrchr(name, '.');
        if (!dot || (strcmp(dot, ".Value") != 0 && strcmp(dot, ".Type") != 0))
            return NULL;
        for (size_t i = 0; i < RX(c)->refs.len; i++) {
            const stored_ref *r = &RX(c)->refs.items[i];
            if (strlen(r->name) == (size_t)(dot - name) && !strncmp(r->name, name, (size_t)(dot - name)))
                return dot[1] == 'V' ? r->value : r->type;
        }
        return NULL;
    }
    if (!strcmp(ref, "$.RelatedContactId"))
        return RX(c)->related;
    if (!strcmp(ref, "$.Channel"))
        return cc_channel_upper(c->channel);
    if (!strcmp(ref, "$.Name"))
        return c->name;
    if (!strcmp(ref, "$.Description"))
        return RX(c)->description;
    if (!strcmp(ref, "$.ContactId") || !strcmp(ref, "$.InitialContactId"))
        return cid(c, buf);
    if (!strcmp(ref, "$.Queue.Name"))
        return c->queue >= 0 ? rt->queues.items[c->queue].name : NULL;
    if (!strncmp(ref, "$.Loop.", 7)) {
        const ccfb_flow *f = &rt->m->flows[c->flow];
        for (uint32_t b = 0; b < f->nblocks; b++) {
            ccfb_block blk = ccfb_flow_block(f, b);
            if (string_is(rt, blk.id, ref + 7)) {
                /* the 0-based index of the pass under way, as Connect's Loop attribute gives it */
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
        }
        return NULL;
    }
    if (!strcmp(ref, "$.PreviousContactId"))
        return RX(c)->previous;
    return var_get(c, ref); /* $.External, $.Metrics, $.Task.ContactId, $.FlowAttributes... */
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
    keep->flow = module_string(rt, rt->m->flows[c->first_flow].name);
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
    kv_free(&x->vars);
    kv_free(&x->outcomes);
    kv_free(&x->criteria);
    cc_vec_free(&x->loops);
}

static void free_contact_data(contact *c)
{
    contact_extra *x = c->x;
    if (!x)
        return;
    trim_contact_data(c);
    kv_free(&x->attrs);
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

static void route_agent(cc_rt *rt, int ai);
static void run_fiber(cc_rt *rt, uint32_t ci);

static void finish(cc_rt *rt, uint32_t ci, cc_end_reason reason)
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
        trace(rt, c, NULL, what);
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

static void run_fiber(cc_rt *rt, uint32_t ci);

/* Runs the contact's disconnect flow, if it has one, before the contact ends. */
static void disconnect(cc_rt *rt, uint32_t ci, cc_end_reason reason)
{
    contact *c = &rt->contacts.items[ci];
    if (c->mode != MODE_DISCONNECT && RX(c)->hooks[HOOK_DISCONNECT] >= 0) {
        c->reason = reason;
        c->mode = MODE_DISCONNECT;
        c->flow = (uint32_t)RX(c)->hooks[HOOK_DISCONNECT];
        c->pc = rt->m->flows[c->flow].start;
        if (c->state == ST_QUEUED && c->in_queue >= 0) {
            rt->queues.items[c->in_queue].size--;
            c->in_queue = -1;
        }
        c->state = ST_RUNNING;
        c->gen++;
        run_fiber(rt, ci);
        return;
    }
    finish(rt, ci, c->mode == MODE_DISCONNECT ? c->reason : reason);
}

/* ---- routing ---- */

/* An agent's part in the counts of the queues it serves: added (+1) or taken back (-1) around
 * every change of its status or slots, so that staffing checks never scan the agents. */
static void agent_count(cc_rt *rt, int ai, int sign)
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
static void drop_calls(cc_rt *rt, uint32_t ci)
{
    for (size_t i = 0; i < rt->calls.len;)
        if (rt->calls.items[i].contact == ci)
            rt->calls.items[i] = rt->calls.items[--rt->calls.len];
        else
            i++;
}

/* The agent holding contact c gives its slot back; returns the agent (to route it again). */
static int give_back_slot(cc_rt *rt, const contact *c)
{
    int ai = c->agent;
    agent *a = &rt->agents.items[ai];
    agent_count(rt, ai, -1);
    a->active[c->channel]--;
    a->busy--;
    agent_count(rt, ai, +1);
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
    agent_count(rt, ai, -1);
    a->active[c->channel]++;
    a->busy++;
    agent_count(rt, ai, +1);
    if (a->manual_accept) {
        WX(c)->offered = true;
        if (rt->on_trace) {
            char what[300];
            snprintf(what, sizeof what, "offered to agent %s", a->name);
            trace(rt, c, NULL, what);
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
        trace(rt, c, NULL, what);
        c = &rt->contacts.items[ci]; /* a callback may have added contacts or queues */
        a = &rt->agents.items[c->agent];
    }
    schedule(rt, rt->now + a->handle_ms, EV_HANDLED, ci, c->gen);
    if (RX(c)->hooks[HOOK_CUSTOMER_WHISPER] >= 0 && (c->channel == 0 || c->channel == 1)) {
        /* the customer whisper plays to the customer (voice and chat) as the agent joins */
        c->mode = MODE_WHISPER;
        c->flow = (uint32_t)RX(c)->hooks[HOOK_CUSTOMER_WHISPER];
        c->pc = rt->m->flows[c->flow].start;
        run_fiber(rt, ci);
        c = &rt->contacts.items[ci];
    }
    if (RX(c)->hooks[HOOK_AGENT_WHISPER] >= 0) {
        /* the agent whisper plays as the agent joins; it takes no time and then they are connected */
        c->mode = MODE_WHISPER;
        c->flow = (uint32_t)RX(c)->hooks[HOOK_AGENT_WHISPER];
        c->pc = rt->m->flows[c->flow].start;
        run_fiber(rt, ci);
    }
}

/* A contact just queued: the first free agent that serves its queue takes it. */
static bool route_contact(cc_rt *rt, uint32_t ci)
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

static void route_agent(cc_rt *rt, int ai)
{
    for (;;) {
        const agent *a = &rt->agents.items[ai]; /* callbacks during a connect may add agents */
        waiting *best = NULL;
        queue *best_q = NULL;
        for (size_t i = 0; i < a->queues.len; i++) {
            queue *q = &rt->queues.items[a->queues.items[i]];
            waiting *w = queue_head(rt, q);
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

/* Operand i of the instruction at pc. */
static uint32_t op_u32(const uint8_t *code, uint32_t pc, uint32_t i) { return ccfb_read_u32(code + pc + 1 + 4 * i); }

/* ---- built-in functions ---- */

static void set_external(void *ud, const char *key, const char *value)
{
    char ref[300];
    snprintf(ref, sizeof ref, "$.External.%s", key);
    var_set((contact *)ud, ref, value);
}

/* The parameters of an INVOKE instruction, evaluated for the contact. */
typedef struct {
    uint32_t n;
    const char **keys, **values;
} invoke_params;

static invoke_params params_of(cc_rt *rt, const contact *c, const uint8_t *code, uint32_t pc)
{
    char b1[512];
    invoke_params p = {op_u32(code, pc, 2), NULL, NULL};
    p.keys = cc_xcalloc(p.n + 1, sizeof *p.keys);
    p.values = cc_xcalloc(p.n + 1, sizeof *p.values);
    for (uint32_t i = 0; i < p.n; i++) {
        p.keys[i] = rt->strs[op_u32(code, pc, 3 + 2 * i)];
        const char *v = value_text(rt, c, op_u32(code, pc, 4 + 2 * i), b1, sizeof b1);
        p.values[i] = cc_xstrdup(v ? v : "");
    }
    return p;
}

static void params_free(invoke_params *p)
{
    for (uint32_t i = 0; i < p->n; i++)
        cc_free((char *)p->values[i]);
    cc_free(p->keys);
    cc_free(p->values);
}

static bool call_builtin(cc_rt *rt, contact *c, const char *name, const uint8_t *code, uint32_t pc)
{
    char fname[128];
    snprintf(fname, sizeof fname, "%s", name);
    invoke_params p = params_of(rt, c, code, pc);
    bool ok = cc_builtin_call(fname, p.keys, p.values, p.n, rt->now, set_external, c);
    params_free(&p);
    return ok;
}

/* ---- hours of operation ---- */

static bool hours_open(const hours *h, int64_t utc_ms)
{
    int64_t local = utc_ms + (int64_t)cc_tz_offset(&h->tz, utc_ms) * 1000;
    int64_t day = local >= 0 ? local / 86400000 : (local - 86399999) / 86400000;
    int wday = (int)(((day % 7) + 7 + 4) % 7); /* 1970-01-01 was a Thursday */
    int minute = (int)((local - day * 86400000) / 60000);
    for (int i = 0; i < h->week.count[wday]; i++)
        if (minute >= h->week.start[wday][i] && minute < h->week.end[wday][i])
            return true;
    return false;
}

int cc_week_add(cc_week *w, const char *days, const char *ranges, char *why, size_t n)
{
    static const char *const names[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};
    int from = -1, to = -1;
    char a[8] = "", b[8] = "";
    if (sscanf(days, "%3[a-z]-%3[a-z]", a, b) != 2)
        snprintf(a, sizeof a, "%.3s", days), snprintf(b, sizeof b, "%s", a);
    for (int d = 0; d < 7; d++) {
        if (!strcmp(a, names[d]))
            from = d;
        if (!strcmp(b, names[d]))
            to = d;
    }
    if (from < 0 || to < 0 || (strlen(days) != 3 && strlen(days) != 7)) {
        snprintf(why, n, "'%s' is neither 'timezone' nor a day or range of days such as mon, sat or mon-fri", days);
        return 1;
    }
    for (const char *p = ranges; *p;) {
        int h1, m1, h2, m2, used = 0;
        if (sscanf(p, " %d:%d-%d:%d%n", &h1, &m1, &h2, &m2, &used) != 4 || h1 < 0 || h1 > 24 || m1 < 0 || m1 > 59 ||
            h2 < 0 || h2 > 24 || m2 < 0 || m2 > 59 || h1 * 60 + m1 >= h2 * 60 + m2 || h2 * 60 + m2 > 1440) {
            snprintf(why, n, "hours are ranges such as \"09:00-17:00\" or \"09:00-12:00, 13:00-18:00\", not '%s'",
                     ranges);
            return 2;
        }
        for (int d = from;; d = (d + 1) % 7) {
            if (w->count[d] == CC_HOURS_RANGES) {
                snprintf(why, n, "at most 4 ranges a day");
                return 2;
            }
            w->start[d][w->count[d]] = (uint16_t)(h1 * 60 + m1);
            w->end[d][w->count[d]++] = (uint16_t)(h2 * 60 + m2);
            if (d == to)
                break;
        }
        p += used;
        while (*p == ' ' || *p == ',')
            p++;
    }
    return 0;
}

int cc_rt_hours_index(const cc_rt *rt, const char *name)
{
    for (size_t i = 0; name && i < rt->hours.len; i++)
        if (!strcmp(rt->hours.items[i].name, name))
            return (int)i;
    return -1;
}

int cc_rt_add_hours(cc_rt *rt, const char *name, const char *timezone, const cc_week *week, char *err,
                    size_t errlen)
{
    if (cc_rt_hours_index(rt, name) >= 0) {
        snprintf(err, errlen, "hours '%s' are defined twice", name);
        return -1;
    }
    hours h = {0};
    if (!cc_tz_load(&h.tz, timezone, err, errlen))
        return -1;
    h.name = cc_xstrdup(name);
    h.week = *week;
    cc_vec_push(&rt->hours, h);
    return (int)rt->hours.len - 1;
}

void cc_rt_set_queue_hours(cc_rt *rt, int q, int h) { rt->queues.items[q].hours = h; }

/* ---- functions, metrics, tasks made by flows ---- */

static const function *find_function(const cc_rt *rt, const char *name)
{
    for (size_t i = 0; name && i < rt->functions.len; i++)
        if (!strcmp(rt->functions.items[i].name, name))
            return &rt->functions.items[i];
    return NULL;
}

static void set_metrics(cc_rt *rt, contact *c, int q)
{
    char num[32];
    queue *qq = &rt->queues.items[q];
    var_set(c, "$.Metrics.Queue.Name", qq->name);
    snprintf(num, sizeof num, "%u", qq->size);
    var_set(c, "$.Metrics.Queue.Size", num);
    waiting *w = queue_head(rt, qq);
    snprintf(num, sizeof num, "%lld", w ? (long long)((rt->now - rt->contacts.items[w->contact].enqueued) / 1000) : 0LL);
    var_set(c, "$.Metrics.Queue.OldestContactAge", num);
    unsigned online = qq->online, available = qq->free[c->channel], staffed = qq->staffed;
    snprintf(num, sizeof num, "%u", online);
    var_set(c, "$.Metrics.Agents.Online.Count", num);
    snprintf(num, sizeof num, "%u", available);
    var_set(c, "$.Metrics.Agents.Available.Count", num);
    snprintf(num, sizeof num, "%u", staffed);
    var_set(c, "$.Metrics.Agents.Staffed.Count", num);
}

static bool start_contact(cc_rt *rt, const cc_task_request *req, int channel, const char *const *inputs,
                          size_t ninputs, char *err, size_t errlen, uint32_t *out);
static int find_template(const cc_rt *rt, const char *name);

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
static contact *find_contact(cc_rt *rt, const char *id)
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

/* The text of a JSON parameter's value (a mapping's values may be references, resolved now). */
static const char *json_value_text(cc_rt *rt, const contact *c, const cc_node *v, char *buf, size_t n)
{
    if (!v || v->type != CC_NODE_SCALAR || cc_node_is_null(v))
        return "";
    const char *t = !strncmp(v->text, "$.", 2) ? ref_text(rt, c, v->text, buf, n) : v->text;
    return t ? t : ""; /* an unset reference reads empty */
}

/* create_task: a new task in the named flow (or its template's), related to this contact, now
 * or after its delay; it gets a copy of this contact's attributes, then its own. */
static bool create_task_from_flow(cc_rt *rt, uint32_t ci, const uint8_t *code, uint32_t pc, char *err,
                                  size_t errlen)
{
    const cc_block_spec *spec = cc_block_lookup("create_task");
    char name[1100] = "", description[4200] = "", flow[512] = "", tpl[512] = "", buf[512];
    bool has_description = false, has_flow = false, has_tpl = false, ok = false;
    const cc_node *attrs = NULL, *refs = NULL;
    int64_t when = -1;
    uint32_t n = op_u32(code, pc, 0);
    contact *c = &rt->contacts.items[ci];
    snprintf(err, errlen, "its parameters cannot be read");
    cc_arena arena;
    cc_arena_init(&arena);
    cc_diags ds;
    cc_diags_init(&ds);
    for (uint32_t i = 0; i < n; i++) {
        const char *param = spec->params[op_u32(code, pc, 1 + 2 * i)].name;
        uint32_t v = op_u32(code, pc, 2 + 2 * i);
        const char *text = value_text(rt, c, v, buf, sizeof buf);
        if (!text)
            continue;
        if (!strcmp(param, "name"))
            snprintf(name, sizeof name, "%s", text);
        else if (!strcmp(param, "description"))
            has_description = true, snprintf(description, sizeof description, "%s", text);
        else if (!strcmp(param, "flow"))
            has_flow = true, snprintf(flow, sizeof flow, "%s", text);
        else if (!strcmp(param, "template"))
            has_tpl = true, snprintf(tpl, sizeof tpl, "%s", text);
        else if (!strcmp(param, "delay")) {
            int64_t ms;
            if (cc_parse_duration(text, &ms))
                when = rt->now + ms;
        } else if (!strcmp(param, "scheduled")) {
            long long sec = strtoll(text, NULL, 10); /* epoch seconds, as Connect takes them */
            if (sec <= 0 || sec > INT64_MAX / 1000 || sec * 1000 < rt->now) {
                snprintf(err, errlen, "scheduled '%s' is not a time ahead, in epoch seconds", text);
                goto out; /* not a time, or one that has passed: error */
            }
            when = sec * 1000;
        } else if ((!strcmp(param, "attributes") || !strcmp(param, "references")) &&
                   CCFB_VAL_TAG(v) == CCFB_VAL_JSON) {
            const cc_node *map = cc_yaml_read(&arena, &ds, 0, text, strlen(text));
            if (!map || map->type != CC_NODE_MAP) {
                snprintf(err, errlen, "%s is not a mapping", param);
                goto out;
            }
            *(param[0] == 'a' ? &attrs : &refs) = map;
        }
    }
    /* the request, its texts resolved now */
    size_t na = attrs ? attrs->count : 0, nr = refs ? refs->count : 0;
    const char **ak = cc_arena_alloc(&arena, (na + 1) * sizeof *ak), **av = cc_arena_alloc(&arena, (na + 1) * sizeof *av);
    const char **rn = cc_arena_alloc(&arena, (nr + 1) * sizeof *rn), **rtp = cc_arena_alloc(&arena, (nr + 1) * sizeof *rtp),
               **rv = cc_arena_alloc(&arena, (nr + 1) * sizeof *rv);
    for (size_t i = 0; i < na; i++) {
        ak[i] = attrs->pairs[i].key->text;
        av[i] = cc_arena_strdup(&arena, json_value_text(rt, c, attrs->pairs[i].value, buf, sizeof buf));
    }
    for (size_t i = 0; i < nr; i++) {
        const cc_node *r = refs->pairs[i].value, *type = cc_node_get(r, "type");
        rn[i] = refs->pairs[i].key->text;
        rtp[i] = type && type->type == CC_NODE_SCALAR ? type->text : "";
        rv[i] = cc_arena_strdup(&arena, json_value_text(rt, c, cc_node_get(r, "value"), buf, sizeof buf));
    }
    char idb[32];
    cc_task_request req = {.name = name,
                           .description = has_description ? description : NULL,
                           .flow = has_flow ? flow : NULL,
                           .template_name = has_tpl ? tpl : NULL,
                           .scheduled_ms = when,
                           .attr_keys = ak,
                           .attr_values = av,
                           .nattrs = na,
                           .ref_names = rn,
                           .ref_types = rtp,
                           .ref_values = rv,
                           .nrefs = nr,
                           .related = cid(c, idb)};
    uint32_t nci;
    if (!start_contact(rt, &req, 2, NULL, 0, err, errlen, &nci))
        goto out;
    contact *me = &rt->contacts.items[ci], *task = &rt->contacts.items[nci];
    var_set(me, "$.Task.ContactId", cid(task, idb));
    if (me->mode == MODE_DISCONNECT)
        WX(task)->by_disconnect = true;
    ok = true;
out:
    cc_diags_free(&ds);
    cc_arena_free(&arena);
    return ok;
}

/* ---- the fiber ---- */


static bool compare(const char *op_name, const char *a, const char *b)
{
    if (!a)
        return false;
    if (!strcmp(op_name, "equals"))
        return b && !strcmp(a, b);
    if (!strcmp(op_name, "contains"))
        return b && strstr(a, b);
    if (!strcmp(op_name, "starts_with"))
        return b && !strncmp(a, b, strlen(b));
    if (!strcmp(op_name, "ends_with"))
        return b && strlen(a) >= strlen(b) && !strcmp(a + strlen(a) - strlen(b), b);
    char *end;
    double x = strtod(a, &end);
    if (*end || !b)
        return false;
    double y = strtod(b, NULL);
    if (!strcmp(op_name, "greater_than"))
        return x > y;
    if (!strcmp(op_name, "less_than"))
        return x < y;
    if (!strcmp(op_name, "greater_or_equal"))
        return x >= y;
    return x <= y;
}

/* The cases of a branching instruction, from operand `first` on: n (operator, operand) pairs. The
 * outcome is 1 + the first case that value matches, else 1 + n (no match). */
static uint32_t match_cases(cc_rt *rt, const contact *c, const uint8_t *code, uint32_t pc, uint32_t first,
                            uint32_t n, const char *value)
{
    char buf[512];
    for (uint32_t i = 0; i < n; i++) {
        const char *operand = value_text(rt, c, op_u32(code, pc, first + 1 + 2 * i), buf, sizeof buf);
        if (compare(ccfb_operators[op_u32(code, pc, first + 2 * i)], value, operand))
            return 1 + i;
    }
    return 1 + n;
}

static int find_queue(const cc_rt *rt, const char *name)
{
    for (size_t i = 0; name && i < rt->queues.len; i++)
        if (!strcmp(rt->queues.items[i].name, name))
            return (int)i;
    return -1;
}

/* The queue a value operand names: through the per-string cache for literal names. */
static int queue_of(cc_rt *rt, const contact *c, uint32_t v, char *buf, size_t n)
{
    uint32_t tag = CCFB_VAL_TAG(v), i = CCFB_VAL_PAYLOAD(v);
    if (tag == CCFB_VAL_STR) {
        if (rt->str_queue[i] == -2)
            rt->str_queue[i] = find_queue(rt, rt->strs[i]);
        if (rt->str_queue[i] < 0) /* the name, for the caller's message */
            snprintf(buf, n, "%s", rt->strs[i]);
        return rt->str_queue[i];
    }
    buf[0] = '\0'; /* a reference to nothing leaves no name */
    const char *name = value_text(rt, c, v, buf, n);
    int q = find_queue(rt, name);
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
        finish(rt, ci, c->reason);
        return;
    }
    if (c->state == ST_QUEUED && !by_disconnect)
        return; /* queued by transfer_to_queue: the flow has done its work */
    disconnect(rt, ci, CC_END_CONTACT_FLOW_DISCONNECT);
}

/* A contact with routing criteria in queue q: routing there looks past the head from now on, and
 * the criteria hold for their time (then any agent of the queue may take it: routed again). */
static void start_criteria(cc_rt *rt, uint32_t ci, queue *q)
{
    contact *c = &rt->contacts.items[ci];
    q->criteria = true;
    c->x->criteria_until = c->x->criteria_for ? rt->now + c->x->criteria_for : INT64_MAX;
    if (c->x->criteria_for)
        schedule(rt, c->x->criteria_until, EV_REROUTE, ci, 0);
}

static void enqueue(cc_rt *rt, uint32_t ci, int qi)
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
        trace(rt, c, NULL, what);
        c = &rt->contacts.items[ci]; /* a callback may have added contacts or queues */
        q = &rt->queues.items[qi];
    }
    waiting w = {c->priority, rt->now - c->age_adjust, rt->seq++, ci, ++c->qgen};
    queue_push(q, w);
    if (RX(c)->criteria.len)
        start_criteria(rt, ci, q);
}

/* Sets an attribute on a contact and, when it is in a PreviousContactId chain, on every contact of
 * the chain (their attributes are shared). Through the API (UpdateContactAttributes) a value ""
 * removes the key. */
static void set_shared_attribute(cc_rt *rt, contact *c, const char *key, const char *value, bool api)
{
    const chain *ch = RX(c)->chain ? cc_map_get(&rt->chains, RX(c)->chain) : NULL;
    size_t n = ch ? ch->len : 1;
    for (size_t i = 0; i < n; i++) {
        contact *m = ch ? &rt->contacts.items[ch->items[i]] : c;
        attr_vec *v = &WX(m)->attrs;
        if (!api || *value || !kv_get(v, key)) {
            if (api && !*value)
                continue; /* removing what is not there */
            kv_set(v, key, value);
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

/* The value of parameter `name` of a generic block (its "kn*pv" operands), or NULL. */
static const char *block_param(cc_rt *rt, contact *c, const cc_block_spec *k, const uint8_t *code, uint32_t pc,
                               const char *name, char *buf, size_t n)
{
    uint32_t np = op_u32(code, pc, 1);
    for (uint32_t i = 0; i < np; i++) {
        uint32_t p = op_u32(code, pc, 2 + 2 * i);
        if (!strcmp(k->params[p].name, name))
            return value_text(rt, c, op_u32(code, pc, 3 + 2 * i), buf, n);
    }
    return NULL;
}

static bool block_flag(cc_rt *rt, contact *c, const cc_block_spec *k, const uint8_t *code, uint32_t pc,
                       const char *name, char *buf, size_t n)
{
    const char *v = block_param(rt, c, k, code, pc, name, buf, n);
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
        const char *what = block_param(rt, c, k, code, pc, "check", buf, n);
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
                const char *what = block_param((cc_rt *)rt, &none, k, code, blk.pc, "check", buf, sizeof buf);
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

/* set_routing_criteria: the contact waits for an agent with these proficiencies, for `expiry`
 * once queued (for good without), then for any agent of its queue. False when the criteria are
 * not a mapping of names to values. */
static bool set_criteria(cc_rt *rt, uint32_t ci, const uint8_t *code, uint32_t pc)
{
    contact *c = &rt->contacts.items[ci];
    const cc_block_spec *k = rt->criteria_kind;
    char buf[512];
    const char *json = block_param(rt, c, k, code, pc, "criteria", buf, sizeof buf);
    const char *expiry = block_param(rt, c, k, code, pc, "expiry", buf + 256, 256);
    int64_t for_ms = 0;
    if (expiry && !cc_parse_duration(expiry, &for_ms))
        return false;
    cc_arena arena;
    cc_arena_init(&arena);
    cc_diags ds;
    cc_diags_init(&ds);
    const cc_node *map = json ? cc_yaml_read(&arena, &ds, 0, json, strlen(json)) : NULL;
    bool ok = map && map->type == CC_NODE_MAP;
    if (ok) {
        contact_extra *x = WX(c);
        kv_free(&x->criteria);
        char vb[512];
        for (uint32_t i = 0; i < map->count; i++)
            kv_set(&x->criteria, map->pairs[i].key->text, json_value_text(rt, c, map->pairs[i].value, vb, sizeof vb));
        x->criteria_for = for_ms;
        x->criteria_until = -1;
        if (c->state == ST_QUEUED && c->in_queue >= 0) /* already waiting: they hold from now */
            start_criteria(rt, ci, &rt->queues.items[c->in_queue]);
    }
    cc_diags_free(&ds);
    cc_arena_free(&arena);
    return ok;
}

/* The flow of the bundle named `name` whose type is one of `types` (a CC_FT_BIT mask), or -1:
 * flows that a block names by a reference are looked up when it runs. */
static int flow_named(const cc_rt *rt, const char *name, unsigned types)
{
    for (uint32_t i = 0; name && i < rt->m->nflows; i++)
        if (!strcmp(rt->strs[rt->m->flows[i].name], name))
            return types & CC_FT_BIT(rt->m->flows[i].type) ? (int)i : -1;
    return -1;
}

/* The flow types an event hook may name, by hook code (codegen's hook_code). */
static unsigned hook_flow_types(uint32_t hook)
{
    static const unsigned types[HOOK_COUNT] = {
        CC_FT_BIT(CC_FT_CUSTOMER_QUEUE), CC_FT_BIT(CC_FT_INBOUND), CC_FT_BIT(CC_FT_AGENT_WHISPER),
        CC_FT_BIT(CC_FT_CUSTOMER_WHISPER), CC_FT_BIT(CC_FT_AGENT_HOLD), CC_FT_BIT(CC_FT_CUSTOMER_HOLD),
        CC_FT_BIT(CC_FT_INBOUND)};
    return hook < HOOK_COUNT ? types[hook] : 0;
}

static void run_fiber(cc_rt *rt, uint32_t ci)
{
    char b1[512], b2[512];
    for (;;) {
        contact *c = &rt->contacts.items[ci];
        const ccfb_flow *f = &rt->m->flows[c->flow];
        const uint8_t *code = f->code;
        uint32_t pc = c->pc;
        uint8_t op = code[pc];
        if (rt->on_trace && rt->block_at[c->flow][pc] >= 0) {
            trace(rt, c, rt->strs[ccfb_flow_block(f, (uint32_t)rt->block_at[c->flow][pc]).id], NULL);
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
            flow_ended(rt, ci, false);
            return;
        case CC_OP_DISCONNECT:
            flow_ended(rt, ci, true);
            return;
        case CC_OP_SET_QUEUE: {
            int q = queue_of(rt, c, op_u32(code, pc, 0), b1, sizeof b1);
            if (q >= 0)
                c->queue = q;
            else
                fault(rt, ci, pc, "no queue named '%s'", b1);
            c->outcome = q >= 0 ? 0 : 1;
            break;
        }
        case CC_OP_TRANSFER_QUEUE: {
            uint32_t v = op_u32(code, pc, 0);
            int q = CCFB_VAL_TAG(v) == CCFB_VAL_NONE ? c->queue : queue_of(rt, c, v, b1, sizeof b1);
            if (q < 0) {
                if (CCFB_VAL_TAG(v) == CCFB_VAL_NONE)
                    fault(rt, ci, pc, "no working queue: set one with set_working_queue first");
                else
                    fault(rt, ci, pc, "no queue named '%s'", b1);
                c->outcome = 2;
                break;
            }
            queue *qq = &rt->queues.items[q];
            if (qq->max_contacts && qq->size >= qq->max_contacts) {
                c->outcome = 1;
                break;
            }
            if (c->state == ST_QUEUED && c->in_queue >= 0)
                rt->queues.items[c->in_queue].size--;
            enqueue(rt, ci, q);
            if (route_contact(rt, ci))
                return;
            c = &rt->contacts.items[ci];
            if (RX(c)->hooks[HOOK_CUSTOMER_QUEUE] >= 0) {
                c->mode = MODE_QUEUE_FLOW;
                c->flow = (uint32_t)RX(c)->hooks[HOOK_CUSTOMER_QUEUE];
                c->pc = rt->m->flows[c->flow].start;
                break;
            }
            return;
        }
        case CC_OP_CHECK_STAFFING: {
            uint32_t status = op_u32(code, pc, 0), v = op_u32(code, pc, 1);
            int q = CCFB_VAL_TAG(v) == CCFB_VAL_NONE ? c->queue : queue_of(rt, c, v, b1, sizeof b1);
            if (q < 0) {
                c->outcome = 3;
                break;
            }
            /* available: a free slot for this channel; staffed: available or busy; online: not offline */
            queue *qq = &rt->queues.items[q];
            bool any = status == 0 ? qq->free[c->channel] > 0 : status == 1 ? qq->staffed > 0 : qq->online > 0;
            c->outcome = any ? 1 : 2;
            break;
        }
        case CC_OP_CHECK_QUEUE: {
            uint32_t metric = op_u32(code, pc, 0);
            const char *name = value_text(rt, c, op_u32(code, pc, 1), b1, sizeof b1);
            int q = name ? find_queue(rt, name) : c->queue;
            uint32_t n = op_u32(code, pc, 2);
            if (q < 0) {
                c->outcome = 2 + n;
                break;
            }
            int64_t value = 0;
            if (metric == 1)
                value = rt->queues.items[q].size;
            else {
                waiting *w = queue_head(rt, &rt->queues.items[q]);
                value = w ? (rt->now - rt->contacts.items[w->contact].enqueued) / 1000 : 0;
            }
            snprintf(b2, sizeof b2, "%lld", (long long)value);
            c->outcome = match_cases(rt, c, code, pc, 3, n, b2);
            break;
        }
        case CC_OP_CHECK_HOURS: {
            /* the hours named, else the working queue's; a queue without hours is always open */
            uint32_t v = op_u32(code, pc, 0);
            int h = -1;
            if (CCFB_VAL_TAG(v) != CCFB_VAL_NONE) {
                const char *name = value_text(rt, c, v, b1, sizeof b1);
                h = cc_rt_hours_index(rt, name);
                if (h < 0) {
                    fault(rt, ci, pc, "no hours of operation named '%s'", name ? name : "");
                    c->outcome = 3;
                    break;
                }
            } else if (c->queue < 0) {
                fault(rt, ci, pc, "no working queue, whose hours these would be");
                c->outcome = 3;
                break;
            } else
                h = rt->queues.items[c->queue].hours;
            c->outcome = h < 0 || hours_open(&rt->hours.items[h], rt->now) ? 1 : 2;
            break;
        }
        case CC_OP_COMPARE: {
            const char *v = value_text(rt, c, op_u32(code, pc, 0), b2, sizeof b2);
            c->outcome = match_cases(rt, c, code, pc, 2, op_u32(code, pc, 1), v);
            break;
        }
        case CC_OP_SET_ATTRIBUTES: {
            uint32_t target = op_u32(code, pc, 0), n = op_u32(code, pc, 1);
            contact *to = c;
            if (target == 1) {
                /* the related contact: the one this contact was linked to when it was made (by a
                 * create_task block); error when there is none or it has ended */
                to = find_contact(rt, RX(c)->related ? RX(c)->related : RX(c)->previous);
                if (!to || to->state == ST_ENDED) {
                    fault(rt, ci, pc, to ? "the related contact has ended" : "the contact has no related contact");
                    c->outcome = 1;
                    break;
                }
            }
            for (uint32_t i = 0; i < n; i++) {
                char *key = module_string(rt, op_u32(code, pc, 2 + 2 * i));
                const char *v = value_text(rt, c, op_u32(code, pc, 3 + 2 * i), b1, sizeof b1);
                if (target != 2)
                    set_shared_attribute(rt, to, key, v ? v : "", false);
                else {
                    snprintf(b2, sizeof b2, "$.FlowAttributes.%s", key);
                    var_set(c, b2, v ? v : "");
                }
                cc_free(key);
            }
            c->outcome = 0;
            break;
        }
        case CC_OP_SET_PRIORITY: {
            const char *v = value_text(rt, c, op_u32(code, pc, 0), b1, sizeof b1);
            uint64_t p = v ? strtoull(v, NULL, 10) : 0;
            if (p && c->state == ST_QUEUED) { /* a contact already queued: the change applies 60 s later */
                WX(c)->next_priority = p;
                schedule(rt, rt->now + 60000, EV_REROUTE, ci, 0);
            } else if (p)
                c->priority = p;
            c->outcome = 0;
            break;
        }
        case CC_OP_ADJUST_AGE:
            if (c->state == ST_QUEUED) {
                WX(c)->next_age_adjust += (int32_t)op_u32(code, pc, 0);
                schedule(rt, rt->now + 60000, EV_REROUTE, ci, 0);
            } else
                c->age_adjust += (int32_t)op_u32(code, pc, 0);
            c->outcome = 0;
            break;
        case CC_OP_DISTRIBUTE: {
            uint32_t n = op_u32(code, pc, 0);
            rt->rng = rt->rng * 6364136223846793005ull + 1442695040888963407ull;
            uint32_t roll = (uint32_t)((rt->rng >> 33) % 100), sum = 0;
            c->outcome = 1 + n;
            for (uint32_t i = 0; i < n; i++) {
                sum += op_u32(code, pc, 1 + i);
                if (roll < sum) {
                    c->outcome = 1 + i;
                    break;
                }
            }
            break;
        }
        case CC_OP_LOOP: {
            uint32_t block = op_u32(code, pc, 0), cv = op_u32(code, pc, 1);
            int64_t count = -1;
            if (CCFB_VAL_TAG(cv) == CCFB_VAL_NUM && rt->is_num[CCFB_VAL_PAYLOAD(cv)])
                count = rt->nums[CCFB_VAL_PAYLOAD(cv)];
            else {
                const char *v = value_text(rt, c, cv, b1, sizeof b1);
                char *end = NULL;
                count = v ? strtoll(v, &end, 10) : -1;
                if (!v || *end)
                    count = -1;
            }
            if (count < 0) {
                fault(rt, ci, pc, "the loop count is not a whole number from 0 to 100");
                c->outcome = 3; /* a count that is not a whole number (read from a reference) */
                break;
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
                c->outcome = 1;
            } else {
                lc->count = 0;
                c->outcome = 2;
            }
            if (lc == &inline_lc) {
                c->loop_block = inline_lc.block;
                c->loop_count = inline_lc.count;
            }
            break;
        }
        case CC_OP_SET_HOOK: {
            uint32_t hook = op_u32(code, pc, 0);
            if (hook < HOOK_COUNT)
                WX(c)->hooks[hook] = (int32_t)op_u32(code, pc, 1);
            c->outcome = 0;
            break;
        }
        case CC_OP_SET_HOOK_NAMED: {
            uint32_t hook = op_u32(code, pc, 0);
            const char *name = value_text(rt, c, op_u32(code, pc, 1), b1, sizeof b1);
            int fl = flow_named(rt, name, hook_flow_types(hook));
            if (fl < 0 || hook >= HOOK_COUNT) {
                fault(rt, ci, pc, "no flow named '%s' of the type this event needs", name ? name : "");
                c->outcome = 1;
                break;
            }
            WX(c)->hooks[hook] = fl;
            c->outcome = 0;
            break;
        }
        case CC_OP_TRANSFER_NAMED: {
            const char *name = value_text(rt, c, op_u32(code, pc, 0), b1, sizeof b1);
            int fl = flow_named(rt, name, CC_FT_BIT(CC_FT_INBOUND) | CC_FT_BIT(CC_FT_TRANSFER_TO_AGENT) |
                                              CC_FT_BIT(CC_FT_TRANSFER_TO_QUEUE));
            if (fl < 0) {
                fault(rt, ci, pc, "no inbound or transfer flow named '%s'", name ? name : "");
                c->outcome = 1;
                break;
            }
            c->flow = (uint32_t)fl;
            c->pc = rt->m->flows[c->flow].start;
            if (RX(c)->ret_flow >= 0)
                WX(c)->ret_flow = -1;
            break;
        }
        case CC_OP_CALL_NAMED: {
            const char *name = value_text(rt, c, op_u32(code, pc, 0), b1, sizeof b1);
            int mf = flow_named(rt, name, CC_FT_BIT(CC_FT_MODULE));
            if (mf < 0 || RX(c)->ret_flow >= 0) {
                fault(rt, ci, pc, mf < 0 ? "no flow module named '%s'" : "a module cannot invoke another",
                      name ? name : "");
                c->outcome = 1;
                break;
            }
            WX(c)->ret_flow = (int32_t)c->flow;
            c->x->ret_pc = c->pc;
            c->flow = (uint32_t)mf;
            c->pc = rt->m->flows[mf].start;
            break;
        }
        case CC_OP_TRANSFER_FLOW:
            c->flow = op_u32(code, pc, 0);
            c->pc = rt->m->flows[c->flow].start;
            if (RX(c)->ret_flow >= 0) /* a module that transfers away does not come back */
                WX(c)->ret_flow = -1;
            break;
        case CC_OP_CALL_MODULE: {
            uint32_t mf = op_u32(code, pc, 0);
            if (RX(c)->ret_flow >= 0 || rt->m->flows[mf].type != CC_FT_MODULE) {
                fault(rt, ci, pc, RX(c)->ret_flow >= 0 ? "a module cannot invoke another" : "that flow is not a module");
                c->outcome = 1; /* modules do not nest, and only modules are invoked */
                break;
            }
            WX(c)->ret_flow = (int32_t)c->flow;
            c->x->ret_pc = c->pc;
            c->flow = mf;
            c->pc = rt->m->flows[mf].start;
            break;
        }
        case CC_OP_RETURN:
            if (RX(c)->ret_flow < 0) {
                flow_ended(rt, ci, false);
                return;
            }
            c->flow = (uint32_t)c->x->ret_flow;
            c->pc = c->x->ret_pc;
            c->x->ret_flow = -1;
            c->outcome = 0;
            break;
        case CC_OP_WAIT:
            if (c->state != ST_QUEUED) /* a customer queue flow waits while its contact stays queued */
                c->state = ST_WAITING;
            c->outcome = 1; /* timeout, when the timer fires */
            schedule(rt, rt->now + op_u32(code, pc, 0), EV_RESUME, ci, c->gen);
            return;
        case CC_OP_WAIT_FOR: {
            /* Connect's TimeoutSeconds given by a reference: whole or fractional seconds */
            const char *text = value_text(rt, c, op_u32(code, pc, 0), b1, sizeof b1);
            char *end = NULL;
            double secs = text ? strtod(text, &end) : -1;
            if (!text || end == text || *end || !(secs >= 0 && secs <= 7 * 86400.0)) {
                fault(rt, ci, pc, "a wait of '%s' seconds is not a time of 0 to 7 days", text ? text : "");
                c->outcome = 2; /* error */
                break;
            }
            if (c->state != ST_QUEUED)
                c->state = ST_WAITING;
            c->outcome = 1;
            schedule(rt, rt->now + (int64_t)(secs * 1000.0 + 0.5), EV_RESUME, ci, c->gen);
            return;
        }
        case CC_OP_PROMPT:
            c->outcome = rt->prompt_kind->support[c->channel] == CC_SUP_NO_ERROR ? 1 : 0;
            break;
        case CC_OP_LOOP_PROMPTS:
            if (rt->loop_prompts_kind->support[c->channel] == CC_SUP_NO_ERROR) {
                c->outcome = 2;
                break;
            }
            if (op_u32(code, pc, 0)) {
                c->state = c->state == ST_QUEUED ? ST_QUEUED : ST_WAITING;
                c->outcome = 1;
                schedule(rt, rt->now + op_u32(code, pc, 0), EV_RESUME, ci, c->gen);
            }
            return; /* without an interrupt the prompts play until the contact leaves */
        case CC_OP_GET_INPUT: {
            uint32_t n = op_u32(code, pc, 2);
            if (rt->input_kind->support[c->channel] == CC_SUP_NO_ERROR) {
                c->outcome = 3 + n;
                break;
            }
            if (RX(c)->next_input < RX(c)->inputs.len) { /* the customer answers at once */
                const char *in = WX(c)->inputs.items[c->x->next_input++];
                c->outcome = 2 + n; /* no_match, unless an option is what was entered */
                for (uint32_t i = 0; i < n; i++) {
                    const char *opt = value_text(rt, c, op_u32(code, pc, 3 + i), b1, sizeof b1);
                    if (opt && !strcmp(opt, in)) {
                        c->outcome = 1 + i;
                        break;
                    }
                }
                break;
            }
            c->outcome = 1 + n; /* nothing entered: the timeout branch, after the timeout */
            schedule(rt, rt->now + op_u32(code, pc, 1), EV_RESUME, ci, c->gen);
            if (c->state != ST_QUEUED)
                c->state = ST_WAITING;
            return;
        }
        case CC_OP_STORE_INPUT:
            if (rt->store_kind->support[c->channel] == CC_SUP_NO_ERROR) {
                c->outcome = 1;
                break;
            }
            c->outcome = 0;
            if (RX(c)->next_input < RX(c)->inputs.len) {
                var_set(c, "$.StoredCustomerInput", c->x->inputs.items[c->x->next_input++]);
                break;
            }
            var_set(c, "$.StoredCustomerInput", "Timeout");
            schedule(rt, rt->now + op_u32(code, pc, 2), EV_RESUME, ci, c->gen);
            if (c->state != ST_QUEUED)
                c->state = ST_WAITING;
            return;
        case CC_OP_BLOCK: {
            const cc_block_spec *k = &cc_blocks[op_u32(code, pc, 0)];
            c->outcome = 0;
            if (k->support[c->channel] == CC_SUP_NO_ERROR) {
                int idx = cc_branch_index(k, "error");
                c->outcome = idx >= 0 ? (uint32_t)idx + 1 : CCFB_NO_TARGET;
                break;
            }
            c->outcome = outside_outcome(rt, c, k, code, pc, b1, sizeof b1);
            if (c->outcome == 0 && k == rt->criteria_kind && !set_criteria(rt, ci, code, pc)) {
                fault(rt, ci, pc, "the routing criteria are not a mapping of names to values, or the expiry not a duration");
                c->outcome = (uint32_t)cc_branch_index(k, "error") + 1;
            }
            c = &rt->contacts.items[ci];
            if (c->outcome == 0 && k == rt->phone_transfer_kind &&
                !block_flag(rt, c, k, code, pc, "resume", b1, sizeof b1)) {
                finish(rt, ci, CC_END_THIRD_PARTY_DISCONNECT); /* bridged out: the contact leaves ccflow */
                return;
            }
            break;
        }
        case CC_OP_GET_METRICS: {
            const char *name = value_text(rt, c, op_u32(code, pc, 0), b1, sizeof b1);
            int q = name ? find_queue(rt, name) : c->queue;
            if (q < 0) {
                c->outcome = 1;
                break;
            }
            set_metrics(rt, c, q);
            c->outcome = 0;
            break;
        }
        case CC_OP_CREATE_TASK: {
            bool made = create_task_from_flow(rt, ci, code, pc, b2, sizeof b2); /* may move the contacts */
            if (!made)
                fault(rt, ci, pc, "the task is not created: %s", b2);
            c = &rt->contacts.items[ci];
            c->outcome = made ? 0 : 1;
            break;
        }
        case CC_OP_INVOKE: {
            c->outcome = 1;
            const char *name = value_text(rt, c, op_u32(code, pc, 0), b1, sizeof b1);
            if (name && !strncmp(name, "ccflow:", 7)) { /* a built-in: computed at once, no host */
                c->outcome = call_builtin(rt, c, name, code, pc) ? 0 : 1;
                break;
            }
            const function *fn = find_function(rt, name);
            uint32_t timeout = op_u32(code, pc, 1);
            if (!fn || (!fn->host && fn->host_ud == (void *)rt)) {
                /* an unknown function, or a host's not bound again after a restore, fails */
                fault(rt, ci, pc, fn ? "host function '%s' is not bound (add it again after a restore)"
                                     : "no function named '%s'", name ? name : "");
                break;
            }
            if (fn->host) {
                /* the fiber waits for the host's answer, or for its timeout (error) */
                invoke_params p = params_of(rt, c, code, pc);
                c->outcome = 1;
                c->state = c->state == ST_QUEUED ? ST_QUEUED : ST_WAITING;
                schedule(rt, rt->now + timeout, EV_RESUME, ci, c->gen);
                host_call call = {++rt->next_call, ci, c->gen};
                cc_vec_push(&rt->calls, call);
                char *fname = cc_xstrdup(name);
                char idb[32];
                fn->host(fn->host_ud, call.id, cid(c, idb), fname, p.keys, p.values, p.n);
                cc_free(fname);
                params_free(&p);
                return;
            }
            if (fn->latency_ms > timeout) {
                c->state = c->state == ST_QUEUED ? ST_QUEUED : ST_WAITING;
                schedule(rt, rt->now + timeout, EV_RESUME, ci, c->gen);
                return;
            }
            for (size_t i = 0; i < fn->result.len; i++) {
                snprintf(b2, sizeof b2, "$.External.%s", fn->result.items[i].key);
                var_set(c, b2, fn->result.items[i].value);
            }
            c->outcome = 0;
            if (fn->latency_ms > 0) {
                c->state = c->state == ST_QUEUED ? ST_QUEUED : ST_WAITING;
                schedule(rt, rt->now + fn->latency_ms, EV_RESUME, ci, c->gen);
                return;
            }
            break;
        }
        case CC_OP_COUNT:
            break;
        }
    }
}

/* ---- the scheduler ---- */

/* The agent is done with the contact (after its after-contact work): the contact ends and the
 * agent's free slot takes the next waiting contact at once. */
static void release_agent(cc_rt *rt, uint32_t ci)
{
    contact *c = &rt->contacts.items[ci];
    int ai = c->agent;
    agent *a = &rt->agents.items[ai];
    agent_count(rt, ai, -1);
    a->active[c->channel]--;
    a->busy--;
    agent_count(rt, ai, +1);
    c->acw_end = rt->now;
    finish(rt, ci, CC_END_AGENT_DISCONNECT);
    route_agent(rt, ai);
}

/* An outbound call its agent places: the agent is on it from the start, and the outbound
 * whisper flow runs as the customer is called (call_phone_number places the call). */
static void place_call(cc_rt *rt, uint32_t ci)
{
    contact *c = &rt->contacts.items[ci];
    agent *a = &rt->agents.items[c->agent];
    c->connected = rt->now;
    c->state = ST_CONNECTED; /* the agent's slot was taken with the request */
    if (rt->on_trace) {
        char what[300];
        snprintf(what, sizeof what, "outbound call by agent %s", a->name);
        trace(rt, c, NULL, what);
        c = &rt->contacts.items[ci]; /* a callback may have started contacts */
        a = &rt->agents.items[c->agent];
    }
    schedule(rt, rt->now + a->handle_ms, EV_HANDLED, ci, c->gen);
    c->mode = MODE_WHISPER;
    run_fiber(rt, ci);
}

/* When a task expires: its expiry (7 days unless set) after it was created, a scheduled task's
 * wait included (SPEC §7). */
static int64_t expiry_due(const contact *c) { return c->created + (RX(c)->expiry_ms ? RX(c)->expiry_ms : 7 * DAY_MS); }

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
            place_call(rt, e->who);
            break;
        }
        if (RX(c)->self_assigned) { /* straight to its creator's agent queue, without a flow */
            enqueue(rt, e->who, c->queue);
            route_contact(rt, e->who);
            break;
        }
        run_fiber(rt, e->who);
        break;
    case EV_RESUME:
        for (size_t i = 0; i < rt->calls.len; i++) /* a host call that timed out is over */
            if (rt->calls.items[i].contact == e->who && rt->calls.items[i].gen == c->gen) {
                rt->calls.items[i] = rt->calls.items[--rt->calls.len];
                break;
            }
        if (c->state == ST_WAITING)
            c->state = ST_RUNNING;
        run_fiber(rt, e->who);
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
                trace(rt, c, NULL, "disconnected AGENT_DISCONNECT, after-contact work");
                c = &rt->contacts.items[e->who]; /* a callback may have started contacts */
            }
            schedule(rt, c->acw_end, EV_ACW_DONE, e->who, c->gen);
        } else
            release_agent(rt, e->who);
        break;
    }
    case EV_ACW_DONE:
        if (c->agent >= 0 && c->state == ST_ACW)
            release_agent(rt, e->who);
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
            queue_push(q, w);
            for (size_t i = 0; i < q->agents.len; i++) /* a free agent takes the head at once */
                route_agent(rt, q->agents.items[i]);
        }
        break;
    case EV_EXPIRE:
        if (c->state == ST_CONNECTED && RX(c)->offered) { /* offered, never accepted: it still waits */
            int ai = give_back_slot(rt, c);
            c->x->offered = false;
            c->agent = -1;
            c->state = ST_QUEUED; /* (counted out of its queue already: as queued for the end) */
            rt->queues.items[c->in_queue].size++;
            disconnect(rt, e->who, CC_END_EXPIRED);
            route_agent(rt, ai);
            break;
        }
        if (c->state == ST_CONNECTED || c->state == ST_ACW)
            break; /* an agent holds it */
        if (rt->now < expiry_due(c))
            break; /* rescheduled since: a later expiry stands */
        disconnect(rt, e->who, CC_END_EXPIRED);
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

bool cc_rt_idle(const cc_rt *rt)
{
    for (size_t i = 0; i < rt->nlanes; i++)
        if (rt->lanes[i].head < rt->lanes[i].fifo.len)
            return false;
    return rt->events.len == 0;
}

/* The one copy of a contact name the runtime keeps. */
static const char *intern_name(cc_rt *rt, const char *name)
{
    const char *have = cc_map_get(&rt->names, name);
    if (have)
        return have;
    char *copy = cc_xstrdup(name);
    cc_map_put(&rt->names, copy, copy);
    return copy;
}

/* ---- setup ---- */

cc_rt *cc_rt_new(const ccfb_module *m, int64_t start_ms, uint64_t seed)
{
    cc_rt *rt = cc_xcalloc(1, sizeof *rt);
    rt->m = m;
    rt->now = start_ms;
    rt->rng = seed * 2654435761u + 1;
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
    for (uint32_t i = 0; i < m->nstrings; i++) {
        rt->strs[i] = module_string(rt, i);
        char *end;
        rt->nums[i] = strtoll(rt->strs[i], &end, 10);
        rt->is_num[i] = rt->strs[i][0] && !*end;
        rt->str_queue[i] = -2;
    }
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
        free_contact_data(&rt->contacts.items[i]);
        cc_free(rt->contacts.items[i].id);
    }
    for (size_t i = 0; i < rt->functions.len; i++) {
        cc_free(rt->functions.items[i].name);
        kv_free(&rt->functions.items[i].result);
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
        kv_free(&rt->agents.items[i].skills);
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
    cc_free(rt->str_queue);
    cc_map_free(&rt->contact_ids);
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

int cc_rt_queue_index(const cc_rt *rt, const char *name) { return find_queue(rt, name); }

int cc_rt_agent_index(const cc_rt *rt, const char *name)
{
    for (size_t i = 0; i < rt->agents.len; i++)
        if (!strcmp(rt->agents.items[i].name, name))
            return (int)i;
    return -1;
}

int cc_rt_add_queue(cc_rt *rt, const char *name, uint32_t max_contacts)
{
    if (find_queue(rt, name) >= 0)
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
    agent_count(rt, ai, +1);
    return ai;
}

void cc_rt_set_agent_status(cc_rt *rt, int ai, bool available, bool online)
{
    agent_count(rt, ai, -1);
    rt->agents.items[ai].available = available;
    rt->agents.items[ai].online = available || online;
    agent_count(rt, ai, +1);
    if (available)
        route_agent(rt, ai);
}

void cc_rt_set_agent_available(cc_rt *rt, int ai, bool available)
{
    agent_count(rt, ai, -1);
    rt->agents.items[ai].available = available;
    rt->agents.items[ai].online = available;
    agent_count(rt, ai, +1);
    if (available)
        route_agent(rt, ai);
}

bool cc_rt_start_task(cc_rt *rt, const cc_task_request *req, char *id, size_t idlen, char *err, size_t errlen)
{
    uint32_t ci;
    if (!start_contact(rt, req, 2, NULL, 0, err, errlen, &ci))
        return false;
    char idb[32];
    if (id)
        snprintf(id, idlen, "%s", cid(&rt->contacts.items[ci], idb));
    return true;
}

void cc_rt_set_active_task_limit(cc_rt *rt, uint64_t limit) { rt->max_active_tasks = limit; }

bool cc_rt_add_quick_connect(cc_rt *rt, const char *name, const char *queue_name, const char *agent_name, const char *flow,
                             char *err, size_t errlen)
{
    for (size_t i = 0; i < rt->quick_connects.len; i++)
        if (!strcmp(rt->quick_connects.items[i].name, name)) {
            snprintf(err, errlen, "a quick connect named '%s' already exists", name);
            return false;
        }
    if (!queue_name == !agent_name) {
        snprintf(err, errlen, "quick connect '%s' leads to a queue or to an agent: give one", name);
        return false;
    }
    int q = queue_name ? cc_rt_queue_index(rt, queue_name) : -1, ai = agent_name ? cc_rt_agent_index(rt, agent_name) : -1;
    if (queue_name ? q < 0 : ai < 0) {
        snprintf(err, errlen, "quick connect '%s' names %s '%s', which does not exist", name, queue_name ? "queue" : "agent",
                 queue_name ? queue_name : agent_name);
        return false;
    }
    int f = -1;
    for (uint32_t i = 0; flow && i < rt->m->nflows; i++)
        if (string_is(rt, rt->m->flows[i].name, flow))
            f = (int)i;
    uint32_t want = queue_name ? CC_FT_TRANSFER_TO_QUEUE : CC_FT_TRANSFER_TO_AGENT;
    if (f < 0 || rt->m->flows[f].type != want) {
        snprintf(err, errlen, "quick connect '%s' runs a %s flow of the bundle; '%s' is %s", name,
                 queue_name ? "transfer_to_queue" : "transfer_to_agent", flow ? flow : "",
                 f < 0 ? "not in it" : "of another type");
        return false;
    }
    quick_connect qc = {cc_xstrdup(name), q, ai, (uint32_t)f};
    cc_vec_push(&rt->quick_connects, qc);
    return true;
}

bool cc_rt_add_template(cc_rt *rt, const cc_task_template *t, char *err, size_t errlen)
{
    if (!cc_template_check(t, err, errlen))
        return false;
    if (find_template(rt, t->name) >= 0) {
        snprintf(err, errlen, "InvalidParameterException: a task template named '%s' already exists", t->name);
        return false;
    }
    if (rt->templates.len >= 50) {
        snprintf(err, errlen, "ServiceQuotaExceededException: an instance has at most 50 task templates");
        return false;
    }
    cc_task_template copy = {cc_xstrdup(t->name), t->flow ? cc_xstrdup(t->flow) : NULL, t->expiry_ms, t->active,
                             t->self_assign, {0}};
    for (size_t i = 0; i < t->fields.len; i++) {
        const cc_template_field *f = &t->fields.items[i];
        cc_template_field g = {cc_xstrdup(f->name), cc_xstrdup(f->type),
                               f->default_value ? cc_xstrdup(f->default_value) : NULL, f->required, f->read_only};
        cc_vec_push(&copy.fields, g);
    }
    cc_vec_push(&rt->templates, copy);
    return true;
}

/* A contact the API names; NULL with ResourceNotFoundException in err. */
static contact *api_contact(cc_rt *rt, const char *id, char *err, size_t errlen)
{
    contact *c = find_contact(rt, id);
    if (!c)
        snprintf(err, errlen, "ResourceNotFoundException: no contact '%s'", id ? id : "");
    return c;
}

bool cc_rt_stop_contact(cc_rt *rt, const char *id, char *err, size_t errlen)
{
    contact *c = api_contact(rt, id, err, errlen);
    if (!c)
        return false;
    if (c->state == ST_ENDED) {
        snprintf(err, errlen, "ContactNotFoundException: contact '%s' has already ended", id);
        return false;
    }
    uint32_t ci = (uint32_t)(c - rt->contacts.items);
    drop_calls(rt, ci);
    if ((c->state == ST_CONNECTED || c->state == ST_ACW) && c->agent >= 0) {
        /* handling and after-contact work end now; a contact in after-contact work was
         * disconnected by its agent already, and stays so */
        cc_end_reason reason = c->state == ST_ACW ? CC_END_AGENT_DISCONNECT : CC_END_API;
        int ai = give_back_slot(rt, c);
        c->acw_end = rt->now;
        if (RX(c)->offered) { /* never accepted: no agent had it */
            c->x->offered = false;
            c->agent = -1;
            c->acw_end = -1;
        }
        finish(rt, ci, reason);
        route_agent(rt, ai);
        return true;
    }
    finish(rt, ci, CC_END_API);
    return true;
}

bool cc_rt_update_attributes(cc_rt *rt, const char *id, const char *const *keys, const char *const *values,
                             size_t n, char *err, size_t errlen)
{
    contact *c = api_contact(rt, id, err, errlen);
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
        set_shared_attribute(rt, c, keys[i], values[i], true);
    return true;
}

bool cc_rt_update_schedule(cc_rt *rt, const char *id, int64_t when_ms, char *err, size_t errlen)
{
    contact *c = api_contact(rt, id, err, errlen);
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
    schedule(rt, when_ms, EV_START, (uint32_t)(c - rt->contacts.items), c->gen);
    return true;
}

#define CC_TRANSFERS_MAX 11

static int agent_queue(cc_rt *rt, int ai);

bool cc_rt_transfer(cc_rt *rt, const char *id, const char *flow_name, const char *queue_name, const char *agent_name,
                    char *err, size_t errlen)
{
    contact *c = api_contact(rt, id, err, errlen);
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
    int flow = -1;
    for (uint32_t i = 0; flow_name && i < rt->m->nflows; i++)
        if (string_is(rt, rt->m->flows[i].name, flow_name))
            flow = (int)i;
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
    drop_calls(rt, ci);
    if (ai >= 0)
        q = agent_queue(rt, ai);
    c = &rt->contacts.items[ci];
    /* out of where it is: a queue, an agent (freed at once), a wait */
    if (c->state == ST_QUEUED && c->in_queue >= 0)
        rt->queues.items[c->in_queue].size--;
    if (c->state == ST_CONNECTED && c->agent >= 0) {
        int held = give_back_slot(rt, c);
        c->agent = -1;
        c->connected = c->acw_end = -1;
        if (c->x)
            c->x->offered = false;
        route_agent(rt, held);
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
        schedule(rt, rt->now, EV_EXPIRE, ci, 0);
    if (rt->on_trace) {
        char what[300];
        snprintf(what, sizeof what, "transferred to %s", flow_name);
        trace(rt, c, NULL, what);
    }
    run_fiber(rt, ci);
    return true;
}

void cc_rt_set_agent_manual_accept(cc_rt *rt, int ai, bool manual) { rt->agents.items[ai].manual_accept = manual; }

void cc_rt_set_agent_proficiency(cc_rt *rt, int ai, const char *name, const char *value)
{
    kv_set(&rt->agents.items[ai].skills, name, value);
    route_agent(rt, ai); /* contacts that waited for what the agent now has */
}

bool cc_rt_accept_contact(cc_rt *rt, const char *id, char *err, size_t errlen)
{
    contact *c = api_contact(rt, id, err, errlen);
    if (!c)
        return false;
    if (!RX(c)->offered || c->state != ST_CONNECTED) {
        snprintf(err, errlen, "InvalidRequestException: contact '%s' is not offered to an agent", id);
        return false;
    }
    join_agent(rt, (uint32_t)(c - rt->contacts.items));
    return true;
}

bool cc_rt_complete_contact(cc_rt *rt, const char *id, char *err, size_t errlen)
{
    contact *c = api_contact(rt, id, err, errlen);
    if (!c)
        return false;
    if (c->state != ST_CONNECTED || c->agent < 0 || RX(c)->offered) {
        snprintf(err, errlen, "InvalidRequestException: no agent is working on contact '%s'", id);
        return false;
    }
    c->gen++; /* the planned end of handling no longer applies */
    schedule(rt, rt->now, EV_HANDLED, (uint32_t)(c - rt->contacts.items), c->gen);
    return true;
}

bool cc_rt_describe(cc_rt *rt, const char *id, cc_record_fn fn, void *ud)
{
    const contact *c = find_contact(rt, id);
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
    return start_contact(rt, req, channel, inputs, ninputs, err, errlen, &ci);
}

int cc_rt_add_host_function(cc_rt *rt, const char *name, cc_host_fn fn, void *ud)
{
    for (size_t i = 0; i < rt->functions.len; i++) {
        function *f = &rt->functions.items[i];
        if (strcmp(f->name, name) != 0)
            continue;
        if (f->host_ud != (void *)rt || f->host)
            return -1;
        f->host = fn; /* a restored host function gets its callback back */
        f->host_ud = ud;
        return (int)i;
    }
    function f = {.name = cc_xstrdup(name), .host = fn, .host_ud = ud};
    cc_vec_push(&rt->functions, f);
    return (int)rt->functions.len - 1;
}

bool cc_rt_answer(cc_rt *rt, uint64_t call, bool ok, const char *const *keys, const char *const *values, size_t n)
{
    for (size_t i = 0; i < rt->calls.len; i++) {
        if (rt->calls.items[i].id != call)
            continue;
        host_call hc = rt->calls.items[i];
        rt->calls.items[i] = rt->calls.items[--rt->calls.len];
        contact *c = &rt->contacts.items[hc.contact];
        if (c->gen != hc.gen || c->state == ST_ENDED)
            return false; /* the timeout came first, or the contact moved on */
        char key[512];
        for (size_t k = 0; ok && k < n; k++) {
            snprintf(key, sizeof key, "$.External.%s", keys[k]);
            var_set(c, key, values[k]);
        }
        c->outcome = ok ? 0 : 1;
        c->gen++; /* the timeout no longer applies */
        if (c->state == ST_WAITING)
            c->state = ST_RUNNING;
        run_fiber(rt, hc.contact);
        return true;
    }
    return false;
}

int cc_rt_add_function(cc_rt *rt, const char *name, const char *const *keys, const char *const *values, size_t n,
                       int64_t latency_ms)
{
    if (find_function(rt, name))
        return -1;
    function f = {.name = cc_xstrdup(name), .latency_ms = latency_ms};
    for (size_t i = 0; i < n; i++)
        kv_set(&f.result, keys[i], values[i]);
    cc_vec_push(&rt->functions, f);
    return (int)rt->functions.len - 1;
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

static int find_template(const cc_rt *rt, const char *name)
{
    for (size_t i = 0; i < rt->templates.len; i++)
        if (!strcmp(rt->templates.items[i].name, name))
            return (int)i;
    return -1;
}

static contact *find_contact(cc_rt *rt, const char *id);

/* The agent queue of an agent (created the first time a task is assigned to the agent): only that
 * agent serves it. */
static int agent_queue(cc_rt *rt, int ai)
{
    char name[300];
    snprintf(name, sizeof name, "agent:%s", rt->agents.items[ai].name);
    int q = cc_rt_queue_index(rt, name);
    if (q < 0) {
        q = cc_rt_add_queue(rt, name, 0);
        agent_count(rt, ai, -1); /* count the agent again, with its new queue */
        cc_vec_push(&rt->agents.items[ai].queues, q);
        cc_vec_push(&rt->queues.items[q].agents, ai);
        agent_count(rt, ai, +1);
    }
    return q;
}

/* Starts a contact after every rule of its request holds; a refused request changes nothing but
 * the count of refusals. */
static bool start_contact(cc_rt *rt, const cc_task_request *req, int channel, const char *const *inputs,
                          size_t ninputs, char *err, size_t errlen, uint32_t *out)
{
    bool task = channel == 2;
    /* ClientToken: the same token within 7 days gives back the contact it started */
    if (task && req->client_token) {
        if (!*req->client_token || strlen(req->client_token) > 500)
            return refuse(rt, err, errlen, "InvalidParameterException: ClientToken is 1 to 500 characters");
        token_use *u = cc_map_get(&rt->tokens, req->client_token);
        if (u && rt->now - u->at < 7 * DAY_MS) {
            contact *c = find_contact(rt, u->id);
            *out = (uint32_t)(c - rt->contacts.items);
            return true;
        }
    }
    if (task && rt->max_active_tasks && rt->active_tasks >= rt->max_active_tasks)
        return refuse(rt, err, errlen,
                      "ServiceQuotaExceededException: %llu tasks are active, the most this instance allows",
                      (unsigned long long)rt->active_tasks);
    /* which flow: exactly one of flow, quick connect and template (whose flow counts) */
    int tpl = -1;
    if ((req->flow != NULL) + (req->quick_connect != NULL) + (req->template_name != NULL) > 1)
        return refuse(rt, err, errlen,
                      "InvalidRequestException: give exactly one of ContactFlowId, QuickConnectId and TaskTemplateId");
    if (task && req->template_name) {
        tpl = find_template(rt, req->template_name);
        if (tpl < 0)
            return refuse(rt, err, errlen, "ResourceNotFoundException: no task template named '%s'", req->template_name);
        if (!rt->templates.items[tpl].active)
            return refuse(rt, err, errlen,
                          "InvalidRequestException: task template '%s' is inactive; tasks start only from active "
                          "templates",
                          req->template_name);
    }
    const quick_connect *qc = NULL;
    for (size_t i = 0; req->quick_connect && i < rt->quick_connects.len; i++)
        if (!strcmp(rt->quick_connects.items[i].name, req->quick_connect))
            qc = &rt->quick_connects.items[i];
    if (req->quick_connect && (!task || !qc))
        return refuse(rt, err, errlen, "ResourceNotFoundException: no quick connect named '%s'", req->quick_connect);
    char qc_flow[300];
    if (qc) {
        const ccfb_string *fs = &rt->m->strings[rt->m->flows[qc->flow].name];
        snprintf(qc_flow, sizeof qc_flow, "%.*s", (int)fs->len, (const char *)fs->text);
    }
    const char *flow_name = qc ? qc_flow : req->flow ? req->flow : tpl >= 0 ? rt->templates.items[tpl].flow : NULL;
    if (!flow_name)
        return refuse(rt, err, errlen,
                      tpl >= 0 ? "InvalidRequestException: task template '%s' has no flow; name one with ContactFlowId"
                               : "InvalidRequestException: name the flow the task runs (ContactFlowId)%s",
                      tpl >= 0 ? req->template_name : "");
    int flow = -1;
    for (uint32_t i = 0; i < rt->m->nflows; i++)
        if (string_is(rt, rt->m->flows[i].name, flow_name))
            flow = (int)i;
    if (flow < 0)
        return refuse(rt, err, errlen, "ResourceNotFoundException: no flow named '%s'", flow_name);
    int outbound = -1; /* the agent placing an outbound call */
    if (req->outbound_agent) {
        outbound = cc_rt_agent_index(rt, req->outbound_agent);
        const agent *a = outbound >= 0 ? &rt->agents.items[outbound] : NULL;
        if (!a)
            return refuse(rt, err, errlen, "ResourceNotFoundException: no agent named '%s'", req->outbound_agent);
        if (channel != 0 || rt->m->flows[flow].type != CC_FT_OUTBOUND_WHISPER)
            return refuse(rt, err, errlen,
                          "InvalidRequestException: an outbound call is a VOICE contact in an outbound_whisper flow; "
                          "'%s' is not one",
                          flow_name);
        if (!a->available || a->active[0] >= a->concurrency[0])
            return refuse(rt, err, errlen, "InvalidRequestException: agent '%s' cannot place a call now (%s)", a->name,
                          a->available ? "no free voice slot" : "not available");
    } else if ((!qc && rt->m->flows[flow].type != CC_FT_INBOUND) || !(rt->m->flows[flow].channels & (1u << channel)))
        return refuse(rt, err, errlen, "InvalidRequestException: flow '%s' does not take %s contacts", flow_name,
                      cc_channel_upper(channel));
    /* the request's own rules, and its template's */
    cc_task_shape shape;
    if (!cc_task_shape_of(task, req->name, req->description, req->attr_keys, req->attr_values, req->nattrs,
                          req->ref_names, req->ref_types, req->ref_values, req->nrefs,
                          tpl >= 0 ? &rt->templates.items[tpl] : NULL, &shape, err, errlen)) {
        rt->totals.rejected++;
        return false;
    }
    bool ok = false;
    if (req->scheduled_ms >= 0 && (req->scheduled_ms < rt->now || req->scheduled_ms > rt->now + 6 * DAY_MS)) {
        refuse(rt, err, errlen, "InvalidRequestException: ScheduledTime must be between now and 6 days ahead");
        goto done;
    }
    /* links */
    contact *linked = NULL;
    if (req->previous && req->related) {
        refuse(rt, err, errlen, "InvalidRequestException: give PreviousContactId or RelatedContactId, not both");
        goto done;
    }
    if (req->previous || req->related) {
        const char *lid = req->previous ? req->previous : req->related;
        if (!(linked = find_contact(rt, lid))) {
            refuse(rt, err, errlen, "ResourceNotFoundException: no contact '%s' (%s)", lid,
                   req->previous ? "PreviousContactId" : "RelatedContactId");
            goto done;
        }
        const chain *ch = req->previous && RX(linked)->chain ? cc_map_get(&rt->chains, RX(linked)->chain) : NULL;
        if (ch && ch->len - 1 >= CC_TASK_LINKS_MAX) { /* the chain's first contact and 12 linked tasks */
            refuse(rt, err, errlen,
                   "ServiceQuotaExceededException: the chain of '%s' already links %d tasks, the most a chain may",
                   req->previous, CC_TASK_LINKS_MAX);
            goto done;
        }
    }
    if (linked && RX(linked)->attrs.len) { /* the copy and the request's own, together */
        size_t kept = bytes_kept(&RX(linked)->attrs, req->attr_keys, req->nattrs);
        if (!cc_task_attributes_ok(req->attr_keys, req->attr_values, req->nattrs, kept, err, errlen)) {
            rt->totals.rejected++;
            goto done;
        }
    }
    /* who creates it, and whether it goes straight to them */
    int creator = -1;
    if (req->created_by && (creator = cc_rt_agent_index(rt, req->created_by)) < 0) {
        refuse(rt, err, errlen, "ResourceNotFoundException: no agent named '%s' (connect:CreatedByUser)", req->created_by);
        goto done;
    }
    if (req->self_assign && creator < 0) {
        refuse(rt, err, errlen,
               "InvalidRequestException: a self-assigned task needs the agent who creates it (connect:CreatedByUser)");
        goto done;
    }
    if (req->self_assign && tpl >= 0 && !rt->templates.items[tpl].self_assign) {
        refuse(rt, err, errlen, "InvalidRequestException: task template '%s' does not allow self-assignment",
               req->template_name);
        goto done;
    }
    if (req->expiry_ms && (req->expiry_ms < CC_TEMPLATE_EXPIRY_MIN || req->expiry_ms > CC_CONTACT_EXPIRY_MAX)) {
        refuse(rt, err, errlen, "InvalidRequestException: connect:ContactExpiry is 1 minute to 30 days");
        goto done;
    }
    const char *id = req->id;
    /* made ids (task-NNNNNNN, contact-NNNNNNN) are unique by their number; a given id must not
     * take that form, nor repeat another given id */
    if (id && made_number(id)) {
        refuse(rt, err, errlen, "InvalidRequestException: ids such as '%s' are the ones ccflow makes; choose another", id);
        goto done;
    }
    if (id && cc_map_get(&rt->contact_ids, id)) {
        refuse(rt, err, errlen, "InvalidRequestException: contact id '%s' is already in use", id);
        goto done;
    }

    /* every rule holds: the contact */
    contact c = {0};
    uint32_t ci = (uint32_t)rt->contacts.len;
    if (id)
        c.id = cc_xstrdup(id);
    else {
        c.num = ++rt->next_id;
        cc_vec_push(&rt->made, ci);
    }
    c.name = intern_name(rt, shape.name ? shape.name : "");
    if (shape.description)
        WX(&c)->description = cc_xstrdup(shape.description);
    c.flow = c.first_flow = (uint32_t)flow;
    c.pc = rt->m->flows[flow].start;
    c.channel = (uint8_t)channel;
    for (size_t i = 0; i < ninputs; i++)
        cc_vec_push(&WX(&c)->inputs, cc_xstrdup(inputs[i]));
    c.queue = c.in_queue = -1;
    c.agent = outbound;
    c.loop_block = UINT32_MAX;
    c.priority = 5;
    c.created = rt->now;
    c.scheduled = req->scheduled_ms;
    c.started = c.enqueued = c.dequeued = c.connected = c.acw_end = c.ended = -1;
    if (linked) /* a linked task starts with a copy of the linked contact's attributes */
        for (size_t i = 0; i < RX(linked)->attrs.len; i++)
            attr_set(&c, RX(linked)->attrs.items[i].key, RX(linked)->attrs.items[i].value);
    for (size_t i = 0; i < req->nattrs; i++)
        attr_set(&c, req->attr_keys[i], req->attr_values[i]);
    for (size_t i = 0; i < shape.refs.len; i++) {
        stored_ref r = {cc_xstrdup(shape.refs.items[i].name), cc_xstrdup(shape.refs.items[i].type),
                        cc_xstrdup(shape.refs.items[i].value)};
        cc_vec_push(&WX(&c)->refs, r);
    }
    for (size_t i = 0; i < req->noutcomes; i++)
        kv_set(&WX(&c)->outcomes, req->outcome_blocks[i], req->outcome_branches[i]);
    char idb[32];
    if (req->previous) {
        WX(&c)->previous = cc_xstrdup(cid(linked, idb));
        /* the chain: the linked contact's, or one that starts at it */
        const char *root = RX(linked)->chain ? RX(linked)->chain : cid(linked, idb);
        c.x->chain = cc_xstrdup(root);
        chain *ch = cc_map_get(&rt->chains, root);
        if (!ch) {
            ch = cc_xcalloc(1, sizeof *ch);
            cc_map_put(&rt->chains, cc_xstrdup(root), ch);
            cc_vec_push(ch, (uint32_t)(linked - rt->contacts.items));
            if (!RX(linked)->chain)
                WX(linked)->chain = cc_xstrdup(root);
        }
        cc_vec_push(ch, ci);
    } else if (req->related)
        WX(&c)->related = cc_xstrdup(cid(linked, idb));
    if (creator >= 0)
        WX(&c)->created_by = creator;
    if (tpl >= 0)
        WX(&c)->template_ = tpl;
    int64_t expiry = req->expiry_ms ? req->expiry_ms : tpl >= 0 && rt->templates.items[tpl].expiry_ms
                                                          ? rt->templates.items[tpl].expiry_ms
                                                          : 0;
    if (expiry)
        WX(&c)->expiry_ms = expiry;
    c.state = ST_SCHEDULED;
    rt->active_tasks += task;
    *out = ci;
    cc_vec_push(&rt->contacts, c);
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
    if (qc) /* the quick connect's queue, or its agent's own, is the working queue of its flow */
        rt->contacts.items[ci].queue = qc->queue >= 0 ? qc->queue : agent_queue(rt, qc->agent);
    if (outbound >= 0) { /* the agent's voice slot is the call's from now: no second call takes it */
        agent *a = &rt->agents.items[outbound];
        agent_count(rt, outbound, -1);
        a->active[0]++;
        a->busy++;
        agent_count(rt, outbound, +1);
    }
    if (req->self_assign) {
        rt->contacts.items[ci].queue = agent_queue(rt, creator);
        rt->contacts.items[ci].x->self_assigned = true;
    }
    schedule(rt, req->scheduled_ms >= 0 ? req->scheduled_ms : rt->now, EV_START, ci, 0);
    if (task) /* tasks expire; calls and chats end with their customer */
        schedule(rt, expiry_due(&rt->contacts.items[ci]), EV_EXPIRE, ci, 0);
    ok = true;
done:
    cc_task_shape_free(&shape);
    return ok;
}

size_t cc_rt_queue_count(const cc_rt *rt) { return rt->queues.len; }

const char *cc_rt_queue_name(const cc_rt *rt, size_t q) { return rt->queues.items[q].name; }

void cc_rt_totals_get(const cc_rt *rt, cc_rt_totals *out) { *out = rt->totals; }

size_t cc_rt_contact_count(const cc_rt *rt) { return rt->contacts.len; }

/* The metrics of queue qi for each channel (out[0..3]) and for all of them (out[CC_CH_COUNT]), in
 * one pass over the contacts. */
void cc_rt_metrics_all(const cc_rt *rt, size_t qi, const int64_t *thresholds, size_t n, cc_metrics *out)
{
    enum { ALL = CC_CH_COUNT };
    typedef struct {
        uint64_t within[CC_METRIC_THRESHOLDS], interactions;
        int64_t handle_total, answer_total, interaction_total;
    } sums;
    sums sum[CC_CH_COUNT + 1];
    memset(sum, 0, sizeof sum);
    memset(out, 0, (CC_CH_COUNT + 1) * sizeof *out);
    size_t nlevels = n < CC_METRIC_THRESHOLDS ? n : CC_METRIC_THRESHOLDS;
    /* per agent: bit ch on a contact of channel ch, bit 4 + ch in its after-contact work */
    uint8_t *doing = cc_xcalloc(rt->agents.len + 1, 1);
    for (size_t i = 0; i < rt->contacts.len; i++) {
        const contact *c = &rt->contacts.items[i];
        if (c->agent >= 0 && c->state == ST_CONNECTED)
            doing[c->agent] |= (uint8_t)(1u << c->channel);
        else if (c->agent >= 0 && c->state == ST_ACW)
            doing[c->agent] |= (uint8_t)(16u << c->channel);
        int32_t q = c->in_queue >= 0 ? c->in_queue : c->queue;
        const int sel[2] = {c->channel, ALL};
        for (int k = 0; k < 2; k++) {
            cc_metrics *m = &out[sel[k]];
            sums *t = &sum[sel[k]];
            if (c->state == ST_SCHEDULED && c->queue == (int32_t)qi)
                m->scheduled++;
            if (c->enqueued < 0 || q != (int32_t)qi)
                continue;
            m->created++;
            if (c->state == ST_QUEUED) {
                m->in_queue++;
                if (rt->now - c->enqueued > m->oldest_age_ms)
                    m->oldest_age_ms = rt->now - c->enqueued;
                continue;
            }
            /* it left the queue: to an agent, or ended while waiting */
            m->dequeued++;
            if (c->connected >= 0) {
                int64_t wait = c->connected - c->enqueued;
                m->answered++;
                t->answer_total += wait;
                if (wait > m->max_wait_ms)
                    m->max_wait_ms = wait;
                for (size_t l = 0; l < nlevels; l++)
                    t->within[l] += wait <= thresholds[l];
            }
            if (c->state != ST_ENDED)
                continue;
            if (c->reason == CC_END_AGENT_DISCONNECT) {
                m->handled++;
                t->handle_total += c->acw_end - c->connected;
                if (c->channel != 2) { /* interaction time does not apply to tasks */
                    int64_t talk = c->ended - c->connected; /* to the disconnect: not its after-contact work */
                    t->interaction_total += talk > 0 ? talk : 0;
                    t->interactions++;
                }
            } else if (c->reason == CC_END_EXPIRED && c->connected < 0)
                m->expired++;
            else if (c->connected < 0)
                m->abandoned++;
        }
    }
    const queue *q = &rt->queues.items[qi];
    for (int ch = 0; ch <= ALL; ch++) {
        cc_metrics *m = &out[ch];
        const sums *t = &sum[ch];
        m->nlevels = nlevels;
        m->avg_handle_ms = m->handled ? t->handle_total / (int64_t)m->handled : 0;
        m->avg_answer_ms = m->answered ? t->answer_total / (int64_t)m->answered : 0;
        m->avg_interaction_ms = t->interactions ? t->interaction_total / (int64_t)t->interactions : 0;
        for (size_t l = 0; l < nlevels; l++)
            m->service_level[l] = m->dequeued ? 100.0 * (double)t->within[l] / (double)m->dequeued : 0.0;
        /* the agents who serve the queue, now */
        unsigned mask = ch == ALL ? 0xFu : 1u << ch;
        for (size_t k = 0; k < q->agents.len; k++) {
            const agent *a = &rt->agents.items[q->agents.items[k]];
            uint8_t d = doing[q->agents.items[k]];
            bool on_contact = d & mask, acw = !on_contact && ((d >> 4) & mask);
            bool free_slot = false;
            for (int c = 0; c < CC_CH_COUNT; c++)
                if ((mask >> c & 1) && a->active[c] < a->concurrency[c])
                    free_slot = true;
            m->agents_online += a->online || a->busy > 0;
            m->agents_available += a->available && free_slot;
            m->agents_staffed += a->available || a->busy > 0;
            m->agents_on_contact += on_contact;
            m->agents_acw += acw;
        }
    }
    cc_free(doing);
}

void cc_rt_metrics(const cc_rt *rt, size_t qi, int channel, const int64_t *thresholds, size_t n, cc_metrics *out)
{
    cc_metrics all[CC_CH_COUNT + 1];
    cc_rt_metrics_all(rt, qi, thresholds, n, all);
    *out = all[channel >= 0 && channel < CC_CH_COUNT ? channel : CC_CH_COUNT];
}

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
        agent_count(rt, (int)ai, +1);
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
        contact_extra x = no_extra;
        c.id = rstr(&r);
        c.num = (uint32_t)rmax(&r, UINT32_MAX);
        char *name = rstr(&r);
        c.name = name ? intern_name(rt, name) : NULL;
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
