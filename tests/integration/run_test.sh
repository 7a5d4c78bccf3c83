#!/usr/bin/env bash
# `floe run` end to end on the embedded default (issue 3): the seed job over a generated file
# with bad and late records. The Iceberg table holds exactly the matching good records (judged
# by outside readers), the JSON-lines sink the same rows, the dead-letter table one row per bad
# record, and in = written + filtered + dead-lettered. A second run over the same input adds
# nothing: every sink's committed offsets skip it (exactly once on restart). Then the wrong job
# files: each fails with exit 2 and a message naming the place.
source "$(dirname "$0")/lib.sh"
W=$WORK/warehouse
JOB=$SOURCE_DIR/examples/profanity-local.yaml

"$FLOE" gen --count 20000 --seed 7 --match-ratio 0.3 --bad-ratio 0.01 --late-ratio 0.01 \
  --output "$WORK/in.jsonl" --expect-out "$WORK/expected.jsonl" 2>"$WORK/gen.txt"
bad=$(sed -n 's/.* matching, \([0-9]*\) bad .*/\1/p' "$WORK/gen.txt")
[ -n "$bad" ] || fail "cannot read the bad count from: $(cat "$WORK/gen.txt")"

run_job() {
  WAREHOUSE=$W INPUT_PATH=$WORK/in.jsonl OUTPUT_PATH=$WORK/out.jsonl "$FLOE" run "$JOB" \
    >"$WORK/run-$1.txt" 2>"$WORK/run-$1.err" || {
    cat "$WORK/run-$1.err" >&2
    fail "floe run ($1) failed"
  }
}

snapshot_count() {
  "$FLOE" --warehouse "$W" table history "$1" | tail -n +2 | wc -l
}

run_job 1
cat "$WORK/run-1.txt"
in=$(summary_field 1 in)
written=$(summary_field 1 written)
filtered=$(summary_field 1 filtered)
dead=$(summary_field 1 dead_lettered)
[ "$in" = 20000 ] || fail "in=$in, expected 20000"
[ "$((written + filtered + dead))" = "$in" ] || fail "in=$in != written=$written + filtered=$filtered + dead_lettered=$dead"
pass "in=$in = written=$written + filtered=$filtered + dead_lettered=$dead"
[ "$dead" = "$bad" ] || fail "dead_lettered=$dead, floe gen made $bad bad records"
[ "$written" = "$(wc -l <"$WORK/expected.jsonl")" ] || fail "written=$written, expected $(wc -l <"$WORK/expected.jsonl")"
pass "dead-lettered = bad = $bad; written = expected"

verify "$W" raw_messages.filtered_messages "$WORK/expected.jsonl"
[ "$(rows_as_set "$WORK/out.jsonl")" = "$(rows_as_set "$WORK/expected.jsonl")" ] ||
  fail "the JSON-lines output differs from the expected rows"
pass "JSON-lines output has the expected rows"

meta=$(metadata_location "$W" raw_messages.dead_letters)
out=$(node "$PEER/verify-table.mjs" "$meta" --rows "$WORK/dead.jsonl" 2>&1) || {
  echo "$out" >&2
  fail "verify-table rejected raw_messages.dead_letters"
}
echo "$out" | tail -n 1 | grep -q '^verify-table: ok' || fail "verify-table did not end with ok for the dead letters"
[ "$(wc -l <"$WORK/dead.jsonl")" = "$bad" ] || fail "dead_letters has $(wc -l <"$WORK/dead.jsonl") rows, expected $bad"
node -e '
  const rows = require("fs").readFileSync(process.argv[1], "utf8").split("\n").filter(l => l).map(JSON.parse);
  const types = new Set(["deserialization_error", "validation_error"]);
  for (const r of rows) {
    if (!types.has(r.error_type)) throw new Error("error_type " + r.error_type);
    if (!r.error_id || !r.error_message || r.raw_payload === null || r.raw_payload === undefined) throw new Error("missing fields: " + JSON.stringify(r));
    if (r.source_topic !== null || r.source_partition !== null) throw new Error("topic/partition not null for a file: " + JSON.stringify(r));
    if (Number(r.source_offset) !== Number(r.source_line) || !r.source_file.endsWith("in.jsonl")) throw new Error("bad position: " + JSON.stringify(r));
  }
  if (!rows.some(r => r.raw_payload.includes("\\x"))) throw new Error("no escaped invalid UTF-8 payload");
' "$WORK/dead.jsonl" || fail "dead-letter rows are malformed"
pass "verify-table accepts raw_messages.dead_letters with $bad well-formed rows: $(echo "$out" | tail -n 1)"
check_table_peers "$W" raw_messages.dead_letters "$WORK/dead.jsonl" pyiceberg,java

snapshots_filtered=$(snapshot_count raw_messages.filtered_messages)
snapshots_dead=$(snapshot_count raw_messages.dead_letters)
out_lines=$(wc -l <"$WORK/out.jsonl")
run_job 2
[ "$(summary_field 2 in)" = 0 ] || fail "the second run read $(summary_field 2 in) records again"
[ "$(snapshot_count raw_messages.filtered_messages)" = "$snapshots_filtered" ] || fail "the second run added a snapshot to filtered_messages"
[ "$(snapshot_count raw_messages.dead_letters)" = "$snapshots_dead" ] || fail "the second run added a snapshot to dead_letters"
[ "$(wc -l <"$WORK/out.jsonl")" = "$out_lines" ] || fail "the second run added lines to the JSON-lines output"
verify "$W" raw_messages.filtered_messages "$WORK/expected.jsonl"
pass "a second run over the same input adds nothing"

# A checkpoint after every 4 MiB chunk: several snapshots, the same rows, increasing
# checkpoint ids and the last snapshot's offsets at the end of the input.
W2=$WORK/warehouse-2
WAREHOUSE=$W2 INPUT_PATH=$WORK/in.jsonl OUTPUT_PATH=$WORK/out-2.jsonl "$FLOE" run "$JOB" \
  --set job.checkpoint.interval=1ms >"$WORK/run-3.txt" 2>/dev/null || fail "floe run with 1ms checkpoints failed"
verify "$W2" raw_messages.filtered_messages "$WORK/expected.jsonl"
[ "$(rows_as_set "$WORK/out-2.jsonl")" = "$(rows_as_set "$WORK/expected.jsonl")" ] ||
  fail "the JSON-lines output with 1ms checkpoints differs from the expected rows"
"$FLOE" --warehouse "$W2" table describe raw_messages.filtered_messages --json | node -e '
  let s = ""; process.stdin.on("data", d => s += d).on("end", () => {
    const snaps = JSON.parse(s).metadata.snapshots;
    if (snaps.length < 2) throw new Error("expected several snapshots, got " + snaps.length);
    const ids = snaps.map(x => Number(x.summary["floe.checkpoint-id"]));
    for (let i = 1; i < ids.length; i++) if (!(ids[i] > ids[i - 1])) throw new Error("checkpoint ids " + ids);
    const last = JSON.parse(snaps[snaps.length - 1].summary["floe.offsets.profanity-local"]);
    if (Object.values(Object.values(last)[0])[0] !== 20001) throw new Error("last offsets " + JSON.stringify(last));
  })' || fail "snapshots of the 1ms-checkpoint run are wrong"
pass "checkpoints every chunk: $("$FLOE" --warehouse "$W2" table history raw_messages.filtered_messages | tail -n +2 | wc -l) snapshots, same rows"

# Wrong job files: exit 2 with the place.
cat >"$WORK/bad-column.yaml" <<'YAML'
job: {name: bad}
catalogs: {local: {type: sql, warehouse: ./w}}
sources:
  s:
    type: file
    path: in.jsonl
    format: json
    schema:
      - {name: body, type: string}
transforms:
  - filter: {where: "lower(bdy) LIKE '%gun%'"}
sinks:
  out: {type: jsonl, path: out.jsonl}
YAML
set +e
"$FLOE" run "$WORK/bad-column.yaml" >/dev/null 2>"$WORK/bad.err"
code=$?
set -e
[ "$code" = 2 ] || fail "unknown column: exit $code, expected 2"
grep -Eq "bad-column.yaml:11:.*unknown column 'bdy' at 1:7" "$WORK/bad.err" || fail "unknown column message: $(cat "$WORK/bad.err")"
pass "unknown column rejected with exit 2: $(cat "$WORK/bad.err")"
printf 'job: [unclosed\n' >"$WORK/bad-yaml.yaml"
set +e
"$FLOE" run "$WORK/bad-yaml.yaml" >/dev/null 2>"$WORK/bad.err"
code=$?
set -e
[ "$code" = 2 ] || fail "bad YAML: exit $code, expected 2"
pass "bad YAML rejected with exit 2: $(cat "$WORK/bad.err")"

echo "run_test: $checks checks passed"
