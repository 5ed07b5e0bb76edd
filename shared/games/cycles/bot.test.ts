import { describe, expect, it } from 'vitest';
import { cycles } from './index.ts';
import type { CyclesInput } from './input-codec.ts';
import type { CyclesSnapshot } from './snapshot.ts';
import { snapshotOf } from './test-support.ts';

const TICK_RATE = 20;

/** Bots playing a match through snapshots only, as server bots do; lifetimes of every cycle, in seconds. */
function botMatch(players: number, behaviour: string, seed: number, rounds: number) {
  const state = cycles.create({ options: { roundsToWin: 20, timeLimitS: 0 }, seed, tickRate: TICK_RATE });
  const setup = cycles.setup(state);
  const bots = Array.from({ length: players }, (_, slot) => {
    cycles.addPlayer(state, slot);
    return cycles.createBot(setup, { seed: seed * 31 + slot, behaviour });
  });
  cycles.beginPlay(state);
  const lifetimes: number[] = [];
  const roundTicks: number[] = [];
  let roundStart = state.tick;
  let view: CyclesSnapshot | null = null;
  let seq = 0;
  // A round cannot outlast the arena: two cycles fill 96×60 cells in 240 s.
  const limit = rounds * (240 + 2) * TICK_RATE;
  while (roundTicks.length < rounds && state.tick < limit) {
    bots.forEach((bot, slot) => {
      const cmd = bot.think(view, slot, state.tick + 1);
      cycles.applyInput(state, slot, { seq: ++seq, clientTick: state.tick, ...cmd } satisfies CyclesInput);
    });
    const wasLive = state.roundState === 'live';
    cycles.step(state, true);
    view = snapshotOf(state, view);
    for (const e of view.events) {
      if (e.type === 'crash') lifetimes.push((state.tick - roundStart) / TICK_RATE);
      if (e.type === 'roundWon') roundTicks.push(state.tick - roundStart);
    }
    if (!wasLive && state.roundState === 'live') roundStart = state.tick;
  }
  return { lifetimes, roundTicks, state };
}

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('cycles bots', () => {
  it('four bots survive well over a few seconds on average, and every round ends', () => {
    const { lifetimes, roundTicks } = botMatch(4, 'play', 5, 8);
    expect(roundTicks).toHaveLength(8);
    // A cycle driving straight from its spawn hits a wall or a rival in ~4 s; bots that look ahead last far longer.
    expect(mean(lifetimes)).toBeGreaterThan(10);
  }, 30_000); // eight whole bot rounds: seconds of pure CPU on a loaded 2-core machine

  it('idle bots drive straight on and crash within seconds', () => {
    const { lifetimes, roundTicks } = botMatch(4, 'idle', 5, 3);
    expect(roundTicks).toHaveLength(3);
    expect(Math.max(...lifetimes)).toBeLessThan(8);
  });

  it('the same seed and views give the same commands', () => {
    const { state } = botMatch(4, 'play', 9, 1);
    const view = snapshotOf(state, null);
    const commands = (seed: number) => {
      const bot = cycles.createBot(cycles.setup(state), { seed, behaviour: 'play' });
      return Array.from({ length: 200 }, (_, t) => bot.think(view, 0, state.tick + t));
    };
    expect(commands(3)).toEqual(commands(3));
  });

  it('refuses a behaviour it does not know', () => {
    const state = cycles.create({ options: {}, seed: 1, tickRate: TICK_RATE });
    expect(() => cycles.createBot(cycles.setup(state), { seed: 1, behaviour: 'wander' })).toThrow(RangeError);
  });
});
