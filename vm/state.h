/* state.h — the runtime's state, private to vm/: contacts, queues, agents, events and struct
 * cc_rt, the small helpers the subsystems share (static inline where the interpreter's hot path
 * uses them), and what each subsystem file offers the others. Not included outside vm/. */
#ifndef CCFLOW_VM_STATE_H
#define CCFLOW_VM_STATE_H

#include "runtime.h"

#include "catalog.h"
#include "doc.h"
#include "diag.h"
#include "tz.h"

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
    int32_t hooks[CC_HOOK_COUNT];
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
static inline const char *cid(const contact *c, char buf[32])
{
    if (c->id)
        return c->id;
    snprintf(buf, 32, "%s-%07u", c->channel == 2 ? "task" : "contact", c->num);
    return buf;
}

/* What a contact without extra data reads (contact.c). */
extern const contact_extra vm_no_extra;

#define RX(c) ((const contact_extra *)((c)->x ? (c)->x : &vm_no_extra))

static inline contact_extra *WX(contact *c)
{
    if (!c->x) {
        c->x = cc_xmalloc(sizeof *c->x);
        *c->x = vm_no_extra;
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
    cc_op_outcomes outcomes;          /* per opcode: the number of each named outcome */
    /* the string pool decoded once: NUL-terminated texts, their values as whole numbers (when
     * they are), and the queue each names (-2: not looked up yet, -1: none) */
    char **strs;
    int64_t *nums;
    bool *is_num;
    unsigned transfer_types, module_types; /* the flow types TRANSFER_NAMED and CALL_NAMED may name */
    uint8_t *ref_id; /* per string: the catalogue's cc_ref_id of a $. reference, else CC_REF_COUNT */
    int32_t *str_queue;
    /* the JSON texts of mapping and list parameters (CCFB_VAL_JSON operands), decoded once when
     * the runtime is made: by string index, NULL for other strings; the trees live in json_arena */
    const cc_node **json;
    cc_arena json_arena;
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
    cc_map flow_index; /* a flow's name (the string pool's) -> its index + 1 */
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

#define CC_TRANSFERS_MAX 11 /* TransferContact calls a contact may take */

/* Operand i of the instruction at pc. */
static inline uint32_t op_u32(const uint8_t *code, uint32_t pc, uint32_t i) { return ccfb_read_u32(code + pc + 1 + 4 * i); }

static inline bool string_is(const cc_rt *rt, uint32_t i, const char *text)
{
    const ccfb_string *s = &rt->m->strings[i];
    return strlen(text) == s->len && !memcmp(s->text, text, s->len);
}

/* ---- contacts' data: small key-value lists (contact.c) ---- */

static inline const char *kv_get(const attr_vec *v, const char *key)
{
    for (size_t i = 0; i < v->len; i++)
        if (!strcmp(v->items[i].key, key))
            return v->items[i].value;
    return NULL;
}
void vm_kv_set(attr_vec *v, const char *key, const char *value);
void vm_kv_free(attr_vec *v);

#define attr_get(c, key) kv_get(&RX(c)->attrs, (key))
#define attr_set(c, key, value) vm_kv_set(&WX(c)->attrs, (key), (value))
#define var_get(c, key) kv_get(&RX(c)->vars, (key))
#define var_set(c, key, value) vm_kv_set(&WX(c)->vars, (key), (value))

/* The bundle's flow named `name`, or -1 (state.c). */
int vm_flow_index(const cc_rt *rt, const char *name);

/* What a $. reference reads on contact c now, or NULL when unset (contact.c): vm_ref_text finds
 * the reference's row of the catalogue (cc_refs) by its text, vm_ref_value is given it. */
const char *vm_ref_text(cc_rt *rt, const contact *c, const char *ref, char *buf, size_t n);
const char *vm_ref_value(cc_rt *rt, const contact *c, cc_ref_id id, const char *ref, char *buf, size_t n);

/* A value operand as text (into buf), or NULL for none / an unset reference. */
static inline const char *value_text(cc_rt *rt, const contact *c, uint32_t v, char *buf, size_t n)
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
    return vm_ref_value(rt, c, (cc_ref_id)rt->ref_id[payload], rt->strs[payload], buf, n);
}

/* When a task expires: its expiry (7 days unless set) after it was created, a scheduled task's
 * wait included (SPEC §7). */
static inline int64_t expiry_due(const contact *c) { return c->created + (RX(c)->expiry_ms ? RX(c)->expiry_ms : 7 * DAY_MS); }

/* The decoded mapping or list a JSON value operand holds; NULL for other operands (state.c). */
static inline const cc_node *json_of(const cc_rt *rt, uint32_t v)
{
    return CCFB_VAL_TAG(v) == CCFB_VAL_JSON ? rt->json[CCFB_VAL_PAYLOAD(v)] : NULL;
}

/* ---- state.c: the string pool, traces, faults ---- */
char *vm_module_string(const cc_rt *rt, uint32_t i);
void vm_trace(cc_rt *rt, const contact *c, const char *block, const char *what);
/* A run-time error a block meets (an unknown queue, a refused request...): the contact takes the
 * block's error branch, and a trace says why and where, from the source map when the bundle has
 * one. Nothing is done unless someone traces. */
void vm_fault(cc_rt *rt, uint32_t ci, uint32_t pc, const char *fmt, ...) CC_PRINTF(4, 5) CC_COLD;

/* ---- sched.c: timers ---- */
void vm_schedule(cc_rt *rt, int64_t t, uint32_t kind, uint32_t who, uint32_t gen);

/* ---- exec.c: the interpreter ---- */
void vm_run_fiber(cc_rt *rt, uint32_t ci);
/* The value operand of parameter `name` of a generic block (its "kn*pv" operands), or none. */
uint32_t vm_block_operand(const cc_block_spec *k, const uint8_t *code, uint32_t pc, const char *name);
/* That value as text, or NULL. */
const char *vm_block_param(cc_rt *rt, contact *c, const cc_block_spec *k, const uint8_t *code, uint32_t pc,
                           const char *name, char *buf, size_t n);

/* ---- contact.c: contacts ---- */
bool vm_start_contact(cc_rt *rt, const cc_task_request *req, int channel, const char *const *inputs, size_t ninputs,
                      char *err, size_t errlen, uint32_t *out);
void vm_finish(cc_rt *rt, uint32_t ci, cc_end_reason reason);
void vm_disconnect(cc_rt *rt, uint32_t ci, cc_end_reason reason);
void vm_free_contact_data(contact *c);
contact *vm_find_contact(cc_rt *rt, const char *id);
contact *vm_api_contact(cc_rt *rt, const char *id, char *err, size_t errlen);
void vm_set_shared_attribute(cc_rt *rt, contact *c, const char *key, const char *value, bool api);
const char *vm_intern_name(cc_rt *rt, const char *name);

/* ---- route.c: queues, agents, routing ---- */
int vm_find_queue(const cc_rt *rt, const char *name);
waiting *vm_queue_head(cc_rt *rt, queue *q);
void vm_queue_push(queue *q, waiting w);
void vm_enqueue(cc_rt *rt, uint32_t ci, int qi);
bool vm_route_contact(cc_rt *rt, uint32_t ci);
void vm_route_agent(cc_rt *rt, int ai);
void vm_agent_count(cc_rt *rt, int ai, int sign);
int vm_agent_queue(cc_rt *rt, int ai);
int vm_give_back_slot(cc_rt *rt, const contact *c);
void vm_release_agent(cc_rt *rt, uint32_t ci);
void vm_place_call(cc_rt *rt, uint32_t ci);
void vm_drop_calls(cc_rt *rt, uint32_t ci);
bool vm_set_criteria(cc_rt *rt, uint32_t ci, const uint8_t *code, uint32_t pc);

/* ---- requests.c: tasks made by flows, templates ---- */
bool vm_create_task_from_flow(cc_rt *rt, uint32_t ci, const uint8_t *code, uint32_t pc, char *err, size_t errlen);
int vm_find_template(const cc_rt *rt, const char *name);
const char *vm_json_value_text(cc_rt *rt, const contact *c, const cc_node *v, char *buf, size_t n);

/* ---- hours.c ---- */
bool vm_hours_open(const hours *h, int64_t utc_ms);

/* ---- func.c: functions ---- */
/* The parameters of an INVOKE instruction, evaluated for the contact. */
typedef struct {
    uint32_t n;
    const char **keys, **values;
} invoke_params;
invoke_params vm_params_of(cc_rt *rt, const contact *c, const uint8_t *code, uint32_t pc);
void vm_params_free(invoke_params *p);
bool vm_call_builtin(cc_rt *rt, contact *c, const char *name, const uint8_t *code, uint32_t pc);
const function *vm_find_function(const cc_rt *rt, const char *name);

/* ---- metrics.c ---- */
void vm_set_metrics(cc_rt *rt, contact *c, int q);

#endif
