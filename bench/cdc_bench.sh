#!/usr/bin/env bash
# CDC upsert benchmark (issue 15): KEYS primary keys (default 1M), CHANGES Debezium changes
# (default 10M: 70% updates, 10% deletes, 20% inserts of keys not live) from a file, upserted by
# floe into an unpartitioned table twice: with position deletes through its key index (the
# default) and with equality deletes (delete_mode: equality). Reports floe's changes/s and peak
# RSS for each, the key index's bytes per live key, delete files per commit, and a full scan's
# time in DuckDB of each table with its deletes applied (bench/cdc_scan.mjs, median of 3). Both
# scans must return exactly the generator's final state (row count and a checksum).
#   FLOE=build/floe bash bench/cdc_bench.sh [KEYS] [CHANGES] [CHECKPOINT_INTERVAL]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
FLOE=${FLOE:-$here/build/floe}
keys=${1:-1000000} changes=${2:-10000000} interval=${3:-10s}
work=$(mktemp -d "${TMPDIR:-/tmp}/floe-cdc-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

python3 - "$work/changes.jsonl" "$keys" "$changes" >"$work/expected.txt" <<'PY'
import random, sys
path, keys, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rnd = random.Random(15)
live = []       # live keys (swap-removed)
where = {}      # key -> index in live
serial = {}     # key -> serial of its current row
dead = list(range(keys))  # keys not live (swap-removed)
dead_where = {k: k for k in dead}
kinds = {"c": 0, "u": 0, "d": 0}

def take(pool, index, k):
    last = pool.pop()
    if last != k:
        pool[index[k]] = last
        index[last] = index[k]
    del index[k]

def image(k, s):
    return '{"user_id":%d,"name":"u%d v%d","email":"u%d@example.com","updated_at":"2026-12-03T10:00:00Z"}' % (k, k, s, k)

with open(path, "w") as out:
    lines = []
    for n in range(1, count + 1):
        r = rnd.random()
        if live and (r < 0.8 or not dead):
            k = live[rnd.randrange(len(live))]
            if r < 0.7 or not dead and r >= 0.8:
                lines.append('{"before":null,"after":%s,"op":"u","ts_ms":%d}' % (image(k, n), n))
                serial[k] = n
                kinds["u"] += 1
            else:
                lines.append('{"before":%s,"after":null,"op":"d","ts_ms":%d}' % (image(k, serial[k]), n))
                take(live, where, k)
                del serial[k]
                dead_where[k] = len(dead)
                dead.append(k)
                kinds["d"] += 1
        else:
            k = dead[rnd.randrange(len(dead))]
            take(dead, dead_where, k)
            where[k] = len(live)
            live.append(k)
            serial[k] = n
            lines.append('{"before":null,"after":%s,"op":"c","ts_ms":%d}' % (image(k, n), n))
            kinds["c"] += 1
        if len(lines) == 100000:
            out.write("\n".join(lines) + "\n")
            lines = []
    if lines:
        out.write("\n".join(lines) + "\n")
print(len(live), sum(serial.values()), kinds["c"], kinds["u"], kinds["d"])
PY
read -r live checksum inserts updates deletes <"$work/expected.txt"

cat >"$work/job.yaml" <<'YAML'
job:
  name: cdc-bench
  checkpoint: {interval: "${INTERVAL}"}
catalogs:
  local:
    type: sql
    warehouse: ${WAREHOUSE}
sources:
  users:
    type: file
    path: ${INPUT_PATH}
    format: debezium-json
    schema: [{name: user_id, type: long}, {name: name, type: string}, {name: email, type: string}, {name: updated_at, type: timestamptz}]
sinks:
  current:
    type: iceberg
    catalog: local
    table: bench.users_current
    mode: upsert
    primary_key: [user_id]
    delete_mode: ${DELETE_MODE}
    create_if_missing: true
YAML

echo "input: $changes changes ($inserts inserts, $updates updates, $deletes deletes) of $keys keys, $(du -m "$work/changes.jsonl" | cut -f1) MiB; $live live keys at the end; checkpoints every $interval"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for mode in position equality; do
  warehouse=$work/w-$mode
  DELETE_MODE=$mode INTERVAL=$interval WAREHOUSE=$warehouse INPUT_PATH=$work/changes.jsonl \
    /usr/bin/time -f '%e %M' -o "$work/time-$mode" "$FLOE" run "$work/job.yaml" \
    >"$work/floe-$mode.out" 2>"$work/floe-$mode.err" || { tail -n 20 "$work/floe-$mode.err" >&2; exit 1; }
  read -r seconds rss_kb <"$work/time-$mode"
  "$FLOE" --warehouse "$warehouse" table describe bench.users_current --json >"$work/describe-$mode.json"
  read -r meta snapshots delete_files state <<<"$(node -e '
    const d = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")), m = d.metadata;
    let files = 0, state = "-";
    for (const s of m.snapshots) files += Number(s.summary["added-delete-files"] || 0);
    const cur = m.snapshots.find(s => s["snapshot-id"] === m["current-snapshot-id"]);
    for (const [k, v] of Object.entries(cur.summary)) if (k.startsWith("floe.state.")) state = v;
    console.log(d["metadata-location"], m.snapshots.length, files, state);' "$work/describe-$mode.json")"
  line="floe ($mode deletes): ${seconds} s, $(awk -v n="$changes" -v s="$seconds" 'BEGIN { printf "%.0f", n / s }') changes/s, peak RSS $((rss_kb / 1024)) MiB, $snapshots commits, $(awk -v f="$delete_files" -v c="$snapshots" 'BEGIN { printf "%.1f", f / c }') delete files per commit"
  if [ "$state" != - ]; then
    index_bytes=$(stat -c %s "${state#file://}")
    line+=", key index $index_bytes bytes = $(awk -v b="$index_bytes" -v k="$live" 'BEGIN { printf "%.1f", b / k }') bytes per live key"
  fi
  echo "$line"
  node "$here/bench/cdc_scan.mjs" "${meta#file://}" user_id --runs 3 >"$work/scan-$mode.txt"
  echo "duckdb full scan ($mode): $(cat "$work/scan-$mode.txt")"
  grep -q "rows=$live checksum=$checksum " "$work/scan-$mode.txt" ||
    { echo "the $mode table's scan differs from the final state ($live rows, checksum $checksum)" >&2; exit 1; }
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
