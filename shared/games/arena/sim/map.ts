/**
 * The arena: bounds, cover blocks and spawn points, plus the geometric queries on them that more
 * than one module needs.
 */
import type { ArenaMap, Rect, Rules } from './types.ts';

/**
 * 1600 x 1000 px, point-symmetric about the centre (800, 500) so no spawn side is favoured.
 * Eight cover blocks, none touching another or the border, so every open cell is reachable:
 *
 *   +----------------------------------------------------------------+
 *   | S                               S                            S |
 *   |          [====TL====]                   [====TR====]           |
 *   |                                                                |   <- y 236..384 is a
 *   |                                                                |      wall-free band
 *   |      ||                                                  ||    |
 *   | S    ||          [P1]                  [P2]            ||  S |
 *   |      ||                                                  ||    |
 *   |          [====BL====]                   [====BR====]           |
 *   | S                               S                            S |
 *   +----------------------------------------------------------------+
 *
 * Walls and spawns are whole pixels, so they sit on the 1/8 px position grid and a player can
 * stand exactly flush against a wall.
 */
export function arenaMap(): ArenaMap {
  return {
    width: 1600,
    height: 1000,
    walls: [
      { x: 360, y: 180, w: 200, h: 40 }, // TL bar
      { x: 1040, y: 180, w: 200, h: 40 }, // TR bar
      { x: 360, y: 780, w: 200, h: 40 }, // BL bar
      { x: 1040, y: 780, w: 200, h: 40 }, // BR bar
      { x: 220, y: 400, w: 40, h: 200 }, // left pillar
      { x: 1340, y: 400, w: 40, h: 200 }, // right pillar
      { x: 640, y: 460, w: 80, h: 80 }, // centre-left block
      { x: 880, y: 460, w: 80, h: 80 }, // centre-right block
    ],
    spawns: [
      { x: 100, y: 100 },
      { x: 1500, y: 900 },
      { x: 1500, y: 100 },
      { x: 100, y: 900 },
      { x: 800, y: 100 },
      { x: 800, y: 900 },
      { x: 100, y: 500 },
      { x: 1500, y: 500 },
    ],
  };
}

/** True when an axis-aligned square of half-size `half` centred at (x, y) overlaps a wall. Touching is not overlapping. */
export function squareOverlapsWall(map: ArenaMap, x: number, y: number, half: number): boolean {
  return map.walls.some(
    (w) => x + half > w.x && x - half < w.x + w.w && y + half > w.y && y - half < w.y + w.h,
  );
}

/** Euclidean distance from a point to a rectangle (0 inside). */
export function distanceToRect(x: number, y: number, r: Rect): number {
  const dx = Math.max(r.x - x, 0, x - (r.x + r.w));
  const dy = Math.max(r.y - y, 0, y - (r.y + r.h));
  return Math.hypot(dx, dy);
}

/**
 * Throws a RangeError if the map cannot host a fair match under these rules: walls must lie inside
 * the arena, and every spawn must keep a player clear of walls by playerRadius + 8 px and inside
 * the bounds (so a respawned player can move at once and is not spawned half inside cover).
 */
export function validateMap(map: ArenaMap, rules: Rules): void {
  if (!(map.width > 0 && map.height > 0)) throw new RangeError('map must have a positive size');
  if (map.spawns.length === 0) throw new RangeError('map needs at least one spawn point');
  for (const w of map.walls) {
    if (!(w.w > 0 && w.h > 0) || w.x < 0 || w.y < 0 || w.x + w.w > map.width || w.y + w.h > map.height) {
      throw new RangeError(`wall ${JSON.stringify(w)} is empty or outside the arena`);
    }
  }
  const clearance = rules.playerRadius + 8;
  for (const s of map.spawns) {
    const r = rules.playerRadius;
    if (s.x < r || s.x > map.width - r || s.y < r || s.y > map.height - r) {
      throw new RangeError(`spawn ${JSON.stringify(s)} is outside the arena`);
    }
    if (map.walls.some((w) => distanceToRect(s.x, s.y, w) < clearance)) {
      throw new RangeError(`spawn ${JSON.stringify(s)} is closer than ${clearance} px to a wall`);
    }
  }
}
