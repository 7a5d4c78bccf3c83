#!/usr/bin/env bash
# Window steps end to end (issue 14): tumble, hop, cumulate and session windows over one file
# with out-of-order rows (within the 10 s bound and beyond it), null keys and values and 50 keys.
# The expected windows and late rows come from tests/integration/windows/window_reference.py,
# row by row, independently of floe; the Iceberg table must hold exactly those rows (outside
# readers, PyIceberg and Iceberg Java) and the dead-letter table each late row once (error type late_record). A second run
# adds nothing. Then wrong window definitions: each fails before the job runs, exit 2,
# FILE:LINE:COL.
source "$(dirname "$0")/lib.sh"
source "$SOURCE_DIR/tests/integration/windows/window_lib.sh"

python3 "$REF" gen "$WORK/in.jsonl" 20000 50 7

check_kind tumble "      size: 1m" 60 0 0 0
check_kind hop "      size: 1m
      slide: 20s" 60 20 0 0
check_kind cumulate "      size: 2m
      step: 30s" 120 0 30 0
check_kind session "      gap: 30s" 0 0 0 30

# A second run over the same input adds nothing: the state and the offsets say it is done.
before=$("$FLOE" --warehouse "$WORK/warehouse-tumble" table history windows.tumble | wc -l)
WAREHOUSE=$WORK/warehouse-tumble INPUT_PATH=$WORK/in.jsonl "$FLOE" run "$WORK/tumble.yaml" \
  >"$WORK/run-again.txt" 2>"$WORK/run-again.err" || fail "second run failed: $(cat "$WORK/run-again.err")"
[ "$("$FLOE" --warehouse "$WORK/warehouse-tumble" table history windows.tumble | wc -l)" = "$before" ] ||
  fail "the second run added a snapshot"
verify "$WORK/warehouse-tumble" windows.tumble "$WORK/tumble-expected.jsonl"
pass "a second run adds nothing"

# Wrong definitions: exit 2 before anything runs, with the place.
bad_job() {
  local file=$WORK/bad.yaml code=0 err
  write_job "$file" tumble "      size: 1m"
  python3 - "$file" "$1" "$2" <<'PY'
import sys
path, old, new = sys.argv[1:]
text = open(path).read()
assert old in text, old
open(path, "w").write(text.replace(old, new, 1))
PY
  err=$(WAREHOUSE=$WORK/warehouse-bad INPUT_PATH=$WORK/in.jsonl "$FLOE" run "$file" 2>&1 >/dev/null) || code=$?
  [ "$code" = 2 ] || fail "expected exit 2 for '$2', got $code: $err"
  echo "$err" | grep -Eq -- "$3" || fail "error for '$2' does not match /$3/: $err"
  [ ! -e "$WORK/warehouse-bad/windows" ] || fail "a table was created for a wrong job"
  pass "rejected: $(echo "$err" | head -n 1)"
}
bad_job "count(*)" "median(reading)" "bad.yaml:25:17: transforms\[0\].window.aggregates.events: unknown aggregate 'median'"
bad_job "sum(reading)" "sum(location)" "bad.yaml:27:16: .*sum of 'location' \(string\)"
bad_job "kind: tumble
      size: 1m" "kind: cumulate
      size: 25m
      step: 10m" "bad.yaml:22:13: transforms\[0\].window.size: a cumulate window's size \(25m\) must be a multiple of its step \(10m\)"
bad_job "kind: tumble" "kind: session
      gap: 1m" "bad.yaml:23:13: transforms\[0\].window.size: a session window takes no 'size'"
bad_job "    event_time: {column: ts, max_out_of_orderness: 10s}
" "" "bad.yaml:20:7: transforms\[0\].window: a window needs event time"

echo "window_test: ok ($checks checks)"
