#!/usr/bin/env bash
# bench/rss_flat.sh (issues 18 and 14: peak RSS against the input size) on small inputs: every
# job (table, seed, window) runs at both sizes and gets a peak RSS, the growth line is printed
# per job, a generous --max-growth passes; wrong options are refused with what is wrong. The
# real measurement (1M-50M messages, 2M-30M events) is in BENCHMARKS.md: too long for CI.
source "$(dirname "$0")/lib.sh"
SCRIPT=$SOURCE_DIR/bench/rss_flat.sh

expect_error "sizes must be positive counts, got 'ten'" bash "$SCRIPT" --floe "$FLOE" --messages ten
expect_error "--max-growth must be a percentage" bash "$SCRIPT" --floe "$FLOE" --max-growth 5%
expect_error "no floe binary at $WORK/none" bash "$SCRIPT" --floe "$WORK/none"
expect_error "unknown option '--bogus'" bash "$SCRIPT" --bogus

bash "$SCRIPT" --floe "$FLOE" --work "$WORK" --messages "20000 40000" --events "20000 40000" \
  --max-growth 400 >"$WORK/out" 2>"$WORK/err" ||
  { cat "$WORK/out" "$WORK/err" >&2; fail "bench/rss_flat.sh failed"; }
for job in table seed window; do
  for size in 20000 40000; do
    grep -Eq "^$job +$size +[0-9.]+ MiB" "$WORK/out" || fail "no $job row at $size: $(cat "$WORK/out")"
  done
  grep -Eq "^$job: largest peak RSS / smallest = [0-9.]+$" "$WORK/out" || fail "no growth for $job"
done
pass "table, seed and window ran at 20k and 40k with their peak RSS and growth"
[ -z "$(ls "$WORK" | grep rss-flat)" ] || fail "bench/rss_flat.sh left its inputs behind"
pass "inputs deleted afterwards"
echo "rss_flat_test: $checks checks passed"
