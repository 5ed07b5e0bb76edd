/**
 * A trail is a polyline of grid cells, flattened [x0, y0, x1, y1, ...]: the spawn cell, every
 * corner, and the head as the last point. Consecutive points share a row or a column and
 * consecutive segments are perpendicular (a cycle cannot reverse), so a cycle going straight only
 * moves its last point: that is what lets a snapshot delta send "one more cell" in a few bits.
 *
 * The sim, the codec and the bot all grow and walk trails through these functions, so the
 * polyline a decoder rebuilds is the one the sim holds, point for point.
 */
import { DX, DY, dirBetween, type Dir } from './direction.ts';

/** Heading of the last segment (the one ending at the head); 0 for a trail of one point or none. */
export function lastSegmentDir(points: readonly number[]): Dir | 0 {
  const n = points.length;
  if (n < 4) return 0;
  return dirBetween(points[n - 4]!, points[n - 3]!, points[n - 2]!, points[n - 1]!);
}

/**
 * Moves the head `cells` cells along `dir`. Going on along the last segment moves the head; any
 * other heading leaves the head behind as a corner.
 */
export function extendTrail(points: number[], dir: Dir, cells = 1): void {
  const n = points.length;
  const hx = points[n - 2]!;
  const hy = points[n - 1]!;
  const x = hx + DX[dir]! * cells;
  const y = hy + DY[dir]! * cells;
  if (lastSegmentDir(points) === dir) {
    points[n - 2] = x;
    points[n - 1] = y;
  } else {
    points.push(x, y);
  }
}

/** Calls `visit` for every cell the trail covers, each once (corners are not repeated). */
export function forEachTrailCell(points: readonly number[], visit: (x: number, y: number) => void): void {
  if (points.length < 2) return;
  visit(points[0]!, points[1]!);
  for (let i = 2; i + 1 < points.length; i += 2) {
    let x = points[i - 2]!;
    let y = points[i - 1]!;
    const tx = points[i]!;
    const ty = points[i + 1]!;
    const sx = Math.sign(tx - x);
    const sy = Math.sign(ty - y);
    while (x !== tx || y !== ty) {
      x += sx;
      y += sy;
      visit(x, y);
    }
  }
}

/**
 * Whether the points form a trail the sim could have made inside a width×height grid: every
 * point inside, segments axis-aligned and non-empty, consecutive segments perpendicular. An empty
 * trail is valid (a player waiting for the next round). Self-crossings are not checked: a trail
 * ends where it met itself, which the sim never writes past.
 */
export function isWellFormedTrail(points: readonly number[], width: number, height: number): boolean {
  if (points.length % 2 !== 0) return false;
  let prevDir: Dir | 0 = 0;
  for (let i = 0; i < points.length; i += 2) {
    const x = points[i]!;
    const y = points[i + 1]!;
    if (!Number.isInteger(x) || !Number.isInteger(y) || x < 0 || y < 0 || x >= width || y >= height) return false;
    if (i === 0) continue;
    const d = dirBetween(points[i - 2]!, points[i - 1]!, x, y);
    if (d === 0) return false;
    if (prevDir !== 0 && (d - prevDir) % 2 === 0) return false; // straight on or reversed
    prevDir = d;
  }
  return true;
}

/** Length of the trail in cells (the spawn cell not counted: a new trail has length 0). */
export function trailLength(points: readonly number[]): number {
  let n = 0;
  for (let i = 2; i + 1 < points.length; i += 2) n += Math.abs(points[i]! - points[i - 2]!) + Math.abs(points[i + 1]! - points[i - 1]!);
  return n;
}

/**
 * The trail as it was `cells` cells ago (fractions allowed): a copy whose last point is the head
 * moved back along the trail, corners included. Drawing a head between two snapshots this way
 * follows the turn it took instead of cutting across it.
 */
export function trimTrail(points: readonly number[], cells: number): number[] {
  const out = points.slice();
  let left = cells;
  while (left > 0 && out.length >= 4) {
    const n = out.length;
    const dx = out[n - 4]! - out[n - 2]!;
    const dy = out[n - 3]! - out[n - 1]!;
    const length = Math.abs(dx) + Math.abs(dy);
    if (left < length) {
      out[n - 2] = out[n - 2]! + (Math.sign(dx) * left);
      out[n - 1] = out[n - 1]! + (Math.sign(dy) * left);
      return out;
    }
    out.length = n - 2;
    left -= length;
  }
  return out;
}
