#!/usr/bin/env bash
# make test: every test, on SQLite and then again on a throwaway PostgreSQL
# cluster that this script starts and removes.
set -euo pipefail
cd "$(dirname "$0")/.."
export GOFLAGS=-buildvcs=false

scripts/deps.sh

echo "== tests on SQLite"
go test -count=1 -timeout 20m ./...

pgdir=$(mktemp -d /tmp/quire-pg.XXXXXX)
trap 'scripts/pg.sh stop "$pgdir"' EXIT
url=$(scripts/pg.sh start "$pgdir")
echo "== tests on PostgreSQL ($url)"
QUIRE_TEST_DATABASE_URL=$url go test -count=1 -timeout 20m ./internal/... ./cmd/...
