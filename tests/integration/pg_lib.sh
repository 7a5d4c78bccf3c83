# Debian's PostgreSQL for the tests and benchmarks (sourced after lib.sh): start_pg initializes a
# cluster in a temp folder and starts it on a free port of 127.0.0.1, setting PG_BIN, PGDIR,
# PGPORT and DB (a postgresql:// URL); as_pg runs a command as the cluster's owner; stop_pg
# stops it and removes the folder. PG_OPTIONS (e.g. "-c fsync=off") are passed to the server.

PG_BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
PG_OPTIONS=${PG_OPTIONS:-}

# PostgreSQL refuses to run as root: as root, run it as the 'postgres' user that Debian's package
# creates, in a folder that user owns.
as_pg() { "$@"; }

stop_pg() {
  [ -n "${PGDIR:-}" ] || return 0
  as_pg "$PG_BIN/pg_ctl" -D "$PGDIR/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$PGDIR"
}

pg_free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

# pg_ctl_start: (re)starts the cluster in $PGDIR on $PGPORT.
pg_ctl_start() {
  as_pg "$PG_BIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/pg.log" -w -t 60 \
    -o "-p $PGPORT -k $PGDIR -c listen_addresses=127.0.0.1 $PG_OPTIONS" start >/dev/null 2>&1
}

start_pg() {
  [ -x "$PG_BIN/initdb" ] || fail "PostgreSQL server binaries not found (apt-get install postgresql)"
  PGDIR=$(mktemp -d "${TMPDIR:-/tmp}/floe-pg.XXXXXX")
  chmod 755 "$PGDIR"
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || fail "no 'postgres' user to run PostgreSQL as"
    chown postgres: "$PGDIR"
    as_pg() { runuser -u postgres -- "$@"; }
  fi
  as_pg "$PG_BIN/initdb" -D "$PGDIR/data" -U floe -A trust --no-sync >"$PGDIR/initdb.log" 2>&1 ||
    { cat "$PGDIR/initdb.log" >&2; fail "initdb failed"; }
  local started="" attempt
  for attempt in 1 2 3; do
    PGPORT=$(pg_free_port)
    if pg_ctl_start; then
      started=yes
      break
    fi
  done
  [ -n "$started" ] || { cat "$PGDIR/pg.log" >&2; fail "PostgreSQL did not start"; }
  DB="postgresql://floe@127.0.0.1:$PGPORT/postgres"
}
