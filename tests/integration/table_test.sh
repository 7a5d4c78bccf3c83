#!/usr/bin/env bash
# Iceberg tables on local storage, written by `floe table ...` and judged by outside readers
# (verify-table.mjs, PyIceberg, and Iceberg Java for the seed, all-types and partitioned tables):
# (a) the seed's table, (b) every primitive type with nulls, (c) a table partitioned by
# day(ts), identity(kind), bucket(16, id) and truncate(4, name); several appends each. Then the
# bad inputs: each fails with a clear error and leaves the table at its previous snapshot.
source "$(dirname "$0")/lib.sh"
T=$SOURCE_DIR/tests/integration/tables
W=$WORK/warehouse

"$FLOE" --warehouse "$W" namespace create raw_messages >/dev/null
"$FLOE" --warehouse "$W" namespace create tests >/dev/null
"$FLOE" --warehouse "$W" namespace list | grep -qx raw_messages || fail "namespace list lacks raw_messages"
pass "namespaces created and listed"

# (a) the seed's table
"$FLOE" --warehouse "$W" table create raw_messages.filtered_messages --schema @"$T/seed/schema.json" >/dev/null
"$FLOE" --warehouse "$W" table append raw_messages.filtered_messages --rows "$T/seed/rows-1.jsonl"
"$FLOE" --warehouse "$W" table append raw_messages.filtered_messages --rows "$T/seed/rows-2.jsonl"
verify "$W" raw_messages.filtered_messages "$T/seed/expected.jsonl"
check_table_peers "$W" raw_messages.filtered_messages "$T/seed/expected.jsonl" java
[ "$("$FLOE" --warehouse "$W" table history raw_messages.filtered_messages | tail -n +2 | wc -l)" = 2 ] ||
  fail "history of the seed table does not list 2 snapshots"
pass "history lists 2 snapshots"

# (b) every primitive type with nulls. verify-table.mjs judges the types it can read (it
# crashes on time, uuid, fixed and binary columns, and its icebird comparison rounds decimals
# through doubles); all 16 primitives are then checked through DuckDB's exact text forms.
"$FLOE" --warehouse "$W" table create tests.types --schema @"$T/types/schema.json" \
  --property write.parquet.compression-codec=snappy >/dev/null
"$FLOE" --warehouse "$W" table append tests.types --rows "$T/types/rows-1.jsonl"
"$FLOE" --warehouse "$W" table append tests.types --rows "$T/types/rows-2.jsonl"
verify "$W" tests.types "$T/types/expected.jsonl"

"$FLOE" --warehouse "$W" table create tests.all_types --schema @"$T/all_types/schema.json" \
  --property write.parquet.compression-codec=uncompressed >/dev/null
"$FLOE" --warehouse "$W" table append tests.all_types --rows "$T/all_types/rows-1.jsonl"
"$FLOE" --warehouse "$W" table append tests.all_types --rows "$T/all_types/rows-2.jsonl"
meta=$(metadata_location "$W" tests.all_types)
node "$SOURCE_DIR/tests/tools/table/duckdb_rows.mjs" "$PEER" "$meta" > "$WORK/all_types.jsonl"
diff "$T/all_types/duckdb_expected.jsonl" "$WORK/all_types.jsonl" || fail "DuckDB reads other values from tests.all_types"
pass "DuckDB reads every primitive type exactly"
node "$SOURCE_DIR/tests/tools/table/duckdb_rows.mjs" "$PEER" "$meta" --schema |
  node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{for(const l of s.trim().split("\n"))console.log(JSON.stringify(JSON.parse(l).columns))})' |
  sort -u > "$WORK/columns.json"
diff "$T/all_types/parquet_columns.json" "$WORK/columns.json" || fail "Parquet columns of tests.all_types differ (field ids, types, annotations)"
pass "every data file has the expected Parquet columns, field ids and logical types"
check_table_peers "$W" tests.all_types "$T/all_types/duckdb_expected.jsonl" pyiceberg,java

# (c) partitioned, with files rolling at a small target size
"$FLOE" --warehouse "$W" table create tests.partitioned --schema @"$T/partitioned/schema.json" \
  --partition-by 'day(ts),identity(kind),bucket(16,id),truncate(4,name)' \
  --property write.parquet.compression-codec=gzip >/dev/null
for n in 1 2 3; do
  "$FLOE" --warehouse "$W" table append tests.partitioned --rows "$T/partitioned/rows-$n.jsonl"
done
verify "$W" tests.partitioned "$T/partitioned/expected.jsonl"
check_table_peers "$W" tests.partitioned "$T/partitioned/expected.jsonl" java
find "$W/tests/partitioned/data" -path '*ts_day=2025-09-11/kind=click/id_bucket=*/name_trunc=*' -name '*.parquet' |
  grep -q . || fail "no data file under a ts_day=2025-09-11/kind=click/id_bucket=N/name_trunc=X path"
pass "partition paths are data/<field>=<value>/..."

# Bad input: clear errors, nothing half-committed.
before=$(current_snapshot "$W" raw_messages.filtered_messages)
files_before=$(data_file_count "$W/raw_messages/filtered_messages")
expect_error "bad-rows.jsonl:3.*timestamp" \
  "$FLOE" --warehouse "$W" table append raw_messages.filtered_messages --rows "$T/seed/bad-rows.jsonl"
expect_error "bad-json.jsonl:2" \
  "$FLOE" --warehouse "$W" table append raw_messages.filtered_messages --rows "$T/seed/bad-json.jsonl"
expect_error "bad-missing-required.jsonl:1.*req_name" \
  "$FLOE" --warehouse "$W" table append tests.types --rows "$T/types/bad-missing-required.jsonl"
expect_error "bad-int-range.jsonl:1.*'i'" \
  "$FLOE" --warehouse "$W" table append tests.types --rows "$T/types/bad-int-range.jsonl"
[ "$(current_snapshot "$W" raw_messages.filtered_messages)" = "$before" ] || fail "a failed append moved the snapshot"
[ "$(data_file_count "$W/raw_messages/filtered_messages")" = "$files_before" ] || fail "a failed append left data files behind"
verify "$W" raw_messages.filtered_messages "$T/seed/expected.jsonl"
pass "failed appends left the table and its folder as they were"

echo '{"type":"struct","fields":[{"id":1,"name":"x","required":false,"type":"strng"}]}' > "$WORK/bad-type.json"
expect_error "bad-type.json.*strng" \
  "$FLOE" --warehouse "$W" table create tests.bad --schema @"$WORK/bad-type.json"
echo '{"type":"struct","fields":[{"id":1,"name":"x","required":false,"type":"string"},' > "$WORK/bad-syntax.json"
expect_error "bad-syntax.json" \
  "$FLOE" --warehouse "$W" table create tests.bad --schema @"$WORK/bad-syntax.json"
expect_error "already exists" \
  "$FLOE" --warehouse "$W" table create tests.types --schema @"$T/types/schema.json"
expect_error "not found|does not exist" \
  "$FLOE" --warehouse "$W" table append tests.missing --rows "$T/types/rows-1.jsonl"
expect_error "partition term.*nope" \
  "$FLOE" --warehouse "$W" table create tests.bad --schema @"$T/partitioned/schema.json" --partition-by 'day(nope)'
expect_error "compression-codec" \
  "$FLOE" --warehouse "$W" table create tests.badcodec --schema @"$T/seed/schema.json" \
  --property write.parquet.compression-codec=lz5
"$FLOE" --warehouse "$W" table list tests | grep -q '^tests.bad$' && fail "a failed create left a table behind"
pass "failed creates left no table"

# Corrupted metadata: a clear error naming the file.
meta=$(metadata_location "$W" tests.types)
cp "$meta" "$WORK/saved.json"
echo '{"format-version": 2, "table-uuid": ' > "$meta"
expect_error "$(basename "$meta")" "$FLOE" --warehouse "$W" table describe tests.types
cp "$WORK/saved.json" "$meta"

echo "table_test: $checks passed, 0 failed"
