#!/usr/bin/env bash
# Apache Iceberg's REST Compatibility Kit (iceberg-open-api's RESTCompatibilityKitCatalogTests,
# from Maven Central via tests/peers/iceberg_rest.sh) against `floe catalog serve`: every test
# of the kit must pass. The kit skips some tests itself, on what it assumes of the server; those
# are listed in KIT_SKIPS below (and in src/catalog_server/README.md) so that a new skip is seen.
# The kit logs in as the bootstrap principal through floe's OAuth2 endpoint; its catalog_admin
# role is granted CATALOG_MANAGE_CONTENT, as Polaris setups do for a principal that writes data.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/rest_lib.sh"
PEERS="$SOURCE_DIR/tests/peers/iceberg_rest.sh"
bash "$PEERS" install

# The tests the kit skips (assumeThat on the kit's own settings, not on the server's answers).
KIT_SKIPS=(
  # rck.supports-names-with-dot is false by default: floe refuses '.' in names, as its SQL
  # catalog stores namespace levels joined by '.' (Java's JdbcCatalog's schema).
  "testNamespaceWithDot()"
  "testTableNameWithDot()"
  # The kit fixes supportsNestedNamespaces() to false (floe serves nested namespaces; its own
  # tests list and drop them).
  "testListNestedNamespaces()"
  # The kit fixes supportsEmptyNamespace() to false (floe refuses a namespace of no level).
  "createAndDropEmptyNamespace()"
  "listNamespacesWithEmptyNamespace()"
  "listTablesInEmptyNamespace()"
  "namespacePropertiesOnEmptyNamespace()"
)

WH="$WORK/rck-warehouse"
mkdir -p "$WH"
start_server "$WORK/server.log" --database "sqlite:$WORK/catalog.db" --bootstrap-credentials admin:password
TOKEN=$(get_token admin password)
# The kit creates some tables at locations of its own under /tmp (file:/tmp/ns/tbl).
expect_status 201 POST /api/management/v1/catalogs "{\"catalog\": {\"name\": \"rck\", \"type\": \"INTERNAL\",
  \"properties\": {\"default-base-location\": \"file://$WH\"},
  \"storageConfigInfo\": {\"storageType\": \"FILE\", \"allowedLocations\": [\"file://$WH\", \"file:/tmp\"]}}}" >/dev/null
expect_status 201 PUT /api/management/v1/catalogs/rck/catalog-roles/catalog_admin/grants \
  '{"grant": {"type": "catalog", "privilege": "CATALOG_MANAGE_CONTENT"}}' >/dev/null

set +e
CATALOG_URI="$BASE/api/catalog" CATALOG_WAREHOUSE=rck CATALOG_CREDENTIAL=admin:password \
  CATALOG_SCOPE=PRINCIPAL_ROLE:ALL CATALOG_RCK_REQUIRES__NAMESPACE__CREATE=true \
  CATALOG_RCK_SUPPORTS__SERVERSIDE__RETRY=true \
  bash "$PEERS" rck "$WORK/reports" >"$WORK/rck.out" 2>&1
code=$?
set -e
summary=$(node -e '
const fs = require("fs");
const xml = fs.readFileSync(process.argv[1], "utf8");
const cases = xml.split("<testcase ").slice(1);
let passed = 0, failed = [], skipped = [];
for (const c of cases) {
  const name = (c.match(/name="([^"]*)"/) || [])[1];
  if (/<(failure|error)[ >]/.test(c)) failed.push(name);
  else if (/<skipped/.test(c)) skipped.push(name);
  else passed++;
}
console.log(JSON.stringify({passed, skipped, failed}));
' "$WORK/reports/TEST-junit-jupiter.xml") || { tail -n 40 "$WORK/rck.out" >&2; fail "no report from the kit"; }
echo "kit: $summary"
passed=$(echo "$summary" | json 'j.passed')
failed=$(echo "$summary" | json 'j.failed.join(" ")')
if [ -n "$failed" ]; then
  grep -E "=>" "$WORK/rck.out" | sort | uniq -c | sort -rn | head -n 30 >&2 || true
  fail "the compatibility kit failed: $failed"
fi
[ "$code" = 0 ] || fail "the kit's launcher exited $code"
[ "$passed" -gt 90 ] || fail "the kit ran only $passed tests"
skipped=$(echo "$summary" | json 'j.skipped.sort().join("\n")')
expected_skips=$(printf '%s\n' "${KIT_SKIPS[@]}" | LC_ALL=C sort)
[ "$skipped" = "$expected_skips" ] || fail "the kit skipped other tests than KIT_SKIPS: $(echo "$skipped" | paste -sd ' ')"
pass "Iceberg REST compatibility kit: all $passed tests pass; ${#KIT_SKIPS[@]} skipped by the kit itself (KIT_SKIPS)"

echo "rest_rck_test: $checks checks passed"
