#!/usr/bin/env bash
# Golden tests of the import mapping, one a Connect action shape (a row of cc_connect_shapes[] in
# common/catalog.c, and connect_action for the types without one): each tests/connect_import/X.json
# is a small Flow-language export as the console writes it, X.yaml what 'ccflow import --to yaml'
# writes for it, and X.diag the headlines of what import reports (no file: nothing). Each expected
# file was reviewed against ../shared/reference/actions.md; see tests/connect_import/README.md.
# --update rewrites the expected files from the current build (then review the diff).
set -u
shopt -s nullglob
CCFLOW=$(realpath "${1:-build/ccflow}")
update=0
[ "${2:-}" = --update ] && update=1
cd "$(dirname "$0")/connect_import"
pass=0
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for json in *.json; do
  x=${json%.json}
  "$CCFLOW" import --to yaml "$json" >"$tmp/out" 2>"$tmp/err"
  st=$?
  # the headline of each diagnostic, without its source excerpt
  grep -E "^$x\\.json:[0-9]+:[0-9]+: (error|warning|note): " "$tmp/err" >"$tmp/diag"
  grep -vE "^$x\\.json:[0-9]+:[0-9]+: |^    " "$tmp/err" >"$tmp/other"
  if [ $update = 1 ]; then
    cp "$tmp/out" "$x.yaml"
    if [ -s "$tmp/diag" ]; then cp "$tmp/diag" "$x.diag"; else rm -f "$x.diag"; fi
  fi
  ok=1
  if [ $st -gt 1 ] || [ -s "$tmp/other" ]; then
    ok=0; echo "FAIL connect_import: $x: exit $st"; head -5 "$tmp/other"
  fi
  if ! cmp -s "$tmp/out" "$x.yaml"; then
    ok=0; echo "FAIL connect_import: $x: the import differs from $x.yaml"; diff "$x.yaml" "$tmp/out" | head -20
  fi
  [ -f "$x.diag" ] || : >"$tmp/none"
  if ! cmp -s "$tmp/diag" "$([ -f "$x.diag" ] && echo "$x.diag" || echo "$tmp/none")"; then
    ok=0; echo "FAIL connect_import: $x: the diagnostics differ from $x.diag"
    diff "$([ -f "$x.diag" ] && echo "$x.diag" || echo "$tmp/none")" "$tmp/diag" | head -10
  fi
  [ $ok = 1 ] && pass=$((pass + 1)) || fail=$((fail + 1))
done
# every expected file has its export
for f in *.yaml *.diag; do
  [ -f "${f%.*}.json" ] || { fail=$((fail + 1)); echo "FAIL connect_import: $f has no ${f%.*}.json"; }
done

echo "connect_import: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
