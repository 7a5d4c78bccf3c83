#!/usr/bin/env bash
# README command 1: installs what floe needs, builds it, and runs floe's main job on the
# embedded default: examples/profanity-local.yaml reads JSON messages (generated with `floe gen`
# when INPUT_PATH is not given), keeps those whose body contains "gun" (any case), and writes them
# to the Iceberg table raw_messages.filtered_messages and to a JSON-lines output, with bad records
# in raw_messages.dead_letters. Tables live in $WAREHOUSE (default ./warehouse).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
bash scripts/install-deps.sh
bash scripts/build.sh
floe=$here/build/floe
export WAREHOUSE=${WAREHOUSE:-$here/warehouse}
export OUTPUT_PATH=${OUTPUT_PATH:-$here/output/output-topic.jsonl}
if [ -z "${INPUT_PATH:-}" ]; then
  export INPUT_PATH=$here/output/messages.jsonl
  mkdir -p "$(dirname "$INPUT_PATH")"
  "$floe" gen --count 1000000 --seed "$(date +%s)" --match-ratio 0.1 --bad-ratio 0.001 \
    --late-ratio 0.01 --output "$INPUT_PATH"
fi

"$floe" run examples/profanity-local.yaml
echo
"$floe" table describe raw_messages.filtered_messages
echo
echo "Tables: $WAREHOUSE (catalog $WAREHOUSE/catalog.db); JSON-lines output: $OUTPUT_PATH"
echo "Inspect: $floe --warehouse $WAREHOUSE table history raw_messages.filtered_messages"
echo "         $floe --warehouse $WAREHOUSE table describe raw_messages.dead_letters"
