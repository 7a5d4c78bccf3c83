# Shared helpers for the integration tests (sourced). Each test gets a fresh temp folder and
# runs the real floe binary; tables are judged by ../shared/peer/verify-table.mjs.
set -euo pipefail

FLOE=${FLOE:?set FLOE to the floe binary}
SOURCE_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
PEER=${FLOE_PEER_DIR:-$SOURCE_DIR/../shared/peer}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/floe-it.XXXXXX")
cleanup() {
  local pids
  pids=$(jobs -p)
  [ -z "$pids" ] || kill $pids 2>/dev/null || true
  wait 2>/dev/null || true
  [ -z "${KAFKA_DIR:-}" ] || bash "$SOURCE_DIR/tests/peers/kafka.sh" stop "$KAFKA_DIR" || true
  if [ -n "${FLOE_KEEP_WORK:-}" ]; then
    echo "kept $WORK" >&2
  else
    rm -rf "$WORK"
  fi
}
trap cleanup EXIT
checks=0

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

pass() {
  checks=$((checks + 1))
  echo "ok: $*"
}

[ -f "$PEER/verify-table.mjs" ] || fail "verify-table.mjs not found in $PEER"
[ -d "$PEER/node_modules/@duckdb/node-api" ] || fail "outside readers not installed: run scripts/install-deps.sh"

# metadata_location WAREHOUSE TABLE: the table's current metadata file.
metadata_location() {
  "$FLOE" --warehouse "$1" table describe "$2" --json |
    node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s)["metadata-location"]))'
}

# current_snapshot WAREHOUSE TABLE: the current snapshot id, or "none".
current_snapshot() {
  "$FLOE" --warehouse "$1" table describe "$2" --json |
    node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const m=JSON.parse(s).metadata;const id=m["current-snapshot-id"];console.log(id===undefined||id===null||id===-1?"none":String(id))})'
}

# verify WAREHOUSE TABLE EXPECTED.jsonl: the outside readers must accept the table and see
# exactly the expected rows.
verify() {
  local meta out
  meta=$(metadata_location "$1" "$2")
  if ! out=$(node "$PEER/verify-table.mjs" "$meta" --expect "$3" 2>&1); then
    echo "$out" >&2
    fail "verify-table rejected $2 ($meta)"
  fi
  echo "$out" | tail -n 1 | grep -q '^verify-table: ok' || fail "verify-table did not end with ok for $2"
  pass "verify-table accepts $2: $(echo "$out" | tail -n 1)"
  check_table_peers "$1" "$2" "$3" pyiceberg
}

# check_table_peers WAREHOUSE TABLE EXPECTED.jsonl READERS: the Iceberg libraries that users
# read tables with see exactly the expected rows (order aside; tests/peers/compare_rows.py).
# READERS is a comma-separated list of: pyiceberg (PyIceberg's SqlCatalog on
# WAREHOUSE/catalog.db), java (Iceberg Java's IcebergGenerics through its JdbcCatalog).
check_table_peers() {
  local warehouse=$1 table=$2 expected=$3 reader meta got
  meta=$(metadata_location "$warehouse" "$table")
  for reader in ${4//,/ }; do
    got=$WORK/peer-$reader-$table.jsonl
    case $reader in
      pyiceberg)
        bash "$SOURCE_DIR/tests/peers/pyiceberg.sh" rows --sql "$warehouse/catalog.db" \
          --warehouse "$warehouse" "$table" >"$got" 2>"$got.err" ||
          { tail -n 20 "$got.err" >&2; fail "PyIceberg could not read $table"; } ;;
      java)
        bash "$SOURCE_DIR/tests/peers/iceberg_java.sh" rows --jdbc "$warehouse/catalog.db" \
          --warehouse "$warehouse" "$table" >"$got" 2>"$got.err" ||
          { tail -n 20 "$got.err" >&2; fail "Iceberg Java could not read $table"; } ;;
      *) fail "check_table_peers: unknown reader $reader" ;;
    esac
    python3 "$SOURCE_DIR/tests/peers/compare_rows.py" "$meta" "$expected" "$got" --reader "$reader" >"$got.cmp" 2>&1 ||
      { cat "$got.cmp" >&2; fail "$reader reads other rows from $table than expected"; }
    pass "$table: $(cat "$got.cmp")"
  done
}

# expect_error PATTERN CMD...: CMD must exit non-zero and print PATTERN (grep -E) on stderr.
expect_error() {
  local pattern=$1 err
  shift
  if err=$("$@" 2>&1 >/dev/null); then fail "expected failure of: $*"; fi
  echo "$err" | grep -Eq -- "$pattern" || fail "error of '$*' does not match /$pattern/: $err"
  pass "rejected as expected: $(echo "$err" | head -n 1)"
}

# data_file_count DIR: Parquet files below DIR.
data_file_count() {
  find "$1" -name '*.parquet' 2>/dev/null | wc -l
}

# summary_field RUN NAME: a counter of `floe run`'s summary line in $WORK/run-RUN.txt.
summary_field() {
  sed -n "s/^summary: .*\b$2=\([0-9]*\).*/\1/p" "$WORK/run-$1.txt"
}

# rows_as_set FILE: the JSON lines with timestamps in one form, sorted (writers differ in how
# many fractional zeros they print).
rows_as_set() {
  node -e '
    const lines = require("fs").readFileSync(process.argv[1], "utf8").split("\n").filter(l => l);
    const norm = ts => ts.replace(/(\.\d*?)0+Z$/, "$1Z").replace(/\.Z$/, "Z");
    for (const l of lines) { const o = JSON.parse(l); if (o.timestamp) o.timestamp = norm(o.timestamp); console.log(JSON.stringify(o)); }
  ' "$1" | sort
}

# start_kafka TOPICS: a real Apache Kafka broker of this test (tests/peers/kafka.sh, stopped on
# exit) with the topics TOPICS ("name:partitions,..."); sets KAFKA_BOOTSTRAP_SERVERS.
start_kafka() {
  local out
  KAFKA_DIR=$WORK/kafka
  out=$(bash "$SOURCE_DIR/tests/peers/kafka.sh" start "$KAFKA_DIR") || fail "the Kafka broker did not start"
  KAFKA_BOOTSTRAP_SERVERS=$(echo "$out" | sed -n 's/^bootstrap=//p')
  export KAFKA_BOOTSTRAP_SERVERS
  # shellcheck disable=SC2086 # one argument per topic
  [ -z "$1" ] || bash "$SOURCE_DIR/tests/peers/kafka.sh" topics "$KAFKA_DIR" ${1//,/ } ||
    fail "could not create the topics $1"
}

# start_dev_kafka TOPICS [BROKERS]: starts `floe dev kafka` in the background; sets
# KAFKA_BOOTSTRAP_SERVERS, and KAFKA_CTL (a fifo: `echo "down 1" >"$KAFKA_CTL"`).
start_dev_kafka() {
  KAFKA_CTL=$WORK/kafka-ctl
  mkfifo "$KAFKA_CTL"
  "$FLOE" dev kafka --topics "$1" --brokers "${2:-1}" <>"$KAFKA_CTL" >"$WORK/kafka.out" 2>"$WORK/kafka.err" &
  local tries=0
  until grep -q '^bootstrap=' "$WORK/kafka.out" 2>/dev/null; do
    tries=$((tries + 1))
    [ $tries -lt 100 ] || fail "floe dev kafka did not start: $(cat "$WORK/kafka.err")"
    sleep 0.1
  done
  KAFKA_BOOTSTRAP_SERVERS=$(sed -n 's/^bootstrap=//p' "$WORK/kafka.out" | head -n 1)
  export KAFKA_BOOTSTRAP_SERVERS
}

# seed_kafka_job GROUP TAG [ARGS...]: examples/profanity-kafka.yaml in the background, in
# consumer group GROUP, warehouse $WORK/w, checkpoints far apart (600 s: the only commits are
# those of partitions given up and of the end), a 6 s session; output in $WORK/run-TAG.{txt,err}.
seed_kafka_job() {
  local group=$1 tag=$2
  shift 2
  env WAREHOUSE="$WORK/w" GROUP_ID="$group" CHECKPOINT_INTERVAL=600s "$FLOE" run \
    "$SOURCE_DIR/examples/profanity-kafka.yaml" \
    --set sources.messages.properties.session.timeout.ms=6000 "$@" \
    >"$WORK/run-$tag.txt" 2>"$WORK/run-$tag.err" &
}

# wait_http TAG: the address a `floe run ... --http 127.0.0.1:0` in the background serves at,
# read from $WORK/run-TAG.err (waits up to 10 s); sets HTTP.
wait_http() {
  HTTP=
  for _ in $(seq 100); do
    HTTP=$(sed -n 's|^floe: serving \(http://127\.0\.0\.1:[0-9]*\)/ .*|\1|p' "$WORK/run-$1.err")
    [ -n "$HTTP" ] && return 0
    sleep 0.1
  done
  fail "process $1 did not say where it serves: $(cat "$WORK/run-$1.err")"
}

# wait_records_in COUNT: waits up to 60 s until the job at $HTTP has read COUNT records.
wait_records_in() {
  local read
  for _ in $(seq 600); do
    read=$(curl -sf "$HTTP/metrics" | awk '$1 ~ /^floe_records_in_total/ { print $2 }')
    [ "$read" = "$1" ] && return 0
    sleep 0.1
  done
  fail "the job read $read of $1 messages in 60 s"
}

# consume_all TOPIC OUT: every message of TOPIC (read_committed), one per line.
consume_all() {
  kcat -b "$KAFKA_BOOTSTRAP_SERVERS" -C -t "$1" -o beginning -e -q -X isolation.level=read_committed -f '%s\n' >"$2"
}

# produce_spread TOPIC PARTITIONS FILE: the lines of FILE as messages, spread evenly (in
# contiguous runs) over the partitions, each run in the order of the file.
produce_spread() {
  local topic=$1 partitions=$2 file=$3 p
  split -n "l/$partitions" -d -a 3 "$file" "$WORK/spread-"
  for ((p = 0; p < partitions; p++)); do
    kcat -b "$KAFKA_BOOTSTRAP_SERVERS" -t "$topic" -p "$p" -P <"$WORK/spread-$(printf '%03d' "$p")"
  done
  rm -f "$WORK"/spread-*
}
