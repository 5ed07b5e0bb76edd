#!/usr/bin/env bash
# Benchmark "crash failover" (BENCHMARKS.md, "Crash failover under 1.5 s"): two game nodes on one
# redis-server, BOTS bots spread over both (--url a,b), and KILL_AT_S seconds in, kill -9 of the
# node that owns the most matches. The load test's failover line says how many bots were put out
# of their match, how fast they were back, and the snapshot gap each saw (gapDuringMoveMs).
#
#   loadtest/bench/crash-failover.sh BOTS DURATION_S KILL_AT_S [extra `npm run loadtest` options…]
#
# Also prints what the cluster's own traffic costs Redis while no bot plays: commands per second
# per node, by command (INFO commandstats over IDLE_S seconds before the bots start). Set
# DEAD_NODE_POLL_MS=0 to compare with crash detection by leases only.
set -euo pipefail
cd "$(dirname "$0")/../.."
BOTS=${1:?bots}
DURATION=${2:?duration in seconds}
KILL_AT=${3:?kill after this many seconds}
shift 3
BASE_PORT=${BASE_PORT:-3500}
REDIS_PORT=${REDIS_PORT:-6391}
IDLE_S=${IDLE_S:-10}
OUT=${OUT:-loadtest-out/crash-failover-$BOTS}
mkdir -p "$(dirname "$OUT")"
SECRET=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')

source loadtest/bench/bench-redis.sh

URLS=()
NODE_PIDS=()
for i in 1 2; do
  PORT=$((BASE_PORT + i))
  env HOST=127.0.0.1 PORT="$PORT" NODE_ID="node$i" REDIS_URL="redis://127.0.0.1:$REDIS_PORT" AUTH_SECRET="$SECRET" \
    TICK_RATE=20 MATCH_SEED=$i GUEST_PER_MINUTE=1000000 QUEUE_WAIT_MS=1000 COUNTDOWN_MS=0 LOG_LEVEL=warn \
    node --import tsx server/main.ts >"$OUT.node$i.log" 2>&1 &
  PIDS+=($!)
  NODE_PIDS+=($!)
  URLS+=("http://127.0.0.1:$PORT")
done
for url in "${URLS[@]}"; do
  for _ in $(seq 1 100); do curl -sf "$url/readyz" >/dev/null && break; sleep 0.1; done
done

commandstats() {
  redis-cli -p "$REDIS_PORT" INFO commandstats | tr -d '\r' | sed -nE 's/^cmdstat_([^:]+):calls=([0-9]+),usec=([0-9]+).*/\1 \2 \3/p'
  redis-cli -p "$REDIS_PORT" INFO cpu | tr -d '\r' | sed -nE 's/^used_cpu_(sys|user):([0-9.]+)/cpu_\1 0 \2/p' | awk '{ printf "%s 0 %d\n", $1, $3 * 1e6 }'
}
commandstats >"$OUT.cmd-before.txt"
sleep "$IDLE_S"
commandstats >"$OUT.cmd-after.txt"
node - "$OUT" "$IDLE_S" <<'EOF'
const fs = require('node:fs');
const [out, idle] = process.argv.slice(2);
const read = (f) => new Map(fs.readFileSync(f, 'utf8').trim().split('\n').filter(Boolean).map((l) => l.split(' ')).map(([k, n, us]) => [k, { n: Number(n), us: Number(us) }]));
const a = read(`${out}.cmd-before.txt`);
const b = read(`${out}.cmd-after.txt`);
const d = (k, f) => (b.get(k)?.[f] ?? 0) - (a.get(k)?.[f] ?? 0);
const seconds = Number(idle);
// INFO itself is the script's own command, not the cluster's.
const rows = [...b.keys()].filter((k) => !k.startsWith('cpu_') && k !== 'info').map((k) => [k, d(k, 'n') / seconds / 2, d(k, 'us') / seconds / 2]).filter(([, r]) => r > 0).sort((x, y) => y[1] - x[1]);
const total = rows.reduce((s, [, r]) => s + r, 0);
const usTotal = rows.reduce((s, [, , u]) => s + u, 0);
const cpuMs = (d('cpu_sys', 'us') + d('cpu_user', 'us')) / 1000 / seconds;
console.log(`redis, idle cluster: ${total.toFixed(1)} commands/s per node, ${usTotal.toFixed(0)} µs/s of command time per node, Redis CPU ${cpuMs.toFixed(1)} ms/s for both (${rows.map(([k, r, u]) => `${k} ${r.toFixed(1)}/s ${u.toFixed(0)} µs/s`).join(', ')})`);
EOF

JOINED=$(IFS=,; echo "${URLS[*]}")
(
  sleep "$KILL_AT"
  owned() { curl -sf "$1/healthz" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).cluster.matchesOwned))'; }
  A=$(owned "${URLS[0]}"); B=$(owned "${URLS[1]}")
  VICTIM=0; [ "$B" -gt "$A" ] && VICTIM=1
  echo "kill -9 node$((VICTIM + 1)) (owned $A/$B matches)"
  kill -KILL "${NODE_PIDS[$VICTIM]}"
) &
KILLER=$!
node --import tsx loadtest/cli.ts --url "$JOINED" --bots "$BOTS" --duration "$DURATION" --ramp-up 2 --warmup 3 \
  --label "crash-failover" --report "$OUT.json" --html "$OUT.html" "$@" | grep -E '^(failover|  error|kill)' || true
wait "$KILLER" || true
