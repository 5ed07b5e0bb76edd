import { describe, expect, it } from 'vitest';
import { nextRandom } from '../../../game/rng.ts';
import { fireIntervalTicks } from './rules.ts';
import { input, place, run } from './test-support.ts';
import { Button } from './types.ts';
import { addPlayer, createWorld } from './world.ts';

/** Tick numbers at which player 0 fired, given whether Fire is pressed on each tick. */
function shotTicks(firePressed: (tick: number) => boolean, seconds = 3): number[] {
  const world = createWorld({ seed: 4 });
  addPlayer(world, 0);
  // Aim into open space so every shot actually spawns a projectile.
  place(world, 0, 400, 300);
  const ticks = seconds * world.rules.tickRate;
  return run(world, ticks, (t) => new Map([[0, input(firePressed(t) ? Button.Fire : 0, 0)]]))
    .filter((e) => e.event.type === 'shot')
    .map((e) => e.tick);
}

describe('fire rate', () => {
  const rules = createWorld({ seed: 0 }).rules;
  const interval = fireIntervalTicks(rules);

  it('holding Fire for 3 s shoots exactly once every fireIntervalS', () => {
    expect(interval).toBe(8); // 0.25 s at 30 Hz
    const shots = shotTicks(() => true);
    // First shot on tick 1, then every 8 ticks: 1, 9, ..., 89 within 90 ticks.
    expect(shots.length).toBe(Math.floor((3 * rules.tickRate - 1) / interval) + 1);
    expect(shots.length).toBe(12);
    for (let i = 1; i < shots.length; i++) expect((shots[i] ?? 0) - (shots[i - 1] ?? 0)).toBe(interval);
  });

  it('mashing Fire never shoots more often than holding it', () => {
    const held = shotTicks(() => true).length;
    const mash = { rngState: 99 };
    const patterns: ((t: number) => boolean)[] = [
      (t) => t % 2 === 1,
      (t) => t % 3 !== 0,
      (t) => t % 8 === 0,
      () => nextRandom(mash) < 0.6,
    ];
    for (const pattern of patterns) {
      const shots = shotTicks(pattern);
      expect(shots.length).toBeLessThanOrEqual(held);
      for (let i = 1; i < shots.length; i++) {
        expect((shots[i] ?? 0) - (shots[i - 1] ?? 0)).toBeGreaterThanOrEqual(interval);
      }
    }
  });

  it('one input per player per tick: setting Fire repeatedly in a tick fires once', () => {
    const world = createWorld({ seed: 4 });
    addPlayer(world, 0);
    place(world, 0, 400, 300);
    const shots = run(world, 3 * world.rules.tickRate, () => {
      const inputs = new Map();
      for (let i = 0; i < 50; i++) inputs.set(0, input(Button.Fire, 0));
      return inputs;
    }).filter((e) => e.event.type === 'shot');
    expect(shots.length).toBe(shotTicks(() => true).length);
  });

  it('a late input does not stop a held trigger', () => {
    // Fire pressed on tick 1, then no input reaches the server: the trigger stays held.
    const world = createWorld({ seed: 4 });
    addPlayer(world, 0);
    place(world, 0, 400, 300);
    const shots = run(world, 60, (t) => (t === 1 ? new Map([[0, input(Button.Fire, 0)]]) : new Map()))
      .filter((e) => e.event.type === 'shot')
      .map((e) => e.tick);
    expect(shots).toEqual([1, 9, 17, 25, 33, 41, 49, 57]);
  });
});
