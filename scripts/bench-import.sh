#!/usr/bin/env bash
# make bench (its last step): times `quire import wordpress` on a generated
# export of 10,000 posts and 100,000 comments (internal/wpimport/wxrgen),
# with its peak memory (GNU time's maximum resident set size), on SQLite
# (a new site, then the same file again: nothing to add), and on a
# throwaway PostgreSQL cluster. Figures go to stdout; docs/benchmarks.md
# records them.
set -euo pipefail
cd "$(dirname "$0")/.."
POSTS=${BENCH_IMPORT_POSTS:-10000}
COMMENTS=${BENCH_IMPORT_COMMENTS:-100000}
tmp=$(mktemp -d)
pgdir=""
cleanup() {
  if [ -n "$pgdir" ]; then scripts/pg.sh stop "$pgdir"; rm -rf "$pgdir"; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

go build -o "$tmp/quire" ./cmd/quire
go build -o "$tmp/wxrgen" ./internal/wpimport/wxrgen
"$tmp/wxrgen" -posts "$POSTS" -comments "$COMMENTS" >"$tmp/export.xml"
echo "import: an export of $POSTS posts and $COMMENTS comments, $(($(stat -c %s "$tmp/export.xml") / 1048576)) MiB"

timed() { # LABEL ARGS… → "LABEL: S s, M MB peak"
  local label=$1; shift
  /usr/bin/time -f '%e %M' -o "$tmp/time.txt" "$tmp/quire" import wordpress "$tmp/export.xml" "$@" >"$tmp/out.txt" 2>/dev/null
  read -r secs kb <"$tmp/time.txt"
  echo "import: $label: ${secs} s, $((kb / 1024)) MB peak RSS"
}
timed "SQLite, new site" --data "$tmp/sqlite"
timed "SQLite, the same file again" --data "$tmp/sqlite"
pgdir=$(mktemp -d /tmp/quire-pg.XXXXXX)
pgurl=$(scripts/pg.sh start "$pgdir")
timed "PostgreSQL, new site" --database-url "$pgurl"
