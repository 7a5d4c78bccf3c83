#!/usr/bin/env bash
# Logs (issue 17): one line per event with a level, `--log-format json` for log shippers, and
# secrets never printed. Runs `floe catalog serve` (its bootstrap secret on the command line)
# and `floe table scan|files` through it as a REST client, with right and wrong credentials,
# then greps everything both printed for the secrets and the bearer token.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/rest_lib.sh"

BOOT_SECRET=Zq9-boot-secret-4711
WRONG_SECRET=Wr0ng-secret-0815
start_server "$WORK/server.log" --database "sqlite:$WORK/catalog.db" \
  --bootstrap-credentials "root:$BOOT_SECRET" --log-format json
TOKEN=$(get_token root "$BOOT_SECRET")
[ -n "$TOKEN" ] || fail "no token for the bootstrap principal"
expect_status 201 POST /api/management/v1/catalogs "{\"catalog\": {\"name\": \"lake\",
  \"type\": \"INTERNAL\", \"properties\": {\"default-base-location\": \"file://$WORK/lake\"},
  \"storageConfigInfo\": {\"storageType\": \"FILE\", \"allowedLocations\": [\"file://$WORK/lake/*\"]}}}" >/dev/null
expect_status 200 POST /api/catalog/v1/lake/namespaces '{"namespace": ["ns"]}' >/dev/null
expect_status 200 POST /api/catalog/v1/lake/namespaces/ns/tables \
  '{"name": "t", "schema": {"type": "struct", "fields": [{"id": 1, "name": "id", "required": false, "type": "long"}]}}' >/dev/null
pass "REST catalog with a table, bootstrap secret on the command line"

rest=(--catalog rest --catalog-property "uri=$BASE/api/catalog" --catalog-property warehouse=lake
  --catalog-property scope=PRINCIPAL_ROLE:ALL)
"$FLOE" table scan ns.t "${rest[@]}" --catalog-property "credential=root:$BOOT_SECRET" \
  --format jsonl >"$WORK/scan.out" 2>"$WORK/scan.err" || { cat "$WORK/scan.err" >&2; fail "scan through REST failed"; }
[ ! -s "$WORK/scan.out" ] || fail "an empty table printed rows"
pass "floe table scan reads through the REST catalog"

# Wrong credentials: an error line naming what failed, never the secret.
set +e
"$FLOE" table files ns.t "${rest[@]}" --catalog-property "credential=root:$WRONG_SECRET" \
  >"$WORK/wrong.out" 2>"$WORK/wrong.err"
status=$?
"$FLOE" --log-format json table scan ns.t "${rest[@]}" \
  --catalog-property "credential=root:$WRONG_SECRET" >"$WORK/wrong-json.out" 2>"$WORK/wrong-json.err"
json_status=$?
"$FLOE" --log-format json table scan ns.missing "${rest[@]}" \
  --catalog-property "credential=root:$BOOT_SECRET" >/dev/null 2>"$WORK/missing.err"
set -e
[ "$status" = 1 ] && [ "$json_status" = 1 ] || fail "wrong credentials: exit codes $status and $json_status, not 1"
[ "$(wc -l <"$WORK/wrong.err")" = 1 ] || fail "wrong credentials: not one error line: $(cat "$WORK/wrong.err")"
grep -Eq '^floe: error: .*(401|nauthori|credentials)' "$WORK/wrong.err" || fail "no clear error: $(cat "$WORK/wrong.err")"
pass "wrong credentials: one error line: $(cat "$WORK/wrong.err")"

# JSON lines: every line an object with ts, level and msg.
for f in "$WORK/wrong-json.err" "$WORK/missing.err" "$WORK/server.log"; do
  node -e 'const lines=require("fs").readFileSync(process.argv[1],"utf8").trim().split("\n");
    for (const l of lines) { const o=JSON.parse(l); if (!o.ts||!o.level||typeof o.msg!=="string") process.exit(1) }
    console.log(lines.length)' "$f" >/dev/null || fail "$(basename "$f") is not JSON lines with ts, level, msg: $(head -n 3 "$f")"
done
grep -q '"level":"error"' "$WORK/wrong-json.err" || fail "no error-level JSON line for wrong credentials"
grep -q '"msg":"loading table ns.missing: .*does not exist' "$WORK/missing.err" || fail "missing table not reported: $(cat "$WORK/missing.err")"
grep -q '"level":"warning".*oauth/tokens -> 401' "$WORK/server.log" ||
  fail "the server did not log the refused token request: $(cat "$WORK/server.log")"
pass "--log-format json: client errors and the server's log are JSON lines with levels"

# A job: with the right secret it runs and logs its progress as JSON lines; with a wrong one it
# fails with one error line, and neither shows the secret.
printf '{"id": 1}\n{"id": 2}\n' >"$WORK/in.jsonl"
write_job() {
  cat >"$WORK/job-$1.yaml" <<YAML
job:
  name: logs-$1
catalogs:
  lake:
    type: rest
    uri: $BASE/api/catalog
    credential: root:$2
    warehouse: lake
    scope: PRINCIPAL_ROLE:ALL
sources:
  rows:
    type: file
    path: $WORK/in.jsonl
    format: json
    schema:
      - {name: id, type: long}
sinks:
  out:
    type: iceberg
    catalog: lake
    table: ns.t
YAML
}
write_job good "$BOOT_SECRET"
write_job bad "$WRONG_SECRET"
"$FLOE" --log-format json run "$WORK/job-good.yaml" >"$WORK/run-good.out" 2>"$WORK/run-good.err" ||
  { cat "$WORK/run-good.err" >&2; fail "the job failed with the right secret"; }
grep -q '"level":"info","msg":"done logs-good: in=2 passed=2' "$WORK/run-good.err" ||
  fail "no JSON progress line: $(cat "$WORK/run-good.err")"
set +e
"$FLOE" run "$WORK/job-bad.yaml" >"$WORK/run-bad.out" 2>"$WORK/run-bad.err"
status=$?
set -e
[ "$status" = 1 ] || fail "the job with a wrong secret exited $status, not 1"
grep -q '^floe: error: .*401' "$WORK/run-bad.err" || fail "no clear error for the job: $(cat "$WORK/run-bad.err")"
pass "floe run: JSON progress lines, one error line for a wrong secret"

# Nothing anywhere shows a secret or the token.
stop_servers
for secret in "$BOOT_SECRET" "$WRONG_SECRET" "$TOKEN"; do
  if grep -l -F -- "$secret" "$WORK"/*.err "$WORK"/*.out "$WORK/server.log"; then
    fail "a secret was printed"
  fi
done
pass "no secret, password or token in any output"

echo "logs_test: $checks checks passed"
