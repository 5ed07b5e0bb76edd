/**
 * One 16-player match tick, timed against its budget (at most 0.15 ms p50 per 16-player
 * match: sim, history, encode, fan-out):
 *
 *   node --import tsx loadtest/bench/tick.bench.ts [--game arena|parity] [--ticks 4000] [--tick-rate 20] [--json]
 *   (pin it as the ladder does: taskset -c 0 node --import tsx loadtest/bench/tick.bench.ts)
 *
 * The game work is the server's MatchRunner with the game (Arena, or the peer benchmark's parity
 * game: loadtest/bench/peers/parity-game.ts): input queues, phase, `step` (Arena's with
 * lag-compensation history), the snapshot, and its encode (a keyframe a second, deltas between),
 * exactly as `MatchHost.tick` and `SnapshotFanout.publish` call them, minus sockets, metrics and
 * the lobby. It is fed 16 real inputs a tick through the game's input codec (Arena: moving,
 * turning, firing; parity: the scenario's seeded script). The fan-out writes the snapshot as the
 * server's direct path does (server/net/engine-direct.ts: one WebSocket frame built once, one
 * `write` per member) to 16 loopback TCP sockets that a second process drains, so the kernel's
 * per-socket cost is in the figure. Runs the ticks back to back (not on the 50 ms grid: the
 * figure is CPU per tick; the scheduler's own lateness is the load test's), after a warm-up.
 * Prints p50 / p90 / p99 and the mean in ms for the game work alone and for game work + fan-out,
 * and the process CPU per tick of the game work (user + system of every thread, so GC is in it;
 * unlike wall time it does not count the moments another process had the core): the figure to
 * compare before/after, interleaved. --json prints one line of figures instead.
 */
import { fork } from 'node:child_process';
import { createServer, connect, type Socket } from 'node:net';
import { parseArgs } from 'node:util';
import type { AnyGame, InputHeader, SnapshotHeader } from '../../shared/game/game-definition.ts';
import { arena } from '../../shared/games/arena/index.ts';
import { encodeInput } from '../../shared/games/arena/input-codec.ts';
import { Button, DIRECTION_BUTTONS } from '../../shared/games/arena/sim/index.ts';
import { wireParser } from '../../shared/protocol/wire.ts';
import { binaryFrame } from '../../server/net/engine-direct.ts';
import { MatchRunner } from '../../server/match/match-runner.ts';
import { encodeParityInput } from './peers/parity-codec.ts';
import { parity } from './peers/parity-game.ts';
import { InputScript } from './peers/scenario.ts';

const PLAYERS = 16;

/** One match as the server runs it, minus sockets: inputs decoded by the game's codec, the runner's tick, the encode. */
class BenchMatch {
  private readonly runner: MatchRunner;
  private base: SnapshotHeader | null = null;
  private lastKeyframeTick = -Infinity;

  constructor(
    private readonly game: AnyGame,
    options: Record<string, number>,
    tickRate: number,
    private readonly keyframeEvery: number,
  ) {
    // No kill target and no time limit: a steady state for the whole run.
    this.runner = new MatchRunner({
      game,
      state: game.create({ options, seed: 1, tickRate }),
      inputQueueSize: 8,
      snapshotEvery: 1,
      countdownTicks: 0,
      autoStart: true,
      arrivalTicks: 0,
      readiness: () => ({ seatedHumans: PLAYERS, presentHumans: PLAYERS, full: true }),
    });
    for (let slot = 0; slot < PLAYERS; slot++) this.runner.enter(slot);
  }

  input(slot: number, bytes: Uint8Array): void {
    this.push(slot, this.decode(bytes));
  }

  decode(bytes: Uint8Array): InputHeader {
    const decoded = this.game.inputCodec.decode(bytes);
    if (!decoded.ok) throw new Error(`bad input: ${decoded.message}`);
    return decoded.value;
  }

  push(slot: number, input: InputHeader): void {
    this.runner.pushInput(slot, input);
  }

  tick(scheduledAt: number): Uint8Array | null {
    const { snapshot } = this.runner.tick(scheduledAt);
    if (!snapshot) return null;
    const codec = this.game.snapshotCodec;
    const isKey = this.base === null || snapshot.tick - this.lastKeyframeTick >= this.keyframeEvery;
    const bytes = isKey ? codec.encodeKeyframe(snapshot) : codec.encodeDelta(this.base!, snapshot);
    if (isKey) this.lastKeyframeTick = snapshot.tick;
    this.base = snapshot;
    return bytes;
  }
}

/** Each slot's input for tick `t`, as the client would send it. */
type InputSource = (slot: number, t: number, seq: number) => Uint8Array;

function arenaInputs(tickRate: number): InputSource {
  const heading = new Array<number>(PLAYERS).fill(0);
  return (slot, t, seq) => {
    if ((t + slot * 7) % tickRate === 0) heading[slot] = DIRECTION_BUTTONS[(slot + t) % DIRECTION_BUTTONS.length]!;
    return encodeInput({ seq, buttons: heading[slot]! | Button.Fire, aim: ((t + slot) % 64) / 10, clientTick: Math.max(0, t - 2) });
  };
}

function parityInputs(): InputSource {
  const scripts = Array.from({ length: PLAYERS }, (_, slot) => new InputScript(1000 + slot));
  return (slot, t, seq) => encodeParityInput({ ...scripts[slot]!.next(), seq, clientTick: Math.max(0, t - 1) });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      game: { type: 'string', default: 'arena' },
      ticks: { type: 'string', default: '4000' },
      'tick-rate': { type: 'string', default: '20' },
      json: { type: 'boolean', default: false },
    },
  });
  const ticks = Number(values.ticks);
  const tickRate = Number(values['tick-rate']);
  const intervalMs = 1000 / tickRate;
  if (values.game !== 'arena' && values.game !== 'parity') throw new Error(`--game ${values.game}: arena or parity`);
  if (!(ticks >= 20 && ticks % 20 === 0)) throw new Error(`--ticks ${values.ticks}: a multiple of 20`);

  const sockets: Socket[] = [];
  const server = createServer((s) => sockets.push(s.setNoDelay(true)));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const drain = fork(new URL(import.meta.url).pathname, ['--drain', String((server.address() as { port: number }).port)], { execArgv: ['--import', 'tsx'] });
  while (sockets.length < PLAYERS) await new Promise((r) => setTimeout(r, 10));

  const isArena = values.game === 'arena';
  const room = isArena ? new BenchMatch(arena, { killTarget: 0, timeLimitS: 0 }, tickRate, tickRate) : new BenchMatch(parity, {}, tickRate, tickRate);
  const inputOf = isArena ? arenaInputs(tickRate) : parityInputs();
  const prefix = wireParser.eventPrefix('/match', 'snapshot')!;
  const seq = new Array<number>(PLAYERS).fill(0);

  const run = (count: number, fanout: boolean, out: number[] | null, t0: number): number => {
    let t = t0;
    for (let k = 0; k < count; k++) {
      // Inputs arrive between ticks: outside the timed part, as on the server.
      for (let slot = 0; slot < PLAYERS; slot++) {
        seq[slot]! += 1;
        room.input(slot, inputOf(slot, t, seq[slot]!));
      }
      const start = performance.now();
      const bytes = room.tick(Math.round(t * intervalMs));
      if (fanout && bytes) {
        const frame = binaryFrame(prefix, bytes);
        for (const s of sockets) s.write(frame);
      }
      const took = performance.now() - start;
      out?.push(took);
      t++;
    }
    return t;
  };

  const game: number[] = [];
  const withFanout: number[] = [];
  let t = run(Math.min(2000, ticks), true, null, 0); // warm-up: JIT, projectiles in flight
  // Alternate blocks so a noisy second hits both figures.
  for (let block = 0; block < 10; block++) {
    t = run(ticks / 20, false, game, t);
    t = run(ticks / 20, true, withFanout, t);
    // Let the readers catch up so socket buffers do not grow (no back-pressure in the figure).
    await new Promise((r) => setTimeout(r, 20));
  }
  // CPU per tick: one long run of game work alone, its inputs decoded beforehand (a pool of
  // decoded inputs reused with fresh sequence numbers: the runner only reads them while queued).
  const POOL = 400;
  const pool: InputHeader[][] = [];
  for (let k = 0; k < POOL; k++) pool.push(Array.from({ length: PLAYERS }, (_, slot) => room.decode(inputOf(slot, t + k, 0))));
  const cpuTicks = ticks * 5;
  const cpu = process.cpuUsage();
  const wall0 = performance.now();
  for (let k = 0; k < cpuTicks; k++, t++) {
    const inputs = pool[k % POOL]!;
    for (let slot = 0; slot < PLAYERS; slot++) {
      const input = inputs[slot]!;
      seq[slot]! += 1;
      input.seq = seq[slot]!;
      input.clientTick = Math.max(0, t - 2);
      room.push(slot, input);
    }
    room.tick(Math.round(t * intervalMs));
  }
  const wallUs = (performance.now() - wall0) * 1000;
  const used = process.cpuUsage(cpu);
  const gameCpuUs = (used.user + used.system) / cpuTicks;
  const gameWallUs = wallUs / cpuTicks;
  const sorted = (xs: number[]): number[] => [...xs].sort((a, b) => a - b);
  const pct = (xs: number[], p: number): number => sorted(xs)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
  const figures = (xs: number[]) => ({ p50: pct(xs, 50), p90: pct(xs, 90), p99: pct(xs, 99), mean: mean(xs) });
  const g = figures(game);
  const f = figures(withFanout);
  if (values.json) {
    console.log(JSON.stringify({ game: values.game, tickRate, ticks: game.length, cpuTicks, gameCpuUsPerTick: gameCpuUs, gameWallUsPerTick: gameWallUs, gameMs: g, withFanoutMs: f }));
  } else {
    const line = (x: ReturnType<typeof figures>): string => `p50 ${x.p50.toFixed(3)}  p90 ${x.p90.toFixed(3)}  p99 ${x.p99.toFixed(3)}  mean ${x.mean.toFixed(4)}`;
    console.log(`16-player ${values.game} tick, ${tickRate} Hz grid, ${game.length} + ${withFanout.length} ticks after warm-up (ms):`);
    console.log(`  game work (inputs applied, step${isArena ? ' + lag-comp history' : ''}, snapshot, encode): ${line(g)}`);
    console.log(`  game work over ${cpuTicks} more ticks, per tick: ${gameCpuUs.toFixed(2)} µs of process CPU (user + system, all threads: GC included), ${gameWallUs.toFixed(2)} µs wall`);
    console.log(`  + fan-out (frame once, 16 socket writes): ${line(f)}`);
  }
  drain.send('stop');
  for (const s of sockets) s.destroy();
  server.close();
}

if (process.argv[2] === '--drain') {
  // The readers: connect 16 sockets and discard what arrives.
  const port = Number(process.argv[3]);
  for (let i = 0; i < 16; i++) connect(port, '127.0.0.1').on('data', () => {});
  process.on('message', () => process.exit(0));
} else {
  await main();
}
