/* runtime.h — the VM and its scheduler: contacts run as fibers through a verified bundle's code
 * on a clock the runtime owns (virtual here: simulation and flow tests), with queues, agents and
 * routing. A fiber runs until it waits, is queued, ends or fails; the scheduler owns time. */
#ifndef CCFLOW_RUNTIME_H
#define CCFLOW_RUNTIME_H

#include "bytecode.h"
#include "tasks.h"
#include "util.h"

typedef struct cc_rt cc_rt;

typedef enum {
    CC_END_NONE,
    CC_END_AGENT_DISCONNECT,
    CC_END_CONTACT_FLOW_DISCONNECT,
    CC_END_EXPIRED,
    CC_END_API,
    CC_END_THIRD_PARTY_DISCONNECT, /* bridged to an outside number by transfer_to_phone_number */
} cc_end_reason;

const char *cc_end_reason_name(cc_end_reason r); /* "AGENT_DISCONNECT"... */

/* A started task, as the StartTaskContact request gives it (the fields ccflow runs with). */
typedef struct {
    const char *id;          /* ContactId to use; NULL: one is made */
    const char *name;
    const char *description;
    const char *flow;        /* flow name */
    int64_t scheduled_ms;    /* absolute start time, or -1 for now */
    const char *const *attr_keys;
    const char *const *attr_values;
    size_t nattrs;
    /* What the outside world answers at blocks whose result comes from outside ccflow (Voice
     * ID, call progress, customer profiles, a transfer to a phone number...): block id -> the
     * branch it takes ("next" for success). Blocks without one take their documented default. */
    /* The rest of StartTaskContact (tasks only). */
    const char *previous, *related; /* PreviousContactId, RelatedContactId: at most one */
    const char *client_token;       /* the same token within 7 days gives back the same contact */
    const char *template_name;      /* TaskTemplateId */
    const char *quick_connect;      /* QuickConnectId */
    const char *created_by;         /* connect:CreatedByUser: the agent's name */
    bool self_assign;               /* connect:AssignmentType SELF: straight to created_by */
    int64_t expiry_ms;              /* connect:ContactExpiry; 0: the template's, else 7 days */
    const char *const *ref_names;   /* References: name, Type, Value */
    const char *const *ref_types;
    const char *const *ref_values;
    size_t nrefs;
    /* An outbound voice call that this agent places (start_contact only): the flow is then an
     * outbound whisper flow, which runs as the call connects the agent to the customer. */
    const char *outbound_agent;
    const char *const *outcome_blocks;
    const char *const *outcome_branches;
    size_t noutcomes;
} cc_task_request;

/* An ended contact, handed to the record callback (valid during the call only). */
typedef struct {
    const char *id, *channel, *name, *description, *flow;
    const char *initiation; /* "API" for tasks, "INBOUND" for the other channels */
    int64_t initiated, scheduled, ended; /* ms since the epoch; scheduled -1 when not scheduled */
    cc_end_reason reason;
    const char *queue;       /* NULL when never queued */
    int64_t enqueued, dequeued;
    const char *agent;       /* NULL when no agent took it */
    /* connected to the agent; after-contact work from the disconnect (`ended`) to acw_end: -1
     * when the agent has not got there (acw_end -1 while the work goes on) */
    int64_t connected, acw_start, acw_end;
    const char *const *attr_keys;
    const char *const *attr_values;
    size_t nattrs;
    const char *previous, *related; /* PreviousContactId, RelatedContactId, or NULL */
    const char *initial; /* InitialContactId: its own id once transferred (ccflow keeps one id), else NULL */
    const char *created_by;         /* the agent who created the task, or NULL */
    const char *template_name;      /* the task template it came from, or NULL */
    int64_t expiry_ms;              /* how long the task may live (tasks), else 0 */
    const char *const *ref_names;
    const char *const *ref_types;
    const char *const *ref_values;
    size_t nrefs;
    const char *state; /* DescribeContact: SCHEDULED, IN_FLOW, QUEUED, CONNECTED, AFTER_CONTACT_WORK, ENDED */
} cc_record;

typedef void (*cc_record_fn)(void *ud, const cc_record *r);

/* A trace event: a contact entering a block (block is its id), or what happened to it (block
 * NULL, what says: "queued", "with agent", "ended ..."). Valid during the call only. */
typedef struct {
    int64_t at;
    const char *contact, *flow, *block, *what;
} cc_trace;

typedef void (*cc_trace_fn)(void *ud, const cc_trace *t);

cc_rt *cc_rt_new(const ccfb_module *m, int64_t start_ms, uint64_t seed);
void cc_rt_free(cc_rt *rt);

void cc_rt_on_record(cc_rt *rt, cc_record_fn fn, void *ud);
void cc_rt_on_trace(cc_rt *rt, cc_trace_fn fn, void *ud);

/* Resources. Names are copied. Return an index, or -1 when the name is taken. */
int cc_rt_add_queue(cc_rt *rt, const char *name, uint32_t max_contacts /* 0: unlimited */);
int cc_rt_add_agent(cc_rt *rt, const char *name, const int *queues, size_t nqueues,
                    const uint8_t concurrency[4], int64_t handle_ms, int64_t acw_ms, bool available);
int cc_rt_queue_index(const cc_rt *rt, const char *name);
int cc_rt_agent_index(const cc_rt *rt, const char *name);
/* Agent status: available or offline (an offline agent finishes what it holds). */
void cc_rt_set_agent_available(cc_rt *rt, int agent, bool available);
/* Any status: available (takes contacts), online but not available (a break, lunch...), or offline. */
void cc_rt_set_agent_status(cc_rt *rt, int agent, bool available, bool online);

/* Hours of operation: open ranges per weekday (0 Sunday .. 6 Saturday) in minutes of the local
 * day [start, end), in the time zone named (the system's tz database). Returns an index, or -1
 * with a reason in err. */
#define CC_HOURS_RANGES 4
typedef struct {
    uint16_t start[7][CC_HOURS_RANGES], end[7][CC_HOURS_RANGES];
    uint8_t count[7];
} cc_week;

int cc_rt_add_hours(cc_rt *rt, const char *name, const char *timezone, const cc_week *week, char *err,
                    size_t errlen);
/* Adds "09:00-17:00" (or "09:00-12:00, 13:00-18:00") to the days named ("mon", "sat", "mon-fri").
 * Returns 0, or 1 when the days are not understood, 2 when the ranges are not, with the reason. */
int cc_week_add(cc_week *w, const char *days, const char *ranges, char *why, size_t n);
int cc_rt_hours_index(const cc_rt *rt, const char *name);
/* The hours a queue keeps; a queue without hours is open around the clock. */
void cc_rt_set_queue_hours(cc_rt *rt, int queue, int hours);

/* A function that invoke_lambda can call: its result (keys and values become $.External.<key>)
 * arrives after latency_ms, or the block takes its error branch when that exceeds its timeout. */
int cc_rt_add_function(cc_rt *rt, const char *name, const char *const *keys, const char *const *values, size_t n,
                       int64_t latency_ms);

/* A function the host answers itself: called when a flow invokes it, with a call id, the contact
 * and the block's parameters; the host answers now or later with cc_rt_answer. When the block's
 * timeout passes first, the contact takes the error branch and a late answer is ignored. */
typedef void (*cc_host_fn)(void *ud, uint64_t call, const char *contact, const char *function,
                           const char *const *keys, const char *const *values, size_t n);

int cc_rt_add_host_function(cc_rt *rt, const char *name, cc_host_fn fn, void *ud);

/* Answers a host call: ok with the result's keys and values ($.External.<key>), or a failure
 * (the error branch). Returns false when the call is unknown or already over (answered, timed out). */
bool cc_rt_answer(cc_rt *rt, uint64_t call, bool ok, const char *const *keys, const char *const *values, size_t n);

/* Starts a task contact (StartTaskContact); the new contact's id goes to id (when not NULL).
 * Returns false with "Exception: reason" in err when the request is refused; nothing is made. */
bool cc_rt_start_task(cc_rt *rt, const cc_task_request *req, char *id, size_t idlen, char *err, size_t errlen);

/* The quota of active (not ended) tasks: StartTaskContact beyond it is refused with
 * ServiceQuotaExceededException. 0: none (the default; Connect's is 2,500). */
void cc_rt_set_active_task_limit(cc_rt *rt, uint64_t limit);

/* A quick connect: tasks started with its name (QuickConnectId) run `flow` (a transfer_to_queue
 * flow for a queue, transfer_to_agent for an agent) with the queue, or the agent's own queue, as
 * their working queue. False with the reason. */
bool cc_rt_add_quick_connect(cc_rt *rt, const char *name, const char *queue, const char *agent, const char *flow,
                             char *err, size_t errlen);

/* A task template (CreateTaskTemplate); the runtime takes a copy. False with the reason when its
 * rules are broken or the name is taken. */
bool cc_rt_add_template(cc_rt *rt, const cc_task_template *t, char *err, size_t errlen);

/* StopContact: ends the contact now (DisconnectReason API); an agent holding it is freed. */
bool cc_rt_stop_contact(cc_rt *rt, const char *id, char *err, size_t errlen);
/* UpdateContactAttributes: merges into the contact's attributes (and every contact of its
 * PreviousContactId chain); a value "" removes the key. */
bool cc_rt_update_attributes(cc_rt *rt, const char *id, const char *const *keys, const char *const *values,
                             size_t n, char *err, size_t errlen);
/* UpdateContactSchedule: a task still waiting for its scheduled time starts at another. */
bool cc_rt_update_schedule(cc_rt *rt, const char *id, int64_t when_ms, char *err, size_t errlen);
/* TransferContact (tasks and emails): the contact leaves its queue or agent and runs `flow` (an
 * inbound or transfer flow) with `queue`, or the agent's own queue (`agent`), as its working
 * queue; at most 11 transfers a contact. */
bool cc_rt_transfer(cc_rt *rt, const char *id, const char *flow, const char *queue, const char *agent, char *err,
                    size_t errlen);
/* An agent who accepts by hand is offered contacts (a slot held, the customer still waiting)
 * until cc_rt_accept_contact; then handling starts. */
void cc_rt_set_agent_manual_accept(cc_rt *rt, int agent, bool manual);
bool cc_rt_accept_contact(cc_rt *rt, const char *id, char *err, size_t errlen);
/* An agent's proficiency (routing criteria of set_routing_criteria name them): name -> value. */
void cc_rt_set_agent_proficiency(cc_rt *rt, int agent, const char *name, const char *value);
/* The agent holding a contact completes it now (AGENT_DISCONNECT after its after-contact work). */
bool cc_rt_complete_contact(cc_rt *rt, const char *id, char *err, size_t errlen);
/* DescribeContact: the contact as its record would tell it now. False when unknown. */
bool cc_rt_describe(cc_rt *rt, const char *id, cc_record_fn fn, void *ud);

/* SearchContacts: calls fn for each contact that matches, in the order they were made. */
typedef struct {
    int channel;                  /* -1: any */
    const char *queue;            /* NULL: any */
    int64_t from_ms, to_ms;       /* initiated within [from, to); to 0: no end */
    const char *attr_key, *attr_value; /* NULL: any */
    cc_end_reason reason;         /* CC_END_NONE: any, ended or not */
} cc_search;
size_t cc_rt_search(cc_rt *rt, const cc_search *q, cc_record_fn fn, void *ud);

/* Whether a contact's outcome may name this block and branch: the block exists in a flow of the
 * bundle, is one whose result comes from outside ccflow, and has that branch. Returns false with
 * the reason in why. */
bool cc_rt_outcome_valid(const cc_rt *rt, const char *block, const char *branch, char *why, size_t n);

/* Starts a voice, chat or email contact (channel 0, 1 or 3) in an inbound flow; `inputs` script
 * what the customer enters at each input block in turn (none left: the block's timeout). */
bool cc_rt_start_contact(cc_rt *rt, const cc_task_request *req, int channel, const char *const *inputs,
                         size_t ninputs, char *err, size_t errlen);

/* Runs every event due before `t` and sets the clock to t: what the caller does next happens at t,
 * before the events due at t (it was scheduled before them). */
void cc_rt_advance(cc_rt *rt, int64_t t);

/* Runs every event due up to and including `until` (ms since the epoch); returns the clock. */
int64_t cc_rt_run_until(cc_rt *rt, int64_t until);
int64_t cc_rt_now(const cc_rt *rt);
/* When the next event is due (ms since the epoch), or -1 when none is pending. */
int64_t cc_rt_next_event(const cc_rt *rt);

/* The whole state of the VM (contacts and their fibers, timers, queues, agents, functions, the
 * clock, counters) as bytes; restoring them into a VM over the same bundle continues exactly as
 * the saved one would have. Callbacks are not part of the state: set them again. */
void cc_rt_snapshot(const cc_rt *rt, cc_buf *out);
cc_rt *cc_rt_restore(const ccfb_module *m, const uint8_t *data, size_t len, char *err, size_t errlen);

size_t cc_rt_queue_count(const cc_rt *rt);
const char *cc_rt_queue_name(const cc_rt *rt, size_t q);
size_t cc_rt_contact_count(const cc_rt *rt); /* every contact started, ended or not */

/* A queue's metrics for one channel (or all), SPEC §7: real-time figures now, historical ones
 * since the start. Service levels: of the contacts that left the queue (answered, abandoned,
 * expired or stopped), the percentage an agent took within each threshold. Hold and interaction
 * times do not apply to tasks and read 0 for them; ccflow simulates no holds, so hold times are 0. */
#define CC_METRIC_THRESHOLDS 10
typedef struct {
    /* real-time */
    uint64_t in_queue, scheduled;
    int64_t oldest_age_ms;
    uint64_t agents_online, agents_available, agents_staffed, agents_on_contact, agents_acw;
    /* historical */
    uint64_t created, handled, abandoned, expired, dequeued, answered;
    int64_t avg_handle_ms, avg_answer_ms, avg_interaction_ms, avg_hold_ms, max_wait_ms;
    size_t nlevels;
    double service_level[CC_METRIC_THRESHOLDS]; /* percent, for thresholds[i] */
} cc_metrics;

/* Metrics of queue q for channel (0..3, or -1 for all) with service levels at the thresholds
 * given (at most CC_METRIC_THRESHOLDS). */
void cc_rt_metrics(const cc_rt *rt, size_t q, int channel, const int64_t *thresholds, size_t n, cc_metrics *out);
/* The same for each channel (out[0..3]) and for all (out[CC_CH_COUNT]), in one pass. */
void cc_rt_metrics_all(const cc_rt *rt, size_t q, const int64_t *thresholds, size_t n, cc_metrics *out);

typedef struct {
    uint64_t started, handled, disconnected, expired, stopped, rejected, transferred;
} cc_rt_totals;

void cc_rt_totals_get(const cc_rt *rt, cc_rt_totals *out);

#endif
