/**
 * A server-side bot's behaviour, as a pure function of the world and the bot's own memory: wander
 * until an enemy is in sight, then aim at the nearest one, shoot and strafe. It sees what every
 * client sees (positions in snapshots) and answers with buttons and an aim, which go through the
 * same input queue and rules as a player's: it cannot move faster, fire faster or see through walls.
 * Its randomness comes from its own seeded generator, never the world's, so bots do not change
 * where players spawn.
 */
import { Button, DIRECTION_BUTTONS, findPlayer, firstWallHit, nextRandom, randomInt } from '../../../shared/games/arena/sim/index.ts';
import type { PlayerState, World } from '../../../shared/games/arena/sim/types.ts';

export interface BotMemory {
  rngState: number;
  /** Movement buttons held while wandering, and for how many more ticks. */
  wanderButtons: number;
  wanderTicks: number;
  /** +1 or -1: which way to circle a target. */
  strafe: number;
  strafeTicks: number;
  lastX: number;
  lastY: number;
}

export interface BotDecision {
  buttons: number;
  aim: number;
}

/** Aim error in radians, so bots miss sometimes instead of playing like an aimbot. */
const AIM_JITTER = 0.08;

const DIRECTIONS = DIRECTION_BUTTONS;

export function createBotMemory(seed: number): BotMemory {
  return { rngState: seed >>> 0, wanderButtons: 0, wanderTicks: 0, strafe: 1, strafeTicks: 0, lastX: NaN, lastY: NaN };
}

/** Movement buttons closest to heading `angle` (8 directions). */
export function buttonsToward(angle: number): number {
  const octant = Math.round(angle / (Math.PI / 4));
  return DIRECTIONS[((octant % 8) + 8) % 8]!;
}

/** Nearest living enemy with a clear line of fire within `range`, or undefined. */
export function visibleTarget(world: Readonly<World>, self: PlayerState, range: number): PlayerState | undefined {
  let best: PlayerState | undefined;
  let bestDistance = range;
  for (const other of world.players) {
    if (other.id === self.id || !other.alive) continue;
    const distance = Math.hypot(other.x - self.x, other.y - self.y);
    if (distance >= bestDistance) continue;
    if (firstWallHit(self, other, world.map.walls, world.rules.projectileRadius) !== null) continue;
    best = other;
    bestDistance = distance;
  }
  return best;
}

export function decideBot(world: Readonly<World>, slot: number, memory: BotMemory): BotDecision {
  const self = findPlayer(world as World, slot);
  if (!self || !self.alive) return { buttons: 0, aim: self?.aim ?? 0 };
  const stuck = self.x === memory.lastX && self.y === memory.lastY;
  memory.lastX = self.x;
  memory.lastY = self.y;

  const range = world.rules.projectileSpeed * world.rules.projectileLifetimeS * 0.85;
  const target = visibleTarget(world, self, range);
  if (target) {
    const bearing = Math.atan2(target.y - self.y, target.x - self.x);
    const aim = bearing + (nextRandom(memory) * 2 - 1) * AIM_JITTER;
    if (stuck || --memory.strafeTicks <= 0) {
      memory.strafe = nextRandom(memory) < 0.5 ? -1 : 1;
      memory.strafeTicks = 15 + randomInt(memory, 45);
    }
    const distance = Math.hypot(target.x - self.x, target.y - self.y);
    // Close in from afar, circle at mid range.
    const heading = distance > range * 0.6 ? bearing : bearing + (memory.strafe * Math.PI) / 2;
    return { buttons: buttonsToward(heading) | Button.Fire, aim };
  }

  if (stuck || memory.wanderTicks <= 0) {
    memory.wanderButtons = DIRECTIONS[randomInt(memory, DIRECTIONS.length)]!;
    memory.wanderTicks = 30 + randomInt(memory, 60);
  }
  memory.wanderTicks -= 1;
  const dx = (memory.wanderButtons & Button.Right ? 1 : 0) - (memory.wanderButtons & Button.Left ? 1 : 0);
  const dy = (memory.wanderButtons & Button.Down ? 1 : 0) - (memory.wanderButtons & Button.Up ? 1 : 0);
  return { buttons: memory.wanderButtons, aim: Math.atan2(dy, dx) };
}
