#!/usr/bin/env bash
# Issue 17: does scraping the job's HTTP server cost throughput? The file → Iceberg job of
# bench/file_iceberg_job.yaml runs with --http, RUNS times each, interleaved:
#   unscraped  no client
#   scraped    one node process (keep-alive) fetching /metrics and /api/job every 100 ms, as
#              Prometheus and the dashboard do
#   control    the same client fetching /health (nearly free to answer) instead: what the client
#              itself costs on this machine
# Each run's rate is records in / the job's active seconds (its summary line), and its cost the
# job process's CPU seconds (user + system, /usr/bin/time) per million records: CPU time hardly
# moves with other load on the machine, wall time does. Prints the medians, their spread, and the
# differences.
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

# run_once none|scraped|control: prints the run's records per second and CPU seconds per million
# records.
run_once() {
  rm -rf "$work/wh"
  INPUT_PATH=$work/in.jsonl WAREHOUSE=$work/wh /usr/bin/time -f "%U %S" -o "$work/cpu" "$floe" run "$here/bench/file_iceberg_job.yaml" \
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
  local cpu
  cpu=$(tail -n 1 "$work/cpu" | awk '{ print $1 + $2 }')
  sed -n 's/^summary: in=\([0-9]*\) .* active_seconds=\([0-9.]*\) .*/\1 \2/p' "$work/out" |
    awk -v cpu="$cpu" '{ printf "%.0f %.3f\n", $1 / $2, cpu / $1 * 1e6 }'
}

plain=() scraped=() control=() plain_cpu=() scraped_cpu=() control_cpu=()
for ((i = 0; i < runs; i++)); do
  read -r rate cpu < <(run_once none)
  plain+=("$rate") plain_cpu+=("$cpu")
  read -r rate cpu < <(run_once scraped)
  scraped+=("$rate") scraped_cpu+=("$cpu")
  read -r rate cpu < <(run_once control)
  control+=("$rate") control_cpu+=("$cpu")
  echo "run $((i + 1)): unscraped ${plain[-1]}, scraped ${scraped[-1]}, control ${control[-1]} records/s;" \
    "CPU s per 1M records ${plain_cpu[-1]}, ${scraped_cpu[-1]}, ${control_cpu[-1]} (load $(cut -d' ' -f1 /proc/loadavg))"
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
  const [d, e, f] = process.argv.slice(4).map(s => s.split(" ").map(Number).sort((x, y) => x - y));
  console.log(`CPU s per 1M records: unscraped ${median(d)}, scraped ${median(e)}, control ${median(f)};` +
              ` scraped vs unscraped ${diff(e, d)}%`);
' "${plain[*]}" "${scraped[*]}" "${control[*]}" "${plain_cpu[*]}" "${scraped_cpu[*]}" "${control_cpu[*]}"
