#!/usr/bin/env bash
# make bench: serves a demo site of 200 posts from the real binary on
# loopback and measures the home page and a ~1,300-word post with wrk,
# beside a plain static file server serving the same bytes in the same run;
# then the CPU cost of one render (Go benchmark). Figures go to stdout;
# docs/benchmarks.md records them.
set -euo pipefail
cd "$(dirname "$0")/.."
DUR=${BENCH_DURATION:-10s}
CONN=${BENCH_CONNECTIONS:-32}
tmp=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$tmp"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
qport=$(free_port); sport=$(free_port)

bin/quire serve --demo --demo-posts 194 --data "$tmp/data" --addr 127.0.0.1:$qport --log-level warn >"$tmp/serve.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 200); do curl -fsS -o /dev/null "http://127.0.0.1:$qport/healthz" 2>/dev/null && break; sleep 0.1; done

post=$(curl -fsS "http://127.0.0.1:$qport/?s=%22what+business+are+you+really%22" | grep -o 'href="/[0-9]\{4\}/[0-9][0-9]/[0-9][0-9]/what-business-are-you-really-in/"' | head -1 | sed 's/href="//; s/"$//')
[ -n "$post" ] || { echo "bench: could not find the long post" >&2; exit 1; }
mkdir -p "$tmp/static$post"
curl -fsS "http://127.0.0.1:$qport/" -o "$tmp/static/index.html"
curl -fsS "http://127.0.0.1:$qport$post" -o "$tmp/static${post}index.html"
words=$(sed -e 's/<[^>]*>/ /g' "$tmp/static${post}index.html" | wc -w)
go run ./scripts/staticserve --addr 127.0.0.1:$sport --dir "$tmp/static" >/dev/null 2>&1 &
pids+=($!)
for _ in $(seq 1 300); do curl -fsS -o /dev/null "http://127.0.0.1:$sport/" 2>/dev/null && break; sleep 0.1; done

measure() { # url → "rps p99"
  wrk -t2 -c"$CONN" -d"$DUR" --latency "$1" >"$tmp/wrk.txt"
  rps=$(awk '/Requests\/sec/ {print $2}' "$tmp/wrk.txt")
  p99=$(awk '$1=="99%" {print $2}' "$tmp/wrk.txt")
  echo "$rps $p99"
}

echo "make bench: $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, wrk -t2 -c$CONN -d$DUR, demo site of 200 posts"
printf '%-28s %12s %10s %12s %10s %8s\n' page quire_rps quire_p99 static_rps static_p99 ratio
for page in "/" "$post"; do
  read -r qrps qp99 < <(measure "http://127.0.0.1:$qport$page")
  read -r srps sp99 < <(measure "http://127.0.0.1:$sport$page")
  ratio=$(awk -v a="$qrps" -v b="$srps" 'BEGIN { printf "%.2f", a/b }')
  name=$page; [ "$page" = "/" ] && name="home /"; [ "$page" = "$post" ] && name="post (${words} words)"
  printf '%-28s %12s %10s %12s %10s %8s\n' "$name" "$qrps" "$qp99" "$srps" "$sp99" "$ratio"
done
echo
echo "CPU per render (go test -bench):"
go test -run '^$' -bench 'BenchmarkRender' -benchmem ./internal/web/ | grep -E '^Benchmark'
