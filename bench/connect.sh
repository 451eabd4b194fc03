#!/usr/bin/env bash
# The JSON front end against the parser alone, side by side in one run (SPEC's goal: <= 1.5):
# `ccflow check` of a folder of Amazon Connect exports (bench/connect_gen.py: 80 flows of 250
# actions, about 9 MB) and bench/json_parse on the same files, which only parses them with yajl,
# the library ccflow reads JSON with: to a tree (yajl_tree_parse, the parser as a program that
# reads JSON would use it) and with callbacks only (no tree at all). Best wall time of RUNS runs,
# taking turns; then instruction counts (callgrind), which repeat on a busy machine.
set -u
cd "$(dirname "$0")/.."
B=${B:-build}
RUNS=${RUNS:-7}
dir=$B/bench/connect
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

python3 bench/connect_gen.py "$dir" 80 250
files=("$dir"/*.json)
bytes=$(cat "${files[@]}" | wc -c)
check=("$B/ccflow" check --no-stdlib "$dir")
tree=("$B/bench/json_parse" tree "${files[@]}")
events=("$B/bench/json_parse" events "${files[@]}")
"${check[@]}" >"$tmp/out" 2>&1 || { echo "connect bench: the generated bundle does not check clean:"; head "$tmp/out"; exit 1; }

wall() { local s e; s=$(date +%s%N); "$@" >/dev/null 2>&1; e=$(date +%s%N); echo $(((e - s) / 1000)); }
b_check=999999999 b_tree=999999999 b_events=999999999
for _ in $(seq "$RUNS"); do
  t=$(wall "${check[@]}"); [ "$t" -lt "$b_check" ] && b_check=$t
  t=$(wall "${tree[@]}"); [ "$t" -lt "$b_tree" ] && b_tree=$t
  t=$(wall "${events[@]}"); [ "$t" -lt "$b_events" ] && b_events=$t
done
echo "Connect JSON: ${#files[@]} exports of 250 actions, $bytes bytes, best of $RUNS runs:"
awk -v c="$b_check" -v t="$b_tree" -v e="$b_events" 'BEGIN {
  printf "  ccflow check (read, import, check)  %8.1f ms\n", c / 1000
  printf "  yajl to a tree (yajl_tree_parse)    %8.1f ms\n", t / 1000
  printf "  yajl callbacks only                 %8.1f ms\n", e / 1000
  printf "ccflow check / yajl tree, in time: %.2f (target <= 1.5); / yajl callbacks: %.2f\n", c / t, c / e }'

if command -v valgrind >/dev/null 2>&1; then
  count() {
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null |
      sed -n 's/.*Collected : \([0-9]*\).*/\1/p' | tail -n 1
  }
  i_check=$(count "${check[@]}") i_tree=$(count "${tree[@]}") i_events=$(count "${events[@]}")
  if [ -n "$i_check" ] && [ -n "$i_tree" ] && [ -n "$i_events" ]; then
    awk -v c="$i_check" -v t="$i_tree" -v e="$i_events" 'BEGIN {
      printf "instructions (callgrind): ccflow check %d, yajl tree %d, yajl callbacks %d\n", c, t, e
      printf "ccflow check / yajl tree, in instructions: %.2f (target <= 1.5); / yajl callbacks: %.2f\n", c / t, c / e }'
  fi
fi

# The same content as one large export (20,000 actions; more than Connect's 250 a flow, which check
# reports and goes on), where the parser alone must also hold the whole tree at once.
big=$B/bench/connect_one
python3 bench/connect_gen.py "$big" 1 20000
one=("$B/ccflow" check --no-stdlib "$big")
one_tree=("$B/bench/json_parse" tree "$big"/*.json)
b_one=999999999 b_one_tree=999999999
for _ in $(seq "$RUNS"); do
  t=$(wall "${one[@]}"); [ "$t" -lt "$b_one" ] && b_one=$t
  t=$(wall "${one_tree[@]}"); [ "$t" -lt "$b_one_tree" ] && b_one_tree=$t
done
awk -v c="$b_one" -v t="$b_one_tree" -v n="$(wc -c <"$big"/flow_000.json)" 'BEGIN {
  printf "one export of 20000 actions (%d bytes): ccflow check %.1f ms, yajl tree %.1f ms\n", n, c / 1000, t / 1000
  printf "ccflow check / yajl tree, one large export, in time: %.2f (target <= 1.5)\n", c / t }'
