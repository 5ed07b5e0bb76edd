/** Advancing projectiles one tick: walls, lag-compensated hits, damage and kills. */
import { frameAt } from './history.ts';
import { firstWallHit, projectilePositionAt, segmentCircleHit } from './projectiles.ts';
import { secondsToTicks } from './rules.ts';
import type { PlayerState, ProjectileState, SimEvent, World } from './types.ts';
import { findPlayer } from './world.ts';

/**
 * Moves every projectile from its tick-1 position to its world.tick position, in spawn (id)
 * order, and resolves what it hits. Projectiles spawned this tick do not move yet.
 */
export function advanceProjectiles(world: World, events: SimEvent[]): void {
  const { rules, map } = world;
  const lifetimeTicks = secondsToTicks(rules, rules.projectileLifetimeS);
  // Survivors are compacted in place (order kept): no new array every tick.
  const projectiles = world.projectiles;
  let kept = 0;
  for (let i = 0; i < projectiles.length; i++) {
    const p = projectiles[i]!;
    const age = world.tick - p.spawnTick;
    if (age <= 0) {
      projectiles[kept++] = p;
      continue;
    }
    // projectilePositionAt at tick - 1 and tick, with one cos and sin for both (same values, same operation order).
    const cos = Math.cos(p.angle);
    const sin = Math.sin(p.angle);
    const d0 = (rules.projectileSpeed * (world.tick - 1 - p.spawnTick)) / rules.tickRate;
    const d1 = (rules.projectileSpeed * (world.tick - p.spawnTick)) / rules.tickRate;
    const a = { x: p.x0 + cos * d0, y: p.y0 + sin * d0 };
    const b = { x: p.x0 + cos * d1, y: p.y0 + sin * d1 };
    const wallT = firstWallHit(a, b, map.walls, rules.projectileRadius);
    const target = firstPlayerHit(world, p, a, b);
    // Compare distances along the segment: a wall reached first shields the player behind it
    // (a tie goes to the wall).
    if (target && (wallT === null || target.t < wallT)) {
      damage(world, p, target.player, events);
      continue;
    }
    if (wallT !== null) {
      const shielded = playerBehindWall(world, p, a, b, wallT, lifetimeTicks);
      if (shielded) events.push({ type: 'blocked', projectileId: p.id, attackerId: p.ownerId, victimId: shielded.id });
      continue;
    }
    const outside = b.x < 0 || b.y < 0 || b.x > map.width || b.y > map.height;
    if (outside || age >= lifetimeTicks) continue;
    projectiles[kept++] = p;
  }
  projectiles.length = kept;
}

/**
 * The closest player the segment touches, judged where the shooter saw them: positions from the
 * history frame viewDelayTicks old. The target must be alive both now (the dead cannot be hit
 * again) and in that frame (the shooter saw a living player there).
 */
function firstPlayerHit(
  world: World,
  p: ProjectileState,
  a: { x: number; y: number },
  b: { x: number; y: number },
): { player: PlayerState; t: number } | null {
  const frame = frameAt(world, world.tick - p.viewDelayTicks);
  if (!frame) return null;
  const radius = world.rules.playerRadius + world.rules.projectileRadius;
  const players = world.players;
  const seenPlayers = frame.players;
  let best: PlayerState | null = null;
  let bestT = 0;
  for (let i = 0; i < players.length; i++) {
    const player = players[i]!;
    if (player.id === p.ownerId || !player.alive) continue;
    // A frame lists the players of its tick in the world's (id) order: unless someone joined or
    // left since, the player is at the same index.
    const guess = seenPlayers[i];
    const seen = guess !== undefined && guess.id === player.id ? guess : seenPlayers.find((f) => f.id === player.id);
    if (!seen || !seen.alive) continue;
    const t = segmentCircleHit(a, b, seen, radius);
    if (t !== null && (best === null || t < bestT)) {
      best = player;
      bestT = t;
    }
  }
  return best === null ? null : { player: best, t: bestT };
}

/**
 * Who the wall saved: the first player (as the shooter saw them) on the rest of the shot's path,
 * from the wall to where its lifetime would have ended. Tells the shooter its aim was good and
 * the target that cover worked.
 */
function playerBehindWall(
  world: World,
  p: ProjectileState,
  a: { x: number; y: number },
  b: { x: number; y: number },
  wallT: number,
  lifetimeTicks: number,
): PlayerState | null {
  const wall = { x: a.x + (b.x - a.x) * wallT, y: a.y + (b.y - a.y) * wallT };
  const end = projectilePositionAt(p, p.spawnTick + lifetimeTicks, world.rules);
  return firstPlayerHit(world, p, wall, end)?.player ?? null;
}

function damage(world: World, p: ProjectileState, victim: PlayerState, events: SimEvent[]): void {
  const { rules } = world;
  victim.hp -= rules.projectileDamage;
  events.push({
    type: 'hit',
    projectileId: p.id,
    attackerId: p.ownerId,
    victimId: victim.id,
    damage: rules.projectileDamage,
    viewDelayTicks: p.viewDelayTicks,
  });
  if (victim.hp > 0) return;
  victim.hp = 0;
  victim.alive = false;
  victim.deaths += 1;
  victim.respawnTicks = secondsToTicks(rules, rules.respawnDelayS);
  // The owner may have left; its projectile still kills, but nobody is credited.
  const killer = findPlayer(world, p.ownerId);
  if (killer) killer.kills += 1;
  events.push({ type: 'kill', killerId: p.ownerId, victimId: victim.id, shotTick: p.spawnTick, viewDelayTicks: p.viewDelayTicks });
}
