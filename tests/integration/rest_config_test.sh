#!/usr/bin/env bash
# floe catalog serve --config FILE (issue 16): realm, database and allowed storage locations from
# a YAML file (flags win); catalogs outside the allowed locations are refused naming the field;
# a request for another realm is refused; health reports the database as Polaris does; a bad
# file stops the server with FILE:LINE:COL and exit 2.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/rest_lib.sh"

WH="$WORK/warehouse"
mkdir -p "$WH"
cat >"$WORK/server.yaml" <<YAML
realm: lakehouse-realm
database: sqlite:$WORK/from-config.db
allowed-locations:
  - file://$WH
token-ttl-seconds: 600
YAML
start_server "$WORK/server.log" --config "$WORK/server.yaml" --bootstrap-credentials admin:password
[ -f "$WORK/from-config.db" ] || fail "the database named in the config file was not used"
health=$(curl -sf "$BASE/q/health")
[ "$(echo "$health" | json 'j.status + "/" + j.checks.map(c=>c.name+":"+c.status).join(",")')" = "UP/database:UP" ] ||
  fail "health: $health"
[ "$(curl -sf "$BASE/q/health/live" | json 'j.status')" = UP ] || fail "liveness"
pass "config file: database used, health UP with a database check"

seed_setup "$WH"
expires=$(curl -sf -X POST "$BASE/api/catalog/v1/oauth/tokens" \
  -d 'grant_type=client_credentials&client_id=admin&client_secret=password&scope=PRINCIPAL_ROLE:ALL' | json 'j.expires_in')
[ "$expires" = 600 ] || fail "token-ttl-seconds from the file: $expires"
bad=$(expect_status 400 POST /api/management/v1/catalogs '{"catalog": {"name": "elsewhere", "type": "INTERNAL",
  "properties": {"default-base-location": "file:///var/elsewhere"}}}')
echo "$bad" | grep -q "default-base-location: file:///var/elsewhere is outside the server's allowed locations" ||
  fail "outside location: $bad"
bad=$(expect_status 400 POST /api/management/v1/catalogs "{\"catalog\": {\"name\": \"sneaky\", \"type\": \"INTERNAL\",
  \"properties\": {\"default-base-location\": \"file://$WH/sneaky\"},
  \"storageConfigInfo\": {\"storageType\": \"FILE\", \"allowedLocations\": [\"file:///etc\"]}}}")
echo "$bad" | grep -q "allowedLocations\[0\]: file:///etc is outside" || fail "outside allowed location: $bad"
pass "the seed setup works inside the allowed locations; catalogs outside them are 400 naming the field"

code=$(curl -s -o /dev/null -w '%{http_code}' -H "Polaris-Realm: lakehouse-realm" \
  -H "Authorization: Bearer $TOKEN" "$BASE/api/catalog/v1/lakehouse/namespaces")
[ "$code" = 200 ] || fail "own realm: $code"
out=$(curl -s -w '\n%{http_code}' -H "Polaris-Realm: other" -H "Authorization: Bearer $TOKEN" \
  "$BASE/api/catalog/v1/lakehouse/namespaces")
[ "$(echo "$out" | tail -n 1)" = 400 ] || fail "other realm: $out"
echo "$out" | grep -q "Unknown realm: other" || fail "other realm message: $out"
pass "Polaris-Realm: the configured realm is served, another is 400 Unknown realm"

stop_last_server
# A flag given explicitly wins over the file.
start_server "$WORK/server2.log" --config "$WORK/server.yaml" --database "sqlite:$WORK/flag.db" \
  --bootstrap-credentials admin:password
[ -f "$WORK/flag.db" ] || fail "--database did not win over the file"
stop_last_server
pass "flags given on the command line win over the file"

check_bad() {
  local expect=$1
  set +e
  "$FLOE" catalog serve --config "$WORK/bad.yaml" --port 0 >"$WORK/bad.out" 2>&1
  local code=$?
  set -e
  [ "$code" = 2 ] || fail "bad config: exit $code ($(cat "$WORK/bad.out"))"
  grep -qF "$expect" "$WORK/bad.out" || fail "bad config message: $(cat "$WORK/bad.out"), expected $expect"
}
printf 'realm: r\nallowed-locations: file:///x\n' >"$WORK/bad.yaml"
check_bad "$WORK/bad.yaml:2:20: allowed-locations: expected a list of locations"
printf 'realm: r\nport: 70000\n' >"$WORK/bad.yaml"
check_bad "$WORK/bad.yaml:2:7: port: expected an integer from 0 to 65535"
printf 'relm: r\n' >"$WORK/bad.yaml"
check_bad "$WORK/bad.yaml:1:1: relm: unknown setting"
printf 'realm: [r\n' >"$WORK/bad.yaml"
check_bad "$WORK/bad.yaml:2:1:"
pass "bad config files: FILE:LINE:COL: key: message, exit 2"

echo "rest_config_test: $checks checks passed"
