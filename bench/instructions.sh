#!/usr/bin/env bash
# Instruction counts (valgrind --tool=callgrind) of the front ends: repeatable whatever else the
# machine is doing. The cost of generating the input ("nothing") is subtracted from each.
set -u
bin=${1:-build/bench/frontends}
if ! command -v valgrind >/dev/null 2>&1; then
  echo "instruction counts: valgrind is not installed; skipped"
  exit 0
fi
# callgrind counts need no debug information, and some valgrind versions cannot read every
# compiler's: count on a copy without it
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if command -v strip >/dev/null 2>&1 && strip --strip-debug -o "$tmp/bench" "$bin" 2>/dev/null; then bin=$tmp/bench; fi
count() {
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bin" --once "$1" 2>&1 |
    sed -n 's/.*Collected : \([0-9]*\).*/\1/p; s/.*I *refs: *\([0-9,]*\).*/\1/p' | tr -d ',' | tail -n 1
}
base=$(count nothing)
if [ -z "$base" ]; then
  echo "instruction counts: valgrind could not run the benchmark; skipped"
  exit 0
fi
libyaml=$(( $(count libyaml) - base ))
yaml=$(( $(count yaml-reader) - base ))
dsl=$(( $(count dsl-reader) - base ))
check=$(( $(count check) - base ))
echo "instructions (callgrind, input generation subtracted):"
printf '  libyaml events only       %12d\n  YAML reader (to a tree)   %12d\n  DSL reader (to a tree)    %12d\n  check of the YAML bundle  %12d\n' \
  "$libyaml" "$yaml" "$dsl" "$check"
awk -v y="$yaml" -v d="$dsl" -v c="$check" -v l="$libyaml" 'BEGIN {
  printf "check / libyaml alone, in instructions: %.2f (target <= 1.5)\n", c / l
  printf "YAML reader / DSL reader, in instructions: %.2f (target >= 3)\n", y / d }'
