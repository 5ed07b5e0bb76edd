/**
 * Seeded uint32 generator (mulberry32). The state lives in the world itself, so cloning or
 * checkpointing a world also checkpoints its randomness, and a replay draws the same numbers.
 */

/** Anything that carries a generator state: a World, or a bare `{ rngState }` (tests, bots). */
export interface RngHolder {
  rngState: number;
}

/** Turns any finite number into a valid uint32 state; throws on NaN/Infinity (a silent 0 seed hides bugs). */
export function seedToState(seed: number): number {
  if (!Number.isFinite(seed)) throw new RangeError(`seed must be a finite number, got ${seed}`);
  return Math.trunc(seed) >>> 0;
}

/** Uniform float in [0, 1); advances the holder's state. */
export function nextRandom(holder: RngHolder): number {
  const state = (holder.rngState + 0x6d2b79f5) >>> 0;
  holder.rngState = state;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

/** Uniform integer in [0, n); n must be a positive integer. */
export function randomInt(holder: RngHolder, n: number): number {
  if (!Number.isInteger(n) || n <= 0) throw new RangeError(`randomInt needs a positive integer, got ${n}`);
  return Math.floor(nextRandom(holder) * n);
}
