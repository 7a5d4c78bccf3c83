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
keyed_job "$WORK/job.yaml"

W=$WORK/warehouse
# a alone reads the first half of every partition; b joins and takes some partitions from a,
# with the state a committed for them; then the second half arrives.
run_pair "$W" "$parts"
read_a=$READ_A
read_b=$READ_B
[ $((read_a + read_b)) -ge "$events" ] || fail "the two processes read $((read_a + read_b)) of $events rows"
pass "two processes of one group read the $parts partitions (a: $read_a rows, b: $read_b), partitions moved from a to b with their state"
check_states "$W" "$parts" "partition"

# The same two static members again, now draining.
drain_both "$W"
verify "$W" windows.tumble "$WORK/expected.jsonl"
check_keyed_late "$W"
pass "two processes, then both draining: $(wc -l <"$WORK/expected.jsonl") windows as the per-partition reference, $KEYED_LATE late rows once each"

check_one_process
echo "window_keyed_pair_test: ok ($checks checks)"
