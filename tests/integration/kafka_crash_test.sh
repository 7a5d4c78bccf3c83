#!/usr/bin/env bash
# Exactly once through crashes (issues 5, 13): the seed job on a real Kafka broker and the
# embedded catalog, its input arriving in slices, killed with SIGKILL at random moments and at
# every fault point (FLOE_FAULT), each time restarted as users do, with the same group id and
# the same --instance, until the input is drained. Afterwards the table equals the expected
# messages exactly (verify-table, PyIceberg, Iceberg Java), the dead letters are the bad records
# once each, output-topic read with read_committed holds each expected message exactly once,
# and no orphan data file is left.
#
#   CRASH_MESSAGES (300000), CRASH_KILLS (50): the input's size and the random kills.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/crash_lib.sh"
messages=${CRASH_MESSAGES:-300000}
min_kills=${CRASH_KILLS:-50}

crash_setup one "$messages" 24
feed one 100 1

# Every fault point twice (at its 1st to 3rd passage), then random kills: each process runs 1
# to 4 seconds, in one consumer group throughout, as instance `one` (a static member: the
# restarted process takes its dead predecessor's partitions at once).
round=0
while [ ! -e "$WORK/one-fed" ] || [ "$kills" -lt "$min_kills" ]; do
  round=$((round + 1))
  if [ "$round" -le $((2 * ${#FAULT_POINTS[@]})) ]; then
    point=${FAULT_POINTS[$(((round - 1) % ${#FAULT_POINTS[@]}))]}:$((1 + RANDOM % 3))
    start_job one "r$round" crash FLOE_INSTANCE=one FLOE_FAULT="$point"
    kill_at_random one "r$round" "$JOB_PID" 15 16  # it should die on its own well before
  else
    start_job one "r$round" crash FLOE_INSTANCE=one
    kill_at_random one "r$round" "$JOB_PID" 1 4
  fi
  restarts=$((restarts + 1))
done
[ "$faults" -ge 8 ] || fail "only $faults of the fault-point rounds died at their point"

# A death in the middle of a rebalance: at the revoke of its partitions when it stops.
IDLE=2s start_job one rebalance crash FLOE_INSTANCE=one FLOE_FAULT=during-rebalance:1
finish one rebalance "$JOB_PID"
[ "$CODE" = 137 ] && grep -q "FLOE_FAULT: killing the process at during-rebalance" "$WORK/one-rebalance.err" ||
  fail "FLOE_FAULT=during-rebalance did not kill the process (exit $CODE)"
faults=$((faults + 1))

# Drain what is left, wait until the dead attempts' files are old enough to be orphans for
# sure (checkpoint interval + timeout = 3 s), and run once more to clean up.
IDLE=3s start_job one drain crash FLOE_INSTANCE=one
finish one drain "$JOB_PID"
[ "$CODE" = 0 ] || fail "the draining run failed"
sleep 4
IDLE=1s start_job one clean crash FLOE_INSTANCE=one
finish one clean "$JOB_PID"
[ "$CODE" = 0 ] || fail "the last run failed"
grep -q "^summary: in=0 " "$WORK/one-clean.out" || fail "the last run still found input: $(grep summary "$WORK/one-clean.out")"
pass "$round rounds: $kills random SIGKILLs and $faults deaths at fault points survived, $restarts restarts"

judge one
echo "kafka_crash_test: $checks checks passed ($kills kills, $faults faults, $messages messages)"
