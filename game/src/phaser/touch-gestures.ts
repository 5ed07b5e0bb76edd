/**
 * What a finger on a phone means, as plain geometry (no Phaser, no DOM): the virtual stick's
 * directions, and a swipe's or a tap's absolute direction. The scenes turn these into their
 * game's commands; touch-pad.ts tracks the fingers.
 */

/** The stick's knob travels at most this far from where the finger landed (CSS px). */
export const STICK_RADIUS = 56;
/** A knob nearer the centre than this share of the radius moves nobody (a resting thumb drifts). */
export const STICK_DEAD_ZONE = 0.3;
/** A finger that travels this far is a swipe, not a tap (CSS px). */
export const SWIPE_MIN_PX = 28;

export interface Directions {
  up: boolean;
  down: boolean;
  left: boolean;
  right: boolean;
}

const NONE: Directions = { up: false, down: false, left: false, right: false };

/**
 * The eight-way direction of a knob `(dx, dy)` from the stick's centre (screen axes: y grows
 * down): each direction owns a 45° sector, so a diagonal needs the thumb near the diagonal, not
 * merely off an axis.
 */
export function stickDirections(dx: number, dy: number, radius = STICK_RADIUS): Directions {
  if (!(Math.hypot(dx, dy) >= radius * STICK_DEAD_ZONE)) return NONE;
  // Sector 0 is right, counting clockwise on screen (y down) in steps of 45°.
  const sector = ((Math.round(Math.atan2(dy, dx) / (Math.PI / 4)) % 8) + 8) % 8;
  return {
    right: sector === 7 || sector === 0 || sector === 1,
    down: sector === 1 || sector === 2 || sector === 3,
    left: sector === 3 || sector === 4 || sector === 5,
    up: sector === 5 || sector === 6 || sector === 7,
  };
}

/** Where the knob is drawn: the finger, held within the stick's radius. */
export function clampToStick(dx: number, dy: number, radius = STICK_RADIUS): { dx: number; dy: number } {
  const d = Math.hypot(dx, dy);
  return d <= radius || d === 0 ? { dx, dy } : { dx: (dx * radius) / d, dy: (dy * radius) / d };
}

export type Heading = 'up' | 'down' | 'left' | 'right';

/** The axis a movement `(dx, dy)` mostly follows, or null when it is shorter than `minPx`. */
export function headingOf(dx: number, dy: number, minPx = SWIPE_MIN_PX): Heading | null {
  if (!(Math.hypot(dx, dy) >= minPx)) return null;
  if (Math.abs(dx) >= Math.abs(dy)) return dx > 0 ? 'right' : 'left';
  return dy > 0 ? 'down' : 'up';
}
