#!/usr/bin/env bash
# The seeds' own stack as floe's peer (issue 18): the seed job written for Apache Flink 2.x
# (bench/flink/src/.../SeedJob.java) reading topic profanity_words of a real Apache Kafka broker
# (tests/peers/kafka.sh) into an Iceberg table through Iceberg's Flink sink, as a local MiniCluster
# from `java -cp`: parallelism = cores, object reuse on, checkpoints every 30 s, exactly once.
#
#   bench/flink/run.sh [OPTIONS]          (see --help)
#
# Builds the job with Maven into ${FLOE_PEERS_CACHE:-~/.cache/floe-peers}/flink-seed-VERSIONS
# (every version pinned in bench/flink/pom.xml, Maven Central only, so a second run fetches and
# builds nothing), starts a broker, loads `floe gen --seed 42` messages, and runs the job RUNS
# times. Each run is one JVM that runs the job PASSES times (a fresh table and consumer group
# each): the passes before the last warm the JVM up and are reported apart. Prints records/s over
# the active span (first to last record, as floe's summary counts it), CPU seconds per million
# records, peak RSS (/usr/bin/time -v), and times from the process's start to its first record
# and to its first committed snapshot: every run's line, then the run with the median records/s.
#
# Sourced (as bench/run.sh does), it defines flink_install and flink_run_once and runs nothing.
set -euo pipefail

flink_bench_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
flink_cache=${FLOE_PEERS_CACHE:-$HOME/.cache/floe-peers}

# flink_version NAME: the value of <NAME> in the pom.
flink_version() { sed -n "s|.*<$1>\(.*\)</$1>.*|\1|p" "$flink_bench_dir/pom.xml"; }

flink_home() {
  echo "$flink_cache/flink-seed-$(flink_version flink.version)-iceberg-$(flink_version iceberg.version)"
}

# flink_install: the job's classes and class path in the cache, built once (again when the pom
# or the source changed).
flink_install() {
  local home source=$flink_bench_dir/src/main/java/dev/floe/bench/SeedJob.java
  home=$(flink_home)
  command -v java >/dev/null || { echo "bench/flink: java (17) is not installed" >&2; return 1; }
  if [ -e "$home/lib/.complete" ] && [ -e "$home/build/classes/.complete" ] &&
    [ ! "$source" -nt "$home/build/classes/.complete" ] &&
    [ ! "$flink_bench_dir/pom.xml" -nt "$home/lib/.complete" ]; then
    return 0
  fi
  command -v mvn >/dev/null || { echo "bench/flink: mvn is not installed" >&2; return 1; }
  rm -rf "$home"
  mkdir -p "$home"
  mvn -q -B -s "$flink_bench_dir/settings.xml" -Dmaven.repo.local="$flink_cache/m2" \
    -Dbench.build.directory="$home/build" -f "$flink_bench_dir/pom.xml" \
    compile dependency:copy-dependencies -DincludeScope=runtime \
    -DoutputDirectory="$home/lib" >&2 || {
    echo "bench/flink: could not build the Flink job with Maven" >&2
    return 1
  }
  touch "$home/lib/.complete" "$home/build/classes/.complete"
}

# flink_field LINE NAME: the value of NAME=VALUE in LINE.
flink_field() { echo "$1" | sed -n "s/.*\b$2=\([^ ]*\).*/\1/p"; }

# flink_run_once BOOTSTRAP WORK PARALLELISM PASSES HEAP: one JVM running the job PASSES times on
# profanity_words (tables under WORK/flink-warehouse, logs in WORK/flink.*). Sets, for the last
# (measured) pass: flink_in, flink_kept, flink_active_seconds, flink_cpu_seconds; for the first
# pass, from the process's start: flink_first_record_seconds, flink_first_snapshot_seconds; for
# the warm-up passes: flink_warmup_active_seconds (the first pass's) and
# flink_warmup_cpu_seconds; for the whole process: flink_rss_kb and flink_wall_seconds. Fails
# when a pass read another count than the first or its table does not hold what it kept.
flink_run_once() {
  local bootstrap=$1 work=$2 parallelism=$3 passes=$4 heap=$5 home start end line first last
  home=$(flink_home)
  rm -rf "$work/flink-warehouse"
  local java=(java "-Xms$heap" "-Xmx$heap" -XX:+UseParallelGC
    --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.lang=ALL-UNNAMED
    --add-opens=java.base/java.lang.invoke=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED
    --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED
    -Dflink.bench.log="$work/flink.log"
    -Dlog4j2.configurationFile="file:$flink_bench_dir/log4j2.properties"
    -cp "$home/build/classes:$home/lib/*" dev.floe.bench.SeedJob
    --bootstrap "$bootstrap" --topic profanity_words --warehouse "$work/flink-warehouse"
    --parallelism "$parallelism" --passes "$passes" --checkpoint-interval-ms 30000)
  start=$(date +%s%3N)
  # A JVM that hangs (a broker gone, a commit that never comes) is killed after 20 minutes.
  /usr/bin/time -v -o "$work/flink.time" timeout -s KILL 1200 "${java[@]}" \
    >"$work/flink.out" 2>"$work/flink.err" || {
    echo "the Flink job failed or timed out: $(tail -n 20 "$work/flink.err" "$work/flink.log" \
      2>/dev/null)" >&2
    return 1
  }
  end=$(date +%s%3N)
  first=$(grep '^flink: pass=1 ' "$work/flink.out") || {
    echo "the Flink job printed no result: $(cat "$work/flink.out")" >&2
    return 1
  }
  last=$(grep '^flink: pass=' "$work/flink.out" | tail -n 1)
  while read -r line; do
    [ "$(flink_field "$line" in)" = "$(flink_field "$first" in)" ] || {
      echo "Flink passes read different counts: $(cat "$work/flink.out")" >&2
      return 1
    }
    [ "$(flink_field "$line" table_rows)" = "$(flink_field "$line" kept)" ] || {
      echo "a Flink table does not hold the rows its pass kept: $line" >&2
      return 1
    }
  done < <(grep '^flink: pass=' "$work/flink.out")
  flink_in=$(flink_field "$last" in)
  flink_kept=$(flink_field "$last" kept)
  flink_active_seconds=$(flink_span "$last" first_record_ms last_record_ms)
  flink_cpu_seconds=$(awk -v c="$(flink_field "$last" cpu_ms)" 'BEGIN { printf "%.2f", c / 1000 }')
  flink_first_record_seconds=$(flink_since "$start" "$(flink_field "$first" first_record_ms)")
  flink_first_snapshot_seconds=$(flink_since "$start" "$(flink_field "$first" first_snapshot_ms)")
  flink_warmup_active_seconds=$(flink_span "$first" first_record_ms last_record_ms)
  flink_warmup_cpu_seconds=$(sed -n 's/^flink: pass=.* warmup=true .* cpu_ms=\([0-9]*\).*/\1/p' \
    "$work/flink.out" | awk '{ sum += $1 } END { printf "%.2f", sum / 1000 }')
  flink_rss_kb=$(sed -n 's/.*Maximum resident set size (kbytes): *//p' "$work/flink.time")
  flink_wall_seconds=$(flink_since "$start" "$end")
}

# flink_span LINE FROM TO: seconds between two _ms fields of LINE.
flink_span() {
  awk -v a="$(flink_field "$1" "$2")" -v b="$(flink_field "$1" "$3")" \
    'BEGIN { printf "%.3f", (b - a) / 1000 }'
}

# flink_since START_MS MS: seconds from START_MS to MS.
flink_since() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", (b - a) / 1000 }'; }

flink_usage() {
  cat <<'EOF'
Usage: bench/flink/run.sh [OPTIONS]

Runs the seed job on Apache Flink (bench/flink/) against a real Kafka broker it starts
(tests/peers/kafka.sh), on `floe gen --seed 42` messages.

Options:
  --messages N       messages in the topic (default 1000000)
  --match-ratio R    share of messages whose body contains "gun" (default 0.1)
  --partitions N     partitions of the topic (default 4)
  --runs R           JVMs run, the median reported (default 3)
  --passes P         passes of the job in each JVM, the last measured (default 2)
  --parallelism N    the job's parallelism (default: the number of cores)
  --heap SIZE        the JVM's heap, -Xms and -Xmx (default 1g)
  --floe FILE        the floe binary for `floe gen` (default: build/floe)
  --install          only fetch and build the job into the cache
  -h, --help         this help
EOF
}

flink_main() {
  local here messages=1000000 ratio=0.1 partitions=4 runs=3 passes=2 parallelism heap=1g floe
  here=$(cd "$flink_bench_dir/../.." && pwd)
  parallelism=$(nproc)
  floe=$here/build/floe
  while [ $# -gt 0 ]; do
    case $1 in
      --install) flink_install && return 0 ;;
      -h | --help) flink_usage && return 0 ;;
      --messages | --match-ratio | --partitions | --runs | --passes | --parallelism | --heap | --floe)
        [ $# -ge 2 ] || { echo "bench/flink/run.sh: $1 needs a value" >&2 && return 2; }
        case $1 in
          --messages) messages=$2 ;;
          --match-ratio) ratio=$2 ;;
          --partitions) partitions=$2 ;;
          --runs) runs=$2 ;;
          --passes) passes=$2 ;;
          --parallelism) parallelism=$2 ;;
          --heap) heap=$2 ;;
          --floe) floe=$2 ;;
        esac
        shift 2
        ;;
      *) echo "bench/flink/run.sh: unknown option '$1' (see --help)" >&2 && return 2 ;;
    esac
  done
  for n in "$messages" "$partitions" "$runs" "$passes" "$parallelism"; do
    [[ $n =~ ^[1-9][0-9]*$ ]] || {
      echo "bench/flink/run.sh: counts must be positive integers, got '$n'" >&2
      return 2
    }
  done
  [ -x "$floe" ] || { echo "bench/flink/run.sh: no floe binary at $floe (--floe FILE)" >&2 && return 2; }
  [ -x /usr/bin/time ] || { echo "bench/flink/run.sh: needs /usr/bin/time" >&2 && return 2; }
  # shellcheck source=bench/kafka_job.sh
  source "$here/bench/kafka_job.sh"
  flink_install
  work=$(mktemp -d "${TMPDIR:-/tmp}/floe-flink-bench.XXXXXX")
  trap 'kafka_real_stop; rm -rf "$work"' EXIT
  kafka_real_start "$work/broker" "$partitions"
  "$floe" gen --count "$messages" --seed 42 --match-ratio "$ratio" --output "$work/in.jsonl" \
    2>/dev/null
  kafka_real_load "$work/in.jsonl"
  local bytes results=() run
  bytes=$(stat -c %s "$work/in.jsonl")
  rm -f "$work/in.jsonl"
  echo "Flink $(flink_version flink.version), iceberg-flink-runtime-2.0 $(flink_version iceberg.version)," \
    "$messages messages ($bytes bytes, ${ratio} matching), $partitions partitions," \
    "parallelism $parallelism, heap $heap, $passes pass(es) per JVM"
  for run in $(seq "$runs"); do
    flink_run_once "$kafka_real_bootstrap" "$work" "$parallelism" "$passes" "$heap"
    [ "$flink_in" = "$messages" ] || { echo "run $run read $flink_in of $messages" >&2 && return 1; }
    results+=("$(awk -v n="$flink_in" -v b="$bytes" -v t="$flink_active_seconds" \
      -v c="$flink_cpu_seconds" -v r="$flink_rss_kb" -v s="$flink_first_record_seconds" \
      -v f="$flink_first_snapshot_seconds" -v w="$flink_warmup_active_seconds" \
      'BEGIN { printf "%.0f %.1f %.2f %.1f %.1f %.1f %.0f", n / t, b / t / 1e6, c / n * 1e6,
               r / 1024, s, f, n / w }')")
    echo "run $run: ${results[-1]}"
  done
  printf '%12s %8s %14s %12s %14s %16s %14s\n' records/s MB/s cpu_s/M_rec peak_RSS_MB \
    start→record_s start→snapshot_s warmup_rec/s
  printf '%s\n' "${results[@]}" | sort -n -k1 | sed -n "$(((runs + 1) / 2))p" |
    awk '{ printf "%12s %8s %14s %12s %14s %16s %14s\n", $1, $2, $3, $4, $5, $6, $7 }'
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then flink_main "$@"; fi
