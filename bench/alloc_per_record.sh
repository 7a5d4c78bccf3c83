#!/usr/bin/env bash
# Heap allocations per record on the decode → filter → encode path (issue 18: "nothing in the
# hot path allocates per record"). Runs the seed job (examples/profanity-local.yaml: file →
# decode → filter → Iceberg zstd + JSON lines + dead letters) under heaptrack on `floe gen
# --seed 42` input of SMALL and LARGE messages, at 10% and 100% matching, and prints heaptrack's
# count of calls to allocation functions (malloc, new, realloc, ...) of each run and the slope:
#   (allocations(LARGE) - allocations(SMALL)) / (LARGE - SMALL)
# Start-up, the catalog, the commit and everything else done once per run cancel out in the
# difference; what is left is what the job allocates per record (per chunk, per page, per row
# group amortised over their records). A slope of 0.01 is one allocation per 100 records.
# With --max PER_RECORD it fails when a slope exceeds it.
#
#   bench/alloc_per_record.sh [--floe FILE] [--small N] [--large N] [--max PER_RECORD]
# Defaults: build/floe, 200000 and 1000000 messages.
set -euo pipefail

die() {
  echo "bench/alloc_per_record.sh: $*" >&2
  exit 1
}

here=$(cd "$(dirname "$0")/.." && pwd)
floe=$here/build/floe
small=200000
large=1000000
max=
while [ $# -gt 0 ]; do
  case $1 in
    --floe | --small | --large | --max)
      [ $# -ge 2 ] || die "$1 needs a value"
      case $1 in
        --floe) floe=$2 ;;
        --small) small=$2 ;;
        --large) large=$2 ;;
        --max) max=$2 ;;
      esac
      shift 2
      ;;
    -h | --help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//' && exit 0 ;;
    *) die "unknown option '$1' (see bench/alloc_per_record.sh --help)" ;;
  esac
done
[[ $small =~ ^[1-9][0-9]*$ && $large =~ ^[1-9][0-9]*$ ]] || die "sizes must be positive counts"
[ "$large" -gt "$small" ] || die "--large must be more than --small"
[ -z "$max" ] || [[ $max =~ ^[0-9]*\.?[0-9]+$ ]] || die "--max must be a number, got '$max'"
[ -x "$floe" ] || die "no floe binary at $floe (bash scripts/build.sh, or --floe FILE)"
command -v heaptrack >/dev/null && command -v heaptrack_print >/dev/null ||
  die "needs heaptrack (apt-get install heaptrack)"
work=$(mktemp -d "${TMPDIR:-/tmp}/floe-alloc.XXXXXX")
trap 'rm -rf "$work"' EXIT

# allocations COUNT RATIO: heaptrack's allocation calls of one run of the seed job.
allocations() {
  local input=$work/in.jsonl calls
  "$floe" gen --count "$1" --seed 42 --match-ratio "$2" --output "$input" 2>/dev/null ||
    die "floe gen failed"
  rm -rf "$work/warehouse" "$work/out.jsonl" "$work/out.jsonl.floe-state" "$work"/trace*
  WAREHOUSE=$work/warehouse INPUT_PATH=$input OUTPUT_PATH=$work/out.jsonl \
    heaptrack -o "$work/trace" "$floe" run "$here/examples/profanity-local.yaml" \
    >"$work/out" 2>&1 || die "floe run under heaptrack failed: $(tail -n 5 "$work/out")"
  grep -q '^summary:' "$work/out" || die "floe run printed no summary: $(tail -n 5 "$work/out")"
  calls=$(heaptrack_print "$work"/trace.* 2>/dev/null |
    sed -n 's/^calls to allocation functions: \([0-9]*\).*/\1/p')
  [[ $calls =~ ^[0-9]+$ ]] || die "no allocation count in heaptrack's output"
  echo "$calls"
}

status=0
printf '%-9s %14s %14s %20s\n' matching "allocs@$small" "allocs@$large" "allocs per record"
for ratio in 0.1 1.0; do
  a=$(allocations "$small" "$ratio")
  b=$(allocations "$large" "$ratio")
  slope=$(awk -v a="$a" -v b="$b" -v s="$small" -v l="$large" 'BEGIN { printf "%.4f", (b - a) / (l - s) }')
  printf '%-9s %14s %14s %20s\n' "$(awk -v r="$ratio" 'BEGIN { printf "%d%%", r * 100 }')" \
    "$a" "$b" "$slope"
  if [ -n "$max" ] && awk -v s="$slope" -v m="$max" 'BEGIN { exit !(s > m) }'; then
    echo "bench/alloc_per_record.sh: FAIL: $slope allocations per record at $ratio matching (max $max)" >&2
    status=1
  fi
done
exit "$status"
