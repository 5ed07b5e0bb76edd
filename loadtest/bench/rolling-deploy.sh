#!/usr/bin/env bash
# Benchmark "rolling deploy" (BENCHMARKS.md, "Rolling deploy under load"): `npm run cluster` with
# NODES game nodes behind its front, BOTS bots through the front, and ROLL_AT_S seconds in a
# SIGHUP to the cluster script, which replaces every node one at a time (new node ready, old one
# drains: its players move their connections, its matches are handed over at a tick boundary).
# Prints the roll's lines, the load test's failover line (bots put out of their match, by cause,
# and the snapshot gap each saw: gapDuringMoveMs, split by cause) and its errors, and the
# hand-over timings the drained nodes logged (checkpoint written, adoption answered).
#
#   loadtest/bench/rolling-deploy.sh BOTS DURATION_S ROLL_AT_S [extra `npm run loadtest` options…]
#
# NODES (default 2), FRONT_PORT (default 3740), OUT (default loadtest-out/rolling-deploy-BOTS).
set -euo pipefail
cd "$(dirname "$0")/../.."
BOTS=${1:?bots}
DURATION=${2:?duration in seconds}
ROLL_AT=${3:?roll after this many seconds}
shift 3
NODES=${NODES:-2}
FRONT_PORT=${FRONT_PORT:-3740}
OUT=${OUT:-loadtest-out/rolling-deploy-$BOTS}
mkdir -p "$(dirname "$OUT")"
LOGS="$OUT.logs"
rm -rf "$LOGS"

env TICK_RATE=20 GUEST_PER_MINUTE=1000000 QUEUE_WAIT_MS=1000 COUNTDOWN_MS=0 LOG_LEVEL=info \
  node --import tsx scripts/cluster.ts --nodes "$NODES" --port "$FRONT_PORT" --log-dir "$LOGS" >"$OUT.cluster.txt" 2>&1 &
CLUSTER=$!
trap 'kill -TERM $CLUSTER 2>/dev/null || true; wait $CLUSTER 2>/dev/null || true' EXIT
for _ in $(seq 1 300); do
  grep -q 'stops everything' "$OUT.cluster.txt" && break
  kill -0 $CLUSTER 2>/dev/null || { cat "$OUT.cluster.txt"; exit 1; }
  sleep 0.1
done
FRONT="http://127.0.0.1:$FRONT_PORT"

( sleep "$ROLL_AT"; kill -HUP $CLUSTER ) &
ROLLER=$!
node --import tsx loadtest/cli.ts --url "$FRONT" --bots "$BOTS" --duration "$DURATION" --ramp-up 2 --warmup 3 \
  --label "rolling-deploy" --report "$OUT.json" --html "$OUT.html" "$@" | grep -E '^(bots|errors|failover|  error|machine|NOT A VALID)' || true
wait "$ROLLER" || true
for _ in $(seq 1 600); do grep -q 'roll: \(done\|stopped\|failed\)' "$OUT.cluster.txt" && break; sleep 0.1; done
grep -E 'roll:' "$OUT.cluster.txt" || true
# The drained nodes' hand-over lines (pino JSON): per match, ms to write the last checkpoint and ms
# until the new owner answered that it runs the match.
node - "$LOGS" <<'JS'
const fs = require('node:fs');
const dir = process.argv[2];
const rows = [];
let relocated = [];
for (const f of fs.readdirSync(dir).filter((f) => f.endsWith('.log') && f.startsWith('node'))) {
  for (const line of fs.readFileSync(`${dir}/${f}`, 'utf8').split('\n')) {
    if (!line.startsWith('{')) continue;
    let j;
    try { j = JSON.parse(line); } catch { continue; }
    if (j.msg === 'match handed over' || j.msg === 'match left for adoption') rows.push({ node: f.replace('.log', ''), ...j });
    if (j.msg === 'drain: players and matches moved off this node') relocated.push(`${f.replace('.log', '')}: ${j.relocated} players moved their connection, ${j.moved} matches handed over, ${j.ms} ms`);
  }
}
const q = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s.length ? s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)] : null; };
const ck = rows.map((r) => r.checkpointMs), ad = rows.map((r) => r.adoptMs);
console.log(`hand-overs: ${rows.length} (${rows.filter((r) => r.msg === 'match left for adoption').length} left for adoption); last checkpoint written p50 ${q(ck, 0.5)} ms max ${q(ck, 1)} ms; adoption answered p50 ${q(ad, 0.5)} ms max ${q(ad, 1)} ms`);
for (const l of relocated) console.log(`drain ${l}`);
JS
