#!/usr/bin/env bash
# Peak RSS against the input size (issue 18: "peak RSS flat from 1M to 50M messages"; issue 14:
# the window job's "memory flat in the input size"). For each size it generates the input, runs
# the job once under /usr/bin/time and prints peak RSS, wall and CPU seconds and the load average
# before the run (RSS does not depend on the load; the times do):
#   table   floe gen --seed 42 at 10% matching → bench/file_iceberg_job.yaml (Iceberg only)
#   seed    the same input → examples/profanity-local.yaml (Iceberg + JSON lines + dead letters)
#   window  bench/window_events.py (100k keys, 20k events a minute, as bench/window_bench.sh) →
#           bench/window_job.yaml (tumbling 1 min, 5 aggregates, checkpoints every 30 s)
# Every job runs with its default parallelism (one per core). Then, per case, the largest peak
# over the smallest; with --max-growth PCT it fails when that exceeds 1 + PCT/100.
#
#   bench/rss_flat.sh [--floe FILE] [--work DIR] [--messages "N..."] [--events "N..."]
#                     [--max-growth PCT]
# Defaults: build/floe, a temp folder (inputs are deleted after each size), messages
# "1000000 10000000 50000000", events "2000000 10000000 30000000". 50M messages are 12.4 GB of
# JSON: --work should name a disk with room.
set -euo pipefail

die() {
  echo "bench/rss_flat.sh: $*" >&2
  exit 1
}

here=$(cd "$(dirname "$0")/.." && pwd)
floe=$here/build/floe
work=
messages="1000000 10000000 50000000"
events="2000000 10000000 30000000"
max_growth=
while [ $# -gt 0 ]; do
  case $1 in
    --floe | --work | --messages | --events | --max-growth)
      [ $# -ge 2 ] || die "$1 needs a value"
      case $1 in
        --floe) floe=$2 ;;
        --work) work=$2 ;;
        --messages) messages=$2 ;;
        --events) events=$2 ;;
        --max-growth) max_growth=$2 ;;
      esac
      shift 2
      ;;
    -h | --help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//' && exit 0 ;;
    *) die "unknown option '$1' (see bench/rss_flat.sh --help)" ;;
  esac
done
for n in $messages $events; do
  [[ $n =~ ^[1-9][0-9]*$ ]] || die "sizes must be positive counts, got '$n'"
done
[ -z "$max_growth" ] || [[ $max_growth =~ ^[0-9]+$ ]] || die "--max-growth must be a percentage"
[ -x "$floe" ] || die "no floe binary at $floe (bash scripts/build.sh, or --floe FILE)"
[ -x /usr/bin/time ] || die "needs /usr/bin/time (apt-get install time)"
if [ -n "$work" ]; then
  mkdir -p "$work"
  work=$(mktemp -d "$work/rss-flat.XXXXXX")
else
  work=$(mktemp -d "${TMPDIR:-/tmp}/floe-rss-flat.XXXXXX")
fi
trap 'rm -rf "$work"' EXIT

results=$work/results.tsv
: >"$results"

# run CASE SIZE JOB INPUT: one run of JOB on INPUT; appends "CASE SIZE RSS_KB WALL CPU LOAD".
run() {
  local load
  rm -rf "$work/warehouse" "$work/out.jsonl" "$work/out.jsonl.floe-state"
  load=$(cut -d ' ' -f 1-3 /proc/loadavg)
  WAREHOUSE=$work/warehouse INPUT_PATH=$4 OUTPUT_PATH=$work/out.jsonl THREADS=$(nproc) \
    /usr/bin/time -f '%M %e %U %S' -o "$work/time" "$floe" run "$3" >"$work/out" 2>"$work/err" ||
    die "$1 on $2 failed: $(tail -n 5 "$work/err")"
  grep -q '^summary:' "$work/out" || die "$1 on $2 printed no summary"
  read -r rss wall user system <"$work/time"
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$rss" "$wall" \
    "$(awk -v u="$user" -v s="$system" 'BEGIN { printf "%.2f", u + s }')" "$load" >>"$results"
  printf '%-7s %12s %10.1f MiB %8s s wall %8s s CPU   load %s\n' "$1" "$2" \
    "$(awk -v k="$rss" 'BEGIN { print k / 1024 }')" "$wall" "$(tail -n 1 "$results" | cut -f 5)" \
    "$load"
}

for count in $messages; do
  input=$work/messages.jsonl
  "$floe" gen --count "$count" --seed 42 --match-ratio 0.1 --output "$input" 2>/dev/null ||
    die "floe gen failed"
  run table "$count" "$here/bench/file_iceberg_job.yaml" "$input"
  run seed "$count" "$here/examples/profanity-local.yaml" "$input"
  rm -f "$input"
done
for count in $events; do
  input=$work/events.jsonl
  python3 "$here/bench/window_events.py" "$input" "$count" 100000 $((count / 20000)) ||
    die "bench/window_events.py failed"
  run window "$count" "$here/bench/window_job.yaml" "$input"
  rm -f "$input"
done

echo "binary $floe (source tree at $(git -C "$here" rev-parse --short=12 HEAD 2>/dev/null || echo unknown)), $(nproc) cores"
status=0
for case in table seed window; do
  growth=$(awk -F '\t' -v c="$case" '$1 == c { if (min == "" || $3 < min) min = $3; if ($3 > max) max = $3 }
    END { if (min != "") printf "%.3f", max / min }' "$results")
  [ -n "$growth" ] || continue
  echo "$case: largest peak RSS / smallest = $growth"
  if [ -n "$max_growth" ] && awk -v g="$growth" -v p="$max_growth" 'BEGIN { exit !(g > 1 + p / 100) }'; then
    echo "bench/rss_flat.sh: FAIL: $case's peak RSS grows by more than $max_growth% with the input" >&2
    status=1
  fi
done
exit "$status"
