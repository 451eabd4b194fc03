/* catalog.c — the block catalogue: each kind's parameters, branches, flow types and channels. */
#include "catalog.h"

#include "catalog_rows.h"
#include "util.h"

#include <string.h>
#include <strings.h>

/* ---- channels and flow types ---- */

static const char *const channel_names[CC_CH_COUNT] = {"voice", "chat", "task", "email"};
static const char *const channel_uppers[CC_CH_COUNT] = {"VOICE", "CHAT", "TASK", "EMAIL"};

const char *cc_channel_name(int index)
{
    return index >= 0 && index < CC_CH_COUNT ? channel_names[index] : NULL;
}

const char *cc_channel_upper(int index)
{
    return index >= 0 && index < CC_CH_COUNT ? channel_uppers[index] : NULL;
}

/* Channels per SPEC §2; Metadata names as console exports write them (flow_types.md). */
const cc_flow_type_info cc_flow_types[CC_FT_COUNT] = {
    [CC_FT_INBOUND] = {.name = "inbound", .connect = "CONTACT_FLOW", .metadata = "contactFlow",
                       .channels = CC_CH_ALL, .inherits_queue = false},
    [CC_FT_CUSTOMER_QUEUE] = {.name = "customer_queue", .connect = "CUSTOMER_QUEUE",
                              .metadata = "customerQueue", .channels = CC_CH_ALL,
                              .inherits_queue = true},
    [CC_FT_CUSTOMER_HOLD] = {.name = "customer_hold", .connect = "CUSTOMER_HOLD",
                             .metadata = "customerHold", .channels = CC_CH_VOICE,
                             .inherits_queue = true},
    [CC_FT_CUSTOMER_WHISPER] = {.name = "customer_whisper", .connect = "CUSTOMER_WHISPER",
                                .metadata = "customerWhisper",
                                .channels = CC_CH_VOICE | CC_CH_CHAT, .inherits_queue = true},
    [CC_FT_OUTBOUND_WHISPER] = {.name = "outbound_whisper", .connect = "OUTBOUND_WHISPER",
                                .metadata = "outboundWhisper",
                                .channels = CC_CH_VOICE | CC_CH_CHAT, .inherits_queue = false},
    [CC_FT_AGENT_HOLD] = {.name = "agent_hold", .connect = "AGENT_HOLD", .metadata = "agentHold",
                          .channels = CC_CH_VOICE, .inherits_queue = true},
    [CC_FT_AGENT_WHISPER] = {.name = "agent_whisper", .connect = "AGENT_WHISPER",
                             .metadata = "agentWhisper", .channels = CC_CH_ALL,
                             .inherits_queue = true},
    [CC_FT_TRANSFER_TO_AGENT] = {.name = "transfer_to_agent", .connect = "AGENT_TRANSFER",
                                 .metadata = "agentTransfer", .channels = CC_CH_ALL,
                                 .inherits_queue = true},
    [CC_FT_TRANSFER_TO_QUEUE] = {.name = "transfer_to_queue", .connect = "QUEUE_TRANSFER",
                                 .metadata = "queueTransfer", .channels = CC_CH_ALL,
                                 .inherits_queue = true},
    [CC_FT_MODULE] = {.name = "module", .connect = "MODULE", .metadata = "module", .channels = CC_CH_ALL,
                      .inherits_queue = true},
};

const char *cc_voice_id_branches(const char *what)
{
    static const struct {
        const char *check, *branches;
    } voice_id[] = {
        {"enrollment_status", "enrolled|not_enrolled|opted_out|error"},
        {"voice_authentication", "authenticated|not_authenticated|inconclusive|not_enrolled|opted_out|error"},
        {"fraud_detection", "high_risk|low_risk|inconclusive|error"},
    };
    for (size_t i = 0; what && i < sizeof voice_id / sizeof voice_id[0]; i++)
        if (!strcmp(what, voice_id[i].check))
            return voice_id[i].branches;
    return NULL;
}

/* Index of `name` among the "|"-separated words of `list`, or -1. */
static int word_index(const char *list, const char *name)
{
    size_t n = strlen(name);
    int index = 0;
    for (const char *s = list; *s; index++) {
        const char *end = strchr(s, '|');
        size_t len = end ? (size_t)(end - s) : strlen(s);
        if (len == n && memcmp(s, name, n) == 0)
            return index;
        if (!end)
            break;
        s = end + 1;
    }
    return -1;
}

bool cc_branch_listed(const char *branches, const char *name) { return word_index(branches, name) >= 0; }

bool cc_block_allowed(const cc_block_spec *s, int type)
{
    if (type == CC_FT_MODULE)
        return (s->flow_types & (CC_FT_BIT(CC_FT_INBOUND) | CC_FT_BIT(CC_FT_MODULE))) && s->op != CC_OP_CALL_MODULE;
    return (s->flow_types & CC_FT_BIT(type)) != 0;
}

int cc_flow_type_parse(const char *text)
{
    for (int t = 0; text && t < CC_FT_COUNT; t++)
        if (!strcasecmp(text, cc_flow_types[t].name) || !strcasecmp(text, cc_flow_types[t].connect) ||
            !strcasecmp(text, cc_flow_types[t].metadata))
            return t;
    return -1;
}

int cc_flow_type_lookup(const char *name)
{
    if (!name)
        return -1;
    for (int t = 0; t < CC_FT_COUNT; t++)
        if (strcmp(cc_flow_types[t].name, name) == 0)
            return t;
    return -1;
}

/* ---- parameters ---- */

/* Shared by every kind whose value is `{}`. */
static const cc_param_spec no_params[] = {END_PARAMS};

static const cc_param_spec amazon_q_params[] = {
    {.name = "assistant", .type = CC_PT_TEXT, .flags = CC_PF_SCALAR | CC_PF_REQUIRED, .connect = "WisdomAssistantArn",
     .doc = "The Amazon Q in Connect assistant (domain) that serves the contact."},
    END_PARAMS};

static const cc_param_spec call_phone_number_params[] = {
    {.name = "caller_id", .type = CC_PT_TEXT, .flags = CC_PF_REF, .connect = "CallerId.Number",
     .doc = "The number shown to the person called; the queue's outbound number when omitted."},
    END_PARAMS};

static const cc_param_spec cases_block_params[] = {
    {.name = "action", .type = CC_PT_ENUM, .flags = CC_PF_SCALAR | CC_PF_REQUIRED,
     .values = "get|create|update",
     .doc = "Whether to find, open or change a case; it selects the Connect action."},
    {.name = "template", .type = CC_PT_TEXT, .connect = "CaseTemplateId",
     .doc = "The case template a new case is created from."},
    {.name = "fields", .type = CC_PT_MAP, .connect = "CaseRequestFields",
     .doc = "Case fields to search by, or to write on the case."},
    {.name = "link_contact", .type = CC_PT_BOOL, .connect = "LinkContactToCase", .connect_values = "false|true",
     .doc = "Whether the contact is linked to the case it finds or creates."},
    END_PARAMS};

static const cc_param_spec change_routing_priority_params[] = {
    {.name = "priority", .type = CC_PT_INT, .min = 1, .max = INT64_MAX,
     .connect = "QueuePriority",
     .doc = "The new routing priority; lower numbers are routed first (contacts start at 5)."},
    {.name = "age", .type = CC_PT_DURATION, .min = -30 * DAY, .max = 30 * DAY,
     .connect = "QueueTimeAdjustmentSeconds",
     .doc = "How much older (positive) or younger (negative) the contact should look in queue."},
    END_PARAMS};

static const cc_param_spec check_contact_attributes_params[] = {
    {.name = "value", .type = CC_PT_REF, .flags = CC_PF_REQUIRED, .connect = "ComparisonValue",
     .doc = "The reference whose run-time value the cases compare."},
    {.name = "cases", .type = CC_PT_CASES, .flags = CC_PF_REQUIRED,
     .values = TEXT_OPS "|" NUMBER_OPS,
     .doc = "Comparisons tried in order; the first that holds picks the branch."},
    END_PARAMS};

static const cc_param_spec check_hours_params[] = {
    {.name = "hours", .type = CC_PT_HOURS, .flags = CC_PF_SCALAR | CC_PF_REF,
     .connect = "HoursOfOperationId",
     .doc = "The hours to check; the working queue's hours when omitted."},
    END_PARAMS};

static const cc_param_spec check_queue_status_params[] = {
    {.name = "metric", .type = CC_PT_ENUM, .flags = CC_PF_REQUIRED,
     .values = QMETRIC_NAMES, .connect = "MetricType", .connect_values = QMETRIC_METRICS,
     .doc = "Age in seconds of the oldest contact in queue, or the number of contacts queued."},
    {.name = "queue", .type = CC_PT_QUEUE, .flags = CC_PF_REF, .connect = "QueueId",
     .doc = "The queue to measure; the working queue when omitted."},
    {.name = "cases", .type = CC_PT_CASES, .flags = CC_PF_REQUIRED,
     .values = "equals|" NUMBER_OPS,
     .doc = "Numeric comparisons tried in order; the first that holds picks the branch."},
    END_PARAMS};

static const cc_param_spec check_staffing_params[] = {
    {.name = "status", .type = CC_PT_ENUM, .flags = CC_PF_SCALAR | CC_PF_REQUIRED,
     .values = STAFF_NAMES, .connect = "MetricType", .connect_values = STAFF_METRICS,
     .doc = "Which agents count: free to take the contact, staffed (also busy or in after-contact "
            "work), or merely online."},
    {.name = "queue", .type = CC_PT_QUEUE, .flags = CC_PF_REF, .connect = "QueueId",
     .doc = "The queue whose agents are counted; the working queue when omitted."},
    END_PARAMS};

static const cc_param_spec check_voice_id_params[] = {
    {.name = "check", .type = CC_PT_ENUM, .flags = CC_PF_SCALAR | CC_PF_REQUIRED,
     .values = "enrollment_status|voice_authentication|fraud_detection",
     .connect = "CheckVoiceIdOption", .connect_values = "enrollmentStatus|voiceAuthentication|fraudDetection",
     .doc = "Which Voice ID result to branch on."},
    END_PARAMS};

static const cc_param_spec contact_tags_params[] = {
    {.name = "tags", .type = CC_PT_MAP, .flags = CC_PF_REQUIRED, .connect = "Tags",
     .doc = "User-defined tags to put on the contact."},
    END_PARAMS};

static const cc_param_spec persistent_association_params[] = {
    {.name = "mode", .type = CC_PT_ENUM, .flags = CC_PF_SCALAR,
     .values = "entire_past_session|from_segment",
     .doc = "How much of the earlier chat is restored; the entire past session when omitted."},
    END_PARAMS};

static const cc_param_spec create_task_params[] = {
    {.name = "name", .type = CC_PT_TEXT, .flags = CC_PF_REQUIRED | CC_PF_REF, .connect = "Name",
     .doc = "The new task's name."},
    {.name = "description", .type = CC_PT_TEXT, .flags = CC_PF_REF, .connect = "Description",
     .doc = "The new task's description."},
    {.name = "flow", .type = CC_PT_FLOW, .flags = CC_PF_REF, .flow_types = FT(INBOUND), .connect = "ContactFlowId",
     .doc = "The inbound flow the new task starts in.", .label = "task", .verb = "creates a task in flow"},
    {.name = "template", .type = CC_PT_TEMPLATE, .connect = "TaskTemplateId",
     .doc = "The task template the new task is created from."},
    {.name = "attributes", .type = CC_PT_MAP, .connect = "Attributes",
     .doc = "Contact attributes of the new task."},
    {.name = "references", .type = CC_PT_REFERENCES, .connect = "References",
     .doc = "Typed references (URL, NUMBER, STRING, DATE, EMAIL) shown with the task."},
    {.name = "delay", .type = CC_PT_DURATION, .min = 1 * SEC, .max = 6 * DAY,
     .connect = "DelaySeconds",
     .doc = "How long after now the new task starts."},
    {.name = "scheduled", .type = CC_PT_VALUE, .flags = CC_PF_REF, .connect = "ScheduledTime",
     .doc = "When the new task starts, at most 6 days ahead; a time in the past takes error."},
    END_PARAMS};

static const cc_param_spec customer_profiles_params[] = {
    {.name = "action", .type = CC_PT_ENUM, .flags = CC_PF_SCALAR | CC_PF_REQUIRED,
     .values = "get|create|update",
     .doc = "Whether to find, create or change the profile; it selects the Connect action."},
    {.name = "fields", .type = CC_PT_MAP, .connect = "ProfileRequestData",
     .doc = "Search keys or profile fields to send; results appear under $.Customer."},
    END_PARAMS};

static const cc_param_spec distribute_params[] = {
    {.name = "cases", .type = CC_PT_CASES, .flags = CC_PF_SCALAR | CC_PF_REQUIRED,
     .values = "percent",
     .doc = "Shares of contacts, in percent, each with its target; the rest take default."},
    END_PARAMS};

static const cc_param_spec get_customer_input_params[] = {
    {.name = "text", .type = CC_PT_TEXT, .flags = CC_PF_REF, .connect = "Text",
     .doc = "The prompt played or sent before the customer answers."},
    {.name = "ssml", .type = CC_PT_TEXT, .flags = CC_PF_REF, .connect = "SSML",
     .doc = "The prompt as SSML (voice)."},
    {.name = "prompt", .type = CC_PT_TEXT, .flags = CC_PF_REF, .connect = "PromptId",
     .doc = "A recorded prompt of the instance, by name or id."},
    {.name = "timeout", .type = CC_PT_DURATION, .min = 1 * SEC, .max = 10 * MINUTE,
     .connect = "InputTimeLimitSeconds",
     .doc = "How long to wait for the customer's entry (default 5s)."},
    {.name = "lex_bot", .type = CC_PT_JSON, .connect = "LexV2Bot",
     .doc = "An Amazon Lex V2 bot that talks with the customer (`AliasArn`); its options are intent names."},
    {.name = "lex_v1_bot", .type = CC_PT_JSON, .connect = "LexBot",
     .doc = "An Amazon Lex (V1) bot (`Name`, `Region`, `Alias`); its options are intent names."},
    {.name = "options", .type = CC_PT_CASES, .values = "equals",
     .doc = "The entries to branch on: each a single key (0-9, * or #), or an intent name with a Lex bot."},
    END_PARAMS};

static const cc_param_spec get_queue_metrics_params[] = {
    {.name = "queue", .type = CC_PT_QUEUE, .flags = CC_PF_REF, .connect = "QueueId",
     .doc = "The queue to read; the working queue when omitted."},
    {.name = "channel", .type = CC_PT_ENUM, .values = "voice|chat|task|email",
     .connect = "QueueChannel", .connect_values = "Voice|Chat|Task|Email",
     .doc = "Only count contacts of this channel; every channel when omitted."},
    END_PARAMS};

static const cc_param_spec hold_params[] = {
    {.name = "state", .type = CC_PT_ENUM, .flags = CC_PF_SCALAR | CC_PF_REQUIRED,
     .values = "agent_on_hold|customer_on_hold|off_hold",
     .connect = "PreviousContactParticipantState", .connect_values = "AgentOnHold|CustomerOnHold|OffHold",
     .doc = "Who is put on hold, or off_hold to bring everyone back into the conversation."},
    END_PARAMS};

static const cc_param_spec invoke_lambda_params[] = {
    {.name = "function", .type = CC_PT_FUNCTION, .flags = CC_PF_REQUIRED | CC_PF_REF,
     .connect = "LambdaFunctionARN",
     .doc = "The function to call: a host function or a built-in ccflow:... one."},
    {.name = "timeout", .type = CC_PT_DURATION, .min = 1 * SEC, .max = 8 * SEC,
     .connect = "InvocationTimeLimitSeconds",
     .doc = "How long to wait for the answer before taking error (default 3s)."},
    {.name = "parameters", .type = CC_PT_MAP, .connect = "LambdaInvocationAttributes",
     .doc = "Named inputs passed to the function; its answer lands under $.External."},
    END_PARAMS};

static const cc_param_spec invoke_module_params[] = {
    {.name = "module", .type = CC_PT_FLOW, .flags = CC_PF_SCALAR | CC_PF_REQUIRED | CC_PF_REF,
     .flow_types = FT(MODULE), .connect = "FlowModuleId",
     .doc = "The flow module to run: a flow of type `module` of the bundle.", .label = "module",
     .verb = "invokes module"},
    END_PARAMS};

static const cc_param_spec loop_params[] = {
    {.name = "count", .type = CC_PT_INT, .flags = CC_PF_SCALAR | CC_PF_REQUIRED | CC_PF_REF, .min = 0,
     .max = 100, .connect = "LoopCount",
     .doc = "How many times looping is taken before complete."},
    END_PARAMS};

static const cc_param_spec loop_prompts_params[] = {
    {.name = "prompts", .type = CC_PT_PROMPTS, .flags = CC_PF_REQUIRED, .connect = "Messages",
     .doc = "The prompts played one after the other, over and over."},
    {.name = "interrupt", .type = CC_PT_DURATION, .min = 1 * SEC, .max = DAY,
     .connect = "InterruptFrequencySeconds",
     .doc = "How often the prompts stop to take timeout; never when omitted."},
    END_PARAMS};

static const cc_param_spec play_prompt_params[] = {
    {.name = "text", .type = CC_PT_TEXT, .flags = CC_PF_SCALAR | CC_PF_REF, .connect = "Text",
     .doc = "What is said or sent to the customer."},
    {.name = "ssml", .type = CC_PT_TEXT, .flags = CC_PF_REF, .connect = "SSML",
     .doc = "What is said, as SSML (voice); other channels get its text."},
    {.name = "prompt", .type = CC_PT_TEXT, .flags = CC_PF_REF, .connect = "PromptId",
     .doc = "A recorded prompt of the instance, by name or id (voice)."},
    {.name = "media", .type = CC_PT_JSON, .connect = "Media",
     .doc = "An audio file in S3 (`Uri`, `SourceType`, `MediaType`), kept as written."},
    END_PARAMS};

static const cc_param_spec set_callback_number_params[] = {
    {.name = "number", .type = CC_PT_REF, .flags = CC_PF_SCALAR | CC_PF_REQUIRED,
     .connect = "CallbackNumber",
     .doc = "A reference holding the E.164 number to call back."},
    END_PARAMS};

static const cc_param_spec set_contact_attributes_params[] = {
    {.name = "attributes", .type = CC_PT_MAP, .flags = CC_PF_WHOLE | CC_PF_REQUIRED,
     .connect = "Attributes",
     .doc = "Attribute names and their values, written all at once."},
    END_PARAMS};

static const cc_param_spec set_flow_attributes_params[] = {
    {.name = "attributes", .type = CC_PT_MAP, .flags = CC_PF_WHOLE | CC_PF_REQUIRED,
     .connect = "FlowAttributes",
     .doc = "Flow attribute names and their values, forgotten when the flow ends."},
    END_PARAMS};

static const cc_param_spec set_customer_queue_flow_params[] = {
    {.name = "flow", .type = CC_PT_FLOW, .flags = CC_PF_SCALAR | CC_PF_REQUIRED | CC_PF_REF,
     .flow_types = HOOK_CUSTOMER_QUEUE_FT, .connect = HOOK_CUSTOMER_QUEUE_KEY,
     .doc = "The customer queue flow that runs while the contact waits in queue.",
     .label = "customer queue", .verb = "sets customer queue flow"},
    END_PARAMS};

static const cc_param_spec set_disconnect_flow_params[] = {
    {.name = "flow", .type = CC_PT_FLOW, .flags = CC_PF_SCALAR | CC_PF_REQUIRED | CC_PF_REF,
     .flow_types = HOOK_DISCONNECT_FT, .connect = HOOK_DISCONNECT_KEY,
     .doc = "The inbound flow that runs when the contact is disconnected or expires.",
     .label = "disconnect", .verb = "sets disconnect flow"},
    END_PARAMS};

static const cc_param_spec set_event_flow_params[] = {
    {.name = "event", .type = CC_PT_ENUM, .flags = CC_PF_REQUIRED,
     .values = "default_agent_ui|disconnect_agent_ui|pause_contact|resume_contact",
     .doc = "The event that runs the flow; it picks the event hook key."},
    {.name = "flow", .type = CC_PT_FLOW, .flags = CC_PF_REQUIRED | CC_PF_REF, .flow_types = HOOK_EVENT_FT,
     .connect = HOOK_EVENT_KEY,
     .doc = "The inbound flow that runs on that event."},
    END_PARAMS};

static const cc_param_spec set_hold_flow_params[] = {
    {.name = "agent", .type = CC_PT_FLOW, .flags = CC_PF_REF, .flow_types = HOOK_AGENT_HOLD_FT,
     .connect = HOOK_AGENT_HOLD_KEY,
     .doc = "The agent hold flow that runs while the agent is on hold.",
     .label = "agent hold", .verb = "sets hold flow"},
    {.name = "customer", .type = CC_PT_FLOW, .flags = CC_PF_REF, .flow_types = HOOK_CUSTOMER_HOLD_FT,
     .connect = HOOK_CUSTOMER_HOLD_KEY,
     .doc = "The customer hold flow that runs while the customer is on hold.",
     .label = "customer hold", .verb = "sets hold flow"},
    END_PARAMS};

static const cc_param_spec set_logging_params[] = {
    {.name = "enabled", .type = CC_PT_BOOL, .flags = CC_PF_SCALAR | CC_PF_REQUIRED,
     .connect = "FlowLoggingBehavior", .connect_values = "Disabled|Enabled",
     .doc = "Whether flow logs are written from here on."},
    END_PARAMS};

static const cc_param_spec set_recording_params[] = {
    {.name = "record", .type = CC_PT_ENUM, .values = "agent|customer|both|none",
     /* Connect writes a list of participants: kept as written, not mapped */
     .doc = "Whose side of the conversation is recorded."},
    {.name = "analytics", .type = CC_PT_BOOL, .connect = "AnalyticsBehavior.Enabled", .connect_values = "False|True",
     .doc = "Whether conversation analytics run on the contact."},
    END_PARAMS};

/* The newer block's JSON is not documented: same choices, no Connect keys. */
static const cc_param_spec set_recording_processing_params[] = {
    {.name = "record", .type = CC_PT_ENUM, .values = "agent|customer|both|none",
     .doc = "Whose side of the conversation is recorded."},
    {.name = "analytics", .type = CC_PT_BOOL,
     .doc = "Whether conversation analytics run on the contact."},
    END_PARAMS};

static const cc_param_spec set_routing_criteria_params[] = {
    {.name = "criteria", .type = CC_PT_MAP, .flags = CC_PF_REQUIRED, .connect = "RoutingCriteria",
     .doc = "Predefined attribute names and the values an agent must have to get the contact."},
    {.name = "expiry", .type = CC_PT_DURATION, .min = 1 * SEC, .max = 30 * DAY,
     .doc = "How long the criteria hold before any agent of the queue may take the contact."},
    END_PARAMS};

static const cc_param_spec set_voice_params[] = {
    {.name = "voice", .type = CC_PT_TEXT, .flags = CC_PF_SCALAR | CC_PF_REQUIRED,
     .connect = "TextToSpeechVoice",
     .doc = "The text-to-speech voice, such as Joanna."},
    {.name = "engine", .type = CC_PT_ENUM, .values = "standard|neural|generative",
     .connect = "TextToSpeechEngine", .connect_values = "Standard|Neural|Generative",
     .doc = "The speech engine that renders the voice."},
    END_PARAMS};

static const cc_param_spec set_whisper_flow_params[] = {
    {.name = "agent", .type = CC_PT_FLOW, .flags = CC_PF_REF, .flow_types = HOOK_AGENT_WHISPER_FT,
     .connect = HOOK_AGENT_WHISPER_KEY,
     .doc = "The agent whisper flow played to the agent before the contact joins.",
     .label = "agent whisper", .verb = "sets agent whisper flow"},
    {.name = "customer", .type = CC_PT_FLOW, .flags = CC_PF_REF, .flow_types = HOOK_CUSTOMER_WHISPER_FT,
     .connect = HOOK_CUSTOMER_WHISPER_KEY,
     .doc = "The customer whisper flow played to the customer before the agent joins.",
     .label = "customer whisper", .verb = "sets customer whisper flow"},
    END_PARAMS};

static const cc_param_spec set_working_queue_params[] = {
    {.name = "queue", .type = CC_PT_QUEUE, .flags = CC_PF_SCALAR | CC_PF_REQUIRED | CC_PF_REF,
     .connect = "QueueId",
     .doc = "The queue later queue blocks use."},
    END_PARAMS};

static const cc_param_spec show_view_params[] = {
    {.name = "view", .type = CC_PT_TEXT, .flags = CC_PF_SCALAR | CC_PF_REQUIRED, .connect = "ViewResource.Id",
     .doc = "The view shown to the customer."},
    {.name = "inputs", .type = CC_PT_JSON, .connect = "ViewData",
     .doc = "Values handed to the view, kept as written."},
    {.name = "timeout", .type = CC_PT_DURATION, .min = 1 * SEC, .max = 7 * DAY,
     .connect = "InvocationTimeLimitSeconds",
     .doc = "How long the view waits for the customer before timeout."},
    {.name = "choices", .type = CC_PT_CASES, .values = "equals",
     .doc = "The actions the customer can take in the view (Next, ActionSelected...), each with its target."},
    END_PARAMS};

static const cc_param_spec start_media_streaming_params[] = {
    {.name = "direction", .type = CC_PT_ENUM, .values = "from_customer|to_customer|both",
     /* Connect writes a list of participants and directions: kept as written */
     .doc = "Which audio of the customer is streamed; both when omitted."},
    END_PARAMS};

static const cc_param_spec store_customer_input_params[] = {
    {.name = "text", .type = CC_PT_TEXT, .flags = CC_PF_REF, .connect = "Text",
     .doc = "The prompt played before the customer types."},
    {.name = "ssml", .type = CC_PT_TEXT, .flags = CC_PF_REF, .connect = "SSML",
     .doc = "The prompt as SSML."},
    {.name = "prompt", .type = CC_PT_TEXT, .flags = CC_PF_REF, .connect = "PromptId",
     .doc = "A recorded prompt of the instance, by name or id."},
    {.name = "max_digits", .type = CC_PT_INT, .min = 1, .max = 20,
     .connect = "InputValidation.CustomValidation.MaximumLength",
     .doc = "The most digits accepted."},
    {.name = "timeout", .type = CC_PT_DURATION, .min = 1 * SEC, .max = 10 * MINUTE,
     .connect = "InputTimeLimitSeconds",
     .doc = "How long to wait for the entry (default 5s); the stored input is then Timeout."},
    END_PARAMS};

static const cc_param_spec transfer_to_flow_params[] = {
    {.name = "flow", .type = CC_PT_FLOW, .flags = CC_PF_SCALAR | CC_PF_REQUIRED | CC_PF_REF,
     .flow_types = FT(INBOUND) | FT_TRANSFERS, .connect = "ContactFlowId",
     .doc = "The inbound or transfer flow the contact continues in.", .label = "transfer",
     .verb = "transfers to flow"},
    END_PARAMS};

static const cc_param_spec transfer_to_phone_number_params[] = {
    {.name = "number", .type = CC_PT_TEXT, .flags = CC_PF_SCALAR | CC_PF_REQUIRED | CC_PF_REF,
     .connect = "ThirdPartyPhoneNumber",
     .doc = "The E.164 number to call."},
    {.name = "timeout", .type = CC_PT_DURATION, .min = 0, .max = 600 * SEC,
     .connect = "ThirdPartyConnectionTimeLimitSeconds",
     .doc = "How long the call may ring before timeout."},
    {.name = "resume", .type = CC_PT_BOOL, .connect = "ContinueFlowExecution", .connect_values = "False|True",
     .doc = "Whether the flow goes on after the call; otherwise it ends once connected."},
    {.name = "caller_id", .type = CC_PT_TEXT, .flags = CC_PF_REF, .connect = "CallerId.Number",
     .doc = "The number shown to the party called."},
    END_PARAMS};

static const cc_param_spec transfer_to_queue_params[] = {
    {.name = "queue", .type = CC_PT_QUEUE, .flags = CC_PF_REF, .connect = "QueueId",
     .doc = "The queue to move to, in customer queue flows; the working queue otherwise."},
    END_PARAMS};

static const cc_param_spec wait_params[] = {
    {.name = "duration", .type = CC_PT_DURATION, .flags = CC_PF_SCALAR | CC_PF_REQUIRED | CC_PF_REF,
     .min = 0, .max = 7 * DAY, .connect = "TimeLimitSeconds",
     .doc = "How long to wait before timeout; a reference holds seconds, read when the block runs (error when it is no time of 0 to 7 days)."},
    END_PARAMS};

static const cc_param_spec send_message_params[] = {
    {.name = "text", .type = CC_PT_TEXT, .flags = CC_PF_SCALAR | CC_PF_REQUIRED | CC_PF_REF,
     .doc = "The message to send."},
    {.name = "to", .type = CC_PT_VALUE, .flags = CC_PF_REF,
     .doc = "The phone number or address to send to; the customer's when omitted."},
    END_PARAMS};

/* StartOutboundChatContact: the devguide's contact-actions-startoutboundchatcontact page (SMS only:
 * the source must be an instance number's ARN, the destination a telephone number). */
static const cc_param_spec start_outbound_chat_contact_params[] = {
    {.name = "to", .type = CC_PT_TEXT, .flags = CC_PF_SCALAR | CC_PF_REQUIRED | CC_PF_REF,
     .connect = "DestinationEndpoint.Address",
     .doc = "The customer's phone number (E.164) the SMS chat goes to."},
    {.name = "from", .type = CC_PT_TEXT, .flags = CC_PF_REF, .connect = "SourceEndpoint.Address",
     .doc = "The ARN of the instance's phone number the SMS comes from."},
    {.name = "flow", .type = CC_PT_TEXT, .flags = CC_PF_REF, .connect = "ContactFlowArn",
     .doc = "The ARN of the flow the new chat contact runs (kept as written: the new contact is not simulated)."},
    {.name = "message", .type = CC_PT_TEXT, .flags = CC_PF_REF, .connect = "InitialSystemMessage.Content",
     .doc = "A first system message sent to the customer."},
    END_PARAMS};

static const cc_param_spec connect_action_params[] = {
    {.name = "type", .type = CC_PT_TEXT, .flags = CC_PF_SCALAR | CC_PF_REQUIRED,
     .doc = "The Connect action type, as Amazon Connect spells it."},
    {.name = "parameters", .type = CC_PT_JSON,
     .doc = "The action's Parameters object, kept as written."},
    {.name = "cases", .type = CC_PT_CASES, .values = TEXT_OPS "|" NUMBER_OPS,
     .doc = "The action's conditions, in order, each with its target."},
    END_PARAMS};

static const cc_param_spec update_contact_data_params[] = {
    {.name = "name", .type = CC_PT_TEXT, .flags = CC_PF_REF, .connect = "Name",
     .doc = "The contact's (task's) new name."},
    {.name = "description", .type = CC_PT_TEXT, .flags = CC_PF_REF, .connect = "Description",
     .doc = "The contact's new description."},
    {.name = "language", .type = CC_PT_TEXT, .flags = CC_PF_REF, .connect = "LanguageCode",
     .doc = "The contact's language, such as en-US."},
    {.name = "customer_id", .type = CC_PT_TEXT, .flags = CC_PF_REF, .connect = "CustomerId",
     .doc = "The customer's id in the organisation's own systems."},
    {.name = "settings", .type = CC_PT_JSON,
     .doc = "Other Connect-defined fields (Voice ID settings, WisdomSessionArn...), kept as written."},
    END_PARAMS};

static const cc_param_spec create_callback_params[] = {
    {.name = "queue", .type = CC_PT_QUEUE, .flags = CC_PF_REF, .connect = "QueueId",
     .doc = "The queue the callback waits in; the working queue when omitted."},
    {.name = "delay", .type = CC_PT_DURATION, .min = 1 * SEC, .max = 3 * DAY,
     .connect = "InitialCallDelaySeconds",
     .doc = "How long before the first call is placed."},
    {.name = "attempts", .type = CC_PT_INT, .min = 0, .max = 100,
     .connect = "MaximumConnectionAttempts",
     .doc = "How many times the customer is called at most."},
    {.name = "retry", .type = CC_PT_DURATION, .min = 1 * SEC, .max = 3 * DAY,
     .connect = "RetryDelaySeconds",
     .doc = "How long between two attempts."},
    END_PARAMS};

/* ---- blocks ----
 * One entry per row of ../shared/reference/blocks.tsv, in its order (Set contact attributes
 * gives three kinds). `next` is never listed in `branches`: every kind accepts it, and kinds
 * with CC_BK_NEXT_KEPT have no success path to take it. Connect keys on parameters are keys of
 * the action's Parameters object, dotted where nested (EventHooks.CustomerQueue). */

const cc_block_spec cc_blocks[] = {
    {.kind = "amazon_q_in_connect", .ui_name = "Amazon Q in Connect",
     .actions = "CreateWisdomSession", .support = SUPPORT(YES, YES, NO_ERROR, YES),
     .flow_types = FT_ROUTING | FT(OUTBOUND_WHISPER), .branches = "error",
     .params = amazon_q_params,
     .doc = "Starts an Amazon Q in Connect session that assists the agent during the contact."},
    {.kind = "authenticate_customer", .ui_name = "Authenticate Customer", .actions = "",
     .support = SUPPORT(NO_ERROR, YES, NO_ERROR, NO_ERROR), .flow_types = CC_FT_ALL,
     .branches = "error", .params = no_params,
     .doc = "Asks a chat customer to sign in before the flow goes on."},
    {.kind = "call_phone_number", .ui_name = "Call phone number",
     .actions = "CompleteOutboundCall", .support = SUPPORT(YES, NO_ERROR, NO_ERROR, NO_ERROR),
     .flow_types = FT(OUTBOUND_WHISPER), .branches = "", .params = call_phone_number_params,
     .doc = "Places the outbound call an agent started; if it fails the flow ends."},
    {.kind = "cases", .ui_name = "Cases", .actions = "GetCase|CreateCase|UpdateCase",
     .support = SUPPORT(YES, YES, YES, YES), .flow_types = CC_FT_ALL,
     .branches = "contact_not_linked|multiple_found|none_found|error",
     .params = cases_block_params,
     .doc = "Finds, opens or updates an Amazon Connect case for the contact."},
    {.kind = "change_routing_priority", .op = CC_OP_SET_PRIORITY, .ui_name = "Change routing priority / age",
     .actions = "UpdateContactRoutingBehavior", .support = SUPPORT(YES, YES, YES, YES),
     .flow_types = FT_ROUTING, .branches = "", .flags = CC_BK_TASK_SET,
     .params = change_routing_priority_params, .exclusive = "!priority|age",
     .doc = "Sets the contact's routing priority, or shifts its age in queue."},
    {.kind = "check_call_progress", .ui_name = "Check call progress",
     .actions = "CheckOutboundCallStatus", .support = SUPPORT(YES, NO_ERROR, NO_ERROR, NO_ERROR),
     .flow_types = CC_FT_ALL,
     .branches = "call_answered|voicemail_beep|voicemail_no_beep|not_detected|error",
     .flags = CC_BK_NEXT_KEPT, .params = no_params,
     .doc = "Branches on who answered an outbound campaign call."},
    {.kind = "check_contact_attributes", .op = CC_OP_COMPARE, .ui_name = "Check contact attributes",
     .actions = "Compare", .support = SUPPORT(YES, YES, YES, YES), .flow_types = CC_FT_ALL,
     .branches = "cases|no_match", .flags = CC_BK_TASK_SET | CC_BK_NEXT_KEPT,
     .params = check_contact_attributes_params,
     .doc = "Compares a run-time value with each case in turn and follows the first that holds."},
    {.kind = "check_hours_of_operation", .op = CC_OP_CHECK_HOURS, .ui_name = "Check hours of operation",
     .actions = "CheckHoursOfOperation", .support = SUPPORT(YES, YES, YES, YES),
     .flow_types = FT_ROUTING, .branches = "in_hours|out_of_hours|error",
     .flags = CC_BK_TASK_SET | CC_BK_QUEUE_DEP | CC_BK_NEXT_KEPT, .params = check_hours_params,
     .queue_param = "hours",
     .doc = "Branches on whether the current time falls within the hours of operation."},
    {.kind = "check_queue_status", .op = CC_OP_CHECK_QUEUE, .ui_name = "Check queue status", .actions = "CheckMetricData",
     .support = SUPPORT(YES, YES, YES, YES), .flow_types = FT_ROUTING,
     .branches = "cases|no_match|error",
     .flags = CC_BK_TASK_SET | CC_BK_QUEUE_DEP | CC_BK_NEXT_KEPT,
     .params = check_queue_status_params, .queue_param = "queue",
     .doc = "Branches on a queue's size or on the age of its oldest contact."},
    {.kind = "check_staffing", .op = CC_OP_CHECK_STAFFING, .ui_name = "Check staffing", .actions = "CheckMetricData",
     .support = SUPPORT(YES, YES, YES, YES), .flow_types = FT_ROUTING,
     .branches = "true|false|error", .flags = CC_BK_TASK_SET | CC_BK_QUEUE_DEP | CC_BK_NEXT_KEPT,
     .params = check_staffing_params, .queue_param = "queue",
     .doc = "Branches on whether at least one agent of the queue is available, staffed or online."},
    {.kind = "check_voice_id", .ui_name = "Check Voice ID", .actions = "CheckVoiceId",
     .support = SUPPORT(YES, NO_ERROR, NO_ERROR, NO_ERROR),
     .flow_types = FT_ROUTING | FT(CUSTOMER_WHISPER) | FT(OUTBOUND_WHISPER) | FT(AGENT_WHISPER),
     .branches = "enrolled|not_enrolled|opted_out|authenticated|not_authenticated|inconclusive|"
                 "high_risk|low_risk|error",
     .flags = CC_BK_NEXT_KEPT, .params = check_voice_id_params,
     .doc = "Branches on the caller's Voice ID enrollment, authentication or fraud result."},
    {.kind = "contact_tags", .ui_name = "Contact tags", .actions = "TagContact|UnTagContact",
     .support = SUPPORT(YES, YES, YES, YES), .flow_types = CC_FT_ALL, .branches = "error",
     .params = contact_tags_params,
     .doc = "Puts user-defined tags on the contact, for billing and access control."},
    {.kind = "create_persistent_contact_association",
     .ui_name = "Create persistent contact association", .actions = "",
     .support = SUPPORT(NO_ERROR, YES, NO_ERROR, NO_ERROR), .flow_types = CC_FT_ALL,
     .branches = "error", .params = persistent_association_params,
     .doc = "Restores an earlier chat's transcript so the conversation goes on where it stopped."},
    {.kind = "create_task", .op = CC_OP_CREATE_TASK, .ui_name = "Create task", .actions = "CreateTask",
     .support = SUPPORT(YES, YES, YES, YES), .flow_types = CC_FT_ALL, .branches = "error",
     .flags = CC_BK_TASK_SET, .params = create_task_params,
     .exclusive = "!flow|template;delay|scheduled",
     .doc = "Creates a task linked to the contact, now or later; its id is in $.Task.ContactId."},
    {.kind = "customer_profiles", .ui_name = "Customer profiles",
     .actions = "GetCustomerProfile|CreateCustomerProfile|UpdateCustomerProfile",
     .support = SUPPORT(YES, YES, YES, YES), .flow_types = CC_FT_ALL,
     .branches = "multiple_found|none_found|error", .params = customer_profiles_params,
     .doc = "Finds, creates or updates the customer's profile."},
    {.kind = "disconnect", .op = CC_OP_DISCONNECT, .ui_name = "Disconnect / hang up", .actions = "DisconnectParticipant",
     .support = SUPPORT(YES, YES, YES, YES), .flow_types = FT_ROUTING, .branches = "",
     .flags = CC_BK_TASK_SET | CC_BK_TERMINAL | CC_BK_NEXT_KEPT, .params = no_params,
     .doc = "Ends the contact; for a task, ends the task."},
    {.kind = "distribute_by_percentage", .op = CC_OP_DISTRIBUTE, .ui_name = "Distribute by percentage",
     .actions = "DistributeByPercentage", .support = SUPPORT(YES, YES, YES, YES),
     .flow_types = FT_ROUTING | FT(OUTBOUND_WHISPER), .branches = "cases|default",
     .flags = CC_BK_TASK_SET | CC_BK_NEXT_KEPT, .params = distribute_params,
     .doc = "Sends contacts down its branches at random, in the given proportions."},
    {.kind = "end_flow", .op = CC_OP_END_FLOW, .ui_name = "End flow / Resume", .actions = "EndFlowExecution",
     .support = SUPPORT(YES, YES, YES, YES), .flow_types = CC_FT_ALL, .branches = "",
     .flags = CC_BK_TASK_SET | CC_BK_TERMINAL | CC_BK_NEXT_KEPT, .params = no_params,
     .doc = "Ends this flow; what happens next depends on the flow type."},
    {.kind = "get_customer_input", .op = CC_OP_GET_INPUT, .ui_name = "Get customer input",
     .actions = "GetParticipantInput|ConnectParticipantWithLexBot",
     .support = SUPPORT(YES, YES, NO_ERROR, NO_ERROR), .flow_types = FT_ROUTING,
     .branches = "cases|timeout|no_match|error", .flags = CC_BK_SUSPENDS | CC_BK_NEXT_KEPT,
     .params = get_customer_input_params, .exclusive = "!text|ssml|prompt;lex_bot|lex_v1_bot",
     .doc = "Prompts the customer and branches on the key they press."},
    {.kind = "get_queue_metrics", .op = CC_OP_GET_METRICS, .ui_name = "Get queue metrics", .actions = "GetMetricData",
     .support = SUPPORT(YES, YES, YES, YES), .flow_types = CC_FT_ALL, .branches = "error",
     .flags = CC_BK_TASK_SET, .params = get_queue_metrics_params,
     .doc = "Reads a queue's real-time metrics into $.Metrics for later blocks."},
    {.kind = "hold_customer_or_agent", .ui_name = "Hold customer or agent",
     .actions = "UpdatePreviousContactParticipantState",
     .support = SUPPORT(YES, NO_ERROR, NO_ERROR, NO_ERROR),
     .flow_types = FT(INBOUND) | FT(OUTBOUND_WHISPER) | FT_TRANSFERS, .branches = "error",
     .params = hold_params,
     .doc = "Puts the customer or the agent on hold, or takes both off hold."},
    {.kind = "invoke_lambda", .op = CC_OP_INVOKE, .ui_name = "Invoke AWS Lambda function",
     .actions = "InvokeLambdaFunction", .support = SUPPORT(YES, YES, YES, YES),
     .flow_types = CC_FT_ALL, .branches = "error",
     .flags = CC_BK_TASK_SET | CC_BK_SUSPENDS, .params = invoke_lambda_params,
     .doc = "Calls a function and waits for its answer, which lands under $.External."},
    {.kind = "invoke_module", .op = CC_OP_CALL_MODULE, .ui_name = "Invoke module", .actions = "InvokeFlowModule",
     .support = SUPPORT(YES, YES, YES, YES), .flow_types = FT(INBOUND), .branches = "error",
     .flags = CC_BK_SUSPENDS, .params = invoke_module_params,
     .doc = "Runs a flow module and comes back to `next` when the module returns; `error` when it cannot start."},
    {.kind = "loop", .op = CC_OP_LOOP, .ui_name = "Loop", .actions = "Loop", .support = SUPPORT(YES, YES, YES, YES),
     .flow_types = CC_FT_ALL, .branches = "looping|complete|error",
     .flags = CC_BK_TASK_SET | CC_BK_LOOP | CC_BK_NEXT_KEPT, .params = loop_params,
     .doc = "Counts passes: takes looping `count` times, then complete once, and starts over."},
    {.kind = "loop_prompts", .op = CC_OP_LOOP_PROMPTS, .ui_name = "Loop prompts", .actions = "MessageParticipantIteratively",
     .support = SUPPORT(YES, NO_ERROR, NO_ERROR, NO_ERROR),
     .flow_types = FT(CUSTOMER_QUEUE) | FT(CUSTOMER_HOLD) | FT(AGENT_HOLD),
     .branches = "timeout|error", .flags = CC_BK_SUSPENDS | CC_BK_NEXT_KEPT,
     .params = loop_prompts_params,
     .doc = "Plays prompts in a loop while the caller waits, breaking off at each interrupt."},
    {.kind = "play_prompt", .op = CC_OP_PROMPT, .ui_name = "Play prompt", .actions = "MessageParticipant",
     .support = SUPPORT(YES, YES, NO_SUCCESS, YES),
     .flow_types = FT_ROUTING | FT(CUSTOMER_WHISPER) | FT(AGENT_WHISPER) | FT(OUTBOUND_WHISPER), .branches = "error",
     .params = play_prompt_params, .exclusive = "!text|ssml|prompt|media",
     .doc = "Says a prompt to a caller or sends it as a chat message."},
    {.kind = "resume_contact", .ui_name = "Resume contact", .actions = "ResumeContact",
     .support = SUPPORT(NO_ERROR, NO_ERROR, YES, NO_ERROR), .flow_types = CC_FT_ALL,
     .branches = "error", .params = no_params,
     .doc = "Resumes a paused task."},
    {.kind = "return", .op = CC_OP_RETURN, .ui_name = "Return", .actions = "EndFlowModuleExecution",
     .support = SUPPORT(YES, YES, YES, YES), .flow_types = FT(MODULE), .branches = "",
     .flags = CC_BK_TERMINAL | CC_BK_NEXT_KEPT, .params = no_params,
     .doc = "Ends a flow module and goes back to the flow that invoked it."},
    {.kind = "set_callback_number", .ui_name = "Set callback number",
     .actions = "UpdateContactCallbackNumber",
     .support = SUPPORT(YES, NO_ERROR, NO_ERROR, NO_ERROR),
     .flow_types = FT_ROUTING, .branches = "invalid_number|not_dialable",
     .params = set_callback_number_params,
     .doc = "Sets the number a queued callback will dial."},
    {.kind = "set_contact_attributes", .op = CC_OP_SET_ATTRIBUTES, .ui_name = "Set contact attributes",
     .actions = "UpdateContactAttributes", .support = SUPPORT(YES, YES, YES, YES),
     .flow_types = CC_FT_ALL, .branches = "error", .flags = CC_BK_TASK_SET,
     .params = set_contact_attributes_params,
     .doc = "Sets user-defined attributes of the current contact."},
    {.kind = "set_related_contact_attributes", .op = CC_OP_SET_ATTRIBUTES, .ui_name = "Set contact attributes",
     .actions = "UpdateContactAttributes", .support = SUPPORT(YES, YES, YES, YES),
     .flow_types = CC_FT_ALL, .branches = "error", .flags = CC_BK_TASK_SET,
     .params = set_contact_attributes_params,
     .doc = "Sets user-defined attributes of the related contact: its RelatedContactId (a create_task block relates the task it makes to the contact that ran it), else its PreviousContactId. Takes error when there is none or it has ended."},
    {.kind = "set_flow_attributes", .op = CC_OP_SET_ATTRIBUTES, .ui_name = "Set contact attributes",
     .actions = "UpdateFlowAttributes", .support = SUPPORT(YES, YES, YES, YES),
     .flow_types = CC_FT_ALL, .branches = "error", .flags = CC_BK_TASK_SET,
     .params = set_flow_attributes_params,
     .doc = "Sets attributes that last only until this flow ends."},
    {.kind = "set_customer_queue_flow", .op = CC_OP_SET_HOOK, .ui_name = "Set customer queue flow",
     .actions = "UpdateContactEventHooks", .support = SUPPORT(YES, YES, YES, YES),
     .flow_types = FT(INBOUND) | FT_TRANSFERS, .branches = "error", .flags = CC_BK_TASK_SET,
     .params = set_customer_queue_flow_params,
     .doc = "Chooses the flow the contact runs while it waits in queue."},
    {.kind = "set_disconnect_flow", .op = CC_OP_SET_HOOK, .ui_name = "Set disconnect flow",
     .actions = "UpdateContactEventHooks", .support = SUPPORT(YES, YES, YES, YES),
     .flow_types = CC_FT_ALL, .branches = "error", .flags = CC_BK_TASK_SET,
     .params = set_disconnect_flow_params,
     .doc = "Chooses the flow that runs when the contact is disconnected or expires."},
    {.kind = "set_event_flow", .ui_name = "Set event flow", .actions = "UpdateContactEventHooks",
     .support = SUPPORT(YES, YES, YES, YES), .flow_types = CC_FT_ALL, .branches = "error",
     .params = set_event_flow_params,
     .doc = "Chooses the flow that runs on an agent-UI or pause/resume event of the contact."},
    {.kind = "set_hold_flow", .op = CC_OP_SET_HOOK, .ui_name = "Set hold flow", .actions = "UpdateContactEventHooks",
     .support = SUPPORT(YES, NO_ERROR, NO_ERROR, NO_ERROR),
     .flow_types = FT_ROUTING | FT(OUTBOUND_WHISPER), .branches = "error",
     .params = set_hold_flow_params, .exclusive = "!agent|customer",
     .doc = "Chooses the flow that runs while the agent or the customer is on hold."},
    {.kind = "set_logging_behavior", .ui_name = "Set logging behavior",
     .actions = "UpdateFlowLoggingBehavior", .support = SUPPORT(YES, YES, YES, YES),
     .flow_types = CC_FT_ALL, .branches = "", .params = set_logging_params,
     .doc = "Turns flow logging on or off for the rest of the contact."},
    {.kind = "set_recording_and_analytics_behavior",
     .ui_name = "Set recording and analytics behavior",
     .actions = "UpdateContactRecordingBehavior|UpdateContactRecordingAndAnalyticsBehavior",
     .support = SUPPORT(YES, YES, NO_ERROR, YES),
     .flow_types = FT_ROUTING | FT(OUTBOUND_WHISPER), .branches = "",
     .params = set_recording_params,
     .doc = "Chooses what is recorded and whether analytics run (older block)."},
    {.kind = "set_recording_analytics_and_processing_behavior",
     .ui_name = "Set recording, analytics and processing behavior", .actions = "",
     .support = SUPPORT(YES, YES, YES, YES), .flow_types = CC_FT_ALL, .branches = "error",
     .params = set_recording_processing_params,
     .doc = "Chooses what is recorded, analysed and processed for the contact."},
    {.kind = "set_routing_criteria", .ui_name = "Set routing criteria",
     .actions = "UpdateRoutingCriteria", .support = SUPPORT(YES, YES, YES, YES),
     .flow_types = CC_FT_ALL, .branches = "error", .params = set_routing_criteria_params,
     .doc = "Makes the contact wait for an agent with these proficiencies (all of them) while the criteria hold: for `expiry` once queued, for good without; then any agent of its queue may take it. Other contacts go ahead meanwhile."},
    {.kind = "set_voice", .ui_name = "Set voice", .actions = "UpdateContactTextToSpeechVoice",
     .support = SUPPORT(YES, NO_SUCCESS, NO_SUCCESS, YES), .flow_types = CC_FT_ALL,
     .branches = "", .params = set_voice_params,
     .doc = "Chooses the text-to-speech voice of later prompts."},
    {.kind = "set_voice_id", .ui_name = "Set Voice ID", .actions = "StartVoiceIdStream",
     .support = SUPPORT(YES, NO_ERROR, NO_ERROR, NO_ERROR),
     .flow_types = FT_ROUTING | FT(CUSTOMER_WHISPER) | FT(OUTBOUND_WHISPER) | FT(AGENT_WHISPER),
     .branches = "error", .params = no_params,
     .doc = "Starts streaming the caller's audio to Voice ID."},
    {.kind = "set_whisper_flow", .op = CC_OP_SET_HOOK, .ui_name = "Set whisper flow",
     .actions = "UpdateContactEventHooks", .support = SUPPORT(YES, YES, YES, YES),
     .flow_types = FT_ROUTING, .branches = "error", .params = set_whisper_flow_params,
     .exclusive = "!agent|customer",
     .doc = "Chooses the whisper flow played to the agent or to the customer when they meet."},
    {.kind = "set_working_queue", .op = CC_OP_SET_QUEUE, .ui_name = "Set working queue",
     .actions = "UpdateContactTargetQueue", .support = SUPPORT(YES, YES, YES, YES),
     .flow_types = FT(INBOUND) | FT_TRANSFERS, .branches = "error",
     .flags = CC_BK_TASK_SET | CC_BK_SETS_QUEUE, .params = set_working_queue_params,
     .doc = "Sets the queue that later queue blocks use by default."},
    {.kind = "show_view", .ui_name = "Show view", .actions = "ShowView",
     .support = SUPPORT(NO_ERROR, YES, NO_ERROR, YES), .flow_types = CC_FT_ALL,
     .branches = "cases|back|no_match|timeout|error", .flags = CC_BK_SUSPENDS, .params = show_view_params,
     .doc = "Shows a view, such as a form, and branches on how the customer leaves it."},
    {.kind = "start_media_streaming", .ui_name = "Start media streaming",
     .actions = "UpdateContactMediaStreamingBehavior",
     .support = SUPPORT(YES, NO_ERROR, NO_ERROR, NO_ERROR),
     .flow_types = FT_ROUTING | FT(CUSTOMER_WHISPER) | FT(OUTBOUND_WHISPER) | FT(AGENT_WHISPER),
     .branches = "error", .params = start_media_streaming_params,
     .doc = "Starts streaming the customer's audio to Kinesis Video Streams."},
    {.kind = "stop_media_streaming", .ui_name = "Stop media streaming",
     .actions = "UpdateContactMediaStreamingBehavior",
     .support = SUPPORT(YES, NO_ERROR, NO_ERROR, NO_ERROR),
     .flow_types = FT_ROUTING | FT(CUSTOMER_WHISPER) | FT(OUTBOUND_WHISPER) | FT(AGENT_WHISPER),
     .branches = "error", .params = no_params,
     .doc = "Stops streaming the customer's audio."},
    {.kind = "store_customer_input", .op = CC_OP_STORE_INPUT, .ui_name = "Store customer input",
     .actions = "GetParticipantInput", .support = SUPPORT(YES, NO_ERROR, NO_ERROR, NO_ERROR),
     .flow_types = FT_ROUTING, .branches = "error|invalid_number", .flags = CC_BK_SUSPENDS,
     .params = store_customer_input_params, .exclusive = "!text|ssml|prompt",
     .doc = "Prompts the caller for several digits and keeps them as the stored customer input."},
    {.kind = "transfer_to_agent", .ui_name = "Transfer to agent (beta)",
     .actions = "TransferContactToAgent", .support = SUPPORT(YES, NO_ERROR, NO_ERROR, NO_ERROR),
     .flow_types = FT_TRANSFERS, .branches = "", .flags = CC_BK_TERMINAL | CC_BK_NEXT_KEPT,
     .params = no_params,
     .doc = "Connects the call straight to the agent of the transfer; the flow ends."},
    {.kind = "transfer_to_flow", .op = CC_OP_TRANSFER_FLOW, .ui_name = "Transfer to flow", .actions = "TransferToFlow",
     .support = SUPPORT(YES, YES, YES, YES), .flow_types = FT(INBOUND) | FT_TRANSFERS,
     .branches = "error", .flags = CC_BK_TASK_SET | CC_BK_TERMINAL | CC_BK_NEXT_KEPT,
     .params = transfer_to_flow_params,
     .doc = "Ends this flow and continues the contact in another one."},
    {.kind = "transfer_to_phone_number", .ui_name = "Transfer to phone number",
     .actions = "TransferParticipantToThirdParty",
     .support = SUPPORT(YES, NO_ERROR, NO_ERROR, NO_ERROR), .flow_types = FT_ROUTING,
     .branches = "call_failed|timeout|error", .params = transfer_to_phone_number_params,
     .doc = "Calls an outside number and bridges the caller to it."},
    {.kind = "transfer_to_queue", .op = CC_OP_TRANSFER_QUEUE, .ui_name = "Transfer to queue",
     .actions = "TransferContactToQueue|DequeueContactAndTransferToQueue",
     .support = SUPPORT(YES, YES, YES, YES), .flow_types = FT_ROUTING,
     .branches = "at_capacity|error",
     .flags = CC_BK_TASK_SET | CC_BK_SUSPENDS | CC_BK_QUEUE_DEP | CC_BK_NEXT_KEPT,
     .params = transfer_to_queue_params, .queue_param = "queue",
     .doc = "Puts the contact in queue for an agent, which ends the flow on success."},
    {.kind = "wait", .op = CC_OP_WAIT, .ui_name = "Wait", .actions = "Wait", .support = SUPPORT(YES, YES, YES, YES),
     .flow_types = FT(INBOUND) | FT(CUSTOMER_QUEUE), .branches = "timeout|error|customer_returned",
     .flags = CC_BK_TASK_SET | CC_BK_SUSPENDS | CC_BK_NEXT_KEPT, .params = wait_params,
     .doc = "Holds the contact for a time; a chat customer who writes again ends it early."},
    {.kind = "update_contact_data", .ui_name = "Set contact attributes",
     .actions = "UpdateContactData", .support = SUPPORT(YES, YES, YES, YES),
     .flow_types = CC_FT_ALL, .branches = "error", .params = update_contact_data_params,
     .doc = "Sets Connect-defined fields of the contact (name, description, language, customer id, Voice ID settings)."},
    {.kind = "create_callback", .ui_name = "Transfer to queue",
     .actions = "CreateCallbackContact", .support = SUPPORT(YES, NO_ERROR, NO_ERROR, NO_ERROR),
     .flow_types = FT_ROUTING, .branches = "error", .params = create_callback_params,
     .doc = "Queues a callback to the caller's number (the Transfer to queue block's callback tab)."},
    {.kind = "connect_action", .ui_name = "(any other Connect action)", .actions = "",
     .support = SUPPORT(YES, YES, YES, YES), .flow_types = CC_FT_ALL | FT(MODULE),
     .branches = "cases|no_match|error", .flags = CC_BK_OPAQUE, .params = connect_action_params,
     .doc = "An Amazon Connect action that ccflow does not model (seen in console exports, or newer than the catalogue): kept with its parameters for export; at run time it takes `next`."},
    {.kind = "get_stored_content", .ui_name = "Get stored content", .actions = "",
     .support = SUPPORT(YES, YES, YES, YES), .flow_types = CC_FT_ALL, .branches = "error",
     .params = no_params,
     .doc = "Reads stored content for later blocks (not confirmed in Connect's documentation)."},
    {.kind = "send_message", .ui_name = "Send message", .actions = "",
     .support = SUPPORT(YES, YES, YES, YES), .flow_types = CC_FT_ALL, .branches = "error",
     .params = send_message_params,
     .doc = "Sends an outbound SMS or email message."},
    /* appended, not in alphabetical order: bundles name a kind by its index in this table */
    {.kind = "start_outbound_chat_contact", .ui_name = "Send message", .actions = "StartOutboundChatContact",
     .support = SUPPORT(YES, YES, YES, YES), .flow_types = CC_FT_ALL, .branches = "error",
     .params = start_outbound_chat_contact_params,
     .doc = "Starts a new SMS chat contact with the customer (Connect's StartOutboundChatContact, the Send "
            "message block's SMS form); the flow goes on through `next`, the new contact runs elsewhere."},
};

const int cc_block_count = (int)CC_ARRAY_LEN(cc_blocks);

const cc_choice cc_staffing[CC_STAFF_COUNT] = {
    {STAFF_0, STAFF_0_METRIC, CC_STAFF_AVAILABLE},
    {STAFF_1, STAFF_1_METRIC, CC_STAFF_STAFFED},
    {STAFF_2, STAFF_2_METRIC, CC_STAFF_ONLINE},
};
const cc_choice cc_queue_metrics[CC_QMETRIC_COUNT] = {
    {QMETRIC_0, QMETRIC_0_METRIC, CC_QMETRIC_TIME_IN_QUEUE},
    {QMETRIC_1, QMETRIC_1_METRIC, CC_QMETRIC_QUEUE_SIZE},
};

const cc_choice *cc_choice_lookup(const cc_choice *table, int n, const char *name)
{
    for (int i = 0; name && i < n; i++)
        if (!strcmp(table[i].name, name))
            return &table[i];
    return NULL;
}

const cc_hook_info cc_hooks[CC_HOOK_COUNT] = {
    {"customer_queue", "set_customer_queue_flow", "flow", HOOK_CUSTOMER_QUEUE_FT, HOOK_CUSTOMER_QUEUE_KEY,
     CC_HOOK_CUSTOMER_QUEUE},
    {"disconnect", "set_disconnect_flow", "flow", HOOK_DISCONNECT_FT, HOOK_DISCONNECT_KEY, CC_HOOK_DISCONNECT},
    {"agent_whisper", "set_whisper_flow", "agent", HOOK_AGENT_WHISPER_FT, HOOK_AGENT_WHISPER_KEY,
     CC_HOOK_AGENT_WHISPER},
    {"customer_whisper", "set_whisper_flow", "customer", HOOK_CUSTOMER_WHISPER_FT, HOOK_CUSTOMER_WHISPER_KEY,
     CC_HOOK_CUSTOMER_WHISPER},
    {"agent_hold", "set_hold_flow", "agent", HOOK_AGENT_HOLD_FT, HOOK_AGENT_HOLD_KEY, CC_HOOK_AGENT_HOLD},
    {"customer_hold", "set_hold_flow", "customer", HOOK_CUSTOMER_HOLD_FT, HOOK_CUSTOMER_HOLD_KEY,
     CC_HOOK_CUSTOMER_HOLD},
    {"event", "set_event_flow", "flow", HOOK_EVENT_FT, HOOK_EVENT_KEY, CC_HOOK_EVENT},
};

const cc_hook_info *cc_hook_of(const cc_block_spec *b, const char *param)
{
    const cc_hook_info *last = NULL;
    for (int i = 0; b && i < CC_HOOK_COUNT; i++)
        if (!strcmp(cc_hooks[i].kind, b->kind)) {
            last = &cc_hooks[i];
            if (param && !strcmp(cc_hooks[i].param, param))
                return last;
        }
    return last;
}

const cc_attr_target_info cc_attr_targets[CC_ATTR_TARGET_COUNT] = {
    {"current", "set_contact_attributes", CC_ATTR_CURRENT},
    {"related", "set_related_contact_attributes", CC_ATTR_RELATED},
    {"flow", "set_flow_attributes", CC_ATTR_FLOW},
};

const cc_attr_target_info *cc_attr_target_of(const cc_block_spec *b)
{
    for (int i = 0; b && i < CC_ATTR_TARGET_COUNT; i++)
        if (!strcmp(cc_attr_targets[i].kind, b->kind))
            return &cc_attr_targets[i];
    return NULL;
}

const cc_case_op cc_case_ops[CC_CASE_OP_COUNT + 1] = {
    {"equals", "Equals", false, CC_CASE_EQUALS},
    {"contains", "TextContains", false, CC_CASE_CONTAINS},
    {"starts_with", "TextStartsWith", false, CC_CASE_STARTS_WITH},
    {"ends_with", "TextEndsWith", false, CC_CASE_ENDS_WITH},
    {"greater_than", "NumberGreaterThan", true, CC_CASE_GREATER_THAN},
    {"less_than", "NumberLessThan", true, CC_CASE_LESS_THAN},
    {"greater_or_equal", "NumberGreaterOrEqualTo", true, CC_CASE_GREATER_OR_EQUAL},
    {"less_or_equal", "NumberLessOrEqualTo", true, CC_CASE_LESS_OR_EQUAL},
    {"percent", NULL, true, CC_CASE_PERCENT},
    {NULL, NULL, false, CC_CASE_OP_COUNT},
};

const cc_case_op *cc_case_op_by_name(const char *name)
{
    for (const cc_case_op *o = cc_case_ops; name && o->name; o++)
        if (!strcmp(o->name, name))
            return o;
    return NULL;
}

const cc_case_op *cc_case_op_by_connect(const char *connect)
{
    for (const cc_case_op *o = cc_case_ops; connect && o->name; o++)
        if (o->connect && !strcmp(o->connect, connect))
            return o;
    /* the DistributeByPercentage page spells it so */
    if (connect && !strcmp(connect, "NumericLessThan"))
        return cc_case_op_by_connect("NumberLessThan");
    return NULL;
}

const cc_ref_info cc_refs[CC_REF_COUNT] = {
#define CC_REF_ROW(id, path, prefix, last, what) {path, prefix, last, what, CC_REF_##id},
    CC_REFS(CC_REF_ROW)
#undef CC_REF_ROW
};
const size_t cc_ref_count = CC_REF_COUNT;

const cc_ref_info *cc_ref_lookup(const char *text)
{
    for (size_t i = 0; text && i < cc_ref_count; i++)
        if (!cc_refs[i].prefix && !strcmp(text, cc_refs[i].path))
            return &cc_refs[i];
    for (size_t i = 0; text && i < cc_ref_count; i++)
        if (cc_refs[i].prefix && !strncmp(text, cc_refs[i].path, strlen(cc_refs[i].path)))
            return &cc_refs[i];
    return NULL;
}

size_t cc_ref_paths(bool prefixes, const char **out, size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; i < cc_ref_count && n < cap; i++)
        if (cc_refs[i].prefix == prefixes)
            out[n++] = cc_refs[i].path;
    return n;
}

/* ---- lookups ---- */

const cc_block_spec *cc_block_lookup(const char *kind)
{
    if (!kind)
        return NULL;
    /* a first-character test spares most string comparisons: lookups run once per block key */
    for (int i = 0; i < cc_block_count; i++)
        if (cc_blocks[i].kind[0] == kind[0] && strcmp(cc_blocks[i].kind, kind) == 0)
            return &cc_blocks[i];
    return NULL;
}

const cc_param_spec *cc_param_lookup(const cc_block_spec *b, const char *name)
{
    if (!b || !name)
        return NULL;
    for (const cc_param_spec *p = b->params; p->name; p++)
        if (strcmp(p->name, name) == 0)
            return p;
    return NULL;
}


int cc_branch_index(const cc_block_spec *b, const char *name)
{
    if (!b || !name)
        return -2;
    if (strcmp(name, "next") == 0)
        return -1;
    int index = word_index(b->branches, name);
    return index >= 0 ? index : -2;
}

const cc_param_spec *cc_block_cases_param(const cc_block_spec *b)
{
    if (!b)
        return NULL;
    for (const cc_param_spec *p = b->params; p->name; p++)
        if (p->type == CC_PT_CASES)
            return p;
    return NULL;
}

bool cc_block_has_cases(const cc_block_spec *b) { return cc_block_cases_param(b) != NULL; }

const char *cc_block_continue_branch(const cc_block_spec *b)
{
    if (!b)
        return NULL;
    if (!(b->flags & (CC_BK_TERMINAL | CC_BK_NEXT_KEPT)))
        return "next";
    if (strcmp(b->kind, "wait") == 0)
        return "timeout"; /* a pause: the flow goes on when it ends */
    return NULL;
}

/* ---- built-in functions (vm/builtins.c runs them) ---- */
const cc_builtin_info cc_builtins[] = {
    {"ccflow:upper", "text", "value", "the text in capitals, by Unicode's full case mapping (straße: STRASSE)"},
    {"ccflow:lower", "text", "value", "the text in small letters, by Unicode's full case mapping"},
    {"ccflow:trim", "text", "value", "the text without leading and trailing blanks"},
    {"ccflow:length", "text", "value", "the number of characters of the text"},
    {"ccflow:concat", "a, b, c, d", "value", "the texts given, joined in the order a, b, c, d"},
    {"ccflow:replace", "text, from, to", "value", "the text with every 'from' replaced by 'to'"},
    {"ccflow:contains", "text, part", "value", "true when the text holds the part, else false"},
    {"ccflow:add", "a, b", "value", "a + b"},
    {"ccflow:subtract", "a, b", "value", "a - b"},
    {"ccflow:multiply", "a, b", "value", "a * b"},
    {"ccflow:divide", "a, b", "value", "a / b (an error when b is 0)"},
    {"ccflow:round", "value, digits", "value", "value rounded to digits decimals (default 0)"},
    {"ccflow:now", "timezone", "value, date, time, weekday, hour, epoch",
     "the VM's clock in the time zone (default UTC): ISO time, date, time of day, weekday, hour, epoch seconds"},
    {"ccflow:add_duration", "time, duration", "value",
     "an ISO UTC time (or epoch seconds) plus a duration such as 90m or -2d, as an ISO UTC time"},
    {"ccflow:json_get", "json, path", "value", "the value at a dotted path (a.b.0) of a JSON text; an object or list as its JSON"},
    {"ccflow:json_object", "(any)", "value", "a JSON object of the parameters given, keys sorted"},
};
const size_t cc_builtin_count = CC_ARRAY_LEN(cc_builtins);

const cc_builtin_info *cc_builtin_lookup(const char *name)
{
    for (size_t i = 0; name && i < cc_builtin_count; i++)
        if (!strcmp(cc_builtins[i].name, name))
            return &cc_builtins[i];
    return NULL;
}

/* ---- outcomes ---- */

const char *const cc_outcome_names[CC_OUT_COUNT] = {
#define CC_OUT_NAME(name, text) text,
    CC_OUTCOMES(CC_OUT_NAME)
#undef CC_OUT_NAME
};

int cc_outcome(const cc_block_spec *b, cc_outcome_name name, uint32_t ncases)
{
    if (name == CC_OUT_NEXT)
        return 0;
    int at = cc_branch_index(b, cc_outcome_names[name]);
    if (at < 0)
        return -1;
    int cases = cc_branch_index(b, "cases");
    if (name == CC_OUT_CASES || cases < 0 || at < cases)
        return at + 1;
    return at + (int)ncases; /* after the cases: they count ncases outcomes, not one */
}

/* Instructions that are a second form of a kind's own: for a parameter given by a reference, read
 * when the block runs, or (ADJUST_AGE) a second parameter of the same block. */
static const struct {
    cc_opcode variant, main;
} op_variants[] = {{CC_OP_SET_HOOK_NAMED, CC_OP_SET_HOOK}, {CC_OP_TRANSFER_NAMED, CC_OP_TRANSFER_FLOW},
                   {CC_OP_CALL_NAMED, CC_OP_CALL_MODULE},   {CC_OP_WAIT_FOR, CC_OP_WAIT},
                   {CC_OP_ADJUST_AGE, CC_OP_SET_PRIORITY}};

const cc_block_spec *cc_op_kind(cc_opcode op)
{
    for (size_t i = 0; i < CC_ARRAY_LEN(op_variants); i++)
        if (op_variants[i].variant == op)
            op = op_variants[i].main;
    for (int i = 0; i < cc_block_count; i++)
        if (cc_blocks[i].op == op && op != CC_OP_NOP)
            return &cc_blocks[i];
    return NULL;
}

void cc_op_outcomes_build(cc_op_outcomes *o)
{
    memset(o, -1, sizeof o->at);
    memset(o->cases, 0, sizeof o->cases);
    for (int op = 0; op < CC_OP_COUNT; op++) {
        const cc_block_spec *k = cc_op_kind((cc_opcode)op);
        if (!k)
            continue;
        for (int n = 0; n < CC_OUT_COUNT; n++)
            o->at[op][n] = (int8_t)cc_outcome(k, (cc_outcome_name)n, 1);
        o->cases[op] = (int8_t)(o->at[op][CC_OUT_CASES] > 0 ? o->at[op][CC_OUT_CASES] : 0);
    }
}
