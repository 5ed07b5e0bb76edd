import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Opcode, ServerFrameScanner } from './server-frames.ts';

/** A server frame as the server writes it: FIN, opcode, unmasked, the shortest length field. */
function serverFrame(opcode: number, payload: Uint8Array, longLength = false): Uint8Array {
  const len = payload.length;
  const hdr = longLength ? 10 : len < 126 ? 2 : len < 65536 ? 4 : 10;
  const out = new Uint8Array(hdr + len);
  out[0] = 0x80 | opcode;
  if (hdr === 2) out[1] = len;
  else if (hdr === 4) {
    out[1] = 126;
    out[2] = len >>> 8;
    out[3] = len & 0xff;
  } else {
    out[1] = 127;
    new DataView(out.buffer).setUint32(6, len);
  }
  out.set(payload, hdr);
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

interface Seen {
  opcode: number;
  payload: string;
}

/** Payloads compared as hex: one string per frame, cheap to diff even for 64 KiB. */
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/**
 * Feeds `stream` cut at `cuts` the way the raw connection does: each read lands at the start of
 * one shared buffer that the next read overwrites, so a scanner that kept a view instead of a
 * copy would hand over bytes of the wrong read.
 */
function scan(stream: Uint8Array, cuts: number[], maxFrame?: number): { seen: Seen[]; error: string | null; frames: number } {
  const seen: Seen[] = [];
  const scanner = new ServerFrameScanner({ frame: (opcode, buf, start, end) => seen.push({ opcode, payload: hex(buf.subarray(start, end)) }) }, maxFrame);
  const shared = new Uint8Array(stream.length + 16);
  let from = 0;
  for (const cut of [...cuts, stream.length]) {
    shared.fill(0xee);
    shared.set(stream.subarray(from, cut), 0);
    scanner.push(shared, 0, cut - from);
    from = cut;
  }
  return { seen, error: scanner.error, frames: scanner.frames };
}

const frameArb = fc.record({
  opcode: fc.constantFrom(Opcode.Text, Opcode.Binary, Opcode.Ping, Opcode.Pong),
  // Around the 7-bit / 16-bit length boundaries, and empty payloads.
  payload: fc.oneof({ arbitrary: fc.uint8Array({ maxLength: 8 }), weight: 6 },
    { arbitrary: fc.uint8Array({ minLength: 120, maxLength: 300 }), weight: 6 },
    // 16-bit and 64-bit lengths: a counting pattern (random 64 KiB arrays make the property slow, not stronger).
    { arbitrary: fc.integer({ min: 65530, max: 65540 }).map((n) => Uint8Array.from({ length: n }, (_, i) => (i * 7) & 0xff)), weight: 1 },
  ),
  longLength: fc.boolean(),
});

describe('ServerFrameScanner', () => {
  it('hands over every frame once, whole and in order, wherever the reads cut the stream', () => {
    fc.assert(
      fc.property(
        fc.array(frameArb, { minLength: 1, maxLength: 6 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        (frames, rawCuts) => {
          const stream = concat(frames.map((f) => serverFrame(f.opcode, f.payload, f.longLength)));
          const cuts = [...new Set(rawCuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
          const r = scan(stream, cuts);
          expect(r.error).toBeNull();
          expect(r.frames).toBe(frames.length);
          expect(r.seen).toEqual(frames.map((f) => ({ opcode: f.opcode, payload: hex(f.payload) })));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('splits a stream fed one byte at a time', () => {
    const frames = [serverFrame(Opcode.Binary, Uint8Array.of(2, 1, 0, 9)), serverFrame(Opcode.Text, new TextEncoder().encode('2')), serverFrame(Opcode.Binary, new Uint8Array(200).fill(7))];
    const stream = concat(frames);
    const r = scan(stream, Array.from({ length: stream.length - 1 }, (_, i) => i + 1));
    expect(r.error).toBeNull();
    expect(r.seen.map((s) => s.payload.length / 2)).toEqual([4, 1, 200]);
  });

  it('holds back a frame until its last byte and hands over nothing of it before', () => {
    const frame = serverFrame(Opcode.Binary, new Uint8Array(300).fill(1));
    const seen: number[] = [];
    const scanner = new ServerFrameScanner({ frame: (_o, _b, s, e) => seen.push(e - s) });
    scanner.push(frame, 0, 299);
    expect(seen).toEqual([]);
    scanner.push(frame, 299, frame.length);
    expect(seen).toEqual([300]);
  });

  it.each([
    ['masked', Uint8Array.of(0x82, 0x81, 1, 2, 3, 4, 5), /masked/],
    ['fragmented', Uint8Array.of(0x02, 0x01, 5), /fragmented/],
    ['reserved bits', Uint8Array.of(0xc2, 0x01, 5), /reserved/],
    ['64-bit length past 2^32', Uint8Array.of(0x82, 127, 0, 0, 0, 1, 0, 0, 0, 0), /too long/],
  ])('stops at a %s frame with a reason, and reads nothing after it', (_name, bad, reason) => {
    const good = serverFrame(Opcode.Binary, Uint8Array.of(1));
    const r = scan(concat([good, bad, good]), []);
    expect(r.error).toMatch(reason);
    expect(r.seen).toHaveLength(1);
  });

  it('refuses a frame longer than its limit before reading its payload', () => {
    const r = scan(serverFrame(Opcode.Binary, new Uint8Array(2000)).subarray(0, 4), [], 1000);
    expect(r.error).toMatch(/2000 bytes \(limit 1000\)/);
  });

  it('never throws on random bytes, cut anywhere', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.array(fc.nat(), { maxLength: 8 }), (bytes, rawCuts) => {
        const cuts = [...new Set(rawCuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
        const r = scan(bytes, cuts, 4096);
        for (const s of r.seen) expect(s.payload.length / 2).toBeLessThanOrEqual(4096);
      }),
    );
  });
});
