#!/usr/bin/env bash
# CPU profile of one Switchyard worker under wrk load.
#
#   bench/profile.sh [--duration S] [--conns N] [--workers N] [--floor] [--out DIR]
#
# Starts three nginx upstreams on free 127.0.0.1 ports (as anchors.sh does on 9001-9003), runs
# `switchyard proxy --config FILE --workers N` with the bench config (listen on a free port,
# round robin, passive health checks, no access log) under node --cpu-prof (the cluster
# workers inherit it through execArgv; NODE_OPTIONS refuses --cpu-prof), loads it with wrk -t1 -cN for S seconds, stops it gracefully so the
# profiles are written, and prints the worker's self time by area and its top functions
# (bench/lib/cpuprofile.js). --floor then profiles the featureless Node floor
# (bench/lib/floor-proxy.js: node:http + undici, like anchors.sh's raw-undici) the same way, to
# tell Switchyard's own cost from node:http's and undici's. With --out DIR the .cpuprofile
# files and the summaries are kept there.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
DURATION=10 CONNS=64 WORKERS=1 OUTDIR="" FLOOR=0
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) DURATION=$2; shift 2 ;;
    --conns) CONNS=$2; shift 2 ;;
    --workers) WORKERS=$2; shift 2 ;;
    --out) OUTDIR=$2; shift 2 ;;
    --floor) FLOOR=1; shift ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
command -v nginx >/dev/null && command -v wrk >/dev/null || {
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx wrk) >/dev/null
}

W=$(mktemp -d /tmp/switchyard-prof.XXXXXX)
SY="" FL=""
cleanup() {
  [ -n "$SY" ] && kill "$SY" 2>/dev/null || true
  [ -n "$FL" ] && kill "$FL" 2>/dev/null || true
  [ -f "$W/up.pid" ] && kill "$(cat "$W/up.pid")" 2>/dev/null || true
  rm -rf "$W"
}
trap cleanup EXIT

# Free ports, not fixed ones: other processes on a shared machine may hold 9101 or 18099.
read -r U1 U2 U3 SP FP < <(node -e "
const net = require('net'); const out = [];
(async () => { for (let i = 0; i < 5; i++) out.push(await new Promise((r) => { const s = net.createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => r(p)); }); })); console.log(out.join(' ')); })();")
cat > "$W/up.conf" <<EOF
worker_processes 1; daemon on; pid $W/up.pid; error_log $W/up-error.log warn;
events { worker_connections 8192; }
http { access_log off;
  server { listen 127.0.0.1:$U1; location / { return 200 "hello from $U1\n"; } }
  server { listen 127.0.0.1:$U2; location / { return 200 "hello from $U2\n"; } }
  server { listen 127.0.0.1:$U3; location / { return 200 "hello from $U3\n"; } } }
EOF
nginx -c "$W/up.conf" 2>"$W/nginx.err" || { echo "nginx upstreams failed:" >&2; cat "$W/nginx.err" >&2; exit 1; }
node -e "process.stdout.write(JSON.stringify(require('$HERE/lib/config').benchConfig({port: $SP, dials: ['127.0.0.1:$U1', '127.0.0.1:$U2', '127.0.0.1:$U3']})))" > "$W/config.json"

mkdir -p "$W/prof" "$W/data"
node --cpu-prof --cpu-prof-dir="$W/prof" "$ROOT/bin/switchyard.js" proxy --config "$W/config.json" \
  --workers "$WORKERS" --data "$W/data" --grace 1000 >"$W/sy.out" 2>"$W/sy.err" &
SY=$!
wait_port() { # port, log file
  local i=0
  until curl -s -o /dev/null -m 1 "http://127.0.0.1:$1/"; do
    i=$((i+1)); [ $i -gt 150 ] && { echo "nothing answers on 127.0.0.1:$1" >&2; cat "$2" >&2; exit 1; }
    sleep 0.2
  done
}
cpu_ticks() { # pids -> "utime stime", summed over the pids (all threads; clock ticks)
  local u=0 s=0 p
  for p in "$@"; do read -r pu ps < <(awk '{print $14, $15}' "/proc/$p/stat"); u=$((u + pu)); s=$((s + ps)); done
  echo "$u $s"
}
# CPU time per request is the figure that survives a shared machine: wall-clock samples (and
# so the profile's native frames such as writev) also count time the proxy sat descheduled
# after waking wrk or an upstream on the same two cores.
load() { # port, what, pids
  wrk -t1 -c"$CONNS" -d2s "http://127.0.0.1:$1/" >/dev/null
  local u0 s0 u1 s1 out reqs
  read -r u0 s0 <<<"$(cpu_ticks $3)"
  out=$(wrk -t1 -c"$CONNS" -d"${DURATION}s" --latency "http://127.0.0.1:$1/")
  read -r u1 s1 <<<"$(cpu_ticks $3)"
  reqs=$(awk '/requests in/ {print $1}' <<<"$out")
  { echo "$2 under wrk -t1 -c$CONNS for ${DURATION}s (after a 2 s warm-up):"
    grep -E 'Requests/sec|^ +(50|99)%|Socket errors|Non-2xx' <<<"$out"
    awk -v u=$((u1 - u0)) -v s=$((s1 - s0)) -v hz="$(getconf CLK_TCK)" -v r="$reqs" -v d="$DURATION" \
      'BEGIN { printf "  CPU of the proxy process: %.1f us per request (user %.1f + kernel %.1f), %.0f%% of one core\n", 1e6 * (u + s) / hz / r, 1e6 * u / hz / r, 1e6 * s / hz / r, 100 * (u + s) / hz / d }'
  } | tee "$W/load-$1.txt"
}
wait_port "$SP" "$W/sy.err"
worker_pids() { node -e "for (const l of require('fs').readFileSync('$W/sy.out','utf8').split('\n')) { try { const e = JSON.parse(l); if (e.event === 'workers') console.log(e.pids.join(' ')); } catch {} }"; }
i=0
until [ -n "$(worker_pids)" ]; do i=$((i+1)); [ $i -gt 100 ] && { echo "no worker pids announced" >&2; exit 1; }; sleep 0.1; done
pids=$(worker_pids)
load "$SP" "switchyard proxy (${WORKERS} worker)" "$pids"
kill -TERM "$SY"; wait "$SY" 2>/dev/null || true; SY=""
for pid in $pids; do
  f=$(ls "$W"/prof/CPU.*."$pid".*.cpuprofile 2>/dev/null | head -1 || true)
  if [ -z "$f" ]; then echo "no profile written for worker $pid (did it exit cleanly?)" >&2; continue; fi
  { cat "$W/load-$SP.txt"; node "$HERE/lib/cpuprofile.js" "$f" --top 25; } > "$W/summary-$pid.txt"
  tail -n +6 "$W/summary-$pid.txt"
  if [ -n "$OUTDIR" ]; then mkdir -p "$OUTDIR"; cp "$f" "$OUTDIR/worker-$pid.cpuprofile"; cp "$W/summary-$pid.txt" "$OUTDIR/profile-summary.txt"; fi
done

if [ "$FLOOR" = 1 ]; then
  echo
  mkdir -p "$W/floor"
  (cd "$ROOT" && exec node --cpu-prof --cpu-prof-dir="$W/floor" "$HERE/lib/floor-proxy.js" "$FP" "$U1" "$U2" "$U3") 2>"$W/floor.err" &
  FL=$!
  wait_port "$FP" "$W/floor.err"
  load "$FP" "the Node floor (node:http + undici Pool.stream, no features)" "$FL"
  kill -TERM "$FL"; wait "$FL" 2>/dev/null || true; FL=""
  f=$(ls "$W"/floor/CPU.*.cpuprofile | head -1)
  { cat "$W/load-$FP.txt"; node "$HERE/lib/cpuprofile.js" "$f" --top 15; } > "$W/floor-summary.txt"
  tail -n +6 "$W/floor-summary.txt"
  if [ -n "$OUTDIR" ]; then cp "$f" "$OUTDIR/floor.cpuprofile"; cp "$W/floor-summary.txt" "$OUTDIR/floor-summary.txt"; fi
fi
