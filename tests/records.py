#!/usr/bin/env python3
"""Contact records checked against their schema (tests/records.schema.json, SPEC §7).

Every record of several runs is parsed with Python's json and validated: a run made here of task,
voice, chat and email contacts (handled by an agent with after-contact work, by one without, never
reaching an agent, stopped by API while handled and while in after-contact work), every scenario of
tests/scenarios and the working day of scenarios/. Besides the schema, each record with an agent
must have its after-contact work follow its disconnect: DisconnectTimestamp <=
AfterContactWorkStartTimestamp <= AfterContactWorkEndTimestamp, and AfterContactWorkDuration their
difference in whole seconds. The schema is applied by a small validator written here (the keywords
the schema uses), and also by ajv when tests/sarif's pinned validator is installed.

Usage: python3 tests/records.py build/ccflow       Ends with "N passed, N failed".
"""
import datetime
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import testlib

ROOT = testlib.ROOT
CCFLOW = testlib.ccflow()
SCHEMA_PATH = os.path.join(ROOT, "tests/records.schema.json")
AJV_SCRIPT = os.path.join(ROOT, "tests/sarif/records.js")


T = testlib.Tally("records", "FAIL: ")
check = T.check


# ---- a validator for the JSON Schema keywords tests/records.schema.json uses ----

TYPES = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}
KNOWN = {"$schema", "title", "description", "definitions", "type", "required", "additionalProperties",
         "properties", "items", "enum", "anyOf", "$ref", "pattern", "format", "minimum", "minLength",
         "minProperties"}


def date_time(text):
    try:
        datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ")
        return True
    except ValueError:
        return False


def errors(schema, value, root, where="/"):
    """The ways value breaks schema, as 'path: why' lines (empty when it is valid)."""
    unknown = set(schema) - KNOWN
    if unknown:
        raise ValueError(f"the schema uses keywords this validator does not know: {sorted(unknown)}")
    if "$ref" in schema:
        node = root
        for part in schema["$ref"].lstrip("#/").split("/"):
            node = node[part]
        return errors(node, value, root, where)
    if "anyOf" in schema:
        tried = [errors(s, value, root, where) for s in schema["anyOf"]]
        if all(tried):
            return [f"{where}: matches none of its alternatives ({'; '.join(t[0] for t in tried)})"]
    out = []
    if "type" in schema:
        types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if not any(TYPES[t](value) for t in types):
            return [f"{where}: {json.dumps(value)[:60]} is not {' or '.join(types)}"]
    if "enum" in schema and value not in schema["enum"]:
        out.append(f"{where}: {value!r} is not one of {schema['enum']}")
    if isinstance(value, str):
        if "minLength" in schema and len(value) < schema["minLength"]:
            out.append(f"{where}: shorter than {schema['minLength']}")
        if "pattern" in schema and not re.search(schema["pattern"], value):
            out.append(f"{where}: {value!r} does not match {schema['pattern']}")
        if schema.get("format") == "date-time" and not date_time(value):
            out.append(f"{where}: {value!r} is not a date-time")
    if TYPES["number"](value) and "minimum" in schema and value < schema["minimum"]:
        out.append(f"{where}: {value} is below {schema['minimum']}")
    if isinstance(value, dict):
        for k in schema.get("required", []):
            if k not in value:
                out.append(f"{where}: lacks {k}")
        if len(value) < schema.get("minProperties", 0):
            out.append(f"{where}: fewer than {schema['minProperties']} members")
        props = schema.get("properties", {})
        extra = schema.get("additionalProperties", True)
        for k, v in value.items():
            if k in props:
                out += errors(props[k], v, root, f"{where}{k}/")
            elif extra is False:
                out.append(f"{where}: has {k}, which records do not carry")
            elif isinstance(extra, dict):
                out += errors(extra, v, root, f"{where}{k}/")
    if isinstance(value, list) and "items" in schema:
        for i, v in enumerate(value):
            out += errors(schema["items"], v, root, f"{where}{i}/")
    return out


def ms(text):
    return int(datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ")
               .replace(tzinfo=datetime.timezone.utc).timestamp() * 1000)


def order_errors(r):
    """After-contact work follows the disconnect, and its duration is its length."""
    out = []
    a = r.get("Agent")
    if not isinstance(a, dict) or not isinstance(r.get("DisconnectTimestamp"), str):
        return out
    try:
        disc = ms(r["DisconnectTimestamp"])
        start, end = a.get("AfterContactWorkStartTimestamp"), a.get("AfterContactWorkEndTimestamp")
        connected = ms(a["ConnectedToAgentTimestamp"])
    except (KeyError, TypeError, ValueError) as e:
        return [f"unreadable agent times: {e}"]
    if connected > disc:
        out.append("ConnectedToAgentTimestamp after DisconnectTimestamp")
    if start is None or end is None:
        if r.get("DisconnectReason") == "AGENT_DISCONNECT":
            out.append("an agent's contact has no after-contact work times")
        if a.get("AfterContactWorkDuration") is not None:
            out.append("AfterContactWorkDuration without its timestamps")
        return out
    start, end = ms(start), ms(end)
    if not disc <= start <= end:
        out.append(f"not DisconnectTimestamp <= AfterContactWorkStartTimestamp <= AfterContactWorkEndTimestamp "
                   f"({r['DisconnectTimestamp']}, {a['AfterContactWorkStartTimestamp']}, "
                   f"{a['AfterContactWorkEndTimestamp']})")
    if a.get("AfterContactWorkDuration") != (end - start) // 1000:
        out.append(f"AfterContactWorkDuration {a.get('AfterContactWorkDuration')} is not "
                   f"{(end - start) // 1000} s")
    return out


def read_records(path, what):
    records = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            try:
                records.append(json.loads(line))
            except ValueError as e:
                check(False, f"{what}: line {n} is not JSON: {e}")
    return records


def validate(records, schema, what):
    """Every record against the schema and the order of its times; one check a run."""
    bad = []
    for r in records:
        why = errors(schema, r, schema) + order_errors(r)
        if why:
            bad.append(f"{r.get('ContactId')} ({r.get('Channel')}): {'; '.join(why[:4])}")
    check(records and not bad, f"{what}: {len(bad)} of {len(records)} records break the schema:\n  "
          + "\n  ".join(bad[:8]))
    return not bad


SCENARIO = """\
# Every channel, with an agent who wraps up (ana: 90 s), one who does not (ben), and none.
start: 2026-11-23T08:00:00Z
flows: [flows]
queues:
  - { name: Wrap }
  - { name: Quick }
agents:
  - { name: ana, queues: [Wrap], concurrency: { task: 1, voice: 1, chat: 1, email: 1 }, handle: 4m, acw: 90s }
  - { name: ben, queues: [Quick], concurrency: { task: 1, voice: 1, chat: 1, email: 1 }, handle: 3m }
events:
  - { at: 0s, start_task: { id: task_acw, name: Wrapped task, flow: To Wrap, references: { page: { type: URL, value: "https://x.example/1" } } } }
  - { at: 0s, start_contact: { id: voice_acw, channel: VOICE, flow: To Wrap } }
  - { at: 0s, start_contact: { id: chat_acw, channel: CHAT, flow: To Wrap } }
  - { at: 0s, start_contact: { id: email_acw, channel: EMAIL, flow: To Wrap, name: Claim 17 } }
  - { at: 0s, start_task: { id: task_quick, name: Quick task, flow: To Quick } }
  - { at: 0s, start_contact: { id: voice_quick, channel: VOICE, flow: To Quick, attributes: { tier: gold } } }
  - { at: 0s, start_contact: { id: chat_quick, channel: CHAT, flow: To Quick } }
  - { at: 0s, start_contact: { id: email_quick, channel: EMAIL, flow: To Quick } }
  - { at: 0s, start_task: { id: task_none, name: Left, flow: Leave } }
  - { at: 0s, start_contact: { id: voice_none, channel: VOICE, flow: Leave } }
  - { at: 0s, start_contact: { id: chat_none, channel: CHAT, flow: Leave } }
  - { at: 0s, start_contact: { id: email_none, channel: EMAIL, flow: Leave } }
  - { at: 1h, start_task: { id: stopped_handled, name: Stopped, flow: To Wrap } }
  - { at: 62m, stop_contact: stopped_handled }
  - { at: 2h, start_task: { id: stopped_acw, name: Stopped later, flow: To Wrap } }
  - { at: 2h, start_task: { id: linked, name: Linked, flow: To Quick, previous: task_acw } }
  - { at: 125m, stop_contact: stopped_acw }
  - { at: 3h, start_task: { id: waiting, name: Waiting, flow: To Wrap, scheduled: 4h, expiry: 10m } }
until: 1d
"""

FLOW = """\
flow: To {queue}
type: inbound
channels: [task, voice, chat, email]
blocks:
  q:
    set_working_queue: {queue}
    next: t
    on: {{ error: z }}
  t:
    transfer_to_queue: {{}}
    on: {{ at_capacity: z, error: z }}
  z:
    disconnect: {{}}
"""

LEAVE = """\
flow: Leave
type: inbound
channels: [task, voice, chat, email]
blocks:
  z:
    disconnect: {}
"""


def run_records(scenario, records):
    p = subprocess.run([CCFLOW, "run", "--records", records, scenario], capture_output=True, text=True)
    return p.returncode == 0 and os.path.exists(records), p.stdout + p.stderr


def main():
    with open(SCHEMA_PATH, encoding="utf-8") as f:
        schema = json.load(f)
    tmp = tempfile.mkdtemp(prefix="ccflow-records-")
    try:
        # ---- the validator refuses what it should, or passing proves nothing ----
        good = {"ContactId": "x", "Channel": "VOICE", "InitiationMethod": "INBOUND",
                "InitiationTimestamp": "2026-11-23T08:00:00.000Z", "ScheduledTimestamp": None,
                "DisconnectTimestamp": "2026-11-23T08:04:00.000Z", "DisconnectReason": "AGENT_DISCONNECT",
                "Queue": {"Name": "Q", "EnqueueTimestamp": "2026-11-23T08:00:00.000Z",
                          "DequeueTimestamp": "2026-11-23T08:00:00.000Z", "Duration": 0},
                "Agent": {"Username": "ana", "ConnectedToAgentTimestamp": "2026-11-23T08:00:00.000Z",
                          "AfterContactWorkStartTimestamp": "2026-11-23T08:04:00.000Z",
                          "AfterContactWorkEndTimestamp": "2026-11-23T08:05:30.000Z",
                          "AfterContactWorkDuration": 90},
                "Name": None, "Description": None, "References": None, "Attributes": {},
                "PreviousContactId": None, "RelatedContactId": None, "InitialContactId": None,
                "SegmentAttributes": None, "ContactFlow": "F"}
        check(not errors(schema, good, schema) and not order_errors(good), "a whole record is valid")
        broken = []
        r = dict(good); del r["References"]; broken.append(("a missing field", r))
        r = dict(good); r["DisconnectTimestamp"] = "2026-11-23 08:04:00"; broken.append(("a timestamp not ISO 8601", r))
        r = dict(good); r["DisconnectTimestamp"] = "2026-11-23T08:04:00.000+01:00"; broken.append(("a time not UTC", r))
        r = dict(good); r["Channel"] = "SMS"; broken.append(("an unknown channel", r))
        r = dict(good); r["Surprise"] = 1; broken.append(("a field SPEC §7 does not list", r))
        r = dict(good); r["Agent"] = dict(good["Agent"]); del r["Agent"]["AfterContactWorkDuration"]
        broken.append(("an agent without AfterContactWorkDuration", r))
        r = dict(good); r["Attributes"] = {"n": 1}; broken.append(("an attribute that is not text", r))
        for what, rec in broken:
            check(errors(schema, rec, schema), f"the schema refuses {what}")
        r = dict(good); r["DisconnectTimestamp"] = "2026-11-23T08:05:30.000Z"
        check(order_errors(r), "a disconnect after the after-contact work began is refused")
        r = dict(good); r["Agent"] = dict(good["Agent"], AfterContactWorkDuration=30)
        check(order_errors(r), "a duration that is not the after-contact work's length is refused")

        # ---- every channel, with and without an agent and after-contact work ----
        os.makedirs(os.path.join(tmp, "flows"))
        for q in ("Wrap", "Quick"):
            with open(os.path.join(tmp, "flows", f"to_{q.lower()}.yaml"), "w") as f:
                f.write(FLOW.format(queue=q))
        with open(os.path.join(tmp, "flows", "leave.yaml"), "w") as f:
            f.write(LEAVE)
        sc = os.path.join(tmp, "channels.yaml")
        with open(sc, "w") as f:
            f.write(SCENARIO)
        out = os.path.join(tmp, "channels.jsonl")
        ok, text = run_records(sc, out)
        files = []
        if check(ok, f"the scenario of every channel runs: {text}"):
            files.append(out)
            records = read_records(out, "every channel")
            validate(records, schema, "every channel")
            by = {r.get("ContactId"): r for r in records}
            want = {f"{ch}_{k}" for ch in ("task", "voice", "chat", "email") for k in ("acw", "quick", "none")}
            want |= {"stopped_handled", "stopped_acw", "linked", "waiting"}
            check(want <= set(by), f"a record for every contact: missing {sorted(want - set(by))}")
            check({r.get("Channel") for r in records} == {"TASK", "VOICE", "CHAT", "EMAIL"}, "all four channels")

            def agent(cid):
                return (by.get(cid) or {}).get("Agent") or {}

            for ch in ("task", "voice", "chat", "email"):
                r = by.get(f"{ch}_acw", {})
                check(r.get("DisconnectTimestamp") == "2026-11-23T08:04:00.000Z"
                      and agent(f"{ch}_acw").get("AfterContactWorkStartTimestamp") == "2026-11-23T08:04:00.000Z"
                      and agent(f"{ch}_acw").get("AfterContactWorkEndTimestamp") == "2026-11-23T08:05:30.000Z"
                      and agent(f"{ch}_acw").get("AfterContactWorkDuration") == 90,
                      f"{ch}: handled 4 min, disconnected then, 90 s of after-contact work after: {r}")
                r = by.get(f"{ch}_quick", {})
                check(r.get("DisconnectTimestamp") == "2026-11-23T08:03:00.000Z"
                      and agent(f"{ch}_quick").get("AfterContactWorkDuration") == 0,
                      f"{ch}: without after-contact work it is none long: {r}")
                r = by.get(f"{ch}_none", {})
                check(r.get("Agent", 0) is None and r.get("Queue", 0) is None
                      and r.get("DisconnectReason") == "CONTACT_FLOW_DISCONNECT",
                      f"{ch}: a contact no agent took has Agent and Queue null: {r}")
            r = by.get("stopped_handled", {})
            check(r.get("DisconnectReason") == "API" and r.get("DisconnectTimestamp") == "2026-11-23T09:02:00.000Z"
                  and agent("stopped_handled").get("AfterContactWorkDuration") == 0,
                  f"a stop while the agent works on it disconnects it then: {r}")
            r = by.get("stopped_acw", {})
            check(r.get("DisconnectReason") == "AGENT_DISCONNECT"
                  and r.get("DisconnectTimestamp") == "2026-11-23T10:04:00.000Z"
                  and agent("stopped_acw").get("AfterContactWorkEndTimestamp") == "2026-11-23T10:05:00.000Z"
                  and agent("stopped_acw").get("AfterContactWorkDuration") == 60,
                  f"a stop during after-contact work ends the work, not the contact again: {r}")
            check(by.get("linked", {}).get("PreviousContactId") == "task_acw", "a linked task names its previous")
            check(by.get("voice_quick", {}).get("Attributes") == {"tier": "gold"}, "a voice contact's attributes")

        # ---- every scenario of the suite and the working day ----
        scenarios = sorted(glob.glob(os.path.join(ROOT, "tests/scenarios/*.yaml")))
        scenarios.append(os.path.join(ROOT, "scenarios/working_day.yaml"))
        total, bad_runs = 0, []
        for i, path in enumerate(scenarios):
            out = os.path.join(tmp, f"s{i}.jsonl")
            ok, text = run_records(path, out)
            if not ok:
                bad_runs.append(f"{os.path.relpath(path, ROOT)}: {text.strip()[:200]}")
                continue
            records = read_records(out, os.path.relpath(path, ROOT))
            total += len(records)
            if records:
                validate(records, schema, os.path.relpath(path, ROOT))
                files.append(out)
        check(not bad_runs, "every scenario runs with --records:\n  " + "\n  ".join(bad_runs))
        check(total > 500, f"the scenarios gave records to check ({total})")

        # ---- the same schema through ajv, when tests/sarif's pinned validator is installed ----
        node = shutil.which("node")
        if node and os.path.isdir(os.path.join(ROOT, "tests/sarif/node_modules/ajv")):
            p = subprocess.run([node, AJV_SCRIPT, SCHEMA_PATH, *files], capture_output=True, text=True)
            shown = "\n".join((p.stdout + p.stderr).splitlines()[:20])
            check(p.returncode == 0, f"ajv finds every record valid:\n{shown}")
            bad = os.path.join(tmp, "bad.jsonl")
            with open(bad, "w") as f:
                for _, rec in broken:
                    f.write(json.dumps(rec) + "\n")
            p = subprocess.run([node, AJV_SCRIPT, SCHEMA_PATH, bad], capture_output=True, text=True)
            check(p.returncode == 1 and p.stdout.count("\n") >= len(broken),
                  f"ajv refuses each broken record:\n{p.stdout}{p.stderr}")
        else:
            print("records: note: ajv is not installed (make deps); the schema was applied by tests/records.py only")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return T.finish()


if __name__ == "__main__":
    sys.exit(main())
