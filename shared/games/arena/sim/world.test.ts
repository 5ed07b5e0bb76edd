import { describe, expect, it } from 'vitest';
import { nextRandom, randomInt } from '../../../game/rng.ts';
import { step } from './step.ts';
import { input } from './test-support.ts';
import { Button } from './types.ts';
import { addPlayer, cloneWorld, createWorld, findPlayer, removePlayer } from './world.ts';

describe('world', () => {
  it('a new player spawns alive, at full health, on a spawn point', () => {
    const world = createWorld({ seed: 1 });
    const p = addPlayer(world, 12);
    expect(p).toMatchObject({ id: 12, hp: world.rules.maxHp, alive: true, kills: 0, deaths: 0 });
    expect(world.map.spawns).toContainEqual({ x: p.x, y: p.y });
    expect(p.aim).toBeGreaterThanOrEqual(-Math.PI);
    expect(p.aim).toBeLessThan(Math.PI);
  });

  it('rejects taken and out-of-range ids', () => {
    const world = createWorld({ seed: 1 });
    addPlayer(world, 0);
    expect(() => addPlayer(world, 0)).toThrow(/already/);
    expect(() => addPlayer(world, 64)).toThrow(RangeError);
    expect(() => addPlayer(world, -1)).toThrow(RangeError);
    expect(() => addPlayer(world, 1.5)).toThrow(RangeError);
    expect(addPlayer(world, 63).id).toBe(63);
  });

  it('keeps players sorted by id whatever order they join in', () => {
    const world = createWorld({ seed: 1 });
    for (const id of [5, 1, 9, 0, 3]) addPlayer(world, id);
    expect(world.players.map((p) => p.id)).toEqual([0, 1, 3, 5, 9]);
    expect(removePlayer(world, 3)).toBe(true);
    expect(removePlayer(world, 3)).toBe(false);
    expect(findPlayer(world, 3)).toBeUndefined();
    expect(world.players.map((p) => p.id)).toEqual([0, 1, 5, 9]);
  });

  it('spreads the first players over distinct spawn points', () => {
    const world = createWorld({ seed: 3 });
    const spots = new Set([0, 1, 2, 3, 4, 5, 6, 7].map((id) => addPlayer(world, id)).map((p) => `${p.x},${p.y}`));
    expect(spots.size).toBe(8);
    // A ninth player has to share, but still gets a real spawn point.
    const ninth = addPlayer(world, 8);
    expect(world.map.spawns).toContainEqual({ x: ninth.x, y: ninth.y });
  });

  it('a clone is independent of the original', () => {
    const world = createWorld({ seed: 1 });
    addPlayer(world, 0);
    const copy = cloneWorld(world);
    step(copy, new Map([[0, input(Button.Right | Button.Fire)]]));
    expect(world.tick).toBe(0);
    expect(world.projectiles).toEqual([]);
    expect(world.history).toEqual([]);
    expect(copy.players[0]?.x).not.toBe(world.players[0]?.x);
  });

  it('takes partial rules on top of the defaults and rejects nonsense', () => {
    const world = createWorld({ seed: 1, rules: { killTarget: 5, tickRate: 60 } });
    expect(world.rules).toMatchObject({ killTarget: 5, tickRate: 60, playerSpeed: 220 });
    expect(() => createWorld({ seed: 1, rules: { tickRate: 0 } })).toThrow(RangeError);
    expect(() => createWorld({ seed: Number.NaN })).toThrow(RangeError);
  });

  it('the RNG is uniform enough to pick every spawn and stays in range', () => {
    const holder = { rngState: 42 };
    const counts = new Array(8).fill(0);
    for (let i = 0; i < 8000; i++) counts[randomInt(holder, 8)]++;
    for (const c of counts) expect(c).toBeGreaterThan(800);
    for (let i = 0; i < 1000; i++) {
      const v = nextRandom(holder);
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThan(1);
    }
  });
});
