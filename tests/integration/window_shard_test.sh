#!/usr/bin/env bash
# A window job with job.parallelism N (issue 14, scale-out within a process): one worker reads
# and commits, the window's group keys are spread over N shards by hash, each on its own thread.
# 1. File source, parallelism 4: tumble and session windows with out-of-order and late rows,
#    null keys, 50 keys; the table equals the reference (tests/integration/windows/
#    window_reference.py, independent of floe) and the late rows are dead letters once each.
# 2. Kafka source over 3 partitions, first half of the input with parallelism 2 (stopped when
#    idle: open windows stay in the committed state), then the second half with parallelism 3
#    and --drain: the state written by 2 shards restores into 3, and the table equals the
#    reference. The input has the reference's late rows taken out, so no row is late whatever
#    the partitions' interleaving (each partition keeps the file's order: its watermark never
#    passes the file's).
source "$(dirname "$0")/lib.sh"
source "$SOURCE_DIR/tests/integration/windows/window_lib.sh"

python3 "$REF" gen "$WORK/in.jsonl" 20000 50 7

check_kind tumble "      size: 1m" 60 0 0 0 4
check_kind session "      gap: 30s" 0 0 0 30 4

# Kafka: the input without the reference's late rows, in two halves over 3 partitions.
python3 - "$WORK/in.jsonl" "$WORK/tumble-late.txt" "$WORK/on-time.jsonl" <<'PY'
import sys
late = {int(line) for line in open(sys.argv[2]) if line.strip()}
with open(sys.argv[3], "w") as out:
    for number, line in enumerate(open(sys.argv[1])):
        if number not in late:
            out.write(line)
PY
python3 "$REF" ref "$WORK/on-time.jsonl" tumble 60 0 0 0 10 0 "$WORK/kafka-expected.jsonl" \
  "$WORK/kafka-late.txt"
[ ! -s "$WORK/kafka-late.txt" ] || fail "the reference still finds late rows in the on-time input"
half=$(($(wc -l <"$WORK/on-time.jsonl") / 2))
head -n "$half" "$WORK/on-time.jsonl" >"$WORK/first.jsonl"
tail -n +"$((half + 1))" "$WORK/on-time.jsonl" >"$WORK/second.jsonl"

start_dev_kafka win-in:3
write_job "$WORK/kafka.yaml" tumble "      size: 1m"
python3 - "$WORK/kafka.yaml" <<'PY'
import sys
path = sys.argv[1]
text = open(path).read()
old = """    type: file
    path: ${INPUT_PATH}
"""
assert old in text
text = text.replace(old, """    type: kafka
    properties:
      topics: win-in
      bootstrap.servers: ${KAFKA_BOOTSTRAP_SERVERS}
      start_offsets: earliest
""")
open(path, "w").write(text)
PY
W=$WORK/warehouse-kafka
run_kafka() {
  WAREHOUSE=$W "$FLOE" run "$WORK/kafka-$1.yaml" --stop-when-idle 3s "${@:2}" \
    >"$WORK/run-$1.txt" 2>"$WORK/run-$1.err" || {
    cat "$WORK/run-$1.err" >&2
    fail "floe run ($1) failed"
  }
}
cp "$WORK/kafka.yaml" "$WORK/kafka-1.yaml"
with_parallelism "$WORK/kafka-1.yaml" 2
cp "$WORK/kafka.yaml" "$WORK/kafka-2.yaml"
with_parallelism "$WORK/kafka-2.yaml" 3

produce_spread win-in 3 "$WORK/first.jsonl"
run_kafka 1
[ "$(summary_field 1 in)" = "$half" ] || fail "the first run read $(summary_field 1 in) records, expected $half"
fired=$(sed -n "s/^sink table: wrote \([0-9]*\) rows.*/\1/p" "$WORK/run-1.txt")
[ "$fired" -gt 0 ] && [ "$fired" -lt "$(wc -l <"$WORK/kafka-expected.jsonl")" ] ||
  fail "the first run fired $fired windows: expected some, not all"
produce_spread win-in 3 "$WORK/second.jsonl"
run_kafka 2 --drain
[ "$(summary_field 2 in)" = "$(wc -l <"$WORK/second.jsonl")" ] ||
  fail "the second run read $(summary_field 2 in) records, expected $(wc -l <"$WORK/second.jsonl")"
verify "$W" windows.tumble "$WORK/kafka-expected.jsonl"
[ "$(summary_field 2 dead_lettered)" = 0 ] || fail "the second run dead-lettered $(summary_field 2 dead_lettered) rows"
pass "kafka, 3 partitions: 2 shards ($fired windows fired), then 3 shards restored from their state and drained: the table equals the reference"
echo "window_shard_test: ok ($checks checks)"
