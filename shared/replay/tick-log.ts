/**
 * The input log of a match, tick by tick: everything that changed the game's state, in the order
 * the runner did it, so the same GameDefinition calls give the same state again. Per tick:
 *
 *   u8 flags
 *     0x80 | (n - 1)   n (1..128) ticks in a row where nothing but the step happened
 *     otherwise bits   0x01 checkpoint, 0x02 seat events, 0x04 play begins, 0x08 inputs,
 *                      0x10 a snapshot was taken (only written on ticks that are not a multiple
 *                      of the match's snapshotEvery: those always have one)
 *   [checkpoint]  varint length, then {replay, tick, playing, state} packed (plain-pack.ts: a
 *                 quarter of its JSON): the state before this tick (after the previous one),
 *                 where a viewer may seek and verify may start
 *   [events]      varint count, then per event varint (slot << 2 | kind): 0 enter, 1 away, 2 gone
 *   [inputs]      unless flag 0x20 (the same slots as the last tick with inputs since the last
 *                 checkpoint), a bitmap of the slots that sent one (ceil(slots / 8) bytes); then
 *                 ceil(n / 8) bytes of "same pattern" bits, one per input in slot order; then, per
 *                 slot in ascending order, the input against the slot's previous one (see below)
 *
 * An input is the game's own input codec bytes with `seq` set to 0 (a connection's counter, no
 * part of the game) and `clientTick` replaced by how many ticks behind the stepped tick it was
 * (unsigned 32-bit arithmetic, so any clientTick comes back exactly). Those bytes are XORed with
 * the slot's previous ones. An input whose changed bytes are exactly the slot's pattern (the
 * bytes its last run-coded input changed) has its "same pattern" bit set and is those bytes'
 * XORs alone, no control byte: an Arena player or bot turning its aim changes the same three
 * bytes of the float tick after tick, 3 bytes an input. Otherwise it is written as runs, and the
 * bytes it changed become the slot's pattern: a control byte (skip: high nibble 0-14 zero bytes,
 * then bits 1-3: 0-7 literal bytes follow, bit 0: another control byte follows). A high nibble
 * of 15 means "all the bytes, literally" (varint length, bytes; the pattern is then empty): the
 * first input of a slot after a checkpoint, or one of a new length. A checkpoint forgets every
 * previous input, pattern and slot bitmap, so reading can start at any checkpoint.
 *
 * Version 2 (REPLAY_TICK_LOG_VERSION); version 1 had neither the patterns nor flag 0x20 (at
 * 30 Hz a 16-player Arena log was 130 B/s per player before checkpoints, now about 108).
 */
import type { InputHeader } from '../game/game-definition.ts';
import { ByteReader, ByteWriter } from './bytes.ts';
import { packPlain, unpackPlain } from './plain-pack.ts';

export type SeatEventKind = 'enter' | 'away' | 'gone';
const KINDS: readonly SeatEventKind[] = ['enter', 'away', 'gone'];

export interface TickCheckpoint {
  /** The replay this checkpoint belongs to (a log spliced from another match is refused). */
  replay: string;
  /** The tick the state is at; the record's tick is the next one. */
  tick: number;
  playing: boolean;
  state: unknown;
}

/** One stepped tick, as read back. */
export interface TickRecord {
  tick: number;
  checkpoint: TickCheckpoint | null;
  events: { slot: number; kind: SeatEventKind }[];
  beginPlay: boolean;
  /** Canonical input bytes per slot, in slot order. */
  inputs: { slot: number; bytes: Uint8Array }[];
  /** The game was asked for a snapshot after the step (it may change the state). */
  snapshot: boolean;
}

const F_CHECKPOINT = 0x01;
const F_EVENTS = 0x02;
const F_BEGIN = 0x04;
const F_INPUTS = 0x08;
const F_SNAPSHOT = 0x10;
const F_SAME_SLOTS = 0x20;
const RUN = 0x80;

/** The tick log's own layout version, carried in the replay's header (`tickLog`). */
export const REPLAY_TICK_LOG_VERSION = 2;
const FULL = 0xf0;

/**
 * The game-independent form of an input: its codec bytes without seq, clientTick as a lag. This
 * runs for every input the server applies, so the header is swapped on the input itself for the
 * encode and put back before returning (nothing else runs meanwhile): copying the input first,
 * even onto a scratch object kept per match, cost the recorder a quarter of its time per input
 * (Object.assign), and the input keeps the one shape the game's codec and step already see.
 */
export function canonicalInput(encode: (input: InputHeader) => Uint8Array, input: InputHeader, tick: number): Uint8Array {
  const { seq, clientTick } = input;
  const lag = tick - clientTick;
  input.seq = 0;
  input.clientTick = lag >= 0 ? lag : lag + 4294967296;
  try {
    return encode(input);
  } finally {
    input.seq = seq;
    input.clientTick = clientTick;
  }
}

/** A codec's `encodeInto` (InputCodec): the bytes at `out[offset…end)` when they fit there; their length. */
export type EncodeInto = (input: InputHeader, out: Uint8Array, offset: number, end: number) => number;

/** `canonicalInput` written at `out[offset…end)` when it fits there (nothing written otherwise); its length. */
export function canonicalInputInto(encodeInto: EncodeInto, input: InputHeader, tick: number, out: Uint8Array, offset: number, end: number): number {
  const { seq, clientTick } = input;
  const lag = tick - clientTick;
  input.seq = 0;
  input.clientTick = lag >= 0 ? lag : lag + 4294967296;
  try {
    return encodeInto(input, out, offset, end);
  } finally {
    input.seq = seq;
    input.clientTick = clientTick;
  }
}

/** The input the runner applied, from its canonical bytes (seq 0: applyInput never reads it). */
export function inputFromCanonical<I extends InputHeader>(decoded: I, tick: number): I {
  return { ...decoded, seq: 0, clientTick: (tick - decoded.clientTick) >>> 0 };
}

export class TickLogWriter {
  private readonly out = new ByteWriter(4096);
  /**
   * Each slot's last input and the one being written, side by side in two buffers of `stride`
   * bytes a slot (the slot's at slot * stride): `side[slot]` says which buffer holds its last
   * one, and the new one is encoded into the other, then the sides swap. The bases of a whole
   * match sit in a few cache lines, and an input costs no new array: per input, a new array (and
   * the write barrier to keep it) and a base scattered over the heap cost the server ~10× what
   * the same code costs with warm caches (BENCHMARKS.md, "Replay recorder: inputs into kept buffers").
   */
  private stride: number;
  private bufs: [Uint8Array, Uint8Array];
  private readonly side: Uint8Array;
  /** The length of each slot's last input; -1: none since the last checkpoint. */
  private readonly baseLen: Int32Array;
  /**
   * Per slot, the byte positions its last run-coded input changed (ascending), at slot * stride
   * (an input changes at most all its bytes), and how many. Flat for the same reason as the bases:
   * a small array per slot, refilled per input, was the recorder's slowest load in the server.
   */
  private patterns: Int32Array;
  private readonly patternLen: Int32Array;
  private readonly bitmap: Uint8Array;
  /** The slots bitmap of the last tick with inputs since the last checkpoint (null: none yet). */
  private lastBitmap: Uint8Array | null = null;
  /** This tick's "same pattern" bits, one per input in slot order. */
  private readonly sameBits: Uint8Array;
  private emptyRun = 0;
  private pendingCheckpoint: Uint8Array | null = null;
  private events: number[] = [];
  private begin = false;
  /** This tick's inputs, already delta-coded, in slot order; the bitmap says whose. */
  private readonly scratch = new ByteWriter(1024);
  private inputCount = 0;

  /** `stride`: each slot's first room, in bytes (the games' inputs fit 16; tests start smaller). */
  constructor(
    private readonly slots: number,
    private readonly snapshotEvery: number,
    stride = 16,
  ) {
    this.stride = Math.max(1, Math.floor(stride));
    this.bufs = [new Uint8Array(slots * this.stride), new Uint8Array(slots * this.stride)];
    this.side = new Uint8Array(slots);
    this.baseLen = new Int32Array(slots).fill(-1);
    this.patterns = new Int32Array(slots * this.stride);
    this.patternLen = new Int32Array(slots);
    this.bitmap = new Uint8Array(Math.ceil(slots / 8));
    this.sameBits = new Uint8Array(Math.ceil(slots / 8));
  }

  /** A checkpoint: the reader may start here, knowing no earlier input. */
  private forget(): void {
    this.baseLen.fill(-1);
    this.patternLen.fill(0);
    this.lastBitmap = null;
  }

  /** Bytes written and not yet taken. */
  get size(): number {
    return this.out.length;
  }

  /** The state before the next tick; the next tick's record carries it. */
  checkpoint(cp: TickCheckpoint): void {
    this.pendingCheckpoint = packPlain(cp);
  }

  seat(slot: number, kind: SeatEventKind): void {
    this.events.push(slot * 4 + KINDS.indexOf(kind));
  }

  beginPlay(): void {
    this.begin = true;
  }

  /**
   * An input by its canonical bytes (`canonicalInput`). Inputs of one tick must come in ascending
   * slot order (the runner applies them so).
   */
  input(slot: number, canonical: Uint8Array): void {
    const n = canonical.length;
    if (n > this.stride) this.grow(n);
    this.bufs[this.side[slot]! ^ 1]!.set(canonical, slot * this.stride);
    this.record(slot, n);
  }

  /**
   * The same as `input(slot, canonicalInput(…))`, encoded straight into the slot's buffer. The
   * codec may write only within the slot's own `stride` bytes: the next slot's region may hold
   * that slot's last input, the base its next one is coded against. An input that does not fit
   * is not written; the buffers grow and it is encoded again.
   */
  inputFrom(slot: number, encodeInto: EncodeInto, input: InputHeader, tick: number): void {
    let at = slot * this.stride;
    let n = canonicalInputInto(encodeInto, input, tick, this.bufs[this.side[slot]! ^ 1]!, at, at + this.stride);
    if (n > this.stride) {
      this.grow(n);
      at = slot * this.stride;
      n = canonicalInputInto(encodeInto, input, tick, this.bufs[this.side[slot]! ^ 1]!, at, at + this.stride);
    }
    this.record(slot, n);
  }

  /** Room for inputs of `n` bytes in every slot, keeping each slot's last input. */
  private grow(n: number): void {
    let stride = this.stride * 2;
    while (stride < n) stride *= 2;
    const bufs: [Uint8Array, Uint8Array] = [new Uint8Array(this.slots * stride), new Uint8Array(this.slots * stride)];
    const patterns = new Int32Array(this.slots * stride);
    for (let slot = 0; slot < this.slots; slot++) {
      const from = slot * this.stride;
      patterns.set(this.patterns.subarray(from, from + this.patternLen[slot]!), slot * stride);
      const len = this.baseLen[slot]!;
      if (len < 0) continue;
      const side = this.side[slot]!;
      bufs[side]!.set(this.bufs[side]!.subarray(from, from + len), slot * stride);
    }
    this.bufs = bufs;
    this.patterns = patterns;
    this.stride = stride;
  }

  /** The slot's new input, `n` bytes, is in the buffer that does not hold its last one. */
  private record(slot: number, n: number): void {
    // A checkpoint before this tick forgets every base: the reader starts afresh there.
    if (this.inputCount === 0 && this.pendingCheckpoint !== null) this.forget();
    if (this.inputCount === 0) {
      // By hand: TypedArray.prototype.fill is a call into the runtime, dearer than a few bytes.
      for (let i = 0; i < this.bitmap.length; i++) this.bitmap[i] = 0;
      for (let i = 0; i < this.sameBits.length; i++) this.sameBits[i] = 0;
    }
    this.bitmap[slot >> 3]! |= 1 << (slot & 7);
    const side = this.side[slot]!;
    const base = this.bufs[side]!;
    const bytes = this.bufs[side ^ 1]!;
    const at = slot * this.stride;
    const hasBase = this.baseLen[slot] === n;
    const patterns = this.patterns;
    const count = this.patternLen[slot]!;
    if (hasBase && samePattern(base, bytes, at, n, patterns, count)) {
      this.sameBits[this.inputCount >> 3]! |= 1 << (this.inputCount & 7);
      const out = this.scratch;
      out.room(count);
      for (let k = at; k < at + count; k++) {
        const i = at + patterns[k]!;
        out.put(bytes[i]! ^ base[i]!);
      }
    } else {
      this.patternLen[slot] = writeDelta(this.scratch, hasBase ? base : null, bytes, at, n, patterns);
    }
    this.side[slot] = side ^ 1;
    this.baseLen[slot] = n;
    this.inputCount++;
  }

  /** Closes the tick just stepped; `snapshot`: the game was asked for one after the step. */
  endTick(tick: number, snapshot: boolean): void {
    const extraSnapshot = snapshot && tick % this.snapshotEvery !== 0;
    const empty = this.pendingCheckpoint === null && this.events.length === 0 && !this.begin && this.inputCount === 0 && !extraSnapshot;
    if (empty) {
      this.emptyRun += 1;
      if (this.emptyRun === 128) this.flushRun();
      return;
    }
    this.flushRun();
    const out = this.out;
    const sameSlots = this.inputCount > 0 && this.lastBitmap !== null && equalBytes(this.lastBitmap, this.bitmap);
    const flags =
      (this.pendingCheckpoint !== null ? F_CHECKPOINT : 0) |
      (this.events.length ? F_EVENTS : 0) |
      (this.begin ? F_BEGIN : 0) |
      (this.inputCount ? F_INPUTS : 0) |
      (extraSnapshot ? F_SNAPSHOT : 0) |
      (sameSlots ? F_SAME_SLOTS : 0);
    out.u8(flags);
    if (this.pendingCheckpoint !== null) out.block(this.pendingCheckpoint);
    if (this.events.length) {
      out.varint(this.events.length);
      for (const e of this.events) out.varint(e);
    }
    if (this.inputCount) {
      if (!sameSlots) out.bytes(this.bitmap);
      // Copied without views: two subarrays a tick were a third of closing it.
      const sameBytes = (this.inputCount + 7) >> 3;
      out.room(sameBytes);
      for (let i = 0; i < sameBytes; i++) out.put(this.sameBits[i]!);
      out.append(this.scratch);
      this.scratch.reset();
      this.lastBitmap = (this.lastBitmap ?? new Uint8Array(this.bitmap.length));
      this.lastBitmap.set(this.bitmap);
    }
    // A checkpoint on a tick without inputs still forgets the bases (the reader does).
    if (this.pendingCheckpoint !== null && this.inputCount === 0) this.forget();
    this.pendingCheckpoint = null;
    if (this.events.length) this.events = [];
    this.begin = false;
    this.inputCount = 0;
  }

  /** Seat events since the last tick closed: they changed the state after the log's last tick. */
  trailing(): { slot: number; kind: SeatEventKind }[] {
    return this.events.map((e) => ({ slot: Math.floor(e / 4), kind: KINDS[e & 3]! }));
  }

  /** Everything written so far (whole ticks only), and forgets it; inputs' bases carry on. */
  take(): Uint8Array {
    this.flushRun();
    const bytes = this.out.finish();
    this.out.reset();
    return bytes;
  }

  private flushRun(): void {
    if (this.emptyRun === 0) return;
    this.out.u8(RUN | (this.emptyRun - 1));
    this.emptyRun = 0;
  }
}

/** True when the `n` bytes at `at` that differ from `base`'s are exactly the `count` positions at `patterns[at…]`. */
function samePattern(base: Uint8Array, bytes: Uint8Array, at: number, n: number, patterns: Int32Array, count: number): boolean {
  let j = 0;
  for (let i = 0; i < n; i++) {
    if (bytes[at + i] === base[at + i]) continue;
    if (j === count || patterns[at + j] !== i) return false;
    j++;
  }
  return j === count;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * The `n` bytes at `at`, run-coded against `base`'s (or whole, with no base of the same length);
 * the changed positions go to `patterns[at…]`, and their count is returned.
 */
function writeDelta(out: ByteWriter, base: Uint8Array | null, bytes: Uint8Array, at: number, n: number, patterns: Int32Array): number {
  if (base === null) {
    out.u8(FULL);
    out.varint(n);
    out.room(n);
    for (let i = at; i < at + n; i++) out.put(bytes[i]!);
    return 0;
  }
  let count = 0;
  // At most one control byte per literal byte, plus skips: room once, then unchecked writes.
  // Each control byte is written once the next run is known to exist (its "more" bit).
  out.room(2 * n + 2);
  let pos = 0;
  let pending = -1;
  let litStart = 0;
  let litLen = 0;
  while (pos < n) {
    let skip = 0;
    while (pos < n && skip < 14 && bytes[at + pos] === base[at + pos]) {
      skip++;
      pos++;
    }
    if (pos >= n) break; // trailing equal bytes need no control byte
    const start = pos;
    while (pos < n && pos - start < 7 && bytes[at + pos] !== base[at + pos]) pos++;
    if (pending >= 0) {
      out.put(pending | 1);
      for (let i = at + litStart; i < at + litStart + litLen; i++) out.put(bytes[i]! ^ base[i]!);
    }
    for (let i = start; i < pos; i++) patterns[at + count++] = i;
    pending = (skip << 4) | ((pos - start) << 1);
    litStart = start;
    litLen = pos - start;
  }
  if (pending < 0) {
    out.put(0);
    return 0;
  }
  out.put(pending);
  for (let i = at + litStart; i < at + litStart + litLen; i++) out.put(bytes[i]! ^ base[i]!);
  return count;
}

export type LogError = { ok: false; message: string };

/**
 * Reads a whole log (chunks already joined) into tick records, starting at `firstTick`. Never
 * throws: a malformed log answers what is wrong and where. `slots` is the match's seat count.
 */
export function readTickLog(bytes: Uint8Array, firstTick: number, slots: number, snapshotEvery: number, maxTicks: number): { ok: true; ticks: TickRecord[] } | LogError {
  return new TickLogReader(slots, snapshotEvery).read(bytes, firstTick, maxTicks);
}

/**
 * Reads a log chunk by chunk as it is written (a spectator's re-simulation follows a running
 * match this way): the inputs' bases, patterns and the last slot bitmap carry over from one
 * `read` to the next, as they do between the writer's chunks. Start it at a chunk that begins
 * with a checkpoint. After an error its state is undefined: start a new reader at the next
 * checkpoint.
 */
export class TickLogReader {
  private readonly bases: (Uint8Array | null)[];
  private readonly patterns: number[][];
  private lastBitmap: Uint8Array | null = null;
  private readonly bitmapBytes: number;

  constructor(
    private readonly slots: number,
    private readonly snapshotEvery: number,
  ) {
    this.bases = new Array<Uint8Array | null>(slots).fill(null);
    this.patterns = Array.from({ length: slots }, () => []);
    this.bitmapBytes = Math.ceil(slots / 8);
  }

  /** The ticks of `bytes` (whole ticks, the first being `firstTick`); at most `maxTicks` of them. */
  read(bytes: Uint8Array, firstTick: number, maxTicks: number): { ok: true; ticks: TickRecord[] } | LogError {
    const { slots, snapshotEvery, bases, patterns, bitmapBytes } = this;
    const r = new ByteReader(bytes);
    const ticks: TickRecord[] = [];
    let tick = firstTick;
    const fail = (what: string): LogError => ({ ok: false, message: `${what} (tick ${tick}, byte ${r.pos} of the log)` });
    while (!r.done) {
      const flags = r.u8();
      if (flags & RUN) {
        const n = (flags & 0x7f) + 1;
        if (ticks.length + n > maxTicks) return fail('more ticks than the chunks say');
        for (let i = 0; i < n; i++, tick++) ticks.push({ tick, checkpoint: null, events: [], beginPlay: false, inputs: [], snapshot: tick % snapshotEvery === 0 });
        continue;
      }
      if (flags & 0x40) return fail(`unknown tick flags 0x${flags.toString(16)}`);
      if (flags & F_SAME_SLOTS && !(flags & F_INPUTS)) return fail('the same slots as before, without inputs');
      if (ticks.length + 1 > maxTicks) return fail('more ticks than the chunks say');
      const rec: TickRecord = { tick, checkpoint: null, events: [], beginPlay: (flags & F_BEGIN) !== 0, inputs: [], snapshot: (flags & F_SNAPSHOT) !== 0 || tick % snapshotEvery === 0 };
      if (flags & F_CHECKPOINT) {
        const packed = r.block();
        if (r.failed) return fail('a checkpoint cut short');
        const cp = unpackPlain(packed);
        if (!cp.ok) return fail(`a damaged checkpoint: ${cp.message}`);
        const c = cp.value as Partial<TickCheckpoint> | null;
        if (typeof c !== 'object' || c === null || typeof c.replay !== 'string' || c.tick !== tick - 1 || typeof c.playing !== 'boolean' || !('state' in c)) {
          return fail('a checkpoint without its replay, tick, phase and state');
        }
        rec.checkpoint = c as TickCheckpoint;
        bases.fill(null);
        for (const p of patterns) p.length = 0;
        this.lastBitmap = null;
      }
      if (flags & F_EVENTS) {
        const count = r.varint();
        if (r.failed || count === 0 || count > slots * 4) return fail('a bad seat event count');
        for (let i = 0; i < count; i++) {
          const v = r.varint();
          const kind = KINDS[v & 3];
          const slot = Math.floor(v / 4);
          if (r.failed || kind === undefined || slot >= slots) return fail('a bad seat event');
          rec.events.push({ slot, kind });
        }
      }
      if (flags & F_INPUTS) {
        let bitmap: Uint8Array;
        if (flags & F_SAME_SLOTS) {
          if (this.lastBitmap === null) return fail('the same slots as a tick before the first');
          bitmap = this.lastBitmap;
        } else {
          bitmap = r.bytes(bitmapBytes);
          if (r.failed) return fail('inputs cut short');
          if (slots % 8 !== 0 && bitmap[bitmapBytes - 1]! >> slots % 8 !== 0) return fail('an input for a slot the match does not have');
        }
        let count = 0;
        for (let slot = 0; slot < slots; slot++) if (bitmap[slot >> 3]! & (1 << (slot & 7))) count++;
        if (count === 0) return fail('an empty input bitmap');
        const same = r.bytes(Math.ceil(count / 8));
        if (r.failed) return fail('inputs cut short');
        let k = 0;
        for (let slot = 0; slot < slots; slot++) {
          if ((bitmap[slot >> 3]! & (1 << (slot & 7))) === 0) continue;
          const bytes = same[k >> 3]! & (1 << (k & 7)) ? readSame(r, bases[slot] ?? null, patterns[slot]!) : readDelta(r, bases[slot] ?? null, patterns[slot]!);
          k++;
          if (bytes === null) return fail(`a bad input for slot ${slot}`);
          bases[slot] = bytes;
          rec.inputs.push({ slot, bytes });
        }
        if (count % 8 !== 0 && same[same.length - 1]! >> count % 8 !== 0) return fail('a pattern bit for an input that is not there');
        // A bitmap read from the log is a view of its bytes: kept across reads, it is copied.
        this.lastBitmap = flags & F_SAME_SLOTS ? bitmap : bitmap.slice();
      }
      ticks.push(rec);
      tick++;
    }
    if (r.failed) return fail('the log ends in the middle of a tick');
    return { ok: true, ticks };
  }
}

/** A run-coded or whole input; `pattern` becomes the positions its runs wrote. */
function readDelta(r: ByteReader, base: Uint8Array | null, pattern: number[]): Uint8Array | null {
  const first = r.u8();
  if (r.failed) return null;
  pattern.length = 0;
  if ((first & 0xf0) === FULL) {
    if (first !== FULL) return null;
    const b = r.block();
    return r.failed ? null : b.slice();
  }
  if (base === null) return null;
  const out = base.slice();
  let pos = 0;
  let ctrl = first;
  for (;;) {
    const skip = ctrl >> 4;
    const lit = (ctrl >> 1) & 7;
    if (skip === 15) return null;
    pos += skip;
    if (pos + lit > out.length) return null;
    for (let i = 0; i < lit; i++) {
      out[pos + i]! ^= r.u8();
      pattern.push(pos + i);
    }
    pos += lit;
    if (r.failed) return null;
    if ((ctrl & 1) === 0) return out;
    ctrl = r.u8();
    if (r.failed) return null;
  }
}

/** An input with its slot's pattern: the XORs of those bytes alone. */
function readSame(r: ByteReader, base: Uint8Array | null, pattern: readonly number[]): Uint8Array | null {
  if (base === null) return null;
  const out = base.slice();
  for (const i of pattern) out[i]! ^= r.u8();
  return r.failed ? null : out;
}
