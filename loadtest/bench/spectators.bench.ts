/**
 * What delayed spectators cost the match's owner, on its main thread: the live snapshots held
 * back and encoded into the spectators' chain there (`queue`, the way before), against the
 * recording re-simulated on the spectator worker (`worker`, recorded-spectators.ts), and against
 * nobody watching (`none`).
 *
 *   node --import tsx loadtest/bench/spectators.bench.ts [--rounds 5] [--ticks 900] [--matches 8]
 *
 * Each mode runs in a process of its own (no shared heap or GC): `matches` recorded Arena matches
 * of 16 players (one player sending a new input every tick, 15 server bots) at 30 Hz with
 * SPECTATOR_DELAY_S 3, the server's own MatchHost on a scheduler the bench ticks itself, one
 * spectator per match (its socket a counter). Each tick of every match runs, then the event loop
 * turns once (setImmediate), so the worker's frames come in as they would. After 300 ticks of
 * warm-up (and, for `worker`, once the worker answers: its start is not its running cost), the main thread's own CPU time (Linux: /proc/self/task/<pid>/schedstat, the main
 * thread alone; GC work V8 does on the main thread included) over `ticks` ticks, per match and
 * tick, and the whole process's (every thread: the worker, V8's helpers). Rounds alternate the
 * modes' order; printed: medians over rounds, and each mode's cost above `none` (what
 * spectating one match costs its owner's main thread per tick), and the time spent inside the
 * spectators' own code on the main thread (`timed` below: the direct figure, where the
 * difference above `none` drowns in the noise of a shared machine).
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { readFileSync } from 'node:fs';
import { arena } from '../../shared/games/arena/index.ts';
import { ALL_BUTTONS } from '../../shared/games/arena/sim/types.ts';
import { GAMES } from '../../shared/games/index.ts';
import { createLogger } from '../../server/log.ts';
import { MatchHost, type MatchTiming } from '../../server/match/match-host.ts';
import type { MatchEvents } from '../../server/match/match-events.ts';
import type { TickScheduler, TickTask } from '../../server/match/scheduler.ts';
import type { FanoutTransport } from '../../server/match/snapshot-fanout.ts';
import { createMetrics } from '../../server/metrics.ts';
import { MemoryReplayStore } from '../../server/replay/replay-store.ts';
import { WorkerSpectators } from '../../server/replay/spectator-engine.ts';
import { DelayedSpectators } from '../../server/replay/delayed-spectators.ts';
import { FrameFanout, RecordedSpectators } from '../../server/replay/recorded-spectators.ts';

type Mode = 'none' | 'queue' | 'worker';
const MODES: Mode[] = ['none', 'queue', 'worker'];
const { values } = parseArgs({ options: { rounds: { type: 'string', default: '5' }, ticks: { type: 'string', default: '900' }, matches: { type: 'string', default: '8' }, child: { type: 'string' } } });
const TICK_RATE = 30;
const DELAY_S = 3;
const WARMUP = 300;

interface Figures {
  mode: Mode;
  mainMsPerMatchTick: number;
  /** Every thread of the process. */
  processMsPerMatchTick: number;
  /** Wall time inside the spectators' own code on the main thread (see `timed`). */
  spectatorCodeMsPerMatchTick: number;
  spectatorBytes: number;
}

/**
 * The spectators' own code on the main thread, timed call by call: the queue's push and drain
 * (its delta encode and broadcast); the recorded side's tick (a clock line queued), the frames'
 * fan-out, and the engine's flush (the batch's structured clone and postMessage). Not in it: the
 * frames' structured-clone decode as their message arrives (a few hundred bytes a turn).
 */
let inSpectatorCode = 0n;
let depth = 0;
const byName = new Map<string, bigint>();
function timed(proto: object, name: string): void {
  const target = proto as Record<string, (...a: unknown[]) => unknown>;
  const original = target[name]!;
  target[name] = function (this: unknown, ...args: unknown[]) {
    const outer = depth++ === 0;
    const t0 = process.hrtime.bigint();
    try {
      return original.apply(this, args);
    } finally {
      depth--;
      const dt = process.hrtime.bigint() - t0;
      if (outer) inSpectatorCode += dt;
      byName.set(name, (byName.get(name) ?? 0n) + dt);
    }
  };
}
timed(DelayedSpectators.prototype, 'push');
timed(DelayedSpectators.prototype, 'drain');
timed(RecordedSpectators.prototype, 'live');
timed(FrameFanout.prototype, 'deliver');
timed(WorkerSpectators.prototype, 'flush');
if (process.env.SPECTATORS_BENCH_SPLIT) timed((await import('node:worker_threads')).Worker.prototype, 'postMessage');

async function child(mode: Mode, matches: number, ticks: number): Promise<Figures> {
  let now = 1_800_000_000_000;
  const tasks = new Set<TickTask>();
  const scheduler = { add: (t: TickTask) => (tasks.add(t), () => void tasks.delete(t)) } as unknown as TickScheduler;
  const log = createLogger({ logLevel: 'silent', nodeId: 'bench' });
  const nothing = () => {};
  const events: MatchEvents = { roster: nothing, presence: nothing, phase: nothing, ended: nothing, serverTick: nothing, admit: () => true, dismiss: nothing, replaced: nothing };
  let spectatorBytes = 0;
  const sink = (count: boolean): FanoutTransport => ({
    broadcast: (b) => (count && (spectatorBytes += b.length), 1),
    send: (_id, b) => void (count && (spectatorBytes += b.length)),
    subscribe: nothing,
    unsubscribe: nothing,
    isBackedUp: () => false,
    isDrained: () => true,
  });
  const timing: MatchTiming = { tickRate: TICK_RATE, snapshotEvery: 1, keyframeIntervalS: 1, countdownMs: 0, graceMs: 30_000, endedLingerMs: 5000, inputQueueSize: 4, maxSpectators: 4, spectatorDelayS: DELAY_S };
  const engine = mode === 'worker' ? new WorkerSpectators(log, GAMES) : null;
  const store = new MemoryReplayStore({ maxCount: 1000, maxAgeMs: 86_400_000 });
  const replays = { store, log, now: () => now, checkpointEveryTicks: 10 * TICK_RATE, flushEveryTicks: TICK_RATE, spectators: { keepTicks: DELAY_S * TICK_RATE } };
  const hosts: MatchHost[] = [];
  for (let m = 0; m < matches; m++) {
    const host = new MatchHost(
      { id: `m${m}`, game: arena, mode: 'ffa', visibility: 'public', ownerId: null, code: null, maxPlayers: 16, options: { killTarget: 0, timeLimitS: 3600, damage: 25 }, autoStart: true, seed: 100 + m },
      { scheduler, metrics: createMetrics(), log, clock: () => now, timing, events, transport: sink(false), spectators: sink(true), hooks: { changed: nothing, seatReleased: nothing, ended: nothing, disposed: nothing }, replays, spectatorEngine: engine },
    );
    const guest = { guestId: `g${m}`, nickname: `P${m}` };
    host.claim(guest);
    host.attach(`c${m}`, guest);
    for (let b = 0; b < 15; b++) host.addBot();
    if (mode !== 'none') host.spectate(`s${m}`);
    hosts.push(host);
  }
  let seq = 0;
  let rng = 1;
  const random = () => ((rng = (rng * 1103515245 + 12345) >>> 0) / 4294967296);
  const step = async () => {
    seq++;
    for (const [m, host] of hosts.entries()) host.pushInput(`c${m}`, { seq, clientTick: host.currentTick, buttons: Math.floor(random() * (ALL_BUTTONS + 1)), aim: Math.fround(random() * 6) } as never);
    now += 1000 / TICK_RATE;
    for (const t of tasks) t.tick(now);
    await new Promise((r) => setImmediate(r));
  };
  for (let i = 0; i < WARMUP; i++) await step();
  // The worker's start (a second of loading) is not the spectators' running cost: measured once it answers.
  const bytesBefore = spectatorBytes;
  while (mode !== 'none' && spectatorBytes === bytesBefore) await step();
  for (let i = 0; i < WARMUP; i++) await step();
  // The main thread's time on a CPU, in ns (the first field of schedstat).
  const mainNs = () => Number(readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ')[0]);
  const cpu0 = process.cpuUsage();
  const main0 = mainNs();
  inSpectatorCode = 0n;
  byName.clear();
  spectatorBytes = 0;
  for (let i = 0; i < ticks; i++) await step();
  const main = (mainNs() - main0) / 1e6;
  const cpu = process.cpuUsage(cpu0);
  await engine?.close();
  const per = ticks * matches;
  if (process.env.SPECTATORS_BENCH_SPLIT) console.error(mode, Object.fromEntries([...byName].map(([k, v]) => [k, (Number(v) / 1e3 / per).toFixed(2)])));
  return { mode, mainMsPerMatchTick: main / per, processMsPerMatchTick: (cpu.user + cpu.system) / 1000 / per, spectatorCodeMsPerMatchTick: Number(inSpectatorCode) / 1e6 / per, spectatorBytes: spectatorBytes / per };
}

function runChild(mode: Mode, matches: number, ticks: number): Promise<Figures> {
  return new Promise((resolve, reject) => {
    const p = fork(fileURLToPath(import.meta.url), ['--child', mode, '--matches', String(matches), '--ticks', String(ticks)], { execArgv: ['--import', 'tsx'] });
    p.on('message', (m) => resolve(m as Figures));
    p.on('exit', (code) => code !== 0 && reject(new Error(`${mode} exited ${code}`)));
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

if (values.child) {
  const figures = await child(values.child as Mode, Number(values.matches), Number(values.ticks));
  process.send!(figures);
} else {
  const rounds = Number(values.rounds);
  const matches = Number(values.matches);
  const ticks = Number(values.ticks);
  const all: Record<Mode, Figures[]> = { none: [], queue: [], worker: [] };
  const above: Record<'queue' | 'worker', number[]> = { queue: [], worker: [] };
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? MODES : [...MODES].reverse();
    const round: Partial<Record<Mode, Figures>> = {};
    for (const mode of order) round[mode] = await runChild(mode, matches, ticks);
    for (const mode of MODES) all[mode].push(round[mode]!);
    for (const mode of ['queue', 'worker'] as const) above[mode].push(round[mode]!.mainMsPerMatchTick - round.none!.mainMsPerMatchTick);
    console.log(`round ${r + 1}: main ms per match-tick none ${round.none!.mainMsPerMatchTick.toFixed(4)} queue ${round.queue!.mainMsPerMatchTick.toFixed(4)} worker ${round.worker!.mainMsPerMatchTick.toFixed(4)} (whole process: none ${round.none!.processMsPerMatchTick.toFixed(4)} queue ${round.queue!.processMsPerMatchTick.toFixed(4)} worker ${round.worker!.processMsPerMatchTick.toFixed(4)})`);
  }
  console.log(`\n${matches} Arena matches of 16 players at ${TICK_RATE} Hz, one spectator each, SPECTATOR_DELAY_S ${DELAY_S}; ${rounds} rounds of ${ticks} ticks; medians`);
  for (const mode of MODES) {
    const f = all[mode];
    console.log(`${mode.padEnd(6)} main thread ${(median(f.map((x) => x.mainMsPerMatchTick)) * 1000).toFixed(1)} µs per match-tick (in the spectators' code ${(median(f.map((x) => x.spectatorCodeMsPerMatchTick)) * 1000).toFixed(2)} µs), whole process ${(median(f.map((x) => x.processMsPerMatchTick)) * 1000).toFixed(1)} µs, spectator bytes per match-tick ${median(f.map((x) => x.spectatorBytes)).toFixed(0)}`);
  }
  for (const mode of ['queue', 'worker'] as const) console.log(`spectating one match costs its owner's main thread (${mode}): ${(median(above[mode]) * 1000).toFixed(1)} µs per tick (median of per-round differences)`);
}
