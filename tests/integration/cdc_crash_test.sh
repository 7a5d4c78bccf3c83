#!/usr/bin/env bash
# CDC through crashes (issue 15): the generated change stream of cdc_gen.py in one file, a
# checkpoint after every chunk, the process killed at each fault point (after-index-write among
# them: the key index written, its snapshot not) and at random moments, then restarted until it
# finishes. Afterwards the current-state table equals the generator's final state exactly and the
# audit table holds every change once, as the outside readers see them.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/cdc_lib.sh"
JOB=$WORK/cdc.yaml
cdc_job "$JOB"

# About 4 MiB of changes: four chunks, so four checkpoints a run.
cdc_gen --files 4 --keys 2000 --changes 6000 --seed 31
cat "$WORK"/changes-{1,2,3,4}.jsonl >"$WORK/changes.jsonl"

# run NAME [VAR=VALUE...]: prints the exit code.
run() {
  local name=$1 code=0
  shift
  env WAREHOUSE="$WORK/w-$name" INPUT_PATH="$WORK/changes.jsonl" "$@" \
    "$FLOE" run "$JOB" --set job.checkpoint.interval=1ms >>"$WORK/run-$name.txt" \
    2>>"$WORK/run-$name.err" || code=$?
  echo "$code"
}

judge() {
  verify "$WORK/w-$1" streaming.users_current "$WORK/expected-current.jsonl"
  verify "$WORK/w-$1" streaming.users_audit "$WORK/expected-audit.jsonl"
}

for point in after-data-file:3 after-manifest:2 after-index-write:1 after-index-write:3 \
  before-commit:3 after-commit-before-response:2; do
  name=${point//[:]/-}
  code=$(run "$name" FLOE_FAULT="$point")
  [ "$code" = 137 ] || { cat "$WORK/run-$name.err" >&2; fail "FLOE_FAULT=$point: exit $code, expected 137"; }
  grep -q "FLOE_FAULT: killing the process at ${point%%:*}" "$WORK/run-$name.err" ||
    fail "no fault message for $point"
  code=$(run "$name")
  [ "$code" = 0 ] || { cat "$WORK/run-$name.err" >&2; fail "the restart after $point failed"; }
  judge "$name"
  pass "killed at $point, restarted: current state and audit exact"
done

# Random moments: SIGKILL after a random delay, again and again, then a run to the end.
for attempt in $(seq 1 8); do
  env WAREHOUSE="$WORK/w-random" INPUT_PATH="$WORK/changes.jsonl" \
    "$FLOE" run "$JOB" --set job.checkpoint.interval=1ms >>"$WORK/run-random.txt" 2>>"$WORK/run-random.err" &
  pid=$!
  sleep "0.$((RANDOM % 9 + 1))"
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
done
code=$(run random)
[ "$code" = 0 ] || { cat "$WORK/run-random.err" >&2; fail "the run after random kills failed"; }
judge random
pass "8 random SIGKILLs, then a full run: current state and audit exact"
echo "cdc_crash_test: $checks checks passed"
