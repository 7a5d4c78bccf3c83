#!/usr/bin/env bash
# The seed job on Kafka (issue 4), against a real Apache Kafka broker (tests/peers/kafka.sh):
# messages over 3 partitions with 1% malformed → examples/profanity-kafka.yaml → output-topic
# (read_committed) and the Iceberg table hold exactly the matching messages, the dead-letter
# table the bad ones with their topic/partition/offset. A second run adds nothing. Two processes
# in one group write every message once between them. (A broker that goes away and comes back:
# kafka_mock_fault_test.sh, on the mock, which takes a broker down on cue.)
source "$(dirname "$0")/lib.sh"
JOB=$SOURCE_DIR/examples/profanity-kafka.yaml
start_kafka profanity_words:3,output-topic:3,input-2:6,output-2:3,input-3:3,output-3:3,headers-in:1

"$FLOE" gen --count 30000 --seed 11 --match-ratio 0.2 --bad-ratio 0.01 --late-ratio 0.01 \
  --output "$WORK/in.jsonl" --expect-out "$WORK/expected.jsonl" 2>"$WORK/gen.txt"
bad=$(sed -n 's/.* matching, \([0-9]*\) bad .*/\1/p' "$WORK/gen.txt")
produce_spread profanity_words 3 "$WORK/in.jsonl"

# run NAME [VAR=VALUE...]: the job with the embedded catalog in $WORK/w-NAME (w-$WH if set).
run() {
  local name=$1
  shift
  env WAREHOUSE="$WORK/w-${WH:-$name}" CHECKPOINT_INTERVAL=1s "$@" \
    "$FLOE" run "$JOB" --stop-when-idle 8s >"$WORK/run-$name.txt" 2>"$WORK/run-$name.err" || {
    grep -v '^%' "$WORK/run-$name.err" >&2
    fail "floe run ($name) failed"
  }
}

run one
cat "$WORK/run-one.txt"
in=$(summary_field one in)
[ "$in" = 30000 ] || fail "in=$in, expected 30000"
[ "$(summary_field one dead_lettered)" = "$bad" ] || fail "dead_lettered=$(summary_field one dead_lettered), expected $bad"
pass "read all 30000 messages, $bad dead-lettered"
verify "$WORK/w-one" raw_messages.filtered_messages "$WORK/expected.jsonl"
consume_all output-topic "$WORK/output.jsonl"
[ "$(rows_as_set "$WORK/output.jsonl")" = "$(rows_as_set "$WORK/expected.jsonl")" ] ||
  fail "output-topic differs from the expected messages ($(wc -l <"$WORK/output.jsonl") vs $(wc -l <"$WORK/expected.jsonl"))"
pass "output-topic holds exactly the $(wc -l <"$WORK/expected.jsonl") expected messages"

meta=$(metadata_location "$WORK/w-one" raw_messages.dead_letters)
node "$PEER/verify-table.mjs" "$meta" --rows "$WORK/dead.jsonl" >"$WORK/verify-dead.txt" 2>&1 ||
  { cat "$WORK/verify-dead.txt" >&2; fail "verify-table rejected the dead letters"; }
node -e '
  const rows = require("fs").readFileSync(process.argv[1], "utf8").split("\n").filter(l => l).map(JSON.parse);
  if (rows.length !== Number(process.argv[2])) throw new Error(rows.length + " dead letters");
  const seen = new Set();
  for (const r of rows) {
    if (r.source_topic !== "profanity_words" || !(r.source_partition >= 0 && r.source_partition < 3)) throw new Error("position " + JSON.stringify(r));
    if (r.source_file !== null || r.source_line !== null) throw new Error("file position for a message " + JSON.stringify(r));
    const key = r.source_partition + "/" + r.source_offset;
    if (seen.has(key)) throw new Error("twice: " + key);
    seen.add(key);
  }
' "$WORK/dead.jsonl" "$bad" || fail "dead letters are wrong"
pass "dead letters carry topic, partition and offset, each once"
check_table_peers "$WORK/w-one" raw_messages.dead_letters "$WORK/dead.jsonl" pyiceberg

# Again: everything is committed, so nothing is read twice nor written again.
snapshots=$("$FLOE" --warehouse "$WORK/w-one" table history raw_messages.filtered_messages | wc -l)
WH=one run again
[ "$(summary_field again written)" = 0 ] || fail "the second run wrote $(summary_field again written) rows"
consume_all output-topic "$WORK/output-again.jsonl"
[ "$(wc -l <"$WORK/output-again.jsonl")" = "$(wc -l <"$WORK/output.jsonl")" ] || fail "the second run added messages to output-topic"
[ "$("$FLOE" --warehouse "$WORK/w-one" table history raw_messages.filtered_messages | wc -l)" -le "$((snapshots + 1))" ] ||
  fail "the second run added data snapshots"
verify "$WORK/w-one" raw_messages.filtered_messages "$WORK/expected.jsonl"
pass "a second run adds nothing"

# Two processes in one group, over 6 partitions: between them every message once.
"$FLOE" gen --count 30000 --seed 12 --match-ratio 0.2 --bad-ratio 0.01 \
  --output "$WORK/in-2.jsonl" --expect-out "$WORK/expected-2.jsonl" 2>/dev/null
two() {
  env WAREHOUSE="$WORK/w-two" CHECKPOINT_INTERVAL=1s GROUP_ID=two "$FLOE" run "$JOB" \
    --set sources.messages.properties.topics=input-2 --set sinks.output.topic=output-2 \
    --stop-when-idle 8s >"$WORK/run-two-$1.txt" 2>"$WORK/run-two-$1.err"
}
two a &
a=$!
two b &
b=$!
# The input comes once both have joined and the group has split the partitions between them
# (each logs "worker 0: assigned ..."), so that neither can read it all alone first.
for _ in $(seq 1 300); do
  grep -q "assigned" "$WORK/run-two-a.err" 2>/dev/null && grep -q "assigned" "$WORK/run-two-b.err" 2>/dev/null && break
  sleep 0.1
done
produce_spread input-2 6 "$WORK/in-2.jsonl"
wait $a || { grep -v "^%" "$WORK/run-two-a.err" >&2; fail "process a failed"; }
wait $b || { grep -v '^%' "$WORK/run-two-b.err" >&2; fail "process b failed"; }
in_a=$(summary_field two-a in)
in_b=$(summary_field two-b in)
echo "process a read $in_a, process b read $in_b"
[ "$in_a" -gt 0 ] && [ "$in_b" -gt 0 ] || fail "the partitions were not shared (a=$in_a b=$in_b)"
verify "$WORK/w-two" raw_messages.filtered_messages "$WORK/expected-2.jsonl"
consume_all output-2 "$WORK/output-2.jsonl"
[ "$(rows_as_set "$WORK/output-2.jsonl")" = "$(rows_as_set "$WORK/expected-2.jsonl")" ] ||
  fail "output-2 differs from the expected messages"
pass "two processes in one group: every message once (a read $in_a, b read $in_b)"

"$FLOE" gen --count 20000 --seed 13 --match-ratio 0.2 \
  --output "$WORK/in-3.jsonl" --expect-out "$WORK/expected-3.jsonl" 2>/dev/null
produce_spread input-3 3 "$WORK/in-3.jsonl"

# Unbounded: the job runs until SIGTERM, then commits what it holds and exits 0.
env WAREHOUSE="$WORK/w-term" CHECKPOINT_INTERVAL=1h GROUP_ID=term "$FLOE" run "$JOB" \
  --set sources.messages.properties.topics=input-3 --set sinks.output.topic=output-3 \
  >"$WORK/run-term.txt" 2>"$WORK/run-term.err" &
job=$!
for _ in $(seq 1 100); do
  grep -q "in=20000 " "$WORK/run-term.err" 2>/dev/null && break
  sleep 0.2
done
kill -TERM $job
code=0
wait $job || code=$?
[ "$code" = 0 ] || { grep -v '^%' "$WORK/run-term.err" >&2; fail "SIGTERM: exit $code, expected 0"; }
verify "$WORK/w-term" raw_messages.filtered_messages "$WORK/expected-3.jsonl"
pass "SIGTERM commits what the job holds (checkpoint interval 1h) and exits 0"

# Headers as metadata columns: all of them as a JSON object, and one by name.
cat >"$WORK/headers.yaml" <<YAML
job: {name: headers}
sources:
  messages:
    type: kafka
    format: json
    schema:
      - {name: message_id, type: string}
      - {name: all_headers, type: string, metadata: headers}
      - {name: trace, type: string, metadata: 'header:trace-id'}
    properties:
      topics: headers-in
      bootstrap.servers: $KAFKA_BOOTSTRAP_SERVERS
sinks:
  out: {type: jsonl, path: $WORK/headers.jsonl}
YAML
echo '{"message_id":"1"}' | kcat -b "$KAFKA_BOOTSTRAP_SERVERS" -t headers-in -P -H trace-id=t1 -H app=x -H app=y
echo '{"message_id":"2"}' | kcat -b "$KAFKA_BOOTSTRAP_SERVERS" -t headers-in -P
printf '{"message_id":"3"}\n' | kcat -b "$KAFKA_BOOTSTRAP_SERVERS" -t headers-in -P -H $'trace-id=caf\xe9'
"$FLOE" run "$WORK/headers.yaml" --stop-when-idle 3s >"$WORK/run-headers.txt" 2>"$WORK/run-headers.err" ||
  { grep -v '^%' "$WORK/run-headers.err" >&2; fail "the headers job failed"; }
node -e '
  const rows = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").map(JSON.parse)
    .sort((a, b) => a.message_id.localeCompare(b.message_id));
  const want = [
    {message_id: "1", all_headers: "{\"app\":\"y\",\"trace-id\":\"t1\"}", trace: "t1"},
    {message_id: "2", all_headers: null, trace: null},
    {message_id: "3", all_headers: "{\"trace-id\":\"caf\ufffd\"}", trace: "caf\ufffd"},  // not UTF-8
  ];
  for (let i = 0; i < want.length; i++) for (const k of Object.keys(want[i])) {
    const got = rows[i] && rows[i][k] !== undefined ? rows[i][k] : null;
    if (got !== want[i][k]) { console.error("row", i, k, JSON.stringify(got), "!=", JSON.stringify(want[i][k])); process.exit(1); }
  }
' "$WORK/headers.jsonl" || fail "header columns differ from the headers sent"
pass "headers as metadata columns: all as a JSON object (the last of a repeated name), one by name, null when absent"

echo "kafka_job_test: $checks checks passed"
