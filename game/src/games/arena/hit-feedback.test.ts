import { describe, expect, it } from 'vitest';
import { HitFeedback } from './hit-feedback.ts';
import type { SnapshotEvent } from '../../../../shared/games/arena/snapshot.ts';

const ME = 3;

describe('hit feedback', () => {
  const events: SnapshotEvent[] = [
    { type: 'hit', attackerId: ME, victimId: 5, damage: 25, rewindTicks: 9 },
    { type: 'kill', killerId: ME, victimId: 5 },
    { type: 'hit', attackerId: 7, victimId: ME, damage: 25, rewindTicks: 2 },
    { type: 'hit', attackerId: 7, victimId: 8, damage: 25, rewindTicks: 2 },
    { type: 'blocked', attackerId: ME, victimId: 7 },
    { type: 'blocked', attackerId: 8, victimId: ME },
  ];

  it('turns the events that concern the player into marks to draw, and ignores the rest', () => {
    const f = new HitFeedback();
    expect(f.onEvents(events, ME)).toEqual([
      { kind: 'hit', victimId: 5, damage: 25, rewindTicks: 9, fatal: true },
      { kind: 'hurt', attackerId: 7, damage: 25 },
      { kind: 'blocked', victimId: 7 },
      { kind: 'covered', attackerId: 8 },
    ]);
    expect(f.take()).toHaveLength(4);
    expect(f.take()).toEqual([]);
  });

  it('tallies the player’s hits, damage and blocked shots, and the rewind of its latest hits', () => {
    const f = new HitFeedback();
    f.onEvents(events, ME);
    f.onEvents([{ type: 'hit', attackerId: ME, victimId: 1, damage: 40, rewindTicks: 12 }], ME);
    expect([f.hits, f.damageDealt, f.blocked]).toEqual([2, 65, 1]);
    expect(f.recentRewinds).toEqual([9, 12]);
    f.reset();
    expect([f.hits, f.damageDealt, f.blocked, f.recentRewinds.length]).toEqual([0, 0, 0, 0]);
  });

  it('counts the player’s shots from its projectiles, each once however many snapshots carry it', () => {
    const f = new HitFeedback();
    const shot = (id: number, ownerId = ME) => ({ id, ownerId, x0: 0, y0: 0, angle: 0, spawnTick: 1 });
    f.onProjectiles([shot(1)], ME);
    f.onProjectiles([shot(1), shot(2), shot(3, 7)], ME);
    // Projectile 1 hit something; 2 flies on; an id freed long ago may come back as a new shot.
    f.onProjectiles([shot(2), shot(4)], ME);
    f.onProjectiles([], ME);
    f.onProjectiles([shot(1)], ME);
    expect(f.shots).toBe(4);
    f.onProjectiles([shot(9)], -1);
    expect(f.shots).toBe(4);
    f.reset();
    f.onProjectiles([shot(1)], ME);
    expect(f.shots).toBe(1);
  });

  it('gives a spectator nothing and keeps what waits to be drawn bounded', () => {
    const f = new HitFeedback();
    expect(f.onEvents(events, -1)).toEqual([]);
    for (let i = 0; i < 100; i++) f.onEvents(events, ME);
    expect(f.take().length).toBeLessThanOrEqual(64);
  });
});
