#!/usr/bin/env python3
"""contract.py — the command line's contract for CI, checked with real parsers: every JSON text
ccflow writes (check --format json and sarif, run --records, built-in results, the JSON values in
`ir`) is parsed with Python's json module and read field by field; SARIF logs are also validated
against the published SARIF 2.1.0 schema (tests/sarif); and check's inputs (no flows, '-', '--',
--exclude) and write errors behave as SPEC §5 says. Usage: contract.py [CCFLOW]; ends with
"contract: N passed, N failed"."""
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
VALIDATOR = os.path.join(ROOT, "tests/sarif/validate.js")
T = testlib.Tally("contract")
check = T.check


def run(*args, stdin=None, cwd=ROOT):
    return testlib.run(CCFLOW, *args, stdin=stdin, cwd=cwd, errors="strict")


def parse(text, what):
    return testlib.parse_json(text, what, check)


tmp = tempfile.mkdtemp()
try:
    def write(name, text):
        path = os.path.join(tmp, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(text)
        return path

    TYPO = "flow: X\ntype: inbound\nchannels: [task]\nblocks:\n  a:\n    wiat: 1m\n"
    CLEAN = "flow: C\ntype: inbound\nchannels: [task]\nblocks:\n  a:\n    disconnect: {}\n"
    typo = write("typo.yaml", TYPO)
    write("notflow/readme.txt", "not a flow\n")
    os.makedirs(os.path.join(tmp, "empty"))

    # ---- check --format json: one array of findings, field by field ----
    def diag_array(args, want_status, what):
        status, out, _ = run("check", "--format", "json", *args)
        check(status == want_status, f"{what}: exit {status}, expected {want_status}")
        doc = parse(out, what)
        if not check(isinstance(doc, list), f"{what}: a JSON array"):
            return []
        for d in doc:
            check(set(d) == {"file", "line", "column", "end_line", "end_column", "severity", "code", "message", "notes"},
                  f"{what}: members of a finding: {sorted(d)}")
            check(all(isinstance(d[k], int) for k in ("line", "column", "end_line", "end_column")), f"{what}: integer positions")
            check(d["severity"] in ("error", "warning") and re.fullmatch(r"[EW]\d{3}", d["code"]), f"{what}: severity and code")
            for n in d["notes"]:
                check(set(n) == {"file", "line", "column", "message"}, f"{what}: members of a note: {sorted(n)}")
        return doc

    doc = diag_array([typo], 1, "json of an unknown kind")
    check(len(doc) == 1 and doc[0]["code"] == "E109" and doc[0]["file"] == typo and doc[0]["line"] == 6
          and doc[0]["column"] == 5 and doc[0]["end_column"] == 8, f"E109 at 6:5-8: {doc}")
    check(doc and doc[0]["notes"][0]["message"] == "did you mean 'wait'?", "the note of E109")
    doc = diag_array(["tests/check/channels"], 1, "json of the channel cases")
    check(any(d["notes"] for d in doc), "channel findings carry notes")
    check(diag_array(["flows"], 0, "json of the bundled flows") == [], "the bundled flows are clean")
    doc = diag_array([os.path.join(tmp, "missing.yaml")], 2, "json of a missing file")
    check([d["code"] for d in doc] == ["E100"], "a missing file is E100")
    # a name with a quote, a backslash, a control character and a byte that is not UTF-8
    odd = os.path.join(tmp, 'q"b\\s\x01.yaml')
    with open(odd, "wb") as f:
        f.write(b"flow: \"caf\\xe9\"\ntype: inbound\nblocks:\n  a:\n    wiat: 1m  # \xff\n")
    doc = diag_array([odd], 1, "json of a file with an awkward name and bytes")
    check(doc and doc[0]["file"] == odd, "an awkward file name survives JSON escaping")

    # ---- no flows: exit 2 in every format, never a silent pass ----
    for where in ("empty", "notflow"):
        path = os.path.join(tmp, where)
        status, out, err = run("check", path)
        check(status == 2 and f"ccflow: error: no flows found in {path}" in out, f"{where}: exit {status}: {out!r}")
        status, out, err = run("check", "--werror", path)
        check(status == 2, f"--werror on {where} cannot pass: exit {status}")
        doc = diag_array([path], 2, f"json of {where}")
        check([d["message"] for d in doc] == [f"no flows found in {path}"], f"json of {where} says why: {doc}")
        status, out, err = run("check", "--format", "sarif", path)
        log = parse(out, f"sarif of {where}")
        check(status == 2 and log and log["runs"][0]["results"][0]["message"]["text"] == f"no flows found in {path}",
              f"sarif of {where} says why")
    status, out, _ = run("check", "--format", "json", "flows", os.path.join(tmp, "empty"))
    check(status == 2, "one path without flows among others still exits 2")

    # ---- standard input, '--', --exclude ----
    status, out, _ = run("check", "--no-color", "-", stdin=TYPO.encode())
    check(status == 1 and out.startswith("<stdin>:6:5: error: unknown block kind 'wiat' [E109]"), f"'-' reads YAML: {out!r}")
    status, out, _ = run("check", "--no-color", "--stdin-name", "flows/mine.yaml", "-", stdin=TYPO.encode())
    check(status == 1 and out.startswith("flows/mine.yaml:6:5:"), f"--stdin-name names it: {out!r}")
    clean = write("clean.yaml", CLEAN)
    dsl = subprocess.run([CCFLOW, "fmt", clean], capture_output=True).stdout
    check(dsl.startswith(b"flow "), "fmt writes the DSL")
    status, out, _ = run("check", "--no-stdlib", "-", stdin=dsl)
    check(status == 0, f"'-' reads the DSL by its content: exit {status} {out!r}")
    status, out, _ = run("check", "--no-stdlib", "--stdin-name", "x.yaml", "-", stdin=dsl)
    check(status == 1 and out.startswith("x.yaml:"), "--stdin-name's extension picks the reader")
    status, out, _ = run("check", "--no-stdlib", "-", stdin=b"")
    check(status == 1 and "<stdin>" in out, f"empty standard input is a finding: {status} {out!r}")
    dash = write("dash/-x.yaml", TYPO)
    status, out, _ = run("check", "--no-color", "--", "-x.yaml", cwd=os.path.dirname(dash))
    check(status == 1 and out.startswith("-x.yaml:6:5:"), f"'--' ends options: {status} {out!r}")
    status, _, _ = run("check", "-x.yaml", cwd=os.path.dirname(dash))
    check(status == 2, "without '--', -x.yaml is an unknown option")
    write("walk/bad.yaml", TYPO)
    write("walk/sub/clean.yaml", CLEAN)
    write("walk/vendor/other.yaml", TYPO.replace("flow: X", "flow: V"))
    walk = os.path.join(tmp, "walk")
    status, _, _ = run("check", "--no-stdlib", walk)
    check(status == 1, "the walk finds the bad flows")
    status, out, _ = run("check", "--no-stdlib", "--format", "json", "--exclude", "bad.yaml", "--exclude=*/vendor", walk)
    check(status == 0 and json.loads(out) == [], f"--exclude by base name and by path: {status} {out!r}")
    status, out, _ = run("check", "--no-stdlib", "--format", "json", "--exclude", "*.yaml", walk)
    check(status == 2, "excluding every flow is no flows found")

    # ---- write errors: disk full, closed pipe ----
    for args in (["check", "--format", "json", "-o", "/dev/full", "flows"], ["blocks", "-o", "/dev/full"],
                 ["compile", "-o", "/dev/full", "flows"], ["run", "--records", "/dev/full", "scenarios/working_day.yaml"]):
        status, _, err = run(*args)
        check(status == 2 and "ccflow: cannot write" in err and "No space left on device" in err,
              f"{' '.join(args)}: exit {status}, {err!r}")
    with open("/dev/full", "w") as full:
        for args in (["check", "--format", "json", "flows"], ["--help"], ["blocks"], ["ir", "flows/task_routing.yaml"]):
            p = subprocess.run([CCFLOW, *args], stdout=full, stderr=subprocess.PIPE, cwd=ROOT)
            check(p.returncode == 2 and b"cannot write standard output: No space left on device" in p.stderr,
                  f"{' '.join(args)} >/dev/full: exit {p.returncode}, {p.stderr!r}")
    p = subprocess.Popen([CCFLOW, "check", "--format", "json", "tests/check"], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, cwd=ROOT)
    p.stdout.read(1)
    p.stdout.close()
    err = p.stderr.read()
    p.wait()
    check(p.returncode == 2 and b"cannot write standard output: Broken pipe" in err,
          f"a closed pipe: exit {p.returncode}, {err!r}")

    # ---- SARIF: structure, then the published schema ----
    version = run("version")[1].split()[1]
    headings = set()
    with open(os.path.join(ROOT, "docs/diagnostics.md")) as f:
        for line in f:
            m = re.match(r"## ([EW]\d{3}) (\S+)$", line)
            if m:
                headings.add(f"{m.group(1).lower()}-{m.group(2)}")
    sarifs = []
    for name, args, want in (("notes", ["tests/check/channels"], 1), ("typo", [typo], 1), ("clean", ["flows"], 0),
                             ("missing", [os.path.join(tmp, "missing.yaml")], 2), ("empty", [os.path.join(tmp, "empty")], 2),
                             ("absolute", [os.path.abspath(os.path.join(ROOT, "tests/check/graph"))], 1),
                             ("outside", [typo], 1)):
        status, out, _ = run("check", "--format", "sarif", *args, cwd=tmp if name == "outside" else ROOT)
        check(status == want, f"sarif {name}: exit {status}, expected {want}")
        path = os.path.join(tmp, f"{name}.sarif")
        with open(path, "w") as f:
            f.write(out)
        sarifs.append(path)
        log = parse(out, f"sarif {name}")
        if not log:
            continue
        check(log["version"] == "2.1.0" and len(log["runs"]) == 1, f"sarif {name}: one 2.1.0 run")
        run0 = log["runs"][0]
        driver = run0["tool"]["driver"]
        check(driver["name"] == "ccflow" and driver["version"] == version and driver["informationUri"].startswith("https://"),
              f"sarif {name}: driver name, version, informationUri")
        rules = driver["rules"]
        ids = [r["id"] for r in rules]
        check(len(ids) == len(set(ids)) and set(ids) == {r["ruleId"] for r in run0["results"]},
              f"sarif {name}: one rule per code used: {ids}")
        for r in rules:
            anchor = r["helpUri"].rsplit("#", 1)[-1]
            check(r["helpUri"].startswith("https://") and "docs/diagnostics.md#" in r["helpUri"] and anchor in headings,
                  f"sarif {name}: helpUri of {r['id']} names its section: {r['helpUri']}")
            check(r["shortDescription"]["text"] != "", f"sarif {name}: {r['id']} has a short description")
        cwd = ROOT if name != "outside" else tmp
        base = run0["originalUriBaseIds"]["%SRCROOT%"]["uri"]
        check(base == "file://" + cwd.rstrip("/") + "/", f"sarif {name}: %SRCROOT% is the current directory: {base}")
        for res in run0["results"]:
            check(rules[res["ruleIndex"]]["id"] == res["ruleId"], f"sarif {name}: ruleIndex points at ruleId")
            check(res["level"] in ("error", "warning") and res["message"]["text"], f"sarif {name}: level and message")
            for loc in res["locations"] + res.get("relatedLocations", []):
                art = loc["physicalLocation"]["artifactLocation"]
                if art.get("uriBaseId") == "%SRCROOT%":
                    check(not art["uri"].startswith("/") and ":" not in art["uri"].split("/")[0],
                          f"sarif {name}: a relative uri: {art['uri']}")
                else:
                    check(art["uri"].startswith("file:///"), f"sarif {name}: else an absolute file uri: {art['uri']}")
                reg = loc["physicalLocation"].get("region")
                if reg:
                    check(1 <= reg["startColumn"] <= reg["endColumn"] and reg["startLine"] <= reg["endLine"],
                          f"sarif {name}: a region from 1: {reg}")
            for i, rel in enumerate(res.get("relatedLocations", [])):
                check(rel["id"] == i and rel["message"]["text"], f"sarif {name}: related location {i} has id and message")
        if name == "notes":
            check(any(r.get("relatedLocations") for r in run0["results"]), "sarif: notes become relatedLocations")
        if name == "typo":
            res = run0["results"][0]
            loc = res["locations"][0]["physicalLocation"]
            check(loc["artifactLocation"]["uri"].endswith("typo.yaml") and loc["region"] ==
                  {"startLine": 6, "startColumn": 5, "endLine": 6, "endColumn": 9},
                  f"sarif columns match the text output (6:5, four characters): {loc}")
        if name == "absolute":
            art = run0["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
            check(art["uri"].startswith("tests/check/graph/") and art["uriBaseId"] == "%SRCROOT%",
                  f"an absolute path under the current directory is made relative: {art}")
    # the published schema; a broken log must fail it, or the check proves nothing
    broken = os.path.join(tmp, "broken.sarif")
    with open(sarifs[0]) as f:
        log = json.load(f)
    log["runs"][0]["results"][0]["level"] = "fatal"
    del log["runs"][0]["tool"]["driver"]["name"]
    with open(broken, "w") as f:
        json.dump(log, f)
    unclosed = os.path.join(tmp, "unclosed.sarif")
    with open(unclosed, "w") as f:
        f.write(open(sarifs[0]).read().rstrip()[:-1])
    node = shutil.which("node")
    if check(node and os.path.isdir(os.path.join(ROOT, "tests/sarif/node_modules")),
             "the SARIF schema validator is installed (make deps: npm ci in tests/sarif)"):
        p = subprocess.run([node, VALIDATOR, *sarifs], capture_output=True, text=True)
        check(p.returncode == 0, f"SARIF logs valid against the 2.1.0 schema:\n{p.stdout}{p.stderr}")
        for bad in (broken, unclosed):
            p = subprocess.run([node, VALIDATOR, bad], capture_output=True, text=True)
            check(p.returncode == 1, f"the schema refuses {os.path.basename(bad)}: {p.stdout}")

    # ---- ir: the JSON values it prints parse ----
    status, out, _ = run("ir", "flows/task_routing.yaml", "tests/scenarios/flows/builtins.yaml")
    check(status == 0, "ir runs")
    values = 0
    for line in out.splitlines():
        m = re.match(r'(?:flow|block) ("(?:[^"\\]|\\.)*")', line) or re.match(r"  param \S+ = (.*)$", line)
        if m:
            parse(m.group(1), f"ir value {m.group(1)!r}")
            values += 1
    check(values > 10, f"ir printed JSON values ({values})")

    # ---- run --records, and a built-in's JSON result inside them ----
    status, _, _ = run("run", "--records", os.path.join(tmp, "day.jsonl"), "scenarios/working_day.yaml")
    check(status == 0, "a simulated day runs")
    with open(os.path.join(tmp, "day.jsonl")) as f:
        records = [parse(line, "a contact record") for line in f]
    check(len(records) > 100, f"a record a contact ({len(records)})")
    iso = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
    for r in records[:200]:
        check(isinstance(r["ContactId"], str) and r["Channel"] in ("VOICE", "CHAT", "TASK", "EMAIL")
              and iso.match(r["InitiationTimestamp"]) and iso.match(r["DisconnectTimestamp"])
              and isinstance(r["Attributes"], dict) and (r["Queue"] is None or isinstance(r["Queue"]["Duration"], int))
              and (r["Agent"] is None or isinstance(r["Agent"]["Username"], str)), f"a record's fields: {r}")
    write("b/flow.yaml", """flow: Json
type: inbound
channels: [task]
blocks:
  make:
    invoke_lambda: { function: "ccflow:json_object", parameters: { quote: 'say "hi"\\\\', name: $.Name, n: "7" } }
    next: keep
    on: { error: z }
  keep:
    set_contact_attributes: { obj: $.External.value }
    next: z
    on: { error: z }
  z:
    disconnect: {}
""")
    write("b/scenario.yaml", """start: 2026-11-23T08:30:00Z
flows: [flow.yaml]
events:
  - { at: 0s, start_task: { id: j1, name: "Zoë\\ttab", flow: Json } }
until: 1h
""")
    status, _, err = run("run", "--records", os.path.join(tmp, "b.jsonl"), os.path.join(tmp, "b/scenario.yaml"))
    with open(os.path.join(tmp, "b.jsonl")) as f:
        rec = [parse(line, "a record") for line in f]
    obj = rec and rec[0] and rec[0]["Attributes"].get("obj")
    check(status == 0 and obj and parse(obj, "ccflow:json_object's result") ==
          {"quote": 'say "hi"\\\\', "name": "Zoë\ttab", "n": "7"}, f"ccflow:json_object writes JSON: {obj!r} {err}")
except (KeyError, TypeError, IndexError, AttributeError, ValueError) as e:
    # output without a member the contract needs: a failure, and the tally still prints
    import traceback
    traceback.print_exc()
    check(False, f"an output lacks what the contract reads: {e!r}")
finally:
    shutil.rmtree(tmp)

sys.exit(T.finish())
