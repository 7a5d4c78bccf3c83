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
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build}
runs=${2:-3}
count=${3:-1000000}
partitions=64
floe=$build/floe
work=$(mktemp -d "${TMPDIR:-/tmp}/floe-kafka-bench.XXXXXX")
cleanup() {
  [ -z "${kafka_pid:-}" ] || kill "$kafka_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
[ -x /usr/bin/time ] || { echo "kafka_job.sh needs /usr/bin/time (apt-get install time)" >&2; exit 2; }

printf '%-10s %-6s %12s %10s %12s\n' messages match records/s MB/s peak_RSS_MB
for ratio in 0.1 1.0; do
  "$floe" gen --count "$count" --seed 42 --match-ratio "$ratio" --output "$work/in.jsonl" 2>/dev/null
  split -n "l/$partitions" -d -a 3 "$work/in.jsonl" "$work/part-"
  results=()
  for run in $(seq "$runs"); do
    "$floe" dev kafka --topics "profanity_words:$partitions,output-topic:$partitions" </dev/null \
      >"$work/kafka.out" 2>/dev/null &
    kafka_pid=$!
    until grep -q '^bootstrap=' "$work/kafka.out" 2>/dev/null; do sleep 0.1; done
    bootstrap=$(sed -n 's/^bootstrap=//p' "$work/kafka.out")
    for ((p = 0; p < partitions; p++)); do
      kcat -b "$bootstrap" -t profanity_words -p "$p" -P <"$work/part-$(printf '%03d' "$p")"
    done
    rm -rf "$work/warehouse"
    KAFKA_BOOTSTRAP_SERVERS=$bootstrap WAREHOUSE=$work/warehouse CHECKPOINT_INTERVAL=30s \
      /usr/bin/time -f '%M' -o "$work/rss" "$floe" run "$here/examples/profanity-kafka.yaml" \
      --stop-when-idle 3s >"$work/summary" 2>"$work/log"
    kill "$kafka_pid"
    wait "$kafka_pid" 2>/dev/null || true
    kafka_pid=
    line=$(grep '^summary:' "$work/summary")
    in=$(echo "$line" | sed 's/.* in=\([0-9]*\).*/\1/')
    bytes=$(echo "$line" | sed 's/.* bytes=\([0-9]*\).*/\1/')
    active=$(echo "$line" | sed 's/.* active_seconds=\([0-9.]*\).*/\1/')
    [ "$in" = "$count" ] || { echo "run $run read $in of $count messages" >&2; exit 1; }
    results+=("$(awk -v n="$in" -v b="$bytes" -v t="$active" -v r="$(cat "$work/rss")" \
      'BEGIN { printf "%.0f %.1f %.1f", n / t, b / t / 1e6, r / 1024 }')")
  done
  median=$(printf '%s\n' "${results[@]}" | sort -n -k1 | sed -n "$(((runs + 1) / 2))p")
  read -r rate mbs rss <<<"$median"
  printf '%-10s %-6s %12s %10s %12s\n' "$count" "$ratio" "$rate" "$mbs" "$rss"
  rm -f "$work"/part-*
done
