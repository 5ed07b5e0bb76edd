import { describe, expect, it } from 'vitest';
import { MAX_EVENTS, MAX_PLAYERS, type SnapshotEvent } from './snapshot.ts';
import { queueSnapshotEvents, snapshotEventsOf } from './snapshot-events.ts';

describe('snapshot events', () => {
  it('carry hits (with their rewind), blocked shots and kills in order, and nothing else', () => {
    const out = snapshotEventsOf([
      { type: 'shot', projectileId: 1, ownerId: 0 },
      { type: 'hit', projectileId: 1, attackerId: 0, victimId: 3, damage: 25, viewDelayTicks: 9 },
      { type: 'kill', killerId: 0, victimId: 3, shotTick: 40, viewDelayTicks: 9 },
      { type: 'blocked', projectileId: 2, attackerId: 4, victimId: 0 },
      { type: 'respawn', playerId: 5 },
    ]);
    expect(out).toEqual([
      { type: 'hit', attackerId: 0, victimId: 3, damage: 25, rewindTicks: 9 },
      { type: 'kill', killerId: 0, victimId: 3 },
      { type: 'blocked', attackerId: 4, victimId: 0 },
    ]);
  });

  it('stay within MAX_EVENTS between two snapshots, dropping hits and blocked shots but never a kill', () => {
    const pending: SnapshotEvent[] = [];
    const hits: SnapshotEvent[] = Array.from({ length: 100 }, (_, i) => ({ type: 'hit', attackerId: i % 64, victimId: 1, damage: 25, rewindTicks: 0 }));
    const kills: SnapshotEvent[] = Array.from({ length: MAX_PLAYERS }, (_, i) => ({ type: 'kill', killerId: 0, victimId: i }));
    for (let tick = 0; tick < 5; tick++) queueSnapshotEvents(pending, hits);
    queueSnapshotEvents(pending, kills);
    expect(pending.length).toBeLessThanOrEqual(MAX_EVENTS);
    expect(pending.filter((e) => e.type === 'kill')).toHaveLength(MAX_PLAYERS);
  });
});
