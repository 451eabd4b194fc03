#!/usr/bin/env bash
# Round trips through `ccflow fmt`: every YAML flow of flows/, stdlib/ and the check suite that
# reads cleanly is converted to the DSL and back; the three spellings must build the same IR
# (`ccflow ir`), and fmt of fmt's output must change nothing, in both spellings. The golden files
# of tests/fmt/ pin the exact output.
set -u
CCFLOW=${1:-build/ccflow}
pass=0
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bad() { fail=$((fail + 1)); echo "FAIL fmt: $*"; }

n=0
compiled=0
roundtrips=() # pairs of source and YAML -> DSL -> YAML, for the comments check below
while IFS= read -r f; do
  # only flows that read without errors take part (the suite also holds broken ones on purpose)
  "$CCFLOW" ir "$f" >"$tmp/ir0" 2>/dev/null || continue
  n=$((n + 1))
  base=$tmp/f$n
  if ! "$CCFLOW" fmt --to dsl "$f" >"$base.flow" 2>"$tmp/err"; then
    bad "$f: fmt --to dsl failed: $(head -c 300 "$tmp/err")"; continue
  fi
  if ! "$CCFLOW" fmt --to yaml "$base.flow" >"$base.yaml" 2>"$tmp/err"; then
    bad "$f: the DSL written for it does not read back: $(head -c 300 "$tmp/err")"; continue
  fi
  roundtrips+=("$f" "$base.yaml")
  "$CCFLOW" ir "$base.flow" >"$tmp/ir1" 2>/dev/null
  "$CCFLOW" ir "$base.yaml" >"$tmp/ir2" 2>/dev/null
  if cmp -s "$tmp/ir0" "$tmp/ir1" && cmp -s "$tmp/ir0" "$tmp/ir2"; then pass=$((pass + 1)); else
    bad "$f: YAML -> DSL -> YAML changed the IR"; diff "$tmp/ir0" "$tmp/ir1" | head -5; diff "$tmp/ir0" "$tmp/ir2" | head -5
  fi
  # flows that compile on their own give byte-identical stripped bytecode in both spellings
  if "$CCFLOW" compile --strip -o "$base.y.ccfb" "$f" >/dev/null 2>&1; then
    compiled=$((compiled + 1))
    "$CCFLOW" compile --strip -o "$base.d.ccfb" "$base.flow" >/dev/null 2>&1 && cmp -s "$base.y.ccfb" "$base.d.ccfb" \
      && pass=$((pass + 1)) || bad "$f: its DSL spelling compiles to different bytes"
  fi
  "$CCFLOW" fmt --to dsl "$base.flow" >"$base.again.flow" 2>/dev/null
  cmp -s "$base.flow" "$base.again.flow" && pass=$((pass + 1)) || bad "$f: fmt of its DSL is not idempotent"
  "$CCFLOW" fmt --to yaml "$base.yaml" >"$base.again.yaml" 2>/dev/null
  cmp -s "$base.yaml" "$base.again.yaml" && pass=$((pass + 1)) || bad "$f: fmt of its YAML is not idempotent"
done < <(find flows stdlib/flows tests/check -name '*.yaml' | sort)
[ "$n" -ge 30 ] && pass=$((pass + 1)) || bad "only $n flows took part in the round trips"
[ "$compiled" -ge 20 ] && pass=$((pass + 1)) || bad "only $compiled flows were compiled in both spellings"

# Every comment comes back beside (or before) the line of the same key after YAML -> DSL -> YAML,
# in the flows above and in the samples of tests/fmt/ (tests/fmt_comments.py reads the key path of
# each comment's line in both texts)
for f in tests/fmt/*.yaml; do
  case "$f" in *.expected.yaml) continue;; esac
  g=$tmp/sample_$(basename "$f" .yaml)
  "$CCFLOW" fmt --to dsl "$f" >"$g.flow" 2>/dev/null && "$CCFLOW" fmt --to yaml "$g.flow" >"$g.yaml" 2>/dev/null \
    && roundtrips+=("$f" "$g.yaml") || bad "$f: YAML -> DSL -> YAML failed"
done
if python3 tests/fmt_comments.py "${roundtrips[@]}" >"$tmp/comments" 2>&1; then
  pass=$((pass + 1))
else
  bad "comments moved to another key in YAML -> DSL -> YAML:"; sed 's/^/    /' "$tmp/comments"
fi

# DSL files of the suite: DSL -> YAML -> DSL keeps the IR too
for f in tests/check/dsl/*.flow; do
  "$CCFLOW" ir "$f" >"$tmp/ir0" 2>/dev/null || continue
  "$CCFLOW" fmt --to yaml "$f" >"$tmp/d.yaml" 2>/dev/null && "$CCFLOW" fmt --to dsl "$tmp/d.yaml" >"$tmp/d.flow" 2>/dev/null
  "$CCFLOW" ir "$tmp/d.yaml" >"$tmp/ir1" 2>/dev/null
  "$CCFLOW" ir "$tmp/d.flow" >"$tmp/ir2" 2>/dev/null
  cmp -s "$tmp/ir0" "$tmp/ir1" && cmp -s "$tmp/ir0" "$tmp/ir2" && pass=$((pass + 1)) || bad "$f: DSL -> YAML -> DSL changed the IR"
done

# Golden outputs
for f in tests/fmt/*.yaml; do
  case "$f" in *.expected.yaml) continue;; esac
  stem=${f%.yaml}
  if [ -f "$stem.expected.flow" ]; then
    "$CCFLOW" fmt --to dsl "$f" >"$tmp/g.flow" 2>&1
    cmp -s "$tmp/g.flow" "$stem.expected.flow" && pass=$((pass + 1)) || { bad "$f: DSL differs from $stem.expected.flow"; diff "$stem.expected.flow" "$tmp/g.flow" | head -10; }
  fi
  if [ -f "$stem.expected.yaml" ]; then
    "$CCFLOW" fmt --to yaml "$f" >"$tmp/g.yaml" 2>&1
    cmp -s "$tmp/g.yaml" "$stem.expected.yaml" && pass=$((pass + 1)) || { bad "$f: YAML differs from $stem.expected.yaml"; diff "$stem.expected.yaml" "$tmp/g.yaml" | head -10; }
  fi
done

# Golden outputs are themselves fixed points: formatting them again changes nothing, and all
# spellings build the same IR
for f in tests/fmt/*.expected.yaml tests/fmt/*.expected.flow; do
  [ -f "$f" ] || continue
  case "$f" in *.flow) to=dsl;; *) to=yaml;; esac
  "$CCFLOW" fmt --to "$to" "$f" >"$tmp/fixed" 2>&1
  cmp -s "$tmp/fixed" "$f" && pass=$((pass + 1)) || bad "$f: formatting it again changes it"
  src=${f%.expected.*}.yaml
  # these samples hold unknown kinds and keys on purpose: the IR is printed all the same
  "$CCFLOW" ir "$src" >"$tmp/ir0" 2>/dev/null
  "$CCFLOW" ir "$f" >"$tmp/ir1" 2>/dev/null
  cmp -s "$tmp/ir0" "$tmp/ir1" && pass=$((pass + 1)) || bad "$f: IR differs from $src"
done

# -w writes beside the input; exit statuses
cp flows/task_routing.yaml "$tmp/w.yaml"
"$CCFLOW" fmt -w "$tmp/w.yaml" && [ -s "$tmp/w.flow" ] && pass=$((pass + 1)) || bad "-w does not write x.flow beside x.yaml"
"$CCFLOW" fmt -w --force "$tmp/w.flow" && cmp -s <("$CCFLOW" fmt --to yaml "$tmp/w.flow") "$tmp/w.yaml" && pass=$((pass + 1)) || bad "-w --force back to YAML"

# -w never replaces a different file beside the input without --force; the same output is no change
printf '# my own notes\nflow "Mine" { type: inbound }\na: disconnect\n' >"$tmp/w.flow"
cp "$tmp/w.flow" "$tmp/mine.flow"
"$CCFLOW" fmt -w "$tmp/w.yaml" >/dev/null 2>"$tmp/err"; st=$?
[ $st -eq 2 ] && cmp -s "$tmp/w.flow" "$tmp/mine.flow" && grep -q -- "--force" "$tmp/err" && pass=$((pass + 1)) \
  || bad "-w replaced a different x.flow without --force (status $st)"
"$CCFLOW" fmt -w --force "$tmp/w.yaml" && cmp -s "$tmp/w.flow" <("$CCFLOW" fmt --to dsl "$tmp/w.yaml") && pass=$((pass + 1)) \
  || bad "-w --force does not replace x.flow"
"$CCFLOW" fmt -w "$tmp/w.yaml" 2>"$tmp/err" && [ ! -s "$tmp/err" ] && pass=$((pass + 1)) || bad "-w refuses a file that already holds its output"
"$CCFLOW" fmt --force "$tmp/w.yaml" >/dev/null 2>&1; [ $? -eq 2 ] && pass=$((pass + 1)) || bad "--force without -w is a usage error"

# -w writes whole files: a new file renamed into place (a new inode), its mode kept, a link kept
# as a link to the file it names, no temporary file left behind
mkdir "$tmp/atomic"
cp flows/task_routing.yaml "$tmp/atomic/t.yaml"
printf 'flow: Messy\ntype:    inbound\nblocks:\n  a: { disconnect: {} }   # bye\n' >"$tmp/atomic/m.yaml"
chmod 640 "$tmp/atomic/m.yaml"
ln -s m.yaml "$tmp/atomic/link.yaml"
inode=$(stat -c %i "$tmp/atomic/m.yaml")
"$CCFLOW" fmt -w --to yaml "$tmp/atomic/link.yaml" && [ -L "$tmp/atomic/link.yaml" ] && [ "$(stat -c %a "$tmp/atomic/m.yaml")" = 640 ] \
  && [ "$(stat -c %i "$tmp/atomic/m.yaml")" != "$inode" ] && grep -q '^    disconnect: {}  # bye$' "$tmp/atomic/m.yaml" && pass=$((pass + 1)) \
  || bad "-w in place through a link: not renamed into place, or mode or link lost"
[ "$(ls -A "$tmp/atomic" | tr '\n' ' ')" = "link.yaml m.yaml t.yaml " ] && pass=$((pass + 1)) || bad "-w left files behind: $(ls -A "$tmp/atomic")"
chmod 555 "$tmp/atomic"
if [ ! -w "$tmp/atomic" ]; then # (root writes anyway)
  cp "$tmp/atomic/t.yaml" "$tmp/t.before"
  "$CCFLOW" fmt -w --to yaml "$tmp/atomic/t.yaml" >/dev/null 2>&1; st=$?
  [ $st -eq 2 ] && cmp -s "$tmp/atomic/t.yaml" "$tmp/t.before" && pass=$((pass + 1)) || bad "a failed -w damaged its file (status $st)"
fi
chmod 755 "$tmp/atomic"

# --check: exit 1 and the names of the files not in fmt layout, on standard output; nothing written
"$CCFLOW" fmt --to yaml "$tmp/atomic/t.yaml" >"$tmp/formatted.yaml"
"$CCFLOW" fmt --check "$tmp/formatted.yaml" "$tmp/w.flow" >"$tmp/out" 2>&1 && [ ! -s "$tmp/out" ] && pass=$((pass + 1)) \
  || bad "--check of formatted files: not 0 and silent: $(cat "$tmp/out")"
cp "$tmp/atomic/m.yaml" "$tmp/m.before"
printf 'flow "Messy"   { type: inbound }\na:   disconnect\n' >"$tmp/messy.flow"
printf 'flow: X\ntype: nonsense\nblocks: { a: { frobnicate: 1 } }\n' >"$tmp/schema.yaml"
printf 'flow: X\ntype: inbound\nblocks: { a: { wait: [ }\n' >"$tmp/broken.yaml"
"$CCFLOW" fmt --check "$tmp/formatted.yaml" "$tmp/schema.yaml" "$tmp/messy.flow" >"$tmp/out" 2>"$tmp/err"; st=$?
[ $st -eq 1 ] && [ "$(cat "$tmp/out")" = "$tmp/schema.yaml"$'\n'"$tmp/messy.flow" ] && grep -q '2 files are not in fmt layout' "$tmp/err" \
  && pass=$((pass + 1)) || bad "--check names the files not formatted and exits 1 (status $st): $(cat "$tmp/out" "$tmp/err")"
"$CCFLOW" fmt --check "$tmp/broken.yaml" >/dev/null 2>&1; [ $? -eq 1 ] && pass=$((pass + 1)) || bad "--check of a file that cannot be read exits 1"
"$CCFLOW" fmt --check tests/check/connect/*.json >/dev/null 2>&1; [ $? -eq 2 ] && pass=$((pass + 1)) || bad "--check of a Connect export is a usage error"
"$CCFLOW" fmt --check -w "$tmp/formatted.yaml" >/dev/null 2>&1; [ $? -eq 2 ] && pass=$((pass + 1)) || bad "--check with -w is a usage error"

# The bundled flows and the standard flows are in fmt's layout
"$CCFLOW" fmt --check flows/*.yaml stdlib/flows/*.yaml $(ls flows/*.flow 2>/dev/null) >"$tmp/out" 2>&1 && pass=$((pass + 1)) \
  || bad "bundled flows not in fmt layout: $(cat "$tmp/out")"
printf 'flow: X\ntype: inbound\nblocks: { a: { wait: [ }\n' >"$tmp/broken.yaml"
"$CCFLOW" fmt "$tmp/broken.yaml" >/dev/null 2>&1; [ $? -eq 1 ] && pass=$((pass + 1)) || bad "a file that cannot be read exits 1"
printf 'flow: X\ntype: nonsense\nblocks: { a: { frobnicate: 1 } }\n' >"$tmp/schema.yaml"
"$CCFLOW" fmt "$tmp/schema.yaml" >/dev/null 2>&1 && pass=$((pass + 1)) || bad "fmt checks syntax only: schema problems do not stop it"
"$CCFLOW" fmt --to xml "$tmp/w.yaml" >/dev/null 2>&1; [ $? -eq 2 ] && pass=$((pass + 1)) || bad "--to xml is a usage error"

echo "fmt: $pass passed, $fail failed"
