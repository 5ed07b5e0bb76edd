import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SnapshotFrameReader } from './ws-snapshot-reader.ts';

const PREFIX = Uint8Array.of(2, 1, 0);

/** A server frame: first byte `b0`, then the length in the smallest encoding (or the one asked for). */
function frame(b0: number, payload: Uint8Array, opts: { lenBytes?: 0 | 2 | 8; mask?: boolean } = {}): Uint8Array {
  const n = payload.length;
  const lenBytes = opts.lenBytes ?? (n < 126 ? 0 : n < 65536 ? 2 : 8);
  const head = [b0];
  const m = opts.mask ? 0x80 : 0;
  if (lenBytes === 0) head.push(m | n);
  else if (lenBytes === 2) head.push(m | 126, n >>> 8, n & 0xff);
  else head.push(m | 127, 0, 0, 0, 0, n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
  if (opts.mask) head.push(1, 2, 3, 4);
  const out = new Uint8Array(head.length + n);
  out.set(head, 0);
  out.set(payload, head.length);
  return out;
}

function bytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 31 + seed) & 0xff;
  return out;
}

function snapshotPayload(n: number, seed: number): Uint8Array {
  const p = bytes(n, seed);
  p.set(PREFIX, 0);
  return p;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Bytes as hex: quick to compare and to append to at 70,000 bytes. */
type Event = { kind: 'match' | 'pass'; bytes: string };
const hex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.length).toString('hex');

/** Feeds `stream` cut at `cuts`; returns what came out, adjacent passes merged (their cut points are not meaningful). */
function run(stream: Uint8Array, cuts: number[], maxMatch = 1 << 20): { events: Event[]; chunks: Uint8Array[]; views: Uint8Array[] } {
  const events: Event[] = [];
  const views: Uint8Array[] = [];
  const reader = new SnapshotFrameReader(PREFIX, maxMatch, {
    match: (p) => {
      views.push(p);
      events.push({ kind: 'match', bytes: hex(p) });
    },
    pass: (b) => {
      const last = events[events.length - 1];
      if (last?.kind === 'pass') last.bytes += hex(b);
      else events.push({ kind: 'pass', bytes: hex(b) });
    },
  });
  const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let from = 0;
  for (const p of [...points, stream.length]) {
    if (p <= from) continue;
    // A copy per chunk, as a socket delivers them: nothing may be read from beyond its own chunk.
    const chunk = stream.slice(from, p);
    chunks.push(chunk);
    reader.push(chunk);
    from = p;
  }
  return { events, chunks, views };
}

/**
 * A stream of every kind of frame a light bot meets, with what must come out of it: snapshot
 * payloads (after the prefix) and passed bytes in order.
 */
function sampleStream(): { stream: Uint8Array; expected: Event[] } {
  const parts: Array<{ bytes: Uint8Array; match?: Uint8Array }> = [];
  const snap = (p: Uint8Array, opts?: { lenBytes?: 0 | 2 | 8 }): void => {
    parts.push({ bytes: frame(0x82, p, opts), match: p.subarray(PREFIX.length) });
  };
  const other = (b: Uint8Array): void => {
    parts.push({ bytes: b });
  };
  other(frame(0x81, new TextEncoder().encode('0{"sid":"x"}'))); // engine.io open, text
  snap(snapshotPayload(40, 1));
  snap(snapshotPayload(4, 2)); // one byte after the prefix
  other(frame(0x82, Uint8Array.of(2, 1))); // only the prefix's start: not a snapshot
  other(frame(0x82, Uint8Array.of(2, 1, 0))); // the bare prefix: not a snapshot
  other(frame(0x82, Uint8Array.of(2, 1, 7, 9, 9))); // another /match event
  other(frame(0x89, Uint8Array.of(1, 2))); // ping
  snap(snapshotPayload(300, 3)); // 16-bit length
  snap(snapshotPayload(70_000, 4)); // 64-bit length
  snap(snapshotPayload(10, 5), { lenBytes: 2 }); // short payload, 16-bit length
  snap(snapshotPayload(10, 6), { lenBytes: 8 }); // short payload, 64-bit length
  other(frame(0xc2, snapshotPayload(12, 7))); // RSV1 (compressed): not ours
  other(frame(0x82, snapshotPayload(12, 8), { mask: true })); // masked: ws refuses it, not us
  // A fragmented binary message whose fragments look like snapshots, a ping between them.
  other(frame(0x02, snapshotPayload(20, 9)));
  other(frame(0x8a, Uint8Array.of(5))); // pong between fragments
  other(frame(0x00, snapshotPayload(20, 10)));
  other(frame(0x80, snapshotPayload(20, 11)));
  snap(snapshotPayload(20, 12)); // after the last fragment: a snapshot again
  other(frame(0x81, bytes(200, 14))); // text, 16-bit length
  other(frame(0x88, Uint8Array.of(0x03, 0xe8))); // close 1000
  const expected: Event[] = [];
  for (const p of parts) {
    if (p.match) expected.push({ kind: 'match', bytes: hex(p.match) });
    else if (p.bytes.length > 0) {
      const last = expected[expected.length - 1];
      if (last?.kind === 'pass') last.bytes += hex(p.bytes);
      else expected.push({ kind: 'pass', bytes: hex(p.bytes) });
    }
  }
  return { stream: concat(parts.map((p) => p.bytes)), expected };
}

describe('SnapshotFrameReader', () => {
  const { stream, expected } = sampleStream();

  it('hands over snapshot frames and passes every other byte, in order, when the stream comes in one chunk', () => {
    const { events } = run(stream, []);
    expect(events).toEqual(expected);
  });

  it('gives the same result however the stream is cut into chunks (many frames per chunk, frames and headers split)', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(stream.length), { maxLength: 40 }), (cuts) => {
        expect(run(stream, cuts).events).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('gives the same result when the stream comes a byte at a time', () => {
    const cuts = Array.from({ length: 2000 }, (_, i) => i + 1);
    // Only the first 2,000 bytes one by one (the 70,000-byte frame would make this slow), the rest whole.
    expect(run(stream, cuts).events).toEqual(expected);
  });

  it('copies nothing when a snapshot frame lies inside one chunk: the payload is a view of the chunk', () => {
    const a = frame(0x82, snapshotPayload(50, 1));
    const b = frame(0x82, snapshotPayload(300, 2));
    const { views, chunks } = run(concat([a, b]), []);
    expect(views).toHaveLength(2);
    for (const v of views) expect(v.buffer).toBe(chunks[0]!.buffer);
  });

  it('passes a snapshot-like frame that arrives inside a fragmented message (ws refuses it: a protocol error)', () => {
    const first = frame(0x02, snapshotPayload(20, 1));
    const inside = frame(0x82, snapshotPayload(20, 2));
    const after = frame(0x82, snapshotPayload(20, 3));
    const { events } = run(concat([first, inside, after]), [25]);
    expect(events).toEqual([
      { kind: 'pass', bytes: hex(concat([first, inside])) },
      { kind: 'match', bytes: hex(snapshotPayload(20, 3).subarray(3)) },
    ]);
  });

  it('passes a frame over the size limit to the receiver', () => {
    const big = frame(0x82, snapshotPayload(500, 1));
    const { events } = run(big, [], 400);
    expect(events).toEqual([{ kind: 'pass', bytes: hex(big) }]);
  });

  it('passes everything after a 64-bit length the receiver would refuse, byte for byte', () => {
    const bad = Uint8Array.of(0x82, 127, 0xff, 0, 0, 0, 0, 0, 0, 5, 2, 1, 0, 1, 2);
    const after = frame(0x82, snapshotPayload(20, 1));
    const s = concat([frame(0x82, snapshotPayload(8, 2)), bad, after]);
    const { events } = run(s, [12, 13]);
    expect(events).toEqual([
      { kind: 'match', bytes: hex(snapshotPayload(8, 2).subarray(3)) },
      { kind: 'pass', bytes: hex(concat([bad, after])) },
    ]);
  });

  it('gives back a half-read frame as it came (header included) and starts over at a frame boundary', () => {
    const passed: number[] = [];
    const matched: number[][] = [];
    const reader = new SnapshotFrameReader(PREFIX, 1 << 20, { match: (p) => matched.push([...p]), pass: (b) => passed.push(...b) });
    const f = frame(0x82, snapshotPayload(300, 1));
    reader.push(f.slice(0, 100));
    expect(reader.holding).toBe(true);
    expect([...reader.takeHeld()!]).toEqual([...f.subarray(0, 100)]);
    expect(reader.holding).toBe(false);
    reader.push(f.slice(0, 1));
    expect([...reader.takeHeld()!]).toEqual([0x82]);
    expect(reader.takeHeld()).toBeNull();
    reader.push(f);
    expect(matched).toHaveLength(1);
    expect(passed).toEqual([]);
  });
});
