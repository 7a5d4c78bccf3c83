#!/usr/bin/env bash
# A window job through crashes (issue 14): tumbling windows over 300000 rows of one file, the
# process killed with SIGKILL at every fault point (after-state-write among them: state files
# written, nothing committed) and at random moments, restarted until a run ends cleanly. The
# table must equal the reference's windows exactly (computed by window_reference.py, as an
# uncrashed run is checked in window_test.sh), and each late row must be in the dead-letter
# table once: no window lost or doubled, whatever the moment of the crash.
source "$(dirname "$0")/lib.sh"
source "$SOURCE_DIR/tests/integration/windows/window_lib.sh"

python3 "$REF" gen "$WORK/in.jsonl" 300000 200 11
python3 "$REF" ref "$WORK/in.jsonl" tumble 60 0 0 0 10 0 "$WORK/tumble-expected.jsonl" \
  "$WORK/tumble-late.txt"
write_job "$WORK/job.yaml" tumble "      size: 1m" 100ms
W=$WORK/warehouse
POINTS=(after-state-write after-data-file after-manifest before-commit
  after-commit-before-response after-state-write)

# run_once ROUND MODE: one run, MODE "clean", "kill" (SIGKILL after 0.3-1.8 s) or a fault
# point (POINT:N); sets CODE (0 done, 137 killed).
run_once() {
  local code=0
  if [ "$2" = clean ]; then
    WAREHOUSE=$W INPUT_PATH=$WORK/in.jsonl "$FLOE" run "$WORK/job.yaml" \
      >"$WORK/run-$1.txt" 2>"$WORK/run-$1.err" || code=$?
  elif [ "$2" != kill ]; then
    WAREHOUSE=$W INPUT_PATH=$WORK/in.jsonl FLOE_FAULT=$2 "$FLOE" run "$WORK/job.yaml" \
      >"$WORK/run-$1.txt" 2>"$WORK/run-$1.err" || code=$?
  else
    WAREHOUSE=$W INPUT_PATH=$WORK/in.jsonl "$FLOE" run "$WORK/job.yaml" \
      >"$WORK/run-$1.txt" 2>"$WORK/run-$1.err" &
    local pid=$!
    sleep "$(awk -v r="$RANDOM" 'BEGIN { printf "%.2f", 0.3 + (r % 150) / 100 }')"
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || code=$?
  fi
  CODE=$code
  if [ "$code" != 0 ] && [ "$code" != 137 ]; then
    cat "$WORK/run-$1.err" >&2
    fail "run $1 ended with $code"
  fi
}

round=0 killed=0 done=0
for point in "${POINTS[@]}"; do
  round=$((round + 1))
  run_once "$round" "$point:$((1 + RANDOM % 3))"
  [ "$CODE" = 137 ] && killed=$((killed + 1))
done
for _ in $(seq 1 12); do
  round=$((round + 1))
  run_once "$round" kill
  [ "$CODE" = 137 ] && killed=$((killed + 1))
done
while [ "$done" = 0 ]; do
  round=$((round + 1))
  [ "$round" -lt 40 ] || fail "not drained after $round runs"
  run_once "$round" clean
  [ "$CODE" = 0 ] && done=1
done
pass "$killed runs killed (fault points and random SIGKILLs), drained in run $round"

verify "$W" windows.tumble "$WORK/tumble-expected.jsonl"
check_late "$W" tumble "$WORK/tumble-late.txt"
pass "$(wc -l <"$WORK/tumble-expected.jsonl") windows as without crashes, $(wc -l <"$WORK/tumble-late.txt") late rows dead-lettered once each"
echo "window_crash_test: ok ($checks checks)"
