#!/usr/bin/env bash
# `floe gen` through the real binary: byte-identical output for a seed, the expected output file
# agreeing with an outside reader (Node's JSON.parse and a fatal UTF-8 decoder) about which lines
# are good and contain "gun", the summary's counts, speed, and clear errors for bad options.
source "$(dirname "$0")/lib.sh"

# Determinism: the same seed gives the same bytes; another seed does not.
"$FLOE" gen --count 20000 --seed 11 --bad-ratio 0.05 --late-ratio 0.05 --output "$WORK/a.jsonl" 2>/dev/null
"$FLOE" gen --count 20000 --seed 11 --bad-ratio 0.05 --late-ratio 0.05 --output "$WORK/b.jsonl" 2>/dev/null
"$FLOE" gen --count 20000 --seed 12 --bad-ratio 0.05 --late-ratio 0.05 --output "$WORK/c.jsonl" 2>/dev/null
cmp -s "$WORK/a.jsonl" "$WORK/b.jsonl" || fail "the same seed gave different output"
cmp -s "$WORK/a.jsonl" "$WORK/c.jsonl" && fail "different seeds gave the same output"
pass "same seed, same bytes; another seed, other bytes"

# stdout by default, one line per record.
[ "$("$FLOE" gen --count 25 2>/dev/null | wc -l)" = 25 ] || fail "gen --count 25 did not write 25 lines to stdout"
pass "writes to stdout by default"

# The expected output, judged by an outside reader.
"$FLOE" gen --count 100000 --seed 5 --match-ratio 0.2 --bad-ratio 0.05 --late-ratio 0.1 \
  --output "$WORK/messages.jsonl" --expect-out "$WORK/expected.jsonl" 2> "$WORK/summary.txt"
summary=$(cat "$WORK/summary.txt")
echo "$summary" | grep -Eq '^floe gen: 100000 lines: [0-9]+ matching, [0-9]+ bad \(truncated_json [0-9]+, not_an_object [0-9]+, invalid_utf8 [0-9]+, wrong_type [0-9]+, bad_timestamp [0-9]+\), [0-9]+ late' ||
  fail "unexpected summary: $summary"
pass "summary: $summary"

node - "$WORK/messages.jsonl" "$WORK/expected.jsonl" "$summary" <<'JS' || fail "the outside reader disagrees with floe gen"
const fs = require("fs");
const [messagesPath, expectedPath, summary] = process.argv.slice(2);
const decoder = new TextDecoder("utf-8", { fatal: true });
const fields = ["account_id", "message_id", "message_body", "correlation_id", "message_status", "timestamp"];
const iso = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const bytes = fs.readFileSync(messagesPath);
let good = [], bad = 0, start = 0, runningMax = -Infinity, late = 0;
for (let i = 0; i < bytes.length; i++) {
  if (bytes[i] !== 0x0a) continue;
  const raw = bytes.subarray(start, i);
  start = i + 1;
  let record;
  try { record = JSON.parse(decoder.decode(raw)); } catch { bad++; continue; }
  const ok = record !== null && typeof record === "object" && !Array.isArray(record) &&
    fields.every((f) => typeof record[f] === "string") && Object.keys(record).length === 6 &&
    iso.test(record.timestamp) && !Number.isNaN(Date.parse(record.timestamp));
  if (!ok) { bad++; continue; }
  const t = Date.parse(record.timestamp);
  if (t < runningMax) late++; else runningMax = t;
  if (/gun/i.test(record.message_body)) good.push(raw.toString("utf8"));
}
const expected = fs.readFileSync(expectedPath, "utf8");
const mine = good.map((l) => l + "\n").join("");
if (mine !== expected) { console.error(`expected.jsonl differs: ${good.length} good matching lines here`); process.exit(1); }
const count = (re) => Number(summary.match(re)[1]);
if (count(/ (\d+) matching/) !== good.length) { console.error("matching count differs"); process.exit(1); }
if (count(/ (\d+) bad/) !== bad) { console.error(`bad count differs: ${bad} here`); process.exit(1); }
// Milliseconds only here: a late record within the same millisecond is not seen as late.
if (Math.abs(count(/ (\d+) late/) - late) > 5) { console.error(`late count differs: ${late} here`); process.exit(1); }
console.log(`outside reader: ${good.length} good matching, ${bad} bad, ${late} late`);
JS
pass "expected.jsonl is exactly the good lines whose body matches /gun/i, and the counts agree"

# No "gun" at all when --match-ratio is 0, in any case, anywhere in the line.
"$FLOE" gen --count 50000 --match-ratio 0 --output "$WORK/clean.jsonl" 2>/dev/null
if grep -qi gun "$WORK/clean.jsonl"; then fail "a line contains gun with --match-ratio 0"; fi
pass "no accidental gun"

# A larger run writes every line it is asked for (speed is measured by benchmarks, not here).
"$FLOE" gen --count 200000 --output "$WORK/big.jsonl" 2>/dev/null
[ "$(wc -l < "$WORK/big.jsonl")" = 200000 ] || fail "big.jsonl does not hold 200000 lines"
pass "gen writes all 200000 lines"
rm -f "$WORK/big.jsonl"

# Errors: a clear message and a non-zero exit.
expect_error "--bad-ratio must be between 0 and 1, got 1.5" "$FLOE" gen --count 1 --bad-ratio 1.5
expect_error "--match-ratio must be between 0 and 1" "$FLOE" gen --count 1 --match-ratio -0.5
expect_error "--bad-ratio \+ --late-ratio must be at most 1" "$FLOE" gen --count 1 --bad-ratio 0.6 --late-ratio 0.6
expect_error "cannot open $WORK/missing/out.jsonl for writing" "$FLOE" gen --count 1 --output "$WORK/missing/out.jsonl"
expect_error "--start 'tomorrow'" "$FLOE" gen --count 1 --start tomorrow
expect_error "count" "$FLOE" gen --count lots

echo "gen_test: $checks checks passed"
