/* catalog_connect.c — the catalogue's Amazon Connect side: one row per action shape, the action
 * types Connect documents, and the readers of a row that import and export share. */
#include "catalog.h"

#include "catalog_rows.h"
#include "util.h"

#include <string.h>
#include <strings.h>

/* ---- Amazon Connect action shapes ----
 * One row per shape (catalog.h). Import takes the row whose `when` conditions (";" between them)
 * all hold and say the most; export the first row of the kind that fits. Results name how each branch is written in Transitions:
 * "?X" a condition Equals X, ">0" a condition NumberGreaterThan 0, "!E" an error of type E. */

#define ERR "error=!NoMatchingError"
const cc_connect_shape cc_connect_shapes[] = {
    {"CheckHoursOfOperation", "check_hours_of_operation", "", 0, NULL, NULL, NULL,
     "in_hours=?True;out_of_hours=?False;" ERR},
    {"CheckMetricData", "check_staffing", "MetricType=" STAFF_METRICS,
     0, NULL, NULL, NULL, "true=>0;false=!NoMatchingCondition;" ERR},
    {"CheckMetricData", "check_queue_status", "MetricType=" QMETRIC_METRICS, 0,
     NULL, NULL, NULL, NULL},
    {"CheckMetricData", "check_staffing", "MetricType=" STAFF_METRICS ";AgentId", 0, NULL, NULL, "queue=AgentId",
     "true=>0;false=!NoMatchingCondition;" ERR},
    {"Compare", "check_contact_attributes", "", 0, NULL, NULL, NULL, NULL},
    {"CreateTask", "create_task", "", 0, NULL, NULL, NULL, NULL},
    {"DisconnectParticipant", "disconnect", "", 0, NULL, NULL, NULL, NULL},
    {"DistributeByPercentage", "distribute_by_percentage", "", 0, NULL, NULL, NULL, "default=!NoMatchingCondition"},
    {"EndFlowExecution", "end_flow", "", 0, NULL, NULL, NULL, NULL},
    {"GetMetricData", "get_queue_metrics", "", 0, NULL, NULL, NULL, NULL},
    {"GetMetricData", "get_queue_metrics", "AgentId", 0, NULL, NULL, "queue=AgentId", NULL},
    {"InvokeLambdaFunction", "invoke_lambda", "", 0, NULL, NULL, NULL, NULL},
    {"Loop", "loop", "", 0, NULL, NULL, NULL, "looping=?ContinueLooping;complete=?DoneLooping;" ERR},
    {"TransferContactToQueue", "transfer_to_queue", "", CC_FT_ALL & ~FT(CUSTOMER_QUEUE), NULL, NULL, NULL,
     "at_capacity=!QueueAtCapacity;" ERR},
    {"DequeueContactAndTransferToQueue", "transfer_to_queue", "", FT(CUSTOMER_QUEUE), NULL, NULL, NULL,
     "at_capacity=!QueueAtCapacity;" ERR},
    {"DequeueContactAndTransferToQueue", "transfer_to_queue", "AgentId", FT(CUSTOMER_QUEUE), NULL, NULL, "queue=AgentId",
     "at_capacity=!QueueAtCapacity;" ERR},
    {"TransferToFlow", "transfer_to_flow", "", 0, NULL, NULL, NULL, NULL},
    {"UpdateContactAttributes", "set_related_contact_attributes", "TargetContact=Related", 0, "TargetContact=Related",
     NULL, NULL, NULL},
    {"UpdateContactAttributes", "set_contact_attributes", "", 0, NULL, NULL, NULL, NULL},
    {"UpdateFlowAttributes", "set_flow_attributes", "", 0, NULL, NULL, NULL, NULL},
    {"UpdateContactEventHooks", "set_customer_queue_flow", HOOK_CUSTOMER_QUEUE_KEY, 0, NULL, NULL, NULL, NULL},
    {"UpdateContactEventHooks", "set_disconnect_flow", HOOK_DISCONNECT_KEY, 0, NULL, NULL, NULL, NULL},
    {"UpdateContactEventHooks", "set_whisper_flow", HOOK_AGENT_WHISPER_KEY, 0, NULL, NULL, NULL, NULL},
    {"UpdateContactEventHooks", "set_whisper_flow", HOOK_CUSTOMER_WHISPER_KEY, 0, NULL, NULL, NULL, NULL},
    {"UpdateContactEventHooks", "set_hold_flow", HOOK_AGENT_HOLD_KEY, 0, NULL, NULL, NULL, NULL},
    {"UpdateContactEventHooks", "set_hold_flow", HOOK_CUSTOMER_HOLD_KEY, 0, NULL, NULL, NULL, NULL},
    {"UpdateContactEventHooks", "set_event_flow", HOOK_EVENT_KEY ".DefaultAgentUI", 0, NULL, "event=default_agent_ui",
     "flow=" HOOK_EVENT_KEY ".DefaultAgentUI", NULL},
    {"UpdateContactEventHooks", "set_event_flow", HOOK_EVENT_KEY ".DisconnectAgentUI", 0, NULL, "event=disconnect_agent_ui",
     "flow=" HOOK_EVENT_KEY ".DisconnectAgentUI", NULL},
    {"UpdateContactEventHooks", "set_event_flow", HOOK_EVENT_KEY ".PauseContact", 0, NULL, "event=pause_contact",
     "flow=" HOOK_EVENT_KEY ".PauseContact", NULL},
    {"UpdateContactEventHooks", "set_event_flow", HOOK_EVENT_KEY ".ResumeContact", 0, NULL, "event=resume_contact",
     "flow=" HOOK_EVENT_KEY ".ResumeContact", NULL},
    {"UpdateContactRoutingBehavior", "change_routing_priority", "", 0, NULL, NULL, NULL, NULL},
    {"UpdateContactTargetQueue", "set_working_queue", "", 0, NULL, NULL, NULL, NULL},
    {"UpdateContactTargetQueue", "set_working_queue", "AgentId", 0, NULL, NULL, "queue=AgentId", NULL},
    {"Wait", "wait", "", 0, NULL, NULL, NULL,
     "timeout=?WaitCompleted;customer_returned=?CustomerReturned;" ERR},
    {"Wait", "wait", "TimeoutSeconds", 0, NULL, NULL, "duration=TimeoutSeconds",
     "timeout=?WaitCompleted;customer_returned=?CustomerReturned;" ERR},
    {"MessageParticipant", "play_prompt", "", 0, NULL, NULL, NULL, NULL},
    {"MessageParticipantIteratively", "loop_prompts", "", 0, NULL, NULL, NULL, "timeout=?MessagesInterrupted;" ERR},
    {"GetParticipantInput", "store_customer_input", "StoreInput=True|true", 0, "StoreInput=True", NULL, NULL,
     "invalid_number=!InvalidPhoneNumber;" ERR},
    {"GetParticipantInput", "get_customer_input", "", 0, "StoreInput=False", NULL, NULL,
     "timeout=!InputTimeLimitExceeded;no_match=!NoMatchingCondition;" ERR},
    {"ConnectParticipantWithLexBot", "get_customer_input", "", 0, NULL, NULL, NULL,
     "timeout=!InputTimeLimitExceeded;no_match=!NoMatchingCondition;" ERR},
    {"TransferParticipantToThirdParty", "transfer_to_phone_number", "", 0, NULL, NULL, NULL,
     "call_failed=!CallFailed;timeout=!ConnectionTimeLimitExceeded;" ERR},
    {"UpdatePreviousContactParticipantState", "hold_customer_or_agent", "", 0, NULL, NULL, NULL, NULL},
    {"UpdateContactCallbackNumber", "set_callback_number", "", 0, NULL, NULL, NULL,
     "invalid_number=!InvalidCallbackNumber;not_dialable=!CallbackNumberNotDialable"},
    {"CreateCallbackContact", "create_callback", "", 0, NULL, NULL, NULL, NULL},
    {"UpdateContactTextToSpeechVoice", "set_voice", "", 0, NULL, NULL, NULL, NULL},
    {"UpdateContactRecordingBehavior", "set_recording_and_analytics_behavior", "", 0, NULL, NULL, NULL, NULL},
    {"UpdateContactRecordingAndAnalyticsBehavior", "set_recording_analytics_and_processing_behavior", "", 0, NULL, NULL,
     NULL, NULL},
    {"UpdateContactMediaProcessing", "set_recording_analytics_and_processing_behavior", "", 0, NULL, NULL, NULL, NULL},
    {"UpdateContactMediaStreamingBehavior", "start_media_streaming", "MediaStreamingState=Enabled", 0,
     "MediaStreamingState=Enabled", NULL, NULL, NULL},
    {"UpdateContactMediaStreamingBehavior", "stop_media_streaming", "MediaStreamingState=Disabled", 0,
     "MediaStreamingState=Disabled", NULL, NULL, NULL},
    {"UpdateFlowLoggingBehavior", "set_logging_behavior", "", 0, NULL, NULL, NULL, NULL},
    {"UpdateRoutingCriteria", "set_routing_criteria", "", 0, NULL, NULL, NULL, NULL},
    {"UpdateContactData", "update_contact_data", "", 0, NULL, NULL, NULL, NULL},
    {"CompleteOutboundCall", "call_phone_number", "", 0, NULL, NULL, NULL, ""},
    {"CheckOutboundCallStatus", "check_call_progress", "", 0, NULL, NULL, NULL,
     "call_answered=?CallAnswered;voicemail_beep=?VoicemailBeep;voicemail_no_beep=?VoicemailNoBeep;"
     "not_detected=?NotDetected;" ERR},
    {"CheckVoiceId", "check_voice_id", "", 0, NULL, NULL, NULL,
     "enrolled=?Enrolled;not_enrolled=?NotEnrolled;opted_out=?OptedOut;authenticated=?Authenticated;"
     "not_authenticated=?NotAuthenticated;inconclusive=?Inconclusive;high_risk=?HighRisk;low_risk=?LowRisk;" ERR},
    {"StartVoiceIdStream", "set_voice_id", "", 0, NULL, NULL, NULL, NULL},
    {"TagContact", "contact_tags", "", 0, NULL, NULL, NULL, NULL},
    {"UnTagContact", "contact_tags", "", 0, NULL, NULL, "tags=TagKeys", NULL},
    {"TransferContactToAgent", "transfer_to_agent", "", 0, NULL, NULL, NULL, NULL},
    {"InvokeFlowModule", "invoke_module", "", 0, NULL, NULL, NULL, NULL},
    {"EndFlowModuleExecution", "return", "", 0, NULL, NULL, NULL, NULL},
    {"ResumeContact", "resume_contact", "", 0, NULL, NULL, NULL, NULL},
    {"ShowView", "show_view", "", 0, NULL, NULL, NULL,
     "back=?Back;timeout=!TimeLimitExceeded;no_match=!NoMatchingCondition;" ERR},
    {"CreateWisdomSession", "amazon_q_in_connect", "", 0, NULL, NULL, NULL, NULL},
    {"GetCustomerProfile", "customer_profiles", "", 0, NULL, "action=get", NULL,
     "multiple_found=!MultipleFoundError;none_found=!NoneFoundError;" ERR},
    {"CreateCustomerProfile", "customer_profiles", "", 0, NULL, "action=create", NULL,
     "multiple_found=!MultipleFoundError;none_found=!NoneFoundError;" ERR},
    {"UpdateCustomerProfile", "customer_profiles", "", 0, NULL, "action=update", NULL,
     "multiple_found=!MultipleFoundError;none_found=!NoneFoundError;" ERR},
    {"GetCase", "cases", "", 0, NULL, "action=get", NULL,
     "contact_not_linked=!ContactNotLinked;multiple_found=!MultipleFoundError;none_found=!NoneFoundError;" ERR},
    {"CreateCase", "cases", "", 0, NULL, "action=create", NULL,
     "contact_not_linked=!ContactNotLinked;multiple_found=!MultipleFoundError;none_found=!NoneFoundError;" ERR},
    {"StartOutboundChatContact", "start_outbound_chat_contact", "", 0,
     "ContactSubtype=connect:SMS;SourceEndpoint.Type=CONNECT_PHONENUMBER_ARN;DestinationEndpoint.Type=TELEPHONE_NUMBER",
     NULL, NULL, NULL},
    {"UpdateCase", "cases", "", 0, NULL, "action=update", NULL,
     "contact_not_linked=!ContactNotLinked;multiple_found=!MultipleFoundError;none_found=!NoneFoundError;" ERR},
};
#undef ERR
const int cc_connect_shape_count = (int)CC_ARRAY_LEN(cc_connect_shapes);

/* Amazon Connect's documented action types (the Flow-language action lists). */
const char *const cc_connect_documented_types[] = {
    "CompleteOutboundCall", "CreateCase", "CreateTask", "CreateWisdomSession", "DequeueContactAndTransferToQueue",
    "EndFlowModuleExecution", "GetCase", "InvokeFlowModule", "ResumeContact", "StartOutboundChatContact",
    "TagContact", "TransferContactToAgent", "TransferContactToQueue", "UnTagContact", "UpdateCase",
    "UpdateContactAttributes", "UpdateContactCallbackNumber", "UpdateContactData", "UpdateContactEventHooks",
    "UpdateContactMediaProcessing", "UpdateContactMediaStreamingBehavior", "UpdateContactRecordingAndAnalyticsBehavior",
    "UpdateContactRecordingBehavior", "UpdateContactRoutingBehavior", "UpdateContactTargetQueue",
    "UpdateContactTextToSpeechVoice", "UpdatePreviousContactParticipantState", "CheckHoursOfOperation",
    "CheckMetricData", "CheckOutboundCallStatus", "CheckVoiceId", "Compare", "DistributeByPercentage",
    "EndFlowExecution", "GetMetricData", "Loop", "StartVoiceIdStream", "TransferToFlow", "UpdateFlowAttributes",
    "UpdateFlowLoggingBehavior", "UpdateRoutingCriteria", "Wait", "CreateCallbackContact", "CreateCustomerProfile",
    "GetCustomerProfile", "UpdateCustomerProfile", "InvokeLambdaFunction", "ConnectParticipantWithLexBot",
    "DisconnectParticipant", "GetParticipantInput", "MessageParticipant", "MessageParticipantIteratively", "ShowView",
    "TransferParticipantToThirdParty", NULL};

/* Types that console exports carry though the Flow-language pages do not list them. */
const char *const cc_connect_observed_types[] = {
    "AssociateContactToCustomerProfile", "CheckSegmentMembershipForCustomerProfile", "CreateContact",
    "CreatePersistentContactAssociation", "GetCalculatedAttributesForCustomerProfile", "GetCustomerProfileObject",
    "ListDataTableValues", "RenderMessageTemplate", "StartOutboundEmailContact", "UpsertDataTableValues",
    "AuthenticateParticipant", "SendMessage", "GetStoredContent", NULL};

const char *cc_connect_misnamed_type(const char *type)
{
    /* names that tutorials and generators use for actions that do not exist */
    static const char *const misnamed[][2] = {
        {"CheckStaffing", "CheckMetricData"},          {"GetQueueMetrics", "GetMetricData"},
        {"GetCustomerInput", "GetParticipantInput"},   {"TransferToQueue", "TransferContactToQueue"},
        {"SetCallbackNumber", "UpdateContactCallbackNumber"}, {"TransferContactToFlow", "TransferToFlow"},
        {"PlayPrompt", "MessageParticipant"},           {"SetWorkingQueue", "UpdateContactTargetQueue"},
        {"SetContactAttributes", "UpdateContactAttributes"}, {"Transfer", "TransferContactToQueue"},
    };
    for (size_t i = 0; type && i < CC_ARRAY_LEN(misnamed); i++)
        if (!strcmp(type, misnamed[i][0]))
            return misnamed[i][1];
    return NULL;
}

bool cc_connect_pair(const char *list, int index, char *key, size_t kn, char *value, size_t vn)
{
    const char *s = list;
    for (int i = 0; s && *s; i++) {
        size_t len = strcspn(s, ";");
        if (i == index) {
            const char *eq = memchr(s, '=', len);
            if (!eq)
                return false;
            snprintf(key, kn, "%.*s", (int)(eq - s), s);
            snprintf(value, vn, "%.*s", (int)(len - (size_t)(eq - s) - 1), eq + 1);
            return true;
        }
        s += len + (s[len] == ';');
    }
    return false;
}

const char *cc_connect_key(const cc_connect_shape *sh, const cc_param_spec *ps, char *buf, size_t n)
{
    char key[64];
    for (int i = 0; sh && sh->map && cc_connect_pair(sh->map, i, key, sizeof key, buf, n); i++)
        if (!strcmp(key, ps->name))
            return buf;
    return ps->connect;
}

/* Whether a row's `when` has a condition that only asks for a key to be present ("AgentId"). */
static bool when_has_presence(const char *when)
{
    for (const char *w = when; *w;) {
        size_t len = strcspn(w, ";");
        if (!memchr(w, '=', len))
            return true;
        w += len + (w[len] == ';');
    }
    return false;
}

const cc_connect_shape *cc_connect_default_shape(const char *kind, int flow_type, cc_connect_param_text text,
                                                 const void *ud)
{
    for (int i = 0; i < cc_connect_shape_count; i++) {
        const cc_connect_shape *sh = &cc_connect_shapes[i];
        if (strcmp(sh->kind, kind) != 0)
            continue;
        if (sh->flow_types && flow_type >= 0 && !(sh->flow_types & CC_FT_BIT(flow_type)))
            continue;
        bool ok = true;
        char key[64], value[96];
        for (int k = 0; ok && sh->set && cc_connect_pair(sh->set, k, key, sizeof key, value, sizeof value); k++) {
            const char *have = text(ud, key);
            ok = have && !strcmp(have, value);
        }
        /* a row picked by a parameter's presence is only written when asked for */
        if (ok && sh->when[0] && when_has_presence(sh->when) && sh->map)
            ok = false;
        if (ok)
            return sh;
    }
    return NULL;
}
