#!/usr/bin/env bash
# The repartition path of windows (issue 14, `repartition: true`) through crashes, on a real
# Kafka broker: the input is NOT keyed by the group key (rows spread over its partitions round
# robin), so each process's stage 1 writes every row to the job's repartition topic in Kafka
# transactions with the input offsets, and its stage 2 keeps the windows of the repartition
# partitions it holds and commits rows, window states and repartition offsets in one Iceberg
# snapshot. Two static members of one group (--instance a and b) read while the input arrives;
# in turn one of them is killed with SIGKILL at a random moment, or dies at a fault point:
# after-state-write (stage 2: window state files written, nothing committed) or
# before-kafka-transaction-commit (stage 1: rows, watermark messages and input offsets in its
# open Kafka transaction, not committed); it is restarted under the same name. After the last
# turn both run until idle, then both again with --drain.
#
# No row can be late in any interleaving: the input keeps only rows newer than (the newest row
# before them - 10 s), max_out_of_orderness being 10 s, and idle_timeout is unset (no source
# partition drops out of the watermark). When a row reaches stage 2, its own source partition's
# clock there is at most the newest event time up to that row in the input (a repartition
# partition gets a producer's messages in the order produced; an aborted transaction's are
# never read; a restored state's clocks were committed with the offsets they are valid at), so
# the watermark, the smallest over the source partitions minus 10 s, is below the row's event
# time and so below its window's end. So the table equals the reference of the whole input
# computed here (window_reference.py, not floe's code) exactly, no window lost or doubled, and
# there is no dead letter.
#
#   REPCRASH_EVENTS (20000), REPCRASH_TURNS (6), REPCRASH_PARTITIONS (4).
source "$(dirname "$0")/lib.sh"
source "$SOURCE_DIR/tests/integration/windows/window_lib.sh"
events=${REPCRASH_EVENTS:-20000}
turns=${REPCRASH_TURNS:-6}
parts=${REPCRASH_PARTITIONS:-4}

python3 "$REF" gen "$WORK/raw.jsonl" "$events" 50 29
unkeyed_input "$WORK/raw.jsonl" "$parts"

start_kafka "win-in:$parts"
repartition_job "$WORK/job.yaml" 200ms
W=$WORK/warehouse

feed_slices "$parts" 0.5
crash_turns "$turns" after-state-write before-kafka-transaction-commit -
wait "$FEEDER"
crash_until_idle
died=$(grep -l "FLOE_FAULT: killing the process at" "$WORK"/run-*.err 2>/dev/null | wc -l)
pass "$KILLS SIGKILLs, $died runs dead at a fault point (after-state-write, before-kafka-transaction-commit), over $RUNS runs of two processes"

# No row is behind its source partition's watermark either: every summary counts late=0.
late=$(cat "$WORK"/run-*.txt | sed -n 's/^summary: .*\blate=\([0-9]*\).*/\1/p' |
  awk '{ s += $1 } END { print s + 0 }')
[ "$late" = 0 ] || fail "the summaries count $late late rows, expected none"

drain_both "$W"
verify "$W" windows.tumble "$WORK/expected.jsonl"
# No row is late: the dead-letter table, if made, holds none.
KEYED_LATE=0
if "$FLOE" --warehouse "$W" table describe windows.tumble_late --json >/dev/null 2>&1; then
  check_keyed_late "$W"
fi
pass "after the crashes: $(wc -l <"$WORK/expected.jsonl") windows as the reference of the whole input, no dead letter"
echo "window_repartition_crash_test: ok ($checks checks)"
