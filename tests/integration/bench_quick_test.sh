#!/usr/bin/env bash
# The instruction-count regression guard (`bench/run.sh --quick`, issue 18): its judgement fails
# on a rise above 10% and passes at or below it, it refuses what is not a count, and on this
# build the decode → filter → encode path costs no more than its baseline. Counts instructions
# under callgrind: no clock is judged. Exit 77 (skipped) when this build type has no baseline
# and is not CI's (RelWithDebInfo).
source "$(dirname "$0")/lib.sh"
RUN=$SOURCE_DIR/bench/run.sh

# The judgement alone, against made-up counts.
out=$(bash "$RUN" --quick --compare 1100000 1000000) || fail "a rise of exactly 10% failed: $out"
echo "$out" | grep -q "instructions 1100000, baseline 1000000 (+10.00%" || fail "no counts printed: $out"
out=$(bash "$RUN" --quick --compare 700000 1000000) || fail "a fall failed: $out"
if out=$(bash "$RUN" --quick --compare 1100001 1000000 2>&1); then fail "a rise above 10% passed: $out"; fi
echo "$out" | grep -q "FAIL: the decode → filter → encode path costs +10.00% more" || fail "unclear failure: $out"
pass "the judgement: +10% passes, -30% passes, just above +10% fails"
expect_error "not an instruction count: '12x'" bash "$RUN" --quick --compare 12x 1000
expect_error "not a baseline instruction count: '0'" bash "$RUN" --quick --compare 12 0

# The real thing on this build.
code=0
bash "$RUN" --quick --floe "$FLOE" >"$WORK/guard.out" 2>"$WORK/guard.err" || code=$?
if [ "$code" = 77 ]; then
  cat "$WORK/guard.err"
  exit 77
fi
[ "$code" = 0 ] || { cat "$WORK/guard.out" "$WORK/guard.err" >&2; fail "bench/run.sh --quick failed"; }
line=$(grep '^quick guard: instructions' "$WORK/guard.out") || fail "no counts printed: $(cat "$WORK/guard.out")"
measured=$(echo "$line" | sed -n 's/.*instructions \([0-9]*\), baseline.*/\1/p')
pass "$line"
# The measured count against a baseline 15% lower must fail: the guard is not vacuous.
lower=$((measured * 100 / 115))
if bash "$RUN" --quick --compare "$measured" "$lower" >/dev/null 2>&1; then
  fail "$measured instructions passed against a baseline of $lower"
fi
pass "$measured instructions fail against a baseline 15% lower ($lower)"
echo "bench_quick_test: $checks checks passed"
