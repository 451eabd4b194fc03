#!/usr/bin/env bash
# Valgrind's memcheck over the command line as the tests drive it, on the normal (unsanitised)
# build: it reports reads of uninitialised memory, which AddressSanitizer does not see. Every
# ccflow that cli.sh, fmt.sh and the scenarios start runs under valgrind through a wrapper; each
# run that valgrind reports on is a failure, whatever the test around it made of its output.
# Ends with "memcheck: N passed, N failed" (the parts' own tallies and one per valgrind report).
set -u
cd "$(dirname "$0")/.."
B=${B:-build}
pass=0
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bad() { fail=$((fail + 1)); echo "FAIL memcheck: $*"; }
command -v valgrind >/dev/null 2>&1 || { echo "memcheck: valgrind is not installed (make deps)"; echo "memcheck: 0 passed, 1 failed"; exit 1; }

mkdir "$tmp/logs"
cat >"$tmp/ccflow" <<SH
#!/bin/sh
exec valgrind -q --error-exitcode=3 --leak-check=no --track-origins=yes --log-file="$tmp/logs/%p.log" "$(cd "$B" && pwd)/ccflow" "\$@"
SH
chmod +x "$tmp/ccflow"

tally() { # the "N passed, N failed" line of a part
  local line
  line=$(grep -E '[0-9]+ passed, [0-9]+ failed' <<<"$1" | tail -n 1)
  if [ -z "$line" ]; then bad "$2 printed no tally"; return; fi
  pass=$((pass + $(sed -E 's/^(.* )?([0-9]+) passed.*/\2/' <<<"$line")))
  fail=$((fail + $(sed -E 's/^(.* )?([0-9]+) failed.*/\2/' <<<"$line")))
  grep '^FAIL' <<<"$1" | head -20
}

# the library checks of cli.sh look beside the real ccflow, and its scratch builds are not the
# binary under test
out=$(CCFLOW_LIB_DIR=$B CCFLOW_SKIP_BUILDS=1 bash tests/cli.sh "$tmp/ccflow" 2>&1); tally "$out" cli.sh
# fmt both ways on the bundled and standard flows (fmt.sh's every flow of the suite is left to
# the sanitizer build: it would take most of the time here)
for f in flows/*.yaml stdlib/flows/*.yaml; do
  "$tmp/ccflow" fmt --to dsl "$f" >"$tmp/f.flow" 2>/dev/null && "$tmp/ccflow" fmt --to yaml "$tmp/f.flow" >"$tmp/f.yaml" 2>/dev/null \
    && "$tmp/ccflow" fmt --check "$tmp/f.yaml" >/dev/null 2>&1 && pass=$((pass + 1)) || bad "fmt round trip of $f"
done
out=$("$tmp/ccflow" test tests/scenarios/*.yaml 2>&1); tally "$out" scenarios

runs=0
for log in "$tmp"/logs/*.log; do
  [ -e "$log" ] || continue
  runs=$((runs + 1))
  if [ -s "$log" ]; then bad "valgrind reports:"; head -30 "$log" | sed 's/^/    /'; fi
done
[ "$runs" -ge 150 ] && pass=$((pass + 1)) || bad "only $runs runs of ccflow went through valgrind"
echo "memcheck: $runs runs of ccflow under valgrind"
echo "memcheck: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
