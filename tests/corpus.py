#!/usr/bin/env python3
"""corpus.py — the real Amazon Connect exports of ../shared/corpus/connect through ccflow: every
file is checked, imported (YAML and DSL), the import checked again, exported and re-imported when
the command exists. Nothing may crash or hang (each run has a time limit), the IR of the JSON and of
its imports must be the same, and the counts (files, flows, findings by code, IR and round-trip
matches) are compared with tests/corpus/expected.txt, so that a change in how ccflow reads the
real world shows as a diff. Usage: corpus.py [CCFLOW] [--write] (--write records the counts);
ends with "corpus: N passed, N failed"."""
import collections
import glob
import json
import os
import subprocess
import sys
import tempfile
import testlib

ROOT = testlib.ROOT
CCFLOW = testlib.ccflow()
WRITE = "--write" in sys.argv
CORPUS = os.path.join(ROOT, "..", "shared", "corpus", "connect")
EXPECTED = os.path.join(ROOT, "tests", "corpus", "expected.txt")
LIMIT = 60  # seconds a run may take; far more than any file needs
T = testlib.Tally("corpus")
check = T.check


def run(*argv):
    try:
        p = subprocess.run([CCFLOW, *argv], capture_output=True, timeout=LIMIT)
    except subprocess.TimeoutExpired:
        return None, b"", b"timeout"
    return p.returncode, p.stdout, p.stderr


def findings(path, *extra):
    """The check of one file: (exit status, Counter of codes), the run checked for sanity."""
    rc, out, err = run("check", "--no-stdlib", "--format", "json", *extra, path)
    name = os.path.relpath(path, ROOT)
    if not check(rc in (0, 1, 2), f"check {name} exits {rc} ({err[-200:]!r})"):
        return rc, collections.Counter()
    try:
        diags = json.loads(out)
    except ValueError:
        check(False, f"check {name}: output is not JSON")
        return rc, collections.Counter()
    check(isinstance(diags, list), f"check {name}: output is not an array")
    return rc, collections.Counter(d["code"] for d in diags)


if not os.path.isdir(CORPUS):
    print("corpus: ../shared/corpus/connect is absent; skipped")
    print("corpus: 0 passed, 0 failed")
    sys.exit(0)

manifest = {}
with open(os.path.join(CORPUS, "manifest.tsv"), encoding="utf-8") as f:
    head = f.readline().rstrip("\n").split("\t")
    for line in f:
        row = dict(zip(head, line.rstrip("\n").split("\t")))
        manifest[row["file"]] = row

has_export = run("export", "--help")[0] == 0
tmp = tempfile.mkdtemp()
counts = collections.Counter()
codes = collections.Counter()
importer_clean = documented = findings_only = 0
# errors that are findings about the flow: channels, graph, flow types, flows outside the bundle
finding_codes = {"E114", "E118", "E203", "E301", "E302", "E303", "E401", "E403"}
importer_codes = {"E101", "E104", "E109", "E110", "E111", "E120", "E121", "E122", "E123"}
# what only reading the JSON finds: an imported flow no longer holds the JSON it came from
import_only = {"E101", "E120", "E121", "E122", "E123", "W501", "W503", "N504", "N505", "N506"}

files = sorted(glob.glob(os.path.join(CORPUS, "*", "*.json")))
for path in files:
    rel = os.path.relpath(path, CORPUS)
    folder = rel.split("/")[0]
    counts[f"files {folder}"] += 1
    rc, found = findings(path)
    codes.update(found)
    counts[f"check exit {rc} {folder}"] += 1
    if folder != "flows":
        continue
    row = manifest.get(rel, {})
    all_documented = row.get("type_check", "").startswith("ok")
    documented += all_documented
    if all_documented and not (set(found) & importer_codes):
        importer_clean += 1
    errors = {c for c in found if c.startswith("E")}
    if all_documented and errors <= finding_codes:
        findings_only += 1
    # import to both spellings: the IR of each is the IR of the JSON
    rc_ir, ir_json, _ = run("ir", path)
    for to in ("yaml", "dsl"):
        rc_imp, text, err = run("import", "--to", to, path)
        if not check(rc_imp in (0, 1), f"import --to {to} {rel} exits {rc_imp} ({err[-200:]!r})"):
            continue
        out = os.path.join(tmp, "flow." + ("flow" if to == "dsl" else "yaml"))
        with open(out, "wb") as f:
            f.write(text)
        rc2, ir_back, _ = run("ir", out)
        same = ir_back == ir_json
        counts[f"import {to} same IR"] += same
        check(same, f"the IR of {rel} imported as {to} differs from the IR of the JSON")
        if to == "yaml":
            # the imported flow is checked as the JSON was, finding for finding
            _, again = findings(out)
            kept = collections.Counter({k: v for k, v in found.items() if k not in import_only})
            counts["import re-check same codes"] += again == kept
            check(again == kept, f"{rel}: check of its import finds {dict(again - kept)} more, "
                                 f"{dict(kept - again)} fewer")
    if has_export:
        rc_exp, text, err = run("export", "--connect", path)
        if check(rc_exp in (0, 1), f"export {rel} exits {rc_exp} ({err[-200:]!r})"):
            out = os.path.join(tmp, "export.json")
            with open(out, "wb") as f:
                f.write(text)
            rc3, ir_rt, _ = run("ir", out)
            counts["export re-import same IR"] += ir_rt == ir_json

counts["flows with documented types"] = documented
counts["of those, no importer error"] = importer_clean
counts["of those, no error but channel, graph and flow-type findings"] = findings_only
lines = [f"{k}: {v}" for k, v in sorted(counts.items())]
lines += [f"code {k}: {v}" for k, v in sorted(codes.items())]
summary = "\n".join(lines) + "\n"
if WRITE:
    os.makedirs(os.path.dirname(EXPECTED), exist_ok=True)
    with open(EXPECTED, "w") as f:
        f.write(summary)
    print(summary, end="")
else:
    with open(EXPECTED) as f:
        expected = f.read()
    if not check(summary == expected, "the corpus summary differs from tests/corpus/expected.txt"):
        import difflib
        for line in difflib.unified_diff(expected.splitlines(), summary.splitlines(), "expected", "now", lineterm=""):
            print("  " + line)
pct = 100.0 * importer_clean / documented if documented else 0.0
print(f"corpus: {len(files)} files; {importer_clean} of {documented} flows with documented action types "
      f"({pct:.1f}%) import with no error of the importer; {findings_only} ({100.0 * findings_only / max(documented, 1):.1f}%) "
      f"with no error but channel, graph and flow-type findings")
sys.exit(T.finish())
