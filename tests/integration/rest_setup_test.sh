#!/usr/bin/env bash
# floe catalog serve on SQLite: the seed's setup sequence with curl, the table read back, the
# OAuth2 rules (no, bad and expired tokens), bad requests (malformed, wrong shape, too large,
# unknown updates and requirements, locations outside the catalog), commits that conflict, and
# everything still there after a restart.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/rest_lib.sh"

DB="sqlite:$WORK/catalog.db"
WH="$WORK/warehouse"
mkdir -p "$WH"
start_server "$WORK/server1.log" --database "$DB" --bootstrap-credentials admin:password
curl -sf "$BASE/q/health" | grep -q '"UP"' || fail "health"
curl -sf "$BASE/healthz" | grep -q '"UP"' || fail "healthz"
pass "health at /q/health and /healthz without a token"

seed_setup "$WH"
pass "seed setup: token, catalog lakehouse, namespace raw_messages, table filtered_messages"

table=$(expect_status 200 GET /api/catalog/v1/lakehouse/namespaces/raw_messages/tables/filtered_messages)
names=$(echo "$table" | json 'j.metadata.schemas[0].fields.map(f=>f.name+":"+f.type+":"+f.required).join(",")')
[ "$names" = "account_id:string:false,message_id:string:false,message_body:string:false,correlation_id:string:false,message_status:string:false,timestamp:timestamptz:false" ] ||
  fail "schema read back: $names"
meta=$(echo "$table" | json 'j["metadata-location"]')
case "$meta" in "file://$WH/raw_messages/filtered_messages/metadata/00000-"*.metadata.json) ;;
  *) fail "metadata location $meta" ;; esac
[ -f "${meta#file://}" ] || fail "metadata file $meta not written"
node "$PEER/verify-table.mjs" "${meta#file://}" >/dev/null 2>&1 || fail "verify-table rejects the new table $meta"
pass "GET returns the table's metadata (6 fields), written under the catalog's base location"

config=$(curl -sf "$BASE/api/catalog/v1/config?warehouse=lakehouse" -H "Authorization: Bearer $TOKEN")
[ "$(echo "$config" | json 'j.overrides.prefix')" = lakehouse ] || fail "config prefix: $config"
[ "$(echo "$config" | json 'j.defaults["default-base-location"]')" = "file://$WH" ] || fail "config: $config"
expect_status 404 GET "/api/catalog/v1/config?warehouse=nope" >/dev/null
pass "config gives prefix=lakehouse and the default base location"

# Listing, namespaces with properties, nested namespaces (%1F), table listing.
expect_status 200 POST /api/catalog/v1/lakehouse/namespaces '{"namespace": ["a"], "properties": {"owner": "x"}}' >/dev/null
expect_status 200 POST /api/catalog/v1/lakehouse/namespaces '{"namespace": ["a", "b"]}' >/dev/null
top=$(expect_status 200 GET /api/catalog/v1/lakehouse/namespaces | json 'j.namespaces.map(n=>n.join(".")).join(",")')
[ "$top" = "a,raw_messages" ] || fail "top-level namespaces: $top"
children=$(expect_status 200 GET "/api/catalog/v1/lakehouse/namespaces?parent=a" | json 'j.namespaces.map(n=>n.join(".")).join(",")')
[ "$children" = "a.b" ] || fail "children of a: $children"
expect_status 200 GET /api/catalog/v1/lakehouse/namespaces/a%1Fb >/dev/null
owner=$(expect_status 200 GET /api/catalog/v1/lakehouse/namespaces/a | json 'j.properties.owner')
[ "$owner" = x ] || fail "namespace property: $owner"
expect_status 409 POST /api/catalog/v1/lakehouse/namespaces '{"namespace": ["a"]}' >/dev/null
tables=$(expect_status 200 GET /api/catalog/v1/lakehouse/namespaces/raw_messages/tables | json 'j.identifiers.map(i=>i.name).join(",")')
[ "$tables" = filtered_messages ] || fail "tables: $tables"
expect_status 409 POST /api/catalog/v1/lakehouse/namespaces/raw_messages/tables \
  "{\"name\": \"filtered_messages\", \"schema\": $SEED_SCHEMA}" >/dev/null
expect_status 404 GET /api/catalog/v1/lakehouse/namespaces/raw_messages/tables/nope >/dev/null
expect_status 404 GET /api/catalog/v1/nope/namespaces >/dev/null
pass "namespaces (nested, with properties), table listing, 409 on duplicates, 404 on unknowns"

# Tokens: none, garbage, forged, expired.
out=$(curl -s "$BASE/api/catalog/v1/lakehouse/namespaces" -w '\n%{http_code}')
[ "$(echo "$out" | tail -n 1)" = 401 ] || fail "no token: $out"
echo "$out" | head -n 1 | json 'j.error.type' | grep -qx NotAuthorizedException || fail "401 body: $out"
# A tampered signature: one character in its middle changed (the last character of base64url
# carries padding bits a decoder may ignore, and could already be the replacement).
at=$((${#TOKEN} - 10))
old=${TOKEN:$at:1}
new=A
[ "$old" != A ] || new=B
tampered="${TOKEN:0:$at}$new${TOKEN:$((at + 1))}"
for bad in garbage "floe1.e30.AAAA" "$tampered"; do
  code=$(curl -s -o /dev/null -w '%{http_code}' "$BASE/api/catalog/v1/lakehouse/namespaces" -H "Authorization: Bearer $bad")
  [ "$code" = 401 ] || fail "bad token $bad answered $code"
done
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST "$BASE/api/catalog/v1/oauth/tokens" \
  -d 'grant_type=client_credentials&client_id=admin&client_secret=wrong')
[ "$code" = 401 ] || fail "wrong secret answered $code"
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST "$BASE/api/catalog/v1/oauth/tokens" -d 'grant_type=password')
[ "$code" = 400 ] || fail "unsupported grant answered $code"
grep -q password "$WORK/server1.log" && fail "the server log shows a secret"
pass "401 without a token, with garbage, forged or tampered tokens, and for a wrong secret"

# Bad requests: malformed JSON, wrong shapes, deep nesting, too large, unknown update/requirement.
T=/api/catalog/v1/lakehouse/namespaces/raw_messages/tables/filtered_messages
expect_status 400 POST /api/catalog/v1/lakehouse/namespaces '{"namespace": ' >/dev/null
expect_status 400 POST /api/catalog/v1/lakehouse/namespaces '{"namespace": "flat"}' >/dev/null
expect_status 400 POST /api/catalog/v1/lakehouse/namespaces '[1,2,3]' >/dev/null
expect_status 400 POST /api/catalog/v1/lakehouse/namespaces/raw_messages/tables '{"name": "t", "schema": {"type": "struct", "fields": [{"id": 1, "name": "x", "required": false, "type": "strng"}]}}' >/dev/null
deep=$(printf '[%.0s' $(seq 1 5000))
expect_status 400 POST /api/catalog/v1/lakehouse/namespaces "$deep" >/dev/null
head -c 9000000 /dev/zero | tr '\0' ' ' >"$WORK/big.json"
code=$(curl -s -o "$WORK/big.out" -w '%{http_code}' -X POST "$BASE/api/catalog/v1/lakehouse/namespaces" \
  -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' --data-binary @"$WORK/big.json")
[ "$code" = 413 ] || fail "a 9 MB body answered $code"
[ "$(json 'j.error.code' <"$WORK/big.out")" = 413 ] || fail "413 without the Iceberg error JSON: $(head -c 200 "$WORK/big.out")"
uuid=$(expect_status 200 GET "$T" | json 'j.metadata["table-uuid"]')
err=$(expect_status 400 POST "$T" '{"requirements": [], "updates": [{"action": "frobnicate"}]}')
echo "$err" | json 'j.error.message' | grep -q "unknown update 'frobnicate'" || fail "unknown update: $err"
expect_status 400 POST "$T" '{"requirements": [{"type": "assert-nothing"}], "updates": []}' >/dev/null
expect_status 400 POST "$T" '{"requirements": [], "updates": [{"action": "set-snapshot-ref", "ref-name": "main", "type": "branch", "snapshot-id": 42}]}' >/dev/null
expect_status 400 POST "$T" '{"requirements": [], "updates": [{"action": "add-snapshot"}]}' >/dev/null
expect_status 400 POST /api/catalog/v1/lakehouse/namespaces/raw_messages/tables \
  "{\"name\": \"elsewhere\", \"location\": \"file:///tmp/not-allowed-$$\", \"schema\": $SEED_SCHEMA}" >/dev/null
expect_status 400 POST /api/management/v1/catalogs '{"catalog": {"name": "x"}}' >/dev/null
curl -sf "$BASE/q/health" >/dev/null || fail "the server died on bad requests"
pass "malformed, wrong-shaped, too deep, too large (413) and unknown updates/requirements are 4xx"

# Commits: requirements checked, conflicts are 409, a good one lands.
expect_status 409 POST "$T" '{"requirements": [{"type": "assert-table-uuid", "uuid": "00000000-0000-0000-0000-000000000000"}], "updates": [{"action": "set-properties", "updates": {"k": "v"}}]}' >/dev/null
expect_status 409 POST "$T" '{"requirements": [{"type": "assert-ref-snapshot-id", "ref": "main", "snapshot-id": 7}], "updates": []}' >/dev/null
committed=$(expect_status 200 POST "$T" "{\"requirements\": [{\"type\": \"assert-table-uuid\", \"uuid\": \"$uuid\"}, {\"type\": \"assert-ref-snapshot-id\", \"ref\": \"main\", \"snapshot-id\": null}], \"updates\": [{\"action\": \"set-properties\", \"updates\": {\"owner\": \"seed\"}}]}")
[ "$(echo "$committed" | json 'j.metadata.properties.owner')" = seed ] || fail "commit: $committed"
[ "$(echo "$committed" | json 'j["metadata-location"]')" != "$meta" ] || fail "commit did not move the pointer"
[ "$(echo "$committed" | json 'j.metadata["metadata-log"].length')" = 1 ] || fail "metadata-log: $committed"
pass "commits: wrong uuid and moved ref are 409; a valid one writes the next metadata file"

# Register-table: an existing metadata file becomes a second table; wrong inputs are 4xx.
R=/api/catalog/v1/lakehouse/namespaces/raw_messages/register
registered=$(expect_status 200 POST "$R" "{\"name\": \"registered\", \"metadata-location\": \"$meta\"}")
[ "$(echo "$registered" | json 'j["metadata-location"]')" = "$meta" ] || fail "register: $registered"
[ "$(expect_status 200 GET /api/catalog/v1/lakehouse/namespaces/raw_messages/tables/registered |
  json 'j.metadata["table-uuid"]')" = "$uuid" ] || fail "the registered table is not the file's"
expect_status 409 POST "$R" "{\"name\": \"registered\", \"metadata-location\": \"$meta\"}" |
  grep -q "Table already exists: raw_messages.registered" || fail "registering a taken name"
expect_status 404 POST "$R" "{\"name\": \"r2\", \"metadata-location\": \"file://$WH/nowhere.metadata.json\"}" >/dev/null
expect_status 400 POST "$R" '{"name": "r2", "metadata-location": "file:///elsewhere/m.metadata.json"}' |
  grep -q "outside the allowed locations of catalog lakehouse" || fail "registering outside the catalog"
expect_status 406 POST "$R" "{\"name\": \"r2\", \"metadata-location\": \"$meta\", \"overwrite\": true}" |
  grep -q "overwrite is not supported" || fail "register with overwrite"
expect_status 400 POST "$R" '{"name": "r2"}' | grep -q "metadata-location" || fail "register without a location"
expect_status 204 DELETE /api/catalog/v1/lakehouse/namespaces/raw_messages/tables/registered >/dev/null
[ -f "${meta#file://}" ] || fail "dropping the registered table removed the file"
pass "register-table: a metadata file becomes a table; taken name 409, missing file 404, outside 400, overwrite 406"

# Management subset of the seed's setup scripts: principals, roles, grants.
created=$(expect_status 201 POST /api/management/v1/principals '{"principal": {"name": "writer"}}')
cid=$(echo "$created" | json 'j.credentials.clientId')
csecret=$(echo "$created" | json 'j.credentials.clientSecret')
expect_status 201 POST /api/management/v1/principal-roles '{"principalRole": {"name": "writer_role"}}' >/dev/null
expect_status 201 POST /api/management/v1/catalogs/lakehouse/catalog-roles '{"catalogRole": {"name": "writers"}}' >/dev/null
expect_status 201 PUT /api/management/v1/principals/writer/principal-roles '{"principalRole": {"name": "writer_role"}}' >/dev/null
expect_status 201 PUT /api/management/v1/principal-roles/writer_role/catalog-roles/lakehouse '{"catalogRole": {"name": "writers"}}' >/dev/null
expect_status 201 PUT /api/management/v1/catalogs/lakehouse/catalog-roles/writers/grants '{"grant": {"type": "catalog", "privilege": "CATALOG_MANAGE_CONTENT"}}' >/dev/null
[ "$(expect_status 200 GET /api/management/v1/catalogs | json 'j.catalogs.map(c=>c.name).join(",")')" = lakehouse ] || fail "catalog list"
writer_token=$(get_token "$cid" "$csecret")
[ -n "$writer_token" ] || fail "no token for the new principal"
pass "management API: principals with credentials, roles and grants accepted"

# Restart: a second server on the same database sees everything, and old tokens stay valid;
# its tokens live four seconds (enough for the next call on a busy machine, short to wait out).
stop_last_server
start_server "$WORK/server2.log" --database "$DB" --token-ttl-seconds 4
got=$(expect_status 200 GET "$T" | json 'j.metadata.properties.owner')
[ "$got" = seed ] || fail "after restart: owner=$got"
TOKEN=$(get_token "$cid" "$csecret")
expect_status 200 GET /api/catalog/v1/lakehouse/namespaces/a%1Fb >/dev/null
sleep 5
out=$(call GET /api/catalog/v1/lakehouse/namespaces)
[ "$(echo "$out" | tail -n 1)" = 401 ] || fail "expired token: $out"
echo "$out" | head -n 1 | grep -q expired || fail "expired token message: $out"
pass "restart keeps catalogs, namespaces, tables, principals and the signing key; expired tokens are 401"

echo "rest_setup_test: $checks checks passed"
