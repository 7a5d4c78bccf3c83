#!/usr/bin/env bash
# Fails when a module includes a header of a module above it (DESIGN.md "Pieces": common, io,
# kafka, format, iceberg, stream, pipeline, catalog_server, http, cli; a module may use those before
# it). The link dependencies in CMakeLists.txt say the same for symbols; this catches headers.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here/src"
order=(common io kafka format iceberg stream pipeline catalog_server http cli)
status=0
for ((i = 0; i < ${#order[@]}; i++)); do
  module=${order[$i]}
  [ -d "$module" ] || continue
  for ((j = i + 1; j < ${#order[@]}; j++)); do
    above=${order[$j]}
    if hits=$(grep -rn --include='*.h' --include='*.cc' "#include \"$above/" "$module"); then
      echo "$hits" | sed "s|^|$module must not include $above: |"
      status=1
    fi
  done
done
[ "$status" = 0 ] && echo "check-modules: ok (${order[*]})"
exit "$status"
