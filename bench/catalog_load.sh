#!/usr/bin/env bash
# Load benchmark of `floe catalog serve` (issue 16): N committers append to one table through
# the REST API for S seconds (bench/catalog_load.cc), on SQLite and on PostgreSQL (Debian's,
# started in a temp folder on 127.0.0.1 with its default durability), and check that no commit
# was lost. Prints one JSON line per database: commits/s, p50/p99/max latency, retries.
#
#   FLOE=build/floe CATALOG_LOAD=build/bench/catalog_load bench/catalog_load.sh \
#     [--seconds 60] [--committers 8] [--databases "sqlite postgres"]
source "$(dirname "$0")/../tests/integration/lib.sh"
source "$(dirname "$0")/../tests/integration/rest_lib.sh"
source "$(dirname "$0")/../tests/integration/pg_lib.sh"
trap 'stop_servers; stop_pg; rm -rf "$WORK"' EXIT
CATALOG_LOAD=${CATALOG_LOAD:?set CATALOG_LOAD to the catalog_load program}

seconds=60
committers=8
databases="sqlite postgres"
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds=$2; shift 2 ;;
    --committers) committers=$2; shift 2 ;;
    --databases) databases=$2; shift 2 ;;
    *) fail "unknown argument $1" ;;
  esac
done

# run_on NAME DATABASE_URL: a fresh server on the database, the seed setup, then the load.
run_on() {
  local name=$1 url=$2 result
  start_server "$WORK/server-$name.log" --database "$url" --bootstrap-credentials admin:password
  seed_setup "$WORK/warehouse-$name"
  expect_status 201 PUT /api/management/v1/catalogs/lakehouse/catalog-roles/catalog_admin/grants \
    '{"grant": {"type": "catalog", "privilege": "CATALOG_MANAGE_CONTENT"}}' >/dev/null
  expect_status 200 POST /api/catalog/v1/lakehouse/namespaces/raw_messages/tables \
    '{"name": "load", "schema": {"type": "struct", "fields": [
      {"id": 1, "name": "id", "required": true, "type": "long"},
      {"id": 2, "name": "name", "required": false, "type": "string"}]}}' >/dev/null
  result=$("$CATALOG_LOAD" --uri "$BASE/api/catalog" --credential admin:password \
    --warehouse lakehouse --table raw_messages.load --committers "$committers" \
    --seconds "$seconds") || fail "catalog_load on $name lost commits or failed"
  echo "{\"database\":\"$name\",${result#\{}"
  stop_last_server
}

mkdir -p "$WORK/warehouse-sqlite" "$WORK/warehouse-postgres"
for db in $databases; do
  case "$db" in
    sqlite) run_on sqlite "sqlite:$WORK/catalog.db" ;;
    postgres) start_pg; run_on postgres "$DB" ;;
    *) fail "unknown database $db" ;;
  esac
done
