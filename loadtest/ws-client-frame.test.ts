import { describe, expect, it } from 'vitest';
import { MaskSource, maskedBinaryFrame } from './ws-client-frame.ts';

/** Reads a client frame the way a server must (RFC 6455 §5.2): header, mask, unmasked payload. */
function decodeClientFrame(f: Uint8Array): { b0: number; masked: boolean; headerLength: number; mask: number[]; payload: Uint8Array } {
  const b1 = f[1]!;
  let len = b1 & 0x7f;
  let at = 2;
  if (len === 126) {
    len = (f[2]! << 8) | f[3]!;
    at = 4;
  } else if (len === 127) {
    len = Buffer.from(f.buffer, f.byteOffset, f.length).readUInt32BE(2) * 2 ** 32 + Buffer.from(f.buffer, f.byteOffset, f.length).readUInt32BE(6);
    at = 10;
  }
  const mask = [...f.subarray(at, at + 4)];
  const payload = f.slice(at + 4, at + 4 + len);
  for (let i = 0; i < payload.length; i++) payload[i]! ^= mask[i % 4]!;
  expect(f.length).toBe(at + 4 + len);
  return { b0: f[0]!, masked: (b1 & 0x80) !== 0, headerLength: at, mask, payload };
}

function bytes(n: number, seed: number): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => (i * 7 + seed) & 0xff);
}

describe('maskedBinaryFrame', () => {
  const prefix = Uint8Array.of(2, 1, 1);

  it.each([
    [0, 2],
    [1, 2],
    [14, 2],
    [122, 2], // 125 with the prefix: the longest 7-bit length
    [123, 4], // 126: the first 16-bit length
    [65_532, 4], // 65,535
    [65_533, 10], // 65,536: the first 64-bit length
  ])('a %i-byte payload decodes to prefix + payload, FIN binary, masked, with a %i-byte length header', (n, headerLength) => {
    const payload = bytes(n, n);
    const decoded = decodeClientFrame(maskedBinaryFrame(prefix, payload, new MaskSource()));
    expect(decoded.b0).toBe(0x82);
    expect(decoded.masked).toBe(true);
    expect(decoded.headerLength).toBe(headerLength);
    expect(Buffer.from(decoded.payload).equals(Buffer.concat([prefix, payload]))).toBe(true);
  });

  it('draws a fresh mask for every frame, across refills of the pool', () => {
    const masks = new MaskSource(64); // 16 masks per refill
    const seen = new Set<string>();
    for (let i = 0; i < 100; i++) {
      const f = maskedBinaryFrame(prefix, bytes(8, i), masks);
      const d = decodeClientFrame(f);
      expect(Buffer.from(d.payload).equals(Buffer.concat([prefix, bytes(8, i)]))).toBe(true);
      seen.add(d.mask.join(','));
    }
    // Random 32-bit masks almost never repeat in 100; a pool never refilled would give 16 distinct ones.
    expect(seen.size).toBeGreaterThan(95);
  });
});
