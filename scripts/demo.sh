#!/usr/bin/env bash
# The main job on the bundled flows: check them (with the standard flows), then show what the
# checker says when a task flow is pointed at a voice-only queue flow.
set -u
cd "$(dirname "$0")/.."
CCFLOW=build/ccflow

echo "== ccflow check flows/ (the example task contact center, with the standard flows)"
$CCFLOW check --werror flows && echo "flows/: clean"
echo
echo "== the block catalogue: $($CCFLOW blocks | grep -c '^## `') block kinds, see docs/blocks.md"
echo
echo "== the task flow in the DSL (ccflow fmt flows/task_routing.yaml)"
$CCFLOW fmt flows/task_routing.yaml
echo
tmpb=$(mktemp -d)
$CCFLOW compile -o "$tmpb/flows.ccfb" flows
echo "== ccflow compile -o flows.ccfb flows: $(wc -c <"$tmpb/flows.ccfb") bytes; its task flow disassembled:"
$CCFLOW disasm "$tmpb/flows.ccfb" | sed -n '/^flow "Task routing"/,/^flow /p' | sed '$d'
rm -rf "$tmpb"
echo
echo "== a simulated working day of the task contact center (ccflow run scenarios/working_day.yaml)"
$CCFLOW run scenarios/working_day.yaml
echo
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sed -e 's/^flow: Task routing$/flow: Task routing (broken)/' \
    -e 's/set_customer_queue_flow: Task queue/set_customer_queue_flow: Voice queue/' \
    flows/task_routing.yaml >"$tmp/task_routing_broken.yaml"
echo "== a task flow that sends tasks into the voice queue flow (loop prompts): ccflow check says"
$CCFLOW check flows "$tmp/task_routing_broken.yaml"
status=$?
echo "(exit status $status: errors found, as expected)"
[ "$status" -eq 1 ]
