#!/usr/bin/env bash
# The catalog load benchmark in short (bench/catalog_load.sh, 5 s instead of a minute): eight
# committers appending to one table through `floe catalog serve` at once, on SQLite and on
# PostgreSQL, lose no commit (every acknowledged snapshot in one history, each committer's
# offset intact in the newest snapshot, the row count adding up).
source "$(dirname "$0")/lib.sh"
CATALOG_LOAD=${CATALOG_LOAD:?set CATALOG_LOAD to the catalog_load program}
out=$(CATALOG_LOAD="$CATALOG_LOAD" bash "$SOURCE_DIR/bench/catalog_load.sh" --seconds 5 --committers 8) ||
  fail "catalog load: $out"
echo "$out"
for db in sqlite postgres; do
  line=$(echo "$out" | grep "\"database\":\"$db\"") || fail "no result for $db"
  commits=$(echo "$line" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).commits))')
  [ "$commits" -ge 8 ] || fail "$db: only $commits commits in 5 s"
  pass "$db: 8 committers, $commits commits, none lost"
done
echo "catalog_load_test: $checks checks passed"
