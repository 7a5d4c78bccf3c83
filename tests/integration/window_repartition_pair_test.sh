#!/usr/bin/env bash
# Windows across processes over an input NOT keyed by the group key (issue 14, `repartition:
# true`), on a real Kafka broker: the input's rows are spread over its partitions round robin,
# so every partition holds every location. Each process's stage 1 writes the rows to the
# job's repartition topic (partitioned by location, floe.wm headers, in Kafka transactions with
# the input offsets); its stage 2 reads that topic in the same group and keeps the window per
# repartition partition, its clocks those of the input's partitions. Two processes (b joins
# later and takes partitions from a) read while the input arrives and stop when idle, keeping
# their open windows in state; both again with --drain fire the rest. The input has no row
# that could be late however its partitions interleave (each row is within the bound of
# everything before it), so the table equals the reference of the whole input computed here,
# and a one-process run writes the same table.
#
#   REPARTITION_EVENTS (8000), REPARTITION_PARTITIONS (4): the input's size and partitions.
source "$(dirname "$0")/lib.sh"
source "$SOURCE_DIR/tests/integration/windows/window_lib.sh"
events=${REPARTITION_EVENTS:-8000}
parts=${REPARTITION_PARTITIONS:-4}

python3 "$REF" gen "$WORK/raw.jsonl" "$events" 50 23
unkeyed_input "$WORK/raw.jsonl" "$parts"

start_kafka "win-in:$parts"
repartition_job "$WORK/job.yaml" 1s
# One message that is not JSON, ahead of partition 0's rows: stage 1 dead-letters it, once.
echo 'not json at all' | kcat -b "$KAFKA_BOOTSTRAP_SERVERS" -t win-in -p 0 -P

W=$WORK/warehouse
run_pair "$W" "$parts"
read_a=$READ_A
read_b=$READ_B
topic=windows-tumble.window.0.repartition
n=$(kcat -b "$KAFKA_BOOTSTRAP_SERVERS" -L -t "$topic" | grep -c "partition [0-9]*, leader" || true)
[ "$n" = "$parts" ] || fail "the repartition topic $topic has $n partitions, expected $parts"
# Lateness is judged per source partition (stage 1 reads them in order), not by the repartition
# partitions stage 2 reads, which mix them: no row of this input is late.
[ "$(summary_field a late)" = 0 ] && [ "$(summary_field b late)" = 0 ] ||
  fail "late rows counted: a $(summary_field a late), b $(summary_field b late), expected none"
pass "two processes of one group shared the input and the repartition topic $topic ($parts partitions; windows read a: $read_a, b: $read_b)"
check_states "$W" "$parts" "repartition partition"

drain_both "$W"
verify "$W" windows.tumble "$WORK/expected.jsonl"
pass "two processes, then both draining: $(wc -l <"$WORK/expected.jsonl") windows as the reference of the whole input"

dead=$WORK/dead.jsonl
node "$PEER/verify-table.mjs" "$(metadata_location "$W" windows.tumble_late)" --rows "$dead" \
  >/dev/null 2>&1 || fail "verify-table rejected windows.tumble_late"
[ "$(wc -l <"$dead")" = 1 ] && grep -q '"deserialization_error"' "$dead" ||
  fail "the dead-letter table holds $(wc -l <"$dead") rows, expected the one bad message"
pass "stage 1's dead letter is in the table once, across two processes"

check_one_process
# The summary counts the job's input (stage 1's), not the rows stage 2 reads again.
rows=$(wc -l <"$WORK/in.jsonl")
line=$(grep '^summary:' "$WORK/run-one.txt")
[[ $line == *" in=$((rows + 1)) "* && $line == *" dead_lettered=1 "* ]] ||
  fail "summary of the one-process run: $line (expected in=$((rows + 1)) dead_lettered=1)"
grep -q "^sink dead_letter: wrote 1 rows" "$WORK/run-one.txt" ||
  fail "the summary does not say one dead letter was written: $(cat "$WORK/run-one.txt")"
grep -q "^repartition: wrote $rows rows to topic one.window.0.repartition$" "$WORK/run-one.txt" ||
  fail "the summary does not say $rows rows went to the repartition topic: $(cat "$WORK/run-one.txt")"
pass "the one-process summary counts the input ($((rows + 1)) records, one dead letter, $rows rows repartitioned)"
echo "window_repartition_pair_test: ok ($checks checks)"
