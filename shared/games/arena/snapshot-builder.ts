/** Turns the simulation's world into the wire-level snapshot model. */
import type { World } from './sim/types.ts';
import type { MatchPhase, PlayerSnapshot, Snapshot, SnapshotEvent } from './snapshot.ts';

export interface SnapshotContext {
  serverTime: number;
  phase: MatchPhase;
  phaseEndTick: number;
  /** Last input sequence applied per player id. */
  lastInputSeq: ReadonlyMap<number, number>;
  events: SnapshotEvent[];
}

/**
 * `previous` is the last snapshot sent: velocity is movement since then, which is exactly what
 * the delta codec's decoder reconstructs, so encoder and decoder predict alike.
 */
export function buildSnapshot(world: World, previous: Snapshot | null, ctx: SnapshotContext): Snapshot {
  const before = previous?.players ?? [];
  const players: PlayerSnapshot[] = world.players.map((p, i) => {
    // Both lists are in id order: unless someone joined or left since, the player is at the same index.
    const guess = before[i];
    const prev = guess !== undefined && guess.id === p.id ? guess : before.find((b) => b.id === p.id);
    return {
      id: p.id,
      x: p.x,
      y: p.y,
      vx: prev ? p.x - prev.x : 0,
      vy: prev ? p.y - prev.y : 0,
      aim: p.aim,
      hp: Math.max(0, Math.min(255, Math.round(p.hp))),
      alive: p.alive,
      kills: p.kills,
      deaths: p.deaths,
      lastInputSeq: ctx.lastInputSeq.get(p.id) ?? 0,
    };
  });
  return {
    tick: world.tick,
    serverTime: Math.round(ctx.serverTime),
    phase: ctx.phase,
    phaseEndTick: ctx.phaseEndTick,
    players,
    projectiles: world.projectiles.map((p) => ({
      id: p.id,
      ownerId: p.ownerId,
      x0: p.x0,
      y0: p.y0,
      angle: p.angle,
      spawnTick: p.spawnTick,
    })),
    events: ctx.events,
  };
}
