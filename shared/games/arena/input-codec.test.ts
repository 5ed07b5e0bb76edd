import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ALL_BUTTONS } from './sim/types.ts';
import { INPUT_BYTES, decodeInput, encodeInput, encodeInputInto } from './input-codec.ts';

const input = fc.record({
  seq: fc.integer({ min: 0, max: 0xffffffff }),
  buttons: fc.integer({ min: 0, max: ALL_BUTTONS }),
  aim: fc.float({ min: -Math.fround(Math.PI), max: Math.fround(Math.PI), noNaN: true }),
  clientTick: fc.integer({ min: 0, max: 0xffffffff }),
});

describe('input codec', () => {
  it('round-trips random inputs (aim within float32 precision)', () => {
    fc.assert(
      fc.property(input, (i) => {
        const decoded = decodeInput(encodeInput(i));
        expect(decoded.ok).toBe(true);
        if (!decoded.ok) return;
        expect(decoded.value).toEqual({ ...i, aim: Math.fround(i.aim) });
      }),
    );
  });

  it('returns an error, never throws, for random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const r = decodeInput(bytes);
        if (bytes.length !== INPUT_BYTES) expect(r).toMatchObject({ ok: false, code: 'BAD_LENGTH' });
      }),
      { numRuns: 2000 },
    );
  });

  it('rejects NaN and infinite aims, unknown buttons, wrong versions and lengths', () => {
    const good = { seq: 1, buttons: 0, aim: 0, clientTick: 0 };
    expect(decodeInput(encodeInput({ ...good, aim: Number.NaN }))).toMatchObject({ ok: false, code: 'BAD_AIM' });
    expect(decodeInput(encodeInput({ ...good, aim: Infinity }))).toMatchObject({ ok: false, code: 'BAD_AIM' });
    expect(decodeInput(encodeInput({ ...good, buttons: 0x80 }))).toMatchObject({ ok: false, code: 'BAD_BUTTONS' });
    const versioned = encodeInput(good);
    versioned[0] = 7;
    expect(decodeInput(versioned)).toMatchObject({ ok: false, code: 'BAD_VERSION' });
    expect(decodeInput(encodeInput(good).subarray(0, 13))).toMatchObject({ ok: false, code: 'BAD_LENGTH' });
  });

  it('writes into a buffer what it encodes, within [offset, end) when it fits there and nowhere else', () => {
    fc.assert(
      fc.property(input, fc.integer({ min: -2, max: 40 }), fc.integer({ min: -2, max: 40 }), (i, offset, end) => {
        const out = new Uint8Array(32).fill(0xaa);
        const before = out.slice();
        expect(encodeInputInto(i, out, offset, end)).toBe(INPUT_BYTES);
        if (offset >= 0 && offset + INPUT_BYTES <= end && end <= out.length) {
          expect(out.subarray(offset, offset + INPUT_BYTES)).toEqual(encodeInput(i));
          before.set(encodeInput(i), offset);
        }
        expect(out).toEqual(before);
      }),
    );
  });
});
