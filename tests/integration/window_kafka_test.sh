#!/usr/bin/env bash
# Open windows across runs of a Kafka job (issue 14), on `floe dev kafka` with one partition:
# a run stopped by --stop-when-idle commits the windows the watermark has passed and keeps the
# open ones in its state; the next run, with --drain, restores them (nothing is read again) and
# fires them all. After the first run the table holds exactly the reference's windows that end
# at or before the final watermark; after the second, all of them; late rows once each.
source "$(dirname "$0")/lib.sh"
source "$SOURCE_DIR/tests/integration/windows/window_lib.sh"

python3 "$REF" gen "$WORK/in.jsonl" 20000 50 7
python3 "$REF" ref "$WORK/in.jsonl" tumble 60 0 0 0 10 0 "$WORK/tumble-expected.jsonl" \
  "$WORK/tumble-late.txt"
# The windows the first run may fire: those ending at or before the last watermark.
python3 - "$WORK/in.jsonl" "$WORK/tumble-expected.jsonl" "$WORK/fired.jsonl" <<'PY'
import json, sys
from datetime import datetime, timezone
def micros(text):
    d = datetime.strptime(text[:19], "%Y-%m-%dT%H:%M:%S").replace(tzinfo=timezone.utc)
    return int(d.timestamp()) * 1000000 + int(text[20:26])
watermark = max(micros(json.loads(l)["ts"]) for l in open(sys.argv[1])) - 10 * 1000000
with open(sys.argv[3], "w") as out:
    for line in open(sys.argv[2]):
        if micros(json.loads(line)["window_end"]) <= watermark:
            out.write(line)
PY
start_dev_kafka win-in:1
produce_spread win-in 1 "$WORK/in.jsonl"

write_job "$WORK/job.yaml" tumble "      size: 1m"
kafka_source_job "$WORK/job.yaml"
W=$WORK/warehouse
run_kafka() {
  WAREHOUSE=$W "$FLOE" run "$WORK/job.yaml" --stop-when-idle 3s "${@:2}" \
    >"$WORK/run-$1.txt" 2>"$WORK/run-$1.err" || {
    cat "$WORK/run-$1.err" >&2
    fail "floe run ($1) failed"
  }
}
run_kafka 1
verify "$W" windows.tumble "$WORK/fired.jsonl"
pass "stopped when idle: $(wc -l <"$WORK/fired.jsonl") windows fired, $(($(wc -l <"$WORK/tumble-expected.jsonl") - $(wc -l <"$WORK/fired.jsonl"))) kept open in the state"
run_kafka 2 --drain
[ "$(summary_field 2 in)" = 0 ] || fail "the second run read $(summary_field 2 in) records again"
verify "$W" windows.tumble "$WORK/tumble-expected.jsonl"
meta=$(metadata_location "$W" windows.tumble_late)
node "$PEER/verify-table.mjs" "$meta" --rows "$WORK/dead.jsonl" >/dev/null 2>&1 || fail "verify-table rejected the late rows"
[ "$(grep -c '"late_record"' "$WORK/dead.jsonl")" = "$(wc -l <"$WORK/tumble-late.txt")" ] &&
  [ "$(wc -l <"$WORK/dead.jsonl")" = "$(wc -l <"$WORK/tumble-late.txt")" ] ||
  fail "$(wc -l <"$WORK/dead.jsonl") dead letters, expected $(wc -l <"$WORK/tumble-late.txt") late rows"
pass "--drain restored the open windows and fired them: the table equals the reference; late rows once each"
echo "window_kafka_test: ok ($checks checks)"
