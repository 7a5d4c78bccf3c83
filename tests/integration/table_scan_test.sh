#!/usr/bin/env bash
# `floe table scan|snapshots|files|partitions` (issue 17): what floe prints must be exactly the
# rows the outside readers see (verify-table.mjs --expect with floe's output), on a partitioned
# table with several snapshots (current, --snapshot, --as-of against the metadata file of that
# time), with a filter, and on a table written by another engine (DuckDB + avsc: the peer's
# selftest fixture). Tables with position and equality deletes and a deletion vector are
# covered by tests/unit/stream/table_reader_test.cc, which builds them. Then the bad inputs.
source "$(dirname "$0")/lib.sh"
T=$SOURCE_DIR/tests/integration/tables/partitioned
W=$WORK/warehouse

"$FLOE" --warehouse "$W" namespace create tests >/dev/null
"$FLOE" --warehouse "$W" table create tests.p --schema @"$T/schema.json" \
  --partition-by 'day(ts),identity(kind),bucket(16,id)' >/dev/null
for i in 1 2 3; do
  "$FLOE" --warehouse "$W" table append tests.p --rows "$T/rows-$i.jsonl" >/dev/null
  cp "$(metadata_location "$W" tests.p)" "$WORK/meta-$i.json"
  sleep 0.01
done
meta=$(metadata_location "$W" tests.p)

# judge FILE META WHAT: verify-table reads META's table and must see exactly the rows in FILE.
judge() {
  local out
  if ! out=$(node "$PEER/verify-table.mjs" "$2" --expect "$1" 2>&1); then
    echo "$out" >&2
    fail "verify-table does not see floe's rows: $3"
  fi
  pass "floe table scan = verify-table: $3 ($(wc -l <"$1") rows; $(echo "$out" | tail -n 1))"
}

"$FLOE" --warehouse "$W" table scan tests.p --format jsonl >"$WORK/scan.jsonl"
[ "$(wc -l <"$WORK/scan.jsonl")" = 60 ] || fail "scan printed $(wc -l <"$WORK/scan.jsonl") rows, not 60"
judge "$WORK/scan.jsonl" "$meta" "current snapshot"
# Nothing else on stdout: every line is one JSON object with the schema's five keys.
node -e 'for (const l of require("fs").readFileSync(process.argv[1],"utf8").trim().split("\n")) {
  const o = JSON.parse(l); if (Object.keys(o).join() !== "id,ts,kind,name,amount") process.exit(1)
  if (o.ts !== null && !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(o.ts)) process.exit(2) }' \
  "$WORK/scan.jsonl" || fail "scan lines are not objects with ISO-8601 timestamps"
pass "one JSON object per row, timestamps as ISO-8601"

# Older snapshots: by id, and as of their commit time; the referee reads the metadata file that
# was current then.
"$FLOE" --warehouse "$W" table snapshots tests.p --format jsonl >"$WORK/snapshots.jsonl"
[ "$(wc -l <"$WORK/snapshots.jsonl")" = 3 ] || fail "snapshots lists $(wc -l <"$WORK/snapshots.jsonl") rows, not 3"
field() { node -e 'const l=require("fs").readFileSync(process.argv[1],"utf8").trim().split("\n");console.log(JSON.parse(l[+process.argv[2]])[process.argv[3]])' "$WORK/snapshots.jsonl" "$1" "$2"; }
s1=$(field 0 snapshot_id)
[ "$(field 1 parent_id)" = "$s1" ] || fail "the second snapshot's parent is not the first"
[ "$(field 0 operation)" = append ] || fail "snapshot operation is not append"
pass "snapshots: 3 rows, parents chained, operation append"
"$FLOE" --warehouse "$W" table scan tests.p --snapshot "$s1" --format jsonl >"$WORK/scan-1.jsonl"
judge "$WORK/scan-1.jsonl" "$WORK/meta-1.json" "--snapshot of the first append"
"$FLOE" --warehouse "$W" table scan tests.p --as-of "$(field 1 committed_at)" --format jsonl >"$WORK/scan-2.jsonl"
judge "$WORK/scan-2.jsonl" "$WORK/meta-2.json" "--as-of the second commit's time"

# A filter: pruning by partition (identity kind, day(ts)) and bounds must not lose rows; the
# expected rows are the referee's own, filtered here.
node "$PEER/verify-table.mjs" "$meta" --rows "$WORK/all.jsonl" >/dev/null || fail "verify-table --rows failed"
node -e 'for (const l of require("fs").readFileSync(process.argv[1],"utf8").trim().split("\n")) {
  const o = JSON.parse(l); if (o.kind === "alpha" || (o.ts !== null && o.ts >= "2025-09-11" && Number(o.id) > 10)) console.log(l) }' \
  "$WORK/all.jsonl" >"$WORK/filtered-expected.jsonl"
"$FLOE" --warehouse "$W" table scan tests.p --format jsonl \
  --where "kind = 'alpha' OR (ts >= '2025-09-11T00:00:00Z' AND id > 10)" >"$WORK/filtered.jsonl"
[ "$(wc -l <"$WORK/filtered.jsonl")" = "$(wc -l <"$WORK/filtered-expected.jsonl")" ] ||
  fail "--where printed $(wc -l <"$WORK/filtered.jsonl") rows, the referee's rows filtered give $(wc -l <"$WORK/filtered-expected.jsonl")"
"$FLOE" --warehouse "$W" table scan tests.p --format jsonl --where "id > 10 AND id <= 20" >"$WORK/range.jsonl"
node -e 'let n=0;for (const l of require("fs").readFileSync(process.argv[1],"utf8").trim().split("\n")) { const o=JSON.parse(l); if (Number(o.id)>10&&Number(o.id)<=20) n++ } console.log(n)' \
  "$WORK/all.jsonl" >"$WORK/range.count"
[ "$(wc -l <"$WORK/range.jsonl")" = "$(cat "$WORK/range.count")" ] || fail "--where id range printed the wrong number of rows"
pass "--where keeps the referee's matching rows ($(wc -l <"$WORK/filtered.jsonl") and $(wc -l <"$WORK/range.jsonl"))"

# Columns, limit, CSV and the table form.
"$FLOE" --warehouse "$W" table scan tests.p --columns name,id --limit 7 --format jsonl >"$WORK/cols.jsonl"
[ "$(wc -l <"$WORK/cols.jsonl")" = 7 ] || fail "--limit 7 printed $(wc -l <"$WORK/cols.jsonl") rows"
head -n 1 "$WORK/cols.jsonl" | grep -Eq '^\{"name":[^,]*,"id":-?[0-9]+\}$' || fail "--columns name,id: $(head -n 1 "$WORK/cols.jsonl")"
"$FLOE" --warehouse "$W" table scan tests.p --columns id,kind --format csv >"$WORK/scan.csv"
[ "$(head -n 1 "$WORK/scan.csv")" = "id,kind" ] || fail "CSV header: $(head -n 1 "$WORK/scan.csv")"
[ "$(wc -l <"$WORK/scan.csv")" = 61 ] || fail "CSV has $(wc -l <"$WORK/scan.csv") lines, not 61"
"$FLOE" --warehouse "$W" table scan tests.p --limit 3 | tail -n 1 | grep -qx '(3 rows)' || fail "table format footer"
pass "--columns, --limit, --format csv and table"

# files and partitions agree with the referee's view of the table.
"$FLOE" --warehouse "$W" table files tests.p --format jsonl >"$WORK/files.jsonl"
node -e 'const fs=require("fs");let rows=0,bad=0;for (const l of fs.readFileSync(process.argv[1],"utf8").trim().split("\n")) {
  const o=JSON.parse(l); rows+=o.record_count; if (fs.statSync(o.file_path).size!==o.file_size_in_bytes||o.content!==0) bad++ }
  if (rows!==60||bad) { console.error(rows, bad); process.exit(1) }' "$WORK/files.jsonl" || fail "files: record counts or sizes wrong"
[ "$(wc -l <"$WORK/files.jsonl")" = "$(find "$W/tests/p/data" -name '*.parquet' | wc -l)" ] || fail "files does not list every data file"
"$FLOE" --warehouse "$W" table partitions tests.p --format jsonl >"$WORK/partitions.jsonl"
node -e 'let r=0,f=0;for (const l of require("fs").readFileSync(process.argv[1],"utf8").trim().split("\n")) { const o=JSON.parse(l); r+=o.record_count; f+=o.file_count }
  if (r!==60||f!==+process.argv[2]) process.exit(1)' "$WORK/partitions.jsonl" "$(wc -l <"$WORK/files.jsonl")" ||
  fail "partitions: record or file counts do not add up"
pass "files ($(wc -l <"$WORK/files.jsonl")) and partitions ($(wc -l <"$WORK/partitions.jsonl")) add up to the table"

# A table written by another engine (DuckDB writes the Parquet, avsc the manifests).
fixture_meta=$(node "$PEER/selftest/make-fixture.mjs" "$WORK/fixture")
"$FLOE" table scan --metadata "$fixture_meta" --format jsonl >"$WORK/fixture.jsonl"
judge "$WORK/fixture.jsonl" "$fixture_meta" "table written by DuckDB and avsc"

# Wrong inputs: a clear error each, exit 1 for what does not exist, 2 for a bad argument.
status_of() { set +e; "$@" >/dev/null 2>&1; echo $?; set -e; }
expect_error 'table tests.nope does not exist' "$FLOE" --warehouse "$W" table scan tests.nope
[ "$(status_of "$FLOE" --warehouse "$W" table scan tests.nope)" = 1 ] || fail "unknown table: exit code"
expect_error "unknown column 'nope' \(the table has: id, ts, kind, name, amount\)" \
  "$FLOE" --warehouse "$W" table scan tests.p --columns id,nope
[ "$(status_of "$FLOE" --warehouse "$W" table scan tests.p --columns id,nope)" = 2 ] || fail "unknown column: exit code"
expect_error "--where: .*at 1:" "$FLOE" --warehouse "$W" table scan tests.p --where "id >"
expect_error "--where: unknown column 'idd'" "$FLOE" --warehouse "$W" table scan tests.p --where "idd > 3"
[ "$(status_of "$FLOE" --warehouse "$W" table scan tests.p --where "id >")" = 2 ] || fail "bad --where: exit code"
expect_error "snapshot 12345 does not exist \(the table's snapshots: $s1, " \
  "$FLOE" --warehouse "$W" table scan tests.p --snapshot 12345
[ "$(status_of "$FLOE" --warehouse "$W" table scan tests.p --snapshot 12345)" = 1 ] || fail "unknown snapshot: exit code"
expect_error "--as-of: 'yesterday'" "$FLOE" --warehouse "$W" table scan tests.p --as-of yesterday
expect_error "no snapshot at" "$FLOE" --warehouse "$W" table scan tests.p --as-of 2001-01-01T00:00:00Z
expect_error "--format: 'xml'" "$FLOE" --warehouse "$W" table scan tests.p --format xml

echo "table_scan_test: $checks checks passed"
