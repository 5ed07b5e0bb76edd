#!/usr/bin/env bash
# Benchmark scenario "arena-16" (BENCHMARKS.md, "Load test"): one game server node pinned to
# core 0, the bots in a separate process pinned to core 1; 16-player quick-play matches at
# 20 Hz, every bot moving and shooting.
#
#   loadtest/bench/arena-16.sh BOTS DURATION_S [extra `npm run loadtest` options…]
#
# Environment: WIRE_FORMAT=json (plain-JSON baseline server; pass --wire json to the bots too),
# PROFILE=1 (server CPU profile via node --cpu-prof into loadtest-out/), PORT (default 3300),
# OUT (report prefix, default loadtest-out/arena-16-BOTS), SERVER_CORE / BOT_CORE (0 / 1).
set -euo pipefail
cd "$(dirname "$0")/../.."
BOTS=${1:?bots}
DURATION=${2:?duration in seconds}
shift 2
PORT=${PORT:-3300}
OUT=${OUT:-loadtest-out/arena-16-$BOTS${WIRE_FORMAT:+-$WIRE_FORMAT}}
SERVER_CORE=${SERVER_CORE:-0}
BOT_CORE=${BOT_CORE:-1}
mkdir -p "$(dirname "$OUT")"

# Other programs on the machine (a test suite, a build) make figures of a 2-core box worthless:
# wait until the machine has been quiet (< 10 % of one core busy) for 3 s, up to QUIET_WAIT_S.
busy_pct() {
  local a b
  a=($(head -1 /proc/stat)); sleep "$1"; b=($(head -1 /proc/stat))
  local busy=$(( (b[1]+b[2]+b[3]+b[6]+b[7]+b[8]) - (a[1]+a[2]+a[3]+a[6]+a[7]+a[8]) ))
  local total=$(( busy + (b[4]+b[5]) - (a[4]+a[5]) ))
  echo $(( total > 0 ? busy * 100 * $(nproc) / total : 0 ))
}
if [ -r /proc/stat ]; then
  deadline=$(( $(date +%s) + ${QUIET_WAIT_S:-300} ))
  until [ "$(busy_pct 3)" -lt 10 ] || [ "$(date +%s)" -ge "$deadline" ]; do echo "waiting for a quiet machine…" >&2; done
fi

PROF=()
if [ "${PROFILE:-0}" = 1 ]; then PROF=(--cpu-prof --cpu-prof-dir=loadtest-out/profiles); fi

if curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1; then
  echo "port $PORT is taken by another server: stop it or set PORT" >&2
  exit 1
fi
env HOST=127.0.0.1 PORT="$PORT" TICK_RATE=20 MAX_PLAYERS_PER_MATCH=16 MATCH_SEED=1 \
  GUEST_PER_MINUTE=1000000 LOG_LEVEL=warn WIRE_FORMAT="${WIRE_FORMAT:-binary}" \
  taskset -c "$SERVER_CORE" node "${PROF[@]}" --import tsx server/main.ts >"$OUT.server.log" 2>&1 &
SERVER=$!
trap 'kill -TERM $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break
  kill -0 $SERVER 2>/dev/null || { echo "the server did not start:" >&2; cat "$OUT.server.log" >&2; exit 1; }
  sleep 0.1
done

# Matches form as bots queue, then count down 3 s: the warm-up keeps that out of the window.
RAMP=$(( BOTS / 100 > 2 ? BOTS / 100 : 2 ))
taskset -c "$BOT_CORE" node --max-old-space-size=4096 ${BOT_NODE_FLAGS:-} --import tsx loadtest/cli.ts \
  --url "http://127.0.0.1:$PORT" --bots "$BOTS" --duration "$DURATION" --ramp-up "$RAMP" --warmup 5 \
  --label arena-16 --report "$OUT.json" --html "$OUT.html" "$@"
