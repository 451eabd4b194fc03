#!/usr/bin/env python3
"""layers.py — the source tree's layers (docs/architecture.md) hold: every quoted #include of a
file in common/, vm/, compiler/, lib/ or cli/ names a header of a layer it may depend on, and no
header includes itself through others. The build enforces the same rule with per-layer include
paths (Makefile); this test says which file broke it and why, and also checks that the rule can
fail (a file that breaks it on purpose is refused). Usage: layers.py [--self-test-only]; ends with
"layers: N passed, N failed"."""
import os
import re
import sys
import testlib

ROOT = testlib.ROOT

# What each layer may include besides its own headers. The compiler reads the VM's bytecode
# format (bytecode.h) and nothing else of it; the VM reads nothing of the
# compiler; the base reads the public header only for the product's identity (version, homepage).
ALLOWED = {
    "common": {"include/ccflow.h"},
    "vm": {"common/*"},
    "compiler": {"common/*", "vm/bytecode.h", "gen/*"},
    "lib": {"common/*", "vm/*", "compiler/*", "gen/*", "include/*", "build/*"},
    "cli": {"common/*", "vm/*", "compiler/*", "lib/*", "gen/*", "include/*"},
}
LAYERS = list(ALLOWED)
GENERATED = {"dsl_parser.h": "gen/dsl_parser.h", "stdlib_data.h": "compiler/stdlib_data.h"}


T = testlib.Tally("layers", "FAIL: ")
check = T.check


def headers():
    """header name -> path relative to ROOT ("vm/bytecode.h")."""
    found = {}
    for layer in LAYERS + ["include"]:
        d = os.path.join(ROOT, layer)
        for name in sorted(os.listdir(d)) if os.path.isdir(d) else []:
            if name.endswith(".h"):
                found.setdefault(name, layer + "/" + name)
    for name, path in GENERATED.items():
        found.setdefault(name, path)
    return found


INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def includes(path):
    with open(path, encoding="utf-8") as f:
        return INCLUDE.findall(f.read())


def allowed(layer, target):
    if target.split("/")[0] == layer:
        return True
    for pattern in ALLOWED[layer]:
        if pattern == target or (pattern.endswith("/*") and target.startswith(pattern[:-1])):
            return True
    return False


def violations(files, hdrs):
    """(file, header, reason) for each include that breaks the layering."""
    out = []
    for rel, text_includes in files:
        layer = rel.split("/")[0]
        for inc in text_includes:
            target = hdrs.get(os.path.basename(inc))
            if target is None:
                out.append((rel, inc, "names no header of the tree"))
            elif not allowed(layer, target):
                out.append((rel, inc, "%s/ may not depend on %s (it is %s)" % (layer, target.split("/")[0] + "/", target)))
    return out


def cycles(files, hdrs):
    graph = {}
    for rel, incs in files:
        if rel.endswith(".h"):
            graph[rel] = [hdrs[os.path.basename(i)] for i in incs if os.path.basename(i) in hdrs]
    found, state = [], {}

    def visit(node, stack):
        state[node] = 1
        for nxt in graph.get(node, []):
            if state.get(nxt) == 1:
                found.append(stack[stack.index(nxt):] + [nxt] if nxt in stack else [node, nxt])
            elif not state.get(nxt):
                visit(nxt, stack + [nxt])
        state[node] = 2

    for node in sorted(graph):
        if not state.get(node):
            visit(node, [node])
    return found


def tree_files():
    files = []
    for layer in LAYERS:
        d = os.path.join(ROOT, layer)
        for name in sorted(os.listdir(d)):
            if name.endswith((".c", ".h", ".y", ".re")):
                files.append((layer + "/" + name, includes(os.path.join(d, name))))
    return files


hdrs = headers()
files = tree_files()
check(len(files) > 20, "the tree's sources were found (%d)" % len(files))

# the rule can fail: a VM file including the compiler's IR, the base including the VM
bad = violations([("vm/probe.c", ["ir.h"]), ("common/probe.c", ["runtime.h"]), ("compiler/probe.c", ["runtime.h"])], hdrs)
check(len(bad) == 3, "a file that breaks the layering on purpose is refused (%r)" % (bad,))

if "--self-test-only" not in sys.argv:
    broken = violations(files, hdrs)
    for rel, inc, why in broken:
        print('%s includes "%s": %s' % (rel, inc, why))
    check(not broken, "every include of the %d files follows the layering" % len(files))
    loops = cycles(files, hdrs)
    for cycle in loops:
        print("include cycle: " + " -> ".join(cycle))
    check(not loops, "no header includes itself through others")
    vm_compiler = [(rel, inc) for rel, incs in files if rel.startswith("vm/") for inc in incs
                   if hdrs.get(os.path.basename(inc), "").startswith("compiler/")]
    check(not vm_compiler, "no vm/ file includes a compiler header: %r" % (vm_compiler,))

sys.exit(T.finish())
