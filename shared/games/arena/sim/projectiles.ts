/**
 * Projectile flight and the swept tests it is checked with. A projectile's state is only its
 * spawn point, angle and spawn tick: its position at any tick is a closed-form function, so
 * clients replay a flight from one snapshot and match the server without per-tick updates.
 */
import type { ProjectileState, Rect, Rules } from './types.ts';

export interface Point {
  x: number;
  y: number;
}

/**
 * Position at `tick`. Clients must use this exact formula (same operation order) to stay on
 * the server's numbers; the positions are deliberately not quantized.
 */
export function projectilePositionAt(
  p: Pick<ProjectileState, 'x0' | 'y0' | 'angle' | 'spawnTick'>,
  tick: number,
  rules: Pick<Rules, 'projectileSpeed' | 'tickRate'>,
): Point {
  const distance = (rules.projectileSpeed * (tick - p.spawnTick)) / rules.tickRate;
  return { x: p.x0 + Math.cos(p.angle) * distance, y: p.y0 + Math.sin(p.angle) * distance };
}

/**
 * First fraction t in [0, 1] of segment a->b that lies inside `rect` grown by `pad` on every
 * side (a padded rectangle approximates the rounded Minkowski sum; its corners are 4 px generous),
 * or null. A segment starting inside gives 0. Slab method.
 */
export function segmentRectHit(a: Point, b: Point, rect: Rect, pad: number): number | null {
  // Two slabs, x then y, written out: this runs for every wall, for every projectile, every tick.
  let tEnter = 0;
  let tExit = 1;
  const dx = b.x - a.x;
  if (dx === 0) {
    if (a.x < rect.x - pad || a.x > rect.x + rect.w + pad) return null;
  } else {
    let t0 = (rect.x - pad - a.x) / dx;
    let t1 = (rect.x + rect.w + pad - a.x) / dx;
    if (t0 > t1) {
      const t = t0;
      t0 = t1;
      t1 = t;
    }
    tEnter = Math.max(tEnter, t0);
    tExit = Math.min(tExit, t1);
    if (tEnter > tExit) return null;
  }
  const dy = b.y - a.y;
  if (dy === 0) {
    if (a.y < rect.y - pad || a.y > rect.y + rect.h + pad) return null;
  } else {
    let t0 = (rect.y - pad - a.y) / dy;
    let t1 = (rect.y + rect.h + pad - a.y) / dy;
    if (t0 > t1) {
      const t = t0;
      t0 = t1;
      t1 = t;
    }
    tEnter = Math.max(tEnter, t0);
    tExit = Math.min(tExit, t1);
    if (tEnter > tExit) return null;
  }
  return tEnter;
}

/** First fraction t in [0, 1] of segment a->b within `radius` of `center`, or null. Starting inside gives 0. */
export function segmentCircleHit(a: Point, b: Point, center: Point, radius: number): number | null {
  const fx = a.x - center.x;
  const fy = a.y - center.y;
  const c = fx * fx + fy * fy - radius * radius;
  if (c <= 0) return 0;
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const qa = dx * dx + dy * dy;
  if (qa === 0) return null;
  const qb = 2 * (fx * dx + fy * dy);
  const disc = qb * qb - 4 * qa * c;
  if (disc < 0) return null;
  // Starting outside, the entry is the smaller root; it must fall within the segment.
  const t = (-qb - Math.sqrt(disc)) / (2 * qa);
  return t >= 0 && t <= 1 ? t : null;
}

/** Earliest wall hit along a->b for a projectile of radius `pad`, or null. */
export function firstWallHit(a: Point, b: Point, walls: readonly Rect[], pad: number): number | null {
  let best: number | null = null;
  for (const w of walls) {
    const t = segmentRectHit(a, b, w, pad);
    if (t !== null && (best === null || t < best)) best = t;
  }
  return best;
}
