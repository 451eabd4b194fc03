/* ccflow.h — the public C API of libccflow.
 *
 * Validation: build a checker, add flow files, directories or in-memory sources, run it, and read
 * the diagnostics (the same ones `ccflow check` prints), or render them as text, JSON or SARIF;
 * a clean bundle compiles to bytecode (ccflow_check_compile).
 *
 * Running: a VM loads a bytecode bundle, takes queues, agents and functions, starts task contacts
 * and runs them on its clock, which the host moves forward (ccflow_vm_run_until); ended contacts
 * come back as records through a callback.
 *
 * Ownership: every handle is created by a *_new function and released by the matching *_free.
 * Strings returned by the library (in ccflow_diagnostic, or by ccflow_check_render) belong to the
 * handle they came from and stay valid until that handle is freed, unless said otherwise; strings
 * passed in are copied. The library keeps no global state: separate handles may be used from
 * separate threads.
 *
 * Memory: a handle made by a *_new_with function allocates through the embedder's allocator, the
 * others through the C library's. When an allocation fails, the call returns its failure value
 * (-1, or NULL with "out of memory" as the reason) and the handle is spent:
 * ccflow_check_out_of_memory / ccflow_vm_out_of_memory then return 1, every later call fails the
 * same way, and only *_free may be relied on (it releases everything the handle holds). */
#ifndef CCFLOW_H
#define CCFLOW_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CCFLOW_VERSION "0.1.0" /* the one place the version is written (Makefile reads it) */
/* Where the project and its docs/ are published: SARIF logs link each rule to its section of
 * docs/diagnostics.md there. A build may set its own (-DCCFLOW_HOMEPAGE=...). */
#ifndef CCFLOW_HOMEPAGE
#define CCFLOW_HOMEPAGE "https://github.com/ccflow/ccflow"
#endif
#define CCFLOW_DOCS_URI CCFLOW_HOMEPAGE "/blob/main/docs/"

const char *ccflow_version(void);

/* realloc(user, NULL, n) allocates n bytes aligned for any type, realloc(user, p, n) resizes,
 * realloc(user, p, 0) frees p and returns NULL; NULL means the allocation failed. */
typedef struct {
    void *(*realloc)(void *user, void *p, size_t n);
    void *user;
} ccflow_allocator;

typedef enum { CCFLOW_NOTE, CCFLOW_WARNING, CCFLOW_ERROR } ccflow_severity;

typedef enum { CCFLOW_FORMAT_TEXT, CCFLOW_FORMAT_JSON, CCFLOW_FORMAT_SARIF } ccflow_format;

/* One finding (or one of its notes). Lines and columns are 1-based; 0 when the finding has no
 * place in a file (an unreadable path). end_line/end_column are inclusive. */
typedef struct {
    const char *file;
    unsigned line, column, end_line, end_column;
    ccflow_severity severity;
    const char *code;    /* stable code such as "E401"; NULL for a note */
    const char *message;
    size_t note_count;   /* notes of a finding: read them with ccflow_check_note */
} ccflow_diagnostic;

typedef struct ccflow_check ccflow_check;

/* A new checker; the standard flows are added to the bundle unless ccflow_check_use_stdlib(c, 0). */
ccflow_check *ccflow_check_new(void);
ccflow_check *ccflow_check_new_with(const ccflow_allocator *allocator); /* NULL: the C library's */
void ccflow_check_free(ccflow_check *c);
int ccflow_check_out_of_memory(const ccflow_check *c);

void ccflow_check_use_stdlib(ccflow_check *c, int use);

/* Adds a flow file, or every .yaml/.yml file under a directory. Returns 0, or -1 when the path
 * cannot be read (that is also reported as a diagnostic, code E100). */
int ccflow_check_add_path(ccflow_check *c, const char *path);

/* Adds one flow from memory; name is how diagnostics call the file. Returns 0, or -1 when the
 * text holds no usable flow (the reasons are diagnostics). */
int ccflow_check_add_source(ccflow_check *c, const char *name, const char *text, size_t len);

/* Runs every check on the bundle gathered so far; returns the number of errors (-1 when memory
 * ran out). Call it once, after the last add. */
int ccflow_check_run(ccflow_check *c);

size_t ccflow_check_error_count(const ccflow_check *c);
size_t ccflow_check_warning_count(const ccflow_check *c);

/* Findings in file/line/column order after ccflow_check_run. Return 0, or -1 when out of range. */
size_t ccflow_check_count(const ccflow_check *c);
int ccflow_check_get(const ccflow_check *c, size_t index, ccflow_diagnostic *out);
int ccflow_check_note(const ccflow_check *c, size_t index, size_t note, ccflow_diagnostic *out);

/* Every finding rendered as `ccflow check --format ...` prints it (text without colour). The
 * string belongs to the checker and is replaced by the next call. NULL on allocation failure. */
const char *ccflow_check_render(ccflow_check *c, ccflow_format format);

/* After a run without errors: the bundle's bytecode in a new buffer that the caller releases with
 * ccflow_free. strip leaves the source map out. Returns 0, or -1 when the bundle has errors (or
 * has not been run). */
int ccflow_check_compile(ccflow_check *c, int strip, void **bytes, size_t *size);

/* Releases memory the library handed out (the buffers of ccflow_check_compile and ccflow_vm_save),
 * through the allocator of the handle it came from. */
void ccflow_free(void *p);

/* ---- the VM ---- */

typedef struct ccflow_vm ccflow_vm;

enum { CCFLOW_LOAD_NO_CHECKSUM = 1 };

/* ---- bundles ---- */

/* Verifies a bundle and prints it as `ccflow disasm` does: one instruction a line, with its
 * offset, opcode, operands with their names resolved, its source location (unless the bundle was
 * stripped) and what the opcode does. The text (NUL-terminated; its length in text_len when not
 * NULL) is a new buffer the caller releases with ccflow_free. flags as for ccflow_vm_new. Returns
 * 0, or -1 with a one-line reason in err (a malformed bundle, "out of memory"). */
int ccflow_disasm(const void *bundle, size_t size, int flags, char **text, size_t *text_len, char *err,
                  size_t errlen);

/* The files a bundle's source map names, in its order: count NUL-terminated names one after the
 * other in a new buffer the caller releases with ccflow_free (the standard flows are named
 * "<stdlib>/NAME.yaml"; a stripped bundle names none: count 0, names NULL). Returns 0, or -1 with
 * a one-line reason in err. */
int ccflow_bundle_sources(const void *bundle, size_t size, int flags, char **names, size_t *count, char *err,
                          size_t errlen);

/* How a contact ended. */
typedef enum {
    CCFLOW_END_AGENT_DISCONNECT = 1,
    CCFLOW_END_CONTACT_FLOW_DISCONNECT,
    CCFLOW_END_EXPIRED,
    CCFLOW_END_API,
    CCFLOW_END_THIRD_PARTY_DISCONNECT /* bridged to an outside number (transfer_to_phone_number) */
} ccflow_end_reason;

/* An ended contact, as its contact record tells it. Times are milliseconds since the Unix epoch
 * (UTC); -1 when the contact never reached that point. Strings are valid during the callback.
 * `ended` is when the contact disconnected (DisconnectTimestamp); an agent's after-contact work
 * follows it, from `ended` to `after_contact_work_end` (-1 while it goes on), and the record
 * comes when that work is done. */
typedef struct {
    const char *contact_id, *channel, *name, *description, *flow;
    long long initiated, scheduled, ended;
    ccflow_end_reason reason;
    const char *reason_name; /* "AGENT_DISCONNECT"... */
    const char *queue;       /* NULL when never queued */
    long long enqueued, dequeued;
    const char *agent;       /* NULL when no agent took it */
    long long connected, after_contact_work_end;
    const char *const *attribute_keys;
    const char *const *attribute_values;
    size_t attribute_count;
    const char *previous_contact_id, *related_contact_id; /* NULL when not linked */
    const char *created_by;    /* the agent who created the task, or NULL */
    const char *template_name; /* the task template it came from, or NULL */
    long long expiry_ms;       /* how long a task may live; 0 for other channels */
    const char *const *reference_names;
    const char *const *reference_types;
    const char *const *reference_values;
    size_t reference_count;
    const char *state; /* SCHEDULED, IN_FLOW, QUEUED, CONNECTED, AFTER_CONTACT_WORK or ENDED */
} ccflow_record;

typedef void (*ccflow_record_fn)(void *user, const ccflow_record *record);

/* A trace event: a contact entering a block (block set), or a change it went through (what set). */
typedef struct {
    long long at;
    const char *contact_id, *flow, *block, *what;
} ccflow_trace;

typedef void (*ccflow_trace_fn)(void *user, const ccflow_trace *trace);

/* Verifies and loads a bundle (its bytes are copied) with the clock at start_ms; seed drives
 * distribute_by_percentage. Returns NULL with a one-line reason in err when the bundle is refused. */
ccflow_vm *ccflow_vm_new(const void *bundle, size_t size, int flags, long long start_ms, unsigned long long seed,
                         char *err, size_t errlen);
ccflow_vm *ccflow_vm_new_with(const ccflow_allocator *allocator, const void *bundle, size_t size, int flags,
                              long long start_ms, unsigned long long seed, char *err, size_t errlen);
void ccflow_vm_free(ccflow_vm *vm);
int ccflow_vm_out_of_memory(const ccflow_vm *vm);

void ccflow_vm_on_record(ccflow_vm *vm, ccflow_record_fn fn, void *user);
void ccflow_vm_on_trace(ccflow_vm *vm, ccflow_trace_fn fn, void *user);

/* Resources. Return 0, or -1 when the name is taken (or an agent names an unknown queue). */
int ccflow_vm_add_queue(ccflow_vm *vm, const char *name, unsigned max_contacts /* 0: no limit */);

typedef struct {
    const char *name;
    const char *const *queues; /* names of the queues the agent serves */
    size_t queue_count;
    unsigned concurrency[4];   /* contacts at once per channel: voice, chat, task, email */
    long long handle_ms;       /* time to handle a contact */
    long long after_contact_work_ms;
    int available;             /* 1 available, 0 offline */
} ccflow_agent;

int ccflow_vm_add_agent(ccflow_vm *vm, const ccflow_agent *agent);
int ccflow_vm_set_agent_available(ccflow_vm *vm, const char *name, int available);
/* Any agent status: "available" (takes contacts), "offline", or another (a break, lunch...): online
 * but not routable. Returns 0, or -1 when the agent is unknown. */
int ccflow_vm_set_agent_status(ccflow_vm *vm, const char *name, const char *status);

/* Hours of operation in a time zone of the system's tz database: for days ("mon", "sat",
 * "mon-fri") the open ranges ("09:00-17:00", or "09:00-12:00, 13:00-18:00"). Returns 0, or -1
 * with the reason in err (an unknown zone, a malformed day or range, a name taken). */
typedef struct {
    const char *days, *ranges;
} ccflow_hours;

int ccflow_vm_add_hours(ccflow_vm *vm, const char *name, const char *timezone, const ccflow_hours *open,
                        size_t count, char *err, size_t errlen);
/* The hours a queue keeps (check_hours_of_operation without a name reads them); NULL: always
 * open. Returns 0, or -1 when the queue or hours are unknown. */
int ccflow_vm_set_queue_hours(ccflow_vm *vm, const char *queue, const char *hours);

/* A function invoke_lambda can call: its result becomes $.External.<key> after latency_ms. */
int ccflow_vm_add_function(ccflow_vm *vm, const char *name, const char *const *keys, const char *const *values,
                           size_t count, long long latency_ms);

/* A function the host answers (the Lambda of a flow): fn is called when a flow invokes it, with a
 * call id, the contact and the block's parameters; the host answers then or later with
 * ccflow_vm_answer. If the block's timeout passes first, the contact takes the error branch and
 * the answer is refused. */
typedef void (*ccflow_host_fn)(void *user, unsigned long long call, const char *contact_id, const char *function,
                               const char *const *keys, const char *const *values, size_t count);

int ccflow_vm_add_host_function(ccflow_vm *vm, const char *name, ccflow_host_fn fn, void *user);

/* ok 1: the result's keys and values become $.External.<key>; ok 0: the function failed.
 * Returns 0, or -1 when the call is unknown or over. */
int ccflow_vm_answer(ccflow_vm *vm, unsigned long long call, int ok, const char *const *keys,
                     const char *const *values, size_t count);

/* StartTaskContact, its fields in the API's terms. Leave what you do not use zeroed (NULL, 0);
 * scheduled_ms -1 starts the task now. */
typedef struct {
    const char *id;          /* the ContactId to give it; NULL: one is made */
    const char *name, *description;
    const char *flow;        /* ContactFlowId: a flow's name; or the template's flow */
    long long scheduled_ms;  /* ScheduledTime, ms since the epoch (now .. 6 days ahead), or -1 */
    const char *const *attribute_keys;
    const char *const *attribute_values;
    size_t attribute_count;
    const char *template_name;       /* TaskTemplateId */
    const char *quick_connect;       /* QuickConnectId */
    const char *previous_contact_id; /* PreviousContactId: shares attributes along the chain */
    const char *related_contact_id;  /* RelatedContactId: copies attributes once */
    const char *client_token;        /* the same token within 7 days gives back the same contact */
    const char *created_by;          /* connect:CreatedByUser: an agent's name */
    int self_assign;                 /* 1: straight to created_by (connect:AssignmentType SELF) */
    long long expiry_ms;             /* connect:ContactExpiry (1 minute .. 30 days); 0: the default */
    const char *const *reference_names; /* References: name, Type (URL, NUMBER, STRING, DATE, EMAIL), Value */
    const char *const *reference_types;
    const char *const *reference_values;
    size_t reference_count;
} ccflow_task;

/* Returns 0 with the new contact's id in contact_id (when not NULL), or -1 with the API's
 * exception name and the reason in err ("InvalidParameterException: ..."); a refused request
 * creates nothing. */
int ccflow_vm_start_task(ccflow_vm *vm, const ccflow_task *task, char *contact_id, size_t idlen, char *err,
                         size_t errlen);

/* A quick connect: tasks started with its name (ccflow_task.quick_connect) run flow (a
 * transfer_to_queue flow for a queue, transfer_to_agent for an agent) with the queue, or the
 * agent's own queue, as their working queue. Give one of queue and agent. Returns 0, or -1 with
 * the reason in err. */
int ccflow_vm_add_quick_connect(ccflow_vm *vm, const char *name, const char *queue, const char *agent,
                                const char *flow, char *err, size_t errlen);

/* The quota of active (not ended) tasks; beyond it StartTaskContact is refused with
 * ServiceQuotaExceededException. 0 (the default): none. Connect's default is 2,500. */
void ccflow_vm_set_active_task_limit(ccflow_vm *vm, unsigned long long limit);

/* A task template (CreateTaskTemplate). Field types: name, description, url, number, text,
 * text_area, date_time, boolean, single_select, email, scheduled_time, quick_connect,
 * self_assign, expiry_duration. */
typedef struct {
    const char *name, *type;
    const char *default_value; /* NULL: none */
    int required, read_only;
} ccflow_template_field;

typedef struct {
    const char *name;
    const char *flow;    /* NULL: requests name one */
    long long expiry_ms; /* 1 minute .. 30 days; 0: the default 7 days */
    int active;          /* tasks start only from active templates */
    int self_assign;     /* tasks from it may be self-assigned */
    const ccflow_template_field *fields;
    size_t field_count;
} ccflow_template;

int ccflow_vm_add_template(ccflow_vm *vm, const ccflow_template *t, char *err, size_t errlen);

/* StopContact (DisconnectReason API), UpdateContactAttributes (merges; "" removes a key; along a
 * PreviousContactId chain every contact gets it) and UpdateContactSchedule (a task still waiting
 * for its time). Return 0, or -1 with the exception and reason in err. */
int ccflow_vm_stop_contact(ccflow_vm *vm, const char *contact_id, char *err, size_t errlen);
int ccflow_vm_update_attributes(ccflow_vm *vm, const char *contact_id, const char *const *keys,
                                const char *const *values, size_t count, char *err, size_t errlen);
int ccflow_vm_update_schedule(ccflow_vm *vm, const char *contact_id, long long scheduled_ms, char *err,
                              size_t errlen);

/* TransferContact (tasks and emails): the contact leaves its queue or agent and runs flow (an
 * inbound or transfer flow) with queue, or agent's own queue, as its working queue; give one of
 * queue and agent. At most 11 transfers a contact. Returns 0, or -1 with the reason in err. */
int ccflow_vm_transfer_contact(ccflow_vm *vm, const char *contact_id, const char *flow, const char *queue,
                               const char *agent, char *err, size_t errlen);

/* An agent who accepts by hand (ccflow_vm_set_agent_manual_accept) is offered each contact routing
 * gives them: the slot is theirs, the customer still waits, until ccflow_vm_accept_contact; then
 * handling starts (and whisper flows run). Return 0, or -1 (unknown agent; contact not offered). */
int ccflow_vm_set_agent_manual_accept(ccflow_vm *vm, const char *agent, int manual);
/* An agent's proficiency, which the routing criteria of set_routing_criteria name ("language" ->
 * "spanish"): a contact with criteria waits for an agent who has them all while they hold. */
int ccflow_vm_set_agent_proficiency(ccflow_vm *vm, const char *agent, const char *name, const char *value);
int ccflow_vm_accept_contact(ccflow_vm *vm, const char *contact_id, char *err, size_t errlen);

/* The agent working on a contact completes it now: after-contact work, then AGENT_DISCONNECT.
 * Returns 0, or -1 when no agent is working on it. */
int ccflow_vm_complete_contact(ccflow_vm *vm, const char *contact_id, char *err, size_t errlen);

/* A queue's metrics for one channel ("TASK"...; NULL: all): real-time figures now, historical
 * ones since the start; service levels at up to 10 thresholds (answered within each, over the
 * contacts that left the queue). Hold and interaction times read 0 for tasks. */
typedef struct {
    unsigned long long in_queue, scheduled;
    long long oldest_age_ms;
    unsigned long long agents_online, agents_available, agents_staffed, agents_on_contact, agents_acw;
    unsigned long long created, handled, abandoned, expired, dequeued, answered;
    long long avg_handle_ms, avg_answer_ms, avg_interaction_ms, avg_hold_ms, max_wait_ms;
    double service_level[10]; /* percent, for thresholds_ms[i] */
} ccflow_metrics;

/* Returns 0, or -1 when the queue or channel is unknown or there are more than 10 thresholds. */
int ccflow_vm_queue_metrics(ccflow_vm *vm, const char *queue, const char *channel, const long long *thresholds_ms,
                            size_t threshold_count, ccflow_metrics *out);

/* DescribeContact: fn gets the contact as its record would tell it now (state says where it is).
 * Returns 0, or -1 when no contact has that id. */
int ccflow_vm_describe_contact(ccflow_vm *vm, const char *contact_id, ccflow_record_fn fn, void *user);

/* SearchContacts: fn gets each contact that matches every criterion given, oldest first; returns
 * how many matched (-1 when memory ran out). */
typedef struct {
    const char *channel;               /* "TASK"...; NULL: any */
    const char *queue;                 /* NULL: any */
    long long from_ms, to_ms;          /* initiated in [from, to); to 0: no end */
    const char *attribute_key, *attribute_value; /* NULL: any; a key alone: present */
    ccflow_end_reason reason;          /* 0: any, ended or not */
} ccflow_search;

long long ccflow_vm_search_contacts(ccflow_vm *vm, const ccflow_search *q, ccflow_record_fn fn, void *user);

/* Runs everything due up to and including until_ms; returns the clock (-1 when memory ran out). */
long long ccflow_vm_run_until(ccflow_vm *vm, long long until_ms);
long long ccflow_vm_now(const ccflow_vm *vm);

/* The VM's whole state (contacts, timers, queues, agents, functions, pending host calls, clock) as
 * bytes the caller releases with ccflow_free: a process can save it and a later one go on from it
 * exactly. Returns 0, or -1 when memory runs out. */
int ccflow_vm_save(const ccflow_vm *vm, void **state, size_t *size);

/* A VM over the same bundle, in the saved state. Callbacks are not part of the state: set them
 * again, and add host functions again (by the same names) to bind their callbacks. Returns NULL
 * with a reason when the bundle or the state is refused (another bundle, damaged bytes). */
ccflow_vm *ccflow_vm_restore(const void *bundle, size_t size, int flags, const void *state, size_t state_size,
                             char *err, size_t errlen);
ccflow_vm *ccflow_vm_restore_with(const ccflow_allocator *allocator, const void *bundle, size_t size, int flags,
                                  const void *state, size_t state_size, char *err, size_t errlen);

/* A clock for running in real time: now_ms returns milliseconds since the Unix epoch (UTC).
 * ccflow_vm_poll then runs everything due by that time and returns when the next event is due
 * (ms since the epoch; -1 when nothing is pending), so a host can sleep until then or until it
 * has something to tell the VM. Without a clock, poll does nothing and returns the next event. */
typedef long long (*ccflow_clock_fn)(void *user);

void ccflow_vm_set_clock(ccflow_vm *vm, ccflow_clock_fn now_ms, void *user);
long long ccflow_vm_poll(ccflow_vm *vm);

#ifdef __cplusplus
}
#endif

#endif
