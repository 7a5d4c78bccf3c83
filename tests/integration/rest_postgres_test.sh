#!/usr/bin/env bash
# floe catalog serve on PostgreSQL (Debian's postgresql, started here in a temp folder on a free
# port of 127.0.0.1): the seed setup, tables that survive a restart of the server, and two
# writers committing to one table at once with every commit landing. Also checks that the SQL
# catalog's tables are the JDBC catalog's, in PostgreSQL.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/rest_lib.sh"

source "$(dirname "$0")/pg_lib.sh"
trap 'stop_servers; stop_pg; rm -rf "$WORK"' EXIT
PG_OPTIONS="-c fsync=off"
start_pg
pass "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PGPORT"

WH="$WORK/warehouse"
mkdir -p "$WH"
start_server "$WORK/server1.log" --database "$DB" --bootstrap-credentials admin:password
seed_setup "$WH"
T=/api/catalog/v1/lakehouse/namespaces/raw_messages/tables/filtered_messages
expect_status 200 GET "$T" >/dev/null
expect_status 200 POST /api/catalog/v1/lakehouse/namespaces '{"namespace": ["other"], "properties": {"owner": "pg"}}' >/dev/null
expect_status 200 POST /api/catalog/v1/lakehouse/namespaces/other/tables "{\"name\": \"concurrent\", \"schema\": $SEED_SCHEMA}" >/dev/null
expect_status 409 POST /api/catalog/v1/lakehouse/namespaces '{"namespace": ["other"]}' >/dev/null
pass "seed setup on PostgreSQL"

# The JDBC catalog's tables, readable by any PostgreSQL client.
rows=$("$PG_BIN/psql" -h 127.0.0.1 -p "$PGPORT" -U floe -d postgres -At -c \
  "SELECT catalog_name || '|' || table_namespace || '|' || table_name FROM iceberg_tables ORDER BY 1")
[ "$rows" = "lakehouse|other|concurrent
lakehouse|raw_messages|filtered_messages" ] || fail "iceberg_tables rows: $rows"
pass "iceberg_tables in PostgreSQL holds the tables, keyed by catalog name"

# Two writers, one table, at once: every commit lands, in one chain.
N=25
node "$SOURCE_DIR/tests/tools/rest/concurrent_writer.mjs" "$BASE/api/catalog" admin password lakehouse other concurrent 1 $N >"$WORK/w1.log" 2>&1 &
w1=$!
node "$SOURCE_DIR/tests/tools/rest/concurrent_writer.mjs" "$BASE/api/catalog" admin password lakehouse other concurrent 2 $N >"$WORK/w2.log" 2>&1 &
w2=$!
wait $w1 || { cat "$WORK/w1.log" >&2; fail "writer 1 failed"; }
wait $w2 || { cat "$WORK/w2.log" >&2; fail "writer 2 failed"; }
meta=$(expect_status 200 GET /api/catalog/v1/lakehouse/namespaces/other/tables/concurrent)
summary=$(echo "$meta" | json '(()=>{const m=j.metadata;const by=new Map(m.snapshots.map(s=>[s["snapshot-id"],s]));let n=0,s=by.get(m["current-snapshot-id"]);while(s){n++;s=by.get(s["parent-snapshot-id"]);}return `${m.snapshots.length} ${n} ${m["last-sequence-number"]}`})()')
[ "$summary" = "$((2 * N)) $((2 * N)) $((2 * N))" ] || fail "after two writers: snapshots/chain/sequence = $summary"
pass "two writers x $N commits at once: all $((2 * N)) landed in one chain ($(cat "$WORK/w1.log"); $(cat "$WORK/w2.log"))"

# Restart the server (and PostgreSQL too): everything is still there, old tokens still work.
stop_last_server
as_pg "$PG_BIN/pg_ctl" -D "$PGDIR/data" -m fast -w stop >/dev/null
pg_ctl_start
start_server "$WORK/server2.log" --database "$DB"
tables=$(expect_status 200 GET /api/catalog/v1/lakehouse/namespaces/raw_messages/tables | json 'j.identifiers.map(i=>i.name).join(",")')
[ "$tables" = filtered_messages ] || fail "after restart: $tables"
fields=$(expect_status 200 GET "$T" | json 'j.metadata.schemas[0].fields.length')
[ "$fields" = 6 ] || fail "after restart: $fields fields"
owner=$(expect_status 200 GET /api/catalog/v1/lakehouse/namespaces/other | json 'j.properties.owner')
[ "$owner" = pg ] || fail "after restart: namespace property $owner"
count=$(expect_status 200 GET /api/catalog/v1/lakehouse/namespaces/other/tables/concurrent | json 'j.metadata.snapshots.length')
[ "$count" = $((2 * N)) ] || fail "after restart: $count snapshots"
TOKEN=$(get_token admin password)
[ -n "$TOKEN" ] || fail "bootstrap principal lost"
pass "restart of server and database keeps catalog, namespaces, tables, snapshots and principals"

echo "rest_postgres_test: $checks checks passed"
