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
python3 - "$WORK/raw.jsonl" "$WORK/in.jsonl" "$parts" "$WORK/part-" <<'PY'
import json, sys
from datetime import datetime, timezone
src, dst, parts, prefix = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
def micros(text):
    d = datetime.strptime(text[:19], "%Y-%m-%dT%H:%M:%S").replace(tzinfo=timezone.utc)
    return int(d.timestamp()) * 1000000 + int(text[20:26])
outs = [open("%s%d.jsonl" % (prefix, p), "w") for p in range(parts)]
newest, kept = None, 0
with open(dst, "w") as out:
    for line in open(src):
        t = micros(json.loads(line)["ts"])
        if newest is not None and t <= newest - 10 * 1000000:
            continue
        newest = t if newest is None else max(newest, t)
        out.write(line)
        outs[kept % parts].write(line)
        kept += 1
PY
python3 "$REF" ref "$WORK/in.jsonl" tumble 60 0 0 0 10 0 "$WORK/expected.jsonl" "$WORK/late.txt"
[ ! -s "$WORK/late.txt" ] || fail "the reference finds late rows in an input meant to have none"

start_kafka "win-in:$parts"
write_job "$WORK/job.yaml" tumble "      size: 1m" 200ms
with_parallelism "$WORK/job.yaml" 1
kafka_source_job "$WORK/job.yaml" "      session.timeout.ms: 10000"
sed -i 's/^      group_by: \[location\]$/&\n      repartition: true/' "$WORK/job.yaml"
W=$WORK/warehouse

# feed: the partitions' rows in 10 slices, 0.5 s apart, in the background.
(
  for ((slice = 0; slice < 10; slice++)); do
    for ((p = 0; p < parts; p++)); do
      n=$(wc -l <"$WORK/part-$p.jsonl")
      sed -n "$((n * slice / 10 + 1)),$((n * (slice + 1) / 10))p" "$WORK/part-$p.jsonl" |
        kcat -b "$KAFKA_BOOTSTRAP_SERVERS" -t win-in -p "$p" -P
    done
    sleep 0.5
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
    ! grep -q "FLOE_FAULT: killing the process at" "$WORK/run-${tag[$p]}.err"; then
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
  case $((turn % 3)) in
    0) launch "$victim" FLOE_FAULT="after-state-write:$((2 + RANDOM % 4))" ;;
    1) launch "$victim" FLOE_FAULT="before-kafka-transaction-commit:$((2 + RANDOM % 4))" ;;
    *) launch "$victim" ;;
  esac
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
died=$(grep -l "FLOE_FAULT: killing the process at" "$WORK"/run-*.err 2>/dev/null | wc -l)
pass "$kills SIGKILLs, $died runs dead at a fault point (after-state-write, before-kafka-transaction-commit), over $runs runs of two processes"

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
