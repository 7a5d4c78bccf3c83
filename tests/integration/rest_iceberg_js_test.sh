#!/usr/bin/env bash
# An outside client against floe catalog serve: iceberg-js (../shared/peer) with OAuth2 client
# credentials lists namespaces, creates a namespace and a table, loads it, commits a property and
# drops them, after the seed's setup made the catalog.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/rest_lib.sh"

[ -d "$PEER/node_modules/iceberg-js" ] || fail "iceberg-js not installed in $PEER"
mkdir -p "$WORK/warehouse"
# Bootstrap credentials the way Polaris takes them.
POLARIS_BOOTSTRAP_CREDENTIALS=default-realm,admin,password \
  start_server "$WORK/server.log" --database "sqlite:$WORK/catalog.db"
seed_setup "$WORK/warehouse"
pass "seed setup done (root from POLARIS_BOOTSTRAP_CREDENTIALS)"

if ! out=$(node "$SOURCE_DIR/tests/tools/rest/iceberg_js_check.mjs" "$BASE/api/catalog" admin password lakehouse "$PEER" 2>&1); then
  echo "$out" >&2
  fail "iceberg-js check failed"
fi
echo "$out" | tail -n 1 | grep -q '^iceberg-js: ok' || fail "iceberg-js did not end with ok: $out"
pass "$(echo "$out" | tail -n 1)"

echo "rest_iceberg_js_test: $checks checks passed"
