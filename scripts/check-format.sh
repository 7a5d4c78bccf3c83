#!/usr/bin/env bash
# Fails when a C++ file differs from what clang-format (the repo's .clang-format) would write.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
mapfile -t files < <(git ls-files -co --exclude-standard -- '*.h' '*.cc' | grep -v '^build')
[ ${#files[@]} -gt 0 ] || exit 0
if ! clang-format --dry-run --Werror "${files[@]}" 2>/tmp/floe-format.log; then
  grep -E '^[^ ].*(warning|error):' /tmp/floe-format.log | cut -d: -f1 | sort -u | sed 's/^/needs clang-format: /'
  echo "check-format: run: clang-format -i \$(git ls-files '*.h' '*.cc')" >&2
  exit 1
fi
echo "check-format: ok (${#files[@]} files)"
