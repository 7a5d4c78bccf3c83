#!/usr/bin/env bash
# Exactly once through crashes with two processes in one consumer group (issues 5, 13): both
# run the seed job on a real Kafka broker while its input arrives, as dynamic group members (no
# --instance), so that a dead one's partitions move to the other once its 6 s session times out
# (its open transaction is aborted by the 10 s transaction timeout); they are killed with
# SIGKILL in turn and restarted, so partitions move between them again and again; one dies in
# the middle of a rebalance (FLOE_FAULT=during-rebalance). Afterwards the table equals
# the expected messages exactly, the dead letters are the bad records once each, output-topic
# read with read_committed holds each expected message exactly once, and no orphan data file
# is left.
#
#   CRASH_MESSAGES (100000), CRASH_KILLS (10): the input's size and the kills in turn.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/crash_lib.sh"
messages=${CRASH_MESSAGES:-100000}
turns=${CRASH_KILLS:-10}

crash_setup pair "$messages" 24
feed pair 40 1.5

declare -A pid
IDLE=600s start_job pair a1 pair
pid[a]=$JOB_PID
IDLE=600s start_job pair b1 pair
pid[b]=$JOB_PID
declare -A tag=([a]=a1 [b]=b1)
runs=2

# restart P [VAR=VALUE...]: a new process in P's place.
restart() {
  local p=$1
  shift
  runs=$((runs + 1))
  tag[$p]=$p$runs
  IDLE=600s start_job pair "${tag[$p]}" pair "$@"
  pid[$p]=$JOB_PID
  restarts=$((restarts + 1))
}

# restart_if_faulted P: if P died at its fault point, counts it and restarts P.
restart_if_faulted() {
  local p=$1
  kill -0 "${pid[$p]}" 2>/dev/null && return 0
  finish pair "${tag[$p]}" "${pid[$p]}"
  grep -q "FLOE_FAULT: killing the process at during-rebalance" "$WORK/pair-${tag[$p]}.err" ||
    fail "process ${tag[$p]} ended (exit $CODE) without being killed"
  faults=$((faults + 1))
  restart "$p"
}

for ((turn = 1; turn <= turns; turn++)); do
  victim=$([ $((turn % 2)) = 1 ] && echo a || echo b)
  other=$([ "$victim" = a ] && echo b || echo a)
  sleep "$((2 + RANDOM % 4)).$((RANDOM % 10))"
  restart_if_faulted a
  restart_if_faulted b
  if [ "${tag[$victim]}" = "${fault_tag:-}" ]; then
    # Started to die at its first revoke, and no rebalance has taken partitions from it yet:
    # stopping it revokes them all (it dies there, with its partitions still to be handed on).
    for ((waited = 0; waited < 400; waited++)); do
      grep -q "assigned" "$WORK/pair-${tag[$victim]}.err" && break
      sleep 0.1
    done
    kill -TERM "${pid[$victim]}"
    finish pair "${tag[$victim]}" "${pid[$victim]}"
    grep -q "FLOE_FAULT: killing the process at during-rebalance" "$WORK/pair-${tag[$victim]}.err" ||
      fail "process ${tag[$victim]} did not die at during-rebalance (exit $CODE)"
    faults=$((faults + 1))
  else
    kill -9 "${pid[$victim]}" 2>/dev/null || true
    finish pair "${tag[$victim]}" "${pid[$victim]}"
    kills=$((kills + 1))
  fi
  if [ "$turn" = $((turns / 2)) ]; then
    restart "$victim" FLOE_FAULT=during-rebalance:1
    fault_tag=${tag[$victim]}
  else
    restart "$victim"
  fi
done

# Let the survivors catch up, then stop them as an operator would (SIGTERM: commit, exit 0).
while [ ! -e "$WORK/pair-fed" ]; do sleep 1; done
sleep 8
for p in a b; do
  if kill -0 "${pid[$p]}" 2>/dev/null; then
    kill -TERM "${pid[$p]}"
    finish pair "${tag[$p]}" "${pid[$p]}"
  else
    finish pair "${tag[$p]}" "${pid[$p]}"
    grep -q "FLOE_FAULT: killing the process" "$WORK/pair-${tag[$p]}.err" && faults=$((faults + 1))
  fi
done
[ "$faults" -ge 1 ] || fail "no process died at during-rebalance"

IDLE=3s start_job pair drain pair
finish pair drain "$JOB_PID"
[ "$CODE" = 0 ] || fail "the draining run failed"
sleep 4
IDLE=1s start_job pair clean pair
finish pair clean "$JOB_PID"
[ "$CODE" = 0 ] || fail "the last run failed"
pass "two processes in one group: $kills kills in turn, $faults deaths at during-rebalance, $restarts restarts"

judge pair
echo "kafka_crash_pair_test: $checks checks passed ($kills kills, $faults faults, $messages messages)"
