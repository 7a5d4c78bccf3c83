#!/usr/bin/env bash
# No heap allocation per record on the decode → filter → encode path (issue 18): the seed job
# (Iceberg + JSON lines) under heaptrack on 20k and 100k messages, at 10% and 100% matching
# (bench/alloc_per_record.sh); the extra allocations of the larger input, per extra record, must
# stay under 0.02 (today about 0.002: one per chunk or page of several hundred records). One
# allocation per record would be 1.0; a per-row string or vector would show at once. Counts, not
# time: the load does not matter. Also the script's refusal of wrong options.
source "$(dirname "$0")/lib.sh"
SCRIPT=$SOURCE_DIR/bench/alloc_per_record.sh

expect_error "--large must be more than --small" bash "$SCRIPT" --floe "$FLOE" --small 10 --large 10
expect_error "sizes must be positive counts" bash "$SCRIPT" --floe "$FLOE" --small 0
expect_error "--max must be a number, got 'x'" bash "$SCRIPT" --floe "$FLOE" --max x

bash "$SCRIPT" --floe "$FLOE" --small 20000 --large 100000 --max 0.02 >"$WORK/out" 2>"$WORK/err" ||
  { cat "$WORK/out" "$WORK/err" >&2; fail "allocations per record above 0.02"; }
for share in 10% 100%; do
  line=$(grep "^$share " "$WORK/out") || fail "no $share row: $(cat "$WORK/out")"
  pass "allocations at 20k, 100k messages and per record: $line"
done
echo "alloc_per_record_test: $checks checks passed"
