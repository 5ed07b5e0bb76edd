/**
 * The promises every ReplayStore keeps, as one vitest suite that each implementation registers
 * against itself (memory in the unit project, Redis and Redis Cluster in the integration
 * project). What a user would see if one broke: a replay with a hole or a repeated second, a
 * replay a node that lost its match keeps writing into after another node adopted it, a private
 * match in the public list, or replays piling up past the retention. Races are provoked by
 * issuing calls before awaiting any, as in the lobby stores' contract.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ReplayChunk, ReplayEnd, ReplayHeader } from '../../shared/replay/replay-format.ts';
import { REPLAY_TICK_LOG_VERSION } from '../../shared/replay/tick-log.ts';
import type { ReplayStore } from './replay-store.ts';

export interface ReplayStoreFixture {
  store: ReplayStore;
  retention: { maxCount: number; maxAgeMs: number };
  cleanup(): Promise<void>;
}

const DAY = 86_400_000;
const T0 = 1_800_000_000_000;

export function header(replayId: string, visibility: 'public' | 'private' = 'public', createdAt = T0): ReplayHeader {
  return {
    replayId,
    matchId: `m-${replayId}`,
    game: 'arena',
    gameVersion: 1,
    tickLog: REPLAY_TICK_LOG_VERSION,
    mode: 'ffa',
    visibility,
    options: { killTarget: 20, timeLimitS: 300 },
    seed: 7,
    tickRate: 30,
    snapshotEvery: 1,
    slots: 4,
    createdAt,
    endedAt: null,
    players: [],
  };
}

const chunk = (fromTick: number, toTick: number, fill = fromTick): ReplayChunk => ({ fromTick, toTick, bytes: new Uint8Array([fill & 0xff, 0, 255, toTick & 0xff]) });

const end = (tick: number): ReplayEnd => ({ tick, reason: 'time', winnerSlot: 1, slots: [0, 1], results: [{ slot: 1, score: 3, stats: { kills: 3, deaths: 0 } }], stateHash: 'abc' });

export function describeReplayStoreContract(name: string, make: (retention: { maxCount: number; maxAgeMs: number }) => Promise<ReplayStoreFixture>): void {
  describe(`replay store contract: ${name}`, () => {
    let fixture: ReplayStoreFixture | undefined;
    let s: ReplayStore;
    beforeEach(async () => {
      fixture = await make({ maxCount: 5, maxAgeMs: 7 * DAY });
      s = fixture.store;
    });
    afterEach(async () => {
      await fixture?.cleanup();
      fixture = undefined;
    });

    it('keeps a log whole and in order, byte for byte, with who sat where, running then finished', async () => {
      await s.create(header('r1'), 'e1', T0);
      expect(await s.append('r1', 'e1', chunk(1, 30), [{ slot: 0, nickname: 'Ann', guestId: 'g-ann' }, { slot: 1, nickname: '[bot] Bo', guestId: null }])).toBe('ok');
      expect(await s.append('r1', 'e1', chunk(31, 60), [{ slot: 0, nickname: 'Ann', guestId: 'g-ann' }])).toBe('ok');
      const running = await s.get('r1');
      expect(running?.replay.chunks).toEqual([chunk(1, 30), chunk(31, 60)]);
      expect(running?.replay.end).toBeNull();
      expect(running?.replay.header.players).toEqual([
        { slot: 0, nickname: 'Ann', bot: false },
        { slot: 1, nickname: '[bot] Bo', bot: true },
      ]);
      expect(running?.guestIds).toEqual(['g-ann']);
      expect(await s.list(10, T0)).toMatchObject([{ replayId: 'r1', ticks: 60, running: true, endedAt: null }]);

      expect(await s.finish('r1', 'e1', end(60), T0 + 5000)).toBe('ok');
      const done = await s.get('r1');
      expect(done?.replay.end).toEqual(end(60));
      expect(done?.replay.header.endedAt).toBe(T0 + 5000);
      expect(await s.list(10, T0)).toMatchObject([{ replayId: 'r1', running: false, endedAt: T0 + 5000 }]);
    });

    it('refuses a chunk that would leave a hole or repeat ticks, a stale writer, and unknown replays', async () => {
      await s.create(header('r2'), 'e1', T0);
      expect(await s.append('r2', 'e1', chunk(2, 30), [])).toBe('order');
      expect(await s.append('r2', 'e1', chunk(1, 30), [])).toBe('ok');
      expect(await s.append('r2', 'e1', chunk(1, 30), [])).toBe('order');
      expect(await s.append('r2', 'e2', chunk(31, 40), [])).toBe('stale');
      expect(await s.finish('r2', 'e1', end(29), T0)).toBe('order');
      expect(await s.append('nope', 'e1', chunk(1, 2), [])).toBe('missing');
      expect(await s.adopt('nope', 'e1', 0, null)).toBe('missing');
      expect(await s.get('nope')).toBeNull();
      expect((await s.get('r2'))?.replay.chunks).toEqual([chunk(1, 30)]);
    });

    it('takes exactly one of many racing appends of the same ticks', async () => {
      await s.create(header('r3'), 'e1', T0);
      const outcomes = await Promise.all(Array.from({ length: 12 }, (_, i) => s.append('r3', 'e1', chunk(1, 10, i), [])));
      expect(outcomes.filter((o) => o === 'ok')).toHaveLength(1);
      expect(outcomes.filter((o) => o === 'order')).toHaveLength(11);
      expect((await s.get('r3'))?.replay.chunks).toHaveLength(1);
    });

    it('on adoption cuts the log back to the checkpoint, adds what it carried, and fences the old writer out', async () => {
      await s.create(header('r4'), 'old', T0);
      for (const [a, b] of [[1, 30], [31, 60], [61, 90]] as const) expect(await s.append('r4', 'old', chunk(a, b), [])).toBe('ok');
      // The match's checkpoint said: acknowledged to 60, then ticks 61..75 not yet stored.
      expect(await s.adopt('r4', 'new', 75, chunk(61, 75))).toBe('gap');
      expect(await s.adopt('r4', 'new', 45, chunk(46, 75))).toBe('gap');
      const [adopted, late] = await Promise.all([s.adopt('r4', 'new', 60, chunk(61, 75, 99)), s.append('r4', 'old', chunk(91, 120), [])]);
      expect(adopted).toBe('ok');
      // The old writer's append either came first (and was cut away) or after (and was refused).
      expect(['ok', 'stale']).toContain(late);
      expect(await s.append('r4', 'old', chunk(76, 90), [])).toBe('stale');
      expect(await s.finish('r4', 'old', end(75), T0)).toBe('stale');
      expect(await s.append('r4', 'new', chunk(76, 100), [])).toBe('ok');
      expect((await s.get('r4'))?.replay.chunks).toEqual([chunk(1, 30), chunk(31, 60), chunk(61, 75, 99), chunk(76, 100)]);
      // Adopted from the very start (no chunk stored yet), with nothing carried.
      await s.create(header('r5'), 'a', T0);
      expect(await s.adopt('r5', 'b', 0, null)).toBe('ok');
      expect(await s.append('r5', 'b', chunk(1, 5), [])).toBe('ok');
    });

    it('lists public replays only, newest first, at most `limit`; a private one is there for its players', async () => {
      await s.create(header('a', 'public', T0), 'e', T0);
      await s.create(header('b', 'private', T0 + 1), 'e', T0 + 1);
      await s.create(header('c', 'public', T0 + 2), 'e', T0 + 2);
      await s.append('b', 'e', chunk(1, 3), [{ slot: 0, nickname: 'Ann', guestId: 'g-ann' }]);
      expect((await s.list(10, T0 + 3)).map((r) => r.replayId)).toEqual(['c', 'a']);
      expect((await s.list(1, T0 + 3)).map((r) => r.replayId)).toEqual(['c']);
      const b = await s.get('b');
      expect(b?.replay.header.visibility).toBe('private');
      expect(b?.guestIds).toEqual(['g-ann']);
    });

    it('keeps the newest maxCount replays and none older than maxAge', async () => {
      const { maxCount } = fixture!.retention;
      for (let i = 0; i < maxCount + 2; i++) await s.create(header(`n${i}`, 'public', T0 + i), 'e', T0 + i);
      expect(await s.get('n0')).toBeNull();
      expect(await s.get('n1')).toBeNull();
      expect(await s.get('n2')).not.toBeNull();
      expect(await s.list(100, T0 + 10)).toHaveLength(maxCount);
      // A week later, one new replay: every older one goes.
      const later = T0 + 7 * DAY + 100;
      await s.create(header('fresh', 'public', later), 'e', later);
      expect(await s.get(`n${maxCount + 1}`)).toBeNull();
      expect((await s.list(100, later)).map((r) => r.replayId)).toEqual(['fresh']);
    });
  });
}
