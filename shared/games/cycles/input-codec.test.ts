import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { INPUT_BYTES, decodeInput, encodeInput, encodeInputInto, type CyclesInput } from './input-codec.ts';

const inputArb: fc.Arbitrary<CyclesInput> = fc.record({
  seq: fc.integer({ min: 0, max: 0xffffffff }),
  clientTick: fc.integer({ min: 0, max: 0xffffffff }),
  dir: fc.constantFrom(0, 1, 2, 3, 4) as fc.Arbitrary<CyclesInput['dir']>,
  boost: fc.boolean(),
});

describe('cycles input codec', () => {
  it('round-trips every input in 10 bytes', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const bytes = encodeInput(input);
        expect(bytes.length).toBe(INPUT_BYTES);
        expect(decodeInput(bytes)).toEqual({ ok: true, value: input });
      }),
    );
  });

  it('returns an error, never throws, for random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 32 }), (bytes) => {
        const r = decodeInput(bytes);
        if (bytes.length !== INPUT_BYTES) expect(r).toMatchObject({ ok: false, code: 'BAD_LENGTH' });
        if (r.ok) expect(encodeInput(r.value)).toEqual(bytes); // anything accepted is canonical
      }),
      { numRuns: 3000 },
    );
  });

  it('refuses another version, unknown command bits and directions past 4', () => {
    const good = encodeInput({ seq: 1, clientTick: 2, dir: 1, boost: true });
    const with5 = (b: number) => Uint8Array.from(good, (v, i) => (i === 5 ? b : v));
    expect(decodeInput(Uint8Array.from(good, (v, i) => (i === 0 ? 2 : v)))).toMatchObject({ ok: false, code: 'BAD_VERSION' });
    expect(decodeInput(with5(0b0001_0001))).toMatchObject({ ok: false, code: 'BAD_COMMAND' });
    for (const dir of [5, 6, 7]) expect(decodeInput(with5(dir))).toMatchObject({ ok: false, code: 'BAD_COMMAND' });
    expect(decodeInput(good.subarray(0, 9))).toMatchObject({ ok: false, code: 'BAD_LENGTH' });
    expect(decodeInput(good.subarray(1, 10))).toMatchObject({ ok: false, code: 'BAD_LENGTH' });
  });

  it('writes into a buffer what it encodes, within [offset, end) when it fits there and nowhere else', () => {
    fc.assert(
      fc.property(inputArb, fc.integer({ min: -2, max: 40 }), fc.integer({ min: -2, max: 40 }), (i, offset, end) => {
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
