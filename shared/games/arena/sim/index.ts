/** Public API of the Arena simulation. */
export * from './types.ts';
export { nextRandom, randomInt, seedToState, type RngHolder } from '../../../game/rng.ts';
export {
  ANGLE_STEPS,
  POSITION_SCALE,
  normalizeAngle,
  projectileAngleToSteps,
  quantizePosition,
  quantizeProjectileAngle,
  stepsToProjectileAngle,
} from './quantize.ts';
export {
  defaultRules,
  fireIntervalTicks,
  historyLength,
  maxViewDelayTicks,
  secondsToTicks,
  timeLimitTicks,
  validateRules,
} from './rules.ts';
export { arenaMap, distanceToRect, squareOverlapsWall, validateMap } from './map.ts';
export {
  MAX_PLAYERS,
  addPlayer,
  cloneWorld,
  createWorld,
  findPlayer,
  removePlayer,
  type CreateWorldOptions,
} from './world.ts';
export { movePlayer, nextPosition, type Position } from './movement.ts';
export {
  firstWallHit,
  projectilePositionAt,
  segmentCircleHit,
  segmentRectHit,
  type Point,
} from './projectiles.ts';
export { PROJECTILE_ID_SPACE } from './firing.ts';
export { frameAt } from './history.ts';
export { leader } from './match-end.ts';
export { step } from './step.ts';
