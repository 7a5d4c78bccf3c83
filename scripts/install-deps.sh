#!/usr/bin/env bash
# Installs everything floe needs to build and test on Debian bookworm (as root), idempotently:
# the compiler and libraries from apt, and the outside readers in ../shared/peer from npm.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)

packages=(
  build-essential cmake ninja-build pkg-config ccache git clang-format
  libsimdjson-dev librdkafka-dev libcurl4-openssl-dev libssl-dev libzstd-dev libsnappy-dev
  zlib1g-dev libsqlite3-dev sqlite3 libyaml-cpp-dev libcli11-dev libfmt-dev libspdlog-dev
  nlohmann-json3-dev libre2-dev libpq-dev libgtest-dev libgmock-dev libbenchmark-dev
  postgresql kcat libcpp-httplib-dev time openjdk-17-jdk-headless maven
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then missing+=(nodejs npm); fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The outside readers (verify-table.mjs and friends). `npm ci` refuses the lock file there with
# npm 11 (it lacks the optional per-platform DuckDB bindings), so install the pinned versions of
# package.json without touching the lock file.
peer="$here/../shared/peer"
if [ -d "$peer" ]; then
  if [ ! -d "$peer/node_modules/@duckdb/node-api" ] || [ ! -d "$peer/node_modules/icebird" ]; then
    echo "install-deps: installing the outside readers in $peer"
    (cd "$peer" && { npm ci --no-audit --no-fund >/dev/null 2>&1 ||
       npm install --no-save --no-package-lock --no-audit --no-fund >/dev/null; })
  fi
else
  echo "install-deps: warning: $peer not found; table checks with verify-table.mjs will fail" >&2
fi
# Iceberg's REST compatibility kit and reference server (tests/peers/iceberg_rest.sh), pinned,
# cached under ${FLOE_PEERS_CACHE:-$HOME/.cache/floe-peers}.
bash "$here/tests/peers/iceberg_rest.sh" install
echo "install-deps: ok"
