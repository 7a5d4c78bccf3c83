#!/usr/bin/env bash
# floe's REST client against Project Nessie's Iceberg REST endpoint (issue 16): Nessie (Maven
# Central's runner jar, tests/peers/nessie.sh) with an in-memory version store and its warehouse
# on s3rver (Nessie keeps tables on object stores only). The seed's namespace and table are made
# with curl, the seed job (file input) commits to Nessie's main branch, the table as Nessie
# serves it, its files downloaded from the bucket, passes verify-table.mjs, and a second run
# adds nothing.
#
# Java's AWS SDK (in Nessie) signs uploads in aws-chunked form over plain HTTP, which s3rver
# would store undecoded: Nessie reaches s3rver through tests/tools/s3/fault-proxy.mjs
# --decode-aws-chunked (no faults), and s3rver accepts the signatures the decoding changes.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/rest_lib.sh"
NESSIE="$SOURCE_DIR/tests/peers/nessie.sh"
S3RVER_JS=$PEER/node_modules/s3rver/bin/s3rver.js
PROXY_JS=$SOURCE_DIR/tests/tools/s3/fault-proxy.mjs
[ -f "$S3RVER_JS" ] || fail "s3rver not installed in $PEER: run scripts/install-deps.sh"
bash "$NESSIE" install

pids=()
cleanup() {
  local pid
  bash "$NESSIE" stop "$WORK/nessie"
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

# start_node_server NAME LOG SCRIPT ARGS...: a node server on a free port (appended to ARGS);
# sets NODE_PORT once it answers.
start_node_server() {
  local name=$1 log=$2 port _
  shift 2
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  (cd "$PEER" && exec node "$@" "$port") >"$log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 100); do
    if curl -s -o /dev/null "http://127.0.0.1:$port/"; then
      NODE_PORT=$port
      return 0
    fi
    sleep 0.1
  done
  cat "$log" >&2
  fail "$name did not start"
}
start_node_server s3rver "$WORK/s3rver.log" "$S3RVER_JS" -d "$WORK/s3rver" -a 127.0.0.1 \
  --service-endpoint localhost --configure-bucket lakehouse --silent --allow-mismatched-signatures -p
start_node_server fault-proxy "$WORK/proxy.log" "$PROXY_JS" --target "http://127.0.0.1:$NODE_PORT" \
  --every 0 --decode-aws-chunked --listen
S3=http://127.0.0.1:$NODE_PORT

uri=$(bash "$NESSIE" start "$WORK/nessie" "$S3" lakehouse S3RVER | sed -n 's/^uri=//p')
[ -n "$uri" ] || fail "Nessie did not start"
BASE=$uri
TOKEN=unused  # no authentication configured
prefix=$(expect_status 200 GET /v1/config | json 'j.defaults.prefix || j.overrides.prefix')
[ "$prefix" = main ] || fail "Nessie's prefix is '$prefix', expected its default branch main"
expect_status 200 POST /v1/main/namespaces '{"namespace": ["raw_messages"]}' >/dev/null
# Nessie's parser wants stage-create, which the spec lets clients leave out.
expect_status 200 POST /v1/main/namespaces/raw_messages/tables \
  "{\"name\": \"filtered_messages\", \"stage-create\": false, \"schema\": $SEED_SCHEMA}" >/dev/null
pass "Nessie at $uri (warehouse s3://lakehouse/nessie): namespace and table created"

"$FLOE" gen --count 20000 --seed 13 --match-ratio 0.2 --bad-ratio 0 \
  --output "$WORK/in.jsonl" --expect-out "$WORK/expected.jsonl" 2>"$WORK/gen.txt"
write_seed_job "$WORK/job.yaml" nessie-seed "$WORK/in.jsonl" "uri: $uri" "s3.endpoint: $S3" \
  "s3.access-key-id: S3RVER" "s3.secret-access-key: S3RVER" "s3.path-style-access: true" \
  "client.region: us-east-1"
# Only the job's settings: nothing from the caller's AWS setup may leak in.
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_ENDPOINT_URL AWS_REGION
run_job 1
# Nessie names a URL of its own (with its commit hash) as the metadata location; the metadata
# it serves holds the job's snapshot and points at the files on S3.
meta=$(sed -n 's/^sink filtered: .*(metadata \(.*\))$/\1/p' "$WORK/run-1.txt")
[ -n "$meta" ] || fail "no metadata location in the summary: $(cat "$WORK/run-1.txt")"
loaded=$(expect_status 200 GET /v1/main/namespaces/raw_messages/tables/filtered_messages)
summary=$(echo "$loaded" | json 'JSON.stringify(j.metadata.snapshots.find(s => s["snapshot-id"] === j.metadata["current-snapshot-id"]).summary)')
echo "$summary" | grep -q '"floe.job-id":"nessie-seed"' || fail "Nessie's current snapshot is not the job's: $summary"
echo "$summary" | grep -q '"floe.offsets.nessie-seed"' || fail "Nessie's snapshot lacks the job's offsets: $summary"
echo "$loaded" | json 'JSON.stringify(j.metadata)' >"$WORK/served.metadata.json"
location=$(echo "$loaded" | json 'j.metadata.location')
case "$location" in s3://lakehouse/nessie/*) ;; *) fail "the table is not on S3: $location" ;; esac

S3_ENDPOINT=$S3 S3_ACCESS_KEY=S3RVER S3_SECRET_KEY=S3RVER \
  "$FLOE" storage cp -r s3://lakehouse "$WORK/download" 2>"$WORK/cp.log" || {
  cat "$WORK/cp.log" >&2
  fail "floe storage cp -r s3://lakehouse failed"
}
out=$(node "$PEER/verify-table.mjs" "$WORK/served.metadata.json" \
  --map "s3://lakehouse=$WORK/download" --expect "$WORK/expected.jsonl" 2>&1) || {
  echo "$out" >&2
  fail "verify-table rejected the table committed to Nessie"
}
pass "the seed job committed to Nessie's Iceberg REST endpoint: $(echo "$out" | tail -n 1)"

run_job 2
grep -q "^summary: in=0 " "$WORK/run-2.txt" || fail "the second run read again: $(head -n 1 "$WORK/run-2.txt")"
pass "a second run resumes from the offsets in Nessie's snapshot and adds nothing"

echo "rest_nessie_test: $checks checks passed"
