#!/usr/bin/env bash
# bench_large.sh (called by make bench): a generated site of 10,000 posts,
# 100,000 comments, 500 tags and 1,000 images, served from the real
# binary, measured page by page afresh, right after a content change and
# from the page cache, beside a small site of 200 posts; on SQLite, then on
# PostgreSQL (the same site copied with copy-db). Prints a Markdown table
# (docs/benchmarks.md, "A large site"). Run from the repository root after
# `make build`; BENCH_LARGE_DURATION sets wrk's time per cached page.
set -euo pipefail
cd "$(dirname "$0")/.."
DUR=${BENCH_LARGE_DURATION:-3s}
POSTS=${BENCH_LARGE_POSTS:-10000}
COMMENTS=${BENCH_LARGE_COMMENTS:-100000}
TAGS=${BENCH_LARGE_TAGS:-500}
IMAGES=${BENCH_LARGE_IMAGES:-1000}
tmp=$(mktemp -d)
pgdir=""
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [ -n "$pgdir" ] && scripts/pg.sh stop "$pgdir"
  rm -rf "$tmp"
}
trap cleanup EXIT

free_port() { scripts/pg.sh port -; }
wait_up() { for _ in $(seq 1 3000); do curl -fsS -o /dev/null "$1" 2>/dev/null && return 0; sleep 0.1; done; echo "bench_large: $1 did not come up" >&2; return 1; }
go build -o "$tmp/benchlarge" ./scripts/benchlarge
go build -o bin/quire ./cmd/quire # make bench built it too; a direct run gets the current code

# serve_site DIR-OR-URL-ARGS…: starts serve, prints "PID PORT" (it runs in
# a subshell: the caller adds PID to pids, for cleanup).
serve_site() {
  local port; port=$(free_port)
  bin/quire serve --addr 127.0.0.1:$port --log-level warn "$@" >>"$tmp/serve.log" 2>&1 &
  local pid=$!
  wait_up "http://127.0.0.1:$port/healthz"
  echo "$pid $port"
}
stop_site() { kill "$1"; wait "$1" 2>/dev/null || true; }

# The large site: generated once (timed), then served afresh, so the
# memory figures are those of a server that did not generate it.
start=$(date +%s.%N)
read -r gpid gport < <(serve_site --demo --demo-posts $((POSTS - 6)) --demo-comments "$COMMENTS" \
  --demo-tags "$TAGS" --demo-images "$IMAGES" --data "$tmp/large")
pids+=("$gpid")
end=$(date +%s.%N)
stop_site "$gpid"
gen=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b-a }')
printf 'a long enough password\n' | bin/quire user add --data "$tmp/large" --email bench@example.com --name Bench --role owner >/dev/null
read -r spid sport < <(serve_site --demo --demo-posts 194 --data "$tmp/small")
pids+=("$spid")

echo "bench_large: $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores; generated $POSTS posts, $COMMENTS comments, $TAGS tags, $IMAGES images in ${gen} s (SQLite, serve --demo)"
echo "afresh: median and slowest of 15 requests that miss the page cache; after a comment / a post change: median of 5 requests"
echo "each, right after a new comment (the sidebar rebuilds its recent comments) or another change (the whole sidebar is rebuilt);"
echo "cached: wrk -t1 -c16 -d$DUR; small site: 200 posts, same kind of page."
echo
read -r lpid lport < <(serve_site --data "$tmp/large")
pids+=("$lpid")
sleep 2
"$tmp/benchlarge" -header -engine SQLite -large "http://127.0.0.1:$lport" -small "http://127.0.0.1:$sport" \
  -db "$tmp/large/quire.db" -pid "$lpid" -email bench@example.com -password 'a long enough password' -duration "$DUR"
stop_site "$lpid"

pgdir=$(mktemp -d /tmp/quire-pg.XXXXXX)
pgurl=$(scripts/pg.sh start "$pgdir")
dburl() { echo "${pgurl/\/postgres\?/\/$1?}"; }
psql -q "$pgurl" -c "CREATE DATABASE bench_large" -c "CREATE DATABASE bench_small"
bin/quire copy-db --from "$tmp/large/quire.db" --to "$(dburl bench_large)" >/dev/null
bin/quire copy-db --from "$tmp/small/quire.db" --to "$(dburl bench_small)" >/dev/null
stop_site "$spid"
read -r spid sport < <(serve_site --database-url "$(dburl bench_small)")
pids+=("$spid")
read -r lpid lport < <(serve_site --database-url "$(dburl bench_large)")
pids+=("$lpid")
sleep 2
echo
"$tmp/benchlarge" -engine PostgreSQL -large "http://127.0.0.1:$lport" -small "http://127.0.0.1:$sport" \
  -db "$(dburl bench_large)" -pid "$lpid" -email bench@example.com -password 'a long enough password' -duration "$DUR"
