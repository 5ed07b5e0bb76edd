/**
 * A deep copy of plain data (what a game's `toState` returns: objects, arrays, numbers, strings,
 * booleans, null), for checkpoints taken once a second per match on a cluster node.
 * `structuredClone` does the same through V8's serializer (write every value out, read it back):
 * on a 16-player Arena state (a second of position history, the map) that was ~330 µs a
 * checkpoint, about half of what a checkpoint costs its node (loadtest/bench/checkpoint.bench.ts).
 * Copying the objects directly keeps keys in order and values as they are (-0, NaN, undefined
 * included); anything that is not a plain object or an array (a Map, a typed array, a Date) is
 * left to `structuredClone`, so the copy is never less faithful than before.
 */
export function clonePlain<T>(value: T): T {
  return copy(value) as T;
}

function copy(v: unknown): unknown {
  if (typeof v !== 'object' || v === null) return v;
  if (Array.isArray(v)) {
    const out = new Array<unknown>(v.length);
    for (let i = 0; i < v.length; i++) out[i] = copy(v[i]);
    return out;
  }
  const proto = Object.getPrototypeOf(v) as unknown;
  if (proto !== Object.prototype && proto !== null) return structuredClone(v);
  const src = v as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k in src) {
    // An own key named "__proto__" (JSON.parse makes one) would set the copy's prototype through
    // assignment: it is defined as the plain property it is.
    if (k === '__proto__') Object.defineProperty(out, k, { value: copy(src[k]), enumerable: true, writable: true, configurable: true });
    else out[k] = copy(src[k]);
  }
  return out;
}
