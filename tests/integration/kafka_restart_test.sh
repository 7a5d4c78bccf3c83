#!/usr/bin/env bash
# Restart at once (issue 13), on a real Kafka broker: the seed job with --instance, killed with
# SIGKILL while it holds its partitions, restarted with the same --instance and group id, gets
# them back long before the dead process's session (30 s here) times out, and the run ends with
# every message in the table once. A process that gets no partition (a live member of its group
# holds the only one) does not exit 0 having read nothing: --stop-when-idle fails, naming the
# group and the member.
source "$(dirname "$0")/lib.sh"
JOB=$SOURCE_DIR/examples/profanity-kafka.yaml
start_kafka profanity_words:3,output-topic:3,single:1,single-out:1

"$FLOE" gen --count 20000 --seed 21 --match-ratio 0.2 \
  --output "$WORK/in.jsonl" --expect-out "$WORK/expected.jsonl" 2>/dev/null
produce_spread profanity_words 3 "$WORK/in.jsonl"

# job TAG [ARGS...]: the job in the background with group `restart`, a 30 s session and the
# warehouse $WORK/w; its output in $WORK/run-TAG.{txt,err}; sets JOB_PID.
job() {
  local tag=$1
  shift
  env WAREHOUSE="$WORK/w" GROUP_ID=restart CHECKPOINT_INTERVAL=1s "$FLOE" run "$JOB" \
    --set sources.messages.properties.session.timeout.ms=30000 "$@" \
    >"$WORK/run-$tag.txt" 2>"$WORK/run-$tag.err" &
  JOB_PID=$!
}

# wait_assigned TAG: waits (60 s at most) until the process logs its assignment.
wait_assigned() {
  for _ in $(seq 1 600); do
    grep -q "assigned 3 partitions" "$WORK/run-$1.err" 2>/dev/null && return 0
    sleep 0.1
  done
  grep -v '^%' "$WORK/run-$1.err" >&2
  fail "process $1 got no partitions within 60 s"
}

job first --instance seed-1 --set sources.messages.properties.max.partition.fetch.bytes=2048
wait_assigned first
sleep 1
kill -9 "$JOB_PID"
wait "$JOB_PID" 2>/dev/null || true
pass "killed the first process (SIGKILL) while it held its partitions"

started=$(date +%s%N)
job second --instance seed-1 --stop-when-idle 5s
wait_assigned second
took_ms=$((($(date +%s%N) - started) / 1000000))
echo "restarted with the same --instance: partitions back after $took_ms ms (session timeout 30000 ms)"
[ "$took_ms" -lt 30000 ] || fail "the restart waited $took_ms ms, as long as the dead session"
pass "the restarted process got its partitions after $took_ms ms, before the session timeout"
wait "$JOB_PID" || { grep -v '^%' "$WORK/run-second.err" >&2; fail "the restarted process failed"; }
verify "$WORK/w" raw_messages.filtered_messages "$WORK/expected.jsonl"
consume_all output-topic "$WORK/output.jsonl"
[ "$(rows_as_set "$WORK/output.jsonl")" = "$(rows_as_set "$WORK/expected.jsonl")" ] ||
  fail "output-topic differs from the expected messages after the restart"
pass "after the kill and the restart, output-topic holds each expected message once"

# A live member holds the only partition: a second process of the group gets none, and with
# --stop-when-idle it fails after the bound (1 s + 30 s), naming the group, not exit 0.
# single ARGS...: the job on topic `single` in group single-group (it execs: call it in a subshell).
single() {
  exec env WAREHOUSE="$WORK/w-single" GROUP_ID=single-group CHECKPOINT_INTERVAL=1s "$FLOE" run "$JOB" \
    --set sources.messages.properties.topics=single --set sinks.output.topic=single-out "$@"
}
(single --instance holder >"$WORK/run-holder.txt" 2>"$WORK/run-holder.err") &
holder=$!
for _ in $(seq 1 600); do
  grep -q "assigned 1 partition:" "$WORK/run-holder.err" 2>/dev/null && break
  sleep 0.1
done
grep -q "assigned 1 partition:" "$WORK/run-holder.err" || fail "the holder got no partition"
set +e
(single --instance idle --stop-when-idle 1s >"$WORK/run-idle.txt" 2>"$WORK/run-idle.err")
code=$?
set -e
kill -TERM "$holder"
wait "$holder" || fail "the holder did not stop cleanly on SIGTERM"
[ "$code" != 0 ] || fail "a process that got no partition exited 0: $(cat "$WORK/run-idle.txt")"
grep -q "kafka: group 'single-group' gave this process no partition of single in 31 s: the group is Stable with 1 other member" "$WORK/run-idle.err" ||
  fail "the error does not name the group and its member: $(grep -v '^%' "$WORK/run-idle.err")"
pass "no partition within the bound: exit $code, $(grep -o "kafka: group 'single-group'[^.]*" "$WORK/run-idle.err" | head -n 1)"

echo "kafka_restart_test: $checks checks passed"
