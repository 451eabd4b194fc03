#!/usr/bin/env bash
# The ready integrations of docs/ci.md, run as their users would run them: the GitHub Actions
# workflow (docs/ci/ccflow.yml), the pre-commit hook (.pre-commit-hooks.yaml) and the git diff
# text converter, each in a temporary git repository holding real Connect exports
# (tests/integrations/, copied from the corpus; ORIGIN.md). The workflow and hook files are read
# with a YAML parser (python3-yaml) and the commands are taken from them and from docs/ci.md, so
# the files and the documentation cannot drift from what is tested.
set -u
cd "$(dirname "$0")/.."
CCFLOW=$(realpath "${1:-build/ccflow}")
root=$PWD
pass=0
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL integrations: $*"; }
check() { # description command...: passes when the command succeeds
  local what=$1; shift
  if "$@"; then ok; else bad "$what"; fi
}
# yq FILE EXPR: EXPR (Python) over the YAML document in FILE, bound to d; prints the result
yq() { python3 -c 'import sys, yaml; d = yaml.safe_load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"; }

# `ccflow` on PATH is the build under test, as the workflow, the hook and git would find it
mkdir -p "$tmp/bin"
ln -s "$CCFLOW" "$tmp/bin/ccflow"
export PATH="$tmp/bin:$PATH"
# a git that reads no configuration of the machine or the user
export GIT_CONFIG_NOSYSTEM=1 HOME="$tmp/home" GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.com \
  GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@example.com
mkdir -p "$HOME"

# a fresh repository in $tmp/NAME with flows/ holding the given fixtures, committed
new_repo() {
  local dir=$tmp/$1; shift
  rm -rf "$dir"
  mkdir -p "$dir/flows"
  for f in "$@"; do cp "tests/integrations/$f" "$dir/flows/"; done
  git -C "$dir" init -q
  git -C "$dir" add -A
  git -C "$dir" commit -qm fixtures
  echo "$dir"
}

# ---- the GitHub Actions workflow -----------------------------------------------------------
wf=docs/ci/ccflow.yml
check "$wf is YAML" python3 -c 'import sys, yaml; yaml.safe_load(open(sys.argv[1]))' "$wf"
# PyYAML reads the key `on` as true (YAML 1.1); GitHub reads it as "on"
[ "$(yq "$wf" 'sorted(k for k in d[True])')" = "['pull_request', 'push']" ] && ok || bad "$wf runs on push and pull_request"
[ "$(yq "$wf" 'd["permissions"].get("security-events")')" = write ] && ok || bad "$wf may write code-scanning results"
steps="[s for s in d['jobs']['check']['steps']]"
run=$(yq "$wf" "[s['run'] for s in $steps if s.get('name') == 'Check flows'][0]")
case "$run" in "ccflow check --format sarif -o ccflow.sarif "*) ok ;; *) bad "$wf: the check step runs '$run'" ;; esac
[ "$(yq "$wf" "[i for i, s in enumerate($steps) if s.get('name') == 'Check flows'][0] < [i for i, s in enumerate($steps) if s.get('uses', '').startswith('github/codeql-action/upload-sarif@')][0]")" = True ] &&
  ok || bad "$wf uploads with github/codeql-action/upload-sarif after the check"
upload="[s for s in $steps if s.get('uses', '').startswith('github/codeql-action/upload-sarif@')][0]"
[ "$(yq "$wf" "$upload['with']['sarif_file']")" = ccflow.sarif ] && ok || bad "$wf uploads ccflow.sarif"
# the upload runs when the check step failed (errors): only !cancelled() or always() allow that
case "$(yq "$wf" "$upload.get('if', '')")" in *'!cancelled()'* | *'always()'*) ok ;; *) bad "$wf uploads after a failed check" ;; esac
[ "$(yq "$wf" "d['env']['FLOWS']")" = flows ] && ok || bad "$wf checks flows/ unless told otherwise"

# the check step's command, run as the job runs it (bash -e, from the repository root)
run_step() { (cd "$1" && FLOWS=${2:-flows} bash -e -c "$run" >"$tmp/step.out" 2>&1); }
repo=$(new_repo wf whisper.json)
mkdir -p "$repo/.ccflow/flows" && cp tests/integrations/campaign.json "$repo/.ccflow/flows/" # the build of ccflow
run_step "$repo"; st=$?
[ $st -eq 0 ] && ok || { bad "workflow step on a clean bundle: exit $st, expected 0"; cat "$tmp/step.out"; }
check "workflow step writes ccflow.sarif (a bundle without errors)" python3 -c '
import json, sys; d = json.load(open(sys.argv[1]))
sys.exit(d["version"] != "2.1.0" or not d["runs"][0]["results"] or any(x["level"] == "error" for x in d["runs"][0]["results"]))' "$repo/ccflow.sarif"
# FLOWS=. (the whole repository) leaves out the build of ccflow the job checked out
run_step "$repo" .; st=$?
[ $st -eq 0 ] && ok || { bad "workflow step with FLOWS=.: exit $st, expected 0"; cat "$tmp/step.out"; }
cp tests/integrations/campaign.json "$repo/flows/"
run_step "$repo"; st=$?
[ $st -eq 1 ] && ok || { bad "workflow step on a bundle with errors: exit $st, expected 1 (fails the job)"; cat "$tmp/step.out"; }
# results point into the repository through %SRCROOT%, which code scanning maps to its root
check "the SARIF of errors names flows/campaign.json from %SRCROOT%" python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))["runs"][0]
locs = [l["physicalLocation"]["artifactLocation"] for x in r["results"] for l in x["locations"]]
errors = [x["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for x in r["results"] if x["level"] == "error"]
sys.exit(errors != ["flows/campaign.json"] or any(a["uriBaseId"] != "%SRCROOT%" or a["uri"] not in ("flows/campaign.json", "flows/whisper.json") for a in locs)
         or r["originalUriBaseIds"]["%SRCROOT%"]["uri"] != "file://" + sys.argv[2] + "/")' "$repo/ccflow.sarif" "$repo"

# ---- the pre-commit hook -------------------------------------------------------------------
hk=.pre-commit-hooks.yaml
[ "$(yq "$hk" '[h["id"] for h in d]')" = "['ccflow-check']" ] && ok || bad "$hk defines the one hook ccflow-check"
[ "$(yq "$hk" 'd[0]["language"]')" = system ] && ok || bad "$hk: the hook runs the installed ccflow"
[ "$(yq "$hk" 'd[0]["pass_filenames"]')" = False ] && ok || bad "$hk: the hook checks the whole bundle"
check "$hk: the hook runs for YAML, DSL and JSON files only" python3 -c '
import re, sys, yaml
f = re.compile(yaml.safe_load(open(sys.argv[1]))[0]["files"])
yes = ["flows/a.yaml", "a.yml", "x/b.flow", "exports/c.json"]
no = ["README.md", "a.json.bak", "a.yaml~", "flow.c"]
sys.exit(not all(f.search(p) for p in yes) or any(f.search(p) for p in no))' "$hk"
entry=$(yq "$hk" 'd[0]["entry"]')
# pre-commit runs entry + the args of .pre-commit-config.yaml (here docs/ci.md's: the folder)
hook() { (cd "$1" && eval "$entry flows/" >"$tmp/hook.out" 2>&1); }
repo=$(new_repo hook whisper.json)
hook "$repo"; st=$?
[ $st -eq 0 ] && ok || { bad "hook on a clean bundle: exit $st, expected 0"; cat "$tmp/hook.out"; }
cp tests/integrations/campaign.json "$repo/flows/"
hook "$repo"; st=$?
[ $st -eq 1 ] && ok || { bad "hook on a bundle with errors: exit $st, expected 1 (stops the commit)"; cat "$tmp/hook.out"; }
grep -q '^flows/campaign.json:1:[0-9]*: error: .*\[E401\]$' "$tmp/hook.out" && ok || bad "the hook prints the error plainly"
# why not the changed files alone: a flow that names another, unchanged one
printf 'flow: Main\ntype: inbound\nblocks:\n  go:\n    transfer_to_flow: Other\n' >"$repo/flows/main.yaml"
printf 'flow: Other\ntype: inbound\nblocks:\n  bye:\n    disconnect: {}\n' >"$repo/flows/other.yaml"
rm "$repo/flows/campaign.json"
hook "$repo"; st=$?
[ $st -eq 0 ] && ok || { bad "hook on a bundle whose flows refer to each other: exit $st"; cat "$tmp/hook.out"; }
(cd "$repo" && ccflow check --no-color flows/main.yaml >"$tmp/one.out" 2>&1)
grep -q 'E118' "$tmp/one.out" && ok || bad "a changed file alone misses the flows it names (why pass_filenames is false)"

# ---- git diff through the DSL (textconv) ---------------------------------------------------
# the two lines docs/ci.md gives, taken from it
attr=$(grep -m1 -E '^[^ ]+ diff=ccflow$' docs/ci.md)
conv=$(grep -m1 -E '^git config diff\.ccflow\.textconv ' docs/ci.md)
[ -n "$attr" ] && [ -n "$conv" ] && ok || bad "docs/ci.md gives a .gitattributes line and the git config command"
repo=$(new_repo tc campaign.json whisper.json orphaned.json)
echo '{"name": "not a flow"}' >"$repo/package.json"
(cd "$repo" && echo "$attr" >.gitattributes && eval "$conv" && git add -A && git commit -qm textconv)
# git runs the converter on one path and reads standard output: run it so first
(cd "$repo" && eval "ccflow $(sed -E "s/^git config diff\.ccflow\.textconv '?ccflow ([^']*)'?$/\1/" <<<"$conv")" \
  flows/campaign.json >"$tmp/conv.out" 2>"$tmp/conv.err"); st=$?
[ $st -eq 0 ] && ok || bad "the converter exits 0 on an export with findings (exit $st)"
[ ! -s "$tmp/conv.err" ] && ok || { bad "the converter prints nothing on stderr under git"; head -5 "$tmp/conv.err"; }
grep -q '^set_voice_1: set_voice { voice: "Matthew" } -> check_call_progress_1$' "$tmp/conv.out" && ok ||
  bad "the converter writes the DSL"
# an export with an error the import finds (an action type Connect does not have) converts too
(cd "$repo" && eval "ccflow $(sed -E "s/^git config diff\.ccflow\.textconv '?ccflow ([^']*)'?$/\1/" <<<"$conv")" \
  flows/orphaned.json >"$tmp/conv.out" 2>"$tmp/conv.err"); st=$?
[ $st -eq 0 ] && [ ! -s "$tmp/conv.err" ] && grep -q '^action3: connect_action {$' "$tmp/conv.out" && ok ||
  { bad "the converter writes an export with import errors, exit 0 and quiet (exit $st)"; head -5 "$tmp/conv.err"; }
sed -i 's/missing-lambda-function/renamed-function/' "$repo/flows/orphaned.json"
git -C "$repo" diff -- flows/orphaned.json >"$tmp/diff" 2>"$tmp/diff.err"; st=$?
[ $st -eq 0 ] && [ ! -s "$tmp/diff.err" ] && grep -q '^+action2: invoke_lambda { function: ".*:function:renamed-function" }$' "$tmp/diff" &&
  ok || { bad "git diff of an export with import errors: exit $st"; cat "$tmp/diff.err"; }
git -C "$repo" checkout -q flows/orphaned.json
# a parameter changed: one DSL line out, one in, nothing else
sed -i 's/"TextToSpeechVoice":"Matthew"/"TextToSpeechVoice":"Joanna"/' "$repo/flows/campaign.json"
git -C "$repo" diff >"$tmp/diff" 2>"$tmp/diff.err"; st=$?
[ $st -eq 0 ] && [ ! -s "$tmp/diff.err" ] && ok || { bad "git diff through the converter: exit $st"; cat "$tmp/diff.err"; }
grep -E '^[-+]' "$tmp/diff" | grep -vE '^(---|\+\+\+) ' >"$tmp/changed"
printf '%s\n' '-set_voice_1: set_voice { voice: "Matthew" } -> check_call_progress_1' \
  '+set_voice_1: set_voice { voice: "Joanna" } -> check_call_progress_1' | diff - "$tmp/changed" >/dev/null &&
  ok || { bad "git diff shows the parameter as one DSL line"; cat "$tmp/diff"; }
grep -qE 'position|Identifier|[0-9a-f]{8}-[0-9a-f]{4}-' "$tmp/diff" && bad "git diff shows layout or identifiers" || ok
git -C "$repo" checkout -q flows/campaign.json
# layout only (an action moved in the designer, the entry point moved): no diff at all
sed -i 's/"position":{"x":112,"y":212}/"position":{"x":400,"y":260}/; s/"entryPointPosition":{"x":14.4,"y":45.6}/"entryPointPosition":{"x":20,"y":40}/' \
  "$repo/flows/campaign.json"
git -C "$repo" diff --quiet --no-textconv && bad "the layout change changed the file" || ok
[ -z "$(git -C "$repo" diff 2>&1)" ] && ok || { bad "a layout-only change shows nothing"; git -C "$repo" diff | head; }
git -C "$repo" checkout -q flows/campaign.json
# a JSON file the attribute does not name diffs as JSON
echo '{"name": "still not a flow"}' >"$repo/package.json"
git -C "$repo" diff -- package.json 2>&1 | grep -q '^+{"name": "still not a flow"}$' && ok || bad "other JSON diffs as itself"
# a flow without a name of its own is named after its file; git's copy of the old side keeps it
sed -i 's/"Text":"\$.Queue.Name"/"Text":"Hello"/' "$repo/flows/whisper.json"
git -C "$repo" diff -- flows/whisper.json >"$tmp/diff" 2>&1
[ "$(grep -cE '^[-+][^-+]' "$tmp/diff")" = 2 ] && grep -q '^+play_prompt_1: play_prompt { text: "Hello" } -> end_flow_1$' "$tmp/diff" &&
  ok || { bad "an unnamed flow diffs as one line"; cat "$tmp/diff"; }

echo "integrations: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
