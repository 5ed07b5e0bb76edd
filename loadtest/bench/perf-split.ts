/**
 * Where the server's CPU goes per player-second, from a `perf record -g` of the server process
 * (loadtest/bench/capacity.sh with SERVER_PERF=FILE and SERVER_NODE_FLAGS=--perf-basic-prof), or
 * with `--bots` where the raw light bots' CPU goes per bot-second (BOT_PERF=FILE and
 * BOT_NODE_FLAGS=--perf-basic-prof):
 *
 *   node --import tsx loadtest/bench/perf-split.ts [--bots] FILE US_PER_BOT_SECOND [perf script options, e.g. --time 50%-100%]
 *
 * Each sample goes to the first bucket whose pattern appears anywhere in its stack (so a write
 * syscall made by the fan-out counts as fan-out, split into its user and kernel part by the
 * sample's leaf), then each bucket's share is scaled to US_PER_BOT_SECOND (capacity.sh prints
 * the server's user + system µs per bot-second). Samples of other threads that match no bucket
 * are V8's and libuv's background threads (the optimizing compiler, mostly).
 */
import { spawnSync } from 'node:child_process';

const args = process.argv.slice(2);
const bots = args[0] === '--bots';
const [file, scale, ...perfArgs] = bots ? args.slice(1) : args;
const usPerBotSecond = Number(scale);
if (!file || !(usPerBotSecond > 0)) {
  console.error('usage: perf-split.ts [--bots] PERF_DATA US_PER_BOT_SECOND [perf script options]');
  process.exit(2);
}

const SERVER_BUCKETS: [string, RegExp][] = [
  ['GC (V8 heap)', /Heap::|Scavenge|MarkCompact|GCTracer|ConcurrentMarking|MinorGC|Sweeper/],
  ['V8 optimizing compiler', /compiler::|Maglev|OptimizingCompile/],
  ['metrics (prom-client)', /prom-client|server\/metrics\.ts/],
  ['cluster: ioredis (commands, replies)', /node_modules\/(ioredis|redis-parser|@ioredis)\//],
  ['cluster: Redis adapter', /node_modules\/@socket\.io\/redis-adapter\//],
  ['cluster: leases, checkpoints, dead-node watch, bus, stores', /server\/cluster\//],
  ['tick: snapshot fan-out', /room-transport\.ts|snapshot-fanout\.ts|match-room\.ts/],
  ['tick: game step + snapshot encode', /shared\/games\/|match-runner\.ts|match-host\.ts/],
  ['tick: scheduler, rest', /scheduler\.ts/],
  ['inputs: direct path (fast path, guards, queue)', /input-fast-path\.ts/],
  ['engine.io heartbeat', /schedulePing|resetPingTimeout|onPingTimeout/],
  ['ws receive + Node read path (before dispatch)', /ws\/lib\/receiver|socketOnData|onStreamRead/],
  ['engine.io / socket.io packets (clock, pings, lobby, non-direct)', /node_modules\/(engine\.io|socket\.io|ws)\//],
  ['other timers', /listOnTimeout|processTimers/],
];

/** The raw light bots (loadtest/raw/): per bot and tick one read and one write, and a few things once a second. */
const BOT_BUCKETS: [string, RegExp][] = [
  ['GC (V8 heap)', /Heap::|Scavenge|MarkCompact|GCTracer|ConcurrentMarking|MinorGC|Sweeper/],
  ['V8 optimizing compiler', /compiler::|Maglev|OptimizingCompile/],
  ['bots that decode every snapshot (one in --sample-every)', /snapshot-stream\.ts/],
  ['keyframe decode (one a second)', /snapshot-codec\.ts|snapshot-envelope\.ts/],
  ['clock round trip, heartbeat, lobby (text packets, timer queue)', /JS:\S* (request|sendPacket|onText|packet|schedulePing) |sio-packet\.ts|timer-queue\.ts|clientTextFrame/],
  ['inputs: scheduler step, think, encode, write', /tick-scheduler\.ts|JS:\S* (tick|sendInput|due) file:\S*raw-bot\.ts|bot-brain\.ts|input-codec\.ts/],
  ['snapshots: read, frame scan, count', /onStreamRead|OnUvRead|uv__read|server-frames\.ts|raw-connection\.ts|JS:\S* (binary|onSnapshot|saw) file:/],
  ['other timers', /listOnTimeout|processTimers/],
];
const BUCKETS = bots ? BOT_BUCKETS : SERVER_BUCKETS;

const script = spawnSync('perf', ['script', '-i', file, ...perfArgs, '-F', 'pid,tid,ip,sym,dso'], { encoding: 'utf8', maxBuffer: 1 << 30 });
if (script.status !== 0) {
  console.error(script.stderr);
  process.exit(1);
}
const counts = new Map<string, number>();
let total = 0;
for (const block of script.stdout.split('\n\n')) {
  const lines = block.split('\n').filter((l) => l.trim() !== '');
  const ids = lines[0]?.trim().split(/\s+/)[0];
  if (!ids?.includes('/')) continue;
  const [pid, tid] = ids.split('/');
  total++;
  const stack = lines.slice(1).join('\n');
  const kernelLeaf = lines[1]?.includes('[kernel.kallsyms]') ?? false;
  let bucket = BUCKETS.find(([, pattern]) => pattern.test(stack))?.[0];
  if (!bucket) bucket = pid !== tid ? 'V8 / libuv background threads, rest' : kernelLeaf ? 'kernel, no JS caller (epoll, accept, read of the loop)' : 'other user space (libuv, Node streams)';
  else if (kernelLeaf) bucket += ' [kernel]';
  counts.set(bucket, (counts.get(bucket) ?? 0) + 1);
}
console.log(`| where (${total} samples) | share | µs per bot-second |`);
console.log('|---|---|---|');
for (const [bucket, n] of [...counts].sort((a, b) => b[1] - a[1])) {
  if (n / total < 0.002) continue;
  console.log(`| ${bucket} | ${((100 * n) / total).toFixed(1)} % | ${Math.round((usPerBotSecond * n) / total)} |`);
}
