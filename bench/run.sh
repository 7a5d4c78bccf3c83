#!/usr/bin/env bash
# Issue 8's side-by-side benchmark: floe against the limits of the machine and against DuckDB,
# on the same `floe gen --seed 42` messages file, at 10% and 100% matching.
#
#   floe         file → decode → filter → Iceberg (zstd), bench/file_iceberg_job.yaml, wall clock
#                of `floe run` (process start and commit included) and its peak RSS
#   seed         the seed job, examples/profanity-local.yaml: the same plus the JSON-lines sink
#                (WRITE_PARALLELISM = cores, as the table job has by default)
#   *_ooo        floe, seed and both DuckDB cases again on input a tenth of whose timestamps are
#                1-60 s out of order (`floe gen --late-ratio 0.1`)
#   parse_limit  simdjson on-demand parse of every line, every field touched (bench/limit/)
#   read_limit   read the file in large blocks, count the line breaks
#   zstd_limit   zstd level 3 over all of the file's bytes
#   duckdb       the same filter, COPY ... TO parquet (zstd) by DuckDB (bench/duckdb_peer.mjs), the
#                COPY statement alone timed, with floe's thread count; duckdb_seed: the matching
#                rows read once, then COPY to Parquet and to JSON lines (both timed)
#   kafka        floe, mock Kafka (`floe dev kafka`) → Iceberg, bench/kafka_iceberg_job.yaml, over
#                the job's active span
#   rss          floe's file job at 10% on 1M and 10M messages: peak RSS
#   real Kafka   (issue 18) a real Apache Kafka broker (tests/peers/kafka.sh), the same topic read by
#                kcat alone into /dev/null (librdkafka's consume limit), by floe's
#                bench/kafka_iceberg_job.yaml with 1 worker and with one per core (exactly once:
#                each checkpoint one snapshot with its offsets), by floe's seed job
#                examples/profanity-kafka.yaml (the same plus output-topic in transactions), and
#                by the seed job on Apache Flink (bench/flink/run.sh: MiniCluster, parallelism =
#                cores, Iceberg's Flink sink)
#
# Every case runs RUNS times, interleaved; the figures are medians. It prints a table, writes every
# figure to a JSON file and replaces the marked section of BENCHMARKS.md
# (bench/run_report.mjs). Run `bench/run.sh --help` for the options.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: bench/run.sh [OPTIONS]

Measures floe's file → Iceberg job side by side with the limits of the machine (read, simdjson
parse, zstd) and DuckDB on the same generated messages, plus floe on a mock Kafka and its peak
RSS at 1M and 10M messages. Prints a table, writes a JSON file of every figure and the section
between <!-- bench/run.sh begin --> and <!-- bench/run.sh end --> in BENCHMARKS.md.

Options:
  --messages N         messages in the file cases (default 5000000)
  --runs R             runs of each case, the median reported (default 3)
  --kafka-messages N   messages in the Kafka case (default 1000000; the mock keeps ~5 MB a partition)
  --smoke              200000 messages, 1 run, 100000 on Kafka, no 10M RSS case, no real broker
                       (unless --real-kafka-messages is given): checks the harness
  --quick              not the benchmark: the instruction-count regression guard of the decode →
                       filter → encode path under callgrind (bench/quick_guard.sh; --quick --help)
  --real-kafka-messages N  messages in the real-broker cases (default 1000000; 0 skips them)
  --real-kafka-ratios "R..."  matching shares of the real-broker cases (default "0.1")
  --flink-heap SIZE    the Flink JVM's -Xms/-Xmx (default 1g)
  --flink-passes P     passes of the Flink job per JVM, the last measured (default 2)
  --build DIR          build folder with floe and bench/*_limit (default: build)
  --floe FILE          the floe binary (default: DIR/floe)
  --limits DIR         folder of read_limit, parse_limit, zstd_limit (default: DIR/bench)
  --json FILE          where to write the figures (default: bench/results.json)
  --markdown FILE      the file whose marked section to replace (default: BENCHMARKS.md)
  --no-write           do not touch the markdown file
  -h, --help           this help

The limit programs are CMake targets: cmake --build build --target read_limit parse_limit zstd_limit
DuckDB comes from ../shared/peer (scripts/install-deps.sh installs it). The real-broker cases need
Java 17 and Maven: tests/peers/kafka.sh and bench/flink/run.sh fetch and cache their jars.
EOF
}

die() {
  echo "bench/run.sh: $*" >&2
  exit 1
}

here=$(cd "$(dirname "$0")/.." && pwd)
for arg in "$@"; do
  if [ "$arg" = --quick ]; then exec bash "$here/bench/quick_guard.sh" "$@"; fi
done
messages=5000000
runs=3
kafka_messages=1000000
rss_counts="1000000 10000000"
build=$here/build
floe=
limits=
json=$here/bench/results.json
markdown=$here/BENCHMARKS.md
write=1
real_messages=1000000
real_ratios=0.1
flink_heap=1g
flink_passes=2
quick=0
explicit=()
while [ $# -gt 0 ]; do
  case $1 in
    --messages | --runs | --kafka-messages | --build | --floe | --limits | --json | --markdown | \
      --real-kafka-messages | --real-kafka-ratios | --flink-heap | --flink-passes)
      [ $# -ge 2 ] || die "$1 needs a value"
      case $1 in
        --messages) messages=$2 ;;
        --runs) runs=$2 ;;
        --kafka-messages) kafka_messages=$2 ;;
        --build) build=$2 ;;
        --floe) floe=$2 ;;
        --limits) limits=$2 ;;
        --json) json=$2 ;;
        --markdown) markdown=$2 ;;
        --real-kafka-messages) real_messages=$2 ;;
        --real-kafka-ratios) real_ratios=$2 ;;
        --flink-heap) flink_heap=$2 ;;
        --flink-passes) flink_passes=$2 ;;
      esac
      explicit+=("$1")
      shift 2
      ;;
    --smoke) quick=1 && shift ;;
    --no-write) write=0 && shift ;;
    -h | --help) usage && exit 0 ;;
    *) die "unknown option '$1' (see bench/run.sh --help)" ;;
  esac
done
given() { [[ " ${explicit[*]} " == *" $1 "* ]]; }
if [ "$quick" = 1 ]; then
  given --messages || messages=200000
  given --runs || runs=1
  given --kafka-messages || kafka_messages=100000
  rss_counts=1000000
  given --real-kafka-messages || real_messages=0
fi
[[ $real_messages =~ ^[0-9]+$ ]] || die "--real-kafka-messages must be a count, got '$real_messages'"
[[ $flink_passes =~ ^[1-9][0-9]*$ ]] || die "--flink-passes must be a positive count, got '$flink_passes'"
for n in "$messages" "$runs" "$kafka_messages"; do
  [[ $n =~ ^[1-9][0-9]*$ ]] || die "counts must be positive integers, got '$n'"
done
floe=${floe:-$build/floe}
limits=${limits:-$build/bench}
# floe's file job runs job.parallelism threads, by default one per core; DuckDB gets as many.
threads=$(nproc)

[ -x "$floe" ] || die "no floe binary at $floe (build it, or pass --build DIR / --floe FILE)"
for program in read_limit parse_limit zstd_limit; do
  [ -x "$limits/$program" ] ||
    die "no $program in $limits (build: cmake --build BUILD --target read_limit parse_limit zstd_limit)"
done
[ -x /usr/bin/time ] || die "needs /usr/bin/time (apt-get install time)"
command -v node >/dev/null || die "needs node (scripts/install-deps.sh)"
command -v kcat >/dev/null || die "needs kcat (scripts/install-deps.sh)"
json_dir=$(dirname "$json")
[ -d "$json_dir" ] || die "no folder $json_dir for --json $json"
[ "$write" = 0 ] || [ -f "$markdown" ] || die "no markdown file $markdown (or pass --no-write)"

work=$(mktemp -d "${TMPDIR:-/tmp}/floe-bench-run.XXXXXX")
cleanup() {
  [ -z "${kafka_pid:-}" ] || kill "$kafka_pid" 2>/dev/null || true
  ! declare -F kafka_real_stop >/dev/null || kafka_real_stop
  rm -rf "$work"
}
trap cleanup EXIT
# shellcheck source=bench/kafka_job.sh
source "$here/bench/kafka_job.sh"
# shellcheck source=bench/flink/run.sh
source "$here/bench/flink/run.sh"

# One figure per line, "CASE RUN KEY VALUE" (tab-separated), and the run's facts, "KEY VALUE".
figures=$work/figures.tsv
meta=$work/meta.tsv
: >"$figures"
: >"$meta"
figure() { printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >>"$figures"; }
fact() { printf '%s\t%s\n' "$1" "$2" >>"$meta"; }
now() { date +%s.%N; }
# field LINE NAME: the value of NAME=VALUE in LINE.
field() { echo "$1" | sed -n "s/.*\b$2=\([^ ]*\).*/\1/p"; }

# generate COUNT RATIO FILE [LATE_RATIO]: the seed messages; with LATE_RATIO that share of them
# 1-60 s behind the running event time (out of order).
generate() {
  "$floe" gen --count "$1" --seed 42 --match-ratio "$2" --late-ratio "${4:-0}" --output "$3" \
    2>"$work/gen.log" || die "floe gen failed: $(cat "$work/gen.log")"
}

# run_floe CASE RUN INPUT COUNT [JOB]: the file job (default bench/file_iceberg_job.yaml, the
# table alone); checks that it read every message. Sets floe_written to the rows it wrote.
run_floe() {
  local start end line in user system rss_kb
  rm -rf "$work/warehouse" "$work/floe-out.jsonl" "$work/floe-out.jsonl.floe-state"
  start=$(now)
  WAREHOUSE=$work/warehouse INPUT_PATH=$3 OUTPUT_PATH=$work/floe-out.jsonl WRITE_PARALLELISM=$threads \
    /usr/bin/time -f '%U %S %M' -o "$work/time" \
    "$floe" run "${5:-$here/bench/file_iceberg_job.yaml}" >"$work/floe.out" 2>"$work/floe.err" ||
    die "floe run failed on $3: $(tail -n 5 "$work/floe.err")"
  end=$(now)
  line=$(grep '^summary:' "$work/floe.out") || die "floe run printed no summary: $(cat "$work/floe.out")"
  in=$(field "$line" in)
  [ "$in" = "$4" ] || die "floe read $in of $4 messages"
  read -r user system rss_kb < <(tail -n 1 "$work/time")
  figure "$1" "$2" seconds "$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.6f", e - s }')"
  figure "$1" "$2" cpu_seconds "$(awk -v u="$user" -v s="$system" 'BEGIN { printf "%.2f", u + s }')"
  figure "$1" "$2" rss_kb "$rss_kb"
  floe_written=$(field "$line" written)
  figure "$1" "$2" written "$floe_written"
}

# run_duckdb CASE RUN INPUT EXPECTED_ROWS [--jsonl]: the peer; it must keep as many rows as floe
# wrote. With --jsonl it writes both outputs of the seed job (Parquet and JSON lines).
run_duckdb() {
  local line rows user system rss_kb both=()
  rm -f "$work/duckdb.parquet" "$work/duckdb.jsonl"
  [ -z "${5:-}" ] || both=(--jsonl "$work/duckdb.jsonl")
  /usr/bin/time -f '%U %S %M' -o "$work/time" node "$here/bench/duckdb_peer.mjs" "$3" \
    "$work/duckdb.parquet" --threads "$threads" "${both[@]}" >"$work/duckdb.out" \
    2>"$work/duckdb.err" ||
    die "duckdb_peer.mjs failed: $(tail -n 5 "$work/duckdb.err")"
  line=$(grep '^duckdb:' "$work/duckdb.out")
  rows=$(field "$line" rows)
  [ "$rows" = "$4" ] || die "DuckDB kept $rows rows where floe wrote $4: not the same work"
  read -r user system rss_kb < <(tail -n 1 "$work/time")
  figure "$1" "$2" seconds "$(field "$line" seconds)"
  figure "$1" "$2" cpu_seconds "$(awk -v u="$user" -v s="$system" 'BEGIN { printf "%.2f", u + s }')"
  figure "$1" "$2" rss_kb "$rss_kb"
  figure "$1" "$2" written "$rows"
  duckdb_version=$(field "$line" version)
}

# run_limit PROGRAM CASE RUN INPUT COUNT: one limit program; the line counters must agree.
run_limit() {
  local line records
  line=$("$limits/$1" "$4") || die "$1 failed on $4"
  records=$(field "$line" records)
  [ -z "$records" ] || [ "$records" = "$5" ] || die "$1 counted $records of $5 records"
  figure "$2" "$3" seconds "$(field "$line" seconds)"
}

# The file cases, at 10% and 100% matching, the runs of all programs interleaved: the table
# alone (floe, duckdb) and the seed job's two sinks (seed, duckdb_seed), on `floe gen` data and
# on data a tenth of whose timestamps are out of order (the same cases with "_ooo").
started_at=$(date -u +%Y-%m-%dT%H:%M:%SZ)
load_before=$(cut -d ' ' -f 1-3 /proc/loadavg)
for order in "" _ooo; do
  late=0
  [ -z "$order" ] || late=0.1
  for ratio in 0.1 1.0; do
    pct=$(awk -v r="$ratio" 'BEGIN { printf "%d", r * 100 }')
    echo "bench/run.sh: $messages messages, $pct% matching, ${late} late, $runs run(s)" >&2
    input=$work/in.jsonl
    generate "$messages" "$ratio" "$input" "$late"
    fact "input$order.$pct.messages" "$messages"
    fact "input$order.$pct.bytes" "$(stat -c %s "$input")"
    for run in $(seq "$runs"); do
      run_floe "floe$order.$pct" "$run" "$input" "$messages"
      run_duckdb "duckdb$order.$pct" "$run" "$input" "$floe_written"
      run_floe "seed$order.$pct" "$run" "$input" "$messages" "$here/examples/profanity-local.yaml"
      run_duckdb "duckdb_seed$order.$pct" "$run" "$input" "$floe_written" --jsonl
      if [ -z "$order" ]; then
        for program in parse_limit read_limit zstd_limit; do
          run_limit "$program" "$program.$pct" "$run" "$input" "$messages"
        done
      fi
    done
    rm -f "$input"
  done
done

# Mock Kafka → Iceberg: the mock keeps about 5 MB per partition, so 4 MB of messages to each.
for ratio in 0.1 1.0; do
  pct=$(awk -v r="$ratio" 'BEGIN { printf "%d", r * 100 }')
  echo "bench/run.sh: mock Kafka, $kafka_messages messages, $pct% matching" >&2
  input=$work/kafka.jsonl
  generate "$kafka_messages" "$ratio" "$input"
  bytes=$(stat -c %s "$input")
  partitions=$(((bytes + 3999999) / 4000000))
  fact "kafka.$pct.messages" "$kafka_messages"
  fact "kafka.$pct.bytes" "$bytes"
  fact "kafka.$pct.partitions" "$partitions"
  kafka_split "$input" "$partitions" "$work"
  rm -f "$input"
  for run in $(seq "$runs"); do
    kafka_run_once "$floe" "$here/bench/kafka_iceberg_job.yaml" "$work" "$partitions" "$work"
    [ "$kafka_in" = "$kafka_messages" ] || die "the Kafka job read $kafka_in of $kafka_messages messages"
    figure "kafka.$pct" "$run" seconds "$kafka_active_seconds"
    figure "kafka.$pct" "$run" rss_kb "$kafka_rss_kb"
  done
  rm -f "$work"/part-*
done

# Peak RSS of the file job at 10% as the input grows.
for count in $rss_counts; do
  label=$((count / 1000000))M
  echo "bench/run.sh: peak RSS, $count messages" >&2
  input=$work/rss.jsonl
  generate "$count" 0.1 "$input"
  fact "rss.$label.messages" "$count"
  fact "rss.$label.bytes" "$(stat -c %s "$input")"
  for run in $(seq "$runs"); do run_floe "rss.$label" "$run" "$input" "$count"; done
  rm -f "$input"
done

# The real broker (issue 18): for each matching share a fresh broker and topic, then kcat, floe
# with 1 worker, floe with one per core and Flink, RUNS times interleaved.
run_real_kafka() {
  local ratio pct input bytes run workers
  workers=$(nproc)
  fact realkafka.workers "$workers"
  fact realkafka.flink_heap "$flink_heap"
  fact realkafka.flink_passes "$flink_passes"
  fact realkafka.load_before "$(cut -d ' ' -f 1-3 /proc/loadavg)"
  flink_install || die "could not build the Flink job (bench/flink/run.sh --install)"
  for ratio in $real_ratios; do
    pct=$(awk -v r="$ratio" 'BEGIN { printf "%d", r * 100 }')
    echo "bench/run.sh: real Kafka broker, $real_messages messages, $pct% matching" >&2
    kafka_real_start "$work/broker" "$real_partitions" "output-topic:$real_partitions" ||
      die "could not start the Kafka broker"
    input=$work/real.jsonl
    generate "$real_messages" "$ratio" "$input"
    bytes=$(stat -c %s "$input")
    kafka_real_load "$input" || die "could not load the topic"
    rm -f "$input"
    fact "real.$pct.messages" "$real_messages"
    fact "real.$pct.bytes" "$bytes"
    fact "real.$pct.partitions" "$real_partitions"
    for run in $(seq "$runs"); do
      kcat_consume_once "$work" || die "kcat could not consume the topic"
      [ "$kcat_in" = "$real_messages" ] || die "kcat read $kcat_in of $real_messages messages"
      figure "kcat.$pct" "$run" seconds "$kcat_seconds"
      figure "kcat.$pct" "$run" cpu_seconds "$kcat_cpu_seconds"
      figure "kcat.$pct" "$run" rss_kb "$kcat_rss_kb"
      run_real_floe "real1.$pct" "$run" 1 bench/kafka_iceberg_job.yaml
      run_real_floe "realn.$pct" "$run" "$workers" bench/kafka_iceberg_job.yaml
      run_real_floe "seed1.$pct" "$run" 1 examples/profanity-kafka.yaml
      run_real_floe "seedn.$pct" "$run" "$workers" examples/profanity-kafka.yaml
      flink_run_once "$kafka_real_bootstrap" "$work" "$workers" "$flink_passes" "$flink_heap" ||
        die "the Flink job failed (logs were in $work)"
      [ "$flink_in" = "$real_messages" ] || die "Flink read $flink_in of $real_messages messages"
      [ "$flink_kept" = "$real_written" ] || die "Flink kept $flink_kept rows where floe wrote $real_written"
      figure "flink.$pct" "$run" seconds "$flink_active_seconds"
      figure "flink.$pct" "$run" cpu_seconds "$flink_cpu_seconds"
      figure "flink.$pct" "$run" rss_kb "$flink_rss_kb"
      figure "flink.$pct" "$run" written "$flink_kept"
      figure "flink.$pct" "$run" first_record_seconds "$flink_first_record_seconds"
      figure "flink.$pct" "$run" first_snapshot_seconds "$flink_first_snapshot_seconds"
      figure "flink.$pct" "$run" warmup_seconds "$flink_warmup_active_seconds"
      figure "flink.$pct" "$run" warmup_cpu_seconds "$flink_warmup_cpu_seconds"
      figure "flink.$pct" "$run" wall_seconds "$flink_wall_seconds"
    done
    kafka_real_stop
    rm -rf "$work/broker"
  done
  local kcat_version
  kcat_version=$(kcat -V 2>&1)
  fact realkafka.load_after "$(cut -d ' ' -f 1-3 /proc/loadavg)"
  fact versions.kafka \
    "$(sed -n 's|.*<kafka.version>\(.*\)</kafka.version>.*|\1|p' "$here/tests/peers/kafka/pom.xml")"
  fact versions.kcat "$(echo "$kcat_version" | sed -n 's/^Version \([^ ]*\) .*/\1/p' | head -n 1)"
  fact versions.librdkafka \
    "$(echo "$kcat_version" | sed -n 's/.*librdkafka \([0-9][^ ]*\) .*/\1/p' | head -n 1)"
  fact versions.flink "$(flink_version flink.version)"
  fact versions.flink_kafka "$(flink_version flink.kafka.version)"
  fact versions.iceberg_flink "$(flink_version iceberg.version)"
  fact versions.java "$(java -version 2>&1 | head -n 1)"
}

# run_real_floe CASE RUN WORKERS JOB: floe's Kafka job JOB (relative to the repository) on the
# real broker; sets real_written, which must be the same for every case.
run_real_floe() {
  kafka_real_run_once "$floe" "$here/$4" "$3" "$work" ||
    die "floe's Kafka job failed on the real broker"
  # After a rebalance a worker reads again what another had read but not committed: more is
  # read than the topic holds, what is committed stays exact. The rate counts the topic's messages.
  [ "$kafka_in" -ge "$real_messages" ] ||
    die "floe read $kafka_in of $real_messages messages from the broker"
  real_written=$kafka_table_rows
  if [ "$1" = "real1.${1#*.}" ]; then
    real_written_one=$real_written
  elif [ "$real_written" != "$real_written_one" ]; then
    die "floe's $1 committed $real_written rows, real1 $real_written_one"
  fi
  figure "$1" "$2" seconds "$kafka_active_seconds"
  figure "$1" "$2" cpu_seconds "$kafka_cpu_seconds"
  figure "$1" "$2" rss_kb "$kafka_rss_kb"
  figure "$1" "$2" written "$real_written"
  figure "$1" "$2" first_record_seconds "$kafka_first_record_seconds"
  figure "$1" "$2" first_snapshot_seconds "$kafka_first_snapshot_seconds"
  figure "$1" "$2" wall_seconds "$kafka_wall_seconds"
  figure "$1" "$2" reread "$((kafka_in - real_messages))"
}

real_partitions=4
[ "$real_messages" = 0 ] || run_real_kafka

fact started_at "$started_at"
fact finished_at "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
fact load_before "$load_before"
fact load_after "$(cut -d ' ' -f 1-3 /proc/loadavg)"
fact command "bench/run.sh$(if [ "$quick" = 1 ]; then echo " --smoke"; fi) --messages $messages --runs $runs --kafka-messages $kafka_messages --real-kafka-messages $real_messages"
fact messages "$messages"
fact runs "$runs"
fact quick "$quick"
fact threads "$threads"
fact machine.cpu "$(lscpu | sed -n 's/^Model name: *//p' | head -n 1)"
fact machine.cores "$(nproc)"
fact machine.memory_bytes "$(awk '/^MemTotal:/ { print $2 * 1024 }' /proc/meminfo)"
fact machine.kernel "$(uname -r)"
fact machine.os "$(. /etc/os-release && echo "$PRETTY_NAME")"
fact versions.gxx "$(g++ --version | head -n 1)"
fact versions.floe_commit "$(git -C "$here" rev-parse --short=12 HEAD 2>/dev/null || echo unknown)"
fact versions.floe_tree "$(if [ -n "$(git -C "$here" status --porcelain --untracked-files=no 2>/dev/null)" ]; then echo modified; else echo clean; fi)"
fact versions.simdjson "$(pkg-config --modversion simdjson 2>/dev/null || echo unknown)"
fact versions.zstd "$(pkg-config --modversion libzstd 2>/dev/null || echo unknown)"
fact versions.duckdb "$duckdb_version"
fact versions.node "$(node --version)"

report=(node "$here/bench/run_report.mjs" --figures "$figures" --meta "$meta" --json "$json")
[ "$write" = 0 ] || report+=(--markdown "$markdown")
"${report[@]}"
