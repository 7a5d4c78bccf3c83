#!/usr/bin/env bash
# Files on all cores (issue 18), side by side: the seed job on MESSAGES `floe gen --seed 42`
# messages (10% matching) with job.parallelism 1 and 2, with both sinks (examples/profanity-local
# .yaml: table + JSON lines + dead letters) and with the table alone (bench/file_iceberg_job.yaml),
# against DuckDB with THREADS threads doing the same (bench/duckdb_peer.mjs, with --jsonl for both
# sinks). Every case runs RUNS times, interleaved; printed: the medians of the wall time of the
# whole process, its CPU seconds (user + system), its peak RSS, and for DuckDB also its COPY
# statements alone. The load average before and after is printed too: on a shared machine, CPU
# seconds say more than wall time.
#
#   bench/file_threads.sh [BUILD_DIR] [MESSAGES] [RUNS] [THREADS]   (build, 1500000, 3, 2)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build}
messages=${2:-1500000}
runs=${3:-3}
threads=${4:-2}
floe=$build/floe
[ -x "$floe" ] || { echo "no floe at $floe" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time" >&2; exit 2; }
work=$(mktemp -d "${TMPDIR:-/tmp}/floe-file-threads.XXXXXX")
trap 'rm -rf "$work"' EXIT
results=$work/results.tsv
: >"$results"

"$floe" gen --count "$messages" --seed 42 --match-ratio 0.1 --output "$work/in.jsonl" 2>/dev/null
echo "input: $messages messages, $(stat -c %s "$work/in.jsonl") bytes; load before: $(cut -d ' ' -f 1-3 /proc/loadavg)"

# timed CASE CMD...: runs CMD, records wall seconds, CPU seconds and peak RSS (MB) of CASE.
timed() {
  local name=$1 start end
  shift
  start=$(date +%s.%N)
  /usr/bin/time -f '%U %S %M' -o "$work/time" "$@" >"$work/out" 2>"$work/err" ||
    { tail -n 5 "$work/err" >&2; echo "$name failed" >&2; exit 1; }
  end=$(date +%s.%N)
  read -r user system rss <"$work/time"
  printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f", e - s }')" \
    "$(awk -v u="$user" -v s="$system" 'BEGIN { printf "%.2f", u + s }')" "$((rss / 1024))" \
    "$(sed -n 's/^duckdb: .*seconds=\([0-9.]*\).*/\1/p' "$work/out")" >>"$results"
}
floe_case() {  # floe_case NAME JOB PARALLELISM
  rm -rf "$work/warehouse" "$work/out.jsonl" "$work/out.jsonl.floe-state"
  timed "$1" env WAREHOUSE="$work/warehouse" INPUT_PATH="$work/in.jsonl" OUTPUT_PATH="$work/out.jsonl" \
    "$floe" run "$2" --set job.parallelism="$3"
}
duckdb_case() {  # duckdb_case NAME [--jsonl FILE]
  local name=$1
  shift
  rm -f "$work/duck.parquet" "$work/duck.jsonl"
  timed "$name" node "$here/bench/duckdb_peer.mjs" "$work/in.jsonl" "$work/duck.parquet" --threads "$threads" "$@"
}
for run in $(seq "$runs"); do
  echo "run $run of $runs" >&2
  floe_case "floe both sinks, 1 thread" "$here/examples/profanity-local.yaml" 1
  floe_case "floe both sinks, $threads threads" "$here/examples/profanity-local.yaml" "$threads"
  duckdb_case "duckdb both sinks, $threads threads" --jsonl "$work/duck.jsonl"
  floe_case "floe table only, 1 thread" "$here/bench/file_iceberg_job.yaml" 1
  floe_case "floe table only, $threads threads" "$here/bench/file_iceberg_job.yaml" "$threads"
  duckdb_case "duckdb table only, $threads threads"
done
echo "load after: $(cut -d ' ' -f 1-3 /proc/loadavg)"
printf '%-32s %9s %9s %8s %12s\n' case wall_s cpu_s rss_mb duckdb_copy_s
awk -F '\t' '{ n[$1]++; w[$1, n[$1]] = $2; c[$1, n[$1]] = $3; r[$1, n[$1]] = $4; d[$1, n[$1]] = $5
  if (!($1 in seen)) { seen[$1] = 1; order[++k] = $1 } }
  function median(a, name, count,   i, j, t, v) {
    for (i = 1; i <= count; i++) v[i] = a[name, i]
    for (i = 1; i <= count; i++) for (j = i + 1; j <= count; j++) if (v[j] + 0 < v[i] + 0) { t = v[i]; v[i] = v[j]; v[j] = t }
    return v[int((count + 1) / 2)] }
  END { for (i = 1; i <= k; i++) { m = order[i]
    printf "%-32s %9s %9s %8s %12s\n", m, median(w, m, n[m]), median(c, m, n[m]), median(r, m, n[m]), median(d, m, n[m]) } }' "$results"
