/** Turning a trigger pull into a projectile. */
import { firstWallHit } from './projectiles.ts';
import { quantizePosition, quantizeProjectileAngle } from './quantize.ts';
import { fireIntervalTicks, maxViewDelayTicks } from './rules.ts';
import type { PlayerState, SimEvent, World } from './types.ts';

/** Projectile ids are 16 bits on the wire. */
export const PROJECTILE_ID_SPACE = 65536;

/** Gap in px between the player's collision circle and a fresh projectile's, so it never starts touching its owner. */
const MUZZLE_GAP = 2;

/** A claimed view delay as the sim honours it: a whole number of ticks, 0 up to the rules' cap. */
export function cappedViewDelay(world: World, requested: number): number {
  return Number.isFinite(requested) ? Math.min(Math.max(Math.round(requested), 0), maxViewDelayTicks(world.rules)) : 0;
}

/**
 * Fires for `player` (alive, cooldown at 0, Fire held): spawns a projectile in front of it, starts
 * the cooldown and emits 'shot'. The shot is judged on the player's view as of its latest input
 * (player.viewDelayTicks: the tick it was drawing, also on a tick whose input is late or lost).
 */
export function fire(world: World, player: PlayerState, events: SimEvent[]): void {
  const { rules } = world;
  // The flight and the spawn offset both use the quantized angle, so a client replaying the
  // flight from (x0, y0, angle) draws exactly the path the server tests.
  const angle = quantizeProjectileAngle(player.aim);
  const offset = rules.playerRadius + rules.projectileRadius + MUZZLE_GAP;
  const x0 = quantizePosition(player.x + Math.cos(angle) * offset);
  const y0 = quantizePosition(player.y + Math.sin(angle) * offset);
  const viewDelayTicks = player.viewDelayTicks;
  const id = world.nextProjectileId;
  world.nextProjectileId = (id + 1) % PROJECTILE_ID_SPACE;
  player.fireCooldownTicks = fireIntervalTicks(rules);
  events.push({ type: 'shot', projectileId: id, ownerId: player.id });

  // A player pressed against a wall (or the border) has its muzzle inside or beyond it; the
  // projectile would start past the obstacle and could skip a wall corner. It hits the obstacle
  // at once instead: the shot still happens (cooldown, 'shot' event for sound) but nothing flies.
  const muzzleBlocked =
    x0 < 0 ||
    y0 < 0 ||
    x0 > world.map.width ||
    y0 > world.map.height ||
    firstWallHit(player, { x: x0, y: y0 }, world.map.walls, rules.projectileRadius) !== null;
  if (muzzleBlocked) return;

  world.projectiles.push({ id, ownerId: player.id, x0, y0, angle, spawnTick: world.tick, viewDelayTicks });
}
