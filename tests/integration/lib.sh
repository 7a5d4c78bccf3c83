# Shared helpers for the integration tests (sourced). Each test gets a fresh temp folder and
# runs the real floe binary; tables are judged by ../shared/peer/verify-table.mjs.
set -euo pipefail

FLOE=${FLOE:?set FLOE to the floe binary}
SOURCE_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
PEER=${FLOE_PEER_DIR:-$SOURCE_DIR/../shared/peer}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/floe-it.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
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
