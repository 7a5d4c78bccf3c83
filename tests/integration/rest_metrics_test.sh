#!/usr/bin/env bash
# `floe catalog serve` exposes Prometheus metrics at /metrics (issue 17): after a known sequence
# of requests (the seed's setup, commits that land, one that conflicts, loads, a request without
# a token, a multi-table transaction, a health check) the scrape counts exactly those, per route
# class and status, with commits, conflicts, latency and the process figures; /q/health stays.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/rest_lib.sh"

WH="$WORK/warehouse"
mkdir -p "$WH"
start_server "$WORK/server.log" --database "sqlite:$WORK/catalog.db" --bootstrap-credentials admin:password
seed_setup "$WH"  # token, catalog, namespace, table: 4 requests
T=/api/catalog/v1/lakehouse/namespaces/raw_messages/tables/filtered_messages
uuid=$(expect_status 200 GET "$T" | json 'j.metadata["table-uuid"]')
for value in a b; do
  expect_status 200 POST "$T" "{\"requirements\": [{\"type\": \"assert-table-uuid\", \"uuid\": \"$uuid\"}],
    \"updates\": [{\"action\": \"set-properties\", \"updates\": {\"k\": \"$value\"}}]}" >/dev/null
done
conflict=$(expect_status 409 POST "$T" '{"requirements": [{"type": "assert-current-schema-id", "current-schema-id": 7}],
  "updates": [{"action": "set-properties", "updates": {"k": "c"}}]}')
echo "$conflict" | grep -q CommitFailedException || fail "the conflict is not a CommitFailedException: $conflict"
expect_status 404 GET /api/catalog/v1/lakehouse/namespaces/raw_messages/tables/missing >/dev/null
expect_status 204 POST /api/catalog/v1/lakehouse/transactions/commit "{\"table-changes\": [
  {\"identifier\": {\"namespace\": [\"raw_messages\"], \"name\": \"filtered_messages\"}, \"requirements\": [],
   \"updates\": [{\"action\": \"set-properties\", \"updates\": {\"t\": \"1\"}}]}]}" >/dev/null
code=$(curl -s -o /dev/null -w '%{http_code}' "$BASE/api/catalog/v1/lakehouse/namespaces")
[ "$code" = 401 ] || fail "a request without a token answered $code"
health=$(curl -sf "$BASE/q/health") || fail "/q/health did not answer 200"
[ "$(echo "$health" | json 'j.status')" = UP ] || fail "/q/health: $health"
made=12  # the requests above, each counted once

metrics=$(curl -sf "$BASE/metrics") || fail "/metrics did not answer 200 without a token"
type=$(curl -s -o /dev/null -w '%{content_type}' "$BASE/metrics")
[ "$type" = "text/plain; version=0.0.4; charset=utf-8" ] || fail "/metrics content type: $type"
expect_line() {
  echo "$metrics" | grep -qxF "$1" || { echo "$metrics" | grep '^floe_catalog' >&2; fail "/metrics lacks: $1"; }
}
expect_line 'floe_catalog_requests_total{route="oauth_tokens",status="200"} 1'
expect_line 'floe_catalog_requests_total{route="management",status="201"} 1'
expect_line 'floe_catalog_requests_total{route="namespaces",status="200"} 1'
expect_line 'floe_catalog_requests_total{route="namespaces",status="401"} 1'
expect_line 'floe_catalog_requests_total{route="tables",status="200"} 1'
expect_line 'floe_catalog_requests_total{route="load_table",status="200"} 1'
expect_line 'floe_catalog_requests_total{route="load_table",status="404"} 1'
expect_line 'floe_catalog_requests_total{route="commit_table",status="200"} 2'
expect_line 'floe_catalog_requests_total{route="commit_table",status="409"} 1'
expect_line 'floe_catalog_requests_total{route="commit_transaction",status="204"} 1'
expect_line 'floe_catalog_requests_total{route="health",status="200"} 1'
expect_line 'floe_catalog_commits_total{route="commit_table"} 2'
expect_line 'floe_catalog_commits_total{route="commit_transaction"} 1'
expect_line 'floe_catalog_commit_conflicts_total{route="commit_table"} 1'
expect_line 'floe_catalog_request_duration_seconds_count{route="commit_table"} 3'
expect_line 'floe_catalog_request_duration_seconds_bucket{route="commit_table",le="+Inf"} 3'
total=$(echo "$metrics" | awk '/^floe_catalog_requests_total\{/ {sum += $2} END {print sum}')
[ "$total" = "$made" ] || fail "the requests add up to $total, $made were made"
rss=$(echo "$metrics" | awk '$1 == "process_resident_memory_bytes" {print $2}')
[ -n "$rss" ] && [ "${rss%.*}" -gt 1000000 ] || fail "process_resident_memory_bytes: '$rss'"
echo "$metrics" | grep -q '^process_cpu_seconds_total ' || fail "no process_cpu_seconds_total"
pass "/metrics counts the $made requests by route class and status, 3 commits, 1 conflict, latency, RSS $((${rss%.*} / 1048576)) MB"

again=$(curl -sf "$BASE/metrics")
echo "$again" | grep -qxF 'floe_catalog_requests_total{route="metrics",status="200"} 2' ||
  fail "the scrapes are not counted: $(echo "$again" | grep 'route="metrics"')"
pass "each scrape is counted by the next one"

echo "rest_metrics_test: $checks checks passed"
