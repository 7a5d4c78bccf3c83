#!/usr/bin/env bash
# README command 1: installs what floe needs, builds it, and runs floe's main job on the
# embedded default (an SQLite catalog in a local warehouse folder): the seed's table
# raw_messages.filtered_messages is created and sample messages are appended, then described.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
bash scripts/install-deps.sh
bash scripts/build.sh
floe=$here/build/floe
export WAREHOUSE=${WAREHOUSE:-$here/warehouse}
input=${INPUT_PATH:-$here/examples/sample-messages.jsonl}

"$floe" namespace list | grep -qx raw_messages || "$floe" namespace create raw_messages
"$floe" table list raw_messages | grep -qx raw_messages.filtered_messages ||
  "$floe" table create raw_messages.filtered_messages --schema @examples/filtered_messages.schema.json
"$floe" table append raw_messages.filtered_messages --rows "$input"
"$floe" table describe raw_messages.filtered_messages
echo
echo "The table is in $WAREHOUSE/raw_messages/filtered_messages (catalog: $WAREHOUSE/catalog.db)."
echo "Inspect it with: $floe --warehouse $WAREHOUSE table history raw_messages.filtered_messages"
