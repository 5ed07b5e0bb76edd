/** Choosing where a player (re)enters the arena. */
import { quantizePosition } from './quantize.ts';
import { randomInt } from '../../../game/rng.ts';
import type { World } from './types.ts';

/**
 * A spawn point drawn with the world's RNG, preferring points no living player is standing on
 * (players do not collide, so spawning inside an enemy would be legal but unfair). If every
 * point is occupied, any point will do. `excludeId` is the player being placed.
 */
export function chooseSpawn(world: World, excludeId: number): { x: number; y: number } {
  const reach = 2 * world.rules.playerRadius;
  const free = world.map.spawns.filter(
    (s) =>
      !world.players.some(
        (p) => p.id !== excludeId && p.alive && Math.abs(p.x - s.x) < reach && Math.abs(p.y - s.y) < reach,
      ),
  );
  const pool = free.length > 0 ? free : world.map.spawns;
  const spawn = pool[randomInt(world, pool.length)];
  if (!spawn) throw new Error('map has no spawn points');
  return { x: quantizePosition(spawn.x), y: quantizePosition(spawn.y) };
}

/** Angle from (x, y) towards the arena centre, so a fresh player faces the action. */
export function aimTowardsCentre(world: World, x: number, y: number): number {
  const a = Math.atan2(world.map.height / 2 - y, world.map.width / 2 - x);
  return a >= Math.PI ? -Math.PI : a;
}
