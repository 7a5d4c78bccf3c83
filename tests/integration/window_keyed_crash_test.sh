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

feed_slices "$parts" 0.4
crash_turns "$turns" after-state-write - -
wait "$FEEDER"
crash_until_idle
pass "$KILLS SIGKILLs and $FAULTS runs dying after-state-write, over $RUNS runs of two processes"

drain_both "$W"
verify "$W" windows.tumble "$WORK/expected.jsonl"
check_keyed_late "$W"
pass "after the crashes: $(wc -l <"$WORK/expected.jsonl") windows as the per-partition reference, $KEYED_LATE late rows once each"
echo "window_keyed_crash_test: ok ($checks checks)"
