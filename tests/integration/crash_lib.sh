# Helpers of the crash tests (sourced after lib.sh): the seed job on a real Kafka broker
# (tests/peers/kafka.sh), its input
# fed in slices while floe processes are killed and restarted, and the judgement afterwards.
#
# The job is examples/profanity-kafka.yaml with checkpoints every second, a checkpoint timeout
# of 2 s and no tolerable failures (so the files of a dead attempt count as orphans after 3 s),
# and a transactional Kafka sink.

JOB=$SOURCE_DIR/examples/profanity-kafka.yaml

# The floe processes run below subshells (start_job): stop them too on the way out.
crash_cleanup() {
  local file
  for file in "$WORK"/*.pid; do
    [ -e "$file" ] && kill -9 "$(cat "$file")" 2>/dev/null || true
  done
  cleanup
}
trap crash_cleanup EXIT
FAULT_POINTS=(after-data-file after-manifest before-commit after-commit-before-response
  after-iceberg-before-kafka-commit)
kills=0    # processes killed with SIGKILL by the test
faults=0   # processes that killed themselves at a fault point
restarts=0 # processes started after a death

# crash_setup NAME MESSAGES PARTITIONS: input $WORK/NAME-in.jsonl and its expected output; the
# topics NAME-in and NAME-out of PARTITIONS each on a broker of the test's own (start_kafka).
crash_setup() {
  local name=$1 messages=$2 partitions=$3
  "$FLOE" gen --count "$messages" --seed 7 --match-ratio 0.2 --bad-ratio 0.01 \
    --output "$WORK/$name-in.jsonl" --expect-out "$WORK/$name-expected.jsonl" 2>"$WORK/$name-gen.txt"
  BAD=$(sed -n 's/.* matching, \([0-9]*\) bad .*/\1/p' "$WORK/$name-gen.txt")
  start_kafka "$name-in:$partitions,$name-out:$partitions"
}

# feed NAME SLICES PAUSE: produces the input in SLICES slices, PAUSE seconds apart, each slice's
# messages keyed by line number so that they spread over the partitions. Runs in the
# background; $WORK/NAME-fed appears when every slice is in.
feed() {
  local name=$1 slices=$2 pause=$3 slice
  split -n "l/$slices" -d -a 3 "$WORK/$name-in.jsonl" "$WORK/$name-slice-"
  (
    for slice in "$WORK/$name"-slice-*; do
      awk '{ printf "%d\001%s\n", NR, $0 }' "$slice" |
        kcat -b "$KAFKA_BOOTSTRAP_SERVERS" -t "$name-in" -K $'\001' -P -X linger.ms=50
      sleep "$pause"
    done
    touch "$WORK/$name-fed"
  ) &
}

# spawn NAME TAG CMD...: runs CMD in the background, its output in $WORK/NAME-TAG.{out,err};
# sets JOB_PID. (A subshell waits for it and keeps its exit code, so that the shell prints no
# "Killed" line for each SIGKILL.)
spawn() {
  local name=$1 tag=$2
  shift 2
  rm -f "$WORK/$name-$tag.pid" "$WORK/$name-$tag.code"
  (
    "$@" >"$WORK/$name-$tag.out" 2>"$WORK/$name-$tag.err" &
    echo $! >"$WORK/$name-$tag.pid.tmp"
    mv "$WORK/$name-$tag.pid.tmp" "$WORK/$name-$tag.pid"
    code=0
    wait $! || code=$?
    echo "$code" >"$WORK/$name-$tag.code"
  ) 2>/dev/null &
  until [ -e "$WORK/$name-$tag.pid" ]; do sleep 0.05; done
  JOB_PID=$(cat "$WORK/$name-$tag.pid")
}

# start_job NAME TAG GROUP [VAR=VALUE...]: one floe process of the job in the background
# (spawn).
start_job() {
  local name=$1 tag=$2 group=$3
  shift 3
  spawn "$name" "$tag" env WAREHOUSE="$WORK/$name-warehouse" GROUP_ID="$group" \
    CHECKPOINT_INTERVAL=1s "$@" "$FLOE" run "$JOB" --stop-when-idle "${IDLE:-30s}" \
    --set "sources.messages.properties.topics=$name-in" \
    --set "sources.messages.properties.session.timeout.ms=6000" \
    --set "sources.messages.properties.heartbeat.interval.ms=500" \
    --set "sinks.output.topic=$name-out" \
    --set "sinks.output.properties.transactional=true" \
    --set "sinks.output.properties.transaction.timeout.ms=10000" \
    --set "job.checkpoint.timeout=2s" --set "job.checkpoint.tolerable_failures=0"
}

# finish NAME TAG PID: waits for the process; it must have ended by SIGKILL (137, ours or a
# fault point's) or cleanly (0). Sets CODE.
finish() {
  local name=$1 tag=$2
  until [ -e "$WORK/$name-$tag.code" ]; do sleep 0.05; done
  CODE=$(cat "$WORK/$name-$tag.code")
  if [ "$CODE" != 0 ] && [ "$CODE" != 137 ]; then
    tail -n 20 "$WORK/$name-$tag.err" >&2
    fail "process $tag exited $CODE (neither a kill nor a clean end)"
  fi
}

# kill_at_random NAME TAG PID MIN MAX: SIGKILL after a random time in [MIN, MAX) seconds
# (tenths), unless the process ended before; counts what happened.
kill_at_random() {
  local name=$1 tag=$2 pid=$3 min=$4 max=$5 waited=0 delay
  delay=$((min * 10 + RANDOM % ((max - min) * 10)))
  while [ "$waited" -lt "$delay" ] && kill -0 "$pid" 2>/dev/null; do
    sleep 0.1
    waited=$((waited + 1))
  done
  kill -9 "$pid" 2>/dev/null || true
  finish "$name" "$tag" "$pid"
  if [ "$CODE" = 137 ]; then
    if grep -q "FLOE_FAULT: killing the process" "$WORK/$name-$tag.err"; then
      faults=$((faults + 1))
    else
      kills=$((kills + 1))
    fi
  fi
}

# judge NAME: the table equals the expected rows (verify-table --expect), the dead-letter
# table holds exactly the bad records, NAME-out read with read_committed holds every expected
# row, and no data file is left that the tables do not reference.
judge() {
  local name=$1 warehouse=$WORK/$1-warehouse table listed referenced
  verify "$warehouse" raw_messages.filtered_messages "$WORK/$name-expected.jsonl"
  meta=$(metadata_location "$warehouse" raw_messages.dead_letters)
  node "$PEER/verify-table.mjs" "$meta" --rows "$WORK/$name-dead.jsonl" >/dev/null 2>&1 ||
    fail "verify-table rejected the dead letters"
  [ "$(wc -l <"$WORK/$name-dead.jsonl")" = "$BAD" ] ||
    fail "$(wc -l <"$WORK/$name-dead.jsonl") dead letters, expected $BAD"
  pass "the dead-letter table holds each of the $BAD bad records once"
  check_table_peers "$warehouse" raw_messages.filtered_messages "$WORK/$name-expected.jsonl" java
  check_table_peers "$warehouse" raw_messages.dead_letters "$WORK/$name-dead.jsonl" pyiceberg,java

  consume_all "$name-out" "$WORK/$name-out.jsonl"
  rows_as_set "$WORK/$name-out.jsonl" >"$WORK/$name-out-sorted.jsonl"
  rows_as_set "$WORK/$name-expected.jsonl" >"$WORK/$name-expected-sorted.jsonl"
  if ! cmp -s "$WORK/$name-out-sorted.jsonl" "$WORK/$name-expected-sorted.jsonl"; then
    fail "$name-out (read_committed) lacks $(comm -13 "$WORK/$name-out-sorted.jsonl" "$WORK/$name-expected-sorted.jsonl" | wc -l) expected messages and has $(comm -23 "$WORK/$name-out-sorted.jsonl" "$WORK/$name-expected-sorted.jsonl" | wc -l) others or copies"
  fi
  pass "$name-out read with read_committed holds each of the $(wc -l <"$WORK/$name-expected-sorted.jsonl") expected messages exactly once"

  for table in filtered_messages dead_letters; do
    listed=$(data_file_count "$warehouse/raw_messages/$table/data")
    referenced=$("$FLOE" --warehouse "$warehouse" table describe "raw_messages.$table" --json |
      node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const m=JSON.parse(s).metadata;const c=m.snapshots.find(x=>x["snapshot-id"]===m["current-snapshot-id"]);console.log(c?c.summary["total-data-files"]:0)})')
    [ "$listed" = "$referenced" ] ||
      fail "raw_messages.$table: $listed data files on disk, $referenced referenced (orphans left)"
  done
  pass "no orphan data files: every file on disk is referenced"
}
