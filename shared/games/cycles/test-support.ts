/** Helpers for Cycles tests: matches set up in a known position, and scripted play. */
import type { GameBot } from '../../game/game-definition.ts';
import { MatchPhase } from '../../game/phase.ts';
import { nextRandom, randomInt, type RngHolder } from '../../game/rng.ts';
import type { Dir } from './direction.ts';
import type { CyclesInput } from './input-codec.ts';
import { cycles } from './index.ts';
import { MAX_PLAYERS } from './rules.ts';
import type { CyclesSnapshot } from './snapshot.ts';
import { findSeat, type CyclesState, type Seat } from './state.ts';

/** At 12 Hz a cycle moves exactly one cell a tick (12 cells/s): collision tests read plainly. */
export const ONE_CELL_A_TICK = 12;

export interface MatchOptions {
  tickRate?: number;
  seed?: number;
  options?: Record<string, number>;
}

/** A match in its first round. The spawns are the RNG's: tests that place cycles call `park` first. */
export function startedMatch(slots: readonly number[], opts: MatchOptions = {}): CyclesState {
  const state = cycles.create({ options: opts.options ?? {}, seed: opts.seed ?? 1, tickRate: opts.tickRate ?? ONE_CELL_A_TICK });
  for (const slot of slots) cycles.addPlayer(state, slot);
  cycles.beginPlay(state);
  return state;
}

/**
 * A first round with every cycle parked at the bottom right, heading up (x 60, 64, ...; y 58),
 * out of the way of whatever a test places on the left: three seconds of room.
 */
export function parkedMatch(slots: readonly number[], opts: MatchOptions = {}): CyclesState {
  const state = startedMatch(slots, opts);
  state.seats.forEach((s, i) => {
    s.trail = [60 + 4 * i, 58];
    s.dir = 1;
    s.movedDir = 1;
    s.progress = 0;
  });
  rebuildGrid(state);
  return state;
}

export function seat(state: CyclesState, slot: number): Seat {
  const s = findSeat(state, slot);
  if (!s) throw new Error(`no seat ${slot}`);
  return s;
}

/** Puts a living cycle at (x, y) heading `dir`, with `trail` (default: just the head) and an empty accumulator. */
export function place(state: CyclesState, slot: number, x: number, y: number, dir: Dir, trail?: number[]): void {
  const s = seat(state, slot);
  s.trail = trail ? [...trail] : [x, y];
  s.dir = dir;
  s.movedDir = dir;
  s.progress = 0;
  s.alive = true;
  rebuildGrid(state);
}

export function rebuildGrid(state: CyclesState): void {
  state.grid.clear();
  for (const s of state.seats) state.grid.takeTrail(s.trail, s.slot);
}

export function input(dir: 0 | Dir, boost = false, seq = 1): CyclesInput {
  return { seq, clientTick: 0, dir, boost };
}

/** Steps `n` playing ticks; answers the first `ended` outcome seen, if any. */
export function run(state: CyclesState, n: number): { reason: string } | null {
  let ended: { reason: string } | null = null;
  for (let i = 0; i < n; i++) ended ??= cycles.step(state, true).ended;
  return ended;
}

export function snapshotOf(state: CyclesState, previous: CyclesSnapshot | null, seqs: ReadonlyMap<number, number> = new Map()): CyclesSnapshot {
  return cycles.snapshot(state, previous, {
    serverTime: 1_700_000_000_000 + Math.round((state.tick * 1000) / state.tickRate),
    phase: MatchPhase.Playing,
    phaseEndTick: 0,
    lastInputSeq: seqs,
  });
}

/** What happens to a match in one tick of a scripted game: who joins or leaves, who presses what. */
export interface TickScript {
  joins: number[];
  leaves: { slot: number; why: 'away' | 'gone' }[];
  inputs: { slot: number; input: CyclesInput }[];
}

/**
 * A restless crowd for property tests: bots mostly steer (so rounds last), sometimes a random key
 * (so cycles crash in every way), now and then someone joins or leaves. Drawn from `script`, so
 * a seed replays it; the state is only read.
 */
export class Crowd {
  private readonly bots = new Map<number, GameBot<CyclesSnapshot, CyclesInput>>();
  private seq = 0;

  constructor(
    private readonly script: RngHolder,
    private readonly churn = 0.01,
  ) {}

  next(state: CyclesState, view: CyclesSnapshot | null): TickScript {
    const out: TickScript = { joins: [], leaves: [], inputs: [] };
    const seated = new Set(state.seats.filter((s) => s.present).map((s) => s.slot));
    if (nextRandom(this.script) < this.churn) {
      const slot = randomInt(this.script, MAX_PLAYERS);
      if (!seated.has(slot)) out.joins.push(slot);
      else out.leaves.push({ slot, why: nextRandom(this.script) < 0.5 ? 'away' : 'gone' });
    }
    for (const slot of seated) {
      if (out.leaves.some((l) => l.slot === slot)) continue;
      if (nextRandom(this.script) < 0.1) continue; // no input this tick
      let bot = this.bots.get(slot);
      if (!bot) {
        bot = cycles.createBot(cycles.setup(state), { seed: randomInt(this.script, 1 << 30), behaviour: 'play' });
        this.bots.set(slot, bot);
      }
      const cmd =
        nextRandom(this.script) < 0.85
          ? bot.think(view, slot, state.tick + 1)
          : { dir: randomInt(this.script, 5) as CyclesInput['dir'], boost: nextRandom(this.script) < 0.3 };
      this.seq += 1;
      out.inputs.push({ slot, input: { seq: this.seq, clientTick: state.tick, ...cmd } });
    }
    return out;
  }
}

export function applyScript(state: CyclesState, t: TickScript): void {
  for (const l of t.leaves) cycles.removePlayer(state, l.slot, l.why);
  for (const slot of t.joins) cycles.addPlayer(state, slot);
  for (const i of t.inputs) cycles.applyInput(state, i.slot, i.input);
}
