/** The in-memory stores keep the promises the lobby's correctness rests on. */
import { describe, expect, it } from 'vitest';
import { createMemoryStores } from './index.ts';

const entry = (guestId: string, enqueuedAt = 0) => ({ guestId, nickname: guestId, enqueuedAt });

describe('queue store', () => {
  it('holds a player in one queue at a time and pops disjoint groups, oldest first', async () => {
    const { queue } = createMemoryStores();
    expect(await queue.enqueue('ffa', entry('a'))).toEqual({ added: true, waiting: 1 });
    expect(await queue.enqueue('duel', entry('a'))).toEqual({ added: false, mode: 'ffa' });
    for (const id of ['b', 'c', 'd', 'e']) await queue.enqueue('ffa', entry(id));
    const rule = { min: 2, max: 2, waitMs: 1000, now: 0 };
    const [g1, g2, g3] = await Promise.all([queue.popGroup('ffa', rule), queue.popGroup('ffa', rule), queue.popGroup('ffa', rule)]);
    expect(g1!.map((e) => e.guestId)).toEqual(['a', 'b']);
    expect(g2!.map((e) => e.guestId)).toEqual(['c', 'd']);
    expect(g3).toEqual([]);
    expect(await queue.size('ffa')).toBe(1);
    // 'a' was popped: it may queue again.
    expect((await queue.enqueue('duel', entry('a'))).added).toBe(true);
  });

  it('forms a short group only once the oldest waited, and only at the minimum', async () => {
    const { queue } = createMemoryStores();
    await queue.enqueue('ffa', entry('a', 100));
    expect(await queue.popGroup('ffa', { min: 1, max: 4, waitMs: 500, now: 400 })).toEqual([]);
    expect(await queue.popGroup('ffa', { min: 2, max: 4, waitMs: 500, now: 700 })).toEqual([]);
    expect((await queue.popGroup('ffa', { min: 1, max: 4, waitMs: 500, now: 700 })).map((e) => e.guestId)).toEqual(['a']);
    expect(await queue.remove('a')).toBe(null);
  });
});

describe('seat store', () => {
  it('never seats a player twice or a match over capacity, whatever the interleaving', async () => {
    const { seats } = createMemoryStores();
    const claims = await Promise.all(['p1', 'p2', 'p3', 'p4'].map((p) => seats.claim('m', p, 3)));
    expect(claims.filter((c) => c.ok)).toHaveLength(3);
    expect(claims.filter((c) => !c.ok && c.reason === 'full')).toHaveLength(1);
    expect(await seats.claim('other', 'p1', 3)).toEqual({ ok: false, reason: 'seated', matchId: 'm' });
    expect(await seats.claim('m', 'p1', 3)).toEqual({ ok: true, already: true });
    expect(await seats.release('other', 'p1')).toBe(false);
    expect(await seats.release('m', 'p1')).toBe(true);
    expect(await seats.count('m')).toBe(2);
    expect((await seats.releaseAll('m')).sort()).toEqual(['p2', 'p3']);
    expect(await seats.seatOf('p2')).toBe(null);
  });
});

describe('code store and nickname registry', () => {
  it('reserves a code once and releases it only for its own match', async () => {
    const { codes } = createMemoryStores();
    expect(await codes.reserve('ABCDE', 'm1')).toBe(true);
    expect(await codes.reserve('ABCDE', 'm2')).toBe(false);
    await codes.release('ABCDE', 'm2');
    expect(await codes.resolve('ABCDE')).toBe('m1');
    await codes.release('ABCDE', 'm1');
    expect(await codes.resolve('ABCDE')).toBe(null);
  });

  it('suffixes a taken name, case-insensitively, within 16 characters, and frees expired holds', async () => {
    const { nicknames } = createMemoryStores();
    expect(await nicknames.claim('Ada', 'p1', 1000, 0)).toBe('Ada');
    expect(await nicknames.claim('ada', 'p2', 1000, 0)).toBe('ada2');
    expect(await nicknames.claim('Ada', 'p1', 1000, 0)).toBe('Ada');
    expect(await nicknames.claim('ADA', 'p3', 1000, 0)).toBe('ADA3');
    expect(await nicknames.claim('sixteen-chars-xx', 'p1', 1000, 0)).toBe('sixteen-chars-xx');
    expect(await nicknames.claim('sixteen-chars-xx', 'p2', 1000, 0)).toBe('sixteen-chars-x2');
    expect(await nicknames.claim('Ada', 'p4', 2000, 1000)).toBe('Ada');
  });
});

describe('match directory', () => {
  it('announces created, updated and removed changes with growing versions', async () => {
    const { directory } = createMemoryStores();
    const seen: string[] = [];
    directory.subscribe((c) => seen.push(`${c.type}@${c.version}`));
    const listing = { matchId: 'm', mode: 'ffa', state: 'waiting' as const, players: 0, humans: 0, bots: 0, spectators: 0, maxPlayers: 4, killTarget: 20, timeLimitS: 300, createdAt: 0 };
    await directory.put({ listing, visibility: 'public', nodeId: 'n' });
    await directory.put({ listing: { ...listing, players: 1 }, visibility: 'public', nodeId: 'n' });
    expect(await directory.remove('m')).toBe(3);
    expect(await directory.remove('m')).toBe(null);
    expect(seen).toEqual(['created@1', 'updated@2', 'removed@3']);
    expect(await directory.list()).toEqual({ version: 3, entries: [] });
  });
});
