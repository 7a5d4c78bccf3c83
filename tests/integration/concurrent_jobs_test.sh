#!/usr/bin/env bash
# Two independent jobs appending to one table at the same time (issue 5): each commits after
# every chunk of its own input into the same two tables of one embedded catalog, so their
# commits race; the loser of each race retries on the winner's snapshot. Both end cleanly, and
# the tables hold exactly the rows of both, each once.
source "$(dirname "$0")/lib.sh"
JOB=$SOURCE_DIR/examples/profanity-local.yaml

for name in a b; do
  seed=$([ "$name" = a ] && echo 11 || echo 12)
  "$FLOE" gen --count 100000 --seed "$seed" --match-ratio 0.3 --bad-ratio 0.01 \
    --output "$WORK/in-$name.jsonl" --expect-out "$WORK/expected-$name.jsonl" 2>"$WORK/gen-$name.txt"
done
cat "$WORK/expected-a.jsonl" "$WORK/expected-b.jsonl" >"$WORK/expected.jsonl"
bad=$(($(sed -n 's/.* matching, \([0-9]*\) bad .*/\1/p' "$WORK/gen-a.txt") +
  $(sed -n 's/.* matching, \([0-9]*\) bad .*/\1/p' "$WORK/gen-b.txt")))

# start NAME: job-NAME reading its input from stdin, which a feeder fills a slice at a time,
# 0.2 s apart, so that both jobs run (and commit, after every chunk they read) over the same
# seconds.
start() {
  split -n l/20 -d -a 2 "$WORK/in-$1.jsonl" "$WORK/slice-$1-"
  for slice in "$WORK/slice-$1"-*; do
    cat "$slice"
    sleep 0.2
  done | WAREHOUSE=$WORK/warehouse INPUT_PATH=- OUTPUT_PATH=$WORK/out-$1.jsonl \
    "$FLOE" run "$JOB" --set job.name="job-$1" --set job.checkpoint.interval=1ms \
    >"$WORK/run-$1.txt" 2>"$WORK/run-$1.err" &
}
start a
pid_a=$!
start b
pid_b=$!
wait "$pid_a" || { cat "$WORK/run-a.err" >&2; fail "job-a failed"; }
wait "$pid_b" || { cat "$WORK/run-b.err" >&2; fail "job-b failed"; }
pass "both jobs ended cleanly ($(summary_field a checkpoints) and $(summary_field b checkpoints) checkpoints)"

verify "$WORK/warehouse" raw_messages.filtered_messages "$WORK/expected.jsonl"
meta=$(metadata_location "$WORK/warehouse" raw_messages.dead_letters)
node "$PEER/verify-table.mjs" "$meta" --rows "$WORK/dead.jsonl" >/dev/null 2>&1 ||
  fail "verify-table rejected the dead letters"
[ "$(wc -l <"$WORK/dead.jsonl")" = "$bad" ] || fail "$(wc -l <"$WORK/dead.jsonl") dead letters, expected $bad"
pass "the dead-letter table holds the $bad bad records of both jobs once each"
check_table_peers "$WORK/warehouse" raw_messages.dead_letters "$WORK/dead.jsonl" pyiceberg

# The snapshots of the two jobs interleave: they did commit at the same time.
"$FLOE" --warehouse "$WORK/warehouse" table describe raw_messages.filtered_messages --json >"$WORK/describe.json"
read -r snapshots switches < <(node -e '
  const m = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).metadata;
  const jobs = m.snapshots.sort((x, y) => x["sequence-number"] - y["sequence-number"])
    .map(s => s.summary["floe.job-id"]);
  let switches = 0;
  for (let i = 1; i < jobs.length; i++) if (jobs[i] !== jobs[i - 1]) switches++;
  console.log(jobs.length, switches);
' "$WORK/describe.json")
[ "$switches" -ge 4 ] || fail "the jobs' snapshots do not interleave ($snapshots snapshots, $switches switches)"
pass "$snapshots snapshots, the jobs taking turns $switches times"

echo "concurrent_jobs_test: $checks checks passed"
