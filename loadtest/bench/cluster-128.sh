#!/usr/bin/env bash
# Benchmark scenario "cluster" (BENCHMARKS.md, "Many nodes"): the arena-16 load (16-player
# quick-play matches at 20 Hz, every bot moving and shooting) against NODES game nodes joined by
# one redis-server, the bots spread over the nodes (--url a,b). Nodes and Redis on core 0, the
# bots on core 1, as arena-16.sh does for one node, so the CPU figures compare.
#
#   loadtest/bench/cluster-128.sh NODES BOTS DURATION_S [extra `npm run loadtest` options…]
#
# Environment: FRONT=1 sends the bots through the front (scripts/front-proxy.ts, pinned with the
# bots: nginx's part, not the nodes' cost) instead of round-robin to the nodes (`--url a,b`, the
# split worst case); MEMORY=1 runs the nodes without Redis (NODES=1: the one-node baseline,
# measured the same way); NODE_FLAGS (e.g. `--cpu-prof --cpu-prof-dir=DIR`); BASE_PORT,
# REDIS_PORT, OUT, SERVER_CORE / BOT_CORE; WARMUP (seconds between the last bot's arrival and the
# measured window, default 5: each node process is still compiling its hot code then, so longer
# warm-ups measure the steady state); NODE_PERF=PREFIX (`perf record -g` of each node over the
# measured window, into PREFIX.nodeN with its JIT map beside it as PREFIX.nodeN.map; run the nodes
# with NODE_FLAGS=--perf-basic-prof and read them with perf-map.ts and perf-split.ts).
#
# Prints, besides the load test's report: the nodes' CPU over the measured window (after ramp-up
# and warm-up, from /proc: every node's utime + stime), Redis CPU (INFO cpu) and network bytes
# (INFO stats) over the run, per bot-second, each node's input-relay latency
# (game_input_relay_seconds: inputs relayed from a player's node to its match's owner).
set -euo pipefail
cd "$(dirname "$0")/../.."
NODES=${1:?nodes}
BOTS=${2:?bots}
DURATION=${3:?duration in seconds}
shift 3
BASE_PORT=${BASE_PORT:-3400}
REDIS_PORT=${REDIS_PORT:-6390}
OUT=${OUT:-loadtest-out/cluster-$NODES-$BOTS}
SERVER_CORE=${SERVER_CORE:-0}
BOT_CORE=${BOT_CORE:-1}
mkdir -p "$(dirname "$OUT")"
SECRET=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')

if [ "${MEMORY:-0}" = 1 ]; then
  PIDS=()
  trap 'for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done; for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done' EXIT
  REDIS_ENV=()
else
  REDIS_CORE=$SERVER_CORE source loadtest/bench/bench-redis.sh
  REDIS_ENV=(REDIS_URL="redis://127.0.0.1:$REDIS_PORT")
fi

URLS=()
NODE_PIDS=()
for i in $(seq 1 "$NODES"); do
  PORT=$((BASE_PORT + i))
  env HOST=127.0.0.1 PORT="$PORT" NODE_ID="node$i" "${REDIS_ENV[@]}" AUTH_SECRET="$SECRET" \
    TICK_RATE=20 MAX_PLAYERS_PER_MATCH=16 MATCH_SEED=$i GUEST_PER_MINUTE=1000000 LOG_LEVEL=warn \
    taskset -c "$SERVER_CORE" node ${NODE_FLAGS:-} --import tsx server/main.ts >"$OUT.node$i.log" 2>&1 &
  PIDS+=($!)
  NODE_PIDS+=($!)
  URLS+=("http://127.0.0.1:$PORT")
done
for url in "${URLS[@]}"; do
  for _ in $(seq 1 100); do curl -sf "$url/readyz" >/dev/null && break; sleep 0.1; done
done

JOINED=$(IFS=,; echo "${URLS[*]}")
if [ "${FRONT:-0}" = 1 ]; then
  FRONT_PORT=$((BASE_PORT + 50))
  taskset -c "$BOT_CORE" node --import tsx scripts/front-proxy.ts --nodes "$JOINED" --port "$FRONT_PORT" >"$OUT.front.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$FRONT_PORT/healthz" >/dev/null && break; sleep 0.1; done
  BOT_URL="http://127.0.0.1:$FRONT_PORT"
else
  BOT_URL=$JOINED
fi

redis_figures() {
  if [ "${MEMORY:-0}" = 1 ]; then printf 'used_cpu_sys:0\nused_cpu_user:0\ntotal_net_input_bytes:0\ntotal_net_output_bytes:0\n'; return; fi
  redis-cli -p "$REDIS_PORT" INFO | tr -d '\r' | grep -E '^(used_cpu_sys|used_cpu_user|total_net_input_bytes|total_net_output_bytes):'
}
# The nodes' CPU ticks (utime + stime, fields 14 and 15 of /proc/PID/stat), summed.
node_ticks() { local t=0 pid f; for pid in "${NODE_PIDS[@]}"; do f=($(sed 's/.*) //' "/proc/$pid/stat")); t=$((t + f[11] + f[12])); done; echo "$t"; }
redis_figures >"$OUT.redis-before.txt"
START=$(date +%s.%N)
RAMP=$(( BOTS / 100 > 2 ? BOTS / 100 : 2 ))
WARMUP=${WARMUP:-5}
( sleep $((RAMP + WARMUP)); echo "$(date +%s.%N) $(node_ticks)" >"$OUT.cpu-start.txt"
  if [ -n "${NODE_PERF:-}" ]; then
    PERFS=()
    for i in "${!NODE_PIDS[@]}"; do
      perf record -g -o "$NODE_PERF.node$((i + 1))" -p "${NODE_PIDS[$i]}" -- sleep $((DURATION - 2)) >/dev/null 2>&1 &
      PERFS+=($!)
    done
    wait "${PERFS[@]}"
    # V8 reuses code space: the map as the window closes is the one that names its frames (perf-map.ts).
    for i in "${!NODE_PIDS[@]}"; do cp "/tmp/perf-${NODE_PIDS[$i]}.map" "$NODE_PERF.node$((i + 1)).map" 2>/dev/null || true; done
  fi ) &
taskset -c "$BOT_CORE" node --max-old-space-size=4096 --import tsx loadtest/cli.ts \
  --url "$BOT_URL" --bots "$BOTS" --duration "$DURATION" --ramp-up "$RAMP" --warmup "$WARMUP" \
  --label "cluster-$NODES" --report "$OUT.json" --html "$OUT.html" "$@"
END=$(date +%s.%N)
echo "$END $(node_ticks)" >"$OUT.cpu-end.txt"
redis_figures >"$OUT.redis-after.txt"
read -r C0 T0 <"$OUT.cpu-start.txt"
read -r C1 T1 <"$OUT.cpu-end.txt"
node -e 'const [c0, t0, c1, t1, hz, bots] = process.argv.slice(1).map(Number); const ms = ((t1 - t0) / hz) * 1000; const s = c1 - c0; console.log(`nodes: ${ms.toFixed(0)} ms CPU over ${s.toFixed(1)} s = ${(ms / s / 10).toFixed(1)} % of a core, ${(ms / (bots * s) * 1000).toFixed(0)} ms per 1,000 bot-seconds`);' \
  "$C0" "$T0" "$C1" "$T1" "$(getconf CLK_TCK)" "$BOTS" | tee "$OUT.nodes-cpu.txt"

node - "$OUT" "$BOTS" "$START" "$END" "${URLS[@]}" <<'EOF'
const fs = require('node:fs');
const [out, bots, start, end, ...urls] = process.argv.slice(2);
const read = (f) => Object.fromEntries(fs.readFileSync(f, 'utf8').trim().split('\n').map((l) => l.split(':')).map(([k, v]) => [k, Number(v)]));
const a = read(`${out}.redis-before.txt`);
const b = read(`${out}.redis-after.txt`);
const seconds = Number(end) - Number(start);
const botSeconds = Number(bots) * seconds;
const cpuMs = (b.used_cpu_sys + b.used_cpu_user - a.used_cpu_sys - a.used_cpu_user) * 1000;
const bytes = b.total_net_input_bytes + b.total_net_output_bytes - a.total_net_input_bytes - a.total_net_output_bytes;
console.log(`redis: ${cpuMs.toFixed(0)} ms CPU over ${seconds.toFixed(1)} s = ${(cpuMs / botSeconds * 1000).toFixed(1)} ms per 1,000 bot-seconds (${(cpuMs / seconds / 10).toFixed(1)} % of a core); ${(bytes / botSeconds).toFixed(0)} B/s per bot in+out`);
(async () => {
  for (const url of urls) {
    const text = await (await fetch(`${url}/metrics`)).text();
    const bucket = [...text.matchAll(/^game_input_relay_seconds_bucket\{le="([^"]+)"\} (\d+)/gm)].map((m) => [Number(m[1]), Number(m[2])]);
    const count = bucket.at(-1)?.[1] ?? 0;
    const q = (p) => bucket.find(([, n]) => n >= p * count)?.[0];
    const published = [...text.matchAll(/^game_cluster_publish_bytes_total\{kind="([^"]+)"\} (\d+)/gm)].map((m) => `${m[1]} ${(Number(m[2]) / seconds / 1024).toFixed(1)} KiB/s`).join(', ');
    console.log(`${url}: input relay p50 ≤ ${q(0.5) ?? '-'} s, p99 ≤ ${q(0.99) ?? '-'} s over ${count} inputs; published ${published || 'nothing'}`);
  }
})();
EOF
