#!/usr/bin/env bash
# The fault a real broker cannot be made to show on cue, on `floe dev kafka` (librdkafka's mock
# cluster of 3 brokers, one of which is taken down and up again through its stdin): the seed
# job (examples/profanity-kafka.yaml) rides it out, nothing lost, nothing twice. (Every other
# Kafka test runs on a real broker: tests/peers/kafka.sh.)
source "$(dirname "$0")/lib.sh"
JOB=$SOURCE_DIR/examples/profanity-kafka.yaml
start_dev_kafka profanity_words:3,input-3:3,output-3:3 3

# A broker goes away while the job runs, and comes back: nothing lost, nothing twice.
"$FLOE" gen --count 20000 --seed 13 --match-ratio 0.2 \
  --output "$WORK/in-3.jsonl" --expect-out "$WORK/expected-3.jsonl" 2>/dev/null
produce_spread input-3 3 "$WORK/in-3.jsonl"
env WAREHOUSE="$WORK/w-three" CHECKPOINT_INTERVAL=1s GROUP_ID=three "$FLOE" run "$JOB" \
  --set sources.messages.properties.topics=input-3 --set sinks.output.topic=output-3 \
  --stop-when-idle 10s >"$WORK/run-three.txt" 2>"$WORK/run-three.err" &
job=$!
sleep 4
echo "down 2" >"$KAFKA_CTL"
sleep 3
echo "up 2" >"$KAFKA_CTL"
wait $job || { grep -v '^%' "$WORK/run-three.err" >&2; fail "the job failed when a broker went down"; }
verify "$WORK/w-three" raw_messages.filtered_messages "$WORK/expected-3.jsonl"
consume_all output-3 "$WORK/output-3.jsonl"
[ "$(rows_as_set "$WORK/output-3.jsonl")" = "$(rows_as_set "$WORK/expected-3.jsonl")" ] ||
  fail "output-3 differs after a broker went down and came back"
pass "a broker down and up again costs nothing"


echo "kafka_mock_fault_test: $checks checks passed"
