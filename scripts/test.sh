#!/usr/bin/env bash
# Installs, builds and runs every test: the format check, unit tests and integration tests
# (ctest). This is what CI runs.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
bash scripts/install-deps.sh
bash scripts/check-format.sh
bash scripts/check-modules.sh
bash scripts/build.sh
cd build
ctest --output-on-failure -j "$(nproc)" --timeout 900
