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
  postgresql kcat libcpp-httplib-dev time chromium openjdk-17-jdk-headless maven
  valgrind heaptrack
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
# The real peers of the tests (tests/peers/): an Apache Kafka broker and Iceberg's Java library
# from Maven Central (Java 17 and Maven), PyIceberg from PyPI in a virtual environment; pinned
# and cached in ${FLOE_PEERS_CACHE:-~/.cache/floe-peers}, so a second run fetches nothing.
for tool in java javac mvn python3; do
  command -v "$tool" >/dev/null || { echo "install-deps: $tool is missing (Java 17 with Maven, Python 3.11)" >&2; exit 1; }
done
echo "install-deps: the test peers (Kafka broker, PyIceberg, Iceberg Java)"
bash "$here/tests/peers/kafka.sh" install
bash "$here/tests/peers/pyiceberg.sh" install
bash "$here/tests/peers/iceberg_java.sh" install
# The dashboard's browser test: playwright-core (pinned by tests/browser's lock file) drives
# Debian's chromium; no browser is downloaded.
browser="$here/tests/browser"
if [ ! -d "$browser/node_modules/playwright-core" ]; then
  echo "install-deps: installing playwright-core in $browser"
  (cd "$browser" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund >/dev/null)
fi
# Iceberg's REST compatibility kit and reference server (tests/peers/iceberg_rest.sh), pinned,
# cached under ${FLOE_PEERS_CACHE:-$HOME/.cache/floe-peers}.
bash "$here/tests/peers/iceberg_rest.sh" install
# Project Nessie's server for the REST client's test against it (tests/peers/nessie.sh): one
# runner jar of about 250 MB, fetched once; it runs on the machine's Java 21+ (Temurin) JDK.
bash "$here/tests/peers/nessie.sh" install
echo "install-deps: ok"
