/**
 * Player movement: one pure function (nextPosition) shared by the server step and client-side
 * prediction, so a client replaying its own inputs lands on exactly the server's 1/8 px positions.
 *
 * Players do not collide with each other. That is a deliberate choice: a client predicts only
 * itself and sees others ~100 ms late, so player-player blocking would make every prediction
 * near another player wrong and snap back. Walls and bounds are static, so prediction is exact.
 */
import { quantizePosition, quantizePositionDown, quantizePositionUp, POSITION_SCALE } from './quantize.ts';
import { Button } from './types.ts';
import type { ArenaMap, Rules } from './types.ts';

export interface Position {
  x: number;
  y: number;
}

/**
 * Moves `player` (only its x and y) as holding `buttons` for the tick numbered `tick` does: the
 * world's tick after it was incremented, i.e. the tick being simulated. Like step(), it mutates
 * only what it is given; nextPosition() is the same computation without the mutation.
 */
export function movePlayer(player: Position, buttons: number, map: ArenaMap, rules: Rules, tick: number): void {
  const next = nextPosition(player, buttons, map, rules, tick);
  player.x = next.x;
  player.y = next.y;
}

/**
 * Where a player standing at `from` ends up after holding `buttons` for tick `tick`.
 *
 * Why the tick: positions are on a 1/8 px grid, and rounding each tick's displacement on its own
 * would bias speed (220 px/s at 30 Hz is 58.67 grid units per tick: always rounding to 59 gives
 * 221.25 px/s straight but 217.4 px/s diagonally). Instead each axis moves
 * floor(D * tick) - floor(D * (tick - 1)) units, a Bresenham walk over the global tick: any run
 * of n ticks moves n * D units to within one unit, in every direction, with no sub-pixel state
 * to carry in the snapshot. A predicting client knows the tick of every input it replays.
 */
export function nextPosition(
  from: Readonly<Position>,
  buttons: number,
  map: ArenaMap,
  rules: Rules,
  tick: number,
): Position {
  // A missing tick would turn every coordinate into NaN; fail loudly instead.
  if (!Number.isSafeInteger(tick)) throw new RangeError(`movement needs an integer tick, got ${tick}`);
  const r = rules.playerRadius;
  const dirX = (buttons & Button.Right ? 1 : 0) - (buttons & Button.Left ? 1 : 0);
  const dirY = (buttons & Button.Down ? 1 : 0) - (buttons & Button.Up ? 1 : 0);
  const unitsPerTick = (rules.playerSpeed / rules.tickRate) * POSITION_SCALE;
  const axisUnits = dirX !== 0 && dirY !== 0 ? unitsPerTick * Math.SQRT1_2 : unitsPerTick;
  const stepUnits = Math.floor(axisUnits * tick) - Math.floor(axisUnits * (tick - 1));
  const step = stepUnits / POSITION_SCALE;

  // Axis-separated: x first, then y from the resolved x, so a diagonal push along a wall slides.
  const x = moveAxis(from.x, from.y, dirX * step, 'x', map, r);
  const y = moveAxis(from.y, x, dirY * step, 'y', map, r);
  return { x, y };
}

/**
 * Moves coordinate `pos` along one axis by `delta`, stopping flush at the first wall edge in the
 * way (a swept test, so no speed can tunnel through a wall) and at the arena bounds. `cross` is
 * the player's coordinate on the other axis. Walls the player already overlaps are ignored so a
 * player placed inside one (bad spawn data) can walk out instead of sticking.
 */
function moveAxis(pos: number, cross: number, delta: number, axis: 'x' | 'y', map: ArenaMap, r: number): number {
  const size = axis === 'x' ? map.width : map.height;
  let lo = r;
  let hi = size - r;
  let target = pos + delta;
  for (const w of map.walls) {
    const wStart = axis === 'x' ? w.x : w.y;
    const wEnd = axis === 'x' ? w.x + w.w : w.y + w.h;
    const cStart = axis === 'x' ? w.y : w.x;
    const cEnd = axis === 'x' ? w.y + w.h : w.x + w.w;
    // Sharing only an edge on the cross axis is not blocking: that is what lets players slide.
    if (!(cross + r > cStart && cross - r < cEnd)) continue;
    if (delta > 0 && wStart >= pos + r) hi = Math.min(hi, wStart - r);
    if (delta < 0 && wEnd <= pos - r) lo = Math.max(lo, wEnd + r);
  }
  if (delta > 0) target = Math.min(target, hi);
  if (delta < 0) target = Math.max(target, lo);
  let q = quantizePosition(target);
  // A radius or wall off the grid could round the player a fraction of a pixel into the wall;
  // round toward open space instead.
  if (q > hi) q = quantizePositionDown(hi);
  if (q < lo) q = quantizePositionUp(lo);
  // Arena bounds always apply, even with no movement on this axis.
  const minPos = quantizePositionUp(r);
  const maxPos = quantizePositionDown(size - r);
  return Math.min(Math.max(q, minPos), maxPos);
}
