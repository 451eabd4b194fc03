#!/usr/bin/env python3
"""graph.py — ccflow graph: goldens (DOT and Mermaid) of flows/, of tests/graph/escaping.yaml and
of two Connect exports (tests/graph/corpus, see ORIGIN.md); the same drawing from YAML, DSL and
Connect JSON; the same bytes twice; every DOT accepted by Graphviz's dot, its SVG parsed as XML;
the drawing itself read back (DOT and Mermaid parsed, not grepped): the start marked, a task
reaching loop_prompts red, unreachable blocks grey, cross-flow edges between clusters; options
and exit statuses. Usage: graph.py [CCFLOW] [--write] (--write records the goldens); ends with
"graph: N passed, N failed"."""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
import testlib

ROOT = testlib.ROOT
CCFLOW = testlib.ccflow()
WRITE = "--write" in sys.argv
GOLDEN = os.path.join(ROOT, "tests", "golden", "graph")
FIXTURES = os.path.join(ROOT, "tests", "graph")
DOT = shutil.which("dot")
T = testlib.Tally("graph", "FAIL: ")
check = T.check


def run(*argv, env=None):
    return subprocess.run([CCFLOW, "graph", *argv], cwd=ROOT, capture_output=True, timeout=120, env=env)


# ---- readers for what ccflow graph writes ----

DOT_TOKEN = re.compile(r'\s*(?:("(?:[^"\\]|\\.)*")|(->|[{}\[\];,=])|([A-Za-z0-9_.#]+)|(\S))', re.S)


def dot_unquote(tok):
    if tok.startswith('"'):
        return re.sub(r'\\(.)', lambda m: "\n" if m.group(1) == "n" else m.group(1), tok[1:-1], flags=re.S)
    return tok


def parse_dot(text):
    """A reader for the DOT subset ccflow writes: node and edge statements with attribute lists,
    subgraph clusters with label=. Returns (nodes {id: attrs}, edges [(a, b, attrs)], clusters
    {name: {"label": ..., "nodes": [...]}}); raises ValueError on anything else."""
    toks = []
    pos = 0
    while pos < len(text):
        m = DOT_TOKEN.match(text, pos)
        if not m or m.group(4):
            if text[pos:].strip() == "":
                break
            raise ValueError("unexpected text at %d: %r" % (pos, text[pos:pos + 20]))
        toks.append(m.group(1) or m.group(2) or m.group(3))
        pos = m.end()
    i = 0

    def expect(t):
        nonlocal i
        if toks[i] != t:
            raise ValueError("expected %r, got %r" % (t, toks[i]))
        i += 1

    def attrs():
        nonlocal i
        a = {}
        if i < len(toks) and toks[i] == "[":
            i += 1
            while toks[i] != "]":
                k = toks[i]
                expect_eq = toks[i + 1]
                if expect_eq != "=":
                    raise ValueError("attribute without value: %r" % k)
                a[k] = dot_unquote(toks[i + 2])
                i += 3
                if toks[i] == ",":
                    i += 1
            i += 1
        return a

    nodes, edges, clusters = {}, [], {}
    expect("digraph")
    i += 1  # graph name
    expect("{")
    stack = [None]
    while True:
        t = toks[i]
        if t == "}":
            i += 1
            stack.pop()
            if not stack:
                break
            continue
        if t == "subgraph":
            name = toks[i + 1]
            i += 2
            expect("{")
            clusters[name] = {"label": None, "nodes": []}
            stack.append(name)
            continue
        if t in ("graph", "node", "edge"):
            i += 1
            attrs()
            expect(";")
            continue
        if toks[i + 1] == "=":
            if t == "label" and stack[-1]:
                clusters[stack[-1]]["label"] = dot_unquote(toks[i + 2])
            i += 3
            expect(";")
            continue
        a = dot_unquote(t)
        i += 1
        if toks[i] == "->":
            b = dot_unquote(toks[i + 1])
            i += 2
            edges.append((a, b, attrs()))
        else:
            nodes[a] = attrs()
            if stack[-1]:
                clusters[stack[-1]]["nodes"].append(a)
        expect(";")
    if i != len(toks):
        raise ValueError("text after the graph")
    return nodes, edges, clusters


MMD_ENTITY = re.compile(r"#(\d+);")


def mmd_unquote(s):
    return MMD_ENTITY.sub(lambda m: chr(int(m.group(1))), s.replace("<br>", "\n"))


def parse_mermaid(text):
    """The Mermaid subset ccflow writes: nodes id["..."], id(("...")), id[["..."]]; edges
    a -->|"..."| b, a -.->|"..."| b, a -.-|"..."| b; subgraph id["..."] ... end; classDef; class."""
    lines = text.split("\n")
    if lines[0] != "flowchart TB" or lines[-1] != "":
        raise ValueError("not a flowchart")
    nodes, edges, subgraphs, classes = {}, [], {}, {}
    current = None
    for line in lines[1:-1]:
        s = line.strip()
        m = re.fullmatch(r'subgraph (\w+)\["([^"]*)"\]', s)
        if m:
            current = m.group(1)
            subgraphs[current] = {"label": mmd_unquote(m.group(2)), "nodes": []}
            continue
        if s == "end":
            current = None
            continue
        m = re.fullmatch(r'(\w+) (-->|-\.->|-\.-)\|"([^"]*)"\| (\w+)', s)
        if m:
            edges.append((m.group(1), m.group(4), {"label": mmd_unquote(m.group(3)), "arrow": m.group(2)}))
            continue
        m = re.fullmatch(r'(\w+)(\[\[|\(\(|\[)"([^"]*)"(\]\]|\)\)|\])', s)
        if m:
            nodes[m.group(1)] = {"label": mmd_unquote(m.group(3)), "shape": m.group(2)}
            if current:
                subgraphs[current]["nodes"].append(m.group(1))
            continue
        if s.startswith("classDef "):
            continue
        m = re.fullmatch(r"class (\w+) (\w+)", s)
        if m:
            classes[m.group(1)] = m.group(2)
            continue
        raise ValueError("unexpected line: %r" % line)
    return nodes, edges, subgraphs, classes


# ---- goldens ----

CASES = [  # golden name, arguments
    ("flows", ["flows"]),
    ("escaping", ["tests/graph/escaping.yaml"]),
    ("ai_bot_flow_ja", ["tests/graph/corpus/ai_bot_flow_ja.json"]),
    ("starter_kit_loop_prompts", ["tests/graph/corpus/starter_kit_loop_prompts.json"]),
]
drawings = {}
for name, paths in CASES:
    for fmt, ext in (("dot", "dot"), ("mermaid", "mmd")):
        r = run("--format", fmt, *paths)
        check(r.returncode == 0, "graph --format %s %s: exit %d: %s" % (fmt, " ".join(paths), r.returncode, r.stderr))
        drawings[(name, fmt)] = r.stdout.decode("utf-8")
        golden = os.path.join(GOLDEN, name + "." + ext)
        if WRITE:
            os.makedirs(GOLDEN, exist_ok=True)
            with open(golden, "wb") as f:
                f.write(r.stdout)
        elif not os.path.exists(golden):
            check(False, "missing golden %s (run tests/graph.py --write)" % golden)
        else:
            with open(golden, "rb") as f:
                check(f.read() == r.stdout, "graph --format %s %s differs from %s" % (fmt, " ".join(paths), golden))
        again = run("--format", fmt, *paths)
        check(again.stdout == r.stdout, "graph --format %s %s: two runs differ" % (fmt, " ".join(paths)))

# The same flows in the DSL and as Connect JSON draw the same.
with tempfile.TemporaryDirectory() as tmp:
    dsl = os.path.join(tmp, "dsl")
    os.mkdir(dsl)
    for f in sorted(os.listdir(os.path.join(ROOT, "flows"))):
        shutil.copy(os.path.join(ROOT, "flows", f), dsl)
    subprocess.run([CCFLOW, "fmt", "-q", "-w"] + sorted(os.listdir(dsl)), cwd=dsl, capture_output=True, timeout=120)
    for f in os.listdir(dsl):
        if f.endswith(".yaml"):
            os.remove(os.path.join(dsl, f))
    check(any(f.endswith(".flow") for f in os.listdir(dsl)), "fmt wrote no DSL files")
    check(run(dsl).stdout.decode() == drawings[("flows", "dot")], "flows/ in the DSL draws differently from YAML")
    js = os.path.join(tmp, "json")
    e = subprocess.run([CCFLOW, "export", "--connect", "-o", js, "flows"], cwd=ROOT, capture_output=True, timeout=120)
    check(e.returncode == 0, "export of flows/ failed: %s" % e.stderr)
    check(run(js).stdout.decode() == drawings[("flows", "dot")], "flows/ as Connect JSON draws differently from YAML")

# ---- the drawings read back ----

parsed = {}
for (name, fmt), text in drawings.items():
    try:
        parsed[(name, fmt)] = parse_dot(text) if fmt == "dot" else parse_mermaid(text)
        check(True, "")
    except (ValueError, IndexError) as exc:
        check(False, "graph of %s (%s) cannot be read back: %s" % (name, fmt, exc))

if ("flows", "dot") in parsed:
    nodes, edges, clusters = parsed[("flows", "dot")]
    titles = {c["label"].split("\n")[0]: n for n, c in clusters.items()}
    check(len(clusters) == 7 and "Task routing" in titles, "flows/: one cluster a flow, titled by name: %r" % titles)
    # every flow's start marked, with an edge to its start block (drawn bold)
    for cname, c in clusters.items():
        starts = [n for n in c["nodes"] if nodes[n].get("class") == "start"]
        check(len(starts) == 1, "cluster %s: one start marker" % cname)
        to = [b for a, b, _ in edges if starts and a == starts[0]]
        check(len(to) == 1 and nodes[to[0]].get("penwidth") == "2", "cluster %s: the start leads to its start block" % cname)
    # cross-flow edges: Task routing sets its queue and disconnect flows
    cluster_of = {n: cn for cn, c in clusters.items() for n in c["nodes"]}
    refs = {(clusters[cluster_of[a]]["label"].split("\n")[0], e["label"], clusters[cluster_of[b]]["label"].split("\n")[0])
            for a, b, e in edges if e.get("class") == "reference"}
    check(("Task routing", "customer queue", "Task queue") in refs and
          ("Task routing", "disconnect", "Task disconnect") in refs and
          ("Voice inbound", "agent whisper", "Agent whisper") in refs,
          "flows/: cross-flow edges between the clusters: %r" % sorted(refs))
    # branches labelled
    tr = clusters[titles["Task routing"]]["nodes"]
    ids = {nodes[n]["label"].split("\n")[0]: n for n in tr if n in nodes and "label" in nodes[n]}
    labels = {e["label"] for a, b, e in edges if a == ids.get("staffed")}
    check(labels == {"true", "false", "error"}, "check_staffing's branches labelled: %r" % labels)
    check("channels: TASK" in nodes[ids["staffed"]]["label"], "the channels reaching a block are on it")

if ("flows", "mermaid") in parsed and ("flows", "dot") in parsed:
    mn, me, msub, mcls = parsed[("flows", "mermaid")]
    dn, de, dcl = parsed[("flows", "dot")]
    check({k: v["label"] for k, v in mn.items()} == {k: v["label"] for k, v in dn.items() if "label" in v},
          "Mermaid and DOT draw the same nodes with the same labels")
    check(sorted((a, b, e["label"]) for a, b, e in me) == sorted((a, b, e["label"]) for a, b, e in de),
          "Mermaid and DOT draw the same edges")
    check(all(mcls.get(n) == "start" for n in mn if n.endswith("_start")), "Mermaid marks the starts")

# A task reaching loop_prompts: the block is red and names the channel.
r = run("tests/check/channels/tasks_into_loop_prompts")
check(r.returncode == 0, "a bundle with errors is still drawn, exit 0 (got %d)" % r.returncode)
check(b"'ccflow check' lists them" in r.stderr, "graph says the bundle has errors: %r" % r.stderr)
try:
    nodes, edges, clusters = parse_dot(r.stdout.decode())
    red = [n for n, a in nodes.items() if a.get("class") == "unsupported"]
    check(len(red) == 1, "one red block: %r" % red)
    if red:
        a = nodes[red[0]]
        lines = a["label"].split("\n")
        check(lines[:2] == ["music", "loop_prompts"] and "not supported: TASK" in lines and
              a.get("color") == "#cc0000", "the red block is loop_prompts 'music' and names TASK: %r" % a)
except (ValueError, IndexError) as exc:
    check(False, "graph of tasks_into_loop_prompts cannot be read back: %s" % exc)
r = run("--format", "mermaid", "tests/check/channels/tasks_into_loop_prompts")
try:
    mn, me, msub, mcls = parse_mermaid(r.stdout.decode())
    red = [n for n, c in mcls.items() if c == "unsupported"]
    check(len(red) == 1 and "not supported: TASK" in mn[red[0]]["label"], "Mermaid: the red block names TASK")
except (ValueError, KeyError) as exc:
    check(False, "Mermaid graph of tasks_into_loop_prompts cannot be read back: %s" % exc)

# Unreachable blocks grey; escaping read back to the text written.
if ("escaping", "dot") in parsed and ("escaping", "mermaid") in parsed:
    nodes, edges, clusters = parsed[("escaping", "dot")]
    grey = [a["label"].split("\n")[0] for a in nodes.values() if a.get("class") == "unreachable"]
    check(grey == ["orphan"], "the unreachable block is grey: %r" % grey)
    check(nodes["f0_b3"].get("fillcolor") == "#eeeeee" and "unreachable" in nodes["f0_b3"]["label"].split("\n"),
          "grey fill and 'unreachable' on the block")
    title = 'Say "hi" \\ <escaped> & `flow`'
    check(list(clusters.values())[0]["label"].split("\n")[0] == title, "DOT: the flow name read back as written")
    check(nodes["f0_b0"]["label"].split("\n")[1].startswith('play_prompt: q" b\\ #1 <i> a|b & `t`'),
          "DOT: quotes, backslashes and the rest read back: %r" % nodes["f0_b0"]["label"])
    check(nodes["f0_b1"]["label"].split("\n")[:2] == ["naïve café", "play_prompt: Line one line two — 日本語 🎧"],
          "DOT: non-ASCII kept, a newline in a value becomes a space")
    mn, me, msub, mcls = parsed[("escaping", "mermaid")]
    check(list(msub.values())[0]["label"].split("\n")[0] == title, "Mermaid: the flow name read back as written")
    check(mn["f0_b0"]["label"] == nodes["f0_b0"]["label"], "Mermaid: the same label as DOT after unescaping")
    check(mcls.get("f0_b3") == "unreachable", "Mermaid: the unreachable block is grey")

# --flow: only the flows named; the flows they refer to as one node each.
r = run("--flow", "Task routing", "flows")
try:
    nodes, edges, clusters = parse_dot(r.stdout.decode())
    ext = sorted(a["label"] for n, a in nodes.items() if a.get("class") == "external")
    check(len(clusters) == 1 and ext == ["flow Task disconnect", "flow Task queue"],
          "--flow draws one cluster and the flows it names as nodes: %r" % ext)
except (ValueError, IndexError) as exc:
    check(False, "graph --flow cannot be read back: %s" % exc)

# ---- Graphviz accepts every DOT; its SVG is XML with the classes ----

if not DOT:
    print("graph: note: no 'dot' program (Debian package graphviz): SVG checks skipped")
else:
    for (name, fmt), text in drawings.items():
        if fmt != "dot":
            continue
        p = subprocess.run([DOT, "-Tsvg"], input=text.encode(), capture_output=True, timeout=120)
        check(p.returncode == 0 and not p.stderr.strip(), "dot rejects the graph of %s: %s" % (name, p.stderr[:300]))
        try:
            ET.fromstring(p.stdout)
        except ET.ParseError as exc:
            check(False, "the SVG of %s is not XML: %s" % (name, exc))
    r = run("--format", "svg", "tests/check/channels/tasks_into_loop_prompts")
    check(r.returncode == 0, "graph --format svg: exit %d: %s" % (r.returncode, r.stderr))
    try:
        svg = ET.fromstring(r.stdout)
        ns = "{http://www.w3.org/2000/svg}"
        red = [g for g in svg.iter(ns + "g") if "unsupported" in g.get("class", "").split()]
        texts = [t.text for g in red for t in g.iter(ns + "text")]
        check(len(red) == 1 and "loop_prompts" in texts and "not supported: TASK" in texts,
              "the SVG has the red loop_prompts block: %r" % texts)
    except ET.ParseError as exc:
        check(False, "graph --format svg is not XML: %s" % exc)
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "g.svg")
        r = run("--format", "svg", "-o", out, "flows")
        check(r.returncode == 0 and os.path.getsize(out) > 0, "graph --format svg -o FILE writes the file")

# Without dot on PATH, --format svg says what is missing and exits 2.
r = run("--format", "svg", "flows", env={"PATH": "/nonexistent"})
check(r.returncode == 2 and b"graphviz" in r.stderr, "svg without dot: exit 2 naming graphviz: %d %r" % (r.returncode, r.stderr))

# ---- options and exit statuses ----

with tempfile.TemporaryDirectory() as tmp:
    out = os.path.join(tmp, "g.dot")
    r = run("-o", out, "flows")
    with open(out, encoding="utf-8") as f:
        check(r.returncode == 0 and r.stdout == b"" and f.read() == drawings[("flows", "dot")], "-o FILE writes the drawing")
    r = run("-o", os.path.join(tmp, "no", "such", "dir"), "flows")
    check(r.returncode == 2 and b"cannot write" in r.stderr, "an output that cannot be written: exit 2")
for argv, why in ((["--format", "png", "flows"], "unknown format"), (["--flow"], "--flow without a value"),
                  ([], "no paths"), (["--bogus", "flows"], "unknown option"),
                  (["tests/graph/no-such-file.yaml"], "a path that cannot be read"),
                  (["--flow", "Nope", "flows"], "an unknown --flow")):
    r = run(*argv)
    check(r.returncode == 2 and r.stdout == b"" and r.stderr, "%s: exit 2 with a message (got %d)" % (why, r.returncode))
r = run("--help")
check(r.returncode == 0 and r.stdout.startswith(b"usage: ccflow graph"), "graph --help")

# a compiled bundle is drawn from the sources its source map names; a stripped one cannot be
with tempfile.TemporaryDirectory() as tmp:
    bundle, stripped = os.path.join(tmp, "flows.ccfb"), os.path.join(tmp, "stripped.ccfb")
    subprocess.run([CCFLOW, "compile", "-o", bundle, "flows"], capture_output=True, cwd=ROOT)
    subprocess.run([CCFLOW, "compile", "--strip", "-o", stripped, "flows"], capture_output=True, cwd=ROOT)
    r = run(bundle)
    check(r.returncode == 0 and r.stdout.decode("utf-8") == drawings[("flows", "dot")],
          "a .ccfb is drawn as the sources it was compiled from")
    r = run(stripped)
    check(r.returncode == 2 and b"source map" in r.stderr, "a stripped .ccfb: exit 2 saying why (got %d)" % r.returncode)

sys.exit(T.finish())
