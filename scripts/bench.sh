#!/usr/bin/env bash
# make bench: serves a demo site of 200 posts from the real binary on
# loopback and measures the home page, a ~1,300-word post and a post with
# 100 comments with wrk, side by side in one run with nginx serving the
# very same bytes (as a file, and precompressed with gzip_static) and with
# a bare Go handler serving them from memory (scripts/staticserve); Quire
# is measured for a client that sends no Accept-Encoding (wrk's default)
# and for a browser-like request, on SQLite and then on PostgreSQL. Then
# the CPU cost of one render and of a cache hit (Go benchmarks), and
# copy-db's time for a generated site of 10,000 posts.
# Figures go to stdout; docs/benchmarks.md records them.
#   BENCH_DURATION (10s), BENCH_CONNECTIONS (16), BENCH_THREADS (1): wrk's
#   -d, -c and -t; BENCH_COPY_POSTS, BENCH_COPY_COMMENTS: the copy-db site
#   (BENCH_COPY_POSTS=0 leaves it out).
set -euo pipefail
cd "$(dirname "$0")/.."
DUR=${BENCH_DURATION:-10s}
CONN=${BENCH_CONNECTIONS:-16}
THREADS=${BENCH_THREADS:-1}
COPY_POSTS=${BENCH_COPY_POSTS:-10000}
COPY_COMMENTS=${BENCH_COPY_COMMENTS:-100000}
tmp=$(mktemp -d)
chmod 755 "$tmp" # nginx's workers read the pages from here
pgdir=""
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [ -n "$pgdir" ] && scripts/pg.sh stop "$pgdir"
  rm -rf "$tmp"
}
trap cleanup EXIT

go build -o "$tmp/staticserve" ./scripts/staticserve
free_port() { scripts/pg.sh port -; } # outside the ephemeral range, where outgoing connections take ports
wait_up() { for _ in $(seq 1 600); do curl -fsS -o /dev/null "$1" 2>/dev/null && return 0; sleep 0.1; done; echo "bench: $1 did not come up" >&2; return 1; }

# What a browser sends for a page (Chromium's headers, less client hints).
browser=(-H "Accept-Encoding: gzip, deflate, br, zstd"
  -H "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
  -H "Accept-Language: en-US,en;q=0.9"
  -H "User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36")

# nginx from Debian (scripts/deps.sh bench installs it), serving $tmp/www
# with gzip_static: a request that accepts gzip gets the .gz file beside
# the page, as it is. No access log (Quire runs at --log-level warn, which
# logs no request either).
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
nport=""
mkdir -p "$tmp/www" "$tmp/nginx"
if [ -x "$nginx_bin" ]; then
  nport=$(free_port)
  cat >"$tmp/nginx/nginx.conf" <<CONF
worker_processes auto;
daemon off;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/error.log warn;
events { worker_connections 1024; }
http {
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  client_body_temp_path $tmp/nginx/body;
  proxy_temp_path $tmp/nginx/proxy;
  fastcgi_temp_path $tmp/nginx/fastcgi;
  uwsgi_temp_path $tmp/nginx/uwsgi;
  scgi_temp_path $tmp/nginx/scgi;
  server {
    listen 127.0.0.1:$nport;
    root $tmp/www;
    gzip_static on;
  }
}
CONF
  "$nginx_bin" -c "$tmp/nginx/nginx.conf" -p "$tmp/nginx" >/dev/null 2>&1 &
  pids+=($!)
else
  echo "bench: nginx is not installed (scripts/deps.sh bench installs it as root); its columns are left out" >&2
fi

ms() { # wrk's latency (612.00us, 4.80ms, 1.02s) in milliseconds
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /s$/) n *= 1000; printf "%.2f", n }'
}
measure() { # url [wrk options] → "rps p99_ms"
  local url=$1; shift
  wrk -t"$THREADS" -c"$CONN" -d"$DUR" --latency "$@" "$url" >"$tmp/wrk.txt"
  grep -q 'Non-2xx' "$tmp/wrk.txt" && { echo "bench: $url answered errors:" >&2; cat "$tmp/wrk.txt" >&2; exit 1; }
  echo "$(awk '/Requests\/sec/ {printf "%.0f", $2}' "$tmp/wrk.txt") $(ms "$(awk '$1=="99%" {print $2}' "$tmp/wrk.txt")")"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a/b; else printf "-" }'; }
size() { curl -fsS "$@" -o "$tmp/size.bin" && wc -c <"$tmp/size.bin" | tr -d ' '; }

row() { printf '%-9s %-18s %9s %7s %9s %7s %9s %7s %9s %7s %9s %7s %6s %6s %6s %6s\n' "$@"; }

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
  rm -rf "$tmp/www"/*
  mkdir -p "$tmp/www$post"
  curl -fsS "http://127.0.0.1:$qport/" -o "$tmp/www/index.html"
  curl -fsS "http://127.0.0.1:$qport$post" -o "$tmp/www${post}index.html"
  gzip -9 -k -n "$tmp/www/index.html" "$tmp/www${post}index.html" # nginx's gzip_static files
  chmod -R a+rX "$tmp/www"
  local sport; sport=$(free_port)
  "$tmp/staticserve" --addr 127.0.0.1:$sport --dir "$tmp/www" >/dev/null 2>&1 &
  local spid=$!
  wait_up "http://127.0.0.1:$sport/"
  [ -n "$nport" ] && wait_up "http://127.0.0.1:$nport/"
  local words; words=$(sed -e 's/<[^>]*>/ /g' "$tmp/www${post}index.html" | wc -w)
  local list=("/" "$post")
  [ "$pages" = "post" ] && list=("$post")
  for page in "${list[@]}"; do
    local q="http://127.0.0.1:$qport$page" n="http://127.0.0.1:$nport$page"
    name="home /"; [ "$page" != "/" ] && name="post (${words} words)"
    [ "$pages" = "post" ] && name="post, $(grep -c 'id="comment-' "$tmp/www${page}index.html") comments"
    echo "$label $name: $(size "$q") bytes; Quire Brotli $(size "${browser[@]}" "$q"), gzip $(size -H 'Accept-Encoding: gzip' "$q"); nginx gzip_static $(wc -c <"$tmp/www${page}index.html.gz" | tr -d ' ')" >>"$tmp/sizes.txt"
    read -r qp qp99 < <(measure "$q")
    read -r qb qb99 < <(measure "$q" "${browser[@]}")
    local np="" np99="-" ng="" ng99="-"
    if [ -n "$nport" ]; then
      read -r np np99 < <(measure "$n")
      read -r ng ng99 < <(measure "$n" "${browser[@]}")
    fi
    read -r gp gp99 < <(measure "http://127.0.0.1:$sport$page")
    row "$label" "$name" "$qp" "$qp99" "$qb" "$qb99" "${np:--}" "$np99" "${ng:--}" "$ng99" "$gp" "$gp99" \
      "$(ratio "$qp" "$np")" "$(ratio "$qb" "$ng")" "$(ratio "$qp" "$gp")" "$(ratio "$qb" "$gp")"
  done
  kill $qpid $spid; wait $qpid $spid 2>/dev/null || true
}

echo "uptime before: $(uptime)"
echo "make bench: $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, wrk -t$THREADS -c$CONN -d$DUR, demo site of 200 posts, $("$nginx_bin" -v 2>&1 | sed 's/.*: //')"
echo "Load average before: $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine skews every column; compare within a row)"
echo "Requests per second and p99 latency (ms). quire: no Accept-Encoding; quire_br: a browser's headers (Accept-Encoding: gzip, deflate, br, zstd);"
echo "nginx: the same bytes as a file; nginx_gz: gzip_static, the browser's headers; go: a bare Go handler serving them from memory."
echo "Ratios: quire/nginx, quire_br/nginx_gz, quire/go, quire_br/go."
row engine page quire p99 quire_br p99 nginx p99 nginx_gz p99 go p99 q/ngx br/gz q/go br/go
bench_site sqlite home+post --data "$tmp/sqlite"
# 200 posts with 97 comments each (a fifth replies): the long post shows 100.
bench_site sqlite post --data "$tmp/sqlite-comments" --demo-comments 19400

pgdir=$(mktemp -d /tmp/quire-pg.XXXXXX)
pgurl=$(scripts/pg.sh start "$pgdir")
dburl() { echo "${pgurl/\/postgres\?/\/$1?}"; }
psql -q "$pgurl" -c "CREATE DATABASE bench_read" -c "CREATE DATABASE bench_copy"
bench_site postgres home+post --database-url "$(dburl bench_read)"
echo "Load average after the pages: $(cut -d' ' -f1-3 /proc/loadavg); uptime: $(uptime)"
echo
echo "Bytes sent for each page:"
cat "$tmp/sizes.txt"
echo
echo "CPU per request (go test -bench): a render afresh (RenderPost, RenderPostWith100Comments: without the page cache;"
echo "...Cold: after each new comment; ...AfterPostChange: after any other change, so that only each comment's and widget's HTML is kept),"
echo "and a page-cache hit through the whole handler serve runs, for a plain client and a browser (ServeCachedPost):"
go test -run '^$' -bench 'Benchmark(RenderPost|ServePostCached|RenderPostWith100Comments|RenderPostWith100CommentsCold|RenderPostWith100CommentsAfterPostChange)$' -benchmem ./internal/web/ | grep -E '^Benchmark'
go test -run '^$' -bench 'BenchmarkServeCachedPost' -benchmem ./internal/server/ | grep -E '^Benchmark'
echo
echo "Comments (go test -bench): submissions with every local check on SQLite, and rendering one comment's text:"
go test -run '^$' -bench 'Benchmark(Submit|RenderComment)$' -benchmem ./internal/comments/ ./internal/markup/ | grep -E '^Benchmark'

[ "$COPY_POSTS" -gt 0 ] || exit 0 # BENCH_COPY_POSTS=0 leaves copy-db out
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
