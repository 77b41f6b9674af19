#!/usr/bin/env bash
# Blue/green deploy through Switchyard's admin API, with curl alone.
#
#   examples/blue-green.sh --pool app --blue "127.0.0.1:9001 127.0.0.1:9002" \
#                          --green "127.0.0.1:9101 127.0.0.1:9102" [options]
#
# 1. adds the green upstreams to the pool at weight 0 (no traffic yet);
# 2. waits until every proxy worker reports them healthy for --settle seconds in a row
#    (the pool needs active health checks for this to mean anything);
# 3. shifts traffic in --steps (default 10 50 100: green gets weight P, blue 100-P, per
#    upstream), holding each step --pause seconds while watching green's health;
# 4. drains blue and waits until every worker reports it idle (--drain-wait);
# 5. removes blue.
# If green turns unhealthy before or during the shift, blue gets its weights back, green is
# removed, and the script exits non-zero. Every step prints what it did and how long it took.
#
# Options: --admin URL (default $SWITCHYARD_ADMIN or http://127.0.0.1:2019), --steps "10 50 100",
# --settle 3, --pause 5, --health-timeout 30 (seconds), --drain-wait 60s, --token T.
# Exit codes: 0 done; 1 usage or admin error; 2 green never became healthy (rolled back);
# 3 green turned unhealthy during the shift (rolled back); 4 blue did not drain in time.
set -u

ADMIN=${SWITCHYARD_ADMIN:-http://127.0.0.1:2019}
TOKEN=${SWITCHYARD_ADMIN_TOKEN:-}
POOL= BLUE= GREEN= STEPS="10 50 100" SETTLE=3 PAUSE=5 HEALTH_TIMEOUT=30 DRAIN_WAIT=60s
while [ $# -gt 0 ]; do
  case $1 in
    --admin) ADMIN=$2 ;; --pool) POOL=$2 ;; --blue) BLUE=$2 ;; --green) GREEN=$2 ;;
    --steps) STEPS=$2 ;; --settle) SETTLE=$2 ;; --pause) PAUSE=$2 ;; --token) TOKEN=$2 ;;
    --health-timeout) HEALTH_TIMEOUT=$2 ;; --drain-wait) DRAIN_WAIT=$2 ;;
    *) echo "unknown option $1" >&2; exit 1 ;;
  esac
  shift 2 || { echo "option $1 needs a value" >&2; exit 1; }
done
case $ADMIN in http://*|https://*) ;; *) ADMIN=http://$ADMIN ;; esac
[ -n "$POOL" ] && [ -n "$BLUE" ] && [ -n "$GREEN" ] || { sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 1; }

START=$(date +%s%3N)
TMP=$(mktemp) && trap 'rm -f "$TMP"' EXIT
STATUS= BODY=

# api METHOD PATH [JSON]: sets STATUS and BODY.
api() {
  local auth=()
  [ -n "$TOKEN" ] && auth=(-H "Authorization: Bearer $TOKEN")
  if [ $# -ge 3 ]; then
    STATUS=$(curl -sS -o "$TMP" -w '%{http_code}' "${auth[@]}" -X "$1" -H 'Content-Type: application/json' --data "$3" "$ADMIN$2") || STATUS=000
  else
    STATUS=$(curl -sS -o "$TMP" -w '%{http_code}' "${auth[@]}" -X "$1" "$ADMIN$2") || STATUS=000
  fi
  BODY=$(cat "$TMP")
}

# field NAME: the first "NAME":value of BODY (strings keep their quotes).
field() { printf '%s' "$BODY" | grep -o "\"$1\":[^,}]*" | head -n 1 | cut -d: -f2-; }

# log T0 MESSAGE: one line with the time since the start and since T0.
log() {
  local now; now=$(date +%s%3N)
  printf '[%7.3fs] %s (%d ms)\n' "$(( now - START ))e-3" "$2" "$(( now - $1 ))"
}

fail() { echo "error: $1: HTTP $STATUS $BODY" >&2; exit "${2:-1}"; }

# healthy ADDR: every worker reporting the address says it is healthy (and one does report it).
healthy() {
  api GET "/pools/$POOL/upstreams/$1"
  [ "$STATUS" = 200 ] && [ "$(field healthy)" = true ] && [ "$(field workers)" != 0 ]
}

greens_healthy() { for g in $GREEN; do healthy "$g" || { SICK=$g; return 1; }; done; }

declare -A WEIGHT
rollback() {
  local t; t=$(date +%s%3N)
  echo "rolling back: $1" >&2
  for b in $BLUE; do
    api PATCH "/pools/$POOL/upstreams/$b?force=true" "{\"weight\":${WEIGHT[$b]}}"
    log "$t" "blue $b back to weight ${WEIGHT[$b]} (HTTP $STATUS)"
  done
  for g in $GREEN; do
    api DELETE "/pools/$POOL/upstreams/$g?force=true"
    log "$t" "green $g removed (HTTP $STATUS)"
  done
  log "$START" "rolled back"
  exit "$2"
}

# 0. Blue is in the pool; remember its weights for a rollback.
t=$(date +%s%3N)
for b in $BLUE; do
  api GET "/pools/$POOL/upstreams/$b"
  [ "$STATUS" = 200 ] || fail "blue $b is not in pool $POOL"
  WEIGHT[$b]=$(field weight)
done
log "$t" "pool $POOL: blue $BLUE"

# 1. Green joins at weight 0.
for g in $GREEN; do
  t=$(date +%s%3N)
  api PUT "/pools/$POOL/upstreams/$g" '{"weight":0}'
  [ "$STATUS" = 200 ] || fail "adding green $g"
  log "$t" "added green $g at weight 0 (revision $(field revision))"
done

# 2. Green healthy on every worker for SETTLE seconds in a row.
t=$(date +%s%3N)
since=
while :; do
  now=$(date +%s%3N)
  if greens_healthy; then
    since=${since:-$now}
    [ $(( now - since )) -ge $(( SETTLE * 1000 )) ] && break
  else
    since=
  fi
  [ $(( now - t )) -ge $(( HEALTH_TIMEOUT * 1000 )) ] && rollback "green $SICK not healthy after ${HEALTH_TIMEOUT}s" 2
  sleep 0.25
done
log "$t" "green healthy on every worker for ${SETTLE}s"

# 3. Shift in steps, watching green's health at each.
for p in $STEPS; do
  t=$(date +%s%3N)
  for g in $GREEN; do
    api PATCH "/pools/$POOL/upstreams/$g" "{\"weight\":$p}"
    [ "$STATUS" = 200 ] || rollback "setting green $g to weight $p: HTTP $STATUS $BODY" 3
  done
  for b in $BLUE; do
    api PATCH "/pools/$POOL/upstreams/$b" "{\"weight\":$(( 100 - p ))}"
    [ "$STATUS" = 200 ] || rollback "setting blue $b to weight $(( 100 - p )): HTTP $STATUS $BODY" 3
  done
  log "$t" "shifted $p% to green (revision $(field revision))"
  t=$(date +%s%3N)
  while [ $(( $(date +%s%3N) - t )) -lt $(( PAUSE * 1000 )) ]; do
    greens_healthy || rollback "green $SICK turned unhealthy at $p%" 3
    sleep 0.25
  done
  log "$t" "green stayed healthy at $p%"
done

# 4. Drain blue: no new requests reach it; wait until every worker reports it idle.
for b in $BLUE; do
  t=$(date +%s%3N)
  echo "draining blue $b"
  api POST "/reverse_proxy/upstreams/$b/drain?pool=$POOL"
  [ "$STATUS" = 202 ] || [ "$STATUS" = 200 ] || fail "draining blue $b" 4
  log "$t" "blue $b draining (job $(field id), $(field in_flight) requests and $(field upgraded) WebSockets open)"
done
for b in $BLUE; do
  t=$(date +%s%3N)
  api GET "/reverse_proxy/upstreams/$b/drain?pool=$POOL&wait=$DRAIN_WAIT"
  [ "$(field complete)" = true ] || fail "blue $b not drained within $DRAIN_WAIT" 4
  log "$t" "blue $b drained"
done

# 5. Remove blue.
for b in $BLUE; do
  t=$(date +%s%3N)
  api DELETE "/pools/$POOL/upstreams/$b"
  [ "$STATUS" = 200 ] || fail "removing blue $b"
  log "$t" "removed blue $b (revision $(field revision))"
done
log "$START" "green is live"
