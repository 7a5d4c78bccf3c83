#!/usr/bin/env bash
# The seed job on Kafka (issue 4's benchmark): `floe dev kafka` (librdkafka's mock cluster) →
# examples/profanity-kafka.yaml (consume → decode → filter → Iceberg zstd + output-topic + dead
# letters) at 10% and 100% matching. The rate is over the job's active span (first to last
# record, from its summary), so the group join and the idle wait at the end do not count;
# records/s, input MB/s and peak RSS, the median of RUNS runs.
#
#   bench/kafka_job.sh [BUILD_DIR] [RUNS] [MESSAGES]     (defaults: build, 3, 1000000)
#
# The mock keeps about 5 MB per partition, so the messages are spread over 64 partitions.
# Sourced (as bench/run.sh does), it defines kafka_split and kafka_run_once and runs nothing.
set -euo pipefail

# kafka_split INPUT PARTITIONS DIR: cuts INPUT at line breaks into PARTITIONS files
# DIR/part-000, DIR/part-001, ..., one per partition.
kafka_split() {
  rm -f "$3"/part-*
  split -n "l/$2" -d -a 3 "$1" "$3/part-"
}

# kafka_run_once FLOE JOB PARTS_DIR PARTITIONS WORK: starts a mock cluster with PARTITIONS
# partitions in profanity_words and output-topic, loads PARTS_DIR/part-NNN into partition NNN
# with kcat, runs FLOE on JOB until idle for 3 s (tables in WORK/warehouse, logs in WORK) and stops
# the cluster. It sets kafka_in, kafka_bytes and kafka_active_seconds from the job's summary and
# kafka_rss_kb from /usr/bin/time. While the cluster runs its pid is in kafka_pid, for the
# caller's EXIT trap; so call it directly, not in $(...).
kafka_run_once() {
  local floe=$1 job=$2 parts=$3 partitions=$4 work=$5 bootstrap line p
  rm -f "$work/kafka.out"
  "$floe" dev kafka --topics "profanity_words:$partitions,output-topic:$partitions" </dev/null \
    >"$work/kafka.out" 2>"$work/kafka.err" &
  kafka_pid=$!
  for ((p = 0; p < 100; p++)); do
    grep -q '^bootstrap=' "$work/kafka.out" 2>/dev/null && break
    kill -0 "$kafka_pid" 2>/dev/null || break
    sleep 0.1
  done
  grep -q '^bootstrap=' "$work/kafka.out" 2>/dev/null || {
    echo "floe dev kafka did not start: $(cat "$work/kafka.err")" >&2
    return 1
  }
  bootstrap=$(sed -n 's/^bootstrap=//p' "$work/kafka.out")
  for ((p = 0; p < partitions; p++)); do
    kcat -b "$bootstrap" -t profanity_words -p "$p" -P <"$parts/part-$(printf '%03d' "$p")"
  done
  rm -rf "$work/warehouse"
  KAFKA_BOOTSTRAP_SERVERS=$bootstrap WAREHOUSE=$work/warehouse CHECKPOINT_INTERVAL=30s \
    /usr/bin/time -f '%M' -o "$work/rss" "$floe" run "$job" \
    --stop-when-idle 3s >"$work/summary" 2>"$work/log" || {
    echo "floe run $job failed: $(tail -n 5 "$work/log")" >&2
    return 1
  }
  kill "$kafka_pid"
  wait "$kafka_pid" 2>/dev/null || true
  kafka_pid=
  line=$(grep '^summary:' "$work/summary")
  kafka_in=$(echo "$line" | sed 's/.* in=\([0-9]*\).*/\1/')
  kafka_bytes=$(echo "$line" | sed 's/.* bytes=\([0-9]*\).*/\1/')
  kafka_active_seconds=$(echo "$line" | sed 's/.* active_seconds=\([0-9.]*\).*/\1/')
  kafka_rss_kb=$(tail -n 1 "$work/rss")
}

kafka_job_main() {
  here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
  build=${1:-$here/build}
  runs=${2:-3}
  count=${3:-1000000}
  partitions=64
  floe=$build/floe
  work=$(mktemp -d "${TMPDIR:-/tmp}/floe-kafka-bench.XXXXXX")
  trap '[ -z "${kafka_pid:-}" ] || kill "$kafka_pid" 2>/dev/null || true; rm -rf "$work"' EXIT
  [ -x /usr/bin/time ] || { echo "kafka_job.sh needs /usr/bin/time (apt-get install time)" >&2; exit 2; }

  printf '%-10s %-6s %12s %10s %12s\n' messages match records/s MB/s peak_RSS_MB
  for ratio in 0.1 1.0; do
    "$floe" gen --count "$count" --seed 42 --match-ratio "$ratio" --output "$work/in.jsonl" 2>/dev/null
    kafka_split "$work/in.jsonl" "$partitions" "$work"
    results=()
    for run in $(seq "$runs"); do
      kafka_run_once "$floe" "$here/examples/profanity-kafka.yaml" "$work" "$partitions" "$work"
      [ "$kafka_in" = "$count" ] || { echo "run $run read $kafka_in of $count messages" >&2; exit 1; }
      results+=("$(awk -v n="$kafka_in" -v b="$kafka_bytes" -v t="$kafka_active_seconds" \
        -v r="$kafka_rss_kb" 'BEGIN { printf "%.0f %.1f %.1f", n / t, b / t / 1e6, r / 1024 }')")
    done
    median=$(printf '%s\n' "${results[@]}" | sort -n -k1 | sed -n "$(((runs + 1) / 2))p")
    read -r rate mbs rss <<<"$median"
    printf '%-10s %-6s %12s %10s %12s\n' "$count" "$ratio" "$rate" "$mbs" "$rss"
    rm -f "$work"/part-*
  done
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then kafka_job_main "$@"; fi
