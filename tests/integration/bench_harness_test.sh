#!/usr/bin/env bash
# bench/run.sh (issue 8's side-by-side benchmark) works end to end: `--smoke` writes a JSON file
# with every case and figure, all positive; the limit programs count what `wc` counts and reject a
# bad file; the report replaces only the marked section of a markdown file; bad options are
# refused clearly. Speed is not judged here: other tests run at the same time.
source "$(dirname "$0")/lib.sh"
LIMITS=${FLOE_BENCH_LIMITS:?set FLOE_BENCH_LIMITS to the folder of read_limit, parse_limit, zstd_limit}
RUN=$SOURCE_DIR/bench/run.sh
REPORT=$SOURCE_DIR/bench/run_report.mjs

# The limit programs agree with wc on a small file, and the parse limit rejects a bad record.
"$FLOE" gen --count 5000 --seed 3 --output "$WORK/small.jsonl" 2>/dev/null
bytes=$(stat -c %s "$WORK/small.jsonl")
"$LIMITS/read_limit" "$WORK/small.jsonl" | grep -q "^read_limit: records=5000 bytes=$bytes seconds=" ||
  fail "read_limit miscounts $WORK/small.jsonl"
"$LIMITS/parse_limit" "$WORK/small.jsonl" |
  grep -q "^parse_limit: records=5000 bytes=$bytes fields=30000 string_bytes=[0-9]* seconds=" ||
  fail "parse_limit miscounts $WORK/small.jsonl"
compressed=$("$LIMITS/zstd_limit" "$WORK/small.jsonl" | sed -n 's/.* compressed_bytes=\([0-9]*\) .*/\1/p')
[ -n "$compressed" ] && [ "$compressed" -gt 0 ] && [ "$compressed" -lt "$bytes" ] ||
  fail "zstd_limit did not compress $WORK/small.jsonl"
pass "read_limit, parse_limit and zstd_limit count 5000 records, $bytes bytes"
printf '{"a":"b"}\n{"a":1}\n' >"$WORK/bad.jsonl"
expect_error "parse_limit: record 2 field 'a'" "$LIMITS/parse_limit" "$WORK/bad.jsonl"
expect_error "cannot open $WORK/missing.jsonl" "$LIMITS/read_limit" "$WORK/missing.jsonl"

# The smoke run: every case, every figure.
bash "$RUN" --smoke --no-write --floe "$FLOE" --limits "$LIMITS" --json "$WORK/results.json" \
  >"$WORK/out.txt" 2>"$WORK/err.txt" || { cat "$WORK/err.txt" >&2; fail "bench/run.sh --smoke failed"; }
grep -q '^floe / DuckDB ' "$WORK/out.txt" || fail "no ratio table in the output: $(cat "$WORK/out.txt")"
pass "bench/run.sh --smoke ran"
node - "$WORK/results.json" <<'JS' || fail "results.json lacks figures"
const results = JSON.parse(require('fs').readFileSync(process.argv[2], 'utf8'))
const problems = []
const positive = (where, x) => { if (!(typeof x === 'number' && x > 0)) problems.push(`${where} = ${x}`) }
const cases = ['floe', 'duckdb', 'seed', 'duckdb_seed', 'floe_ooo', 'duckdb_ooo', 'seed_ooo',
  'duckdb_seed_ooo', 'parse_limit', 'read_limit', 'zstd_limit', 'kafka']
  .flatMap((name) => [`${name}.10`, `${name}.100`]).concat(['rss.1M'])
for (const id of cases) {
  const c = results.cases[id]
  if (!c) { problems.push(`no case ${id}`); continue }
  if (c.runs.length !== results.runs) problems.push(`${id} has ${c.runs.length} runs`)
  for (const key of ['messages', 'input_bytes']) positive(`${id}.${key}`, c[key])
  for (const key of ['seconds', 'records_per_second', 'mb_per_second']) positive(`${id}.median.${key}`, c.median[key])
  if (/^(floe|duckdb|seed|kafka|rss)/.test(id)) positive(`${id}.median.peak_rss_mb`, c.median.peak_rss_mb)
}
for (const share of ['10', '100']) {
  for (const [mine, theirs] of [['floe', 'duckdb'], ['seed', 'duckdb_seed'], ['floe_ooo', 'duckdb_ooo'],
    ['seed_ooo', 'duckdb_seed_ooo']]) {
    const floe = results.cases[`${mine}.${share}`], duckdb = results.cases[`${theirs}.${share}`]
    if (floe && duckdb && floe.median.written !== duckdb.median.written) {
      problems.push(`${mine} and ${theirs} wrote different row counts at ${share}%`)
    }
  }
}
for (const [name, byShare] of Object.entries(results.ratios)) {
  for (const share of ['10%', '100%']) positive(`ratios.${name}.${share}`, byShare[share])
}
if (Object.keys(results.ratios).sort().join() !== 'floe_ooo_over_duckdb_ooo,floe_over_duckdb,' +
  'floe_over_parse_limit,floe_over_read_limit,seed_ooo_over_duckdb_seed_ooo,seed_over_duckdb_seed') {
  problems.push(`ratios: ${Object.keys(results.ratios)}`)
}
for (const [key, value] of Object.entries({ ...results.machine, ...results.versions })) {
  if (value === undefined || value === '' || value === 'unknown' || Number.isNaN(value)) problems.push(`${key} = ${value}`)
}
positive('threads', results.threads)
if (results.quick !== true || results.messages !== 200000) problems.push('not a --smoke run of 200000 messages')
if (problems.length) { console.error(problems.join('\n')); process.exit(1) }
console.log(`results.json: ${cases.length} cases, every figure positive`)
JS
pass "results.json has every case, figure, ratio, machine fact and version"

# The report replaces the marked section only, appends one where there is none, and refuses a
# file with one marker alone.
printf '# Benchmarks\n\nbefore\n\n<!-- bench/run.sh begin -->\nold figures\n<!-- bench/run.sh end -->\n\nafter\n' \
  >"$WORK/marked.md"
node "$REPORT" --results "$WORK/results.json" --markdown "$WORK/marked.md" >/dev/null
grep -q 'old figures' "$WORK/marked.md" && fail "the marked section was not replaced"
grep -q '^| floe / DuckDB (table alone) | ' "$WORK/marked.md" || fail "no ratio row in the marked section"
[ "$(head -n 4 "$WORK/marked.md")" = "$(printf '# Benchmarks\n\nbefore\n')" ] &&
  [ "$(tail -n 2 "$WORK/marked.md")" = "$(printf '\nafter')" ] || fail "text outside the markers changed"
cp "$WORK/marked.md" "$WORK/again.md"
node "$REPORT" --results "$WORK/results.json" --markdown "$WORK/again.md" >/dev/null
cmp -s "$WORK/marked.md" "$WORK/again.md" || fail "rendering twice gave another file"
pass "the marked section is replaced, the rest kept, and rendering is repeatable"
printf '# Benchmarks\n\nolder sections\n' >"$WORK/plain.md"
node "$REPORT" --results "$WORK/results.json" --markdown "$WORK/plain.md" >/dev/null
[ "$(head -n 3 "$WORK/plain.md")" = "$(printf '# Benchmarks\n\nolder sections')" ] &&
  grep -q '^## Side by side (bench/run.sh, issue 8)$' "$WORK/plain.md" &&
  [ "$(tail -n 1 "$WORK/plain.md")" = '<!-- bench/run.sh end -->' ] || fail "no section appended"
pass "a file without markers gets the section appended"
printf 'x\n<!-- bench/run.sh begin -->\n' >"$WORK/half.md"
expect_error "one of the markers without the other" node "$REPORT" --results "$WORK/results.json" --markdown "$WORK/half.md"

# Bad options.
expect_error "unknown option '--fast' \(see bench/run.sh --help\)" bash "$RUN" --fast
expect_error "counts must be positive integers, got 'many'" bash "$RUN" --messages many
expect_error "no read_limit in $WORK \(build: cmake" bash "$RUN" --floe "$FLOE" --limits "$WORK"
expect_error "--runs needs a value" bash "$RUN" --runs
bash "$RUN" --help | grep -q -- '--smoke' || fail "--help does not list --smoke"
pass "--help lists the options"

echo "bench_harness_test: $checks checks passed"
