#!/usr/bin/env bash
# End-to-end tests of the ccflow command line on real files: exit statuses, output formats,
# the bundled flows and standard flows, and the generated documentation.
set -u
CCFLOW=${1:-build/ccflow}
pass=0
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ok() { pass=$((pass + 1)); }
# py EXPR FILE: EXPR over the JSON in FILE (bound to d), read by a real parser, never by grep
py() { python3 -c 'import json,sys; d=json.load(open(sys.argv[2])); sys.exit(0 if eval(sys.argv[1]) else 1)' "$1" "$2" 2>/dev/null; }
bad() { fail=$((fail + 1)); echo "FAIL cli: $*"; }
expect_status() { # expected-status description command...
  local want=$1 what=$2; shift 2
  "$@" >"$tmp/out" 2>"$tmp/err"; local got=$?
  if [ "$got" -eq "$want" ]; then ok; else bad "$what: exit $got, expected $want"; sed 's/^/    /' "$tmp/out" "$tmp/err" | head -20; fi
}

expect_status 0 "ccflow --help" "$CCFLOW" --help
grep -q '^usage: ccflow' "$tmp/out" && ok || bad "--help prints usage on stdout"
expect_status 0 "ccflow check --help" "$CCFLOW" check --help
expect_status 2 "no command" "$CCFLOW"
expect_status 2 "unknown command" "$CCFLOW" frobnicate
expect_status 2 "unknown option" "$CCFLOW" check --frob flows
expect_status 2 "bad format" "$CCFLOW" check --format xml flows
expect_status 2 "no paths" "$CCFLOW" check
expect_status 2 "missing file" "$CCFLOW" check "$tmp/missing.yaml"
grep -q "cannot read '$tmp/missing.yaml'" "$tmp/out" && ok || bad "missing file is named in the message"

# JSON stays one valid array even on exit 2, and lists what was found
expect_status 2 "missing file, json" "$CCFLOW" check --format json "$tmp/missing.yaml"
py '[x["code"] for x in d] == ["E100"]' "$tmp/out" && ok || bad "json on exit 2 is an array with E100"
expect_status 0 "clean flows, json" "$CCFLOW" check --format json flows
py 'd == []' "$tmp/out" && ok || bad "a clean bundle gives [] in json"

# Exact text format: first line, source line, caret
printf 'flow: X\ntype: inbound\nchannels: [task]\nblocks:\n  a:\n    wiat: 1m\n' >"$tmp/typo.yaml"
expect_status 1 "unknown kind" "$CCFLOW" check --no-color "$tmp/typo.yaml"
[ "$(sed -n 1p "$tmp/out")" = "$tmp/typo.yaml:6:5: error: unknown block kind 'wiat' [E109]" ] && ok || bad "first line format: $(sed -n 1p "$tmp/out")"
[ "$(sed -n 2p "$tmp/out")" = "        wiat: 1m" ] && ok || bad "source line: $(sed -n 2p "$tmp/out")"
[ "$(sed -n 3p "$tmp/out")" = "        ^~~~" ] && ok || bad "caret line: $(sed -n 3p "$tmp/out")"
grep -q "note: did you mean 'wait'?" "$tmp/out" && ok || bad "did-you-mean note"
grep -q $'\033' "$tmp/out" && bad "colour written to a pipe" || ok

# Carets sit under the character they point at after wide (CJK) and combining characters: a
# wide character takes two cells, a combining one none (tests/golden/wide_chars.txt)
expect_status 1 "wide and combining characters" "$CCFLOW" check --no-stdlib --no-color tests/golden/wide_chars.yaml
cmp -s "$tmp/out" tests/golden/wide_chars.txt && ok || { bad "carets after wide characters differ from tests/golden/wide_chars.txt"; diff tests/golden/wide_chars.txt "$tmp/out" | head -10; }
LANG=C LC_ALL=C "$CCFLOW" check --no-stdlib --no-color tests/golden/wide_chars.yaml 2>/dev/null | cmp -s - tests/golden/wide_chars.txt \
  && ok || bad "carets depend on the locale"

# Every error is reported, not only the first
printf 'flow: X\ntype: inbound\nchannels: [task]\nblocks:\n  a:\n    loop: 500\n    on: { looping: b, complete: b }\n  b:\n    wait: 9d\n    on: { timeout: c, error: c }\n  c:\n    disconect: {}\n' >"$tmp/many.yaml"
expect_status 1 "several errors" "$CCFLOW" check --format json "$tmp/many.yaml"
py '[x["severity"] for x in d] == ["error"] * 3' "$tmp/out" && ok || bad "three errors reported: $(cat "$tmp/out")"

# --werror turns warnings into failure
printf 'flow: W\ntype: inbound\nchannels: [task]\nblocks:\n  a:\n    disconnect: {}\n  b:\n    end_flow: {}\n' >"$tmp/warn.yaml"
expect_status 0 "warnings only" "$CCFLOW" check "$tmp/warn.yaml"
grep -q 'W201' "$tmp/out" && ok || bad "unreachable block warned"
expect_status 1 "--werror" "$CCFLOW" check --werror "$tmp/warn.yaml"

# SARIF 2.1.0
expect_status 1 "sarif" "$CCFLOW" check --format sarif "$tmp/typo.yaml"
py 'd["version"] == "2.1.0" and d["runs"][0]["results"][0]["ruleId"] == "E109" and d["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] == 6' "$tmp/out" \
  && ok || bad "sarif carries version, rule and region"

# -o writes the diagnostics to a file
expect_status 1 "-o" "$CCFLOW" check -o "$tmp/diags.txt" "$tmp/typo.yaml"
grep -q 'E109' "$tmp/diags.txt" && [ ! -s "$tmp/out" ] && ok || bad "-o writes to the file, not stdout"

# The bundled flows and the standard flows are clean, alone and together
expect_status 0 "flows/ is clean" "$CCFLOW" check --werror flows
[ ! -s "$tmp/out" ] && ok || bad "flows/ printed diagnostics"
expect_status 0 "stdlib is clean" "$CCFLOW" check --werror --no-stdlib stdlib/flows
[ ! -s "$tmp/out" ] && ok || bad "stdlib printed diagnostics"

# A bundle's flow can use a standard flow by name; its own flow of the same name wins
cat >"$tmp/uses_stdlib.yaml" <<'YAML'
flow: Uses stdlib
type: inbound
channels: [task]
blocks:
  q:
    set_working_queue: Support
    next: cq
    on: { error: z }
  cq:
    set_customer_queue_flow: Default customer queue
    next: t
    on: { error: z }
  t:
    transfer_to_queue: {}
    on: { at_capacity: z, error: z }
  z:
    disconnect: {}
YAML
expect_status 0 "standard flow by name" "$CCFLOW" check --werror "$tmp/uses_stdlib.yaml"
expect_status 1 "standard flows left out" "$CCFLOW" check --no-stdlib "$tmp/uses_stdlib.yaml"
grep -q 'E118' "$tmp/out" && ok || bad "without stdlib the name is unknown"

# -o - is standard output for every command that takes -o FILE (never a file named '-')
cc_abs=$(cd "$(dirname "$CCFLOW")" && pwd)/$(basename "$CCFLOW")
(cd "$tmp" && "$cc_abs" check -o - --format json typo.yaml >check.out 2>/dev/null; "$cc_abs" blocks -o - >blocks.out)
[ ! -e "$tmp/-" ] && python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d and d[0]["code"] == "E109"' "$tmp/check.out" \
  && cmp -s "$tmp/blocks.out" docs/blocks.md && ok || bad "-o - did not write to standard output (check, blocks)"

# ir, disasm and blocks read their options as the other commands do (one parser)
"$CCFLOW" blocks -o >/dev/null 2>"$tmp/err"; [ $? -eq 2 ] && grep -q "^ccflow: -o needs a file" "$tmp/err" && ok || bad "blocks -o without a file"
"$CCFLOW" blocks --bad >/dev/null 2>"$tmp/err"; [ $? -eq 2 ] && grep -q "^ccflow: unknown option '--bad'" "$tmp/err" && ok || bad "blocks --bad"
"$CCFLOW" disasm a b >/dev/null 2>"$tmp/err"; [ $? -eq 2 ] && grep -q "one bundle at a time; 'b' is a second" "$tmp/err" && ok || bad "disasm a b"
"$CCFLOW" ir --nope x >/dev/null 2>"$tmp/err"; [ $? -eq 2 ] && grep -q "unknown option '--nope'" "$tmp/err" && ok || bad "ir --nope"

# docs/blocks.md is generated from the catalogue and up to date
"$CCFLOW" blocks >"$tmp/blocks.md" && cmp -s "$tmp/blocks.md" docs/blocks.md && ok || bad "docs/blocks.md is stale: run make docs/blocks.md"

# Every diagnostic code is documented, and each documented example does what the page says
while read -r code; do
  grep -q "^## $code " docs/diagnostics.md && ok || bad "docs/diagnostics.md lacks $code"
  dir=docs/examples/diagnostics/$code
  [ "$code" = E100 ] && continue
  failing=$dir/failing.yaml; [ -d "$dir/failing" ] && failing=$dir/failing
  fixed=$dir/fixed.yaml; [ -d "$dir/fixed" ] && fixed=$dir/fixed
  "$CCFLOW" check --no-stdlib --format json "$failing" >"$tmp/ex" 2>&1
  py "'$code' in [x['code'] for x in d]" "$tmp/ex" && ok || bad "$failing does not report $code"
  "$CCFLOW" check --no-stdlib --format json "$fixed" >"$tmp/ex" 2>&1 && py 'd == []' "$tmp/ex" && ok || bad "$fixed is not clean"
done < <(sed -n 's/^ *X(\([EW][0-9]*\),.*/\1/p' common/diag.h)

# Every built-in function is documented
for f in $(sed -n 's/^    {"\(ccflow:[a-z_]*\)".*/\1/p' common/catalog.c); do
  grep -q "\`$f\`" docs/builtins.md && ok || bad "docs/builtins.md lacks $f"
done

# compile and disasm
expect_status 0 "compile --help" "$CCFLOW" compile --help
expect_status 2 "compile without -o" "$CCFLOW" compile flows
expect_status 0 "compile flows/" "$CCFLOW" compile -o "$tmp/a.ccfb" flows
expect_status 0 "compile flows/ again" "$CCFLOW" compile -o "$tmp/b.ccfb" flows
cmp -s "$tmp/a.ccfb" "$tmp/b.ccfb" && ok || bad "compilation is not deterministic"
expect_status 0 "disasm" "$CCFLOW" disasm "$tmp/a.ccfb"
cmp -s "$tmp/out" tests/golden/flows.disasm && ok || { bad "disassembly of flows/ differs from tests/golden/flows.disasm"; diff tests/golden/flows.disasm "$tmp/out" | head -10; }
expect_status 1 "compile refuses errors" "$CCFLOW" compile -o "$tmp/bad.ccfb" "$tmp/typo.yaml"
[ ! -e "$tmp/bad.ccfb" ] && grep -q "nothing written" "$tmp/err" && ok || bad "a bundle with errors must not be written"
printf 'garbage' >"$tmp/junk.ccfb"
expect_status 1 "disasm of junk" "$CCFLOW" disasm "$tmp/junk.ccfb"
grep -q "malformed bundle" "$tmp/err" && ok || bad "disasm of junk says it is malformed"
cp "$tmp/a.ccfb" "$tmp/flip.ccfb"; printf '\x7f' | dd of="$tmp/flip.ccfb" bs=1 seek=40 conv=notrunc 2>/dev/null
expect_status 1 "checksum" "$CCFLOW" disasm "$tmp/flip.ccfb"
grep -q "checksum" "$tmp/err" && ok || bad "a damaged bundle is caught by its checksum"

# The same flows spelt in YAML and in the DSL compile to identical bytes with --strip
mkdir -p "$tmp/yaml" "$tmp/dsl"
for f in flows/*.yaml; do
  b=$(basename "$f" .yaml)
  cp "$f" "$tmp/yaml/$b.yaml"
  "$CCFLOW" fmt --to dsl "$f" >"$tmp/dsl/$b.flow"
done
"$CCFLOW" compile --strip -o "$tmp/y.ccfb" "$tmp/yaml" && "$CCFLOW" compile --strip -o "$tmp/d.ccfb" "$tmp/dsl" \
  && cmp -s "$tmp/y.ccfb" "$tmp/d.ccfb" && ok || bad "YAML and DSL spellings of flows/ give different stripped bytecode"
cmp -s "$tmp/y.ccfb" "$tmp/a.ccfb" && bad "--strip left the bundle unchanged" || ok
"$CCFLOW" compile --strip -o "$tmp/s1.ccfb" tests/check/dsl/structured.flow >/dev/null 2>&1
"$CCFLOW" fmt --to yaml tests/check/dsl/structured.flow >"$tmp/structured.yaml"
"$CCFLOW" compile --strip -o "$tmp/s2.ccfb" "$tmp/structured.yaml" >/dev/null 2>&1
cmp -s "$tmp/s1.ccfb" "$tmp/s2.ccfb" && ok || bad "structured DSL and its YAML give different stripped bytecode"

# run and test
expect_status 0 "run" "$CCFLOW" run --records "$tmp/r1.jsonl" scenarios/working_day.yaml
cp "$tmp/out" "$tmp/run1"
expect_status 0 "run again" "$CCFLOW" run --records "$tmp/r2.jsonl" scenarios/working_day.yaml
cmp -s "$tmp/out" "$tmp/run1" && cmp -s "$tmp/r1.jsonl" "$tmp/r2.jsonl" && ok || bad "run is not deterministic"
grep -q '^total: started 480, handled ' "$tmp/run1" && grep -q '^queue Claims: handled ' "$tmp/run1" && ok || bad "run prints a report per queue and the totals"
python3 -c 'import json,sys; r=[json.loads(l) for l in open(sys.argv[1])]; sys.exit(0 if r and all(isinstance(x["ContactId"], str) for x in r) else 1)' "$tmp/r1.jsonl" 2>/dev/null \
  && ok || bad "--records writes one JSON object a line"
python3 -c 'import json,sys; r=[json.loads(l) for l in open(sys.argv[1])]; sys.exit(0 if any(x["DisconnectReason"] == "AGENT_DISCONNECT" and (x["Queue"] or {}).get("Name") == "Claims" for x in r) else 1)' "$tmp/r1.jsonl" 2>/dev/null \
  && ok || bad "records carry reason and queue"
expect_status 0 "run --trace --until" "$CCFLOW" run --trace --until 20m tests/scenarios/seed.yaml
grep -q 't1 Task routing: with agent alice' "$tmp/out" && ! grep -q 'T08:2' "$tmp/out" && ok || bad "--trace lines and --until"
expect_status 0 "run --trace of a flow that meets run-time errors" "$CCFLOW" run --trace tests/scenarios/tokens.yaml
grep -q "no_policy File claim: error: the task is not created: InvalidParameterException: field 'policy' of template 'Claim' is required (tests/scenarios/flows/file_claim.yaml:7:5)" "$tmp/out" \
  && ok || bad "a run-time error is traced with its reason and its place in the flow file"
for opt in --until --restart-at; do
  expect_status 2 "run $opt with no duration" "$CCFLOW" run $opt soon tests/scenarios/seed.yaml
  grep -q -e "$opt takes a duration such as 8h or 7d, not 'soon'" "$tmp/err" && ok || bad "$opt names what it takes"
  expect_status 2 "run $opt with a negative duration" "$CCFLOW" run $opt -5m tests/scenarios/seed.yaml
done
expect_status 1 "test with wrong expectations" "$CCFLOW" test tests/scenarios_failing/wrong.yaml
grep -q 'FAIL contact t1: saw agent alice' "$tmp/out" && grep -q 'saw ended_at 5m' "$tmp/out" && grep -q '^1 passed, 2 failed$' "$tmp/out" && ok || bad "test reports each failed expectation with what it saw"
expect_status 1 "scenario with a typo" "$CCFLOW" test tests/scenarios_failing/typo.yaml
grep -q "unknown key 'queus'" "$tmp/err" && grep -q "did you mean 'queues'" "$tmp/err" && grep -q '0 passed, 1 failed' "$tmp/out" && ok || bad "a scenario's unknown key is reported with a hint"
expect_status 2 "run without a scenario" "$CCFLOW" run
expect_status 1 "scenario with impossible outcomes" "$CCFLOW" test tests/scenarios_failing/outcomes.yaml
grep -q "no flow of the bundle has a block 'profil'" "$tmp/err" && grep -q "has no branch 'nobody_home'; it has next, multiple_found" "$tmp/err" \
  && grep -q "block 'found' does its own work in ccflow" "$tmp/err" \
  && grep -q "block 'enrolment' checks enrollment_status: it takes enrolled, not_enrolled, opted_out, error, not 'authenticated'" "$tmp/err" \
  && ok || bad "every impossible outcome is reported at its place"

# Task records field by field: a task with every kind of reference, a self-assigned task from a
# template, a link of a chain, a transferred task, a task a flow filed from a template
for sc in task_requests:full templates:mine linked:c1 transfers:t1 tokens:task-0000001; do
  f=${sc%%:*}; id=${sc#*:}
  "$CCFLOW" run --records "$tmp/$f.jsonl" "tests/scenarios/$f.yaml" >/dev/null 2>&1
  grep "\"ContactId\":\"$id\"" "$tmp/$f.jsonl"
done >"$tmp/task_records.jsonl"
cmp -s "$tmp/task_records.jsonl" tests/golden/task_records.jsonl && ok \
  || { bad "task records differ from tests/golden/task_records.jsonl"; diff "$tmp/task_records.jsonl" tests/golden/task_records.jsonl | head -5; }

# Saving the VM's state and going on in a restored VM changes nothing, wherever it happens
for at in 0s 90m 270m 5h 9h 12h; do
  "$CCFLOW" run --restart-at "$at" --records "$tmp/rr.jsonl" scenarios/working_day.yaml >"$tmp/rr.txt" 2>&1
  cmp -s "$tmp/rr.txt" "$tmp/run1" && cmp -s "$tmp/rr.jsonl" "$tmp/r1.jsonl" && ok || bad "restart at $at changes the run"
done
for at in 0s 100ms 5m 1d 7d; do
  "$CCFLOW" test --restart-at "$at" tests/scenarios/*.yaml >"$tmp/rt.txt" 2>&1
  tail -n 1 "$tmp/rt.txt" | grep -q ' 0 failed$' && ok || bad "scenario expectations fail after a restart at $at"
done

# fmt writes a Connect export with the findings of its import (here an action type Connect does
# not have, E121): status 0, and --quiet prints nothing about it; import's status still counts them
printf '%s' '{"Version":"2019-10-30","StartAction":"a","Metadata":{"type":"contactFlow"},"Actions":[{"Identifier":"a","Type":"TransferContactToFlow","Parameters":{},"Transitions":{"NextAction":"b"}},{"Identifier":"b","Type":"DisconnectParticipant","Parameters":{},"Transitions":{}}]}' >"$tmp/e121.json"
expect_status 0 "fmt of an export with import errors" "$CCFLOW" fmt --to dsl --strip "$tmp/e121.json"
grep -q '\[E121\]$' "$tmp/err" && grep -q '^a: connect_action { type: "TransferContactToFlow" }$' "$tmp/out" && ok || bad "fmt prints the finding and writes the flow"
expect_status 0 "fmt --quiet of an export with import errors" "$CCFLOW" fmt --quiet --to dsl --strip "$tmp/e121.json"
[ ! -s "$tmp/err" ] && grep -q '^a: connect_action { type: "TransferContactToFlow" }$' "$tmp/out" && ok || bad "fmt --quiet prints nothing about a written flow"
expect_status 1 "fmt -q of a file that is not a flow" "$CCFLOW" fmt -q --to dsl tests/sarif/package.json
grep -q "\[E102\]" "$tmp/err" && ok || bad "fmt -q still says why a file cannot be converted"
expect_status 1 "import of an export with import errors" "$CCFLOW" import --strip "$tmp/e121.json"
expect_status 2 "import takes no --quiet" "$CCFLOW" import --quiet "$tmp/e121.json"

# The library as the build leaves it, beside the ccflow under test: a versioned soname, only the
# public ccflow_ functions exported (the version node aside), and the links -lccflow and the
# loader follow
B=${CCFLOW_LIB_DIR:-$(dirname "$CCFLOW")}
readelf -d "$B/libccflow.so" 2>/dev/null | grep -q 'Library soname: \[libccflow\.so\.0\]' && ok || bad "libccflow.so's soname is not libccflow.so.0"
[ -L "$B/libccflow.so" ] && [ "$(readlink "$B/libccflow.so")" = libccflow.so.0 ] && [ -L "$B/libccflow.so.0" ] && [ -f "$B/libccflow.so.0" ] \
  && ok || bad "libccflow.so is not a link to libccflow.so.0, itself a link to the library"
nm -D --defined-only "$B/libccflow.so" | awk '$2 != "A" { sub(/@.*/, "", $3); print $3 }' >"$tmp/exported"
[ -s "$tmp/exported" ] && ! grep -qv '^ccflow_' "$tmp/exported" && ok \
  || bad "libccflow.so exports more than the ccflow_ API: $(grep -v '^ccflow_' "$tmp/exported" | head -5 | tr '\n' ' ')"
sed -n 's/.*\b\(ccflow_[a-z0-9_]*\)(.*/\1/p' include/ccflow.h | sort -u >"$tmp/declared"
sort -u "$tmp/exported" | cmp -s - "$tmp/declared" && ok || { bad "the exported functions are not those ccflow.h declares"; diff "$tmp/declared" <(sort -u "$tmp/exported") | head -5; }

# make install and make uninstall into a scratch prefix leave no file behind (the make under test
# is run with a clean environment: this script may itself run under make)
mk() { env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make --no-print-directory "$@"; }
if mk install B="$B" PREFIX="$tmp/prefix" >"$tmp/install.log" 2>&1; then
  [ "$(readlink "$tmp/prefix/lib/libccflow.so")" = libccflow.so.0 ] && [ -f "$tmp/prefix/lib/libccflow.so.0" ] \
    && ok || bad "make install does not install the library's links"
  mk uninstall B="$B" PREFIX="$tmp/prefix" >>"$tmp/install.log" 2>&1 && ok || bad "make uninstall failed"
  left=$(find "$tmp/prefix" ! -type d)
  [ -z "$left" ] && ok || bad "make uninstall leaves files behind: $left"
else
  bad "make install failed"; tail -5 "$tmp/install.log"
fi

# The build honours a user's hardening flags: FORTIFY_SOURCE in CFLAGS, CPPFLAGS and LDFLAGS
# added to the project's own (a define that reaches no compile would not be caught otherwise)
if [ -z "${CCFLOW_SKIP_BUILDS:-}" ]; then
  if mk -j4 B="$tmp/fortify" CFLAGS='-O2 -D_FORTIFY_SOURCE=2' CPPFLAGS='-DCCFLOW_BUILD_PROBE=1' \
       LDFLAGS='-Wl,-z,relro -Wl,-z,now' all >"$tmp/fortify.log" 2>&1; then
    ok
    grep -q -- '-DCCFLOW_BUILD_PROBE=1.*-c cli/main.c' "$tmp/fortify.log" && ok || bad "CPPFLAGS do not reach the compiles"
    readelf -d "$tmp/fortify/ccflow" | grep -q 'BIND_NOW' && readelf -d "$tmp/fortify/libccflow.so" | grep -q 'BIND_NOW' \
      && ok || bad "LDFLAGS do not reach the links"
    "$tmp/fortify/ccflow" check --werror flows >/dev/null 2>&1 && ok || bad "the FORTIFY build does not check flows/"
  else
    bad "a build with CFLAGS='-O2 -D_FORTIFY_SOURCE=2' fails"; grep -E 'error|warning' "$tmp/fortify.log" | head -10
  fi
fi

echo "cli: $pass passed, $fail failed"
