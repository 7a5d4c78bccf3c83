#!/usr/bin/env bash
# Partitions handed over on a real Kafka broker (issue 18): a process of the seed job reads every
# message, then a second process of the job joins its group and takes some partitions. The first
# commits them as it gives them up, and the second starts where it stopped: no message is read
# twice (the processes' `in` counters add up to the messages produced), and the table and
# output-topic hold each expected row once. Before, the dead-letter table (no rows, so its empty
# commit was deferred) had no offsets for them, and the new owner read them again from the start.
source "$(dirname "$0")/lib.sh"
COUNT=20000
start_kafka profanity_words:4,output-topic:4

"$FLOE" gen --count $COUNT --seed 18 --match-ratio 0.2 \
  --output "$WORK/in.jsonl" --expect-out "$WORK/expected.jsonl" 2>/dev/null
produce_spread profanity_words 4 "$WORK/in.jsonl"

# job TAG [ARGS...]: the seed job in group `handover`.
job() {
  local tag=$1
  shift
  seed_kafka_job handover "$tag" "$@"
}

job first --instance first --http 127.0.0.1:0
first=$!
wait_http first
wait_records_in "$COUNT"
pass "the first process read all $COUNT messages and holds the 4 partitions"

job second --instance second --stop-when-idle 3s
second=$!
wait "$second" || { grep -v '^%' "$WORK/run-second.err" >&2; fail "the second process failed"; }
grep -q "assigned 2 partitions" "$WORK/run-second.err" ||
  fail "the second process got no partitions: $(grep -v '^%' "$WORK/run-second.err")"
grep -q "revoked 2 partitions" "$WORK/run-first.err" ||
  fail "the first process gave up no partitions: $(grep -v '^%' "$WORK/run-first.err")"
pass "the second process took 2 partitions from the first, read them to their end and left"
kill -TERM "$first"
wait "$first" || { grep -v '^%' "$WORK/run-first.err" >&2; fail "the first process failed"; }

in_first=$(summary_field first in)
in_second=$(summary_field second in)
echo "read: first process $in_first, second $in_second, produced $COUNT"
[ "$((in_first + in_second))" = "$COUNT" ] ||
  fail "the processes read $in_first + $in_second messages of $COUNT: the second read again what the first had read"
pass "no message read twice: $in_first + $in_second = $COUNT"

verify "$WORK/w" raw_messages.filtered_messages "$WORK/expected.jsonl" >/dev/null
consume_all output-topic "$WORK/output.jsonl"
[ "$(rows_as_set "$WORK/output.jsonl")" = "$(rows_as_set "$WORK/expected.jsonl")" ] ||
  fail "output-topic differs from the expected messages after the handover"
pass "the table and output-topic hold each expected message once"
echo "kafka_handover_test: $checks checks passed"
