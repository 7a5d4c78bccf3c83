#!/usr/bin/env bash
# The instruction-count regression guard (issue 18), run as `bench/run.sh --quick`: floe's
# decode → filter → encode path on a small fixed input (`floe gen --count 2000 --seed 42`, 10%
# matching, bench/file_iceberg_job.yaml with job.parallelism 1, so the count is deterministic)
# under valgrind's callgrind, counting only the instructions (Ir) spent inside
#   floe::stream::ChunkPreparer::Prepare        decode (simdjson, column buffers) and the filter
#   floe::stream::IcebergSink::Write             rows into the table's column writers
#   floe::iceberg::PartitionedWriter::Finish     Parquet encoding, zstd, the data file
# (start-up, the catalog and the commit are left out: they would drown the signal). The count is
# compared with the baseline of the binary's build type in bench/quick-baseline.txt; more than
# 10% above it fails. Instruction counts, not time: the machines running it are shared.
#
#   bench/run.sh --quick [--build DIR | --floe FILE] [--baseline FILE] [--update]
#   bench/run.sh --quick --compare CURRENT BASELINE    the judgement alone (tests use it)
#
# --update writes the measured count as the baseline of this build type: do it when a change
# makes the path dearer on purpose (say why in the commit), or for a new compiler.
set -euo pipefail

die() {
  echo "bench/run.sh --quick: $*" >&2
  exit 1
}

here=$(cd "$(dirname "$0")/.." && pwd)
build=$here/build
floe=
baseline_file=$here/bench/quick-baseline.txt
update=0
compare=()
readonly max_rise_percent=10
readonly messages=2000
# Below this many instructions the toggles caught (almost) nothing: a renamed or inlined
# function, not a fast path. The RelWithDebInfo count is about 5 times more, Debug's 35.
readonly min_instructions=2000000

while [ $# -gt 0 ]; do
  case $1 in
    --quick) shift ;;
    --build | --floe | --baseline)
      [ $# -ge 2 ] || die "$1 needs a value"
      case $1 in
        --build) build=$2 ;;
        --floe) floe=$2 ;;
        --baseline) baseline_file=$2 ;;
      esac
      shift 2
      ;;
    --update) update=1 && shift ;;
    --compare)
      [ $# -ge 3 ] || die "--compare needs CURRENT and BASELINE"
      compare=("$2" "$3")
      shift 3
      ;;
    -h | --help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//' && exit 0 ;;
    *) die "unknown option '$1' (see bench/run.sh --quick --help)" ;;
  esac
done

# judge CURRENT BASELINE: prints both counts and the change; fails on a rise above the limit.
judge() {
  local current=$1 base=$2
  [[ $current =~ ^[0-9]+$ ]] || die "not an instruction count: '$current'"
  [[ $base =~ ^[1-9][0-9]*$ ]] || die "not a baseline instruction count: '$base'"
  local change
  change=$(awk -v c="$current" -v b="$base" 'BEGIN { printf "%+.2f", (c - b) * 100 / b }')
  echo "quick guard: instructions $current, baseline $base ($change%, limit +$max_rise_percent%)"
  # Integer arithmetic: a rise of exactly the limit passes.
  if [ $((current * 100)) -gt $((base * (100 + max_rise_percent))) ]; then
    echo "quick guard: FAIL: the decode → filter → encode path costs $change% more instructions" >&2
    return 1
  fi
  echo "quick guard: ok"
}

if [ ${#compare[@]} -gt 0 ]; then
  judge "${compare[@]}"
  exit
fi

floe=${floe:-$build/floe}
[ -x "$floe" ] || die "no floe binary at $floe (build it, or pass --build DIR / --floe FILE)"
command -v valgrind >/dev/null || die "needs valgrind (scripts/install-deps.sh installs it)"
build_type=${FLOE_BUILD_TYPE:-$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$(dirname "$floe")/CMakeCache.txt" 2>/dev/null || true)}
[ -n "$build_type" ] || die "cannot tell $floe's build type (no CMakeCache.txt next to it): set FLOE_BUILD_TYPE"

work=$(mktemp -d "${TMPDIR:-/tmp}/floe-quick-guard.XXXXXX")
trap 'rm -rf "$work"' EXIT
"$floe" gen --count "$messages" --seed 42 --match-ratio 0.1 --output "$work/in.jsonl" 2>"$work/gen.log" ||
  die "floe gen failed: $(cat "$work/gen.log")"
WAREHOUSE=$work/warehouse INPUT_PATH=$work/in.jsonl valgrind --tool=callgrind \
  --callgrind-out-file="$work/callgrind.out" \
  --toggle-collect='floe::stream::ChunkPreparer::Prepare*' \
  --toggle-collect='floe::stream::IcebergSink::Write*' \
  --toggle-collect='floe::iceberg::PartitionedWriter::Finish*' \
  "$floe" run "$here/bench/file_iceberg_job.yaml" --set job.parallelism=1 \
  >"$work/floe.out" 2>"$work/valgrind.log" ||
  die "floe run under callgrind failed: $(tail -n 5 "$work/valgrind.log")"
grep -q "^summary: in=$messages written=" "$work/floe.out" ||
  die "floe did not read the $messages messages: $(cat "$work/floe.out")"
current=$(sed -n 's/^==[0-9]*== Collected : \([0-9]*\)$/\1/p' "$work/valgrind.log")
[ -n "$current" ] || die "no instruction count in callgrind's log: $(tail -n 5 "$work/valgrind.log")"
[ "$current" -ge "$min_instructions" ] ||
  die "only $current instructions collected: the functions counted are gone (renamed or inlined?); fix the --toggle-collect patterns in $0"
# Each of the three functions must have been entered, or a part of the path is not counted.
for function in ChunkPreparer::Prepare IcebergSink::Write PartitionedWriter::Finish; do
  grep -Eq "^c?fn=(\([0-9]+\) )?floe::[a-z]+::$function\(" "$work/callgrind.out" ||
    die "callgrind saw no call of $function: fix the --toggle-collect patterns in $0"
done

if [ "$update" = 1 ]; then
  touch "$baseline_file"
  # The comments first, as they were, then one line per build type.
  { grep '^#' "$baseline_file" || true
    { grep -v -e '^#' -e "^$build_type " "$baseline_file" || true
      echo "$build_type $current"; } | sort; } >"$work/baseline"
  cp "$work/baseline" "$baseline_file"
  echo "quick guard: baseline for $build_type set to $current instructions in $baseline_file"
  exit 0
fi
base=$(awk -v t="$build_type" '$1 == t { print $2 }' "$baseline_file" 2>/dev/null || true)
if [ -z "$base" ]; then
  echo "quick guard: no baseline for a $build_type build in $baseline_file (measured $current);" \
    "record one with: bench/run.sh --quick --floe $floe --update" >&2
  # CI builds RelWithDebInfo (scripts/build.sh): there the baseline must exist. Other build
  # types are skipped (ctest: exit code 77) rather than judged against nothing.
  [ "$build_type" = RelWithDebInfo ] && exit 1
  exit 77
fi
judge "$current" "$base"
