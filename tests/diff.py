#!/usr/bin/env python3
"""diff.py — `ccflow diff` on edits people make: a real Connect export moved about in the designer,
its actions reordered, a parameter changed, a branch retargeted, a block added and one removed, an
identifier renamed; a YAML bundle against its own Connect export and its DSL spelling; a change in
one flow that lets TASK contacts reach a voice-only block of another, and its reverse. Each case
reads `--format json` with a JSON parser and checks the exit status; markdown and text are checked
for their summary and table. Usage: diff.py [CCFLOW]; ends with "diff: N passed, N failed"."""
import copy
import json
import os
import shutil
import subprocess
import sys
import tempfile
import testlib

ROOT = testlib.ROOT
CCFLOW = testlib.ccflow()
CORPUS = os.path.join(ROOT, "..", "shared", "corpus", "connect", "flows")
# a callback flow: 40 actions, E401 and W402 verdicts of its own, prompts with distinct texts
CORPUS_FLOW = "076_aws-samples_amazon-connect-callbackmgmt_cfSetCallBackflow.json"
T = testlib.Tally("diff")
check = T.check


def run(*args):
    return testlib.run(CCFLOW, *args, timeout=120)


def diff_json(what, old, new, *opts):
    """The report of `diff --format json` and the exit status, or (None, rc) when it is not JSON."""
    rc, out, err = run("diff", "--format", "json", *opts, old, new)
    try:
        return json.loads(out), rc
    except ValueError:
        check(False, f"{what}: not JSON (exit {rc}): {out[:300]!r} {err[:300]!r}")
        return None, rc


def blocks_of(report, flow=None):
    return [b for f in report["flows"] if flow is None or f["flow"] == flow for b in f["blocks"]]


def verdicts_of(report):
    return [v for f in report["flows"] for v in f["verdicts"]]


def no_change(what, old, new, *opts):
    report, rc = diff_json(what, old, new, *opts)
    if report is not None:
        check(rc == 0 and report == {"changed": False, "flows": []},
              f"{what}: expected no change, got exit {rc}: {json.dumps(report)[:600]}")


def write_json(path, doc, indent=None):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=indent)


def actions_by_id(doc):
    return {a["Identifier"]: a for a in doc["Actions"]}


def rename_identifier(doc, old, new):
    """Renames an action's Identifier everywhere Connect spells it: the action, every transition
    and condition that targets it, the start action and the designer's metadata."""
    text = json.dumps(doc)
    return json.loads(text.replace(json.dumps(old), json.dumps(new)))


def targets_of(action):
    t = action.get("Transitions", {})
    out = [t.get("NextAction")]
    out += [e.get("NextAction") for e in t.get("Errors", [])]
    out += [c.get("NextAction") for c in t.get("Conditions", [])]
    return [x for x in out if x]


def corpus_cases(tmp):
    src = os.path.join(CORPUS, CORPUS_FLOW)
    if not os.path.isfile(src):
        print(f"diff: note: {src} is absent; the corpus cases are skipped")
        return
    with open(src, encoding="utf-8") as f:
        base = json.load(f)
    old = os.path.join(tmp, "old.json")
    write_json(old, base)
    rc, out, err = run("check", "--no-stdlib", old)
    if not check(rc in (0, 1), f"the corpus flow checks (exit {rc}): {err[:300]}"):
        return
    acts = actions_by_id(base)
    prompts = [a for a in base["Actions"] if a["Type"] == "MessageParticipant" and "Text" in a.get("Parameters", {})]
    texts = [p["Parameters"]["Text"] for p in prompts]
    # prompts that say something no other prompt says: structure alone can tell them apart
    unique = [p for p in prompts if texts.count(p["Parameters"]["Text"]) == 1]
    if not check(len(unique) >= 3, "the corpus flow has three prompts of distinct texts"):
        return

    # layout only: every block moved in the designer, the document re-indented
    doc = copy.deepcopy(base)
    for meta in doc["Metadata"]["ActionMetadata"].values():
        if isinstance(meta, dict) and "position" in meta:
            meta["position"] = {"x": meta["position"]["x"] + 123.5, "y": meta["position"]["y"] - 40}
    new = os.path.join(tmp, "layout.json")
    write_json(new, doc, indent=4)
    no_change("layout-only edit", old, new)

    # action order and key order: the actions reversed, the keys of each action in reverse order
    doc = copy.deepcopy(base)
    doc["Actions"] = [dict(reversed(list(a.items()))) for a in reversed(doc["Actions"])]
    new = os.path.join(tmp, "reorder.json")
    write_json(new, doc, indent=1)
    no_change("reorder-only edit", old, new)

    # a parameter: one prompt's text
    target = unique[0]
    doc = copy.deepcopy(base)
    actions_by_id(doc)[target["Identifier"]]["Parameters"]["Text"] = "Please hold."
    new = os.path.join(tmp, "param.json")
    write_json(new, doc)
    report, rc = diff_json("parameter change", old, new)
    if report is not None:
        bl = blocks_of(report)
        ok = rc == 1 and report["changed"] and len(bl) == 1 and bl[0]["status"] == "changed" and \
            bl[0]["connect_id"] == target["Identifier"] and \
            bl[0]["changes"] == [{"what": "parameter", "name": "text", "old": target["Parameters"]["Text"],
                                  "new": "Please hold."}]
        check(ok, f"parameter change: {json.dumps(report)[:800]}")
        rc_md, md, _ = run("diff", "--format", "markdown", old, new)
        check(rc_md == 1 and md.startswith("**ccflow diff:** 1 flow changed, 1 block changed") and
              "| | Block | Change | Old | New |" in md and "| changed | `" in md and "`Please hold.`" in md,
              f"parameter change, markdown: {md[:600]!r}")
        rc_t, text, _ = run("diff", old, new)
        check(rc_t == 1 and "parameter text:" in text and "-> Please hold." in text and
              text.rstrip().endswith("1 flow changed, 1 block changed"), f"parameter change, text: {text[:600]!r}")

    # a branch retargeted: a prompt's next action now another prompt
    src_act, dest = unique[1], unique[2]
    doc = copy.deepcopy(base)
    before = actions_by_id(doc)[src_act["Identifier"]]["Transitions"].get("NextAction")
    actions_by_id(doc)[src_act["Identifier"]]["Transitions"]["NextAction"] = dest["Identifier"]
    new = os.path.join(tmp, "retarget.json")
    write_json(new, doc)
    report, rc = diff_json("retargeted branch", old, new)
    if report is not None:
        bl = blocks_of(report)
        changes = bl[0]["changes"] if len(bl) == 1 else []
        ok = rc == 1 and len(bl) == 1 and bl[0]["connect_id"] == src_act["Identifier"] and \
            len(changes) == 1 and changes[0]["what"] == "branch" and changes[0]["name"] == "next" and \
            before != dest["Identifier"] and changes[0]["old"] != changes[0]["new"]
        check(ok, f"retargeted branch: {json.dumps(report)[:800]}")

    # a block removed and one added: a prompt replaced by another saying something else
    gone = unique[0]
    doc = rename_identifier(copy.deepcopy(base), gone["Identifier"], "Apology")
    actions_by_id(doc)["Apology"]["Parameters"]["Text"] = "We are sorry."
    new = os.path.join(tmp, "replace.json")
    write_json(new, doc)
    report, rc = diff_json("block added and removed", old, new)
    if report is not None:
        bl = blocks_of(report)
        added = [b for b in bl if b["status"] == "added"]
        removed = [b for b in bl if b["status"] == "removed"]
        preds = [a for a in base["Actions"] if gone["Identifier"] in targets_of(a)]
        changed = [b for b in bl if b["status"] == "changed"]
        ok = rc == 1 and len(added) == 1 and added[0]["id"] == "Apology" and added[0]["connect_id"] == "Apology" \
            and len(removed) == 1 and removed[0]["connect_id"] == gone["Identifier"] \
            and len(changed) == len(preds) \
            and all(c["what"] == "branch" and c["new"] == "Apology" for b in changed for c in b["changes"])
        check(ok, f"block added and removed: {json.dumps(report)[:900]}")

    # an identifier renamed: the block is the same, found by its structure
    renamed = unique[1]
    doc = rename_identifier(copy.deepcopy(base), renamed["Identifier"], "Greeting")
    new = os.path.join(tmp, "rename.json")
    write_json(new, doc)
    report, rc = diff_json("renamed id", old, new)
    if report is not None:
        bl = blocks_of(report)
        ok = rc == 1 and len(bl) == 1 and bl[0]["id"] == "Greeting" and bl[0]["status"] == "changed" and \
            len(bl[0]["changes"]) == 1 and bl[0]["changes"][0]["what"] == "id" and \
            bl[0]["changes"][0]["new"] == "Greeting" and not verdicts_of(report)
        check(ok, f"renamed id: {json.dumps(report)[:800]}")

    # the export imported to YAML (and to the DSL) is the same flow
    for to in ("yaml", "dsl"):
        out_dir = os.path.join(tmp, "imported-" + to)
        rc, _, err = run("import", "--to", to, "-o", out_dir, old)
        if check(rc in (0, 1), f"import --to {to} (exit {rc}): {err[:300]}"):
            no_change(f"Connect export against its {to} import", old, out_dir)


def bundle_cases(tmp):
    flows = os.path.join(ROOT, "flows")
    exported = os.path.join(tmp, "exported")
    rc, _, err = run("export", "--connect", "-o", exported, flows)
    if check(rc in (0, 1), f"export --connect flows/ (exit {rc}): {err[:300]}"):
        no_change("YAML bundle against its own Connect export", flows, exported)
    dsl = os.path.join(tmp, "dsl")
    os.makedirs(dsl)
    for name in os.listdir(flows):
        rc, out, err = run("fmt", "--to", "dsl", os.path.join(flows, name))
        with open(os.path.join(dsl, name.replace(".yaml", ".flow")), "w", encoding="utf-8") as f:
            f.write(out)
    no_change("YAML bundle against its DSL spelling", flows, dsl)

    # Task routing sets the voice-only queue flow: TASK contacts now reach its loop_prompts
    voice = os.path.join(tmp, "task-to-voice")
    shutil.copytree(flows, voice)
    path = os.path.join(voice, "task_routing.yaml")
    with open(path, encoding="utf-8") as f:
        text = f.read()
    with open(path, "w", encoding="utf-8") as f:
        f.write(text.replace("set_customer_queue_flow: Task queue", "set_customer_queue_flow: Voice queue"))
    report, rc = diff_json("TASK reaches a voice-only block", flows, voice)
    if report is not None:
        vs = verdicts_of(report)
        ok = rc == 1 and len(vs) == 1 and {k: vs[0][k] for k in ("channel", "flow", "block", "code", "severity",
                                                                   "status")} == \
            {"channel": "TASK", "flow": "Voice queue", "block": "music", "code": "E401", "severity": "error",
             "status": "new"} and "queue -> queue_flow" in (vs[0].get("path") or "")
        bl = blocks_of(report, "Task routing")
        ok = ok and len(bl) == 1 and bl[0]["changes"] == [{"what": "parameter", "name": "flow", "old": "Task queue",
                                                         "new": "Voice queue"}]
        check(ok, f"TASK reaches a voice-only block: {json.dumps(report)[:900]}")
        rc_md, md, _ = run("diff", "--format", "markdown", flows, voice)
        first_flow = md.split("### Flow ", 2)[1].split("\n", 1)[0] if "### Flow " in md else ""
        check(rc_md == 1 and "1 new channel error" in md.split("\n", 1)[0] and first_flow.startswith("Voice queue")
              and "| **new** error E401 | `music` |" in md, f"new verdict, markdown: {md[:800]!r}")
    report, rc = diff_json("TASK no longer reaches a voice-only block", voice, flows)
    if report is not None:
        vs = verdicts_of(report)
        check(rc == 1 and [(v["channel"], v["block"], v["code"], v["status"]) for v in vs] ==
              [("TASK", "music", "E401", "gone")], f"gone verdict: {json.dumps(report)[:900]}")

    # a flow added and one removed, by name
    fewer = os.path.join(tmp, "fewer")
    shutil.copytree(flows, fewer)
    os.remove(os.path.join(fewer, "claims_routing.yaml"))
    report, rc = diff_json("flow removed", flows, fewer, "--no-stdlib")
    if report is not None:
        check(rc == 1 and [(f["flow"], f["status"]) for f in report["flows"]] == [("Claims routing", "removed")],
              f"flow removed: {json.dumps(report)[:600]}")
    report, rc = diff_json("flow added", fewer, flows, "--no-stdlib")
    if report is not None:
        check(rc == 1 and [(f["flow"], f["status"]) for f in report["flows"]] == [("Claims routing", "added")],
              f"flow added: {json.dumps(report)[:600]}")

    # trouble: a path that does not exist, a wrong option
    rc, out, err = run("diff", flows, os.path.join(tmp, "missing"))
    check(rc == 2 and "missing" in err, f"a missing path is trouble (exit {rc}): {err[:300]!r}")
    rc, out, err = run("diff", "--format", "yaml", flows, flows)
    check(rc == 2 and "--format" in err, f"an unknown format is a usage error (exit {rc})")
    rc, out, err = run("diff", flows)
    check(rc == 2, f"one path is a usage error (exit {rc})")


def difftool_case(tmp):
    """docs/ci.md's git difftool lines, taken from it, in a repository of flows/ with one edit."""
    with open(os.path.join(ROOT, "docs", "ci.md"), encoding="utf-8") as f:
        lines = f.read().splitlines()
    config = next((l for l in lines if l.startswith("git config difftool.ccflow.cmd ")), None)
    invoke = next((l for l in lines if l.startswith("git difftool ") and "--tool=ccflow" in l), None)
    if not check(config and invoke, "docs/ci.md gives the git difftool configuration and command"):
        return
    if shutil.which("git") is None:
        print("diff: note: git is absent; the git difftool case is skipped")
        return
    repo = os.path.join(tmp, "repo")
    shutil.copytree(os.path.join(ROOT, "flows"), os.path.join(repo, "flows"))
    bindir = os.path.join(tmp, "bin")
    os.makedirs(bindir)
    os.symlink(CCFLOW, os.path.join(bindir, "ccflow"))
    env = dict(os.environ, PATH=bindir + os.pathsep + os.environ.get("PATH", ""), GIT_CONFIG_NOSYSTEM="1",
               HOME=tmp, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.com", GIT_COMMITTER_NAME="t",
               GIT_COMMITTER_EMAIL="t@example.com")

    def sh(cmd):
        return subprocess.run(cmd, shell=True, cwd=repo, env=env, capture_output=True, timeout=120)

    sh("git init -q . && git add -A && git commit -qm base")
    path = os.path.join(repo, "flows", "voice_queue.yaml")
    with open(path, encoding="utf-8") as f:
        text = f.read()
    with open(path, "w", encoding="utf-8") as f:
        f.write(text.replace("interrupt: 60s", "interrupt: 90s"))
    sh("git commit -qam edit")
    p = sh(config + " && " + invoke)
    out = p.stdout.decode("utf-8", "replace")
    check(p.returncode == 0 and "block 'music': changed" in out and "parameter interrupt: 1m -> 90s" in out and
          out.rstrip().endswith("1 flow changed, 1 block changed"),
          f"git difftool shows the edit (exit {p.returncode}): {out[:400]!r} {p.stderr[:400]!r}")

def main():
    tmp = tempfile.mkdtemp(prefix="ccflow-diff-")
    try:
        corpus_cases(tmp)
        bundle_cases(tmp)
        difftool_case(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    sys.exit(T.finish())


main()
