#!/usr/bin/env bash
# Polaris's access model in `floe catalog serve` (issue 16), walked with curl and a real job: a
# principal with no roles gets 403 everywhere (list, create, drop, load, commit, manage) and no
# 404 tells it what exists; TABLE_READ_DATA on one namespace lets it load those tables and
# nothing else; TABLE_WRITE_DATA lets a floe job commit; a revocation applies on the next
# request; the token's scope selects the roles; a rotated secret's old tokens stop working;
# wrong grants are 4xx with a message naming the problem; secrets never reach the log.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/rest_lib.sh"

WH="$WORK/warehouse"
mkdir -p "$WH"
start_server "$WORK/server.log" --database "sqlite:$WORK/catalog.db" --bootstrap-credentials admin:password
seed_setup "$WH"
ROOT_TOKEN=$TOKEN
expect_status 200 POST /api/catalog/v1/lakehouse/namespaces '{"namespace": ["other"]}' >/dev/null
expect_status 200 POST /api/catalog/v1/lakehouse/namespaces/other/tables \
  "{\"name\": \"secret\", \"schema\": $SEED_SCHEMA}" >/dev/null
pass "root (service_admin) ran the seed's four setup calls and made namespace other"

created=$(expect_status 201 POST /api/management/v1/principals '{"principal": {"name": "alice"}}')
ALICE_ID=$(echo "$created" | json 'j.credentials.clientId')
ALICE_SECRET=$(echo "$created" | json 'j.credentials.clientSecret')
[ "$(echo "$created" | json 'j.principal.name')" = alice ] || fail "create principal: $created"
ALICE=$(get_token "$ALICE_ID" "$ALICE_SECRET")
[ -n "$ALICE" ] || fail "no token for alice"

# as_alice CODE METHOD PATH [BODY]: the call with alice's token must answer CODE.
as_alice() {
  local saved=$TOKEN out
  TOKEN=$ALICE
  out=$(expect_status "$@") || { TOKEN=$saved; exit 1; }
  TOKEN=$saved
  echo "$out"
}
T=/api/catalog/v1/lakehouse/namespaces/raw_messages/tables/filtered_messages
S=/api/catalog/v1/lakehouse/namespaces/other/tables/secret
COMMIT='{"requirements": [], "updates": [{"action": "set-properties", "updates": {"k": "v"}}]}'

denied=$(as_alice 403 GET /api/catalog/v1/lakehouse/namespaces)
[ "$(echo "$denied" | json 'j.error.type')" = ForbiddenException ] || fail "403 body: $denied"
[ "$(echo "$denied" | json 'j.error.code')" = 403 ] || fail "403 body: $denied"
echo "$denied" | json 'j.error.message' | grep -q "Principal 'alice'.*not authorized for op LIST_NAMESPACES" ||
  fail "403 message: $denied"
as_alice 403 GET "/api/catalog/v1/config?warehouse=lakehouse" >/dev/null
as_alice 403 POST /api/catalog/v1/lakehouse/namespaces '{"namespace": ["mine"]}' >/dev/null
as_alice 403 DELETE /api/catalog/v1/lakehouse/namespaces/other >/dev/null
as_alice 403 GET /api/catalog/v1/lakehouse/namespaces/raw_messages >/dev/null
as_alice 403 GET /api/catalog/v1/lakehouse/namespaces/raw_messages/tables >/dev/null
as_alice 403 GET "$T" >/dev/null
as_alice 403 POST "$T" "$COMMIT" >/dev/null
as_alice 403 DELETE "$S" >/dev/null
as_alice 403 POST /api/catalog/v1/lakehouse/tables/rename \
  '{"source": {"namespace": ["other"], "name": "secret"}, "destination": {"namespace": ["other"], "name": "mine"}}' >/dev/null
# Nothing that does not exist answers 404 to her: not a table, a namespace or a catalog.
as_alice 403 GET /api/catalog/v1/lakehouse/namespaces/nowhere/tables/none >/dev/null
as_alice 403 GET /api/catalog/v1/lakehouse/namespaces/nowhere >/dev/null
as_alice 403 GET /api/catalog/v1/no_such_catalog/namespaces >/dev/null
as_alice 403 GET /api/management/v1/catalogs >/dev/null
as_alice 403 GET /api/management/v1/catalogs/lakehouse >/dev/null
as_alice 403 GET /api/management/v1/catalogs/no_such_catalog >/dev/null
as_alice 403 POST /api/management/v1/catalogs '{"catalog": {"name": "c2", "type": "INTERNAL", "properties": {"default-base-location": "file:///tmp/c2"}}}' >/dev/null
as_alice 403 DELETE /api/management/v1/catalogs/lakehouse >/dev/null
as_alice 403 GET /api/management/v1/principals >/dev/null
as_alice 403 POST /api/management/v1/principals '{"principal": {"name": "mallory"}}' >/dev/null
as_alice 403 DELETE /api/management/v1/principals/root >/dev/null
as_alice 403 POST /api/management/v1/principal-roles '{"principalRole": {"name": "mine"}}' >/dev/null
as_alice 403 PUT /api/management/v1/principals/alice/principal-roles '{"principalRole": {"name": "service_admin"}}' >/dev/null
as_alice 403 POST /api/management/v1/catalogs/lakehouse/catalog-roles '{"catalogRole": {"name": "mine"}}' >/dev/null
as_alice 403 PUT /api/management/v1/catalogs/lakehouse/catalog-roles/catalog_admin/grants \
  '{"grant": {"type": "catalog", "privilege": "CATALOG_MANAGE_CONTENT"}}' >/dev/null
as_alice 403 GET /api/management/v1/catalogs/lakehouse/catalog-roles/catalog_admin/grants >/dev/null
pass "no roles: 403 ForbiddenException on list, create, drop, load, commit, rename and every management call; no 404 for what does not exist"

# Root sees that a missing catalog is missing (it may list catalogs).
expect_status 404 GET /api/catalog/v1/no_such_catalog/namespaces >/dev/null
admin_grants=$(expect_status 200 GET /api/management/v1/catalogs/lakehouse/catalog-roles/catalog_admin/grants)
[ "$(echo "$admin_grants" | json 'j.grants.map(g=>g.privilege).sort().join(",")')" = CATALOG_MANAGE_ACCESS,CATALOG_MANAGE_METADATA ] ||
  fail "catalog_admin of a new catalog: $admin_grants"
[ "$(expect_status 200 GET /api/management/v1/principal-roles/service_admin/catalog-roles/lakehouse | json 'j.roles.map(r=>r.name).join(",")')" = catalog_admin ] ||
  fail "catalog_admin is not granted to service_admin"
pass "a new catalog has catalog_admin (CATALOG_MANAGE_ACCESS, CATALOG_MANAGE_METADATA) granted to service_admin"

expect_status 201 POST /api/management/v1/principal-roles '{"principalRole": {"name": "analyst"}}' >/dev/null
expect_status 201 PUT /api/management/v1/principals/alice/principal-roles '{"principalRole": {"name": "analyst"}}' >/dev/null
expect_status 201 POST /api/management/v1/catalogs/lakehouse/catalog-roles '{"catalogRole": {"name": "raw_reader"}}' >/dev/null
expect_status 201 PUT /api/management/v1/principal-roles/analyst/catalog-roles/lakehouse '{"catalogRole": {"name": "raw_reader"}}' >/dev/null
READ_GRANT='{"grant": {"type": "namespace", "namespace": ["raw_messages"], "privilege": "TABLE_READ_DATA"}}'
expect_status 201 PUT /api/management/v1/catalogs/lakehouse/catalog-roles/raw_reader/grants "$READ_GRANT" >/dev/null
listed=$(expect_status 200 GET /api/management/v1/catalogs/lakehouse/catalog-roles/raw_reader/grants)
[ "$(echo "$listed" | json 'JSON.stringify(j.grants)')" = '[{"namespace":["raw_messages"],"privilege":"TABLE_READ_DATA","type":"namespace"}]' ] ||
  fail "grants listed: $listed"

# Her old token works with the new grant: roles are looked up per request.
loaded=$(as_alice 200 GET "$T")
[ "$(echo "$loaded" | json 'j.metadata.schemas[0].fields.length')" = 6 ] || fail "load as alice: $loaded"
as_alice 200 GET /api/catalog/v1/lakehouse/namespaces/raw_messages/tables >/dev/null
as_alice 200 GET "/api/catalog/v1/config?warehouse=lakehouse" >/dev/null
as_alice 404 GET /api/catalog/v1/lakehouse/namespaces/raw_messages/tables/none >/dev/null
as_alice 403 GET "$S" >/dev/null
as_alice 403 GET /api/catalog/v1/lakehouse/namespaces >/dev/null
as_alice 403 POST "$T" "$COMMIT" >/dev/null
as_alice 403 DELETE "$T" >/dev/null
as_alice 403 POST /api/catalog/v1/lakehouse/namespaces/raw_messages/tables "{\"name\": \"t2\", \"schema\": $SEED_SCHEMA}" >/dev/null
pass "TABLE_READ_DATA on raw_messages: loads its tables (404 for a missing one there), nothing else (403 on other, on listing namespaces, on commit, drop, create)"

# The scope selects the roles in effect.
scoped() {
  curl -s -X POST "$BASE/api/catalog/v1/oauth/tokens" \
    -d "grant_type=client_credentials&client_id=$ALICE_ID&client_secret=$ALICE_SECRET&scope=$1" -w '\n%{http_code}'
}
[ "$(scoped 'catalog' | tail -n 1)" = 400 ] || fail "scope 'catalog' accepted"
scoped 'catalog' | head -n 1 | grep -q invalid_scope || fail "scope error: $(scoped catalog)"
SAVED_ALICE=$ALICE
ALICE=$(scoped 'PRINCIPAL_ROLE:someone_else' | head -n 1 | json 'j.access_token')
as_alice 403 GET "$T" >/dev/null
ALICE=$(scoped 'PRINCIPAL_ROLE:analyst' | head -n 1 | json 'j.access_token')
as_alice 200 GET "$T" >/dev/null
ALICE=$SAVED_ALICE
pass "scope PRINCIPAL_ROLE:<name> activates only that role; PRINCIPAL_ROLE:ALL all; other scopes are 400 invalid_scope"

# TABLE_WRITE_DATA on the table: a floe job commits with alice's credentials.
expect_status 201 PUT /api/management/v1/catalogs/lakehouse/catalog-roles/raw_reader/grants \
  '{"grant": {"type": "table", "namespace": ["raw_messages"], "tableName": "filtered_messages", "privilege": "TABLE_WRITE_DATA"}}' >/dev/null
"$FLOE" gen --count 3000 --seed 7 --match-ratio 0.3 --bad-ratio 0 \
  --output "$WORK/in.jsonl" --expect-out "$WORK/expected.jsonl" 2>"$WORK/gen.txt"
write_seed_job "$WORK/job.yaml" alice-job "$WORK/in.jsonl" "uri: $BASE/api/catalog" \
  'credential: ${ALICE_CREDENTIAL}' "warehouse: lakehouse" "scope: PRINCIPAL_ROLE:ALL"
ALICE_CREDENTIAL="$ALICE_ID:$ALICE_SECRET" "$FLOE" run "$WORK/job.yaml" >"$WORK/run.txt" 2>"$WORK/run.err" || {
  cat "$WORK/run.err" >&2
  fail "alice's job with TABLE_WRITE_DATA failed"
}
meta=$(sed -n 's/^sink filtered: .*(metadata \(.*\))$/\1/p' "$WORK/run.txt")
out=$(node "$PEER/verify-table.mjs" "${meta#file://}" --expect "$WORK/expected.jsonl" 2>&1) || {
  echo "$out" >&2
  fail "verify-table rejected alice's table"
}
as_alice 403 POST "$S" "$COMMIT" >/dev/null
pass "TABLE_WRITE_DATA on the table: a floe job commits as alice ($(echo "$out" | tail -n 1)); still 403 on other tables"

# Revocation takes effect on the next request.
expect_status 201 POST /api/management/v1/catalogs/lakehouse/catalog-roles/raw_reader/grants \
  '{"grant": {"type": "table", "namespace": ["raw_messages"], "tableName": "filtered_messages", "privilege": "TABLE_WRITE_DATA"}}' >/dev/null
as_alice 403 POST "$T" "$COMMIT" >/dev/null
as_alice 200 GET "$T" >/dev/null
expect_status 201 POST /api/management/v1/catalogs/lakehouse/catalog-roles/raw_reader/grants "$READ_GRANT" >/dev/null
as_alice 403 GET "$T" >/dev/null
expect_status 404 POST /api/management/v1/catalogs/lakehouse/catalog-roles/raw_reader/grants "$READ_GRANT" >/dev/null
expect_status 201 PUT /api/management/v1/catalogs/lakehouse/catalog-roles/raw_reader/grants "$READ_GRANT" >/dev/null
as_alice 200 GET "$T" >/dev/null
expect_status 204 DELETE /api/management/v1/principal-roles/analyst/catalog-roles/lakehouse/raw_reader >/dev/null
as_alice 403 GET "$T" >/dev/null
expect_status 201 PUT /api/management/v1/principal-roles/analyst/catalog-roles/lakehouse '{"catalogRole": {"name": "raw_reader"}}' >/dev/null
expect_status 204 DELETE /api/management/v1/principals/alice/principal-roles/analyst >/dev/null
as_alice 403 GET "$T" >/dev/null
expect_status 201 PUT /api/management/v1/principals/alice/principal-roles '{"principalRole": {"name": "analyst"}}' >/dev/null
as_alice 200 GET "$T" >/dev/null
pass "revoking a grant, a catalog role or a principal role applies on the very next request"

# Wrong inputs: clear 4xx errors.
G=/api/management/v1/catalogs/lakehouse/catalog-roles/raw_reader/grants
bad=$(expect_status 400 PUT "$G" '{"grant": {"type": "namespace", "namespace": ["raw_messages"], "privilege": "TABLE_READ_EVERYTHING"}}')
echo "$bad" | grep -q "unknown privilege 'TABLE_READ_EVERYTHING'" || fail "unknown privilege: $bad"
bad=$(expect_status 404 PUT "$G" '{"grant": {"type": "namespace", "namespace": ["nowhere"], "privilege": "TABLE_READ_DATA"}}')
echo "$bad" | grep -q "NoSuchNamespaceException" || fail "grant on a missing namespace: $bad"
bad=$(expect_status 404 PUT "$G" '{"grant": {"type": "table", "namespace": ["raw_messages"], "tableName": "nope", "privilege": "TABLE_READ_DATA"}}')
echo "$bad" | grep -q "NoSuchTableException" || fail "grant on a missing table: $bad"
bad=$(expect_status 400 PUT "$G" '{"grant": {"type": "table", "namespace": ["raw_messages"], "tableName": "filtered_messages", "privilege": "CATALOG_MANAGE_ACCESS"}}')
echo "$bad" | grep -q "CATALOG_MANAGE_ACCESS cannot be granted on a table" || fail "wrong level: $bad"
bad=$(expect_status 400 PUT "$G" '{"grant": {"type": "shelf", "privilege": "TABLE_READ_DATA"}}')
echo "$bad" | grep -q "unknown type 'shelf'" || fail "unknown type: $bad"
expect_status 400 PUT "$G" '{"grant": {"type": "namespace", "privilege": "TABLE_READ_DATA"}}' | grep -q "grant.namespace" ||
  fail "namespace grant without namespace"
expect_status 400 PUT "$G" '{"grant": ' >/dev/null
expect_status 400 PUT "$G" '{"privilege": "TABLE_READ_DATA"}' | grep -q "missing required object 'grant'" || fail "no grant object"
expect_status 404 PUT /api/management/v1/catalogs/lakehouse/catalog-roles/nobody/grants "$READ_GRANT" >/dev/null
expect_status 404 PUT /api/management/v1/principals/nobody/principal-roles '{"principalRole": {"name": "analyst"}}' >/dev/null
expect_status 404 PUT /api/management/v1/principals/alice/principal-roles '{"principalRole": {"name": "nobody"}}' >/dev/null
expect_status 409 POST /api/management/v1/principal-roles '{"principalRole": {"name": "analyst"}}' >/dev/null
expect_status 400 POST /api/management/v1/principal-roles '{"principalRole": {"name": ""}}' >/dev/null
expect_status 400 DELETE /api/management/v1/principals/root >/dev/null
expect_status 400 DELETE /api/management/v1/principal-roles/service_admin >/dev/null
pass "unknown privilege, missing namespace/table/role/principal, wrong level, unknown type, malformed bodies: 4xx naming the problem"

# Rotation: alice rotates her own credentials; her old secret and tokens stop working.
rotated=$(as_alice 200 POST /api/management/v1/principals/alice/rotate "")
NEW_SECRET=$(echo "$rotated" | json 'j.credentials.clientSecret')
[ "$(echo "$rotated" | json 'j.credentials.clientId')" = "$ALICE_ID" ] || fail "rotate changed the client id"
[ "$NEW_SECRET" != "$ALICE_SECRET" ] || fail "rotate kept the secret"
as_alice 401 GET "$T" >/dev/null
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST "$BASE/api/catalog/v1/oauth/tokens" \
  -d "grant_type=client_credentials&client_id=$ALICE_ID&client_secret=$ALICE_SECRET&scope=PRINCIPAL_ROLE:ALL")
[ "$code" = 401 ] || fail "old secret after rotation: $code"
ALICE=$(get_token "$ALICE_ID" "$NEW_SECRET")
as_alice 200 GET "$T" >/dev/null
as_alice 403 POST /api/management/v1/principals/root/rotate "" >/dev/null
pass "rotation: new secret returned once; the old secret and every token issued with it are refused (401)"

# Deletion: a deleted principal's tokens stop working; a deleted role's grants are gone.
expect_status 204 DELETE /api/management/v1/catalogs/lakehouse/catalog-roles/raw_reader >/dev/null
as_alice 403 GET "$T" >/dev/null
expect_status 404 GET /api/management/v1/catalogs/lakehouse/catalog-roles/raw_reader/grants >/dev/null
expect_status 204 DELETE /api/management/v1/principal-roles/analyst >/dev/null
expect_status 204 DELETE /api/management/v1/principals/alice >/dev/null
as_alice 401 GET "$T" >/dev/null
expect_status 404 GET /api/management/v1/principals/alice >/dev/null
pass "deleting a catalog role, a principal role and a principal takes their access away at once"

# Secrets stay out of the log; a restart with the same bootstrap credentials keeps root's token.
for secret in password "$ALICE_SECRET" "$NEW_SECRET"; do
  grep -q -- "$secret" "$WORK/server.log" && fail "a secret reached the server log"
done
sqlite3 "$WORK/catalog.db" "SELECT secret_hash FROM floe_principals" | grep -q -- "$NEW_SECRET" && fail "secret stored in the clear"
stop_last_server
start_server "$WORK/server2.log" --database "sqlite:$WORK/catalog.db" --bootstrap-credentials admin:password
TOKEN=$ROOT_TOKEN
expect_status 200 GET /api/catalog/v1/lakehouse/namespaces >/dev/null
pass "secrets are neither logged nor stored in the clear; a restart keeps root's token"

echo "rest_access_test: $checks checks passed"
