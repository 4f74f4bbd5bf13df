#!/usr/bin/env bash
# A private, throw-away PostgreSQL server for the hub's tests (ctest starts it
# as the fixture PostgresServer.Start and stops it as PostgresServer.Stop).
#
#   scripts/pg-test-server.sh start DIR   initdb a cluster under DIR, start it on
#                                          127.0.0.1:<free port> (and a socket in
#                                          DIR), write the admin URL to DIR/url
#   scripts/pg-test-server.sh stop DIR    stop it and remove DIR
#
# Trust authentication, fsync off, listening on loopback only: this is for
# tests and must never hold data anyone cares about. As root (CI containers)
# the server runs as the `postgres` user via runuser, since PostgreSQL refuses
# to run as root; otherwise as the current user. The database superuser is
# always `postgres`. KIOSK_NO_POSTGRES=1 makes `start` do nothing (the tests
# then skip their PostgreSQL cases, saying so). PG_BINDIR overrides where
# initdb/pg_ctl are found. Every wait is bounded.
set -euo pipefail

die() { echo "pg-test-server: $*" >&2; exit 1; }

[ $# -eq 2 ] || die "usage: $0 start|stop DIR"
action=$1
dir=$2

# --- where the server binaries are --------------------------------------
find_bindir() {
  if [ -n "${PG_BINDIR:-}" ]; then echo "$PG_BINDIR"; return; fi
  if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
    dirname "$(command -v initdb)"; return
  fi
  # Debian keeps them out of PATH, one directory per major version: newest wins.
  local d
  for d in /usr/lib/postgresql/*/bin; do
    if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then echo "$d"; fi
  done | sort -V | tail -n 1
}

# Runs a command as the user that owns the cluster.
as_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# The data directory: DIR/data, unless DIR is out of reach of the postgres
# user (a checkout under /root), then a private directory under /tmp whose
# path DIR/pgdata records.
pgdata_of() {
  if [ -f "$dir/pgdata" ]; then cat "$dir/pgdata"; else echo "$dir/data"; fi
}

stop_cluster() {
  local data bindir
  data=$(pgdata_of)
  if [ -f "$data/postmaster.pid" ]; then
    bindir=$(find_bindir)
    if [ -n "$bindir" ]; then
      as_pg "$bindir/pg_ctl" stop -D "$data" -m fast -w -t 30 >/dev/null 2>&1 ||
        as_pg "$bindir/pg_ctl" stop -D "$data" -m immediate -w -t 10 >/dev/null 2>&1 || true
    fi
    # Last resort: the postmaster's pid is the first line of postmaster.pid.
    if [ -f "$data/postmaster.pid" ]; then
      local pid
      pid=$(head -n 1 "$data/postmaster.pid" 2>/dev/null || true)
      if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
    fi
  fi
  if [ "$data" != "$dir/data" ]; then rm -rf "$data"; fi
}

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

start() {
  if [ "${KIOSK_NO_POSTGRES:-}" = "1" ]; then
    echo "pg-test-server: KIOSK_NO_POSTGRES=1, not starting PostgreSQL (its tests will be skipped)" >&2
    if [ -d "$dir" ]; then stop_cluster; rm -rf "$dir"; fi
    return 0
  fi
  local bindir
  bindir=$(find_bindir)
  if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ] || [ ! -x "$bindir/pg_ctl" ]; then
    die "postgresql is not installed (no initdb/pg_ctl found): run scripts/install-deps.sh"
  fi

  # A cluster left by an interrupted run is stopped and replaced.
  if [ -d "$dir" ]; then stop_cluster; rm -rf "$dir"; fi
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)

  local data sockdir
  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 ||
      die "there is no 'postgres' user to run the server as (running as root): run scripts/install-deps.sh"
    command -v runuser >/dev/null 2>&1 || die "runuser (util-linux) is needed to run PostgreSQL as 'postgres'"
    if runuser -u postgres -- test -x "$dir" -a -r "$dir"; then
      data="$dir/data"
      sockdir="$dir/run"
      mkdir -p "$data" "$sockdir"
      chown postgres: "$data" "$sockdir"
    else
      data=$(runuser -u postgres -- mktemp -d /tmp/kiosk-pg-test.XXXXXX)
      echo "$data" >"$dir/pgdata"
      sockdir="$data"
    fi
  else
    data="$dir/data"
    sockdir="$dir/run"
    mkdir -p "$data" "$sockdir"
  fi
  chmod 700 "$data"

  if ! as_pg "$bindir/initdb" -D "$data" -U postgres -A trust -E UTF8 --locale=C --no-sync \
    >"$dir/initdb.log" 2>&1; then
    cat "$dir/initdb.log" >&2
    die "initdb failed (log above)"
  fi

  # A Unix socket path is limited to 107 bytes; deep build trees go TCP-only.
  local sockets="$sockdir"
  if [ $((${#sockdir} + 20)) -gt 107 ]; then sockets=""; fi
  cat >>"$data/postgresql.conf" <<EOF

# --- kiosk hub tests: a throw-away server, never for real data ---
listen_addresses = '127.0.0.1'
unix_socket_directories = '$sockets'
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
shared_buffers = 32MB
log_min_messages = warning
log_min_error_statement = panic
EOF

  # Pick a free port; if another process takes it first, try another one.
  local port="" candidate attempt
  for attempt in 1 2 3 4 5 6 7 8; do
    candidate=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
    port_busy "$candidate" && continue
    as_pg rm -f "$data/server.log"
    if as_pg "$bindir/pg_ctl" start -D "$data" -l "$data/server.log" -w -t 30 -o "-p $candidate" >/dev/null 2>&1; then
      port=$candidate
      break
    fi
    grep -q "could not bind\|Address already in use" "$data/server.log" 2>/dev/null && continue
    tail -n 30 "$data/server.log" >&2 2>/dev/null || true
    stop_cluster
    die "PostgreSQL did not start within 30 s (server log above)"
  done
  [ -n "$port" ] || die "no free port found for PostgreSQL after $attempt attempts"

  echo "postgresql://postgres@127.0.0.1:$port/postgres" >"$dir/url"
  echo "pg-test-server: PostgreSQL $("$bindir/pg_ctl" --version | awk '{print $3}') on 127.0.0.1:$port, data in $data"
}

case "$action" in
  start) start ;;
  stop)
    if [ -d "$dir" ]; then
      stop_cluster
      rm -rf "$dir"
    fi
    ;;
  *) die "usage: $0 start|stop DIR" ;;
esac
