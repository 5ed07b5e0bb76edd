/**
 * Plain data (what a game's toState returns: null, booleans, numbers, strings, arrays, objects) in
 * a compact binary form, for the checkpoints of a replay's log. JSON of an Arena checkpoint is
 * 28 KB, most of it a second of position history: the same objects with the same keys, frame
 * after frame, positions moving by a few eighths of a pixel. So:
 *
 * - an object's keys are written once per shape, then the shape's number;
 * - strings are written once, then their number;
 * - a number is an integer scaled by a power of two when that is exact (the sim's positions are
 *   multiples of 1/8), else a float32 when exact, else a float64;
 * - each value has a "context": the value at the same place in the previous element of the
 *   enclosing array (frame i - 1's player j for frame i's player j); a value equal to its context
 *   is one byte, and a number near its context is written as the scaled difference.
 *
 * Decoding never throws: bad bytes answer null with `failed` set. Depth and counts are bounded.
 *
 *   tag u8: 0 null | 1 false | 2 true | 3 same as context      5 float32 | 6 float64
 *           8 new string: varint length, UTF-8              9 string: varint index
 *           10 array: varint n, n values
 *           11 object, new shape: varint n, n keys (each a tag 8 or 9 string), n values
 *           12 object, known shape: varint index, its values
 *           32 + k (k 0..16): number, zigzag varint (v - context) * 2^k
 *           64 + k (k 0..16): number, zigzag varint v * 2^k
 */
import { ByteReader, ByteWriter } from './bytes.ts';

const MAX_DEPTH = 64;
const MAX_SCALE = 16;
const DELTA = 32;
const SCALED = 64;

const zigzag = (n: number): number => (n >= 0 ? n * 2 : -n * 2 - 1);
const unzigzag = (n: number): number => (n % 2 === 0 ? n / 2 : -(n + 1) / 2);

/** The smallest k (0..16) with v * 2^k an integer whose zigzag fits 32 bits, or -1. */
function scaleOf(v: number): number {
  for (let k = 0, s = 1; k <= MAX_SCALE; k++, s *= 2) {
    const x = v * s;
    if (Number.isInteger(x)) return Math.abs(x) < 0x7fffffff ? k : -1;
  }
  return -1;
}

/**
 * The shapes met so far, as a tree of their keys in order: finding an object's shape walks its
 * keys, with no key list or id string made per object (an Arena checkpoint holds ~700 objects of
 * a dozen shapes, and building `JSON.stringify(keys)` for each was a third of its encode).
 */
interface ShapeNode {
  id: number;
  next: Map<string, ShapeNode> | null;
}

export function packPlain(value: unknown): Uint8Array {
  const w = new ByteWriter(1024);
  const strings = new Map<string, number>();
  const shapes: ShapeNode = { id: -1, next: null };
  let shapeCount = 0;

  const str = (s: string) => {
    const at = strings.get(s);
    if (at !== undefined) {
      w.u8(9);
      w.varint(at);
      return;
    }
    strings.set(s, strings.size);
    w.u8(8);
    w.text(s);
  };

  const num = (v: number, ctx: unknown) => {
    const kv = Number.isFinite(v) && !Object.is(v, -0) ? scaleOf(v) : -1;
    if (kv >= 0 && typeof ctx === 'number') {
      const kc = Number.isFinite(ctx) ? scaleOf(ctx) : -1;
      // The difference is exact only when both sides are on a grid (the finer one is used).
      const k = Math.max(kv, kc);
      const scaled = (v - ctx) * 2 ** k;
      if (kc >= 0 && Number.isInteger(scaled) && Math.abs(scaled) < 0x7fffffff && ctx + scaled / 2 ** k === v) {
        w.u8(DELTA + k);
        w.varint(zigzag(scaled));
        return;
      }
    }
    const k = kv;
    if (k >= 0) {
      w.u8(SCALED + k);
      w.varint(zigzag(v * 2 ** k));
      return;
    }
    const single = Math.fround(v) === v || Number.isNaN(v);
    const b = new Uint8Array(single ? 4 : 8);
    if (single) new DataView(b.buffer).setFloat32(0, v, true);
    else new DataView(b.buffer).setFloat64(0, v, true);
    w.u8(single ? 5 : 6);
    w.bytes(b);
  };

  const put = (v: unknown, ctx: unknown, depth: number): void => {
    if (depth > MAX_DEPTH) throw new Error('plain data nested too deep');
    if (v === null || v === undefined) return void w.u8(0);
    if (typeof v !== 'object' && v === ctx && !Object.is(v, -0)) return void w.u8(3);
    if (typeof v === 'boolean') return void w.u8(v ? 2 : 1);
    if (typeof v === 'number') return num(v, ctx);
    if (typeof v === 'string') return str(v);
    if (Array.isArray(v)) {
      w.u8(10);
      w.varint(v.length);
      const c = Array.isArray(ctx) ? ctx : null;
      for (let i = 0; i < v.length; i++) put(v[i], c && i < c.length ? c[i] : i > 0 ? v[i - 1] : undefined, depth + 1);
      return;
    }
    const obj = v as Record<string, unknown>;
    // Own enumerable keys in order (as Object.keys), those with a value: the object's shape.
    let node = shapes;
    let count = 0;
    for (const k in obj) {
      if (!Object.prototype.hasOwnProperty.call(obj, k) || obj[k] === undefined) continue;
      count++;
      let child = node.next?.get(k);
      if (!child) {
        child = { id: -1, next: null };
        (node.next ??= new Map()).set(k, child);
      }
      node = child;
    }
    if (node.id >= 0) {
      w.u8(12);
      w.varint(node.id);
    } else {
      node.id = shapeCount++;
      w.u8(11);
      w.varint(count);
      for (const k in obj) if (Object.prototype.hasOwnProperty.call(obj, k) && obj[k] !== undefined) str(k);
    }
    const c = typeof ctx === 'object' && ctx !== null && !Array.isArray(ctx) ? (ctx as Record<string, unknown>) : null;
    for (const k in obj) if (Object.prototype.hasOwnProperty.call(obj, k) && obj[k] !== undefined) put(obj[k], c?.[k], depth + 1);
  };

  put(value, undefined, 0);
  return w.finish();
}

export function unpackPlain(bytes: Uint8Array): { ok: true; value: unknown } | { ok: false; message: string } {
  const r = new ByteReader(bytes);
  const strings: string[] = [];
  const shapes: string[][] = [];
  let bad: string | null = null;
  const fail = (why: string): null => {
    bad ??= `${why} at byte ${r.pos}`;
    r.failed = true;
    return null;
  };

  const str = (tag: number): string | null => {
    if (tag === 8) {
      const s = r.text();
      if (s === null) return fail('a string cut short or not UTF-8');
      strings.push(s);
      return s;
    }
    if (tag === 9) {
      const at = r.varint();
      return r.failed || at >= strings.length ? fail('an unknown string') : strings[at]!;
    }
    return fail('a key that is not a string');
  };

  const get = (ctx: unknown, depth: number): unknown => {
    if (r.failed) return null;
    if (depth > MAX_DEPTH) return fail('plain data nested too deep');
    const tag = r.u8();
    if ((tag >= DELTA && tag <= DELTA + MAX_SCALE) || (tag >= SCALED && tag <= SCALED + MAX_SCALE)) {
      const delta = tag < SCALED;
      const k = tag - (delta ? DELTA : SCALED);
      const n = r.varint();
      if (r.failed) return fail('a number cut short');
      const v = unzigzag(n) / 2 ** k;
      if (!delta) return v;
      return typeof ctx === 'number' ? ctx + v : fail('a difference from no number');
    }
    switch (tag) {
      case 0:
        return null;
      case 1:
        return false;
      case 2:
        return true;
      case 3:
        return typeof ctx === 'object' || ctx === undefined ? fail('"same as before" with nothing before') : ctx;
      case 5: {
        const b = r.bytes(4);
        return r.failed ? fail('a number cut short') : new DataView(b.buffer, b.byteOffset, 4).getFloat32(0, true);
      }
      case 6: {
        const b = r.bytes(8);
        return r.failed ? fail('a number cut short') : new DataView(b.buffer, b.byteOffset, 8).getFloat64(0, true);
      }
      case 8:
      case 9:
        return str(tag);
      case 10: {
        const n = r.varint();
        if (r.failed || n > r.remaining) return fail('a bad array length');
        const c = Array.isArray(ctx) ? ctx : null;
        const out: unknown[] = [];
        for (let i = 0; i < n && !r.failed; i++) out.push(get(c && i < c.length ? c[i] : i > 0 ? out[i - 1] : undefined, depth + 1));
        return out;
      }
      case 11:
      case 12: {
        let keys: string[];
        if (tag === 11) {
          const n = r.varint();
          if (r.failed || n > r.remaining) return fail('a bad key count');
          keys = [];
          for (let i = 0; i < n; i++) {
            const k = str(r.u8());
            if (k === null) return null;
            keys.push(k);
          }
          shapes.push(keys);
        } else {
          const at = r.varint();
          if (r.failed || at >= shapes.length) return fail('an unknown object shape');
          keys = shapes[at]!;
        }
        const c = typeof ctx === 'object' && ctx !== null && !Array.isArray(ctx) ? (ctx as Record<string, unknown>) : null;
        const out: Record<string, unknown> = {};
        for (const k of keys) {
          const v = get(c?.[k], depth + 1);
          // An own "__proto__" key, as JSON.parse makes it, never the prototype.
          if (k === '__proto__') Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
          else out[k] = v;
        }
        return out;
      }
      default:
        return fail(`unknown tag ${tag}`);
    }
  };

  const value = get(undefined, 0);
  if (r.failed) return { ok: false, message: bad ?? `plain data cut short at byte ${r.pos}` };
  if (!r.done) return { ok: false, message: `${r.remaining} bytes after the plain data` };
  return { ok: true, value };
}
