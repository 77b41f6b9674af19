#!/usr/bin/env bash
# The Switchyard benchmark (issue 6). `npm run bench` = `npm run build && bash bench/run.sh`.
#
#   bench/run.sh [--duration S] [--rounds R] [--reload-duration S] [--long] [--only LIST] [--no-record] [--wait-idle S]
#
# 1. throughput: starts Switchyard with ONE worker on 127.0.0.1:18090 and with TWO workers on
#    127.0.0.1:18091 (bench/serve.js: round robin over 127.0.0.1:9001-9003, passive health
#    checks, metrics on, no access log), then runs ../shared/bench/anchors.sh --with both
#    --reload --keep-upstreams: nginx, HAProxy, Caddy and three Node proxies in the same run,
#    plus Caddy's and nginx's reloads under load;
# 2. reload: 10 config changes/s for --reload-duration s under wrk -c64, 1 and 2 workers;
# 3. push: push latency over 200 changes, the 2 workers alone and with 50 simulated ones;
# 4. scale: 10,000-upstream pool (bytes per weight change, apply time), selection and routes;
# 5. memory: worker RSS idle and with 10,000 idle keep-alive connections, admin RSS with
#    10,000 revisions;
# 6. slow: fast-upstream p99 with least_conn / least_latency while one upstream takes 200 ms;
# 7. profile: --cpu-prof of one worker under load next to the Node floor (bench/profile.sh),
#    and of the admin + worker over weight changes in the 10,000-upstream pool.
# --only takes a comma list of: throughput,reload,push,scale,memory,slow,profile (reload and
# push need throughput's processes and start them when throughput is skipped).
# Results: printed, and (unless --no-record) written to bench/results/YYYY-MM-DD-<host>.md.
# Defaults take about 6-7 minutes on 2 cores; --long doubles the wrk and reload durations and adds a round.
# --wait-idle S waits up to S seconds for the 1-minute load average to drop below 1 first (the
# figures mean little while other processes share the cores; the report flags such runs).
# BENCH_KEEP=1 keeps the raw outputs and the Switchyard logs (serve*.log) in /tmp.
# Traffic goes to 127.0.0.1 only; every process started here is stopped by its PID on exit.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
ANCHORS=${ANCHORS:-$(cd "$ROOT/.." && pwd)/shared/bench/anchors.sh}
DURATION=5 ROUNDS=3 RELOAD_S=30 ONLY=throughput,reload,push,scale,memory,slow,profile RECORD=1 SLOW_S=8 WAIT_IDLE=0
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) DURATION=$2; shift 2 ;;
    --rounds) ROUNDS=$2; shift 2 ;;
    --reload-duration) RELOAD_S=$2; shift 2 ;;
    --long) DURATION=10; ROUNDS=4; SLOW_S=15; RELOAD_S=60; shift ;;
    --only) ONLY=$2; shift 2 ;;
    --no-record) RECORD=0; shift ;;
    --wait-idle) WAIT_IDLE=$2; shift 2 ;;
    -h|--help) sed -n '2,26p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
want() { [[ ",$ONLY," == *",$1,"* ]]; }

need() { command -v "$1" >/dev/null 2>&1; }
if ! need nginx || ! need haproxy || ! need caddy || ! need wrk || ! need curl; then
  echo "installing nginx haproxy caddy wrk curl from Debian packages..." >&2
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx haproxy caddy wrk curl) >/dev/null
fi
[ -f "$ROOT/apps/cli/dist/main.js" ] || { echo "switchyard is not built: run npm run build (npm run bench does)" >&2; exit 1; }
# 10,000 client connections need 10,000 descriptors in the client and in the worker.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

load1() { cut -d' ' -f1 /proc/loadavg; }
if [ "$WAIT_IDLE" -gt 0 ]; then
  end=$((SECONDS + WAIT_IDLE))
  while awk -v l="$(load1)" 'BEGIN{exit !(l >= 1)}' && [ $SECONDS -lt $end ]; do sleep 5; done
fi
awk -v l="$(load1)" 'BEGIN{exit !(l >= 1.5)}' && echo "warning: load average $(load1) on $(nproc) cores: other processes will skew the figures" >&2

OUT=$(mktemp -d /tmp/switchyard-bench.XXXXXX)
export BENCH_OUT=$OUT
PIDS=() UPPID="" ANCHORS_DIR=""
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  [ -n "$UPPID" ] && kill "$UPPID" 2>/dev/null || true
  [[ "$ANCHORS_DIR" == /tmp/lb-anchors.* ]] && rm -rf "$ANCHORS_DIR"
  if [ -n "${BENCH_KEEP:-}" ]; then echo "raw outputs and logs kept in $OUT" >&2; else rm -rf "$OUT"; fi
}
trap cleanup EXIT
STARTED=$SECONDS
cut -d' ' -f1-3 /proc/loadavg > "$OUT/loadavg-start"
# CPU pressure (share of time runnable tasks waited for a CPU), where the kernel exposes it.
[ -r /proc/pressure/cpu ] && sed -n 's/^some avg10=\([0-9.]*\) avg60=\([0-9.]*\).*/\2/p' /proc/pressure/cpu > "$OUT/cpu-pressure-start" || true
section() { printf '\n=== %s (%ss elapsed) ===\n' "$1" $((SECONDS - STARTED)); }

# Start the two Switchyards that anchors.sh measures; they wait for their upstreams.
start_switchyards() {
  local p
  for p in 18090 18091; do
    if curl -s -o /dev/null -m 1 "http://127.0.0.1:$p/"; then echo "127.0.0.1:$p is already in use; stop what listens there first" >&2; return 1; fi
  done
  node "$HERE/serve.js" --workers 1 --port 18090 --out "$OUT/sy1.json" >"$OUT/serve1.log" 2>&1 & PIDS+=($!)
  node "$HERE/serve.js" --workers 2 --port 18091 --out "$OUT/sy2.json" >"$OUT/serve2.log" 2>&1 & PIDS+=($!)
  local i=0
  until [ -f "$OUT/sy1.json" ] && [ -f "$OUT/sy2.json" ]; do
    i=$((i+1))
    if [ $i -gt 600 ]; then echo "switchyard did not start:" >&2; cat "$OUT"/serve*.log >&2; return 1; fi
    for p in "${PIDS[@]}"; do kill -0 "$p" 2>/dev/null || { echo "switchyard failed to start:" >&2; cat "$OUT"/serve*.log >&2; return 1; }; done
    sleep 0.1
  done
}
admin_of() { node -p "require('$OUT/$1').admin"; }

# Start anchors-style upstreams when throughput (which keeps anchors.sh's) is skipped.
own_upstreams() {
  mkdir -p "$OUT/up"
  cat > "$OUT/up/up.conf" <<EOF
worker_processes 1; daemon on; pid $OUT/up/up.pid; error_log $OUT/up/error.log warn;
events { worker_connections 8192; }
http { access_log off;
  server { listen 127.0.0.1:9001; location / { return 200 "hello from 9001\n"; } }
  server { listen 127.0.0.1:9002; location / { return 200 "hello from 9002\n"; } }
  server { listen 127.0.0.1:9003; location / { return 200 "hello from 9003\n"; } } }
EOF
  nginx -c "$OUT/up/up.conf" 2>/dev/null
  UPPID=$(cat "$OUT/up/up.pid")
}

if want throughput || want reload || want push; then
  section "starting switchyard (1 worker on :18090, 2 workers on :18091)"
  start_switchyards
  cat "$OUT/sy1.json" "$OUT/sy2.json"
fi

if want throughput; then
  section "throughput: anchors.sh --duration $DURATION --rounds $ROUNDS --reload"
  [ -f "$ANCHORS" ] || echo "anchors.sh not found at $ANCHORS (set ANCHORS=/path/to/anchors.sh)" >&2
  if bash "$ANCHORS" --duration "$DURATION" --rounds "$ROUNDS" --with switchyard=127.0.0.1:18090 \
      --with switchyard-2w=127.0.0.1:18091 --reload --keep-upstreams 2>&1 | tee "$OUT/anchors.txt"; then :; else
    echo "anchors.sh failed (see above); continuing with the other scenarios" >&2
  fi
  upfile=$(sed -n 's/.*kill \$(cat \(.*up\.pid\)).*/\1/p' "$OUT/anchors.txt" | tail -1)
  if [ -n "$upfile" ] && [ -f "$upfile" ]; then UPPID=$(cat "$upfile"); ANCHORS_DIR=$(dirname "$upfile"); fi
fi
if { want reload || want push; } && [ -z "$UPPID" ]; then own_upstreams; fi

if want reload; then
  section "reloads under load: switchyard, 10 changes/s for ${RELOAD_S}s"
  node "$HERE/scenarios/reload.js" --admin "$(admin_of sy1.json)" --target 127.0.0.1:18090 --duration "$RELOAD_S" --name switchyard || echo "reload scenario failed" >&2
  node "$HERE/scenarios/reload.js" --admin "$(admin_of sy2.json)" --target 127.0.0.1:18091 --duration "$RELOAD_S" --name switchyard-2w || echo "reload scenario (2 workers) failed" >&2
fi

if want push; then
  section "push latency"
  node "$HERE/scenarios/push-latency.js" --admin "$(admin_of sy2.json)" --workers 2 --changes 200 --sims 50 || echo "push-latency scenario failed" >&2
fi

# The remaining scenarios start their own processes: stop the throughput ones first.
for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
PIDS=()
[ -n "$UPPID" ] && { kill "$UPPID" 2>/dev/null || true; UPPID=""; }

if want scale; then
  section "scale: 10,000 upstreams, 1,000 routes"
  node "$HERE/scenarios/scale.js" --upstreams 10000 --routes 1000 || echo "scale scenario failed" >&2
fi
if want memory; then
  section "memory"
  node "$HERE/scenarios/memory.js" --conns 10000 --revisions 10000 || echo "memory scenario failed" >&2
fi
if want slow; then
  section "slow upstream"
  node "$HERE/scenarios/slow-upstream.js" --duration "$SLOW_S" || echo "slow-upstream scenario failed" >&2
fi
if want profile; then
  section "profile: one worker under wrk -c64"
  bash "$HERE/profile.sh" --duration 10 --floor --out "$OUT/profile" || echo "profile failed" >&2
  section "profile: admin and worker over 20 weight changes in a 10,000-upstream pool"
  node "$HERE/scenarios/scale.js" --upstreams 10000 --changes 20 --no-micro --profile "$OUT/profile/scale" --name scale-profile || echo "scale profile failed" >&2
fi

section "report"
if [ "$RECORD" = 1 ]; then
  dest="$HERE/results/$(date -u +%F)-$(hostname -s).md"
  node "$HERE/report.js" --dir "$OUT" --write "$dest" --duration "$DURATION" --rounds "$ROUNDS"
  echo "written: $dest"
else
  node "$HERE/report.js" --dir "$OUT" --duration "$DURATION" --rounds "$ROUNDS"
fi
echo "total: $((SECONDS - STARTED)) s"
