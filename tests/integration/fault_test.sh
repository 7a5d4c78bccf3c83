#!/usr/bin/env bash
# Crashes at the fault points (FLOE_FAULT=POINT:N, issue 5) during the seed job on the embedded
# default, each followed by a restart: the table, the dead letters and the JSON-lines output end
# up with exactly the expected rows, nothing lost and nothing twice.
source "$(dirname "$0")/lib.sh"
JOB=$SOURCE_DIR/examples/profanity-local.yaml

"$FLOE" gen --count 20000 --seed 21 --match-ratio 0.3 --bad-ratio 0.01 --late-ratio 0.01 \
  --output "$WORK/in.jsonl" --expect-out "$WORK/expected.jsonl" 2>"$WORK/gen.txt"
bad=$(sed -n 's/.* matching, \([0-9]*\) bad .*/\1/p' "$WORK/gen.txt")

# run NAME [VAR=VALUE...]: the job with a checkpoint after every 4 MiB chunk; prints its exit code.
run() {
  local name=$1 code=0
  shift
  env WAREHOUSE="$WORK/w-$name" INPUT_PATH="$WORK/in.jsonl" OUTPUT_PATH="$WORK/out-$name.jsonl" "$@" \
    "$FLOE" run "$JOB" --set job.checkpoint.interval=1ms >"$WORK/run-$name.txt" 2>"$WORK/run-$name.err" || code=$?
  echo "$code"
}

for point in after-data-file:3 after-manifest:2 before-commit:3 after-commit-before-response:2 \
  after-iceberg-before-kafka-commit:2; do
  name=${point%%:*}
  code=$(run "$name" FLOE_FAULT="$point")
  [ "$code" = 137 ] || { cat "$WORK/run-$name.err" >&2; fail "FLOE_FAULT=$point: exit $code, expected 137 (killed)"; }
  grep -q "FLOE_FAULT: killing the process at $name" "$WORK/run-$name.err" || fail "no fault message for $point"
  code=$(run "$name")
  [ "$code" = 0 ] || { cat "$WORK/run-$name.err" >&2; fail "the restart after $point failed"; }
  verify "$WORK/w-$name" raw_messages.filtered_messages "$WORK/expected.jsonl"
  [ "$(rows_as_set "$WORK/out-$name.jsonl")" = "$(rows_as_set "$WORK/expected.jsonl")" ] ||
    fail "after a crash at $point the JSON-lines output differs from the expected rows"
  meta=$(metadata_location "$WORK/w-$name" raw_messages.dead_letters)
  node "$PEER/verify-table.mjs" "$meta" --rows "$WORK/dead-$name.jsonl" >/dev/null 2>&1 ||
    fail "verify-table rejected the dead letters after $point"
  [ "$(wc -l <"$WORK/dead-$name.jsonl")" = "$bad" ] ||
    fail "after $point: $(wc -l <"$WORK/dead-$name.jsonl") dead letters, expected $bad"
  pass "killed at $point, restarted: table, output and $bad dead letters exact"
  check_table_peers "$WORK/w-$name" raw_messages.dead_letters "$WORK/dead-$name.jsonl" pyiceberg
done

code=$(run bad FLOE_FAULT=before-commit:0)
[ "$code" = 2 ] || fail "FLOE_FAULT=before-commit:0: exit $code, expected 2"
grep -q "expected POINT\[:N\] with N >= 1" "$WORK/run-bad.err" || fail "bad FLOE_FAULT message: $(cat "$WORK/run-bad.err")"
pass "a bad FLOE_FAULT is refused: $(cat "$WORK/run-bad.err")"

echo "fault_test: $checks checks passed"
