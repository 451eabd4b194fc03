#!/usr/bin/env bash
# Golden tests of `ccflow fmt`: every NAME.yaml here formats to NAME.expected.yaml (--to yaml) and
# to NAME.expected.flow (--to dsl); formatting either golden again changes nothing; and all
# three files build the same IR (`ccflow ir`). Usage: tests/fmt/run.sh [CCFLOW]. Ends with
# "N passed, N failed"; exit status 1 when any failed.
set -u
cd "$(dirname "$0")"
CCFLOW=${1:-../../build/ccflow}
case "$CCFLOW" in /*) ;; *) CCFLOW=$PWD/$CCFLOW ;; esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0

# check NAME DESCRIPTION EXPECTED-FILE COMMAND...: the command's standard output is the file
check() {
  local name=$1 what=$2 expected=$3
  shift 3
  if "$@" >"$tmp/out" 2>"$tmp/err" && cmp -s "$tmp/out" "$expected"; then
    pass=$((pass + 1))
  else
    fail=$((fail + 1))
    echo "FAIL: $name: $what"
    diff -u "$expected" "$tmp/out" | head -n 20
    head -n 5 "$tmp/err"
  fi
}

for src in *.yaml; do
  case "$src" in *.expected.yaml) continue ;; esac
  name=${src%.yaml}
  check "$name" "fmt --to yaml" "$name.expected.yaml" "$CCFLOW" fmt --to yaml "$src"
  check "$name" "fmt --to dsl" "$name.expected.flow" "$CCFLOW" fmt --to dsl "$src"
  check "$name" "fmt --to yaml is idempotent" "$name.expected.yaml" "$CCFLOW" fmt --to yaml "$name.expected.yaml"
  check "$name" "fmt --to dsl is idempotent" "$name.expected.flow" "$CCFLOW" fmt --to dsl "$name.expected.flow"
  # the IR: `ccflow ir` exits 1 on files with errors (some samples hold them on purpose)
  "$CCFLOW" ir "$src" >"$tmp/ir" 2>/dev/null
  check "$name" "the YAML golden builds the same IR" "$tmp/ir" sh -c '"$1" ir "$2" 2>/dev/null; true' _ "$CCFLOW" "$name.expected.yaml"
  check "$name" "the DSL golden builds the same IR" "$tmp/ir" sh -c '"$1" ir "$2" 2>/dev/null; true' _ "$CCFLOW" "$name.expected.flow"
done
echo "fmt: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
