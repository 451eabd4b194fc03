#!/usr/bin/env bash
# Runs the whole suite: unit tests, the file-driven check suite, and the command-line tests.
# Ends with one line "N passed, N failed" summed over every part.
set -u
cd "$(dirname "$0")/.."
B=${B:-build}
CCFLOW=$B/ccflow
total_pass=0
total_fail=0

tally() { # reads a "... N passed, N failed" line from a part's output
  local line p f
  line=$(grep -E '[0-9]+ passed, [0-9]+ failed' <<<"$1" | tail -n 1)
  p=$(sed -E 's/^(.* )?([0-9]+) passed.*/\2/' <<<"$line")
  f=$(sed -E 's/^(.* )?([0-9]+) failed.*/\2/' <<<"$line")
  if [ -z "$line" ]; then p=0; f=1; echo "FAIL: a part of the suite printed no tally"; fi
  total_pass=$((total_pass + p))
  total_fail=$((total_fail + f))
}

sanitized() { # a sanitizer's report anywhere in a part's output fails it, tally or not
  if grep -qE '^==[0-9]+==ERROR|runtime error:' <<<"$1"; then
    echo "FAIL: a sanitizer reported an error (above)"
    total_fail=$((total_fail + 1))
  fi
}

out=$($B/tests/unit 2>&1); echo "$out" | grep -v '^$'; tally "$out"

# Check suite: every flow file directly in a group folder is a case, and every folder in a
# group folder is a case of several flows (one bundle).
cases=()
for group in tests/check/*/; do
  for c in "$group"*; do
    case "$c" in *.yaml|*.yml|*.flow|*.json) cases+=("$c");; *) [ -d "$c" ] && cases+=("$c");; esac
  done
done
out=$($B/tests/runner "$CCFLOW" "${cases[@]}" 2>&1); echo "$out" | grep -v '^$'; tally "$out"

out=$($B/tests/api 2>&1); echo "$out" | grep -v "^$"; tally "$out"
out=$($B/tests/vm_api 2>&1); echo "$out" | grep -v "^$"; tally "$out"
out=$($B/tests/tasks_api 2>&1); echo "$out" | grep -v "^$"; tally "$out"
# The whole embedding with each of its allocations failing in turn.
out=$($B/tests/alloc 2>&1); echo "$out" | grep -v "^$"; tally "$out"

# The same suites again on the sanitizer build, when there is one.
if [ -n "${ASAN_B:-}" ] && [ -x "$ASAN_B/ccflow" ]; then
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=3
  out=$("$ASAN_B"/tests/unit 2>&1); echo "$out" | grep -v '^$' | sed 's/^/asan /'; tally "$out"; sanitized "$out"
  out=$("$ASAN_B"/tests/runner "$ASAN_B/ccflow" "${cases[@]}" 2>&1); echo "$out" | grep -v '^$' | sed 's/^/asan /'; tally "$out"; sanitized "$out"
  out=$("$ASAN_B"/tests/api 2>&1); echo "$out" | grep -v '^$' | sed 's/^/asan /'; tally "$out"; sanitized "$out"
  out=$("$ASAN_B"/tests/vm_api 2>&1); echo "$out" | grep -v '^$' | sed 's/^/asan /'; tally "$out"; sanitized "$out"
  out=$("$ASAN_B"/tests/tasks_api 2>&1); echo "$out" | grep -v '^$' | sed 's/^/asan /'; tally "$out"; sanitized "$out"
  out=$("$ASAN_B"/tests/alloc 2>&1); echo "$out" | grep -v '^$' | sed 's/^/asan /'; tally "$out"; sanitized "$out"
  out=$(bash tests/fmt.sh "$ASAN_B/ccflow" 2>&1); echo "$out" | grep -v '^$' | sed 's/^/asan /'; tally "$out"; sanitized "$out"
  out=$("$ASAN_B/ccflow" test tests/scenarios/*.yaml 2>&1); echo "$out" | grep -v '^$' | sed 's/^/asan scenarios: /'
  tally "$out"; sanitized "$out"
  out=$(CCFLOW_SKIP_BUILDS=1 bash tests/cli.sh "$ASAN_B/ccflow" 2>&1); echo "$out" | grep -v '^$' | sed 's/^/asan /'; tally "$out"; sanitized "$out"
  out=$(python3 tests/contract.py "$ASAN_B/ccflow" 2>&1); echo "$out" | grep -v '^$' | sed 's/^/asan /'; tally "$out"; sanitized "$out"
  out=$(python3 tests/scenario_strict.py "$ASAN_B/ccflow" 2>&1); echo "$out" | grep -v '^$' | sed 's/^/asan /'; tally "$out"; sanitized "$out"
  out=$(python3 tests/records.py "$ASAN_B/ccflow" 2>&1); echo "$out" | grep -v '^$' | sed 's/^/asan /'; tally "$out"; sanitized "$out"
  out=$(python3 tests/tz.py "$ASAN_B/tests/tzcheck" 2>&1); echo "$out" | grep -v '^$' | sed 's/^/asan /'; tally "$out"; sanitized "$out"
  out=$(python3 tests/interchange.py "$ASAN_B/ccflow" 2>&1); echo "$out" | grep -v '^$' | sed 's/^/asan /'; tally "$out"; sanitized "$out"
  out=$(python3 tests/corpus.py "$ASAN_B/ccflow" 2>&1); echo "$out" | grep -v '^$' | sed 's/^/asan /'; tally "$out"; sanitized "$out"
  out=$(python3 tests/connect.py "$ASAN_B/ccflow" 2>&1); echo "$out" | grep -v '^$' | grep -v '^connect: note' | sed 's/^/asan /'; tally "$out"; sanitized "$out"
  out=$(python3 tests/diff.py "$ASAN_B/ccflow" 2>&1); echo "$out" | grep -v '^$' | sed 's/^/asan /'; tally "$out"; sanitized "$out"
  out=$(bash tests/connect_import.sh "$ASAN_B/ccflow" 2>&1); echo "$out" | grep -v '^$' | sed 's/^/asan /'; tally "$out"; sanitized "$out"
  out=$(bash tests/integrations.sh "$ASAN_B/ccflow" 2>&1); echo "$out" | grep -v '^$' | sed 's/^/asan /'; tally "$out"; sanitized "$out"
  out=$(python3 tests/graph.py "$ASAN_B/ccflow" 2>&1); echo "$out" | grep -v '^$' | sed 's/^/asan /'; tally "$out"; sanitized "$out"
fi

out=$(bash tests/fmt.sh "$CCFLOW" 2>&1); echo "$out" | grep -v '^$'; tally "$out"

# Scenarios: each file of tests/scenarios/ runs on the virtual clock and checks its expect list
out=$("$CCFLOW" test tests/scenarios/*.yaml 2>&1); echo "$out" | grep -v '^$' | sed 's/^/scenarios: /'; tally "$out"

out=$(bash tests/embed.sh 2>&1); echo "$out" | grep -v '^$'; tally "$out"

out=$(bash tests/cli.sh "$CCFLOW" 2>&1); echo "$out" | grep -v '^$'; tally "$out"

# The CI contract: every JSON output parsed for real, SARIF against its schema, check's inputs
# and write errors
out=$(python3 tests/contract.py "$CCFLOW" 2>&1); echo "$out" | grep -v '^$'; tally "$out"

# Scenarios read strictly: every problem at its file:line, expectations that cannot pass vacuously
out=$(python3 tests/scenario_strict.py "$CCFLOW" 2>&1); echo "$out" | grep -v '^$'; tally "$out"
# Contact records of every channel against tests/records.schema.json (SPEC §7)
out=$(python3 tests/records.py "$CCFLOW" 2>&1); echo "$out" | grep -v '^$'; tally "$out"

# Time zones against Python's zoneinfo, system and slim tz files, 1970-2100
out=$(python3 tests/tz.py "$B/tests/tzcheck" 2>&1); echo "$out" | grep -v '^$'; tally "$out"

# Amazon Connect flows through the command line
out=$(python3 tests/interchange.py "$CCFLOW" 2>&1); echo "$out" | grep -v '^$'; tally "$out"

# The real Connect exports of ../shared/corpus through check, import and export
out=$(python3 tests/corpus.py "$CCFLOW" 2>&1); echo "$out" | grep -v '^$'; tally "$out"
# Amazon Connect export: the corpus round trip (with its figure), re-import to the same IR and
# findings, the repository's flows exported, and the golden files of tests/connect
out=$(python3 tests/connect.py "$CCFLOW" 2>&1); echo "$out" | grep -v '^$'; tally "$out"
# ccflow diff: semantic edits of a corpus export and of flows/, channel verdicts new and gone
out=$(python3 tests/diff.py "$CCFLOW" 2>&1); echo "$out" | grep -v '^$'; tally "$out"

# Golden tests of the import mapping, one a Connect action shape (tests/connect_import/)
out=$(bash tests/connect_import.sh "$CCFLOW" 2>&1); echo "$out" | grep -v '^$'; tally "$out"

# The integrations of docs/ci.md (workflow, pre-commit hook, git diff converter) as users run them
out=$(bash tests/integrations.sh "$CCFLOW" 2>&1); echo "$out" | grep -v '^$'; tally "$out"

# ccflow graph: goldens (DOT, Mermaid), DOT that Graphviz accepts, the drawing read back
out=$(python3 tests/graph.py "$CCFLOW" 2>&1); echo "$out" | grep -v '^$'; tally "$out"

# The source tree's layers: what each folder may include (docs/architecture.md)
out=$(python3 tests/layers.py 2>&1); echo "$out" | grep -v '^$'; tally "$out"

echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
