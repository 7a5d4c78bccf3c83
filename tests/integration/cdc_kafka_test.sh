#!/usr/bin/env bash
# CDC on a real Kafka broker (issue 15): the change stream of cdc_gen.py produced to a topic of 4
# partitions keyed by user_id (a key's changes stay in one partition, in order; tombstones are
# null values), while two floe processes of the job read it in one consumer group (static members
# cdc-a and cdc-b) and are killed with SIGKILL in turn at random moments, once at
# after-index-write (the key index written, its snapshot not), and restarted under the same
# group id and instance name. Afterwards the current-state table equals the generator's final
# state exactly (DuckDB, icebird, PyIceberg), the audit table holds every change once and the
# dead-letter table every bad record once.
#
#   CDC_KAFKA_CHANGES (2000 a file, 2 files), CDC_KAFKA_ROUNDS (4): size and kills.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/crash_lib.sh"
source "$(dirname "$0")/cdc_lib.sh"
changes=${CDC_KAFKA_CHANGES:-2000}
rounds=${CDC_KAFKA_ROUNDS:-4}
JOB=$WORK/cdc.yaml
cdc_job "$JOB" kafka
W=$WORK/warehouse

cdc_gen --files 2 --keys 500 --changes "$changes" --seed 17
cat "$WORK"/changes-{1,2}.jsonl >"$WORK/changes.jsonl"
cdc_keyed "$WORK/changes.jsonl" "$WORK/keyed.txt"
read -r bad live < <(python3 -c '
import json,sys; g=json.load(open(sys.argv[1])); print(g["bad"], g["live"])' "$WORK/gen.json")
start_kafka "cdc-in:4"

# The input in 8 slices, 0.6 s apart (in the background; $WORK/fed appears at the end).
split -n l/8 -d -a 2 "$WORK/keyed.txt" "$WORK/slice-"
(
  for slice in "$WORK"/slice-*; do
    kcat -b "$KAFKA_BOOTSTRAP_SERVERS" -t cdc-in -K $'\t' -Z -P -X enable.idempotence=true <"$slice"
    sleep 0.6
  done
  touch "$WORK/fed"
) &

declare -A pid tag
runs=0
# cdc_start P [VAR=VALUE...]: process P (a or b) of the job, instance cdc-P, in the background.
cdc_start() {
  local p=$1
  shift
  runs=$((runs + 1))
  tag[$p]=$p$runs
  spawn cdc "${tag[$p]}" env WAREHOUSE="$W" TOPIC=cdc-in GROUP_ID=cdc FLOE_INSTANCE="cdc-$p" "$@" \
    "$FLOE" run "$JOB" --stop-when-idle 4s --set job.checkpoint.interval=300ms \
    --set sources.users.properties.session.timeout.ms=6000 \
    --set sources.users.properties.heartbeat.interval.ms=500
  pid[$p]=$JOB_PID
}

# cdc_reap P: if P ended, counts how (its fault point, or a clean end) and restarts it while
# input may still come.
cdc_reap() {
  local p=$1
  kill -0 "${pid[$p]}" 2>/dev/null && return 0
  finish cdc "${tag[$p]}" "${pid[$p]}"
  if [ "$CODE" = 137 ]; then
    grep -q "FLOE_FAULT: killing the process at after-index-write" "$WORK/cdc-${tag[$p]}.err" ||
      fail "process ${tag[$p]} died (137) without a fault point"
    faults=$((faults + 1))
  fi
  cdc_start "$p"
}

cdc_start a
cdc_start b
for ((round = 1; round <= rounds; round++)); do
  victim=$([ $((round % 2)) = 1 ] && echo a || echo b)
  sleep "$((RANDOM % 2)).$((RANDOM % 10))"
  cdc_reap a
  cdc_reap b
  kill -9 "${pid[$victim]}" 2>/dev/null || true
  finish cdc "${tag[$victim]}" "${pid[$victim]}"
  [ "$CODE" = 137 ] && kills=$((kills + 1))
  if [ "$round" = 1 ]; then
    # Its first commit with changes dies between the key index and the snapshot (its
    # partitions still hold what it had not committed): wait for that, then restart it.
    cdc_start "$victim" FLOE_FAULT=after-index-write:1
    finish cdc "${tag[$victim]}" "${pid[$victim]}"
    [ "$CODE" = 137 ] &&
      grep -q "FLOE_FAULT: killing the process at after-index-write" "$WORK/cdc-${tag[$victim]}.err" ||
      fail "process ${tag[$victim]} did not die at after-index-write (exit $CODE)"
    faults=$((faults + 1))
  fi
  cdc_start "$victim"
done
while [ ! -e "$WORK/fed" ]; do sleep 0.2; done
# Both run until idle; one that dies at its fault point after the rounds is restarted.
for p in a b; do
  while :; do
    finish cdc "${tag[$p]}" "${pid[$p]}"
    [ "$CODE" = 0 ] && break
    grep -q "FLOE_FAULT: killing the process at after-index-write" "$WORK/cdc-${tag[$p]}.err" ||
      fail "process ${tag[$p]} died (137) without a fault point"
    faults=$((faults + 1))
    cdc_start "$p"
  done
done
[ "$faults" -ge 1 ] || fail "no process died at after-index-write"
pass "two processes in one group: $kills random SIGKILLs, $faults deaths at after-index-write, $runs runs"

verify "$W" streaming.users_current "$WORK/expected-current.jsonl"
verify "$W" streaming.users_audit "$WORK/expected-audit.jsonl"
meta=$(metadata_location "$W" streaming.users_dead)
node "$PEER/verify-table.mjs" "$meta" --rows "$WORK/dead-rows.jsonl" >/dev/null 2>&1 ||
  fail "verify-table rejected the dead letters"
[ "$(wc -l <"$WORK/dead-rows.jsonl")" = "$bad" ] ||
  fail "$(wc -l <"$WORK/dead-rows.jsonl") dead letters, the generator made $bad bad records"
pass "the dead-letter table holds each of the $bad bad records once"
echo "cdc_kafka_test: $checks checks passed ($live live keys, $kills kills, $faults faults)"
