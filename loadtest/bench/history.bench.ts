/**
 * What the lag-compensation history costs: memory and step time of one 16-player Arena world with
 * a shallow (0.25 s) and a deep (1 s) rewind window, every player moving and firing with the
 * deepest rewind its rules allow (the worst case for the hit test's history lookups).
 *
 *   node --expose-gc --import tsx loadtest/bench/history.bench.ts [--ticks 10000] [--rounds 7]
 *
 * Step time is CPU (user + sys) per tick, the two windows interleaved round by round; the
 * figure to read is the median of the per-round ratios. Memory is the V8 heap the history of
 * one world holds (measured over 200 worlds) and the checkpoint bytes it adds (toState as JSON).
 */
import { parseArgs } from 'node:util';
import { addPlayer, createWorld, DIRECTION_BUTTONS, Button, historyLength, maxViewDelayTicks, step } from '../../shared/games/arena/sim/index.ts';
import type { PlayerInput, World } from '../../shared/games/arena/sim/index.ts';

const { values } = parseArgs({ options: { ticks: { type: 'string', default: '10000' }, rounds: { type: 'string', default: '7' } } });
const TICKS = Number(values.ticks);
const ROUNDS = Number(values.rounds);
const TICK_RATE = 30;
const WINDOWS = [
  { name: 'shallow (0.25 s)', rules: { historyS: 0.25, maxLagCompensationS: 0.25, killTarget: 0, timeLimitS: 0 } },
  { name: 'deep (1 s)', rules: { historyS: 1, maxLagCompensationS: 1, killTarget: 0, timeLimitS: 0 } },
] as const;

function world(rules: (typeof WINDOWS)[number]['rules']): World {
  const w = createWorld({ seed: 5, rules: { ...rules, tickRate: TICK_RATE } });
  for (let id = 0; id < 16; id++) addPlayer(w, id);
  return w;
}

/** Plays `ticks` ticks; every player turns, strafes and holds Fire with the deepest rewind. */
function play(w: World, ticks: number): void {
  const delay = maxViewDelayTicks(w.rules);
  const inputs = new Map<number, PlayerInput>();
  for (let t = 0; t < ticks; t++) {
    for (const p of w.players) {
      const dir = DIRECTION_BUTTONS[((w.tick >> 4) + p.id) % DIRECTION_BUTTONS.length]!;
      inputs.set(p.id, { buttons: dir | Button.Fire, aim: (w.tick * 0.05 + p.id) % (2 * Math.PI), viewDelayTicks: delay });
    }
    step(w, inputs);
  }
}

function cpuPerTickUs(rules: (typeof WINDOWS)[number]['rules']): number {
  const w = world(rules);
  play(w, 200); // fill the history and warm up
  const before = process.cpuUsage();
  play(w, TICKS);
  const used = process.cpuUsage(before);
  return (used.user + used.system) / TICKS;
}

function heapPerWorldKb(rules: (typeof WINDOWS)[number]['rules'], count = 200): { historyKb: number; frames: number; checkpointBytes: number } {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc');
  const w = world(rules);
  play(w, 200);
  gc();
  const before = process.memoryUsage().heapUsed;
  // Copies with the same shape as the live history (plain objects and arrays).
  const copies = Array.from({ length: count }, () => structuredClone(w.history));
  gc();
  const after = process.memoryUsage().heapUsed;
  if (copies.length !== count) throw new Error('unreachable');
  return { historyKb: (after - before) / count / 1024, frames: w.history.length, checkpointBytes: JSON.stringify(w.history).length };
}

play(world(WINDOWS[1].rules), 1000); // JIT warm-up for both
const ratios: number[] = [];
const perTick: number[][] = [[], []];
for (let r = 0; r < ROUNDS; r++) {
  const a = cpuPerTickUs(WINDOWS[0].rules);
  const b = cpuPerTickUs(WINDOWS[1].rules);
  perTick[0]!.push(a);
  perTick[1]!.push(b);
  ratios.push(b / a);
}
const median = (xs: number[]): number => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
console.log(`16 players, ${TICK_RATE} Hz, all firing with the deepest rewind; ${ROUNDS} interleaved rounds of ${TICKS} ticks (node ${process.version})\n`);
console.log('| window | frames kept | history heap per world | history in a checkpoint (JSON) | step CPU per tick (median) |');
console.log('|---|---|---|---|---|');
WINDOWS.forEach((win, i) => {
  const m = heapPerWorldKb(win.rules);
  if (m.frames !== historyLength({ ...createWorld({ seed: 1 }).rules, ...win.rules, tickRate: TICK_RATE })) throw new Error('history not full');
  console.log(`| ${win.name} | ${m.frames} | ${m.historyKb.toFixed(1)} KB | ${(m.checkpointBytes / 1024).toFixed(1)} KB | ${median(perTick[i]!).toFixed(1)} µs |`);
});
console.log(`\ndeep / shallow step CPU, median of per-round ratios: ${median(ratios).toFixed(3)} (rounds: ${ratios.map((x) => x.toFixed(3)).join(', ')})`);
