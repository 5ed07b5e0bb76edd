/**
 * Where cycles start a round: evenly spaced along a rectangle inset from the walls, each facing
 * straight into the arena. The ring's starting point and who gets which place are drawn from the
 * match's RNG, so rounds differ but a replay is identical.
 */
import { randomInt, type RngHolder } from '../../game/rng.ts';
import { Dir } from './direction.ts';

export interface Spawn {
  x: number;
  y: number;
  dir: Dir;
}

/** A sixth of the short side: far enough from the wall to turn, near enough to leave the middle open. */
const insetOf = (width: number, height: number): number => Math.max(1, Math.floor(Math.min(width, height) / 6));

/** `count` spawn places in a width×height grid, in ring order (not yet assigned to anyone). */
export function spawnRing(rng: RngHolder, count: number, width: number, height: number): Spawn[] {
  const m = insetOf(width, height);
  const left = m;
  const top = m;
  const right = width - 1 - m;
  const bottom = height - 1 - m;
  const w = right - left;
  const h = bottom - top;
  const perimeter = 2 * (w + h);
  const start = randomInt(rng, perimeter);
  const out: Spawn[] = [];
  for (let i = 0; i < count; i++) {
    const d = (start + Math.floor((i * perimeter) / count)) % perimeter;
    if (d < w) out.push({ x: left + d, y: top, dir: Dir.Down });
    else if (d < w + h) out.push({ x: right, y: top + (d - w), dir: Dir.Left });
    else if (d < 2 * w + h) out.push({ x: right - (d - w - h), y: bottom, dir: Dir.Up });
    else out.push({ x: left, y: bottom - (d - 2 * w - h), dir: Dir.Right });
  }
  return out;
}

/** Fisher–Yates on a copy, with the match's RNG. */
export function shuffled<T>(rng: RngHolder, items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = randomInt(rng, i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
