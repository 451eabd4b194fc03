/* catalog_rows.h — the shorthands the catalogue's tables are written with (catalog.c and
 * catalog_connect.c): flow-type masks, channel support, durations, and names that several tables
 * spell once (staffing statuses, queue metrics, event hooks). Private to the catalogue. */
#ifndef CCFLOW_CATALOG_ROWS_H
#define CCFLOW_CATALOG_ROWS_H

#include "catalog.h"

#define FT(t) CC_FT_BIT(CC_FT_##t)
/* The flow types where contacts are routed ("Inbound; Customer queue; Transfer to Agent;
 * Transfer to Queue" in blocks.tsv), the most common allowance. */
#define FT_ROUTING                                                                               \
    (FT(INBOUND) | FT(CUSTOMER_QUEUE) | FT(TRANSFER_TO_AGENT) | FT(TRANSFER_TO_QUEUE))
#define FT_TRANSFERS (FT(TRANSFER_TO_AGENT) | FT(TRANSFER_TO_QUEUE))
/* Staffing statuses and queue metrics (cc_staffing, cc_queue_metrics): ccflow's names and
 * Connect's MetricType, in operand order, for the tables, the parameters and the shape rows. */
#define STAFF_0 "available"
#define STAFF_0_METRIC "NumberOfAgentsAvailable"
#define STAFF_1 "staffed"
#define STAFF_1_METRIC "NumberOfAgentsStaffed"
#define STAFF_2 "online"
#define STAFF_2_METRIC "NumberOfAgentsOnline"
#define STAFF_NAMES STAFF_0 "|" STAFF_1 "|" STAFF_2
#define STAFF_METRICS STAFF_0_METRIC "|" STAFF_1_METRIC "|" STAFF_2_METRIC
#define QMETRIC_0 "time_in_queue"
#define QMETRIC_0_METRIC "OldestContactInQueueAgeSeconds"
#define QMETRIC_1 "queue_size"
#define QMETRIC_1_METRIC "NumberOfContactsInQueue"
#define QMETRIC_NAMES QMETRIC_0 "|" QMETRIC_1
#define QMETRIC_METRICS QMETRIC_0_METRIC "|" QMETRIC_1_METRIC
/* The event hooks (cc_hooks): the flow types each one's flow may have and Connect's key for it,
 * named once for the hook table, the parameters that set them and the Connect shape rows. */
#define HOOK_CUSTOMER_QUEUE_FT FT(CUSTOMER_QUEUE)
#define HOOK_CUSTOMER_QUEUE_KEY "EventHooks.CustomerQueue"
#define HOOK_DISCONNECT_FT FT(INBOUND)
#define HOOK_DISCONNECT_KEY "EventHooks.CustomerRemaining"
#define HOOK_AGENT_WHISPER_FT FT(AGENT_WHISPER)
#define HOOK_AGENT_WHISPER_KEY "EventHooks.AgentWhisper"
#define HOOK_CUSTOMER_WHISPER_FT FT(CUSTOMER_WHISPER)
#define HOOK_CUSTOMER_WHISPER_KEY "EventHooks.CustomerWhisper"
#define HOOK_AGENT_HOLD_FT FT(AGENT_HOLD)
#define HOOK_AGENT_HOLD_KEY "EventHooks.AgentHold"
#define HOOK_CUSTOMER_HOLD_FT FT(CUSTOMER_HOLD)
#define HOOK_CUSTOMER_HOLD_KEY "EventHooks.CustomerHold"
#define HOOK_EVENT_FT FT(INBOUND)
#define HOOK_EVENT_KEY "EventHooks"
#define SUPPORT(voice, chat, task, email)                                                         \
    {CC_SUP_##voice, CC_SUP_##chat, CC_SUP_##task, CC_SUP_##email}
#define SEC INT64_C(1000)
#define MINUTE (60 * SEC)
#define HOUR (60 * MINUTE)
#define DAY (24 * HOUR)
#define END_PARAMS {.name = NULL}

#define TEXT_OPS "equals|contains|starts_with|ends_with"
#define NUMBER_OPS "greater_than|less_than|greater_or_equal|less_or_equal"

#endif
