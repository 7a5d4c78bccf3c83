#!/usr/bin/env bash
# The job's HTTP server (issue 17): a Kafka job (floe dev kafka) writing through a REST catalog
# (`floe catalog serve`) runs with --http; /metrics must show exactly the counts this script put
# in its input (records in, filtered, passed, dead letters by type, rows committed, lag 0 once
# caught up), /api/job the table's real snapshot id, /health 200; when the catalog stops
# answering /health turns 503 with the reason, and back to 200 once it is back. Bad addresses
# are refused before anything runs.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/rest_lib.sh"
trap 'stop_servers; [ -z "${JOB_PID:-}" ] || kill "$JOB_PID" 2>/dev/null || true; cleanup' EXIT

start_dev_kafka profanity_words:3 1

# A catalog on a port of its own that it can be restarted on (the job keeps its URI).
PORT=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
catalog_up() {
  "$FLOE" catalog serve --host 127.0.0.1 --port "$PORT" --database "sqlite:$WORK/catalog.db" \
    --bootstrap-credentials admin:password >>"$WORK/catalog.log" 2>&1 &
  SERVER_PIDS+=($!)
  BASE="http://127.0.0.1:$PORT"
  for _ in $(seq 100); do curl -sf "$BASE/q/health" >/dev/null && return 0; sleep 0.1; done
  fail "floe catalog serve did not start on $PORT: $(cat "$WORK/catalog.log")"
}
catalog_up
mkdir -p "$WORK/wh"
seed_setup "$WORK/wh"

# make_input FILE SEED GOOD_MATCHING GOOD_OTHER NOT_JSON BAD_TIMESTAMP: the lines in a shuffled
# order; the counts are what the job must report.
make_input() {
  node -e '
    const [file, seed, matching, other, notJson, badTs] = process.argv.slice(1).map((v, i) => i ? Number(v) : v);
    let x = seed;
    const rnd = () => (x = (x * 1103515245 + 12345) % 2147483648) / 2147483648;
    const lines = [];
    const msg = (body, ts) => JSON.stringify({account_id: "a" + lines.length, message_id: String(lines.length),
      message_body: body, correlation_id: "c", message_status: "u_initial", timestamp: ts});
    const now = Date.now();
    const ts = () => new Date(now - Math.floor(rnd() * 5000)).toISOString();
    for (let i = 0; i < matching; i++) lines.push(msg("a GUN is number " + i, ts()));
    for (let i = 0; i < other; i++) lines.push(msg("peaceful words " + i, ts()));
    for (let i = 0; i < notJson; i++) lines.push("{\"account_id\": \"broken " + i);
    for (let i = 0; i < badTs; i++) lines.push(msg("gun with a bad time " + i, "yesterday at noon"));
    for (let i = lines.length - 1; i > 0; i--) { const j = Math.floor(rnd() * (i + 1)); [lines[i], lines[j]] = [lines[j], lines[i]]; }
    require("fs").writeFileSync(file, lines.join("\n") + "\n");
  ' "$@"
}
make_input "$WORK/in-1.jsonl" 7 700 2100 37 23

cat >"$WORK/job.yaml" <<YAML
job:
  name: http-job
  checkpoint: {interval: 1s, timeout: 3s, tolerable_failures: 1000}
catalogs:
  lakehouse:
    type: rest
    uri: $BASE/api/catalog
    credential: admin:password
    warehouse: lakehouse
    scope: PRINCIPAL_ROLE:ALL
sources:
  messages:
    type: kafka
    format: json
    schema:
      - {name: account_id, type: string}
      - {name: message_id, type: string}
      - {name: message_body, type: string}
      - {name: correlation_id, type: string}
      - {name: message_status, type: string}
      - {name: timestamp, type: timestamptz}
    event_time: {column: timestamp, max_out_of_orderness: 10s}
    properties:
      topics: profanity_words
      bootstrap.servers: $KAFKA_BOOTSTRAP_SERVERS
      start_offsets: earliest
transforms:
  - filter: {where: "lower(message_body) LIKE '%gun%'"}
sinks:
  lake: {type: iceberg, catalog: lakehouse, table: raw_messages.filtered_messages}
dead_letter: {type: iceberg, catalog: lakehouse, table: raw_messages.dead_letters, create_if_missing: true}
YAML

# Bad addresses: refused with exit 2 before anything runs.
expect_error '--http: http address .0\.0\.0\.0:9249.: 0\.0\.0\.0 is not a loopback address' \
  "$FLOE" run "$WORK/job.yaml" --http 0.0.0.0:9249
expect_error 'port .x. is not a number' "$FLOE" run "$WORK/job.yaml" --http 127.0.0.1:x
sed 's/^  name: http-job$/  name: http-job\n  http: 192.168.1.1:80/' "$WORK/job.yaml" >"$WORK/remote.yaml"
expect_error 'remote\.yaml:3:[0-9]+: job\.http: .*not a loopback address' "$FLOE" run "$WORK/remote.yaml"
code=0
"$FLOE" run "$WORK/job.yaml" --http 0.0.0.0:9249 >/dev/null 2>&1 || code=$?
[ "$code" = 2 ] || fail "a remote --http address exited $code, expected 2"
pass "a non-loopback address exits 2"

"$FLOE" run "$WORK/job.yaml" --http 127.0.0.1:0 >"$WORK/run.out" 2>"$WORK/run.err" &
JOB_PID=$!
for _ in $(seq 100); do
  HTTP=$(sed -n 's|^floe: serving \(http://127\.0\.0\.1:[0-9]*\)/ .*|\1|p' "$WORK/run.err")
  [ -n "$HTTP" ] && break
  sleep 0.1
done
[ -n "$HTTP" ] || fail "the job did not say where it serves: $(cat "$WORK/run.err")"
pass "the job serves $HTTP"
produce_spread profanity_words 3 "$WORK/in-1.jsonl"

# metric NAME_WITH_LABELS: its value in a fresh scrape (empty when absent).
metric() {
  curl -sf "$HTTP/metrics" | awk -v key="$1" '$1 == key { print $2 }'
}
# wait_metric NAME_WITH_LABELS VALUE: waits up to 60 s for the value.
wait_metric() {
  local value=""
  for _ in $(seq 300); do
    value=$(metric "$1")
    [ "$value" = "$2" ] && return 0
    sleep 0.2
  done
  curl -s "$HTTP/metrics" | grep -v '^#' >&2
  fail "$1 is '$value', expected $2"
}
health() { curl -s -o "$WORK/health.json" -w '%{http_code}' "$HTTP/health"; }

J='job="http-job"'
# First batch: 700 + 2100 good (700 match), 37 not JSON, 23 with a bad timestamp.
wait_metric "floe_records_in_total{$J}" 2860
wait_metric "floe_sink_rows_committed_total{$J,sink=\"lake\"}" 700
wait_metric "floe_sink_rows_committed_total{$J,sink=\"dead_letter\"}" 60
[ "$(metric "floe_records_in_total{$J}")" = 2860 ] || fail "records in: $(metric "floe_records_in_total{$J}")"
[ "$(metric "floe_records_filtered_total{$J}")" = 2100 ] || fail "filtered: $(metric "floe_records_filtered_total{$J}")"
[ "$(metric "floe_records_passed_total{$J}")" = 700 ] || fail "passed"
[ "$(metric "floe_dead_letters_total{$J,error_type=\"deserialization_error\"}")" = 37 ] ||
  fail "deserialization errors: $(metric "floe_dead_letters_total{$J,error_type=\"deserialization_error\"}")"
[ "$(metric "floe_dead_letters_total{$J,error_type=\"validation_error\"}")" = 23 ] ||
  fail "validation errors: $(metric "floe_dead_letters_total{$J,error_type=\"validation_error\"}")"
[ "$(metric "floe_dead_letters_total{$J,error_type=\"transformation_error\"}")" = 0 ] || fail "transformation errors"
pass "/metrics counts exactly the input: 2860 in, 2100 filtered, 700 committed, 37 + 23 dead letters by type"
for p in 0 1 2; do
  wait_metric "floe_kafka_consumer_lag{$J,topic=\"profanity_words\",partition=\"$p\"}" 0
done
offsets=0
for p in 0 1 2; do
  offsets=$((offsets + $(metric "floe_source_next_offset{$J,topic=\"profanity_words\",partition=\"$p\"}")))
done
[ "$offsets" = 2860 ] || fail "the partitions' next offsets add up to $offsets, expected 2860"
pass "consumer lag 0 on the 3 partitions, their offsets add up to the 2860 messages"
ok=$(metric "floe_checkpoints_total{$J,outcome=\"ok\"}")
[ "${ok:-0}" -ge 1 ] || fail "no checkpoint counted ok"
[ "$(metric "floe_checkpoints_total{$J,outcome=\"failed\"}")" = 0 ] || fail "a checkpoint failed"
wm=$(metric "floe_watermark_timestamp_seconds{$J}")
now=$(date +%s)
node -e 'const [wm, now] = process.argv.slice(1).map(Number); if (!(wm > now - 120 && wm < now + 5)) process.exit(1)' "$wm" "$now" ||
  fail "watermark $wm is not within two minutes of $now"
pass "$ok checkpoints ok, none failed, watermark $wm"
curl -sf "$HTTP/metrics" | grep -Eq '^process_resident_memory_bytes [1-9]' || fail "no RSS"

# /api/job names the snapshot the catalog has as current.
TOKEN=$(get_token admin password)
current=$(call GET /api/catalog/v1/lakehouse/namespaces/raw_messages/tables/filtered_messages | head -n -1 |
  json 'String(j.metadata["current-snapshot-id"])')
api=$(curl -sf "$HTTP/api/job" | json 'j.sinks.find(s => s.name === "lake").last_commit.snapshot_id')
[ "$api" = "$current" ] || fail "/api/job says snapshot $api, the catalog $current"
pass "/api/job's last snapshot of sink lake is the table's current one ($current)"
[ "$(health)" = 200 ] || fail "/health: $(cat "$WORK/health.json")"
pass "/health 200 while running: $(cat "$WORK/health.json")"

# The catalog goes away; new input makes the next checkpoints fail.
stop_servers
make_input "$WORK/in-2.jsonl" 8 100 200 0 0
produce_spread profanity_words 3 "$WORK/in-2.jsonl"
code=""
for _ in $(seq 150); do
  code=$(health)
  [ "$code" = 503 ] && break
  sleep 0.2
done
[ "$code" = 503 ] || fail "/health stayed $code with the catalog down"
grep -q 'checkpoint(s) failed' "$WORK/health.json" || fail "no reason: $(cat "$WORK/health.json")"
failed=$(metric "floe_checkpoints_total{$J,outcome=\"failed\"}")
[ "${failed:-0}" -ge 1 ] || fail "no failed checkpoint counted"
pass "/health 503 with the catalog down: $(cat "$WORK/health.json")"

catalog_up
code=""
for _ in $(seq 150); do
  code=$(health)
  [ "$code" = 200 ] && break
  sleep 0.2
done
[ "$code" = 200 ] || fail "/health stayed $code with the catalog back: $(cat "$WORK/health.json")"
wait_metric "floe_sink_rows_committed_total{$J,sink=\"lake\"}" 800
[ "$(metric "floe_records_in_total{$J}")" = 3160 ] || fail "records in after the outage"
pass "/health 200 again with the catalog back; 800 rows committed in all, 3160 read"

kill -TERM "$JOB_PID"
wait "$JOB_PID" || fail "the job exited with an error on SIGTERM: $(grep -v '^%' "$WORK/run.err")"
JOB_PID=""
curl -s "$HTTP/health" >/dev/null 2>&1 && fail "the server still answers after the job ended"
pass "the job stops with its server"
echo "http_metrics_test: $checks checks passed"
