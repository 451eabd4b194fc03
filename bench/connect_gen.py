#!/usr/bin/env python3
"""Writes a large bundle of Amazon Connect Flow-language exports for `make bench`: FLOWS files of
ACTIONS actions each (Connect's limit is 250 a flow), deterministically (the same bytes every
run), compact as the console's Content is. The actions are a mix of what real exports hold most
(contact attributes, checks of attributes, Lambda calls, working queues, hours, loops, prompts,
logging) with UUID identifiers, designer positions and every error branch connected, so that the
bundle checks clean and the measurement is the reading, not the printing of findings.

usage: connect_gen.py DIR [FLOWS [ACTIONS]]"""
import json
import os
import sys
import uuid

out = sys.argv[1]
flows = int(sys.argv[2]) if len(sys.argv) > 2 else 80
per_flow = int(sys.argv[3]) if len(sys.argv) > 3 else 250
NS = uuid.UUID("0b8f8a52-3c1e-4f7e-9a51-7d2c6e4b9f10")
ARN = "arn:aws:connect:us-east-1:111122223333:instance/0d1f2e3c-4b5a-4978-8695-a4b3c2d1e0f9"


def uid(*parts):
    return str(uuid.uuid5(NS, "/".join(map(str, parts))))


def err(to, kind="NoMatchingError"):
    return {"NextAction": to, "ErrorType": kind}


def eq(value, to, op="Equals"):
    return {"NextAction": to, "Condition": {"Operator": op, "Operands": [value]}}


def step(f, i, nxt, end):
    """Action i of flow f going on to nxt; end is the flow's last action (a disconnect)."""
    k = i % 10
    if k == 0:
        return "UpdateContactAttributes", {"Attributes": {"step": str(i), "tier": "$.Attributes.tier",
                                                          "source": "flow %d" % f}, "TargetContact": "Current"}, \
            {"NextAction": nxt, "Errors": [err(end)]}
    if k == 1:
        return "Compare", {"ComparisonValue": "$.Attributes.tier"}, \
            {"NextAction": nxt, "Conditions": [eq("gold", nxt), eq("silver", nxt), eq("10", nxt, "NumberGreaterThan")],
             "Errors": [err(nxt, "NoMatchingCondition")]}
    if k == 2:
        return "InvokeLambdaFunction", {"LambdaFunctionARN": "arn:aws:lambda:us-east-1:111122223333:function:lookup-%d" % (i % 7),
                                        "InvocationTimeLimitSeconds": "3", "ResponseValidation": {"ResponseType": "STRING_MAP"},
                                        "LambdaInvocationAttributes": {"account": "$.Attributes.account"}}, \
            {"NextAction": nxt, "Errors": [err(end)]}
    if k == 3:
        return "UpdateContactTargetQueue", {"QueueId": ARN + "/queue/" + uid("queue", i % 5)}, \
            {"NextAction": nxt, "Errors": [err(end)]}
    if k == 4:
        return "CheckHoursOfOperation", {"HoursOfOperationId": ARN + "/operating-hours/" + uid("hours", i % 3)}, \
            {"NextAction": nxt, "Conditions": [eq("True", nxt), eq("False", nxt)], "Errors": [err(end)]}
    if k == 5:
        return "UpdateFlowLoggingBehavior", {"FlowLoggingBehavior": "Enabled"}, {"NextAction": nxt}
    if k == 6:
        return "UpdateContactData", {"LanguageCode": "en-US", "TargetContact": "Current"}, \
            {"NextAction": nxt, "Errors": [err(end)]}
    if k == 7:
        return "GetMetricData", {"QueueId": ARN + "/queue/" + uid("queue", i % 5)}, \
            {"NextAction": nxt, "Errors": [err(end)]}
    if k == 8:
        return "UpdateContactRoutingBehavior", {"QueuePriority": str(1 + i % 9)}, {"NextAction": nxt}
    return "TagContact", {"Tags": {"Department": "Sales", "Step": str(i)}}, {"NextAction": nxt, "Errors": [err(end)]}


os.makedirs(out, exist_ok=True)
for f in range(flows):
    ids = [uid(f, i) for i in range(per_flow)]
    end = ids[-1]
    actions, meta = [], {}
    for i in range(per_flow - 1):
        t, p, tr = step(f, i, ids[i + 1], end)
        actions.append({"Parameters": p, "Identifier": ids[i], "Type": t, "Transitions": tr})
    actions.append({"Parameters": {}, "Identifier": end, "Type": "DisconnectParticipant", "Transitions": {}})
    for i, a in enumerate(actions):
        meta[a["Identifier"]] = {"position": {"x": 200 + 260 * (i % 12), "y": 80 + 180 * (i // 12)}}
    doc = {"Version": "2019-10-30", "StartAction": ids[0],
           "Metadata": {"entryPointPosition": {"x": 40, "y": 40}, "ActionMetadata": meta,
                        "name": "Bench flow %03d" % f, "description": "", "type": "contactFlow",
                        "status": "PUBLISHED", "hash": {}},
           "Actions": actions}
    with open(os.path.join(out, "flow_%03d.json" % f), "w") as fh:
        fh.write(json.dumps(doc, separators=(",", ":")))
