# Helpers of the CDC tests (sourced after lib.sh): the CDC job of issue 15 (an upsert table of
# the current state partitioned by region, an audit table, dead letters) and the change
# generator cdc_gen.py, which computes independently of floe what the tables must hold.

# cdc_job FILE [SOURCE]: writes the job to FILE. SOURCE "file" (the default) reads
# ${INPUT_PATH}, one change per line; "kafka" reads topic ${TOPIC} on ${KAFKA_BOOTSTRAP_SERVERS}
# in consumer group ${GROUP_ID}, keyed by user_id. The current table is created with
# ${FORMAT_VERSION} (2 unless set: 3 writes deletion vectors instead of position deletes).
cdc_job() {
  local file=$1 source=${2:-file} source_block
  case $source in
    file) source_block='    type: file
    path: ${INPUT_PATH}' ;;
    kafka) source_block='    type: kafka
    properties:
      bootstrap.servers: ${KAFKA_BOOTSTRAP_SERVERS}
      topics: ${TOPIC}
      group.id: ${GROUP_ID}
      start_offsets: earliest' ;;
    *) fail "cdc_job: unknown source $source" ;;
  esac
  cat >"$file" <<EOF2
job:
  name: cdc
catalogs:
  local:
    type: sql
    warehouse: \${WAREHOUSE}
sources:
  users:
$source_block
    format: debezium-json
    schema: [{name: user_id, type: long}, {name: name, type: string}, {name: email, type: string}, {name: region, type: string}, {name: updated_at, type: timestamptz}]
sinks:
  current:
    type: iceberg
    catalog: local
    table: streaming.users_current
    mode: upsert
    primary_key: [user_id]
    partition_by: region
    create_if_missing: true
    properties: {format-version: "\${FORMAT_VERSION:-2}"}
  audit:
    type: iceberg
    catalog: local
    table: streaming.users_audit
    mode: append
    columns: [user_id, name, email, updated_at, {name: op, metadata: cdc_op}, {name: changed_at, metadata: cdc_ts}]
    create_if_missing: true
dead_letter:
  type: iceberg
  catalog: local
  table: streaming.users_dead
  create_if_missing: true
EOF2
}

# cdc_gen ARGS...: runs cdc_gen.py into $WORK (changes-N.jsonl, expected-current.jsonl,
# expected-audit.jsonl; its counts in $WORK/gen.json).
cdc_gen() {
  python3 "$SOURCE_DIR/tests/integration/cdc_gen.py" --out "$WORK" "$@" >"$WORK/gen.json"
}

# cdc_keyed IN OUT: the change lines of IN as "key<TAB>value" lines for `kcat -K '\t' -Z`,
# keyed by user_id (so that a key's changes stay in one partition, in order); a tombstone
# ("null") gets the key of the delete before it and an empty (= null) value; a bad record without
# a usable key gets the key "bad".
cdc_keyed() {
  python3 - "$1" "$2" <<'PY'
import json, sys
out = open(sys.argv[2], "w")
last = "bad"
for line in open(sys.argv[1]):
    line = line.rstrip("\n")
    if line == "null":
        out.write(last + "\t\n")
        continue
    key = "bad"
    try:
        change = json.loads(line)
        body = change.get("payload", change)
        image = body.get("after") or body.get("before") or {}
        if isinstance(image.get("user_id"), int):
            key = str(image["user_id"])
    except (ValueError, AttributeError):
        pass
    last = key
    out.write(key + "\t" + line + "\n")
PY
}

# cdc_run NAME INPUT [VAR=VALUE...]: one run of the job ($JOB) on the warehouse $W over the
# change file INPUT (one checkpoint); its output in $WORK/run-NAME.{txt,err}.
cdc_run() {
  local name=$1 input=$2
  shift 2
  env WAREHOUSE="$W" INPUT_PATH="$input" "$@" "$FLOE" run "$JOB" >"$WORK/run-$name.txt" \
    2>"$WORK/run-$name.err" || {
    cat "$WORK/run-$name.err" >&2
    fail "floe run ($name) failed"
  }
}
