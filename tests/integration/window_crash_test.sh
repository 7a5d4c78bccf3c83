#!/usr/bin/env bash
# A window job through crashes (issue 14): tumbling, then session windows over 300000 rows of one
# file, the process killed with SIGKILL at every fault point (after-state-write among them: state
# files written, nothing committed) and at random moments, restarted until a run ends cleanly. The
# table must equal the reference's windows exactly (computed by window_reference.py, as an
# uncrashed run is checked in window_test.sh), and each late row must be in the dead-letter
# table once: no window lost or doubled, whatever the moment of the crash. Each run takes another
# job.parallelism (1, 2 or 3 window shards), so a state written by some shards is restored
# into another number of them.
source "$(dirname "$0")/lib.sh"
source "$SOURCE_DIR/tests/integration/windows/window_lib.sh"

python3 "$REF" gen "$WORK/in.jsonl" 300000 200 11
POINTS=(after-state-write after-data-file after-manifest before-commit
  after-commit-before-response after-state-write)

# run_once ROUND MODE: one run, MODE "clean", "kill" (SIGKILL after 0.3-1.8 s) or a fault
# point (POINT:N); sets CODE (0 done, 137 killed).
run_once() {
  local code=0
  export PARALLELISM=$((1 + RANDOM % 3))
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

# crash_until_drained KIND LENGTHS SIZE GAP: the job of KIND through the crashes, then judged.
crash_until_drained() {
  local kind=$1
  python3 "$REF" ref "$WORK/in.jsonl" "$kind" "$3" 0 0 "$4" 10 0 "$WORK/$kind-expected.jsonl" \
    "$WORK/$kind-late.txt"
  write_job "$WORK/job.yaml" "$kind" "$2" 100ms
  with_parallelism "$WORK/job.yaml" '${PARALLELISM}'
  W=$WORK/warehouse-$kind
  local round=0 killed=0 done=0 point
  for point in "${POINTS[@]}"; do
    round=$((round + 1))
    run_once "$kind-$round" "$point:$((1 + RANDOM % 3))"
    [ "$CODE" = 137 ] && killed=$((killed + 1))
  done
  for _ in $(seq 1 8); do
    round=$((round + 1))
    run_once "$kind-$round" kill
    [ "$CODE" = 137 ] && killed=$((killed + 1))
  done
  while [ "$done" = 0 ]; do
    round=$((round + 1))
    [ "$round" -lt 40 ] || fail "$kind: not drained after $round runs"
    run_once "$kind-$round" clean
    [ "$CODE" = 0 ] && done=1
  done
  pass "$kind: $killed runs killed (fault points and random SIGKILLs), drained in run $round"
  verify "$W" "windows.$kind" "$WORK/$kind-expected.jsonl"
  check_late "$W" "$kind" "$WORK/$kind-late.txt"
  pass "$kind: $(wc -l <"$WORK/$kind-expected.jsonl") windows as without crashes, $(wc -l <"$WORK/$kind-late.txt") late rows dead-lettered once each"
}

crash_until_drained tumble "      size: 1m" 60 0
crash_until_drained session "      gap: 30s" 0 30
echo "window_crash_test: ok ($checks checks)"
