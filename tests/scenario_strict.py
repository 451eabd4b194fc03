#!/usr/bin/env python3
"""ccflow test reads scenarios strictly and checks what its expectations say.

Runs `ccflow test` on small scenarios written here and checks the exit status, every problem
reported (file:line:col, message and code, each exactly, and no other) and the expectation lines.
Each case is something ccflow once got wrong: an expectation that passed without checking
anything, a contact still alive at the end that no expectation could read, a misspelt key that was
silently ignored, a number narrowed before it was checked, a date normalised, a duration near the
int64 limit that wrapped round. Prints "scenario_strict: N passed, N failed".
"""
import os
import subprocess
import sys
import tempfile
import testlib

ROOT = testlib.ROOT
FLOWS = os.path.join(ROOT, "tests", "scenarios", "flows", "seed.yaml")  # "Task routing", queue Support
HEAD = "start: 2026-11-23T08:00:00Z\nflows: [%s]\n" % FLOWS
KEYS = ("contact, disconnect_reason, agent, started_at, ended_at, attributes, references, previous, related, "
        "created_by, initiation, rejected or refused")
EVENT_KEYS = ("at, start_task, start_contact, agent, update_attributes, stop_contact, update_schedule, transfer, "
              "accept_contact or complete_contact")
TOO_LONG = "a duration in a scenario is at most 3650000d (about 10,000 years), not '106751991167d' [E106]"
EMPTY = ("1:1: error: the scenario is empty; a scenario is a mapping with 'start', 'flows', 'queues', 'agents', "
         "'events' and 'expect' [E102]")

# name, scenario text (bytes or str), exit status, problems (line:col: severity: message [CODE],
# notes included, in order), lines expected on standard output (the tally last)
CASES = [
    # Expectations read the contact at the end of the run, ended or not.
    ("live contacts", HEAD + """queues: [{ name: Support }]
agents: [{ name: alice, queues: [Support], handle: 10h }]
events:
  - { at: 0s, start_task: { id: held, name: Held, flow: Task routing, attributes: { tier: gold } } }
  - { at: 1m, start_task: { id: waiting, name: Waiting, flow: Task routing } }
  - { at: 2m, start_task: { id: later, name: Later, flow: Task routing, scheduled: 3d } }
until: 5m
expect:
  - { contact: held, attributes: { tier: gold, missing: null }, agent: alice, started_at: 0s }
  - { contact: waiting, agent: null, started_at: 1m, attributes: { tier: null } }
  - { contact: held, ended_at: 5m }
  - { contact: held, disconnect_reason: AGENT_DISCONNECT }
  - { contact: later, started_at: 3d }
  - { contact: nobody, agent: null }
""", 1, [], ["{f}:13: FAIL contact held: saw ended_at (still open)",
             "{f}:14: FAIL contact held: saw disconnect_reason (still open)",
             "{f}:15: FAIL contact later: saw started_at (not started)",
             "{f}:16: FAIL contact nobody: saw agent (no such contact)",
             "2 passed, 4 failed"]),
    # Every unknown key of a task template and of its fields, each with its hint.
    ("template keys", HEAD + """task_templates:
  - name: T
    flow: Task routing
    expiri: 1d
    statuss: active
    fields:
      - { name: a, typ: STRING, requird: true }
""", 1, ["6:5: error: unknown task template key 'expiri' [E104]",
         "6:5: note: did you mean 'expiry'?",
         "7:5: error: unknown task template key 'statuss' [E104]",
         "7:5: note: did you mean 'status'?",
         "9:20: error: unknown template field key 'typ'; a field is { name, type, required, read_only, default } [E104]",
         "9:20: note: did you mean 'type'?",
         "9:33: error: unknown template field key 'requird'; a field is { name, type, required, read_only, default } [E104]",
         "9:33: note: did you mean 'required'?"], None),
    # start_contact's fields of the wrong shape are errors of their own, not unknown fields.
    ("contact fields", HEAD + """events:
  - { at: 0s, start_contact: { id: c1, channel: VOICE, flow: Task routing, inputs: "1" } }
  - { at: 0s, start_contact: { id: c2, channel: VOICE, flow: Task routing, attributes: [a] } }
  - { at: 0s, start_contact: { id: c3, channel: VOICE, flow: Task routing, inputs: [[1]] } }
""", 1, ["4:84: error: start_contact's inputs are a list of what the customer enters at each input block, not text [E106]",
         "5:88: error: start_contact's attributes are a mapping of names to text, not a list [E106]",
         "6:85: error: an input is what the customer enters, as text, not a list [E106]"], None),
    # An expectation that could pass without checking anything is an error.
    ("expect is not a list", HEAD + """queues: [{ name: Support }]
expect: { queue: Support, metric: contacts_created, value: 0 }
""", 1, ["4:9: error: expect lists what to check: - { contact: t1, ended_at: 5m }, not a mapping [E106]"], None),
    ("vacuous expectations", HEAD + """queues: [{ name: Support }]
events:
  - { at: 0s, start_task: { id: t1, name: T, flow: Task routing } }
expect:
  - { contact: t1 }
  - { contact: t1, ended: 5m, agnet: alice, disconect_reason: EXPIRED }
  - { queue: Support, metric: contacts_created, value: "" }
  - { queue: Support, metric: contacts_created, value: lots }
  - { contact: t1, attributes: {} }
  - { contact: t1, disconnect_reason: "" }
  - 7
""", 1, ["7:5: error: this expectation names contact 't1' and nothing to check; add disconnect_reason, agent, "
         "started_at, ended_at, attributes... [E106]",
         "8:20: error: unknown expectation key 'ended'; it is %s [E104]" % KEYS,
         "8:20: note: did you mean 'ended_at'?",
         "8:31: error: unknown expectation key 'agnet'; it is %s [E104]" % KEYS,
         "8:31: note: did you mean 'agent'?",
         "8:45: error: unknown expectation key 'disconect_reason'; it is %s [E104]" % KEYS,
         "8:45: note: did you mean 'disconnect_reason'?",
         "9:56: error: a queue expectation's value is a number, not '' [E106]",
         "10:56: error: a queue expectation's value is a number, not 'lots' [E106]",
         "11:32: error: 'attributes' maps keys to the values expected (null: absent), not an empty mapping [E106]",
         "12:39: error: 'disconnect_reason' expects a reason such as AGENT_DISCONNECT, not '' [E106]",
         "13:5: error: an expect item is { contact: ID, CHECK: VALUE } or { queue, metric, value }, not '7' [E106]"],
     None),
    # Unknown keys everywhere, numbers range-checked before they are narrowed.
    ("resources", HEAD + """queues:
  - { name: Support, max_contact: 5 }
  - { name: Sales, max_contacts: 4294967297 }
agents:
  - { name: alice, queues: [Support], concurrency: { tasks: 2 } }
  - { name: bruno, queues: [Support], concurrency: { task: 256, chat: -1 } }
functions:
  crm: { reslt: { tier: gold } }
limits: { active_tasks: -3 }
""", 1, ["4:22: error: unknown queue key 'max_contact'; it is name, max_contacts or hours [E104]",
         "4:22: note: did you mean 'max_contacts'?",
         "5:34: error: max_contacts (0: no limit) is a whole number from 0 to 4294967295, not '4294967297' [E106]",
         "7:54: error: unknown concurrency key 'tasks'; it is voice, chat, task or email [E104]",
         "7:54: note: did you mean 'task'?",
         "8:60: error: a channel's concurrency is a whole number from 0 to 255, not '256' [E106]",
         "8:71: error: a channel's concurrency is a whole number from 0 to 255, not '-1' [E106]",
         "10:10: error: unknown function key 'reslt'; it is result or latency [E104]",
         "10:10: note: did you mean 'result'?",
         "11:25: error: active_tasks is a whole number from 1 to 18446744073709551615, not '-3' [E106]"], None),
    ("events and arrivals", HEAD + """queues: [{ name: Support }]
agents: [{ name: alice, queues: [Support] }]
events:
  - { at: 0s, start_task: { id: a, name: A, flow: Task routing }, agent: { name: alice, status: offline } }
  - { start_task: { id: b, name: B, flow: Task routing } }
  - { at: 1m }
  - { at: 2m, stop_contact: a, when: now }
  - { at: 3m, transfer: { contact: a, flow: Task routing, queu: Support } }
  - { at: 4m, agent: { name: alice, stauts: offline } }
arrivals:
  - { every: 1m, count: -3, start_task: { name: C, flow: Task routing } }
  - { every: 1m, count: 2, start_task: { name: C, flow: Task routing }, name: x }
""", 1, ["6:67: error: an event does one thing; this one has 'start_task' and 'agent' (make two events) [E106]",
         "7:5: error: an event needs 'at', its offset from the scenario's start [E106]",
         "8:5: error: an event is { at, X } where X is start_task, start_contact, agent, update_attributes, "
         "stop_contact, update_schedule, transfer, accept_contact or complete_contact [E106]",
         "9:32: error: unknown event key 'when'; it is %s [E104]" % EVENT_KEYS,
         "10:59: error: unknown transfer key 'queu'; it is contact, flow, queue or agent [E104]",
         "10:59: note: did you mean 'queue'?",
         "11:37: error: unknown agent event key 'stauts'; it is name or status [E104]",
         "11:37: note: did you mean 'status'?",
         "13:25: error: an arrival's count is a whole number from 0 to 18446744073709551615, not '-3' [E106]",
         "14:73: error: unknown arrival key 'name'; it is every, count or start_task [E104]"], None),
    # Dates are real dates from 1970 on, never normalised.
    ("30 February", "start: 2026-02-30T08:00:00Z\nflows: [%s]\n" % FLOWS, 1,
     ["1:8: error: 'start' has no day 30 in 2026-02, which has 28 days [E106]"], None),
    ("hour 25", "start: 2026-11-23T25:00:00Z\nflows: [%s]\n" % FLOWS, 1,
     ["1:8: error: 'start' has no time 25:00:00: hours are 00 to 23, minutes and seconds 00 to 59 [E106]"], None),
    ("month 13", "start: 2026-13-01T08:00:00Z\nflows: [%s]\n" % FLOWS, 1,
     ["1:8: error: 'start' has no month 13: months are 01 to 12 [E106]"], None),
    ("before 1970", "start: 1969-12-31T23:59:59Z\nflows: [%s]\n" % FLOWS, 1,
     ["1:8: error: 'start' is before 1970-01-01T00:00:00Z, where the clock's time begins [E106]"], None),
    # Durations near the int64 limit: refused where a scenario gives them, never a sum that wraps.
    ("durations near the int64 limit", HEAD + """queues: [{ name: Support }]
agents: [{ name: alice, queues: [Support], handle: 106751991167d, acw: 106751991167d }]
functions:
  crm: { result: { tier: gold }, latency: 106751991167d }
events:
  - { at: 106751991167d, start_task: { id: a, name: A, flow: Task routing } }
arrivals:
  - { every: 106751991167d, count: 3, start_task: { name: C, flow: Task routing } }
until: 106751991167d
""", 1, ["4:52: error: " + TOO_LONG, "4:72: error: " + TOO_LONG, "6:43: error: " + TOO_LONG,
         "8:11: error: " + TOO_LONG, "10:14: error: " + TOO_LONG, "11:8: error: " + TOO_LONG], None),
    ("scheduled far ahead is refused", HEAD + """queues: [{ name: Support }]
events:
  - { at: 0s, start_task: { id: far, name: Far, flow: Task routing, scheduled: 106751991167d } }
  - { at: 0s, start_task: { id: near, name: Near, flow: Task routing, scheduled: 3650000d } }
  - { at: 0s, start_task: { id: soon, name: Soon, flow: Task routing, scheduled: 1d } }
  - { at: 1m, update_schedule: { contact: soon, scheduled: 106751991167d } }
until: 1h
expect:
  - { contact: far, rejected: InvalidRequestException }
  - { contact: near, rejected: InvalidRequestException }
  - { contact: soon, refused: InvalidRequestException }
""", 0, [], ["rejected far: InvalidRequestException: ScheduledTime must be between now and 6 days ahead",
             "3 passed, 0 failed"]),
    ("the longest durations at the end of time", """start: 9999-12-31T23:59:59Z
flows: [%s]
queues: [{ name: Support }]
agents: [{ name: alice, queues: [Support], handle: 3650000d, acw: 3650000d }]
events:
  - { at: 3650000d, start_task: { id: a, name: A, flow: Task routing } }
arrivals:
  - { every: 3650000d, count: 18446744073709551615, start_task: { name: C, flow: Task routing } }
expect:
  - { contact: a, agent: null, started_at: 3650000d }
""" % FLOWS, 0, [], ["1 passed, 0 failed"]),
    # Messages: where, and what.
    ("empty file", "", 1, [EMPTY], None),
    ("comments only", "# to be written\n---\n", 1, [EMPTY], None),
    ("not UTF-8", b"start: 2026-11-23T08:00:00Z\n# caf\xe9\nflows: [" + FLOWS.encode() + b"]\n", 1,
     ["2:6: error: the scenario is not valid UTF-8: byte 0xe9 here does not start a valid UTF-8 sequence [E101]"],
     None),
    ("missing flows path", "start: 2026-11-23T08:00:00Z\nflows:\n  - %s\n  - no/such/flows\n" % FLOWS, 1,
     ["4:5: error: cannot read 'no/such/flows' (paths are relative to the scenario): No such file or directory "
      "[E100]"], None),
]


def run_case(ccflow, tmp, name, text, status, problems, out_lines):
    path = os.path.join(tmp, name.replace(" ", "_") + ".yaml")
    with open(path, "wb") as f:
        f.write(text if isinstance(text, bytes) else text.encode())
    try:
        p = subprocess.run([ccflow, "test", path], capture_output=True, timeout=60)
    except subprocess.TimeoutExpired:
        return ["did not end within 60 s"]
    err = p.stderr.decode(errors="replace")
    out = p.stdout.decode(errors="replace")
    why = []
    if p.returncode != status:
        why.append("exit status %d, not %d" % (p.returncode, status))
    if "runtime error:" in err or "Sanitizer" in err:
        why.append("a sanitizer reported:\n" + err)
    seen = [line[len(path) + 1:] for line in err.splitlines() if line.startswith(path + ":")]
    want = [w for w in problems]
    if seen != want:
        why.append("problems reported:\n    " + "\n    ".join(seen) + "\n  expected:\n    " + "\n    ".join(want))
    if problems and "could not run" not in out:
        why.append("a scenario with problems ran")
    for line in out_lines or []:
        if line.replace("{f}", path) not in out.splitlines():
            why.append("no line '%s' in:\n%s" % (line, out))
    return why


def main():
    ccflow = testlib.ccflow()
    tally = testlib.Tally("scenario_strict")
    with tempfile.TemporaryDirectory() as tmp:
        for case in CASES:
            why = run_case(ccflow, tmp, *case)
            tally.check(not why, "%s: %s" % (case[0], "; ".join(why)))
    return tally.finish()


if __name__ == "__main__":
    sys.exit(main())
