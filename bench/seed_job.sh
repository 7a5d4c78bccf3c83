#!/usr/bin/env bash
# The seed job end to end (issue 3's benchmark): `floe gen` input → `floe run
# examples/profanity-local.yaml` (file → decode → filter → Iceberg zstd + JSON lines + dead
# letters) at 10% and 100% matching, for 1M and 10M messages. Prints records/s, MB/s of input and
# peak RSS (from /usr/bin/time), the median of RUNS runs per case.
#
#   bench/seed_job.sh [BUILD_DIR] [RUNS]     (defaults: build, 3)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build}
runs=${2:-3}
floe=$build/floe
work=$(mktemp -d "${TMPDIR:-/tmp}/floe-seed-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
[ -x /usr/bin/time ] || { echo "seed_job.sh needs /usr/bin/time (apt-get install time)" >&2; exit 2; }

printf '%-10s %-6s %12s %10s %12s\n' messages match records/s MB/s peak_RSS_MB
for count in 1000000 10000000; do
  for ratio in 0.1 1.0; do
    input=$work/in.jsonl
    "$floe" gen --count "$count" --seed 42 --match-ratio "$ratio" --output "$input" 2>/dev/null
    bytes=$(stat -c %s "$input")
    results=()
    for _ in $(seq "$runs"); do
      rm -rf "$work/warehouse" "$work/out.jsonl" "$work/out.jsonl.floe-state"
      start=$(date +%s.%N)
      WAREHOUSE=$work/warehouse INPUT_PATH=$input OUTPUT_PATH=$work/out.jsonl \
        /usr/bin/time -f '%M' -o "$work/rss" "$floe" run "$here/examples/profanity-local.yaml" \
        >/dev/null 2>"$work/log"
      end=$(date +%s.%N)
      results+=("$(awk -v s="$start" -v e="$end" -v n="$count" -v b="$bytes" -v r="$(cat "$work/rss")" \
        'BEGIN { printf "%.0f %.1f %.1f", n / (e - s), b / (e - s) / 1e6, r / 1024 }')")
    done
    median=$(printf '%s\n' "${results[@]}" | sort -n -k1 | sed -n "$(( (runs + 1) / 2 ))p")
    read -r rate mbs rss <<<"$median"
    printf '%-10s %-6s %12s %10s %12s\n' "$count" "$ratio" "$rate" "$mbs" "$rss"
  done
done
