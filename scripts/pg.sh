#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster from Debian's binaries on a free
# port of 127.0.0.1, in a temporary directory, and prints its URL.
#   scripts/pg.sh start DIR   → prints postgres://… (the cluster lives in DIR);
#     QUIRE_PG_PORT=N tries port N first
#   scripts/pg.sh stop DIR    → stops it and removes DIR
#   scripts/pg.sh port -   → prints a free port outside the ephemeral range (other scripts' servers)
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

# free_port prints a port of 127.0.0.1 that nothing listens on, outside the
# kernel's ephemeral range: a port inside it may be the local end of any
# outgoing connection, which a connect test does not see, and PostgreSQL
# would then fail to bind it. A port still taken by the time PostgreSQL
# binds it is retried by "start" (see start_free).
free_port() {
  local lo=32768 hi=60999 min max p
  if [ -r /proc/sys/net/ipv4/ip_local_port_range ]; then
    read -r lo hi </proc/sys/net/ipv4/ip_local_port_range
  fi
  if [ "$lo" -gt 11024 ]; then min=10000; max=$((lo - 1))   # below the range
  else min=$((hi + 1)); max=65535; fi                         # above it
  if [ "$max" -le "$min" ]; then min=1024; max=65535; fi
  for _ in $(seq 1 100); do
    p=$((min + (RANDOM * 32768 + RANDOM) % (max - min + 1)))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return 0; fi
  done
  echo "pg: no free port found between $min and $max" >&2; return 1
}

as_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start_server() { # BIN DIR PORT; fails (status 1) printing the server's log
  as_pg "$1/pg_ctl" -D "$2/data" -l "$2/server.log" -w -t 60 \
    -o "-p $3 -k $2 -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
    start >/dev/null || { cat "$2/server.log" >&2; return 1; }
}

# start_free BIN DIR starts the server on a free port (QUIRE_PG_PORT first,
# when set), trying another port when the chosen one was taken meanwhile
# ("Address already in use").
start_free() {
  local port
  for attempt in 1 2 3 4 5; do
    if [ "$attempt" = 1 ] && [ -n "${QUIRE_PG_PORT:-}" ]; then port=$QUIRE_PG_PORT
    else port=$(free_port) || return 1; fi
    echo "$port" >"$2/port"
    rm -f "$2/server.log"
    if start_server "$1" "$2" "$port" 2>"$2/start.err"; then return 0; fi
    if ! grep -q "Address already in use" "$2/server.log"; then cat "$2/start.err" >&2; return 1; fi
    echo "pg: port $port was taken (attempt $attempt), trying another" >&2
  done
  cat "$2/start.err" >&2; return 1
}

case "$cmd" in
start)
  bin=$(bindir)
  mkdir -p "$dir"
  [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
  echo "quire-test-pw" >"$dir/pwfile"
  [ "$(id -u)" -eq 0 ] && chown postgres: "$dir/pwfile"
  as_pg "$bin/initdb" -D "$dir/data" -A scram-sha-256 -U postgres --pwfile="$dir/pwfile" --no-sync -E UTF8 \
    --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
  start_free "$bin" "$dir" || exit 1
  echo "postgres://postgres:quire-test-pw@127.0.0.1:$(cat "$dir/port")/postgres?sslmode=disable"
  ;;
pause)
  bin=$(bindir)
  as_pg "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
  ;;
resume)
  bin=$(bindir)
  start_server "$bin" "$dir" "$(cat "$dir/port")" || exit 1
  ;;
stop)
  if [ -d "$dir/data" ]; then
    bin=$(bindir)
    as_pg "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
  ;;
port)
  free_port
  ;;
*) echo "pg: unknown command $cmd" >&2; exit 2 ;;
esac
