/**
 * What recording replays costs: CPU of the match work with and without the recorder, and the
 * bytes a replay takes per player.
 *
 *   node --import tsx loadtest/bench/replay.bench.ts [--rounds 15] [--ticks 600] [--tick-rate 20] [--bytes-rate 30] [--only cpu|bytes|seek]
 *   (pin it: taskset -c 0 node --import tsx loadtest/bench/replay.bench.ts)
 *
 * CPU: two sets of 8 Arena matches of 16 players (one player sending a new input every tick,
 * aim included, and 15 server bots: 128 players a set), the server's own MatchHost with its
 * runner, bots, snapshot build and encode, on a scheduler the bench ticks itself. One set
 * records into the memory replay store, the other does not; each runs in a process of its own
 * (no shared heap or GC). Rounds alternate which set goes first; each runs 10 s of warm-up then
 * `ticks` ticks and reads its CPU time around them (the store's calls included: it waits for them). Printed: the median over rounds of the
 * recorded set's CPU over the other's. This is the match work only, without sockets: on a real
 * server the denominator also holds socket.io and the kernel, so the share there is smaller.
 *
 * Bytes: one 16-player match (1 player + 15 bots) at 30 Hz played for its whole 5 minutes, then
 * its replay: the raw log (what the 150 B/s per player budget is about, before compression),
 * how much of it the checkpoints are, and the file as served (compressed).
 *
 * Seek: the same replay opened as the page's viewer opens it (shared/replay: read, prepare,
 * ReplayPlayer.open), then 40 seeks to ticks spread over the match, each from the nearest
 * checkpoint; printed: the time to open and the seeks' median and slowest (Node, one core: the
 * page's V8 is the same engine).
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { arena } from '../../shared/games/arena/index.ts';
import { packPlain } from '../../shared/replay/plain-pack.ts';
import { readTickLog } from '../../shared/replay/tick-log.ts';
import { ReplayPlayer } from '../../shared/replay/replay-player.ts';
import { prepareReplay } from '../../shared/replay/resimulate.ts';
import { GAMES } from '../../shared/games/index.ts';
import { ALL_BUTTONS } from '../../shared/games/arena/sim/types.ts';
import { packReplay } from '../../server/replay/replay-file.ts';
import { MemoryReplayStore } from '../../server/replay/replay-store.ts';
import { ANN, testNode } from '../../test/support/recorded-match.ts';
import type { MatchHost } from '../../server/match/match-host.ts';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '15' }, ticks: { type: 'string', default: '600' }, 'tick-rate': { type: 'string', default: '20' }, 'bytes-rate': { type: 'string', default: '30' }, child: { type: 'string' }, only: { type: 'string' } } });
const rounds = Number(values.rounds);
const ticksPerRound = Number(values.ticks);
const tickRate = Number(values['tick-rate']);

function openSet(recorded: boolean, matches: number, rate: number, timeLimitS: number) {
  const clock = { now: 1_800_000_000_000 };
  const store = recorded ? new MemoryReplayStore({ maxCount: 1000, maxAgeMs: 86_400_000 }) : null;
  const node = testNode(store, clock, rate);
  const hosts: MatchHost[] = [];
  for (let m = 0; m < matches; m++) {
    const host = node.open({ game: arena, seed: 100 + m, bots: 15, seats: 16, options: { killTarget: 0, timeLimitS }, command: () => null });
    const guest = { guestId: `${ANN.guestId}-${m}`, nickname: `Ann${m}` };
    host.claim(guest);
    host.attach(`c-${m}`, guest);
    for (let b = 0; b < 15; b++) host.addBot();
    hosts.push(host);
  }
  let seq = 0;
  const tick = () => {
    seq++;
    for (const [m, host] of hosts.entries()) {
      const t = host.currentTick;
      const input = { seq, clientTick: Math.max(0, t - 2), buttons: (t >> 4) % (ALL_BUTTONS + 1), aim: Math.fround(Math.sin(t / 9 + m) * 3) };
      host.pushInput(`c-${m}`, input);
    }
    clock.now += 1000 / rate;
    node.tick();
  };
  return { hosts, store, tick, settle: () => Promise.all(hosts.map((h) => h.replaySettled())) };
}

/** One process, one set: warm up, then CPU ms of `ticks` ticks (the store's calls included). */
async function measureOne(recorded: boolean): Promise<number> {
  const set = openSet(recorded, 8, tickRate, 3600);
  const runFor = async (n: number): Promise<number> => {
    const start = process.cpuUsage();
    for (let i = 0; i < n; i++) {
      set.tick();
      // The store's calls run between ticks, as on the server.
      if (i % tickRate === 0) await new Promise((r) => setImmediate(r));
    }
    await set.settle();
    const used = process.cpuUsage(start);
    return (used.user + used.system) / 1000;
  };
  await runFor(10 * tickRate);
  return runFor(ticksPerRound);
}

/** Each set in a process of its own (no shared heap, no shared GC), alternating which goes first. */
async function cpuCost(): Promise<void> {
  const child = (mode: 'on' | 'off') =>
    new Promise<number>((resolve, reject) => {
      const p = fork(fileURLToPath(import.meta.url), ['--child', mode, '--ticks', String(ticksPerRound), '--tick-rate', String(tickRate)], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
      p.on('message', (ms) => resolve(ms as number));
      p.on('exit', (code) => (code === 0 ? undefined : reject(new Error(`child ${mode} exited ${code}`))));
    });
  const ratios: number[] = [];
  const perTick = { on: [] as number[], off: [] as number[] };
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? (['on', 'off'] as const) : (['off', 'on'] as const);
    const ms: Record<string, number> = {};
    for (const which of order) ms[which] = await child(which);
    ratios.push(ms.on! / ms.off!);
    perTick.on.push(ms.on! / ticksPerRound);
    perTick.off.push(ms.off! / ticksPerRound);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
  const ratio = median(ratios);
  console.log(`CPU, 8 matches x 16 players (128) at ${tickRate} Hz, ${rounds} rounds of ${ticksPerRound} ticks each way, one process per set:`);
  console.log(`  match work per tick (all 8 matches), medians: ${median(perTick.off).toFixed(3)} ms without recording, ${median(perTick.on).toFixed(3)} ms with`);
  console.log(`  recording / not (median of per-round ratios): ${ratio.toFixed(4)}  => +${((ratio - 1) * 100).toFixed(2)} % of the match work`);
  console.log(`  recording per second of play (median of per-round differences): ${(median(perTick.on.map((on, i) => on - perTick.off[i]!)) * tickRate).toFixed(2)} ms of CPU`);
  console.log(`  per-round ratios: ${ratios.map((x) => x.toFixed(3)).join(' ')}`);
}

async function fiveMinutes(rate: number) {
  const set = openSet(true, 1, rate, 300);
  const host = set.hosts[0]!;
  while (host.state !== 'ended') set.tick();
  await set.settle();
  const stored = await set.store!.get(host.replayId!);
  if (!stored) throw new Error('no replay');
  return stored.replay;
}

async function seeks(): Promise<void> {
  const rate = Number(values['bytes-rate']);
  const replay = await fiveMinutes(rate);
  let t0 = performance.now();
  const prepared = prepareReplay(replay, GAMES);
  if (!prepared.ok) throw new Error(prepared.message);
  const opened = ReplayPlayer.open(prepared.value);
  if (!opened.ok) throw new Error(opened.message);
  const openMs = performance.now() - t0;
  const player = opened.value;
  const times: number[] = [];
  for (let i = 0; i < 40; i++) {
    // Spread over the match, never on a checkpoint: the worst case is just before the next one.
    const tick = Math.floor(((i * 7919) % 40) / 40 * player.lastTick) + 17;
    t0 = performance.now();
    const bad = player.seek(tick);
    if (bad) throw new Error(bad.message);
    times.push(performance.now() - t0);
  }
  const sorted = [...times].sort((a, b) => a - b);
  console.log(`Seek, the 5-minute 16-player Arena replay at ${rate} Hz (${player.lastTick} ticks, checkpoints every 10 s):`);
  console.log(`  open (prepare + the first state): ${openMs.toFixed(0)} ms`);
  console.log(`  seek: median ${sorted[sorted.length >> 1]!.toFixed(1)} ms, slowest ${sorted.at(-1)!.toFixed(1)} ms over ${times.length} seeks`);
}

async function bytes(): Promise<void> {
  const rate = Number(values['bytes-rate']);
  const replay = await fiveMinutes(rate);
  const raw = replay.chunks.reduce((n, c) => n + c.bytes.length, 0);
  const log = readTickLog(new Uint8Array(Buffer.concat(replay.chunks.map((c) => c.bytes))), 1, replay.header.slots, replay.header.snapshotEvery, 1e9);
  if (!log.ok) throw new Error(log.message);
  const checkpoints = log.ticks.filter((t) => t.checkpoint);
  const cpBytes = checkpoints.reduce((n, t) => n + packPlain(t.checkpoint).length + 4, 0);
  const file = packReplay(replay);
  const playS = 300;
  const totalS = replay.end!.tick / rate;
  const players = 16;
  console.log(`Bytes, one 16-player Arena match at ${rate} Hz, ${totalS.toFixed(1)} s recorded (${playS} s of play), ${checkpoints.length} checkpoints:`);
  console.log(`  raw log: ${raw} B = ${(raw / players / totalS).toFixed(1)} B/s per player (${((raw * 60) / players / totalS / 1024).toFixed(2)} KiB per player-minute)`);
  console.log(`    inputs and seat events: ${raw - cpBytes} B = ${((raw - cpBytes) / players / totalS).toFixed(1)} B/s per player`);
  console.log(`    checkpoints (the game state, packed): ${cpBytes} B = ${(cpBytes / players / totalS).toFixed(1)} B/s per player, ${Math.round(cpBytes / checkpoints.length)} B each`);
  console.log(`  the file as served (zlib): ${file.length} B = ${(file.length / players / totalS).toFixed(1)} B/s per player`);
}

if (values.child) {
  process.send!(await measureOne(values.child === 'on'));
  process.exit(0);
}
if (values.only === undefined || values.only === 'bytes') await bytes();
if (values.only === undefined || values.only === 'seek') await seeks();
if (values.only === undefined || values.only === 'cpu') await cpuCost();
