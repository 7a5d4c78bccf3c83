#!/usr/bin/env bash
# Window benchmark (issue 14): EVENTS events (default 10M) of KEYS users (default 100k) over
# MINUTES minutes (default 100), a little out of order; tumbling 1-minute windows per user_id
# with 5 aggregates (count(*), sum, avg of value, min, max of amount) into an Iceberg table, by
# floe (one reading worker, its window keys over THREADS shards: job.parallelism) and by DuckDB
# (time_bucket GROUP BY into Parquet, SET threads = THREADS) on the same file.
# Median of RUNS (default 3) wall times; peak RSS; CPU seconds (user+sys); the load average
# before each run; floe's output rows must equal DuckDB's. The events come from
# bench/window_events.py, the job is bench/window_job.yaml. INPUT=FILE keeps the generated
# events there and reuses them when it exists (same EVENTS, KEYS and MINUTES).
#   FLOE=build/floe THREADS=1 [MINUTES=100] [INPUT=/tmp/events.jsonl] \
#     bash bench/window_bench.sh [EVENTS] [KEYS] [RUNS]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
FLOE=${FLOE:-$here/build/floe}
events=${1:-10000000} keys=${2:-100000} runs=${3:-3} threads=${THREADS:-1}
work=$(mktemp -d "${TMPDIR:-/tmp}/floe-window-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

input=${INPUT:-$work/in.jsonl}
[ -s "$input" ] || python3 "$here/bench/window_events.py" "$input" "$events" "$keys" "${MINUTES:-100}"

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
: >"$work/floe.times"
: >"$work/duckdb.times"
for run in $(seq 1 "$runs"); do
  rm -rf "$work/warehouse"
  echo "run $run: load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
  WAREHOUSE=$work/warehouse INPUT_PATH=$input THREADS=$threads \
    /usr/bin/time -f '%e %M %U %S' -o "$work/time" \
    "$FLOE" run "$here/bench/window_job.yaml" >"$work/floe.out" 2>"$work/floe.err" ||
    { cat "$work/floe.err" >&2; exit 1; }
  cat "$work/time" >>"$work/floe.times"
  floe_rows=$(sed -n 's/^sink table: wrote \([0-9]*\) rows.*/\1/p' "$work/floe.out")
  /usr/bin/time -f '%M %U %S' -o "$work/dtime" node "$here/bench/duckdb_peer.mjs" --windows \
    "$input" "$work/duckdb.parquet" --threads "$threads" >"$work/duckdb.out"
  echo "$(sed -n 's/.*seconds=\([0-9.]*\).*/\1/p' "$work/duckdb.out") $(cat "$work/dtime")" >>"$work/duckdb.times"
  duck_rows=$(sed -n 's/.*rows=\([0-9]*\).*/\1/p' "$work/duckdb.out")
done
floe_s=$(cut -d' ' -f1 "$work/floe.times" | median)
floe_kb=$(cut -d' ' -f2 "$work/floe.times" | median)
floe_cpu=$(awk '{ print $3 + $4 }' "$work/floe.times" | median)
duck_s=$(cut -d' ' -f1 "$work/duckdb.times" | median)
duck_kb=$(cut -d' ' -f2 "$work/duckdb.times" | median)
duck_cpu=$(awk '{ print $3 + $4 }' "$work/duckdb.times" | median)
echo "input: $events events, $keys keys, $(du -m "$input" | cut -f1) MiB; output rows floe=${floe_rows:-?} duckdb=$duck_rows"
echo "threads: $threads; load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "floe:   median ${floe_s} s of $runs ($(awk -v n="$events" -v s="$floe_s" 'BEGIN { printf "%.0f", n / s }') events/s), peak RSS $((floe_kb / 1024)) MiB, ${floe_cpu} CPU s"
echo "duckdb: median ${duck_s} s of $runs ($(awk -v n="$events" -v s="$duck_s" 'BEGIN { printf "%.0f", n / s }') events/s, query only), peak RSS $((duck_kb / 1024)) MiB (node + duckdb), ${duck_cpu} CPU s (whole process)"
[ "$floe_rows" = "$duck_rows" ] || { echo "floe wrote $floe_rows rows, duckdb $duck_rows" >&2; exit 1; }
