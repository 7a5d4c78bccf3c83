#!/usr/bin/env bash
# The seed job on Kafka (issue 4's benchmark): `floe dev kafka` (librdkafka's mock cluster) →
# examples/profanity-kafka.yaml (consume → decode → filter → Iceberg zstd + output-topic + dead
# letters) at 10% and 100% matching. The rate is over the job's active span (first to last
# record, from its summary), so the group join and the idle wait at the end do not count;
# records/s, input MB/s and peak RSS, the median of RUNS runs.
#
#   bench/kafka_job.sh [BUILD_DIR] [RUNS] [MESSAGES]     (defaults: build, 3, 1000000)
#   bench/kafka_job.sh --real [BUILD_DIR] [RUNS] [MESSAGES] [PARTITIONS]   (issue 18)
#
# The mock keeps about 5 MB per partition, so the messages are spread over 64 partitions.
# --real uses a real Apache Kafka broker (tests/peers/kafka.sh; PARTITIONS default 4) instead,
# exactly once on (the output topic written in transactions, the table's snapshots carrying the
# offsets), and measures librdkafka's consume limit on the same topic first: kcat alone reading
# it into /dev/null. It prints kcat, floe with 1 worker and floe with a worker per core, each with
# records/s, MB/s, CPU seconds per million records, peak RSS and the time from the process's start
# to its first record and to its first committed snapshot.
# Sourced (as bench/run.sh does), it defines kafka_split, kafka_run_once and the real broker's
# kafka_real_* functions and runs nothing.
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

# --- The real broker (issue 18): tests/peers/kafka.sh's Apache Kafka, one KRaft node. ---

# kafka_real_start DIR PARTITIONS [TOPIC:PARTITIONS...]: starts a broker whose files live in DIR
# and creates topic profanity_words with PARTITIONS partitions (and the other topics given). Sets
# kafka_real_dir and kafka_real_bootstrap; the caller's EXIT trap should call kafka_real_stop.
kafka_real_start() {
  local peers line
  peers=$(cd "$(dirname "${BASH_SOURCE[0]}")/../tests/peers" && pwd)
  kafka_real_dir=$1
  mkdir -p "$kafka_real_dir"
  line=$(bash "$peers/kafka.sh" start "$kafka_real_dir") || return 1
  kafka_real_bootstrap=${line#bootstrap=}
  bash "$peers/kafka.sh" topics "$kafka_real_dir" "profanity_words:$2" "${@:3}" >/dev/null ||
    return 1
}

# kafka_real_stop: stops the broker kafka_real_start started, if any.
kafka_real_stop() {
  [ -n "${kafka_real_dir:-}" ] || return 0
  bash "$(dirname "${BASH_SOURCE[0]}")/../tests/peers/kafka.sh" stop "$kafka_real_dir" || true
  kafka_real_dir=
}

# kafka_real_load INPUT: produces every line of INPUT to profanity_words (no key: librdkafka
# spreads them over the partitions), then checks that the partitions' end offsets add up to
# INPUT's line count.
kafka_real_load() {
  local lines ends
  lines=$(wc -l <"$1")
  kcat -b "$kafka_real_bootstrap" -t profanity_words -P -l -X linger.ms=20 "$1" || return 1
  ends=$(kafka_real_end_offsets)
  [ "$ends" = "$lines" ] || {
    echo "the topic holds $ends messages after producing $lines" >&2
    return 1
  }
}

# kafka_real_end_offsets: the sum of profanity_words's end offsets (its message count while
# nothing transactional was written to it).
kafka_real_end_offsets() {
  local partitions args=() p
  partitions=$(kcat -b "$kafka_real_bootstrap" -L -t profanity_words |
    sed -n 's/.* with \([0-9]*\) partitions:/\1/p')
  for ((p = 0; p < partitions; p++)); do args+=(-t "profanity_words:$p:-1"); done
  kcat -b "$kafka_real_bootstrap" -Q "${args[@]}" | awk '{ sum += $NF } END { print sum + 0 }'
}

# kcat_consume_once WORK: the consume limit, librdkafka alone: kcat reads profanity_words from
# the beginning to its end into /dev/null. Sets kcat_in (from the end offsets kcat reports),
# kcat_seconds (wall clock, start and exit included), kcat_cpu_seconds and kcat_rss_kb.
# fetch.wait.max.ms=10: a fetch at a partition's end comes back at once rather than after the
# default 500 ms, which would only add idle time at the end (while data remains the broker
# answers at once either way).
kcat_consume_once() {
  local start end user system
  start=$(date +%s.%N)
  /usr/bin/time -f '%U %S %M' -o "$1/kcat.time" kcat -C -b "$kafka_real_bootstrap" \
    -X fetch.wait.max.ms=10 -t profanity_words -o beginning -e >/dev/null 2>"$1/kcat.err" || {
    echo "kcat failed: $(tail -n 5 "$1/kcat.err")" >&2
    return 1
  }
  end=$(date +%s.%N)
  kcat_in=$(sed -n 's/.*Reached end of topic .* at offset \([0-9]*\).*/\1/p' "$1/kcat.err" |
    awk '{ sum += $1 } END { print sum + 0 }')
  kcat_seconds=$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.6f", e - s }')
  read -r user system kcat_rss_kb < <(tail -n 1 "$1/kcat.time")
  kcat_cpu_seconds=$(awk -v u="$user" -v s="$system" 'BEGIN { printf "%.2f", u + s }')
}

# table_first_snapshot_ms TABLE_DIR: the earliest snapshot's timestamp-ms over the metadata
# files in TABLE_DIR/metadata (0 when there is none).
table_first_snapshot_ms() {
  node -e '
const fs = require("fs")
const dir = process.argv[1] + "/metadata"
let first = 0
for (const name of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
  if (!name.endsWith(".metadata.json")) continue
  const metadata = JSON.parse(fs.readFileSync(`${dir}/${name}`, "utf8"))
  for (const s of metadata.snapshots ?? []) {
    if (first === 0 || s["timestamp-ms"] < first) first = s["timestamp-ms"]
  }
}
console.log(first)' "$1"
}

# first_record_probe LOG OUT: waits for the job's HTTP address in LOG ("serving URL ..."), then
# asks its /metrics every 20 ms until floe_records_in_total is above 0 and writes that moment
# (epoch ms) to OUT. Gives up after 60 s. Run in the background beside `floe run --http`.
first_record_probe() {
  local url="" in tries
  for ((tries = 0; tries < 3000; tries++)); do
    if [ -z "$url" ]; then
      url=$(sed -n 's/.*serving \(http:[^ ]*\) .*/\1/p' "$1" 2>/dev/null | head -n 1)
    else
      in=$(curl -s --max-time 1 "${url%/}/metrics" | awk '/^floe_records_in_total/ { print $2 }')
      if [ -n "$in" ] && awk -v n="$in" 'BEGIN { exit !(n > 0) }'; then
        date +%s%3N >"$2"
        return 0
      fi
    fi
    sleep 0.02
  done
}

# kafka_real_run_once FLOE JOB WORKERS WORK: runs FLOE on JOB against the real broker with
# WORKERS workers, a fresh consumer group and job name (so that no sink finds an earlier run's
# output as its own), until idle for 3 s (tables in WORK/warehouse). Sets kafka_in (records read,
# re-reads after a rebalance included), kafka_table_rows (what sink `filtered` committed to its
# table), kafka_bytes, kafka_active_seconds, kafka_rss_kb, kafka_cpu_seconds,
# kafka_wall_seconds, and from the process's start: kafka_first_record_seconds (the job's
# /metrics polled every 20 ms until a record is in; -1 if never seen) and
# kafka_first_snapshot_seconds (the first committed snapshot of raw_messages.filtered_messages).
kafka_real_run_once() {
  local floe=$1 job=$2 workers=$3 work=$4 start end line user system first_ms probe
  rm -rf "$work/warehouse" "$work/first_record"
  : >"$work/log"
  start=$(date +%s%3N)
  first_record_probe "$work/log" "$work/first_record" &
  probe=$!
  KAFKA_BOOTSTRAP_SERVERS=$kafka_real_bootstrap WAREHOUSE=$work/warehouse CHECKPOINT_INTERVAL=30s \
    GROUP_ID="bench-real-$start" \
    /usr/bin/time -f '%U %S %M' -o "$work/floe.time" "$floe" run "$job" \
    --set "job.name=bench-real-$start" --set "job.parallelism=$workers" \
    --stop-when-idle 3s --http 127.0.0.1:0 >"$work/summary" 2>"$work/log" || {
    kill "$probe" 2>/dev/null || true
    echo "floe run $job failed: $(tail -n 5 "$work/log")" >&2
    return 1
  }
  end=$(date +%s%3N)
  kill "$probe" 2>/dev/null || true
  wait "$probe" 2>/dev/null || true
  kafka_first_record_seconds=$(awk -v s="$start" -v f="$(cat "$work/first_record" 2>/dev/null)" \
    'BEGIN { printf "%.3f", (f > 0 ? (f - s) / 1000 : -1) }')
  line=$(grep '^summary:' "$work/summary")
  kafka_in=$(echo "$line" | sed 's/.* in=\([0-9]*\).*/\1/')
  kafka_bytes=$(echo "$line" | sed 's/.* bytes=\([0-9]*\).*/\1/')
  kafka_active_seconds=$(echo "$line" | sed 's/.* active_seconds=\([0-9.]*\).*/\1/')
  kafka_table_rows=$(sed -n 's/^sink filtered: wrote \([0-9]*\) rows to table .*/\1/p' "$work/summary")
  read -r user system kafka_rss_kb < <(tail -n 1 "$work/floe.time")
  kafka_cpu_seconds=$(awk -v u="$user" -v s="$system" 'BEGIN { printf "%.2f", u + s }')
  kafka_wall_seconds=$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f", (e - s) / 1000 }')
  first_ms=$(table_first_snapshot_ms "$work/warehouse/raw_messages/filtered_messages")
  kafka_first_snapshot_seconds=$(awk -v s="$start" -v f="$first_ms" \
    'BEGIN { printf "%.3f", (f > 0 ? (f - s) / 1000 : -1) }')
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

# kafka_job_real_main [BUILD_DIR] [RUNS] [MESSAGES] [PARTITIONS]: the --real table.
kafka_job_real_main() {
  local here build runs count partitions floe workers ratio bytes run row
  here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
  build=${1:-$here/build}
  runs=${2:-3}
  count=${3:-1000000}
  partitions=${4:-4}
  floe=$build/floe
  workers=$(nproc)
  work=$(mktemp -d "${TMPDIR:-/tmp}/floe-kafka-real.XXXXXX")
  trap 'kafka_real_stop; rm -rf "$work"' EXIT
  [ -x /usr/bin/time ] || { echo "kafka_job.sh needs /usr/bin/time (apt-get install time)" >&2; exit 2; }
  printf '%-8s %-6s %-14s %12s %8s %10s %12s %10s %12s\n' messages match case records/s MB/s \
    cpu_s/M peak_RSS_MB first_rec_s first_snap_s
  for ratio in 0.1 1.0; do
    kafka_real_start "$work/broker" "$partitions" "output-topic:$partitions"
    "$floe" gen --count "$count" --seed 42 --match-ratio "$ratio" --output "$work/in.jsonl" 2>/dev/null
    bytes=$(stat -c %s "$work/in.jsonl")
    kafka_real_load "$work/in.jsonl"
    rm -f "$work/in.jsonl"
    local kcat_rows=() one_rows=() all_rows=()
    for run in $(seq "$runs"); do
      kcat_consume_once "$work"
      [ "$kcat_in" = "$count" ] || { echo "kcat read $kcat_in of $count messages" >&2; exit 1; }
      kcat_rows+=("$(kafka_real_row "$kcat_in" "$bytes" "$kcat_seconds" "$kcat_cpu_seconds" \
        "$kcat_rss_kb" -1 -1)")
      for n in 1 "$workers"; do
        kafka_real_run_once "$floe" "$here/examples/profanity-kafka.yaml" "$n" "$work"
        [ "$kafka_in" -ge "$count" ] || { echo "floe read $kafka_in of $count messages" >&2; exit 1; }
        [ "$kafka_in" = "$count" ] ||
          echo "floe ($n workers) read $((kafka_in - count)) messages twice (a rebalance)" >&2
        row=$(kafka_real_row "$count" "$bytes" "$kafka_active_seconds" "$kafka_cpu_seconds" \
          "$kafka_rss_kb" "$kafka_first_record_seconds" "$kafka_first_snapshot_seconds")
        if [ "$n" = 1 ]; then one_rows+=("$row"); else all_rows+=("$row"); fi
      done
    done
    kafka_real_stop
    rm -rf "$work/broker"
    for row in "kcat:${kcat_rows[*]}" "floe-1-worker:${one_rows[*]}" "floe-$workers-workers:${all_rows[*]}"; do
      kafka_real_print "$count" "$ratio" "${row%%:*}" "$runs" ${row#*:}
    done
  done
}

# kafka_real_row IN BYTES SECONDS CPU RSS_KB FIRST_RECORD FIRST_SNAPSHOT: one run's figures,
# "records/s MB/s cpu_s/M peak_RSS_MB first_record_s first_snapshot_s".
kafka_real_row() {
  awk -v n="$1" -v b="$2" -v t="$3" -v c="$4" -v r="$5" -v f="$6" -v s="$7" \
    'BEGIN { printf "%.0f %.1f %.2f %.1f %.1f %.1f", n / t, b / t / 1e6, c / n * 1e6, r / 1024, f, s }'
}

# kafka_real_print COUNT RATIO CASE RUNS FIGURES...: the row of the run with the median records/s
# (FIGURES: RUNS groups of kafka_real_row's six fields).
kafka_real_print() {
  local count=$1 ratio=$2 name=$3 runs=$4 median
  shift 4
  median=$(echo "$@" | xargs -n 6 | sort -n -k1 | sed -n "$(((runs + 1) / 2))p")
  # shellcheck disable=SC2086
  printf '%-8s %-6s %-14s %12s %8s %10s %12s %10s %12s\n' "$count" "$ratio" "$name" $median
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  if [ "${1:-}" = --real ]; then
    shift
    kafka_job_real_main "$@"
  else
    kafka_job_main "$@"
  fi
fi
