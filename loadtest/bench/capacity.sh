#!/usr/bin/env bash
# Capacity run (BENCHMARKS.md, "Capacity"): a fresh server pinned to core 0, its RSS read at idle
# from /proc, then BOTS light bots (`--light`: each its own plain socket speaking WebSocket and
# engine.io itself, an input every tick, one keyframe a second decoded; loadtest/raw/) pinned to
# core 1 for DURATION_S seconds; prints the load test's
# summary and the server's RSS before and after.
#
#   loadtest/bench/capacity.sh BOTS [DURATION_S] [TAG] [extra `npm run loadtest` options…]
#
# Environment: PORT (default 3331), SERVER_NODE_FLAGS (e.g. --max-semi-space-size=32),
# BOT_NODE_FLAGS (e.g. `--cpu-prof --cpu-prof-dir=loadtest-out/profiles` to profile the bots),
# SERVER_CORE / BOT_CORE (0 / 1), SERVER_PERF=FILE (`perf record -g` on the server over the
# window; add SERVER_NODE_FLAGS=--perf-basic-prof to name JS frames), BOT_PERF=FILE (the same on
# the bot process, with BOT_NODE_FLAGS=--perf-basic-prof), SINK=1 (in place of the game server, the
# sink of loadtest/bench/sink-server.ts: a recorded Arena match played to the bots at a fraction
# of a real server's cost, to measure the generator alone where the server cannot keep up).
# Reports go to
# loadtest-out/TAG.{json,html,server.log}.
set -euo pipefail
cd "$(dirname "$0")/../.."
BOTS=${1:?bots}
DURATION=${2:-30}
TAG=${3:-capacity-$BOTS}
shift $(( $# < 3 ? $# : 3 ))
PORT=${PORT:-3331}
SERVER_CORE=${SERVER_CORE:-0}
BOT_CORE=${BOT_CORE:-1}
mkdir -p loadtest-out

# taskset execs node, so $! is the server's own PID (its /proc entry is the server's RSS).
env HOST=127.0.0.1 PORT="$PORT" TICK_RATE=20 MAX_PLAYERS_PER_MATCH=16 MATCH_SEED=1 GUEST_PER_MINUTE=1000000 LOG_LEVEL=warn \
  taskset -c "$SERVER_CORE" node ${SERVER_NODE_FLAGS:-} --import tsx "$([ -n "${SINK:-}" ] && echo loadtest/bench/sink-server.ts || echo server/main.ts)" > "loadtest-out/$TAG.server.log" 2>&1 &
SERVER=$!
trap 'kill -TERM $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done
sleep 3
echo "idle server RSS: $(grep VmRSS "/proc/$SERVER/status")"
RAMP=$(( BOTS / 100 > 2 ? BOTS / 100 : 2 ))
taskset -c "$BOT_CORE" node --max-old-space-size=4096 ${BOT_NODE_FLAGS:-} --import tsx loadtest/cli.ts --url "http://127.0.0.1:$PORT" \
  --bots "$BOTS" --duration "$DURATION" --ramp-up "$RAMP" --warmup 5 \
  --report "loadtest-out/$TAG.json" --html "loadtest-out/$TAG.html" --label capacity --quiet --light "$@" &
BOTS_PID=$!
# The bot process's user and system (syscalls, and the loopback TCP work done in its name) CPU,
# from /proc, over most of the measured window (it opens after ramp-up + 5 s warm-up + start-up).
cpu_ticks() { awk '{ print $14, $15 }' "/proc/$1/stat" 2>/dev/null || echo "0 0"; }
sleep $(( RAMP + 8 ))
WINDOW=$(( DURATION > 6 ? DURATION - 4 : 2 ))
if [ -n "${SERVER_PERF:-}" ]; then perf record -g -o "$SERVER_PERF" -p "$SERVER" -- sleep "$WINDOW" > /dev/null 2>&1 & PERF=$!; fi
if [ -n "${BOT_PERF:-}" ]; then perf record -g -o "$BOT_PERF" -p "$BOTS_PID" -- sleep "$WINDOW" > /dev/null 2>&1 & BPERF=$!; fi
# TCP segments over the window, machine-wide (on loopback each is counted once out and once in):
# data segments each way plus the pure acknowledgements neither side could piggyback.
NSTAT_HISTORY=$(mktemp); export NSTAT_HISTORY
command -v nstat > /dev/null && nstat -n
read -r U1 S1 <<< "$(cpu_ticks $BOTS_PID)"; read -r SU1 SS1 <<< "$(cpu_ticks $SERVER)"; T1=$(date +%s.%N)
sleep "$WINDOW"
read -r U2 S2 <<< "$(cpu_ticks $BOTS_PID)"; read -r SU2 SS2 <<< "$(cpu_ticks $SERVER)"; T2=$(date +%s.%N)
TCP_COUNTS=$(command -v nstat > /dev/null && nstat -z TcpOutSegs TcpExtDelayedACKs TcpExtTCPPureAcks TcpExtTCPHPAcks 2>/dev/null || true)
rm -f "$NSTAT_HISTORY"
if [ -n "${PERF:-}" ]; then
  wait "$PERF"
  # V8 reuses code space and the map only grows: this copy, taken as the window closes, is what
  # named the window's JIT frames (BENCHMARKS.md, "Server CPU per player-second: snapshot writes on the TCP handle").
  cp "/tmp/perf-$SERVER.map" "$SERVER_PERF.map" 2>/dev/null || true
fi
[ -n "${BPERF:-}" ] && wait "$BPERF"
wait $BOTS_PID
HZ=$(getconf CLK_TCK)
per_bot() { awk -v who="$1" -v u="$2" -v s="$3" -v t1="$T1" -v t2="$T2" -v hz="$HZ" -v bots="$BOTS" 'BEGIN {
  dt = t2 - t1; if (dt <= 0 || u < 0 || s < 0) exit
  printf "%s over %.1f s: user %.1f%%, system %.1f%% of a core; %.0f + %.0f µs per bot-second\n", who, dt, 100*u/hz/dt, 100*s/hz/dt, 1e6*u/hz/dt/bots, 1e6*s/hz/dt/bots }'; }
per_bot "bot process" $(( U2 - U1 )) $(( S2 - S1 ))
per_bot "server" $(( SU2 - SU1 )) $(( SS2 - SS1 ))
[ -n "$TCP_COUNTS" ] && awk -v t1="$T1" -v t2="$T2" -v bots="$BOTS" '/^Tcp/ { v[$1] = $2 } END {
  dt = t2 - t1; if (dt <= 0) exit
  printf "TCP per bot-second (machine-wide): %.1f segments out, %.1f delayed acks sent, %.1f pure acks received\n", v["TcpOutSegs"]/dt/bots, v["TcpExtDelayedACKs"]/dt/bots, v["TcpExtTCPPureAcks"]/dt/bots }' <<< "$TCP_COUNTS"
echo "server RSS after: $(grep VmRSS "/proc/$SERVER/status")"
