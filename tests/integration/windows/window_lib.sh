# Helpers of the window tests (sourced after lib.sh): the reference script and the job file.
REF=$SOURCE_DIR/tests/integration/windows/window_reference.py

# write_job FILE KIND LENGTHS [CHECKPOINT]: a window job over ${INPUT_PATH} into windows.KIND
# (late rows into windows.KIND_late), LENGTHS the window's size/slide/step/gap lines.
write_job() {
  cat >"$1" <<YAML
job:
  name: windows-$2
  checkpoint: {interval: ${4:-1s}}
catalogs:
  local:
    type: sql
    warehouse: \${WAREHOUSE}
sources:
  sensors:
    type: file
    path: \${INPUT_PATH}
    schema:
      - {name: ts, type: timestamptz}
      - {name: location, type: string}
      - {name: device_id, type: string}
      - {name: reading, type: long}
      - {name: temperature, type: double}
    event_time: {column: ts, max_out_of_orderness: 10s}
transforms:
  - window:
      kind: $2
$3
      group_by: [location]
      aggregates:
        events: count(*)
        readings: count(reading)
        total: sum(reading)
        mean: avg(reading)
        coldest: min(temperature)
        warmest: max(temperature)
        devices: count(distinct device_id)
sinks:
  table:
    type: iceberg
    catalog: local
    table: windows.$2
    create_if_missing: true
    partition_by: "day(window_start)"
dead_letter:
  type: iceberg
  catalog: local
  table: windows.$2_late
  create_if_missing: true
YAML
}

# with_parallelism FILE N: sets job.parallelism (N, or a ${VAR}) in a job file of write_job.
with_parallelism() {
  python3 - "$1" "$2" <<'PY'
import sys
path, value = sys.argv[1:]
text = open(path).read()
assert "\n  parallelism:" not in text
open(path, "w").write(text.replace("\n  name: ", "\n  parallelism: %s\n  name: " % value, 1))
PY
}

# check_late WAREHOUSE KIND LATE.txt: windows.KIND_late holds each late row of the reference
# once, as late_record, at its line.
check_late() {
  local W=$1 kind=$2 meta
  meta=$(metadata_location "$W" "windows.${kind}_late")
  node "$PEER/verify-table.mjs" "$meta" --rows "$WORK/$kind-dead.jsonl" >/dev/null 2>&1 ||
    fail "verify-table rejected windows.${kind}_late"
  node -e '
    const fs = require("fs");
    const rows = fs.readFileSync(process.argv[1], "utf8").split("\n").filter(l => l).map(JSON.parse);
    const want = fs.readFileSync(process.argv[2], "utf8").split("\n").filter(l => l).map(Number);
    for (const r of rows) if (r.error_type !== "late_record") throw new Error("error_type " + r.error_type);
    const got = rows.map(r => Number(r.source_line) - 1).sort((a, b) => a - b);
    if (JSON.stringify(got) !== JSON.stringify(want.sort((a, b) => a - b)))
      throw new Error("late lines differ: got " + got.length + ", want " + want.length);
  ' "$WORK/$kind-dead.jsonl" "$3" || fail "late rows of $kind differ from the reference"
}

# check_kind KIND "YAML LENGTHS" SIZE SLIDE STEP GAP [PARALLELISM]: a window job of KIND over
# $WORK/in.jsonl (with job.parallelism PARALLELISM, when given) into its own warehouse; the
# table must equal the reference's windows (outside readers; without PARALLELISM Iceberg Java
# as well) and the dead letters its late rows.
check_kind() {
  local kind=$1 W=$WORK/warehouse-$1 shards=${7:-}
  write_job "$WORK/$kind.yaml" "$kind" "$2"
  [ -z "$shards" ] || with_parallelism "$WORK/$kind.yaml" "$shards"
  python3 "$REF" ref "$WORK/in.jsonl" "$kind" "$3" "$4" "$5" "$6" 10 0 \
    "$WORK/$kind-expected.jsonl" "$WORK/$kind-late.txt"
  WAREHOUSE=$W INPUT_PATH=$WORK/in.jsonl "$FLOE" run "$WORK/$kind.yaml" \
    >"$WORK/run-$kind.txt" 2>"$WORK/run-$kind.err" || {
    cat "$WORK/run-$kind.err" >&2
    fail "floe run ($kind${shards:+, parallelism $shards}) failed"
  }
  verify "$W" "windows.$kind" "$WORK/$kind-expected.jsonl"
  # Iceberg Java too, once per kind (window_test.sh): the sharded runs write the same tables.
  [ -n "$shards" ] || check_table_peers "$W" "windows.$kind" "$WORK/$kind-expected.jsonl" java
  check_late "$W" "$kind" "$WORK/$kind-late.txt"
  pass "$kind${shards:+ over $shards shards}: $(wc -l <"$WORK/$kind-expected.jsonl") windows, $(wc -l <"$WORK/$kind-late.txt") late rows dead-lettered once each"
}

# keyed_input IN.jsonl PARTS: the rows of IN split into PARTS partitions by their location (its
# CRC-32, the test's own choice, in $WORK/part-P.jsonl, each in the order of IN), and the
# reference of a tumble 1m job with input_keyed_by: per partition, with that partition's own
# watermark (the rows of a key only ever see their partition's event time), into
# $WORK/expected.jsonl; sets KEYED_LATE to the number of late rows.
keyed_input() {
  local parts=$2 p
  python3 - "$1" "$parts" "$WORK/part-" <<'PY'
import json, sys, zlib
path, parts, prefix = sys.argv[1], int(sys.argv[2]), sys.argv[3]
outs = [open("%s%d.jsonl" % (prefix, p), "w") for p in range(parts)]
for line in open(path):
    key = json.loads(line)["location"]
    outs[zlib.crc32(str(key).encode()) % parts].write(line)
PY
  : >"$WORK/expected.jsonl"
  KEYED_LATE=0
  for ((p = 0; p < parts; p++)); do
    python3 "$REF" ref "$WORK/part-$p.jsonl" tumble 60 0 0 0 10 0 "$WORK/expected-$p.jsonl" \
      "$WORK/late-$p.txt"
    cat "$WORK/expected-$p.jsonl" >>"$WORK/expected.jsonl"
    KEYED_LATE=$((KEYED_LATE + $(wc -l <"$WORK/late-$p.txt")))
  done
}

# kafka_source_job FILE [PROPERTY_LINES]: a job file of write_job reading Kafka topic win-in
# from its start instead of the file, with PROPERTY_LINES ("      key: value" lines) added to
# the source's properties.
kafka_source_job() {
  python3 - "$1" "${2:-}" <<'PY'
import sys
path, extra = sys.argv[1], sys.argv[2]
text = open(path).read()
text = text.replace("""    type: file
    path: ${INPUT_PATH}
""", """    type: kafka
    properties:
      topics: win-in
      bootstrap.servers: ${KAFKA_BOOTSTRAP_SERVERS}
      start_offsets: earliest
""" + (extra + "\n" if extra else ""))
open(path, "w").write(text)
PY
}

# keyed_job FILE [CHECKPOINT]: the tumble 1m job of write_job reading Kafka topic win-in
# (input_keyed_by: [location]) with one worker per process.
keyed_job() {
  write_job "$1" tumble "      size: 1m" "${2:-1s}"
  with_parallelism "$1" 1
  kafka_source_job "$1" "      session.timeout.ms: 10000"
  sed -i 's/^      group_by: \[location\]$/&\n      input_keyed_by: [location]/' "$1"
}

# drain_both WAREHOUSE: the keyed job's two static members (--instance a and b; a member of
# another name would wait for theirs to time out) run with --drain until idle: each restores
# the state of the partitions it gets and fires every open window; neither reads a row again.
drain_both() {
  local pid_a
  start_run drain-a "$1" --instance a --drain --stop-when-idle 3s
  pid_a=$RUN_PID
  start_run drain-b "$1" --instance b --drain --stop-when-idle 3s
  finish_run drain-a "$pid_a"
  finish_run drain-b "$RUN_PID"
  [ "$(summary_field drain-a in)" = 0 ] && [ "$(summary_field drain-b in)" = 0 ] ||
    fail "the draining runs read rows again"
}

# check_keyed_late WAREHOUSE: windows.tumble_late holds $KEYED_LATE rows, all late_record.
check_keyed_late() {
  local dead=$WORK/dead.jsonl
  node "$PEER/verify-table.mjs" "$(metadata_location "$1" windows.tumble_late)" --rows "$dead" \
    >/dev/null 2>&1 || fail "verify-table rejected windows.tumble_late"
  [ "$(grep -c '"late_record"' "$dead" || true)" = "$KEYED_LATE" ] &&
    [ "$(wc -l <"$dead")" = "$KEYED_LATE" ] ||
    fail "$(wc -l <"$dead") dead letters, expected $KEYED_LATE late rows"
}

# produce_half HALF PARTS: the first (1) or second (2) half of the rows of each of PARTS
# partitions ($WORK/part-P.jsonl), in order, to topic win-in's partition P.
produce_half() {
  local p n
  for ((p = 0; p < $2; p++)); do
    n=$(wc -l <"$WORK/part-$p.jsonl")
    if [ "$1" = 1 ]; then head -n $((n / 2)) "$WORK/part-$p.jsonl"; else tail -n +$((n / 2 + 1)) "$WORK/part-$p.jsonl"; fi |
      kcat -b "$KAFKA_BOOTSTRAP_SERVERS" -t win-in -p "$p" -P
  done
}

# run_pair WAREHOUSE PARTS: the first half of every partition's rows; a alone (--instance a)
# reads them, b joins and takes some partitions from a, then the second half arrives; both stop
# when idle (8 s). Sets READ_A and READ_B (the summaries' `in`); a must have revoked partitions.
run_pair() {
  local pid_a pid_b
  produce_half 1 "$2"
  start_run a "$1" --instance a --stop-when-idle 8s
  pid_a=$RUN_PID
  wait_assigned a
  sleep 3
  start_run b "$1" --instance b --stop-when-idle 8s
  pid_b=$RUN_PID
  wait_assigned b
  sleep 2
  produce_half 2 "$2"
  finish_run a "$pid_a"
  finish_run b "$pid_b"
  READ_A=$(summary_field a in)
  READ_B=$(summary_field b in)
  [ "$READ_A" -gt 0 ] && [ "$READ_B" -gt 0 ] ||
    fail "both processes must have read rows (a: $READ_A, b: $READ_B)"
  grep -q "revoked" "$WORK/run-a.err" || fail "no partition moved from a to b"
}

# check_one_process: one process, another group (own repartition topic) and warehouse, straight
# to the end with --drain, writes the table $WORK/expected.jsonl holds.
check_one_process() {
  start_run one "$WORK/warehouse-one" --instance one --drain --stop-when-idle 3s \
    --set sources.sensors.properties.group.id=one
  finish_run one "$RUN_PID"
  verify "$WORK/warehouse-one" windows.tumble "$WORK/expected.jsonl"
  pass "one process writes the same table as two"
}

# check_states WAREHOUSE N WHAT: the current snapshot of windows.tumble names N window states,
# one per WHAT (a partition), whichever process committed each.
check_states() {
  local state
  state=$("$FLOE" --warehouse "$1" table describe windows.tumble --json |
    python3 -c 'import json,sys; m=json.load(sys.stdin)["metadata"]; s=[x for x in m["snapshots"] if x["snapshot-id"]==m["current-snapshot-id"]][0]; print(sum(1 for k in s["summary"] if k.startswith("floe.state.")))')
  [ "$state" = "$2" ] || fail "the current snapshot names $state window states, expected one per $3 ($2)"
  pass "the current snapshot names the state of every $3 ($2), whichever process committed it"
}

# start_run TAG WAREHOUSE ARGS...: floe run in the background; sets RUN_PID.
start_run() {
  local tag=$1 warehouse=$2
  shift 2
  WAREHOUSE=$warehouse "$FLOE" run "$WORK/job.yaml" "$@" >"$WORK/run-$tag.txt" 2>"$WORK/run-$tag.err" &
  RUN_PID=$!
}
# finish_run TAG PID: waits for the run, which must succeed.
finish_run() {
  wait "$2" || { grep -v '^%' "$WORK/run-$1.err" >&2; fail "floe run ($1) failed"; }
}
# wait_assigned TAG: waits (60 s at most) until the run holds partitions.
wait_assigned() {
  for _ in $(seq 1 600); do
    grep -q "assigned" "$WORK/run-$1.err" 2>/dev/null && return 0
    sleep 0.1
  done
  grep -v '^%' "$WORK/run-$1.err" >&2
  fail "run $1 got no partitions within 60 s"
}

# unkeyed_input RAW.jsonl PARTS: of RAW's rows only those newer than (the newest before them -
# 10 s), so that in no interleaving of the partitions can a watermark pass the window of a row
# that comes later; into $WORK/in.jsonl and spread round robin over PARTS partitions
# ($WORK/part-P.jsonl, NOT keyed by the group key); the reference of a tumble 1m job over the
# whole input into $WORK/expected.jsonl, which must find no late row.
unkeyed_input() {
  python3 - "$1" "$WORK/in.jsonl" "$2" "$WORK/part-" <<'PY'
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
}

# repartition_job FILE [CHECKPOINT]: the tumble 1m job of write_job reading Kafka topic win-in
# (repartition: true) with one worker per process.
repartition_job() {
  write_job "$1" tumble "      size: 1m" "${2:-1s}"
  with_parallelism "$1" 1
  kafka_source_job "$1" "      session.timeout.ms: 10000"
  sed -i 's/^      group_by: \[location\]$/&\n      repartition: true/' "$1"
}

# feed_slices PARTS GAP: the rows of each of PARTS partitions ($WORK/part-P.jsonl) to topic
# win-in's partition P in 10 slices, GAP seconds apart, in the background; sets FEEDER.
feed_slices() {
  local parts=$1 gap=$2
  (
    for ((slice = 0; slice < 10; slice++)); do
      for ((p = 0; p < parts; p++)); do
        n=$(wc -l <"$WORK/part-$p.jsonl")
        sed -n "$((n * slice / 10 + 1)),$((n * (slice + 1) / 10))p" "$WORK/part-$p.jsonl" |
          kcat -b "$KAFKA_BOOTSTRAP_SERVERS" -t win-in -p "$p" -P
      done
      sleep "$gap"
    done
  ) &
  FEEDER=$!
}

# Two static members of one group, a and b (--instance), running $WORK/job.yaml over warehouse
# $W until idle, killed in turn: crash_launch, crash_turns, crash_until_idle. RUNS counts the
# runs, KILLS the SIGKILLs, FAULTS the runs started with a fault point.
declare -A CRASH_PID CRASH_TAG CRASH_FAULT
RUNS=0
KILLS=0
FAULTS=0
# crash_launch P [POINT]: process P in the background until idle, dying at fault point POINT
# (after 2-5 passes) if one is given.
crash_launch() {
  local p=$1 point=${2:-}
  RUNS=$((RUNS + 1))
  CRASH_TAG[$p]=$p$RUNS
  CRASH_FAULT[$p]=$point
  local fault=()
  if [ -n "$point" ]; then
    fault=(FLOE_FAULT="$point:$((2 + RANDOM % 4))")
    FAULTS=$((FAULTS + 1))
  fi
  env "${fault[@]}" WAREHOUSE="$W" "$FLOE" run "$WORK/job.yaml" --instance "$p" \
    --stop-when-idle 5s >"$WORK/run-${CRASH_TAG[$p]}.txt" 2>"$WORK/run-${CRASH_TAG[$p]}.err" &
  CRASH_PID[$p]=$!
}
# crash_ended P CODE: P's run is over with CODE: it must have succeeded, been killed, or died at
# the fault point it was started with.
crash_ended() {
  local p=$1 code=$2 err=$WORK/run-${CRASH_TAG[$1]}.err
  [ "$code" = 0 ] || [ "$code" = 137 ] && return 0
  [ -n "${CRASH_FAULT[$p]}" ] &&
    grep -q "FLOE_FAULT: killing the process at ${CRASH_FAULT[$p]}" "$err" && return 0
  grep -v '^%' "$err" >&2
  fail "run ${CRASH_TAG[$p]} ended with $code"
}
# crash_turns TURNS POINT...: a and b started, then TURNS turns: one of them in turn (a first)
# is killed with SIGKILL after 0.5-2.5 s unless it already ended, and started again under the
# same name, with fault point POINT number (turn mod the number of POINTs) ("-": none).
crash_turns() {
  local turns=$1 victim code point
  shift
  local points=("$@")
  crash_launch a
  crash_launch b
  for ((turn = 1; turn <= turns; turn++)); do
    victim=$([ $((turn % 2)) = 1 ] && echo a || echo b)
    sleep "$(awk -v r="$RANDOM" 'BEGIN { printf "%.2f", 0.5 + (r % 200) / 100 }')"
    if kill -0 "${CRASH_PID[$victim]}" 2>/dev/null; then
      kill -9 "${CRASH_PID[$victim]}" 2>/dev/null || true
      KILLS=$((KILLS + 1))
    fi
    code=0
    wait "${CRASH_PID[$victim]}" 2>/dev/null || code=$?
    crash_ended "$victim" "$code"
    point=${points[$((turn % ${#points[@]}))]}
    crash_launch "$victim" "${point#-}"
  done
}
# crash_until_idle: both run until idle; whoever dies at its fault point meanwhile is started
# again (without one).
crash_until_idle() {
  local p code
  for p in a b; do
    while :; do
      code=0
      wait "${CRASH_PID[$p]}" 2>/dev/null || code=$?
      [ "$code" = 0 ] && break
      crash_ended "$p" "$code"
      crash_launch "$p"
    done
  done
}
