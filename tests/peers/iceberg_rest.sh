#!/usr/bin/env bash
# Apache Iceberg's own REST tooling from Maven Central (tests/peers/iceberg-rest/pom.xml pins the
# versions): the REST Compatibility Kit (RCK), run against any REST catalog, and the reference
# REST catalog server (RESTCatalogServer's pieces, bound to 127.0.0.1 by RestServer.java: the
# fixture's own main binds every interface).
#
#   iceberg_rest.sh install                 fetch the jars into the cache (nothing if there already)
#   iceberg_rest.sh rck REPORT_DIR [ARGS]   run the kit against the catalog named by the CATALOG_*
#                                           variables (CATALOG_URI, CATALOG_WAREHOUSE,
#                                           CATALOG_CREDENTIAL, CATALOG_SCOPE, ...; CATALOG_X_Y__Z
#                                           is property x.y-z); ARGS go to JUnit's console
#                                           launcher (e.g. --exclude-... filters)
#   iceberg_rest.sh server-start DIR        start the reference server on a free 127.0.0.1 port with
#                                           a SQLite catalog and a file:// warehouse in DIR; prints
#                                           uri=http://127.0.0.1:PORT once it answers
#   iceberg_rest.sh server-stop DIR         stop it
#
# The cache is ${FLOE_PEERS_CACHE:-$HOME/.cache/floe-peers}: Maven's repository (m2/) and the
# class path (iceberg-rest-VERSION/lib), so a second run fetches nothing.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$HERE/maven_lib.sh"
VERSION=$(pom_property "$HERE/iceberg-rest/pom.xml" iceberg.version)
HOME_DIR=$PEERS_CACHE/iceberg-rest-$VERSION

install() {
  maven_copy_jars "$HERE/iceberg-rest/pom.xml" "$HOME_DIR/lib" "Iceberg $VERSION REST"
  maven_compile_tool "$HERE/iceberg-rest/RestServer.java" "$HOME_DIR/tools" "$HOME_DIR/lib"
}

rck() {
  local reports=${1:?rck REPORT_DIR}
  shift
  install
  mkdir -p "$reports"
  # The kit reads CATALOG_* from the environment; rck.local=false points it at that catalog
  # instead of starting its own server.
  java -Xmx768m -Drck.local=false -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    -cp "$HOME_DIR/lib/*" org.junit.platform.console.ConsoleLauncher execute \
    --disable-banner --details=summary --details-theme=ascii --reports-dir="$reports" \
    --select-class org.apache.iceberg.rest.RESTCompatibilityKitCatalogTests "$@"
}

server_start() {
  local dir=${1:?server-start DIR} port i
  install
  mkdir -p "$dir/warehouse"
  port=$(free_ports 1)
  (cd "$dir" && exec java -Xmx512m -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    -cp "$HOME_DIR/tools:$HOME_DIR/lib/*" RestServer 127.0.0.1 "$port" \
    "jdbc:sqlite:$dir/catalog.db" "file://$dir/warehouse" >"$dir/server.log" 2>&1) &
  echo $! >"$dir/server.pid"
  for i in $(seq 1 300); do
    if curl -sf "http://127.0.0.1:$port/v1/config" >/dev/null 2>&1; then
      echo "uri=http://127.0.0.1:$port"
      return 0
    fi
    kill -0 "$(cat "$dir/server.pid")" 2>/dev/null || { cat "$dir/server.log" >&2; die "the reference server exited"; }
    sleep 0.2
  done
  cat "$dir/server.log" >&2
  die "the reference server did not answer on port $port"
}

server_stop() {
  stop_pid_file "${1:?server-stop DIR}/server.pid"
}

case "${1:-}" in
  install) install ;;
  rck) shift; rck "$@" ;;
  server-start) server_start "${2:-}" ;;
  server-stop) server_stop "${2:-}" ;;
  *) die "usage: iceberg_rest.sh install | rck REPORT_DIR [ARGS] | server-start DIR | server-stop DIR" ;;
esac
