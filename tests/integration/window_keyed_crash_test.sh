#!/usr/bin/env bash
# A window job across two processes through crashes (issue 14), on a real Kafka broker: the
# input keyed by the group key (input_keyed_by, state per partition), two static members of
# one group (--instance a and b) while the input arrives; in turn one of them is killed with
# SIGKILL at a random moment or dies at the fault point after-state-write (state files
# written, nothing committed), and is restarted under the same name. After the last turn both
# run until idle, then both again with --drain. The table equals the reference computed here
# per partition exactly, and each late row is a dead letter once: no window lost or doubled.
#
#   KEYED_CRASH_EVENTS (30000), KEYED_CRASH_TURNS (6), KEYED_PARTITIONS (4).
source "$(dirname "$0")/lib.sh"
source "$SOURCE_DIR/tests/integration/windows/window_lib.sh"
events=${KEYED_CRASH_EVENTS:-30000}
turns=${KEYED_CRASH_TURNS:-6}
parts=${KEYED_PARTITIONS:-4}

python3 "$REF" gen "$WORK/in.jsonl" "$events" 50 17
keyed_input "$WORK/in.jsonl" "$parts"
start_kafka "win-in:$parts"
keyed_job "$WORK/job.yaml" 200ms
W=$WORK/warehouse

# feed: the partitions' rows in 10 slices, 0.4 s apart, in the background.
(
  for ((slice = 0; slice < 10; slice++)); do
    for ((p = 0; p < parts; p++)); do
      n=$(wc -l <"$WORK/part-$p.jsonl")
      sed -n "$((n * slice / 10 + 1)),$((n * (slice + 1) / 10))p" "$WORK/part-$p.jsonl" |
        kcat -b "$KAFKA_BOOTSTRAP_SERVERS" -t win-in -p "$p" -P
    done
    sleep 0.4
  done
) &
feeder=$!

declare -A pid tag
runs=0
# launch P [VAR=VALUE...]: process P (instance P) in the background, until idle.
launch() {
  local p=$1
  shift
  runs=$((runs + 1))
  tag[$p]=$p$runs
  env "$@" WAREHOUSE="$W" "$FLOE" run "$WORK/job.yaml" --instance "$p" --stop-when-idle 5s \
    >"$WORK/run-${tag[$p]}.txt" 2>"$WORK/run-${tag[$p]}.err" &
  pid[$p]=$!
}
# ended P CODE: P's run is over with CODE: it must have succeeded, been killed, or died at its
# fault point.
ended() {
  local p=$1 code=$2
  if [ "$code" != 0 ] && [ "$code" != 137 ] &&
    ! grep -q "FLOE_FAULT: killing the process at after-state-write" "$WORK/run-${tag[$p]}.err"; then
    grep -v '^%' "$WORK/run-${tag[$p]}.err" >&2
    fail "run ${tag[$p]} ended with $code"
  fi
}

launch a
launch b
kills=0
faults=0
for ((turn = 1; turn <= turns; turn++)); do
  victim=$([ $((turn % 2)) = 1 ] && echo a || echo b)
  sleep "$(awk -v r="$RANDOM" 'BEGIN { printf "%.2f", 0.5 + (r % 200) / 100 }')"
  if kill -0 "${pid[$victim]}" 2>/dev/null; then
    kill -9 "${pid[$victim]}" 2>/dev/null || true
    kills=$((kills + 1))
  fi
  code=0
  wait "${pid[$victim]}" 2>/dev/null || code=$?
  ended "$victim" "$code"
  if [ $((turn % 3)) = 0 ]; then
    launch "$victim" FLOE_FAULT="after-state-write:$((2 + RANDOM % 4))"
    faults=$((faults + 1))
  else
    launch "$victim"
  fi
done
wait "$feeder"
# Both run until idle; whoever dies at its fault point meanwhile is started again.
for p in a b; do
  while :; do
    code=0
    wait "${pid[$p]}" 2>/dev/null || code=$?
    [ "$code" = 0 ] && break
    ended "$p" "$code"
    launch "$p"
  done
done
pass "$kills SIGKILLs and $faults runs dying after-state-write, over $runs runs of two processes"

drain_both "$W"
verify "$W" windows.tumble "$WORK/expected.jsonl"
check_keyed_late "$W"
pass "after the crashes: $(wc -l <"$WORK/expected.jsonl") windows as the per-partition reference, $KEYED_LATE late rows once each"
echo "window_keyed_crash_test: ok ($checks checks)"
