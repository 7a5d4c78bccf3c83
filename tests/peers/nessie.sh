#!/usr/bin/env bash
# Project Nessie's server with its Iceberg REST endpoint, from Maven Central's runner jar
# (tests/peers/nessie/pom.xml pins the version; about 250 MB, fetched once into the cache).
# Nessie keeps table metadata on an object store only (S3, GCS, ADLS: no file:// warehouse),
# so it is started against an S3 endpoint (s3rver in the tests). Nessie needs Java 21 or newer:
# $NESSIE_JAVA, else the newest JDK under /usr/lib/jvm (the machine's second, Temurin, JDK).
#
#   nessie.sh install                            fetch the jar into the cache (nothing if there)
#   nessie.sh start DIR S3_ENDPOINT BUCKET KEY   start Nessie on a free 127.0.0.1 port with an
#                                                in-memory version store and warehouse
#                                                "warehouse" at s3://BUCKET/nessie (access key
#                                                and secret KEY); prints
#                                                uri=http://127.0.0.1:PORT/iceberg once it answers
#   nessie.sh stop DIR                           stop it
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$HERE/maven_lib.sh"
VERSION=$(pom_property "$HERE/nessie/pom.xml" nessie.version)
HOME_DIR=$PEERS_CACHE/nessie-$VERSION

install() {
  maven_copy_jars "$HERE/nessie/pom.xml" "$HOME_DIR/lib" "Nessie $VERSION"
}

# java_21: a java of version 21 or newer.
java_21() {
  local candidate major
  for candidate in ${NESSIE_JAVA:-} $(ls -d /usr/lib/jvm/*/bin/java 2>/dev/null | sort -rV) java; do
    major=$("$candidate" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n 1)
    if [ -n "$major" ] && [ "$major" -ge 21 ]; then
      echo "$candidate"
      return 0
    fi
  done
  die "Nessie $VERSION needs Java 21 or newer (set NESSIE_JAVA)"
}

start() {
  local dir=${1:?start DIR S3_ENDPOINT BUCKET KEY} endpoint=${2:?S3 endpoint} bucket=${3:?bucket}
  local key=${4:?access key} port management ports i java
  install
  java=$(java_21)
  mkdir -p "$dir"
  ports=$(free_ports 2)
  port=$(echo "$ports" | sed -n 1p)
  management=$(echo "$ports" | sed -n 2p)
  # Quarkus reads -D properties; the S3 key is a Quarkus secret named by the urn.
  (cd "$dir" && exec "$java" -Xmx512m \
    -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port="$port" \
    -Dquarkus.management.host=127.0.0.1 -Dquarkus.management.port="$management" \
    -Dquarkus.otel.sdk.disabled=true -Dquarkus.log.console.level=WARN \
    -Dnessie.version.store.type=IN_MEMORY \
    -Dnessie.catalog.default-warehouse=warehouse \
    -Dnessie.catalog.warehouses.warehouse.location="s3://$bucket/nessie" \
    -Dnessie.catalog.service.s3.default-options.endpoint="$endpoint" \
    -Dnessie.catalog.service.s3.default-options.path-style-access=true \
    -Dnessie.catalog.service.s3.default-options.region=us-east-1 \
    -Dnessie.catalog.service.s3.default-options.access-key=urn:nessie-secret:quarkus:floe-s3 \
    -Dfloe-s3.name="$key" -Dfloe-s3.secret="$key" \
    -jar "$(ls "$HOME_DIR"/lib/nessie-quarkus-*-runner.jar)" >"$dir/nessie.log" 2>&1) &
  echo $! >"$dir/nessie.pid"
  for i in $(seq 1 600); do
    if curl -sf "http://127.0.0.1:$port/iceberg/v1/config" >/dev/null 2>&1; then
      echo "uri=http://127.0.0.1:$port/iceberg"
      return 0
    fi
    kill -0 "$(cat "$dir/nessie.pid")" 2>/dev/null || { tail -n 40 "$dir/nessie.log" >&2; die "Nessie exited"; }
    sleep 0.2
  done
  tail -n 40 "$dir/nessie.log" >&2
  die "Nessie did not answer on port $port"
}

stop() {
  stop_pid_file "${1:?stop DIR}/nessie.pid"
}

case "${1:-}" in
  install) install ;;
  start) shift; start "$@" ;;
  stop) stop "${2:-}" ;;
  *) die "usage: nessie.sh install | start DIR S3_ENDPOINT BUCKET KEY | stop DIR" ;;
esac
