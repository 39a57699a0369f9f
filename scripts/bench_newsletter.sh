#!/usr/bin/env bash
# The newsletter's part of make bench (also runs alone after make build):
# one issue to BENCH_SUBSCRIBERS (100,000) active subscribers, sent by the
# real binary through an SMTP sink on loopback (scripts/mailbench), on
# SQLite and then on a throwaway PostgreSQL cluster. Prints messages a
# second and the serving process's peak RSS; docs/benchmarks.md records
# them.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${BENCH_SUBSCRIBERS:-100000}
[ -x bin/quire ] || go build -o bin/quire ./cmd/quire
tmp=$(mktemp -d)
pgdir=""
cleanup() {
  [ -n "$pgdir" ] && scripts/pg.sh stop "$pgdir"
  rm -rf "$tmp"
}
trap cleanup EXIT
go build -o "$tmp/mailbench" ./scripts/mailbench
echo
echo "Newsletter: one issue to $N subscribers, quire serve → SMTP sink on loopback (default settings: 4 connections, no rate cap):"
"$tmp/mailbench" --bin bin/quire --data "$tmp/sqlite" --subscribers "$N" --label sqlite
pgdir=$(mktemp -d /tmp/quire-pg.XXXXXX)
pgurl=$(scripts/pg.sh start "$pgdir")
psql -q "$pgurl" -c "CREATE DATABASE bench_mail"
"$tmp/mailbench" --bin bin/quire --database-url "${pgurl/\/postgres\?/\/bench_mail?}" --subscribers "$N" --label postgres
