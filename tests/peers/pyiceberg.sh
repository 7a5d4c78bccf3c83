#!/usr/bin/env bash
# PyIceberg as a reader of the tests' tables, in a virtual environment of its own.
#
#   pyiceberg.sh install       create the environment (requirements.txt) unless it is there
#   pyiceberg.sh rows ARGS...  print a table's rows as JSON lines (pyiceberg_rows.py's usage)
#   pyiceberg.sh rewrite ARGS...  rewrite a table's live rows into new files of PyIceberg's
#                                 (pyiceberg_rewrite.py's usage)
#
# The environment lives in ${FLOE_PEERS_CACHE:-$HOME/.cache/floe-peers}/pyiceberg-VERSION and is
# made again only when requirements.txt changes.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CACHE=${FLOE_PEERS_CACHE:-$HOME/.cache/floe-peers}
VERSION=$(sed -n 's/^pyiceberg\[.*\]==\(.*\)$/\1/p' "$HERE/requirements.txt")
VENV=$CACHE/pyiceberg-$VERSION

die() {
  echo "pyiceberg.sh: $*" >&2
  exit 1
}

install() {
  if [ -e "$VENV/.complete" ] && cmp -s "$HERE/requirements.txt" "$VENV/.complete"; then
    return 0
  fi
  command -v python3 >/dev/null || die "python3 is not installed"
  rm -rf "$VENV"
  python3 -m venv "$VENV" || die "could not create the virtual environment $VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check -r "$HERE/requirements.txt" >&2 ||
    die "could not install $(grep -v '^#' "$HERE/requirements.txt")"
  cp "$HERE/requirements.txt" "$VENV/.complete"
}

case ${1:-} in
  install) install ;;
  rows)
    shift
    install
    exec "$VENV/bin/python" "$HERE/pyiceberg_rows.py" "$@"
    ;;
  rewrite)
    shift
    install
    exec "$VENV/bin/python" "$HERE/pyiceberg_rewrite.py" "$@"
    ;;
  *) die "usage: pyiceberg.sh install | rows ARGS... | rewrite ARGS..." ;;
esac
