#!/usr/bin/env python3
"""interchange.py — Amazon Connect flows through the command line as users meet them: check of
exports with and without --resources (the cross-flow channel analysis follows a resolved ARN),
Connect's size limit, import to files, what import refuses, a non-flow JSON file, and simulating and
compiling a bundle that holds Connect JSON. JSON outputs are read with a JSON parser. Usage:
interchange.py [CCFLOW]; ends with "interchange: N passed, N failed"."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import testlib

ROOT = testlib.ROOT
CCFLOW = testlib.ccflow()
T = testlib.Tally("interchange")
check = T.check


def run(*args, cwd=ROOT):
    return testlib.run(CCFLOW, *args, cwd=cwd, timeout=120)


def diagnostics(*args):
    rc, out, err = run("check", "--no-stdlib", "--format", "json", *args)
    try:
        return rc, json.loads(out)
    except ValueError:
        check(False, f"check {args}: not JSON: {out[:200]!r} {err[:200]!r}")
        return rc, []


ARN = "arn:aws:connect:us-east-1:111122223333:instance/a1b2c3d4-5678-90ab-cdef-111111111111"
QUEUE_FLOW_ARN = ARN + "/contact-flow/a1b2c3d4-5678-90ab-cdef-333333333333"


def flow(name, type_, start, actions):
    return {"Version": "2019-10-30", "StartAction": start, "Metadata": {"type": type_, "name": name},
            "Actions": actions}


def act(ident, type_, params, nxt=None, errors=(), conditions=()):
    t = {}
    if nxt:
        t["NextAction"] = nxt
    if errors:
        t["Errors"] = [{"ErrorType": e, "NextAction": n} for e, n in errors]
    if conditions:
        t["Conditions"] = [{"NextAction": n, "Condition": {"Operator": "Equals", "Operands": [o]}}
                           for o, n in conditions]
    return {"Identifier": ident, "Type": type_, "Parameters": params, "Transitions": t}


BYE = act("bye", "DisconnectParticipant", {})
intake = flow("Task intake", "contactFlow", "set-queue", [
    act("set-queue", "UpdateContactTargetQueue", {"QueueId": "Support"}, "hold", [("NoMatchingError", "bye")]),
    act("hold", "UpdateContactEventHooks", {"EventHooks": {"CustomerQueue": QUEUE_FLOW_ARN}}, "to-queue",
        [("NoMatchingError", "bye")]),
    act("to-queue", "TransferContactToQueue", {}, None, [("QueueAtCapacity", "bye"), ("NoMatchingError", "bye")]),
    BYE])
music = flow("Queue music", "customerQueue", "music", [
    act("music", "MessageParticipantIteratively", {"Messages": [{"Text": "Please hold."}],
                                                    "InterruptFrequencySeconds": "60"},
        "end", [("NoMatchingError", "end")], [("MessagesInterrupted", "music")]),
    act("end", "EndFlowExecution", {})])

tmp = tempfile.mkdtemp()
try:
    def write(name, data, raw=False):
        path = os.path.join(tmp, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb" if raw else "w") as f:
            f.write(data if raw else json.dumps(data, indent=2) + "\n")
        return path

    bundle = os.path.join(tmp, "exports")
    write("exports/intake.json", intake)
    write("exports/music.json", music)
    write("exports/package.json", {"name": "contact-flows", "private": True})

    # ---- a reference by ARN: outside the bundle until --resources names it ----
    rc, d = diagnostics(bundle)
    codes = sorted(x["code"] for x in d)
    check("W502" in codes, f"an unresolved ARN is a warning: {codes}")
    unresolved = [x for x in d if x["code"] == "E401"]
    # the queue flow is then reached by nothing and takes every channel of its type on its own
    check(all(not any(n["file"].endswith("intake.json") for n in x["notes"]) for x in unresolved),
          "no arrival path runs through an ARN that names nothing")
    check(any(x["code"] == "N505" and x["file"].endswith("package.json") for x in d),
          "a JSON file that is no flow is skipped with a note")
    w502 = next((x for x in d if x["code"] == "W502"), None)
    if w502:
        with open(os.path.join(bundle, "intake.json")) as f:
            line = next(i for i, l in enumerate(f, 1) if QUEUE_FLOW_ARN in l)
        check(w502["file"].endswith("intake.json") and w502["line"] == line,
              f"W502 points at the ARN in the JSON: {w502['file']}:{w502['line']}, expected line {line}")
    listing = write("flows.json", {"ContactFlowSummaryList": [
        {"Id": QUEUE_FLOW_ARN.rsplit("/", 1)[1], "Arn": QUEUE_FLOW_ARN, "Name": "Queue music",
         "ContactFlowType": "CUSTOMER_QUEUE"}]})
    rc, d = diagnostics("--resources", listing, bundle)
    e401 = [x for x in d if x["code"] == "E401"]
    check(rc == 1 and e401 and "W502" not in [x["code"] for x in d],
          f"with the saved list-contact-flows output the analysis follows the ARN into 'Queue music': {d}")
    if e401:
        check(e401[0]["file"].endswith("music.json") and "TASK" in e401[0]["message"],
              f"the channel error points into the queue flow's JSON: {e401[0]}")
        check(any(n["file"].endswith("intake.json") for n in e401[0]["notes"]),
              "the arrival path of the channel error runs through the intake flow's JSON")
    with open(os.path.join(tmp, "names.yaml"), "w") as f:
        f.write(f'"{QUEUE_FLOW_ARN}": Queue music\n')
    rc2, d2 = diagnostics("--resources", os.path.join(tmp, "names.yaml"), bundle)
    check([x["code"] for x in d2] == [x["code"] for x in d], "a YAML mapping resolves the ARN as the list output does")
    rc, out, err = run("check", "--resources", os.path.join(tmp, "missing.yaml"), bundle)
    check(rc == 2, f"an unreadable resources file is an I/O error (exit {rc})")

    # ---- several resources files add up; a flow they name outside the bundle is a warning ----
    queues = write("queues.json", {"QueueSummaryList": [
        {"Id": "q1", "Arn": ARN + "/queue/q1", "Name": "Support"}]})
    rc, d = diagnostics("--resources", queues, "--resources", listing, os.path.join(bundle, "intake.json"))
    w = [x for x in d if x["code"] == "W502"]
    check(rc == 0 and w and "Queue music" in w[0]["message"] and not any(x["code"] == "E118" for x in d),
          f"a flow of the instance that the bundle lacks is a warning, with both files read: {d}")
    rc, out, err = run("export", "--connect", "--resources", listing, "--resources", queues,
                       os.path.join(bundle, "intake.json"))
    exported = json.loads(out) if rc in (0, 1) and out else {}
    hooks = [a["Parameters"].get("EventHooks", {}) for a in exported.get("Actions", [])]
    check({"CustomerQueue": QUEUE_FLOW_ARN} in hooks, f"export writes the ARN of both files' names back: {hooks}")

    # ---- --type in Connect's spellings; a module known by its Return ----
    for spelling in ("customer_queue", "CUSTOMER_QUEUE", "customerQueue"):
        rc, d = diagnostics("--type", spelling, write("untyped.json", dict(music, Metadata={"name": "Queue music"})))
        check(rc == 1 and not any(x["code"] in ("E301", "N506") for x in d), f"--type {spelling}: {[x['code'] for x in d]}")
    module = flow("Greeter", None, "hi", [
        act("hi", "UpdateContactAttributes", {"Attributes": {"greeted": "yes"}}, "back", [("NoMatchingError", "back")]),
        act("back", "EndFlowModuleExecution", {})])
    del module["Metadata"]["type"]
    rc, d = diagnostics(write("module.json", module))
    notes = [x for x in d if x["code"] == "N506"]
    check(rc == 0 and notes and "module" in notes[0]["message"] and not any(x["code"] == "E301" for x in d),
          f"an untyped flow that returns is read as a module: {d}")

    # ---- links: a loop back up the tree and a second way to a directory are walked once ----
    os.makedirs(os.path.join(tmp, "links", "d"))
    shutil.copy(os.path.join(bundle, "intake.json"), os.path.join(tmp, "links", "d", "intake.json"))
    os.symlink("..", os.path.join(tmp, "links", "d", "up"))
    os.symlink("d", os.path.join(tmp, "links", "again"))
    rc, d = diagnostics(os.path.join(tmp, "links"))
    check(rc == 0 and not any(x["code"] in ("E117", "E100") for x in d), f"linked directories are read once: {d}")

    # ---- refused before checking anything: --format json and sarif still print what they promise ----
    for args in (["--resources", os.path.join(tmp, "missing.yaml"), bundle], ["--type", "bogus", bundle],
                 ["--no-such-option", bundle], []):
        rc, out, err = run("check", "--format", "json", *args)
        try:
            ok = rc == 2 and json.loads(out) == []
        except ValueError:
            ok = False
        check(ok, f"check --format json {args}: exit {rc}, an empty array: {out[:80]!r}")
        rc, out, err = run("check", "--format", "sarif", *args)
        try:
            log = json.loads(out)
            ok = rc == 2 and log["version"] == "2.1.0" and log["runs"][0]["results"] == []
        except (ValueError, KeyError, IndexError):
            ok = False
        check(ok, f"check --format sarif {args}: exit {rc}, a log without results: {out[:80]!r}")

    # ---- --exclude matches a tail of the walked path, wherever the walk began ----
    os.makedirs(os.path.join(tmp, "ex", "exports", "legacy"))
    shutil.copy(os.path.join(ROOT, "tests/check/connect/legacy.json"), os.path.join(tmp, "ex", "exports", "legacy"))
    shutil.copy(os.path.join(bundle, "intake.json"), os.path.join(tmp, "ex", "exports"))
    for start, glob in ((tmp, "legacy/*"), (tmp, "legacy/"), (os.path.join(tmp, "ex"), "exports/legacy"),
                        (os.path.join(tmp, "ex", "exports"), "legacy")):
        p = subprocess.run([CCFLOW, "check", "--no-stdlib", "--format", "json", "--exclude", glob, "."],
                           capture_output=True, cwd=start)
        found = [x["code"] for x in json.loads(p.stdout)] if p.stdout else ["?"]
        check("E122" not in found, f"--exclude {glob} from {os.path.relpath(start, tmp) or '.'} skips the legacy "
                                   f"folder: {found}")

    # ---- a directory of JSON that holds no flow ----
    write("nothing/package.json", {"name": "x"})
    rc, d = diagnostics(os.path.join(tmp, "nothing"))
    check(rc == 2 and any(x["code"] == "E100" for x in d), f"no flows found is exit 2 ({rc}, {d})")

    # ---- Connect's size limit: 256,000 characters of content ----
    big = flow("Big", "contactFlow", "a0", [
        act(f"a{i}", "UpdateContactAttributes", {"Attributes": {"note": "x" * 1400}}, f"a{i + 1}" if i < 199 else "bye",
            [("NoMatchingError", "bye")]) for i in range(200)] + [BYE])
    rc, d = diagnostics(write("big/big.json", big))
    check(any(x["code"] == "E120" and "256000" in x["message"] for x in d), f"content over 256,000 characters: {d[:2]}")

    # ---- import: files, what it refuses ----
    outdir = os.path.join(tmp, "imported")
    os.makedirs(outdir)
    rc, out, err = run("import", "--resources", listing, "-o", outdir, os.path.join(bundle, "intake.json"),
                       os.path.join(bundle, "music.json"))
    check(rc == 0 and sorted(os.listdir(outdir)) == ["intake.yaml", "music.yaml"], f"import -o DIR ({rc}, {err})")
    rc, d = diagnostics("--resources", listing, outdir)
    rc_j, d_j = diagnostics("--resources", listing, os.path.join(bundle, "intake.json"), os.path.join(bundle, "music.json"))
    check(sorted(x["code"] for x in d) == sorted(x["code"] for x in d_j),
          f"the imported flows check as the JSON did: {[x['code'] for x in d]} {[x['code'] for x in d_j]}")
    rc, out, err = run("import", "--to", "dsl", "--strip", os.path.join(bundle, "intake.json"))
    check(rc == 0 and out.startswith('flow "Task intake"') and "connect: {" not in out and "identifier" not in out
          and "Queue music" not in out and QUEUE_FLOW_ARN in out,
          f"import --to dsl --strip writes the DSL without metadata, the ARN as written: {out!r}")
    rc, out, err = run("import", os.path.join(ROOT, "tests/check/connect/escapes.json"))
    check(rc == 0 and "\U0001F600" in out and '\\"quoted\\"' in out,
          f"escapes and surrogate pairs are decoded: {out[:400]!r}")
    rc, out, err = run("import", os.path.join(ROOT, "tests/check/connect/legacy.json"))
    check(rc == 1 and out == "" and "E122" in err, f"a legacy export is refused with E122 ({rc})")
    rc, out, err = run("import", os.path.join(bundle, "package.json"))
    check(rc == 1 and out == "", f"a JSON file that is no flow is refused ({rc})")
    rc, out, err = run("import", os.path.join(ROOT, "flows/task_routing.yaml"))
    check(rc == 2, f"import reads only .json ({rc})")
    made = os.path.join(tmp, "new-dir")
    rc, out, err = run("import", "-o", made, os.path.join(bundle, "intake.json"))
    check(rc == 0 and os.listdir(made) == ["intake.yaml"], f"import -o makes a missing directory ({rc}, {err})")
    os.makedirs(os.path.join(tmp, "twice", "a"))
    os.makedirs(os.path.join(tmp, "twice", "b"))
    shutil.copy(os.path.join(bundle, "intake.json"), os.path.join(tmp, "twice", "a", "flow.json"))
    shutil.copy(os.path.join(bundle, "music.json"), os.path.join(tmp, "twice", "b", "flow.json"))
    rc, out, err = run("import", "-o", os.path.join(tmp, "twice", "out"), os.path.join(tmp, "twice", "a", "flow.json"),
                       os.path.join(tmp, "twice", "b", "flow.json"))
    with open(os.path.join(tmp, "twice", "out", "flow.yaml")) as f:
        first = f.read()
    check(rc == 2 and "written twice" in err and "Task intake" in first,
          f"two inputs of one name do not overwrite each other ({rc}, {err})")
    rc, out, err = run("import", os.path.join(ROOT, "tests/check/connect/trailing_comma.json"))
    check(rc == 1 and "E101" in err and out == "", f"malformed JSON is refused with its place ({rc})")

    # ---- a Connect flow in a simulation and a compiled bundle ----
    routing = flow("Connect routing", "contactFlow", "q", [
        act("q", "UpdateContactTargetQueue", {"QueueId": "Support"}, "t", [("NoMatchingError", "bye")]),
        act("t", "TransferContactToQueue", {}, None, [("QueueAtCapacity", "bye"), ("NoMatchingError", "bye")]),
        BYE])
    write("sim/routing.json", routing)
    scenario = os.path.join(tmp, "sim", "scenario.yaml")
    with open(scenario, "w") as f:
        f.write("start: 2026-11-23T08:00:00Z\nflows: [routing.json]\nqueues:\n  - { name: Support }\n"
                "agents:\n  - { name: alice, queues: [Support], concurrency: { task: 1 }, handle: 5m, status: available }\n"
                "events:\n  - at: 0s\n    start_task: { id: t1, name: Follow up, flow: Connect routing }\n"
                "until: 1h\nexpect:\n  - { contact: t1, disconnect_reason: AGENT_DISCONNECT, agent: alice }\n"
                "  - { contact: t1, ended_at: 5m }\n")
    rc, out, err = run("test", scenario)
    check(rc == 0 and out.strip().endswith("2 passed, 0 failed"), f"a scenario runs a Connect flow: {out[-200:]!r} {err[-300:]!r}")
    ccfb = os.path.join(tmp, "routing.ccfb")
    rc, out, err = run("compile", "--no-stdlib", "-o", ccfb, os.path.join(tmp, "sim", "routing.json"))
    check(rc == 0 and os.path.getsize(ccfb) > 0, f"compile a Connect flow ({rc}, {err})")
    rc, out, err = run("disasm", ccfb)
    check(rc == 0 and "routing.json" in out, "the source map of a compiled Connect flow names the JSON file")
    with open(scenario, "w") as f:
        f.write("start: 2026-11-23T08:00:00Z\nflows: [routing.json]\n"
                "events:\n  - { at: 0s, start_task: { id: t1, name: X, flow: Connect routing } }\nuntil: 1m\n")
    rc, out, err = run("run", "--trace", scenario)
    check(rc == 0 and "no queue named 'Support'" in out + err,
          f"a run-time error names the queue it could not find: {(out + err)[-300:]!r}")
finally:
    shutil.rmtree(tmp)

sys.exit(T.finish())
