#!/usr/bin/env bash
# floe's REST client against a server it did not write (issue 16): Apache Iceberg's reference
# REST catalog server (iceberg-open-api's test fixtures, a JDBC catalog on SQLite with a file://
# warehouse; tests/peers/iceberg_rest.sh starts it on 127.0.0.1). The seed's namespace and table
# are made with curl as the setup scripts do, then the seed job (file input) commits to it; the
# table passes verify-table.mjs, and a second run adds nothing.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/rest_lib.sh"
PEERS="$SOURCE_DIR/tests/peers/iceberg_rest.sh"
bash "$PEERS" install

SERVER_DIR="$WORK/reference"
trap 'bash "$PEERS" server-stop "$SERVER_DIR"; rm -rf "$WORK"' EXIT
uri=$(bash "$PEERS" server-start "$SERVER_DIR" | sed -n 's/^uri=//p')
[ -n "$uri" ] || fail "the reference server did not start"
BASE=$uri
TOKEN=unused  # the reference server has no authentication

config=$(expect_status 200 GET /v1/config)
expect_status 200 POST /v1/namespaces '{"namespace": ["raw_messages"]}' >/dev/null
expect_status 200 POST /v1/namespaces/raw_messages/tables \
  "{\"name\": \"filtered_messages\", \"schema\": $SEED_SCHEMA}" >/dev/null
pass "reference server at $uri (config $(echo "$config" | head -c 80)): namespace and table created"

"$FLOE" gen --count 20000 --seed 11 --match-ratio 0.2 --bad-ratio 0 \
  --output "$WORK/in.jsonl" --expect-out "$WORK/expected.jsonl" 2>"$WORK/gen.txt"
write_seed_job "$WORK/job.yaml" reference-seed "$WORK/in.jsonl" "uri: $uri"
run_job 1
meta=$(sed -n 's/^sink filtered: .*(metadata \(.*\))$/\1/p' "$WORK/run-1.txt")
[ -n "$meta" ] || fail "no metadata location in the summary: $(cat "$WORK/run-1.txt")"
served=$(expect_status 200 GET /v1/namespaces/raw_messages/tables/filtered_messages | json 'j["metadata-location"]')
[ "$served" = "$meta" ] || fail "the server's metadata location $served differs from the job's $meta"
out=$(node "$PEER/verify-table.mjs" "${meta#file:}" --expect "$WORK/expected.jsonl" 2>&1) || {
  echo "$out" >&2
  fail "verify-table rejected the table committed to the reference server"
}
pass "the seed job committed to Iceberg's reference server: $(echo "$out" | tail -n 1)"

run_job 2
grep -q "^summary: in=0 " "$WORK/run-2.txt" || fail "the second run read again: $(head -n 1 "$WORK/run-2.txt")"
pass "a second run resumes from the offsets in the reference server's snapshot and adds nothing"

echo "rest_reference_server_test: $checks checks passed"
