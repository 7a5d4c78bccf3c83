#!/usr/bin/env bash
# The dashboard in a real browser (issue 17): a Kafka job (floe dev kafka, messages arriving
# all along, some bad) runs with --http; Debian's headless chromium, driven by playwright-core
# (tests/browser/dashboard.mjs), opens its page, waits until the charts show records, saves a
# screenshot and checks that it is not blank and that the page asked nothing of another host.
# FLOE_SCREENSHOT=PATH keeps the screenshot.
source "$(dirname "$0")/lib.sh"
BROWSER_DIR=$SOURCE_DIR/tests/browser
[ -x /usr/bin/chromium ] || fail "chromium not installed: run scripts/install-deps.sh"
[ -d "$BROWSER_DIR/node_modules/playwright-core" ] || fail "playwright-core not installed: run scripts/install-deps.sh"

start_dev_kafka profanity_words:3,output-topic:3 1
"$FLOE" gen --count 40000 --seed 21 --match-ratio 0.2 --bad-ratio 0.01 --output "$WORK/in.jsonl" 2>/dev/null
split -n l/40 -d -a 2 "$WORK/in.jsonl" "$WORK/part-"

# Messages keep arriving while the page is open: one part every 300 ms.
(
  for part in "$WORK"/part-*; do
    kcat -b "$KAFKA_BOOTSTRAP_SERVERS" -t profanity_words -P <"$part"
    sleep 0.3
  done
) &

WAREHOUSE="$WORK/wh" CHECKPOINT_INTERVAL=1s "$FLOE" run "$SOURCE_DIR/examples/profanity-kafka.yaml" \
  --http 127.0.0.1:0 >"$WORK/run.out" 2>"$WORK/run.err" &
JOB_PID=$!
for _ in $(seq 100); do
  HTTP=$(sed -n 's|^floe: serving \(http://127\.0\.0\.1:[0-9]*/\) .*|\1|p' "$WORK/run.err")
  [ -n "$HTTP" ] && break
  sleep 0.1
done
[ -n "$HTTP" ] || fail "the job did not say where it serves: $(cat "$WORK/run.err")"

shot=${FLOE_SCREENSHOT:-$WORK/dashboard.png}
out=$(cd "$BROWSER_DIR" && node dashboard.mjs "$HTTP" "$shot" 2>&1) || {
  echo "$out" >&2
  grep -v '^%' "$WORK/run.err" | tail -n 20 >&2
  fail "the dashboard check failed"
}
pass "$out"
[ -s "$shot" ] || fail "no screenshot"
pass "screenshot $(stat -c %s "$shot") bytes"

kill -TERM "$JOB_PID"
wait "$JOB_PID" || fail "the job exited with an error on SIGTERM"
echo "dashboard_browser_test: $checks checks passed"
