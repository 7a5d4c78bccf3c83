#!/usr/bin/env bash
# Partitions lost on a real Kafka broker: a process of the seed job reads every message and holds
# them uncommitted (checkpoints far apart), then stops (SIGSTOP) for longer than its session.
# The group gives its partitions to a second process, which writes every expected row and ends.
# When the first process runs again, librdkafka reports its partitions lost (no revoke). It must
# not commit what it held: the second has written those rows. Before, the rows stayed in its
# sinks and went into its next commit: the table and output-topic held them twice. Now the
# worker discards them and rejoins; the table and output-topic hold each expected row once.
source "$(dirname "$0")/lib.sh"
COUNT=20000
start_kafka profanity_words:4,output-topic:4

"$FLOE" gen --count $COUNT --seed 19 --match-ratio 0.2 \
  --output "$WORK/in.jsonl" --expect-out "$WORK/expected.jsonl" 2>/dev/null
produce_spread profanity_words 4 "$WORK/in.jsonl"

# job TAG [ARGS...]: the seed job in group `lost`, heartbeats every 0.5 s.
job() {
  local tag=$1
  shift
  seed_kafka_job lost "$tag" --set sources.messages.properties.heartbeat.interval.ms=500 "$@"
}

job first --instance first --http 127.0.0.1:0
first=$!
wait_http first
wait_records_in "$COUNT"
pass "the first process read all $COUNT messages and holds them uncommitted"

kill -STOP "$first"
job second --instance second --stop-when-idle 3s
second=$!
wait "$second" || { grep -v '^%' "$WORK/run-second.err" >&2; fail "the second process failed"; }
grep -q "assigned 4 partitions" "$WORK/run-second.err" ||
  fail "the second process did not get the 4 partitions: $(grep -v '^%' "$WORK/run-second.err")"
pass "the second process took the stopped one's partitions, wrote them and left"
verify "$WORK/w" raw_messages.filtered_messages "$WORK/expected.jsonl" >/dev/null

kill -CONT "$first"
for _ in $(seq 300); do
  grep -q "lost 4 partitions" "$WORK/run-first.err" && break
  sleep 0.1
done
grep -q "lost 4 partitions" "$WORK/run-first.err" ||
  fail "the first process was not told its partitions were lost: $(grep -v '^%' "$WORK/run-first.err")"
for _ in $(seq 300); do
  grep -q "worker 0: assigned" <(sed -n '/lost 4 partitions/,$p' "$WORK/run-first.err") && break
  sleep 0.1
done
pass "the first process, running again, lost its partitions and rejoined"
kill -TERM "$first"
wait "$first" || { grep -v '^%' "$WORK/run-first.err" >&2; fail "the first process failed"; }

verify "$WORK/w" raw_messages.filtered_messages "$WORK/expected.jsonl" >/dev/null
consume_all output-topic "$WORK/output.jsonl"
[ "$(rows_as_set "$WORK/output.jsonl")" = "$(rows_as_set "$WORK/expected.jsonl")" ] ||
  fail "output-topic differs from the expected messages: $(wc -l <"$WORK/output.jsonl") lines"
pass "the table and output-topic hold each expected message once"
echo "kafka_lost_test: $checks checks passed"
