/**
 * Quantization shared by the simulation and the wire codecs. Positions and projectile angles are
 * kept on the grids the codecs can carry losslessly, so a client that decodes a snapshot holds
 * exactly the server's numbers and its prediction/replay cannot drift from them.
 */

/** Positions live on a 1/POSITION_SCALE px grid. */
export const POSITION_SCALE = 8;

export function quantizePosition(v: number): number {
  return Math.round(v * POSITION_SCALE) / POSITION_SCALE;
}

/** Largest grid value <= v: used where rounding up could push a player into a wall. */
export function quantizePositionDown(v: number): number {
  return Math.floor(v * POSITION_SCALE) / POSITION_SCALE;
}

/** Smallest grid value >= v. */
export function quantizePositionUp(v: number): number {
  return Math.ceil(v * POSITION_SCALE) / POSITION_SCALE;
}

/** Projectile angles are multiples of 1/ANGLE_STEPS turn (12 bits on the wire). */
export const ANGLE_STEPS = 4096;

const TWO_PI = 2 * Math.PI;
const ANGLE_STEP = TWO_PI / ANGLE_STEPS;

/** Maps any finite angle to [-PI, PI). NaN/Infinity come back as NaN: callers validate input. */
export function normalizeAngle(rad: number): number {
  let a = rad - TWO_PI * Math.floor((rad + Math.PI) / TWO_PI);
  // Floating point can land a hair outside the range after the subtraction.
  if (a < -Math.PI) a += TWO_PI;
  if (a >= Math.PI) a = -Math.PI;
  return a;
}

/** Index k in [0, ANGLE_STEPS) of the nearest representable projectile angle. */
export function projectileAngleToSteps(rad: number): number {
  return Math.round((normalizeAngle(rad) + Math.PI) / ANGLE_STEP) % ANGLE_STEPS;
}

/**
 * k * 2PI/ANGLE_STEPS - PI. Angles are periodic, so any integer k is wrapped into range rather
 * than rejected (a decoder handing us a wider field still gets a valid angle).
 */
export function stepsToProjectileAngle(k: number): number {
  const steps = ((Math.round(k) % ANGLE_STEPS) + ANGLE_STEPS) % ANGLE_STEPS;
  return steps * ANGLE_STEP - Math.PI;
}

export function quantizeProjectileAngle(rad: number): number {
  return stepsToProjectileAngle(projectileAngleToSteps(rad));
}
