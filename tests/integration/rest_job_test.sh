#!/usr/bin/env bash
# A floe job writes through the REST client to `floe catalog serve` (issue 6): the seed's setup
# with curl, then the seed job (file source, the table created by the setup, the dead-letter
# table created by the job) with catalog properties named as Iceberg's Java client names them.
# verify-table and PyIceberg's RestCatalog (OAuth2 client credentials) judge the table; a second
# run adds nothing; bad credentials fail clearly.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/rest_lib.sh"

WH="$WORK/warehouse"
mkdir -p "$WH"
start_server "$WORK/server.log" --database "sqlite:$WORK/catalog.db" --bootstrap-credentials admin:password
seed_setup "$WH"

"$FLOE" gen --count 20000 --seed 5 --match-ratio 0.2 --bad-ratio 0.01 \
  --output "$WORK/in.jsonl" --expect-out "$WORK/expected.jsonl" 2>"$WORK/gen.txt"
bad=$(sed -n 's/.* matching, \([0-9]*\) bad .*/\1/p' "$WORK/gen.txt")
write_seed_job "$WORK/job.yaml" rest-seed "$WORK/in.jsonl" 'uri: ${POLARIS_URI}' \
  'credential: ${POLARIS_CREDENTIAL:-admin:password}' "warehouse: lakehouse" "scope: PRINCIPAL_ROLE:ALL"
echo "dead_letter: {type: iceberg, catalog: lakehouse, table: raw_messages.dead_letters, create_if_missing: true}" \
  >>"$WORK/job.yaml"

POLARIS_URI="$BASE/api/catalog" run_job 1
cat "$WORK/run-1.txt"
grep -q "dead_lettered=$bad " "$WORK/run-1.txt" || fail "expected $bad dead letters"
meta=$(sed -n 's/^sink filtered: .*(metadata \(.*\))$/\1/p' "$WORK/run-1.txt")
[ -n "$meta" ] || fail "no metadata location in the summary"
out=$(node "$PEER/verify-table.mjs" "${meta#file://}" --expect "$WORK/expected.jsonl" 2>&1) || {
  echo "$out" >&2
  fail "verify-table rejected the table written through REST"
}
pass "a job through the REST catalog: $(echo "$out" | tail -n 1)"
# PyIceberg's RestCatalog, with OAuth2 client credentials, reads the same rows. It asks for
# vended credentials (LOAD_TABLE_WITH_READ_DELEGATION), which needs TABLE_READ_DATA: as in
# Polaris, the new catalog's catalog_admin role has no data privileges until it is granted them.
expect_status 201 PUT /api/management/v1/catalogs/lakehouse/catalog-roles/catalog_admin/grants \
  '{"grant": {"type": "catalog", "privilege": "CATALOG_MANAGE_CONTENT"}}' >/dev/null
bash "$SOURCE_DIR/tests/peers/pyiceberg.sh" rows --rest "$BASE/api/catalog" --credential admin:password \
  --warehouse lakehouse raw_messages.filtered_messages >"$WORK/pyiceberg-rest.jsonl" 2>"$WORK/pyiceberg-rest.err" ||
  { tail -n 20 "$WORK/pyiceberg-rest.err" >&2; fail "PyIceberg could not read the table through the REST catalog"; }
python3 "$SOURCE_DIR/tests/peers/compare_rows.py" "$meta" "$WORK/expected.jsonl" "$WORK/pyiceberg-rest.jsonl" \
  --reader "PyIceberg through REST" >"$WORK/pyiceberg-rest.cmp" 2>&1 ||
  { cat "$WORK/pyiceberg-rest.cmp" >&2; fail "PyIceberg reads other rows through the REST catalog"; }
pass "$(cat "$WORK/pyiceberg-rest.cmp")"

table=$(expect_status 200 GET /api/catalog/v1/lakehouse/namespaces/raw_messages/tables/filtered_messages)
[ "$(echo "$table" | json 'j["metadata-location"]')" = "$meta" ] || fail "the server's metadata location differs from the job's"
summary=$(echo "$table" | json 'JSON.stringify(j.metadata.snapshots[j.metadata.snapshots.length-1].summary)')
echo "$summary" | grep -q '"floe.job-id":"rest-seed"' || fail "snapshot summary lacks floe.job-id: $summary"
echo "$summary" | grep -q '"floe.offsets.rest-seed"' || fail "snapshot summary lacks offsets: $summary"
pass "the catalog serves the job's snapshot with its offsets"

POLARIS_URI="$BASE/api/catalog" run_job 2
grep -q "^summary: in=0 " "$WORK/run-2.txt" || fail "the second run read again: $(head -n 1 "$WORK/run-2.txt")"
pass "a second run through REST adds nothing"

set +e
POLARIS_URI="$BASE/api/catalog" POLARIS_CREDENTIAL=admin:wrong "$FLOE" run "$WORK/job.yaml" >/dev/null 2>"$WORK/bad.err"
code=$?
set -e
[ "$code" = 1 ] || fail "bad credentials: exit $code"
grep -q "catalog 'lakehouse'" "$WORK/bad.err" || fail "bad credentials message: $(cat "$WORK/bad.err")"
grep -q "wrong" "$WORK/bad.err" && fail "the secret appears in the error: $(cat "$WORK/bad.err")"
pass "bad credentials: $(cat "$WORK/bad.err")"

echo "rest_job_test: $checks checks passed"
