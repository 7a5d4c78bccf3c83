#!/usr/bin/env bash
# Files on all cores (issue 18): the seed job on one file with job.parallelism 1 and 2 gives the
# same table rows (judged by verify-table.mjs against rows computed here from the input), the
# same JSON-lines output in the same order, and the same counters; with 2 threads, a run killed
# with SIGKILL mid-run (three times) and restarted ends with exactly the uncrashed run's table
# and output; a glob of the input's parts, and stdin (which cannot be split), give the same
# output.
source "$(dirname "$0")/lib.sh"
JOB=$SOURCE_DIR/examples/profanity-local.yaml
MESSAGES=${FILE_PARALLEL_MESSAGES:-60000}

"$FLOE" gen --count "$MESSAGES" --seed 18 --match-ratio 0.2 --bad-ratio 0.01 --late-ratio 0.05 \
  --output "$WORK/in.jsonl" 2>"$WORK/gen.txt"
bad=$(sed -n 's/.* matching, \([0-9]*\) bad .*/\1/p' "$WORK/gen.txt")
# The expected rows, computed from the input alone: the lines that are JSON objects with six
# string fields, a timestamp that parses, and "gun" in the body in any case.
node - "$WORK/in.jsonl" "$WORK/expected.jsonl" <<'JS'
const fs = require('fs')
const names = ['account_id', 'message_id', 'message_body', 'correlation_id', 'message_status', 'timestamp']
const out = []
for (const line of fs.readFileSync(process.argv[2]).toString('utf8').split('\n')) {
  if (!line.trim() || line.includes('\ufffd')) continue
  let o
  try { o = JSON.parse(line) } catch { continue }
  if (o === null || typeof o !== 'object' || Array.isArray(o)) continue
  if (!names.every((n) => o[n] === undefined || o[n] === null || typeof o[n] === 'string')) continue
  if (o.timestamp != null && !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(o.timestamp)) continue
  if (o.timestamp != null && isNaN(Date.parse(o.timestamp))) continue
  if (typeof o.message_body === 'string' && o.message_body.toLowerCase().includes('gun')) out.push(line)
}
fs.writeFileSync(process.argv[3], out.map((l) => l + '\n').join(''))
JS
expected_rows=$(wc -l <"$WORK/expected.jsonl")
[ "$expected_rows" -gt 1000 ] || fail "only $expected_rows expected rows: the input is not what the test needs"

# run NAME PARALLELISM [VAR=VALUE...]: the job, checkpoints every 50 ms; prints its exit code.
run() {
  local name=$1 parallelism=$2 code=0
  shift 2
  env WAREHOUSE="$WORK/w-$name" INPUT_PATH="$WORK/in.jsonl" OUTPUT_PATH="$WORK/out-$name.jsonl" "$@" \
    "$FLOE" run "$JOB" --set job.parallelism="$parallelism" --set job.checkpoint.interval=50ms \
    >"$WORK/run-$name.txt" 2>"$WORK/run-$name.err" || code=$?
  echo "$code"
}
# ids FILE: the message ids of a JSON-lines file, in order.
ids() { node -e 'for (const l of require("fs").readFileSync(process.argv[1], "utf8").split("\n")) if (l) console.log(JSON.parse(l).message_id)' "$1"; }
counters() { grep '^summary:' "$WORK/run-$1.txt" | sed 's/ checkpoints=.*//'; }
# verify_rows WAREHOUSE: verify-table.mjs sees exactly the expected rows in the table (verify
# also asks PyIceberg, once is enough).
verify_rows() {
  local out
  out=$(node "$PEER/verify-table.mjs" "$(metadata_location "$1" raw_messages.filtered_messages)"     --expect "$WORK/expected.jsonl" 2>&1) || { echo "$out" >&2; fail "verify-table rejected $1"; }
  pass "verify-table accepts the table in $1: $(echo "$out" | tail -n 1)"
}

for p in 1 2; do
  code=$(run "p$p" "$p")
  [ "$code" = 0 ] || { cat "$WORK/run-p$p.err" >&2; fail "job.parallelism $p: exit $code"; }
  grep -q "job profanity-local: $p thread(s) decoding and filtering" "$WORK/run-p$p.err" ||
    fail "job.parallelism $p: no line saying how many threads: $(head -n 3 "$WORK/run-p$p.err")"
  if [ "$p" = 2 ]; then
    verify "$WORK/w-p$p" raw_messages.filtered_messages "$WORK/expected.jsonl"
  else
    verify_rows "$WORK/w-p$p"
  fi
  [ "$(summary_field "p$p" dead_lettered)" = "$bad" ] || fail "job.parallelism $p: $(summary_field "p$p" dead_lettered) dead letters, expected $bad"
  [ "$(summary_field "p$p" checkpoints)" -gt 1 ] || fail "job.parallelism $p: one checkpoint only, none while reading"
done
[ "$(ids "$WORK/out-p2.jsonl")" = "$(ids "$WORK/expected.jsonl")" ] ||
  fail "with 2 threads the JSON-lines output is not the matching input lines in input order"
cmp -s "$WORK/out-p1.jsonl" "$WORK/out-p2.jsonl" || fail "the JSON-lines outputs of parallelism 1 and 2 differ"
[ "$(counters p1)" = "$(counters p2)" ] || fail "counters differ: $(counters p1) / $(counters p2)"
pass "parallelism 1 and 2: $expected_rows rows, $bad dead letters, identical output order and counters"

# Killed with SIGKILL mid-run, restarted each time: exactly the uncrashed run's result. Twice at
# a fault point (the process kills itself there: FLOE_FAULT, deterministic), once from outside
# as soon as a commit of the run shows (when the run is still going by then).
for point in after-data-file:2 after-commit-before-response:2; do
  code=$(run crash 2 FLOE_FAULT="$point")
  [ "$code" = 137 ] || { cat "$WORK/run-crash.err" >&2; fail "FLOE_FAULT=$point: exit $code, expected 137 (killed)"; }
done
metadata_files() { { find "$WORK/w-crash/raw_messages/filtered_messages/metadata" -name '*.metadata.json' 2>/dev/null || true; } | wc -l; }
before=$(metadata_files)
env WAREHOUSE="$WORK/w-crash" INPUT_PATH="$WORK/in.jsonl" OUTPUT_PATH="$WORK/out-crash.jsonl" \
  "$FLOE" run "$JOB" --set job.parallelism=2 --set job.checkpoint.interval=50ms \
  >"$WORK/run-kill.txt" 2>"$WORK/run-kill.err" &
pid=$!
for _ in $(seq 600); do
  [ "$(metadata_files)" -gt "$before" ] && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.02
done
if kill -9 "$pid" 2>/dev/null; then killed="killed from outside"; else killed="ended before the outside kill"; fi
wait "$pid" 2>/dev/null || true
code=$(run crash 2)
[ "$code" = 0 ] || { cat "$WORK/run-crash.err" >&2; fail "the restart after the kills failed"; }
[ "$(summary_field crash skipped_lines)" -gt 0 ] || fail "the restart skipped nothing: the kills committed nothing"
verify_rows "$WORK/w-crash"
cmp -s "$WORK/out-p1.jsonl" "$WORK/out-crash.jsonl" || fail "after the kills the JSON-lines output differs from the uncrashed run's"
meta=$(metadata_location "$WORK/w-crash" raw_messages.dead_letters)
node "$PEER/verify-table.mjs" "$meta" --rows "$WORK/dead-crash.jsonl" >/dev/null 2>&1 || fail "verify-table rejected the dead letters"
[ "$(wc -l <"$WORK/dead-crash.jsonl")" = "$bad" ] || fail "after the kills: $(wc -l <"$WORK/dead-crash.jsonl") dead letters, expected $bad"
pass "2 threads killed at 2 fault points, then $killed, restarted: table, output (byte for byte) and $bad dead letters exact"

# A glob: its files one after the other (name order), each split in ranges.
mkdir "$WORK/parts"
split -n l/3 -d --additional-suffix=.jsonl "$WORK/in.jsonl" "$WORK/parts/part-"
code=0
env WAREHOUSE="$WORK/w-glob" INPUT_PATH="$WORK/parts/part-*.jsonl" OUTPUT_PATH="$WORK/out-glob.jsonl" \
  "$FLOE" run "$JOB" --set job.parallelism=2 >"$WORK/run-glob.txt" 2>"$WORK/run-glob.err" || code=$?
[ "$code" = 0 ] || { cat "$WORK/run-glob.err" >&2; fail "a glob with job.parallelism 2: exit $code"; }
cmp -s "$WORK/out-p1.jsonl" "$WORK/out-glob.jsonl" || fail "a glob of the input's parts with 2 threads: other output"
verify_rows "$WORK/w-glob"
pass "a glob of 3 parts with 2 threads: the same output, in order"

# Stdin cannot be split: it is read on one thread, with the same output.
code=0
env WAREHOUSE="$WORK/w-stdin" INPUT_PATH=- OUTPUT_PATH="$WORK/out-stdin.jsonl" \
  "$FLOE" run "$JOB" --set job.parallelism=2 <"$WORK/in.jsonl" >"$WORK/run-stdin.txt" 2>"$WORK/run-stdin.err" || code=$?
[ "$code" = 0 ] || { cat "$WORK/run-stdin.err" >&2; fail "stdin with job.parallelism 2: exit $code"; }
cmp -s "$WORK/out-p1.jsonl" "$WORK/out-stdin.jsonl" || fail "stdin with 2 threads: other output"
grep -q "cannot be split" "$WORK/run-stdin.err" || fail "stdin: no line saying it is read on one thread"
pass "stdin with job.parallelism 2: read on one thread, same output"

echo "file_parallel_test: $checks checks passed"
