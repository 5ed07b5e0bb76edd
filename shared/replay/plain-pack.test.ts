/**
 * The checkpoint packing gives back what it was given (as JSON would: the replay's hashes are of
 * JSON text), for any plain data, including the frames-of-players shape it is made for; and any
 * bytes decode to a value or an error, never a throw.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { packPlain, unpackPlain } from './plain-pack.ts';
import { canonicalJson } from './state-hash.ts';

const roundTrip = (v: unknown) => {
  const back = unpackPlain(packPlain(v));
  expect(back.ok).toBe(true);
  return back.ok ? back.value : undefined;
};

describe('plain-pack', () => {
  it('round-trips any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        expect(canonicalJson(roundTrip(v))).toBe(canonicalJson(v));
      }),
      { numRuns: 1000 },
    );
  });

  it('round-trips frames of moving players exactly, in far fewer bytes than JSON', () => {
    const coordinate = fc.oneof(fc.integer({ min: -20000, max: 20000 }).map((n) => n / 8), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.float({ noNaN: true }));
    fc.assert(
      fc.property(fc.array(fc.array(fc.record({ id: fc.nat(63), x: coordinate, y: coordinate, alive: fc.boolean() }), { maxLength: 16 }), { maxLength: 40 }), (frames) => {
        const history = frames.map((players, tick) => ({ tick, players }));
        expect(canonicalJson(roundTrip(history))).toBe(canonicalJson(history));
      }),
      { numRuns: 200 },
    );
    // A second of Arena-like history: 30 frames of 16 players stepping an eighth of a pixel.
    const history = Array.from({ length: 30 }, (_, t) => ({ tick: 1000 + t, players: Array.from({ length: 16 }, (_, id) => ({ id, x: 100 + id * 50 + t * 0.875, y: 400 - t * 1.25, alive: true })) }));
    expect(roundTrip(history)).toEqual(history);
    expect(packPlain(history).length * 4).toBeLessThan(JSON.stringify(history).length);
  });

  it('answers an error for any bytes, never throws', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const r = unpackPlain(bytes);
        if (!r.ok) expect(typeof r.message).toBe('string');
      }),
      { numRuns: 1000 },
    );
  });
});
