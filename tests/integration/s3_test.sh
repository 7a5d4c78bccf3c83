#!/usr/bin/env bash
# S3 storage end to end (issue 7) against s3rver on 127.0.0.1, with the embedded default's
# SQLite catalog in a local file and the tables on S3:
#  (a) `floe table create/append` on WAREHOUSE=s3://lakehouse/warehouse, unpartitioned and
#      partitioned (keys with '=', escapes, spaces and non-ASCII text);
#  (b) the seed job (`floe run examples/profanity-local.yaml`) on an S3 warehouse, through a
#      proxy that fails every 5th request (503 SlowDown, dropped connection, lost reply);
#  each table is downloaded with `floe storage cp -r` and judged by verify-table.mjs, and read
#  in place on S3 by PyIceberg (its SqlCatalog on the same catalog.db, PyArrow's S3 client);
#  (c) a 300 MB file uploaded by multipart through the faulty proxy, downloaded and compared
#      byte for byte, with the uploader's peak RSS reported (S3_BIG_MB sets the size);
#  (d) virtual-hosted addressing (the bucket in the host name);
#  (e) the wrong inputs: bad location, missing credentials, an unknown access key.
source "$(dirname "$0")/lib.sh"
S3RVER_JS=$PEER/node_modules/s3rver/bin/s3rver.js
PROXY_JS=$SOURCE_DIR/tests/tools/s3/fault-proxy.mjs
[ -f "$S3RVER_JS" ] || fail "s3rver not installed in $PEER: run scripts/install-deps.sh"
[ -x /usr/bin/time ] || fail "/usr/bin/time (package time) not installed: run scripts/install-deps.sh"
BIG_MB=${S3_BIG_MB:-300}

pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

# wait_for_port PORT NAME LOG: until something answers HTTP on 127.0.0.1:PORT.
wait_for_port() {
  local _
  for _ in $(seq 1 100); do
    if node -e 'require("http").get("http://127.0.0.1:'"$1"'/",r=>process.exit(0)).on("error",()=>process.exit(1))' 2>/dev/null; then
      return 0
    fi
    sleep 0.1
  done
  cat "$3" >&2
  fail "$2 did not start on port $1"
}

S3_PORT=$(free_port)
(cd "$PEER" && exec node "$S3RVER_JS" -d "$WORK/s3rver" -a 127.0.0.1 -p "$S3_PORT" \
  --service-endpoint localhost --configure-bucket lakehouse --silent) >"$WORK/s3rver.log" 2>&1 &
pids+=($!)
wait_for_port "$S3_PORT" s3rver "$WORK/s3rver.log"

PROXY_PORT=$(free_port)
node "$PROXY_JS" --listen "$PROXY_PORT" --target "http://127.0.0.1:$S3_PORT" --every 5 \
  --faults 503,drop,lost --stats "$WORK/proxy-stats.json" >"$WORK/proxy.log" 2>&1 &
pids+=($!)
wait_for_port "$PROXY_PORT" fault-proxy "$WORK/proxy.log"
pass "s3rver on 127.0.0.1:$S3_PORT, fault proxy on 127.0.0.1:$PROXY_PORT"

# Only the seed's variables: nothing from the caller's AWS setup may leak in.
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_ENDPOINT_URL \
  AWS_ENDPOINT_URL_S3 AWS_REGION AWS_DEFAULT_REGION WAREHOUSE CATALOG_DB
export S3_ENDPOINT=http://127.0.0.1:$S3_PORT S3_ACCESS_KEY=S3RVER S3_SECRET_KEY=S3RVER
FAULTY=http://127.0.0.1:$PROXY_PORT
cd "$WORK" || fail "cannot enter $WORK"

# s3_verify WAREHOUSE CATALOG_DB TABLE EXPECTED.jsonl: download the bucket with floe's own copy
# and let the outside readers judge the table from there.
s3_verify() {
  local meta dl out
  meta=$(CATALOG_DB=$2 metadata_location "$1" "$3")
  case "$meta" in s3://lakehouse/*) ;; *) fail "$3's metadata is not on S3: $meta" ;; esac
  dl=$WORK/download-$RANDOM
  "$FLOE" storage cp -r s3://lakehouse "$dl" 2>"$WORK/cp.log" || {
    cat "$WORK/cp.log" >&2
    fail "floe storage cp -r s3://lakehouse failed"
  }
  if ! out=$(node "$PEER/verify-table.mjs" "$dl/${meta#s3://lakehouse/}" --map "s3://lakehouse=$dl" \
    --expect "$4" 2>&1); then
    echo "$out" >&2
    fail "verify-table rejected $3 ($meta)"
  fi
  echo "$out" | tail -n 1 | grep -q '^verify-table: ok' || fail "verify-table did not end with ok for $3"
  pass "verify-table accepts $3 from S3 ($(head -n 1 "$WORK/cp.log")): $(echo "$out" | tail -n 1)"
  # PyIceberg reads the table where it is, through its own S3 client (PyArrow's) on s3rver.
  local got=$WORK/pyiceberg-s3-$RANDOM.jsonl
  bash "$SOURCE_DIR/tests/peers/pyiceberg.sh" rows --sql "$2" --warehouse "$1" "$3" \
    --prop "s3.endpoint=$S3_ENDPOINT" --prop s3.access-key-id=S3RVER \
    --prop s3.secret-access-key=S3RVER --prop s3.region=us-east-1 >"$got" 2>"$got.err" ||
    { tail -n 20 "$got.err" >&2; fail "PyIceberg could not read $3 from S3"; }
  python3 "$SOURCE_DIR/tests/peers/compare_rows.py" "$dl/${meta#s3://lakehouse/}" "$4" "$got" --reader "PyIceberg on S3" \
    >"$got.cmp" 2>&1 || { cat "$got.cmp" >&2; fail "PyIceberg reads other rows from $3 on S3 than expected"; }
  pass "$3: $(cat "$got.cmp")"
  rm -rf "$dl"
}

# (a) floe table create/append on an S3 warehouse
T=$SOURCE_DIR/tests/integration/tables
W=s3://lakehouse/warehouse
export CATALOG_DB=$WORK/catalog.db
"$FLOE" --warehouse "$W" namespace create raw_messages >/dev/null
"$FLOE" --warehouse "$W" table create raw_messages.filtered_messages --schema @"$T/seed/schema.json" >/dev/null
"$FLOE" --warehouse "$W" table append raw_messages.filtered_messages --rows "$T/seed/rows-1.jsonl" >/dev/null
"$FLOE" --warehouse "$W" table append raw_messages.filtered_messages --rows "$T/seed/rows-2.jsonl" >/dev/null
[ -f "$WORK/catalog.db" ] || fail "the catalog is not at CATALOG_DB"
[ ! -e "$WORK/warehouse" ] || fail "a local ./warehouse appeared for an S3 warehouse"
"$FLOE" storage ls "$W/raw_messages/filtered_messages" >"$WORK/ls.txt"
[ "$(grep -c '\.parquet$' "$WORK/ls.txt")" = 2 ] || fail "expected 2 data files on S3: $(cat "$WORK/ls.txt")"
[ "$(grep -c '\.metadata\.json$' "$WORK/ls.txt")" = 3 ] || fail "expected 3 metadata files on S3"
pass "table create/append wrote $(wc -l <"$WORK/ls.txt") files under $W"
s3_verify "$W" "$WORK/catalog.db" raw_messages.filtered_messages "$T/seed/expected.jsonl"
# Partition values become keys with '=', '%'-escapes, spaces and non-ASCII text.
"$FLOE" --warehouse "$W" namespace create tests >/dev/null
"$FLOE" --warehouse "$W" table create tests.partitioned --schema @"$T/partitioned/schema.json" \
  --partition-by 'day(ts),identity(kind),bucket(16,id),truncate(4,name)' >/dev/null
for n in 1 2 3; do
  "$FLOE" --warehouse "$W" table append tests.partitioned --rows "$T/partitioned/rows-$n.jsonl" >/dev/null
done
s3_verify "$W" "$WORK/catalog.db" tests.partitioned "$T/partitioned/expected.jsonl"
unset CATALOG_DB

# (b) the seed job on an S3 warehouse, through the faulty proxy
"$FLOE" gen --count 20000 --match-ratio 0.1 --bad-ratio 0.01 --output "$WORK/in.jsonl" \
  --expect-out "$WORK/expected.jsonl" 2>"$WORK/gen.txt"
bad=$(sed -n 's/.* matching, \([0-9]*\) bad .*/\1/p' "$WORK/gen.txt")
S3_ENDPOINT=$FAULTY CATALOG_DB=$WORK/run/catalog.db WAREHOUSE=s3://lakehouse/run \
  INPUT_PATH=$WORK/in.jsonl OUTPUT_PATH=$WORK/out.jsonl \
  "$FLOE" run "$SOURCE_DIR/examples/profanity-local.yaml" >"$WORK/run.txt" 2>"$WORK/run.err" || {
  cat "$WORK/run.err" >&2
  fail "floe run on an S3 warehouse failed"
}
grep -q "^summary: in=20000 written=$(wc -l <"$WORK/expected.jsonl") .*dead_lettered=$bad " "$WORK/run.txt" ||
  fail "unexpected summary: $(cat "$WORK/run.txt")"
faults=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1])).faults)' "$WORK/proxy-stats.json")
[ "$faults" -gt 0 ] || fail "the proxy injected no fault during floe run"
pass "floe run wrote to s3://lakehouse/run through $faults injected faults"
s3_verify s3://lakehouse/run "$WORK/run/catalog.db" raw_messages.filtered_messages "$WORK/expected.jsonl"
[ "$(CATALOG_DB=$WORK/run/catalog.db "$FLOE" --warehouse s3://lakehouse/run table history raw_messages.dead_letters | tail -n +2 | wc -l)" = 1 ] ||
  fail "the dead-letter table has no snapshot"
pass "the dead-letter table is on S3 too"

# (c) a big file by multipart, through the faulty proxy, with memory bounded by the parts
head -c "$((BIG_MB * 1024 * 1024))" /dev/urandom >"$WORK/big.bin"
before=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1])).faults)' "$WORK/proxy-stats.json")
/usr/bin/time -v env S3_ENDPOINT="$FAULTY" "$FLOE" storage cp "$WORK/big.bin" s3://lakehouse/big/big.bin \
  2>"$WORK/big-up.txt" || {
  cat "$WORK/big-up.txt" >&2
  fail "uploading $BIG_MB MB failed"
}
after=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1])).faults)' "$WORK/proxy-stats.json")
rss_kb=$(sed -n 's/.*Maximum resident set size (kbytes): \([0-9]*\)/\1/p' "$WORK/big-up.txt")
elapsed=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): \(.*\)/\1/p' "$WORK/big-up.txt")
summary=$(head -n 1 "$WORK/big-up.txt")
echo "s3-big-upload: ${BIG_MB} MB in $elapsed, peak RSS $((rss_kb / 1024)) MB, $((after - before)) faults injected; floe: $summary"
[ "$((after - before))" -gt 0 ] || fail "the proxy injected no fault during the big upload"
echo "$summary" | grep -Eq 'S3: [0-9]+ requests, [1-9][0-9]* retries' || fail "no retries reported: $summary"
# Five 8 MiB parts (four in flight, one filling), the 8 MiB copy buffer and the binary: a
# bound that does not grow with the file.
[ "$rss_kb" -lt $((128 * 1024)) ] || fail "peak RSS ${rss_kb} kB is above 128 MB for a $BIG_MB MB file"
"$FLOE" storage ls s3://lakehouse/big | grep -qx "$((BIG_MB * 1024 * 1024)) s3://lakehouse/big/big.bin" ||
  fail "the big object has the wrong size: $("$FLOE" storage ls s3://lakehouse/big)"
"$FLOE" storage cp s3://lakehouse/big/big.bin "$WORK/big.back" 2>/dev/null
cmp -s "$WORK/big.bin" "$WORK/big.back" || fail "the downloaded big file differs"
pass "$BIG_MB MB went up by multipart through faults (peak RSS $((rss_kb / 1024)) MB) and came back byte-equal"
rm -f "$WORK/big.bin" "$WORK/big.back"

# (d) virtual-hosted addressing: s3rver takes the bucket from <bucket>.s3.localhost (see
# --service-endpoint above), and curl resolves every *.localhost name to loopback itself.
VHOST="--property s3.path-style-access=false"
echo "virtual-hosted" >"$WORK/vhost.txt"
# shellcheck disable=SC2086
S3_ENDPOINT=http://s3.localhost:$S3_PORT "$FLOE" storage $VHOST cp "$WORK/vhost.txt" s3://lakehouse/vhost/v.txt 2>/dev/null
"$FLOE" storage ls s3://lakehouse/vhost | grep -qx "15 s3://lakehouse/vhost/v.txt" ||
  fail "the virtual-hosted upload is not in the bucket"
# shellcheck disable=SC2086
S3_ENDPOINT=http://s3.localhost:$S3_PORT "$FLOE" storage $VHOST cp s3://lakehouse/vhost/v.txt "$WORK/vhost.back" 2>/dev/null
cmp -s "$WORK/vhost.txt" "$WORK/vhost.back" || fail "the virtual-hosted download differs"
pass "virtual-hosted addressing: upload, list and download"

# (e) wrong inputs
expect_error "invalid S3 location 's3:///x': no bucket name" "$FLOE" storage ls s3:///x
expect_error "no access key id \(set s3.access-key-id, S3_ACCESS_KEY or AWS_ACCESS_KEY_ID\).*\(unauthorized\)" \
  env -u S3_ACCESS_KEY "$FLOE" storage ls s3://lakehouse
expect_error "HTTP 403 InvalidAccessKeyId.*\(unauthorized\)" \
  env S3_ACCESS_KEY=nobody CATALOG_DB="$WORK/catalog.db" "$FLOE" --warehouse s3://lakehouse/warehouse \
  table describe raw_messages.filtered_messages
expect_error "no secret access key" \
  env -u S3_SECRET_KEY CATALOG_DB="$WORK/catalog.db" "$FLOE" --warehouse s3://lakehouse/warehouse table list raw_messages
if env S3_SECRET_KEY=do-not-print-me S3_ACCESS_KEY=nobody "$FLOE" storage ls s3://lakehouse 2>&1 | grep -q do-not-print-me; then
  fail "an error message shows the secret key"
fi
pass "errors never show the secret key"

echo "s3_test: $checks checks passed"
