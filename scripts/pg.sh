#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster from Debian's binaries on a free
# port of 127.0.0.1, in a temporary directory, and prints its URL.
#   scripts/pg.sh start DIR   → prints postgres://… (the cluster lives in DIR)
#   scripts/pg.sh stop DIR    → stops it and removes DIR
#   scripts/pg.sh pause DIR / resume DIR → stops and restarts it on the same port
#     (tests of a database that goes away while Quire serves)
# The server asks for a password (scram-sha-256), as real ones do, so tests
# can tell a wrong password from an unreachable server.
# As root, installs postgresql with apt-get when missing, and runs the
# server as the postgres user (initdb refuses root).
set -euo pipefail
cmd=${1:?start or stop}; dir=${2:?directory}

bindir() {
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
  if [ -z "$d" ] && [ "$(id -u)" -eq 0 ]; then
    echo "pg: installing postgresql with apt-get" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends postgresql >/dev/null
    d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
  fi
  [ -n "$d" ] || { echo "pg: PostgreSQL is not installed (apt-get install postgresql)" >&2; exit 1; }
  echo "$d"
}

# free_port prints a port of 127.0.0.1 that nothing listens on.
free_port() {
  local p
  for _ in $(seq 1 100); do
    p=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return 0; fi
  done
  echo "pg: no free port found" >&2; return 1
}

as_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start_server() { # BIN DIR PORT
  as_pg "$1/pg_ctl" -D "$2/data" -l "$2/server.log" -w -t 60 \
    -o "-p $3 -k $2 -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
    start >/dev/null || { cat "$2/server.log" >&2; exit 1; }
}

case "$cmd" in
start)
  bin=$(bindir)
  mkdir -p "$dir"
  [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
  port=$(free_port)
  echo "quire-test-pw" >"$dir/pwfile"
  [ "$(id -u)" -eq 0 ] && chown postgres: "$dir/pwfile"
  as_pg "$bin/initdb" -D "$dir/data" -A scram-sha-256 -U postgres --pwfile="$dir/pwfile" --no-sync -E UTF8 \
    --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
  echo "$port" >"$dir/port"
  start_server "$bin" "$dir" "$port"
  echo "postgres://postgres:quire-test-pw@127.0.0.1:$port/postgres?sslmode=disable"
  ;;
pause)
  bin=$(bindir)
  as_pg "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
  ;;
resume)
  bin=$(bindir)
  start_server "$bin" "$dir" "$(cat "$dir/port")"
  ;;
stop)
  if [ -d "$dir/data" ]; then
    bin=$(bindir)
    as_pg "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
  ;;
*) echo "pg: unknown command $cmd" >&2; exit 2 ;;
esac
