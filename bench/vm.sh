#!/usr/bin/env bash
# The VM against its peers (../shared/bench/README.md), side by side in one run: the seed's task
# flow for N tasks, 150 agents, a task a second, 300 s handling. Prints each one's outcome counts
# and best wall time of a few runs, then the ratios SPEC §11 names, and the VM's instruction count.
set -u
cd "$(dirname "$0")/.."
B=${B:-build}
N=${N:-1000000}
RUNS=${RUNS:-3}
peers=../shared/bench
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

sed "s/count: 1000000/count: $N/; s|\.\./tests/scenarios|$PWD/tests/scenarios|" bench/taskflow.yaml >"$tmp/taskflow.yaml"
have_c=0; have_lua=0
if [ -f "$peers/taskflow.c" ] && cc -O2 -o "$tmp/taskflow_c" "$peers/taskflow.c" 2>/dev/null; then have_c=1; fi
if [ -f "$peers/taskflow.lua" ] && command -v lua5.4 >/dev/null 2>&1; then have_lua=1; fi

best() { # best wall seconds of RUNS runs of a command; its last output in $tmp/out
  local b=999999 t s e
  for _ in $(seq "$RUNS"); do
    s=$(date +%s.%N); "$@" >"$tmp/out" 2>&1; e=$(date +%s.%N)
    t=$(awk -v s="$s" -v e="$e" 'BEGIN { print e - s }')
    b=$(awk -v a="$b" -v t="$t" 'BEGIN { print (t < a) ? t : a }')
  done
  echo "$b"
}

echo "the seed's task flow, $N tasks, 150 agents, one arrival a second, 300 s handling (best of $RUNS):"
t_vm=$(best "$B/ccflow" run "$tmp/taskflow.yaml")
printf '  ccflow run    %7.2f s   %s\n' "$t_vm" "$(grep '^total' "$tmp/out")"
if [ $have_c = 1 ]; then
  t_c=$(best "$tmp/taskflow_c" "$N" 150 1 300)
  printf '  C model       %7.2f s   %s\n' "$t_c" "$(cat "$tmp/out")"
fi
if [ $have_lua = 1 ]; then
  t_lua=$(best lua5.4 "$peers/taskflow.lua" "$N" 150 1 300)
  printf '  Lua 5.4 model %7.2f s   %s\n' "$t_lua" "$(cat "$tmp/out")"
fi
[ $have_lua = 1 ] && awk -v l="$t_lua" -v v="$t_vm" 'BEGIN { printf "Lua / ccflow: %.2f (target >= 5)\n", l / v }'
[ $have_c = 1 ] && awk -v c="$t_c" -v v="$t_vm" 'BEGIN { printf "ccflow / C: %.2f (target <= 2.5)\n", v / c }'
sed "s|\.\./tests/scenarios|$PWD/tests/scenarios|" bench/live.yaml >"$tmp/live.yaml"
"$B/ccflow" run --stats "$tmp/live.yaml" >"$tmp/live.out" 2>&1
bytes=$(sed -n 's/.* \([0-9]*\) bytes a contact$/\1/p' "$tmp/live.out")
[ -n "$bytes" ] && echo "1,000,000 live tasks: $bytes bytes of resident memory a contact (target <= 256)"
if command -v valgrind >/dev/null 2>&1; then
  n=$((N < 100000 ? N : 100000))
  sed "s/count: $N/count: $n/" "$tmp/taskflow.yaml" >"$tmp/small.yaml"
  strip --strip-debug -o "$tmp/ccflow" "$B/ccflow" 2>/dev/null || cp "$B/ccflow" "$tmp/ccflow"
  ir=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null "$tmp/ccflow" run "$tmp/small.yaml" 2>&1 |
    sed -n 's/.*Collected : \([0-9]*\).*/\1/p' | tail -n 1)
  [ -n "$ir" ] && echo "ccflow run, $n tasks: $ir instructions (callgrind), $((ir / n)) a task"
fi
