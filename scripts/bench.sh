#!/usr/bin/env bash
# make bench: serves a demo site of 200 posts from the real binary on
# loopback and measures the home page and a ~1,300-word post with wrk,
# beside a plain static file server serving the same bytes in the same run,
# on SQLite and then on PostgreSQL; then the CPU cost of one render (Go
# benchmark) and copy-db's time for a generated site of 10,000 posts.
# Figures go to stdout; docs/benchmarks.md records them.
set -euo pipefail
cd "$(dirname "$0")/.."
DUR=${BENCH_DURATION:-10s}
CONN=${BENCH_CONNECTIONS:-32}
COPY_POSTS=${BENCH_COPY_POSTS:-10000}
COPY_COMMENTS=${BENCH_COPY_COMMENTS:-100000}
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

free_port() { scripts/pg.sh port -; } # outside the ephemeral range, where outgoing connections take ports
wait_up() { for _ in $(seq 1 600); do curl -fsS -o /dev/null "$1" 2>/dev/null && return 0; sleep 0.1; done; echo "bench: $1 did not come up" >&2; return 1; }

sport=$(free_port)
mkdir -p "$tmp/static"
go run ./scripts/staticserve --addr 127.0.0.1:$sport --dir "$tmp/static" >/dev/null 2>&1 &
pids+=($!)

measure() { # url → "rps p99"
  wrk -t2 -c"$CONN" -d"$DUR" --latency "$1" >"$tmp/wrk.txt"
  echo "$(awk '/Requests\/sec/ {print $2}' "$tmp/wrk.txt") $(awk '$1=="99%" {print $2}' "$tmp/wrk.txt")"
}

# bench_site LABEL PAGES SERVE-ARGS…: serves the demo site and measures
# the home page and the long post ("home+post"), or the post alone ("post").
bench_site() {
  local label=$1 pages=$2; shift 2
  local qport; qport=$(free_port)
  bin/quire serve --demo --demo-posts 194 --addr 127.0.0.1:$qport --log-level warn "$@" >"$tmp/serve.log" 2>&1 &
  local qpid=$!
  wait_up "http://127.0.0.1:$qport/healthz"
  local post
  post=$(curl -fsS "http://127.0.0.1:$qport/?s=%22what+business+are+you+really%22" | grep -o 'href="/[0-9]\{4\}/[0-9][0-9]/[0-9][0-9]/what-business-are-you-really-in/"' | head -1 | sed 's/href="//; s/"$//')
  [ -n "$post" ] || { echo "bench: could not find the long post" >&2; cat "$tmp/serve.log" >&2; exit 1; }
  rm -rf "$tmp/static"/*
  mkdir -p "$tmp/static$post"
  curl -fsS "http://127.0.0.1:$qport/" -o "$tmp/static/index.html"
  curl -fsS "http://127.0.0.1:$qport$post" -o "$tmp/static${post}index.html"
  wait_up "http://127.0.0.1:$sport/"
  local words; words=$(sed -e 's/<[^>]*>/ /g' "$tmp/static${post}index.html" | wc -w)
  local list=("/" "$post")
  [ "$pages" = "post" ] && list=("$post")
  for page in "${list[@]}"; do
    read -r qrps qp99 < <(measure "http://127.0.0.1:$qport$page")
    read -r srps sp99 < <(measure "http://127.0.0.1:$sport$page")
    ratio=$(awk -v a="$qrps" -v b="$srps" 'BEGIN { printf "%.2f", a/b }')
    name="home /"; [ "$page" != "/" ] && name="post (${words} words)"
    [ "$pages" = "post" ] && name="post, $(grep -c 'id="comment-' "$tmp/static${post}index.html") comments"
    printf '%-10s %-20s %10s %9s %11s %10s %6s\n' "$label" "$name" "$qrps" "$qp99" "$srps" "$sp99" "$ratio"
  done
  kill $qpid; wait $qpid 2>/dev/null || true
}

echo "make bench: $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, wrk -t2 -c$CONN -d$DUR, demo site of 200 posts"
printf '%-10s %-20s %10s %9s %11s %10s %6s\n' engine page quire_rps quire_p99 static_rps static_p99 ratio
bench_site sqlite home+post --data "$tmp/sqlite"
# 200 posts with 97 comments each (a fifth replies): the long post shows 100.
bench_site sqlite post --data "$tmp/sqlite-comments" --demo-comments 19400

pgdir=$(mktemp -d /tmp/quire-pg.XXXXXX)
pgurl=$(scripts/pg.sh start "$pgdir")
dburl() { echo "${pgurl/\/postgres\?/\/$1?}"; }
psql -q "$pgurl" -c "CREATE DATABASE bench_read" -c "CREATE DATABASE bench_copy"
bench_site postgres home+post --database-url "$(dburl bench_read)"

echo
echo "CPU per request (go test -bench; RenderPost renders afresh, ServePostCached is the page cache):"
go test -run '^$' -bench 'Benchmark(RenderPost|ServePostCached|RenderPostWith100Comments)$' -benchmem ./internal/web/ | grep -E '^Benchmark'
echo
echo "Comments (go test -bench): submissions with every local check on SQLite, and rendering one comment's text:"
go test -run '^$' -bench 'Benchmark(Submit|RenderComment)$' -benchmem ./internal/comments/ ./internal/markup/ | grep -E '^Benchmark'

echo
echo "copy-db, a generated site of $COPY_POSTS posts and $COPY_COMMENTS comments, SQLite → PostgreSQL:"
cport=$(free_port)
bin/quire serve --demo --demo-posts $((COPY_POSTS - 6)) --demo-comments "$COPY_COMMENTS" --data "$tmp/big" --addr 127.0.0.1:$cport --log-level warn >"$tmp/big.log" 2>&1 &
cpid=$!
wait_up "http://127.0.0.1:$cport/healthz"
kill $cpid; wait $cpid 2>/dev/null || true
start=$(date +%s.%N)
bin/quire copy-db --from "$tmp/big/quire.db" --to "$(dburl bench_copy)" | grep -E '^(posts|post_terms|media_files|comments|jobs|copied)'
end=$(date +%s.%N)
awk -v a="$start" -v b="$end" 'BEGIN { printf "copy-db wall time, including both migrations checks: %.2f s\n", b-a }'

scripts/bench_newsletter.sh
