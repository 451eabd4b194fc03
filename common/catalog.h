/* catalog.h — the block catalogue: the one table of block kinds that validation, code generation,
 * documentation (docs/blocks.md) and Amazon Connect interchange all read. */
#ifndef CCFLOW_CATALOG_H
#define CCFLOW_CATALOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "opcodes.h"

/* Channels, as bits of a set. */
enum {
    CC_CH_VOICE = 1u << 0,
    CC_CH_CHAT = 1u << 1,
    CC_CH_TASK = 1u << 2,
    CC_CH_EMAIL = 1u << 3,
    CC_CH_ALL = 0xfu,
    CC_CH_COUNT = 4
};
const char *cc_channel_name(int index);  /* "voice" */
const char *cc_channel_upper(int index); /* "VOICE", the run-time spelling */

typedef enum {
    CC_FT_INBOUND,
    CC_FT_CUSTOMER_QUEUE,
    CC_FT_CUSTOMER_HOLD,
    CC_FT_CUSTOMER_WHISPER,
    CC_FT_OUTBOUND_WHISPER,
    CC_FT_AGENT_HOLD,
    CC_FT_AGENT_WHISPER,
    CC_FT_TRANSFER_TO_AGENT,
    CC_FT_TRANSFER_TO_QUEUE,
    CC_FT_MODULE, /* a flow module: invoked by invoke_module, ends with return */
    CC_FT_COUNT
} cc_flow_type;

#define CC_FT_BIT(t) (1u << (t))
/* Every contact flow type; flow modules are allowed what inbound flows are (cc_block_allowed). */
#define CC_FT_ALL (((1u << CC_FT_COUNT) - 1u) & ~CC_FT_BIT(CC_FT_MODULE))

typedef struct {
    const char *name;        /* "customer_queue" */
    const char *connect;     /* "CUSTOMER_QUEUE" (API ContactFlowType) */
    const char *metadata;    /* "customerQueue" (Metadata.type in exports) */
    unsigned channels;       /* channels the type carries */
    bool inherits_queue;     /* contacts arrive with a working queue already set */
} cc_flow_type_info;

extern const cc_flow_type_info cc_flow_types[CC_FT_COUNT];
int cc_flow_type_lookup(const char *name); /* -1 when unknown */
/* A flow type in any spelling: ccflow's (customer_queue), the API's (CUSTOMER_QUEUE) or an
 * export's Metadata.type (customerQueue), in any case; -1 when unknown. */
int cc_flow_type_parse(const char *text);

/* Per-channel support of a block. */
typedef enum {
    CC_SUP_YES,        /* runs normally */
    CC_SUP_NO_ERROR,   /* the contact takes the error branch */
    CC_SUP_NO_SUCCESS  /* nothing happens; the success branch is taken */
} cc_support;

/* How a parameter's value is written and checked. */
typedef enum {
    CC_PT_TEXT,      /* a string; a $. reference too when CC_PF_REF */
    CC_PT_INT,       /* an integer in [min, max] */
    CC_PT_DURATION,  /* 250ms, 90s, 10m, 2h, 7d (sign allowed when min < 0), in ms within [min, max] */
    CC_PT_BOOL,      /* true or false */
    CC_PT_ENUM,      /* one of `values` ("a|b|c") */
    CC_PT_QUEUE,     /* a queue name (or a $. reference when CC_PF_REF) */
    CC_PT_FLOW,      /* a flow name of the bundle, of one of the types in `flow_types` */
    CC_PT_HOURS,     /* an hours-of-operation name */
    CC_PT_TEMPLATE,  /* a task template name */
    CC_PT_FUNCTION,  /* a function name (Lambda stand-in, or a built-in "ccflow:...") */
    CC_PT_VALUE,     /* a scalar: text, number, boolean, or a $. reference */
    CC_PT_REF,       /* a $. reference */
    CC_PT_MAP,       /* a mapping of keys to scalar values or $. references */
    CC_PT_CASES,     /* a list of { OP: operand, next: id }; OP one of `values` */
    CC_PT_PROMPTS,   /* a list of { text: ... } */
    CC_PT_REFERENCES, /* a mapping name -> { type: URL|NUMBER|STRING|DATE|EMAIL, value } */
    CC_PT_JSON        /* any value, kept as written (Connect settings ccflow does not interpret) */
} cc_param_type;

enum {
    CC_PF_REQUIRED = 1u << 0, /* must be given */
    CC_PF_SCALAR = 1u << 1,   /* a non-mapping block value fills this parameter (the shorthand) */
    CC_PF_REF = 1u << 2,      /* a $. reference is accepted in place of a literal */
    CC_PF_WHOLE = 1u << 3,    /* the block's whole mapping value is this parameter (a CC_PT_MAP) */
};

typedef struct {
    const char *name;      /* the YAML key */
    cc_param_type type;
    unsigned flags;        /* CC_PF_* */
    int64_t min, max;      /* CC_PT_INT; CC_PT_DURATION in milliseconds */
    const char *values;    /* CC_PT_ENUM choices, CC_PT_CASES operators, "|"-separated */
    unsigned flow_types;   /* CC_PT_FLOW: allowed target types (CC_FT_BIT mask) */
    const char *connect;   /* the Connect parameter it maps to, for interchange and docs */
    const char *connect_values; /* CC_PT_ENUM, CC_PT_BOOL: Connect's spellings, "|"-separated in the
                                 * order of `values` (false|true for a boolean) */
    const char *doc;       /* one line for docs/blocks.md */
    const char *label;     /* CC_PT_FLOW: how the block sends contacts there, as a graph's edge label
                            * ("agent whisper"); the parameter's name when NULL */
    const char *verb;      /* CC_PT_FLOW: the same in check's messages ("sets agent whisper flow");
                            * "refers to flow" when NULL */
} cc_param_spec;

enum {
    CC_BK_TERMINAL = 1u << 0,   /* ends the flow (disconnect, end_flow, transfer_to_flow...) */
    CC_BK_SUSPENDS = 1u << 1,   /* may suspend the contact (wait, queue, input, Lambda): breaks spinning cycles */
    CC_BK_LOOP = 1u << 2,       /* a loop counter: its "looping" branch bounds a cycle */
    CC_BK_QUEUE_DEP = 1u << 3,  /* needs a working queue unless given one by a parameter */
    CC_BK_NEXT_KEPT = 1u << 4,  /* `next` is accepted and kept for export but never taken */
    CC_BK_SETS_QUEUE = 1u << 5, /* its success branch sets the working queue */
    CC_BK_TASK_SET = 1u << 6,   /* one of the 19 blocks Amazon Connect supports for tasks */
    CC_BK_OPAQUE = 1u << 7,     /* a Connect action ccflow does not model (connect_action): no branch is
                                 * required, and import/export keep its type and parameters as read */
};

/* Names of the parameter that, when given, makes a queue-dependent block independent of the
 * working queue (e.g. check_staffing's `queue`) is `queue_param`. */
typedef struct {
    const char *kind;          /* ccflow kind, snake_case */
    const char *ui_name;       /* Amazon Connect block name */
    const char *actions;       /* Connect action type(s), "|"-separated; first is the main one */
    uint8_t support[CC_CH_COUNT]; /* cc_support for voice, chat, task, email */
    unsigned flow_types;       /* CC_FT_BIT mask of the flow types that allow it */
    const char *branches;      /* "|"-separated branch names besides `next`; "cases" = one per case */
    unsigned flags;            /* CC_BK_* */
    const cc_param_spec *params; /* terminated by an entry with name == NULL */
    const char *exclusive;     /* groups of parameters: "!a|b" exactly one, "a|b" at most one; ";" between groups */
    const char *queue_param;   /* for CC_BK_QUEUE_DEP: the parameter that names a queue itself */
    const char *doc;           /* what the block does, for docs/blocks.md */
    cc_opcode op;              /* the instruction that does its work (opcodes.h); kinds without one of
                                * their own leave it out and run as CC_OP_BLOCK (cc_block_op) */
} cc_block_spec;

extern const cc_block_spec cc_blocks[];
extern const int cc_block_count;

const cc_block_spec *cc_block_lookup(const char *kind);
/* Whether a flow of this type may use the block: its own flow types, and in a flow module every
 * block an inbound flow may use but invoke_module (modules do not nest). */
bool cc_block_allowed(const cc_block_spec *s, int type);
/* The branches check_voice_id takes when it checks `what` ("a|b|c"), or NULL for an unknown check. */
const char *cc_voice_id_branches(const char *what);
/* Whether `name` is one of the branches of a "a|b|c" list. */
bool cc_branch_listed(const char *branches, const char *name);
const cc_param_spec *cc_param_lookup(const cc_block_spec *b, const char *name);
/* Index of branch `name` in b->branches ("next" is -1 when unnamed); -2 when the kind lacks it. */
int cc_branch_index(const cc_block_spec *b, const char *name);
bool cc_block_has_cases(const cc_block_spec *b);
/* The parameter holding a kind's cases (CC_PT_CASES), or NULL. */
const cc_param_spec *cc_block_cases_param(const cc_block_spec *b);

/* The branch by which a block "goes on" to the statement after it in the DSL (docs/dsl.md):
 * "next" for kinds with a success path, "timeout" for wait, NULL for kinds that never fall
 * through (conditions, loops, transfers, terminal blocks). */
const char *cc_block_continue_branch(const cc_block_spec *b);

/* The instruction a kind compiles to: its own (`op`), or the generic CC_OP_BLOCK. Some kinds have
 * a second form for a parameter given by reference or a variant (SET_HOOK_NAMED, ADJUST_AGE...),
 * which code generation picks. */
static inline cc_opcode cc_block_op(const cc_block_spec *b) { return b->op != CC_OP_NOP ? b->op : CC_OP_BLOCK; }

/* ---- outcomes ----
 * An instruction sets the fiber's outcome register and the SWITCH after it jumps by it: 0 is the
 * block's `next`, 1.. its other branches in the order of the kind's `branches`, its cases standing
 * in for a "cases" entry (one outcome each). The VM names the outcome it means and this table
 * turns the name into the number for the kind, so nothing depends on the order branches are
 * listed in. The names instructions set: */
#define CC_OUTCOMES(X)                                                                                    \
    X(NEXT, "next") X(ERROR, "error") X(TIMEOUT, "timeout") X(TRUE, "true") X(FALSE, "false")           \
    X(AT_CAPACITY, "at_capacity") X(IN_HOURS, "in_hours") X(OUT_OF_HOURS, "out_of_hours")               \
    X(NO_MATCH, "no_match") X(LOOPING, "looping") X(COMPLETE, "complete")                              \
    X(CUSTOMER_RETURNED, "customer_returned") X(DEFAULT, "default") X(INVALID_NUMBER, "invalid_number") \
    X(CASES, "cases")

typedef enum {
#define CC_OUT_ENUM(name, text) CC_OUT_##name,
    CC_OUTCOMES(CC_OUT_ENUM)
#undef CC_OUT_ENUM
        CC_OUT_COUNT
} cc_outcome_name;
extern const char *const cc_outcome_names[CC_OUT_COUNT];

/* The outcome of branch `name` of a block of kind `b` with `ncases` cases: 0 for next, the first
 * case's outcome for CC_OUT_CASES; -1 when the kind has no such branch. */
int cc_outcome(const cc_block_spec *b, cc_outcome_name name, uint32_t ncases);

/* The same answers for each instruction, by the kind that compiles to it (the first in catalogue
 * order; kinds sharing an instruction list the same branches, tests/unit.c checks), built once
 * (by the VM when it starts) so the interpreter reads them with one load. */
typedef struct {
    int8_t at[CC_OP_COUNT][CC_OUT_COUNT]; /* outcome with one case, or -1 */
    int8_t cases[CC_OP_COUNT];            /* outcome of the first case, 0 when the kind has none */
} cc_op_outcomes;
void cc_op_outcomes_build(cc_op_outcomes *o);
/* The kind an instruction does the work of (the first that compiles to it), or NULL (SWITCH...). */
const cc_block_spec *cc_op_kind(cc_opcode op);

static inline uint32_t cc_op_outcome(const cc_op_outcomes *o, cc_opcode op, cc_outcome_name name, uint32_t ncases)
{
    if (name == CC_OUT_NEXT) /* always 0: folds to a constant where the name is one */
        return 0;
    int at = o->at[op][name], cases = o->cases[op];
    return (uint32_t)at + (cases && at > cases ? ncases - 1 : 0);
}

/* ---- Amazon Connect interchange ----
 * One row per Connect action shape: several action types, or parameter shapes of one type, map to
 * one kind (UpdateContactEventHooks by its hook, CheckMetricData by its metric...). Import takes
 * the most specific row whose action and `when` match; export takes the first row of the block's
 * kind whose implied parameters (`set`) and flow types match. */
typedef struct {
    const char *action;  /* Connect action type */
    const char *kind;    /* ccflow block kind */
    const char *when;    /* what picks the row among those of its action: "" always; "Key=A|B" a
                          * parameter with one of these values; "Key" a parameter present (dotted);
                          * several conditions joined by ";" must all hold, and the row whose
                          * conditions say the most wins */
    unsigned flow_types; /* export writes this row in these flow types only (0: in every type) */
    const char *fixed;   /* "Key=Value;..." Connect parameters the row implies, written on export */
    const char *set;     /* "param=value;..." ccflow parameters the row implies */
    const char *map;     /* "param=Connect.Key;..." parameters whose Connect key differs from the spec's */
    const char *results; /* "branch=?Operand" (Equals Operand), "branch=>0" (NumberGreaterThan 0),
                          * "branch=!ErrorType"; NULL: error=!NoMatchingError, no_match=!NoMatchingCondition */
} cc_connect_shape;

extern const cc_connect_shape cc_connect_shapes[];
extern const int cc_connect_shape_count;

/* Action types Amazon Connect documents, and those seen in console exports without documentation
 * (accepted as connect_action blocks with a note); NULL-terminated. */
extern const char *const cc_connect_documented_types[];
extern const char *const cc_connect_observed_types[];
/* Names that third-party material uses for actions that do not exist, with the real type. */
const char *cc_connect_misnamed_type(const char *type);

/* The index-th "key=value" of a row's ";"-separated list (fixed, set, map, results); false past
 * its end. */
bool cc_connect_pair(const char *list, int index, char *key, size_t kn, char *value, size_t vn);
/* The Connect key of a parameter in a row: the row's `map` override (copied into buf), else the
 * spec's `.connect`. */
const char *cc_connect_key(const cc_connect_shape *sh, const cc_param_spec *ps, char *buf, size_t n);
/* A block parameter's value as text, or NULL: how the default row is asked about a block. */
typedef const char *(*cc_connect_param_text)(const void *ud, const char *name);
/* The row export writes for a block of `kind` when nothing records one: the first of the kind whose
 * implied parameters (`set`) the block has and whose flow types allow `flow_type`. Import asks the
 * same question to know whether the row it read must be recorded. */
const cc_connect_shape *cc_connect_default_shape(const char *kind, int flow_type, cc_connect_param_text text,
                                                 const void *ud);

/* ---- staffing statuses and queue metrics ----
 * The choices of check_staffing's `status` and check_queue_status's `metric`, as the first operand
 * of CHECK_STAFFING / CHECK_QUEUE (in code order: the bytecode carries the code), with
 * Connect's MetricType for each (the parameters' `values` and `connect_values`, and the
 * CheckMetricData shape rows, are written from the same names). */
typedef struct {
    const char *name;    /* "staffed" */
    const char *connect; /* "NumberOfAgentsStaffed" */
    int code;            /* the operand */
} cc_choice;
typedef enum { CC_STAFF_AVAILABLE, CC_STAFF_STAFFED, CC_STAFF_ONLINE, CC_STAFF_COUNT } cc_staffing_code;
typedef enum { CC_QMETRIC_TIME_IN_QUEUE, CC_QMETRIC_QUEUE_SIZE, CC_QMETRIC_COUNT } cc_queue_metric_code;
extern const cc_choice cc_staffing[CC_STAFF_COUNT];
extern const cc_choice cc_queue_metrics[CC_QMETRIC_COUNT];
/* The row of `table` (n rows) named `name`, or NULL. */
const cc_choice *cc_choice_lookup(const cc_choice *table, int n, const char *name);

/* ---- $. references ----
 * The run-time values a flow may read: fixed paths ($.Queue.Name) and prefixes that take a name
 * ($.Attributes.<name>), fixed paths first. Lowering checks references against the table; the VM
 * can find a reference's row (cc_ref_lookup) and switch on its id (a prefix's id ends in '_').
 * X(id, path, prefix, last, what): `path` is "$.Queue.Name", or a prefix ending in '.' when
 * `prefix` (a name of one or more segments, without spaces, follows it); `last` lists the segments
 * a prefix's reference must end in ("Value|Type"), or is NULL; `what` says what it reads. */
#define CC_REFS(X) \
    X(CHANNEL, "$.Channel", false, NULL, "the contact's channel, in capitals (cc_channel_upper)") \
    X(NAME, "$.Name", false, NULL, "the contact's name (tasks)") \
    X(DESCRIPTION, "$.Description", false, NULL, "the contact's description (tasks)") \
    X(CONTACT_ID, "$.ContactId", false, NULL, "the contact's id") \
    X(INITIAL_CONTACT_ID, "$.InitialContactId", false, NULL, "the id of the first contact of a transfer chain") \
    X(PREVIOUS_CONTACT_ID, "$.PreviousContactId", false, NULL, "the id of the contact this one was transferred from") \
    X(RELATED_CONTACT_ID, "$.RelatedContactId", false, NULL, "the id of the contact this one is related to (a task's creator)") \
    X(INITIATION_METHOD, "$.InitiationMethod", false, NULL, "how the contact started: INBOUND, OUTBOUND, TRANSFER, API...") \
    X(INSTANCE_ARN, "$.InstanceARN", false, NULL, "the instance's ARN") \
    X(AWS_REGION, "$.AwsRegion", false, NULL, "the instance's region") \
    X(LANGUAGE_CODE, "$.LanguageCode", false, NULL, "the contact's language") \
    X(CUSTOMER_ID, "$.CustomerId", false, NULL, "the customer's id (update_contact_data)") \
    X(TEXT_TO_SPEECH_VOICE_ID, "$.TextToSpeechVoiceId", false, NULL, "the text-to-speech voice (set_voice)") \
    X(STORED_CUSTOMER_INPUT, "$.StoredCustomerInput", false, NULL, "the digits store_customer_input kept") \
    X(CUSTOMER_ENDPOINT_ADDRESS, "$.CustomerEndpoint.Address", false, NULL, "the customer's number or address") \
    X(CUSTOMER_ENDPOINT_TYPE, "$.CustomerEndpoint.Type", false, NULL, "the kind of the customer's endpoint") \
    X(SYSTEM_ENDPOINT_ADDRESS, "$.SystemEndpoint.Address", false, NULL, "the number or address the customer reached") \
    X(SYSTEM_ENDPOINT_TYPE, "$.SystemEndpoint.Type", false, NULL, "the kind of the system endpoint") \
    X(QUEUE_NAME, "$.Queue.Name", false, NULL, "the working queue's name") \
    X(QUEUE_ARN, "$.Queue.ARN", false, NULL, "the working queue's ARN") \
    X(QUEUE_OUTBOUND_CALLER_ID_ADDRESS, "$.Queue.OutboundCallerId.Address", false, NULL, "the working queue's outbound caller id") \
    X(QUEUE_OUTBOUND_CALLER_ID_TYPE, "$.Queue.OutboundCallerId.Type", false, NULL, "the kind of the working queue's outbound caller id") \
    X(TASK_CONTACT_ID, "$.Task.ContactId", false, NULL, "the id of the task create_task made") \
    X(AGENT_USER_NAME, "$.Agent.UserName", false, NULL, "the agent's user name") \
    X(AGENT_FIRST_NAME, "$.Agent.FirstName", false, NULL, "the agent's first name") \
    X(AGENT_LAST_NAME, "$.Agent.LastName", false, NULL, "the agent's last name") \
    X(AGENT_ARN, "$.Agent.ARN", false, NULL, "the agent's ARN") \
    X(METRICS_QUEUE_NAME, "$.Metrics.Queue.Name", false, NULL, "get_queue_metrics: the queue's name") \
    X(METRICS_QUEUE_ARN, "$.Metrics.Queue.ARN", false, NULL, "get_queue_metrics: the queue's ARN") \
    X(METRICS_QUEUE_SIZE, "$.Metrics.Queue.Size", false, NULL, "get_queue_metrics: contacts in queue") \
    X(METRICS_QUEUE_OLDEST_CONTACT_AGE, "$.Metrics.Queue.OldestContactAge", false, NULL, "get_queue_metrics: age of the oldest contact in queue") \
    X(METRICS_AGENTS_ONLINE_COUNT, "$.Metrics.Agents.Online.Count", false, NULL, "get_queue_metrics: agents online") \
    X(METRICS_AGENTS_AVAILABLE_COUNT, "$.Metrics.Agents.Available.Count", false, NULL, "get_queue_metrics: agents available") \
    X(METRICS_AGENTS_STAFFED_COUNT, "$.Metrics.Agents.Staffed.Count", false, NULL, "get_queue_metrics: agents staffed") \
    X(METRICS_AGENTS_AFTER_CONTACT_WORK_COUNT, "$.Metrics.Agents.AfterContactWork.Count", false, NULL, "get_queue_metrics: agents in after-contact work") \
    X(METRICS_AGENTS_BUSY_COUNT, "$.Metrics.Agents.Busy.Count", false, NULL, "get_queue_metrics: agents busy") \
    X(METRICS_AGENTS_MISSED_COUNT, "$.Metrics.Agents.Missed.Count", false, NULL, "get_queue_metrics: agents who missed a contact") \
    X(METRICS_AGENTS_NON_PRODUCTIVE_COUNT, "$.Metrics.Agents.NonProductive.Count", false, NULL, "get_queue_metrics: agents in a non-productive status") \
    X(LEX_INTENT_NAME, "$.Lex.IntentName", false, NULL, "the Lex bot's intent") \
    X(LEX_DIALOG_STATE, "$.Lex.DialogState", false, NULL, "the Lex bot's dialog state") \
    X(VIEWS, "$.Views", false, NULL, "show_view's result") \
    X(VIEWS_VIEW_RESULT_DATA, "$.Views.ViewResultData", false, NULL, "show_view's result data") \
    X(VIEWS_ACTION, "$.Views.Action", false, NULL, "the action the customer took in the view") \
    X(ATTRIBUTES_, "$.Attributes.", true, NULL, "a user-defined contact attribute") \
    X(EXTERNAL_, "$.External.", true, NULL, "a key of the last function's answer (invoke_lambda)") \
    X(REFERENCES_, "$.References.", true, "Value|Type", "a task reference: $.References.<name>.Value or .Type") \
    X(FLOW_ATTRIBUTES_, "$.FlowAttributes.", true, NULL, "a flow attribute (set_flow_attributes)") \
    X(LOOP_, "$.Loop.", true, NULL, "a loop block's counter or element") \
    X(LEX_, "$.Lex.", true, NULL, "a Lex bot's slot or session value") \
    X(CUSTOMER_, "$.Customer.", true, NULL, "a field of the customer's profile (customer_profiles)") \
    X(CASE_, "$.Case.", true, NULL, "a field of the case (cases)") \
    X(SEGMENT_ATTRIBUTES_, "$.SegmentAttributes.", true, NULL, "a segment attribute of the contact") \
    X(MEDIA_STREAMS_, "$.MediaStreams.", true, NULL, "a media stream's detail (start_media_streaming)") \
    X(VIEWS_VIEW_RESULT_DATA_, "$.Views.ViewResultData.", true, NULL, "a field of show_view's result data") \
    X(WISDOM_, "$.Wisdom.", true, NULL, "an Amazon Q in Connect session value") \
    X(DATA_TABLE_LIST_, "$.DataTableList.", true, NULL, "a data table's value")

typedef enum {
#define CC_REF_ENUM(id, path, prefix, last, what) CC_REF_##id,
    CC_REFS(CC_REF_ENUM)
#undef CC_REF_ENUM
        CC_REF_COUNT
} cc_ref_id;
typedef struct {
    const char *path;
    bool prefix;
    const char *last;
    const char *what;
    cc_ref_id id;
} cc_ref_info;
extern const cc_ref_info cc_refs[CC_REF_COUNT];
extern const size_t cc_ref_count;
/* The row of a reference: its fixed path, else the first prefix it starts with; NULL when none. */
const cc_ref_info *cc_ref_lookup(const char *text);
/* The paths (prefixes when `prefixes`) in table order, into out[cap]; returns how many. */
size_t cc_ref_paths(bool prefixes, const char **out, size_t cap);

/* ---- event hooks ----
 * The flows a contact runs on an event (while queued, on hold, at disconnect...), set by the
 * SET_HOOK / SET_HOOK_NAMED instructions, whose first operand is the hook's code (rows in code
 * order). */
typedef enum {
    CC_HOOK_CUSTOMER_QUEUE, CC_HOOK_DISCONNECT, CC_HOOK_AGENT_WHISPER, CC_HOOK_CUSTOMER_WHISPER,
    CC_HOOK_AGENT_HOLD, CC_HOOK_CUSTOMER_HOLD, CC_HOOK_EVENT, CC_HOOK_COUNT
} cc_hook_code;
typedef struct {
    const char *name;    /* "agent_whisper" */
    const char *kind;    /* the block kind that sets it: "set_whisper_flow" */
    const char *param;   /* the kind's flow parameter that selects it: "agent" */
    unsigned flow_types; /* CC_FT_BIT mask: the types the flow it runs may have */
    const char *connect; /* Connect's key in UpdateContactEventHooks: "EventHooks.AgentWhisper"
                          * (set_event_flow's key follows its `event` parameter) */
    cc_hook_code code;
} cc_hook_info;
extern const cc_hook_info cc_hooks[CC_HOOK_COUNT]; /* in code order */
/* The hook a block of kind `b` sets through its flow parameter `param` (the kind's last hook when
 * `param` is NULL or none of its own), or NULL when the kind sets none. */
const cc_hook_info *cc_hook_of(const cc_block_spec *b, const char *param);

/* ---- operands a kind's name implies ----
 * Kinds that share an instruction and differ in a first operand: set_contact_attributes,
 * set_related_contact_attributes and set_flow_attributes all compile to SET_ATTRIBUTES with the
 * contact whose attributes they write (rows in code order). */
typedef enum { CC_ATTR_CURRENT, CC_ATTR_RELATED, CC_ATTR_FLOW, CC_ATTR_TARGET_COUNT } cc_attr_target;
typedef struct {
    const char *name; /* "related" */
    const char *kind; /* "set_related_contact_attributes" */
    cc_attr_target code;
} cc_attr_target_info;
extern const cc_attr_target_info cc_attr_targets[CC_ATTR_TARGET_COUNT];
/* The target a kind writes, or NULL for a kind that writes no attributes. */
const cc_attr_target_info *cc_attr_target_of(const cc_block_spec *b);

/* Case operators: ccflow's name, Connect's (equals / Equals, contains / TextContains...) and the
 * operator code the bytecode carries (a case's first operand; rows in code order). `percent` is distribute_by_percentage's share, which Connect writes as a
 * chain of NumberLessThan thresholds: it has no Connect operator of its own. */
typedef enum {
    CC_CASE_EQUALS, CC_CASE_CONTAINS, CC_CASE_STARTS_WITH, CC_CASE_ENDS_WITH, CC_CASE_GREATER_THAN,
    CC_CASE_LESS_THAN, CC_CASE_GREATER_OR_EQUAL, CC_CASE_LESS_OR_EQUAL, CC_CASE_PERCENT, CC_CASE_OP_COUNT
} cc_case_code;
typedef struct {
    const char *name;    /* "starts_with" */
    const char *connect; /* "TextStartsWith"; NULL for percent */
    bool numeric;        /* compares numbers */
    cc_case_code code;   /* the bytecode's operator code */
} cc_case_op;
extern const cc_case_op cc_case_ops[CC_CASE_OP_COUNT + 1]; /* in code order, then a NULL name */
const cc_case_op *cc_case_op_by_name(const char *name);
const cc_case_op *cc_case_op_by_connect(const char *connect);

/* The built-in functions every bundle has without a host (invoke_lambda with a function named
 * "ccflow:<name>"): what checks, docs and the VM (vm/builtins.c) know of each. */
typedef struct {
    const char *name;    /* "ccflow:upper" */
    const char *params;  /* the parameters it reads, for docs and checks: "text" */
    const char *results; /* the $.External keys it sets: "value" */
    const char *doc;
} cc_builtin_info;

extern const cc_builtin_info cc_builtins[];
extern const size_t cc_builtin_count;

const cc_builtin_info *cc_builtin_lookup(const char *name);


/* Writes docs/blocks.md from the table. */
void cc_catalog_markdown(FILE *out);

#endif
