#!/usr/bin/env bash
# Iceberg's Java library as a reader of the tests' tables (iceberg-java/, IcebergRows).
#
#   iceberg_java.sh install       build IcebergRows and copy its class path into the cache
#   iceberg_java.sh rows ARGS...  print a table's rows as JSON lines (IcebergRows's usage)
#
# The cache is ${FLOE_PEERS_CACHE:-$HOME/.cache/floe-peers} (Maven's repository in m2/, the
# build in iceberg-java-VERSION/); a second install fetches and builds nothing.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CACHE=${FLOE_PEERS_CACHE:-$HOME/.cache/floe-peers}
VERSION=$(sed -n 's|.*<iceberg.version>\(.*\)</iceberg.version>.*|\1|p' "$HERE/iceberg-java/pom.xml")
HOME_DIR=$CACHE/iceberg-java-$VERSION
SOURCE=$HERE/iceberg-java/src/main/java/dev/floe/peers/IcebergRows.java

die() {
  echo "iceberg_java.sh: $*" >&2
  exit 1
}

install() {
  command -v java >/dev/null || die "java (17) is not installed"
  if [ -e "$HOME_DIR/lib/.complete" ] && [ -e "$HOME_DIR/build/classes/.complete" ] &&
    [ ! "$SOURCE" -nt "$HOME_DIR/build/classes/.complete" ] &&
    [ ! "$HERE/iceberg-java/pom.xml" -nt "$HOME_DIR/lib/.complete" ]; then
    return 0
  fi
  command -v mvn >/dev/null || die "mvn is not installed"
  rm -rf "$HOME_DIR"
  mkdir -p "$HOME_DIR"
  mvn -q -B -Dmaven.repo.local="$CACHE/m2" -Dpeers.build.directory="$HOME_DIR/build" \
    -f "$HERE/iceberg-java/pom.xml" compile dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$HOME_DIR/lib" >&2 ||
    die "could not build IcebergRows with Maven"
  touch "$HOME_DIR/lib/.complete" "$HOME_DIR/build/classes/.complete"
}

case ${1:-} in
  install) install ;;
  rows)
    shift
    install
    exec java -Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
      -cp "$HOME_DIR/build/classes:$HOME_DIR/lib/*" dev.floe.peers.IcebergRows "$@"
    ;;
  *) die "usage: iceberg_java.sh install | rows ARGS..." ;;
esac
