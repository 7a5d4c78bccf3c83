#!/usr/bin/env bash
# Issue 17: does scraping the job's HTTP server cost throughput? The file → Iceberg job of
# bench/file_iceberg_job.yaml runs with --http, RUNS times each, interleaved:
#   unscraped  no client
#   scraped    one node process (keep-alive) fetching /metrics and /api/job every 100 ms, as
#              Prometheus and the dashboard do
#   control    the same client fetching /health (nearly free to answer) instead: what the client
#              itself costs on this machine
# Each run's rate is records in / the job's active seconds (its summary line). Prints the medians,
# their spread, and the differences.
#
#   bench/http_scrape.sh [--messages N] [--runs R] [--floe FILE]
# Use a RelWithDebInfo build (bash scripts/build.sh → build/floe); N so that a run lasts a minute.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
messages=20000000
runs=3
floe=$here/build/floe
while [ $# -gt 0 ]; do
  case $1 in
    --messages) messages=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --floe) floe=$2; shift 2 ;;
    *) echo "usage: $0 [--messages N] [--runs R] [--floe FILE]" >&2; exit 2 ;;
  esac
done
work=$(mktemp -d "${TMPDIR:-/tmp}/floe-scrape.XXXXXX")
scraper=""
trap '[ -z "$scraper" ] || kill "$scraper" 2>/dev/null; rm -rf "$work"' EXIT

"$floe" gen --count "$messages" --seed 42 --match-ratio 0.1 --output "$work/in.jsonl" 2>/dev/null

# run_once SCRAPE(0|1): prints the run's records per second.
run_once() {
  rm -rf "$work/wh"
  INPUT_PATH=$work/in.jsonl WAREHOUSE=$work/wh "$floe" run "$here/bench/file_iceberg_job.yaml" \
    --http 127.0.0.1:0 >"$work/out" 2>"$work/err" &
  local job=$! url=""
  for _ in $(seq 200); do
    url=$(sed -n 's|^floe: serving \(http://127\.0\.0\.1:[0-9]*/\) .*|\1|p' "$work/err")
    [ -n "$url" ] && break
    sleep 0.05
  done
  if [ "$1" != none ]; then
    local paths='["metrics", "api/job"]'
    [ "$1" = control ] && paths='["health", "health"]'
    node -e '
      const http = require("http");
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      const [base, paths] = [process.argv[1], JSON.parse(process.argv[2])];
      const get = (path) => new Promise((resolve) => {
        http.get(base + path, { agent }, (res) => { res.resume(); res.on("end", resolve); })
            .on("error", () => process.exit(0));
      });
      (async () => { for (;;) { for (const p of paths) await get(p); await new Promise(r => setTimeout(r, 100)); } })();
    ' "$url" "$paths" &
    scraper=$!
  fi
  wait "$job"
  if [ -n "$scraper" ]; then kill "$scraper" 2>/dev/null || true; wait "$scraper" 2>/dev/null || true; scraper=""; fi
  sed -n 's/^summary: in=\([0-9]*\) .* active_seconds=\([0-9.]*\) .*/\1 \2/p' "$work/out" |
    awk '{ printf "%.0f\n", $1 / $2 }'
}

plain=()
scraped=()
control=()
for ((i = 0; i < runs; i++)); do
  plain+=("$(run_once none)")
  scraped+=("$(run_once scraped)")
  control+=("$(run_once control)")
  echo "run $((i + 1)): unscraped ${plain[-1]}, scraped ${scraped[-1]}, control ${control[-1]} records/s"
done
node -e '
  const [a, b, c] = process.argv.slice(1).map(s => s.split(" ").map(Number).sort((x, y) => x - y));
  const median = v => v[Math.floor(v.length / 2)];
  const spread = v => ((v[v.length - 1] - v[0]) / median(v) * 100).toFixed(1);
  const diff = (x, y) => ((median(x) - median(y)) / median(y) * 100).toFixed(1);
  console.log(`unscraped: median ${median(a)} records/s (spread ${spread(a)}%)`);
  console.log(`scraped:   median ${median(b)} records/s (spread ${spread(b)}%)`);
  console.log(`control:   median ${median(c)} records/s (spread ${spread(c)}%)`);
  console.log(`scraped vs unscraped ${diff(b, a)}%, scraped vs control ${diff(b, c)}%`);
' "${plain[*]}" "${scraped[*]}" "${control[*]}"
