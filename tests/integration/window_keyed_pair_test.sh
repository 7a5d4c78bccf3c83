#!/usr/bin/env bash
# Windows across processes with an input keyed by the group key (issue 14, `input_keyed_by`),
# on a real Kafka broker: every row of a location is in one partition (the test puts it there
# by its own hash), so the window keeps one state per partition, named after it, and a
# partition moves between processes with its state. Two processes of one consumer group
# (static members, --instance a and b; b joins later and takes partitions from a) read the input
# while it arrives and stop when idle,
# keeping their open windows in per-partition state; both again with --drain restore the state
# both committed and fire the rest. The table equals the reference computed here per
# partition (each partition's own watermark: the rows of a key only ever see their partition's
# event time), late rows are dead letters once each, and a one-process run of the same input
# writes the same table.
#
#   KEYED_EVENTS (20000), KEYED_PARTITIONS (4): the input's size and its partitions.
source "$(dirname "$0")/lib.sh"
source "$SOURCE_DIR/tests/integration/windows/window_lib.sh"
events=${KEYED_EVENTS:-20000}
parts=${KEYED_PARTITIONS:-4}

python3 "$REF" gen "$WORK/in.jsonl" "$events" 50 11
keyed_input "$WORK/in.jsonl" "$parts"

start_kafka "win-in:$parts"
# produce_half HALF: the first or second half of every partition's rows, in order.
produce_half() {
  local p n
  for ((p = 0; p < parts; p++)); do
    n=$(wc -l <"$WORK/part-$p.jsonl")
    if [ "$1" = 1 ]; then head -n $((n / 2)) "$WORK/part-$p.jsonl"; else tail -n +$((n / 2 + 1)) "$WORK/part-$p.jsonl"; fi |
      kcat -b "$KAFKA_BOOTSTRAP_SERVERS" -t win-in -p "$p" -P
  done
}

keyed_job "$WORK/job.yaml"

W=$WORK/warehouse
# a alone reads the first half of every partition; b joins and takes some partitions from a,
# with the state a committed for them; then the second half arrives.
produce_half 1
start_run a "$W" --instance a --stop-when-idle 8s
pid_a=$RUN_PID
wait_assigned a
sleep 3
start_run b "$W" --instance b --stop-when-idle 8s
pid_b=$RUN_PID
wait_assigned b
sleep 2
produce_half 2
finish_run a "$pid_a"
finish_run b "$pid_b"
read_a=$(summary_field a in)
read_b=$(summary_field b in)
[ "$read_a" -gt 0 ] && [ "$read_b" -gt 0 ] ||
  fail "both processes must have read rows (a: $read_a, b: $read_b)"
[ $((read_a + read_b)) -ge "$events" ] || fail "the two processes read $((read_a + read_b)) of $events rows"
grep -q "revoked" "$WORK/run-a.err" || fail "no partition moved from a to b"
pass "two processes of one group read the $parts partitions (a: $read_a rows, b: $read_b), partitions moved from a to b with their state"
state=$("$FLOE" --warehouse "$W" table describe windows.tumble --json |
  python3 -c 'import json,sys; m=json.load(sys.stdin)["metadata"]; s=[x for x in m["snapshots"] if x["snapshot-id"]==m["current-snapshot-id"]][0]; print(sum(1 for k in s["summary"] if k.startswith("floe.state.")))')
[ "$state" = "$parts" ] || fail "the current snapshot names $state window states, expected one per partition ($parts)"
pass "the current snapshot names the state of every partition ($parts), whichever process committed it"

# The same two static members again, now draining.
drain_both "$W"
verify "$W" windows.tumble "$WORK/expected.jsonl"
check_keyed_late "$W"
pass "two processes, then both draining: $(wc -l <"$WORK/expected.jsonl") windows as the per-partition reference, $KEYED_LATE late rows once each"

# One process, another group and warehouse, straight to the end: the same table.
W1=$WORK/warehouse-one
start_run one "$W1" --instance one --drain --stop-when-idle 3s --set sources.sensors.properties.group.id=one
finish_run one "$RUN_PID"
verify "$W1" windows.tumble "$WORK/expected.jsonl"
pass "one process writes the same table as two"
echo "window_keyed_pair_test: ok ($checks checks)"
