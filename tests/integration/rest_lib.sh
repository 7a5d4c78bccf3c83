# Helpers for the REST catalog tests (sourced after lib.sh): start `floe catalog serve` on a free
# port of 127.0.0.1, get tokens, call it with curl, read JSON with node.

SERVER_PIDS=()
stop_servers() {
  local pid
  for pid in "${SERVER_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${SERVER_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  SERVER_PIDS=()
}
trap 'stop_servers; rm -rf "$WORK"' EXIT

# start_server LOG ARGS...: runs floe catalog serve --port 0 ARGS in the background and sets
# BASE to its URL once it listens.
start_server() {
  local log=$1 i port=""
  shift
  "$FLOE" catalog serve --host 127.0.0.1 --port 0 "$@" >"$log" 2>&1 &
  SERVER_PIDS+=($!)
  for i in $(seq 1 100); do
    port=$(grep -o 'listening on http://127.0.0.1:[0-9]*' "$log" 2>/dev/null | sed 's/.*://' || true)
    [ -n "$port" ] && break
    sleep 0.1
  done
  [ -n "$port" ] || { cat "$log" >&2; fail "floe catalog serve did not start"; }
  BASE="http://127.0.0.1:$port"
}

# stop_last_server: stops the most recently started server (SIGTERM) and waits for it.
stop_last_server() {
  local last=$((${#SERVER_PIDS[@]} - 1))
  local pid=${SERVER_PIDS[$last]}
  kill -TERM "$pid"
  wait "$pid" || fail "floe catalog serve exited with an error on SIGTERM"
  unset "SERVER_PIDS[$last]"
  SERVER_PIDS=("${SERVER_PIDS[@]}")
}

# json EXPR: evaluates the JS expression EXPR with `j` bound to the JSON on stdin.
json() {
  node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const j=JSON.parse(s);const v=eval(process.argv[1]);console.log(typeof v==="string"?v:JSON.stringify(v))})' "$1"
}

# get_token ID SECRET: a bearer token from the token endpoint (scope PRINCIPAL_ROLE:ALL).
get_token() {
  curl -sf -X POST "$BASE/api/catalog/v1/oauth/tokens" \
    -d "grant_type=client_credentials&client_id=$1&client_secret=$2&scope=PRINCIPAL_ROLE:ALL" |
    json 'j.access_token'
}

# call METHOD PATH [BODY]: curl with the bearer token $TOKEN; prints the body, then the HTTP
# status on the last line.
call() {
  local method=$1 path=$2
  shift 2
  if [ $# -gt 0 ]; then
    curl -s -X "$method" "$BASE$path" -H "Authorization: Bearer $TOKEN" \
      -H 'Content-Type: application/json' --data-binary "$1" -w '\n%{http_code}'
  else
    curl -s -X "$method" "$BASE$path" -H "Authorization: Bearer $TOKEN" -w '\n%{http_code}'
  fi
}

# expect_status CODE METHOD PATH [BODY]: the call must answer CODE; prints the body.
expect_status() {
  local code=$1 out status
  shift
  out=$(call "$@")
  status=$(echo "$out" | tail -n 1)
  [ "$status" = "$code" ] || fail "$1 $2 answered $status, expected $code: $(echo "$out" | head -n -1)"
  echo "$out" | head -n -1
}

# The seed's table schema (DESIGN.md): six optional columns, the last timestamptz.
SEED_SCHEMA='{"type": "struct", "fields": [
  {"id": 1, "name": "account_id", "required": false, "type": "string"},
  {"id": 2, "name": "message_id", "required": false, "type": "string"},
  {"id": 3, "name": "message_body", "required": false, "type": "string"},
  {"id": 4, "name": "correlation_id", "required": false, "type": "string"},
  {"id": 5, "name": "message_status", "required": false, "type": "string"},
  {"id": 6, "name": "timestamp", "required": false, "type": "timestamptz"}]}'

# seed_setup WAREHOUSE_DIR: the seed's four setup calls (token, catalog lakehouse, namespace
# raw_messages, table filtered_messages), exactly as its setup script sends them but for a local
# default-base-location. Sets TOKEN.
seed_setup() {
  local warehouse=$1
  TOKEN=$(curl -sf -X POST "$BASE/api/catalog/v1/oauth/tokens" \
    -H 'Content-Type: application/x-www-form-urlencoded' \
    -d 'grant_type=client_credentials&client_id=admin&client_secret=password&scope=PRINCIPAL_ROLE:ALL' |
    json 'j.access_token') || fail "no token for admin:password"
  [ -n "$TOKEN" ] || fail "empty token"
  expect_status 201 POST /api/management/v1/catalogs "{\"catalog\": {\"name\": \"lakehouse\",
    \"type\": \"INTERNAL\", \"properties\": {\"default-base-location\": \"file://$warehouse\"},
    \"storageConfigInfo\": {\"storageType\": \"FILE\", \"allowedLocations\": [\"file://$warehouse/*\"]}}}" >/dev/null
  expect_status 200 POST /api/catalog/v1/lakehouse/namespaces '{"namespace": ["raw_messages"]}' >/dev/null
  expect_status 200 POST /api/catalog/v1/lakehouse/namespaces/raw_messages/tables \
    "{\"name\": \"filtered_messages\", \"schema\": $SEED_SCHEMA}" >/dev/null
}

# run_job LABEL: floe run $WORK/job.yaml, its summary in $WORK/run-LABEL.txt and its log in
# run-LABEL.err (shown when it fails).
run_job() {
  "$FLOE" run "$WORK/job.yaml" >"$WORK/run-$1.txt" 2>"$WORK/run-$1.err" || {
    cat "$WORK/run-$1.err" >&2
    fail "floe run ($1) of $WORK/job.yaml failed"
  }
}

# write_seed_job FILE NAME INPUT [KEY: VALUE]...: the seed job as the REST tests run it: job NAME
# (checkpoint every second) reads the JSON lines of INPUT, keeps the "gun" messages and commits
# them to raw_messages.filtered_messages in REST catalog `lakehouse`, whose properties are the
# remaining arguments, one "key: value" each (uri first). Callers append more (a dead_letter).
write_seed_job() {
  local file=$1 name=$2 input=$3 property
  shift 3
  {
    echo "job: {name: $name, checkpoint: {interval: 1s}}"
    echo "catalogs:"
    echo "  lakehouse:"
    echo "    type: rest"
    for property in "$@"; do echo "    $property"; done
    cat <<YAML
sources:
  messages:
    type: file
    path: $input
    format: json
    schema:
      - {name: account_id, type: string}
      - {name: message_id, type: string}
      - {name: message_body, type: string}
      - {name: correlation_id, type: string}
      - {name: message_status, type: string}
      - {name: timestamp, type: timestamptz}
transforms:
  - filter: {where: "lower(message_body) LIKE '%gun%'"}
sinks:
  filtered: {type: iceberg, catalog: lakehouse, table: raw_messages.filtered_messages}
YAML
  } >"$file"
}
