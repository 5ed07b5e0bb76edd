/**
 * clonePlain, the copy a game's checkpoint is taken with: what a player would notice if it broke
 * is a match adopted on another node from a state that is not the one its owner had (a value
 * lost or changed, keys reordered so the packed checkpoint differs), or a checkpoint that still
 * shares objects with the live match and changes under the node writing it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clonePlain } from './plain-clone.ts';

describe('clonePlain', () => {
  it('copies plain data exactly as structuredClone does, key order, -0, NaN and undefined included', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.constantFrom(-0, NaN, undefined, 0.1 + 0.2), (json, odd) => {
        const value = { json, odd, nested: [{ b: odd, a: [odd, json] }] };
        const copy = clonePlain(value);
        expect(copy).toStrictEqual(structuredClone(value));
        expect(Object.is(copy.odd, value.odd)).toBe(true);
        expect(JSON.stringify(copy)).toBe(JSON.stringify(value));
      }),
    );
  });

  it('shares nothing with the original', () => {
    const live = { world: { players: [{ id: 1, x: 10 }], map: { walls: [[1, 2]] } } };
    const copy = clonePlain(live);
    live.world.players[0]!.x = 99;
    live.world.map.walls[0]!.push(3);
    live.world.players.push({ id: 2, x: 0 });
    expect(copy).toEqual({ world: { players: [{ id: 1, x: 10 }], map: { walls: [[1, 2]] } } });
  });

  it('leaves what is not a plain object or array to structuredClone', () => {
    const value = { seen: new Map([['a', new Set([1])]]), bytes: new Uint8Array([1, 2]), at: new Date(5) };
    const copy = clonePlain(value);
    expect(copy.seen).toBeInstanceOf(Map);
    expect(copy.seen).not.toBe(value.seen);
    expect(copy).toStrictEqual(value);
  });
});
