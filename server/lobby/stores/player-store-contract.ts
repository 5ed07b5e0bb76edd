/**
 * The promises of the player-facing stores (profiles, leaderboards, parties, and the queue's party
 * tickets and rating window), as one suite every implementation runs against itself: memory in
 * the unit project, Redis and Redis Cluster in the integration project (redis-stores.test.ts).
 * Races are provoked as in store-contract.ts: many calls issued before any is awaited.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LobbyStores, QueueEntry } from './index.ts';
import type { StoreFixture } from './store-contract.ts';

export function describePlayerStoreContract(name: string, makeStores: () => Promise<StoreFixture>): void {
  describe(`player stores contract: ${name}`, () => {
    let fixture: StoreFixture | undefined;
    let s: LobbyStores;
    beforeEach(async () => {
      fixture = await makeStores();
      s = fixture.stores;
    });
    afterEach(async () => {
      await fixture?.cleanup();
      fixture = undefined;
    });

    const ada = { guestId: 'g-ada', nickname: 'Ada' };
    const bob = { guestId: 'g-bob', nickname: 'Bob' };
    const cy = { guestId: 'g-cy', nickname: 'Cy' };

    describe('profile store', () => {
      it('starts a profile at the first match and adds each next one', async () => {
        expect(await s.profiles.get('g-ada')).toBe(null);
        await s.profiles.record('g-ada', { nickname: 'Ada', mode: 'ffa', mu: 27.5, sigma: 8.1, rating: 1040, won: true, stats: { kills: 3, deaths: 1 } });
        const after = await s.profiles.record('g-ada', { nickname: 'Ada2', mode: 'ffa', mu: 26.25, sigma: 7.9, rating: 1011, won: false, stats: { kills: 1, deaths: 2 } });
        expect(after.nickname).toBe('Ada2');
        const ffa = after.modes['ffa']!;
        expect(ffa).toMatchObject({ rating: 1011, played: 2, wins: 1, stats: { kills: 4, deaths: 3 } });
        expect(ffa.mu).toBeCloseTo(26.25, 9);
        expect(ffa.sigma).toBeCloseTo(7.9, 9);
        expect(await s.profiles.get('g-ada')).toEqual(after);
        const [a, none] = await s.profiles.getMany(['g-ada', 'g-none']);
        expect(a).toEqual(after);
        expect(none).toBe(null);
      });

      it('keeps modes apart and a match without stats countable', async () => {
        await s.profiles.record('g-ada', { nickname: 'Ada', mode: 'ffa', mu: 25, sigma: 8, rating: 1000, won: false, stats: {} });
        const p = await s.profiles.record('g-ada', { nickname: 'Ada', mode: 'duel', mu: 30, sigma: 7, rating: 1100, won: true, stats: {} });
        expect(p.modes['ffa']).toMatchObject({ played: 1, wins: 0, stats: {} });
        expect(p.modes['duel']).toMatchObject({ played: 1, wins: 1, rating: 1100, stats: {} });
      });

      it('counts every one of 20 parallel records', async () => {
        await Promise.all(Array.from({ length: 20 }, (_, i) => s.profiles.record('g-ada', { nickname: 'Ada', mode: 'ffa', mu: 25, sigma: 8, rating: 1000 + i, won: i % 2 === 0, stats: { kills: 1 } })));
        expect((await s.profiles.get('g-ada'))!.modes['ffa']).toMatchObject({ played: 20, wins: 10, stats: { kills: 20 } });
      });
    });

    describe('leaderboard store', () => {
      it('ranks best first, moves a player when its rating changes, and says a player’s own rank', async () => {
        await s.boards.set('ffa', 'a', 'Ada', 1200);
        await s.boards.set('ffa', 'b', 'Bob', 1100);
        await s.boards.set('ffa', 'c', 'Cy', 1300);
        await s.boards.set('duel', 'a', 'Ada', 900);
        expect(await s.boards.top('ffa', 100)).toEqual([
          { rank: 1, guestId: 'c', nickname: 'Cy', rating: 1300 },
          { rank: 2, guestId: 'a', nickname: 'Ada', rating: 1200 },
          { rank: 3, guestId: 'b', nickname: 'Bob', rating: 1100 },
        ]);
        await s.boards.set('ffa', 'b', 'Bobby', 1250);
        expect((await s.boards.top('ffa', 2)).map((e) => e.guestId)).toEqual(['c', 'b']);
        expect(await s.boards.rankOf('ffa', 'a')).toEqual({ rank: 3, guestId: 'a', nickname: 'Ada', rating: 1200 });
        expect(await s.boards.rankOf('ffa', 'b')).toEqual({ rank: 2, guestId: 'b', nickname: 'Bobby', rating: 1250 });
        expect(await s.boards.rankOf('ffa', 'nobody')).toBe(null);
        expect(await s.boards.rankOf('never', 'a')).toBe(null);
        expect(await s.boards.top('never', 100)).toEqual([]);
        expect(await s.boards.size('ffa')).toBe(3);
        expect(await s.boards.size('duel')).toBe(1);
      });

      it('orders equal ratings the same way every time (by guest id, descending)', async () => {
        for (const id of ['m', 'z', 'a']) await s.boards.set('ffa', id, id, 1000);
        expect((await s.boards.top('ffa', 10)).map((e) => e.guestId)).toEqual(['z', 'm', 'a']);
        expect((await s.boards.rankOf('ffa', 'a'))!.rank).toBe(3);
      });
    });

    describe('party store', () => {
      it('creates a party led by its creator, lets friends join in order, refuses the fifth', async () => {
        const created = await s.parties.create('ABCDE', ada, 4, 1000);
        expect(created).toEqual({ ok: true, party: { code: 'ABCDE', members: [{ ...ada, awaySince: 0 }], maxSize: 4, queued: '', createdAt: 1000, version: 1 } });
        expect(await s.parties.join('ABCDE', bob)).toMatchObject({ ok: true, already: false });
        expect(await s.parties.join('ABCDE', bob)).toMatchObject({ ok: true, already: true });
        await s.parties.join('ABCDE', cy);
        await s.parties.join('ABCDE', { guestId: 'g-d', nickname: 'D' });
        expect(await s.parties.join('ABCDE', { guestId: 'g-e', nickname: 'E' })).toEqual({ ok: false, reason: 'full' });
        expect((await s.parties.get('ABCDE'))!.members.map((m) => m.nickname)).toEqual(['Ada', 'Bob', 'Cy', 'D']);
        // One version per change: created, then three joins.
        expect((await s.parties.get('ABCDE'))!.version).toBe(4);
        expect(await s.parties.partyOf('g-e')).toBe(null);
        expect(await s.parties.partyOf('g-bob')).toBe('ABCDE');
      });

      it('refuses a taken code, an unknown code, a second party and a queued party', async () => {
        await s.parties.create('ABCDE', ada, 4, 0);
        expect(await s.parties.create('ABCDE', bob, 4, 0)).toEqual({ ok: false, reason: 'taken' });
        expect(await s.parties.create('FGHJK', ada, 4, 0)).toEqual({ ok: false, reason: 'in_party', code: 'ABCDE' });
        expect(await s.parties.join('ZZZZZ', bob)).toEqual({ ok: false, reason: 'not_found' });
        await s.parties.create('FGHJK', bob, 4, 0);
        expect(await s.parties.join('ABCDE', bob)).toEqual({ ok: false, reason: 'in_party', code: 'FGHJK' });
        expect(await s.parties.setQueued('ABCDE', 'ffa')).toBe(true);
        expect(await s.parties.join('ABCDE', cy)).toEqual({ ok: false, reason: 'queued' });
        expect(await s.parties.setQueued('ABCDE', '')).toBe(true);
        expect(await s.parties.join('ABCDE', cy)).toMatchObject({ ok: true });
        expect(await s.parties.setQueued('NOPE2', 'ffa')).toBe(false);
      });

      it('hands the lead to the next member and ends with the last one out', async () => {
        await s.parties.create('ABCDE', ada, 4, 0);
        await s.parties.join('ABCDE', bob);
        await s.parties.join('ABCDE', cy);
        const left = await s.parties.leave('g-ada');
        expect(left!.code).toBe('ABCDE');
        expect(left!.party!.members.map((m) => m.guestId)).toEqual(['g-bob', 'g-cy']);
        expect(await s.parties.leave('g-ada')).toBe(null);
        await s.parties.leave('g-bob');
        expect(await s.parties.leave('g-cy')).toEqual({ code: 'ABCDE', party: null });
        expect(await s.parties.get('ABCDE')).toBe(null);
        // The code is free again, and so are its members.
        expect(await s.parties.create('ABCDE', cy, 4, 0)).toMatchObject({ ok: true });
      });

      it('drops an away member only if it is still away since the same time', async () => {
        await s.parties.create('ABCDE', ada, 4, 0);
        await s.parties.join('ABCDE', bob);
        expect((await s.parties.presence('g-bob', 5000))!.members[1]!.awaySince).toBe(5000);
        await s.parties.presence('g-bob', 0);
        expect(await s.parties.dropAway('g-bob', 5000)).toBe(null);
        await s.parties.presence('g-bob', 7000);
        expect(await s.parties.dropAway('g-bob', 5000)).toBe(null);
        expect(await s.parties.dropAway('g-bob', 7000)).toMatchObject({ code: 'ABCDE', party: { members: [{ guestId: 'g-ada' }] } });
        expect(await s.parties.presence('g-nobody', 1)).toBe(null);
      });

      it('gives the last place to exactly one of 10 parallel joins, and each player one party', async () => {
        await s.parties.create('ABCDE', ada, 3, 0);
        const joins = await Promise.all(Array.from({ length: 10 }, (_, i) => s.parties.join('ABCDE', { guestId: `p${i}`, nickname: `P${i}` })));
        expect(joins.filter((j) => j.ok)).toHaveLength(2);
        expect((await s.parties.get('ABCDE'))!.members).toHaveLength(3);
        await s.parties.create('FGHJK', bob, 4, 0);
        await s.parties.create('KMNPQ', cy, 4, 0);
        const both = await Promise.all([s.parties.join('FGHJK', { guestId: 'x', nickname: 'X' }), s.parties.join('KMNPQ', { guestId: 'x', nickname: 'X' })]);
        expect(both.filter((j) => j.ok)).toHaveLength(1);
        const sizes = [(await s.parties.get('FGHJK'))!.members.length, (await s.parties.get('KMNPQ'))!.members.length].sort();
        expect(sizes).toEqual([1, 2]);
      });
    });

    describe('queue: party tickets and the rating window', () => {
      const e = (guestId: string, enqueuedAt: number, extra: Partial<QueueEntry> = {}): QueueEntry => ({ guestId, nickname: guestId, enqueuedAt, ...extra });
      const party = (code: string, ids: string[], at: number, rating?: number): QueueEntry[] =>
        ids.map((id) => e(id, at, { party: code, with: ids, ...(rating !== undefined && { rating }) }));

      it('queues a party all or none and pops it whole into one group', async () => {
        await s.queue.enqueue('ffa', e('solo1', 0));
        expect(await s.queue.enqueueGroup('ffa', party('P1', ['a', 'b', 'solo1'], 1))).toEqual({ added: false, mode: 'ffa', guestId: 'solo1' });
        expect(await s.queue.size('ffa')).toBe(1);
        expect(await s.queue.modeOf('a')).toBe(null);
        expect(await s.queue.enqueueGroup('ffa', party('P1', ['a', 'b', 'c'], 1))).toEqual({ added: true, waiting: 4 });
        expect(await s.queue.modeOf('b')).toBe('ffa');
        await s.queue.enqueue('ffa', e('solo2', 2));
        // max 3: solo1 and the party do not fit together; the party alone fills a match at once.
        const full = await s.queue.popGroup('ffa', { min: 2, max: 3, waitMs: 60_000, now: 10 });
        expect(full.map((x) => x.guestId)).toEqual(['a', 'b', 'c']);
        expect(full[0]).toEqual(e('a', 1, { party: 'P1', with: ['a', 'b', 'c'] }));
        expect((await s.queue.popGroup('ffa', { min: 2, max: 3, waitMs: 1000, now: 2000 })).map((x) => x.guestId)).toEqual(['solo1', 'solo2']);
      });

      it('takes a whole party out when one member leaves the queue', async () => {
        await s.queue.enqueueGroup('ffa', party('P1', ['a', 'b'], 0));
        await s.queue.enqueue('ffa', e('c', 0));
        expect(await s.queue.remove('b')).toBe('ffa');
        expect(await s.queue.size('ffa')).toBe(1);
        expect(await s.queue.remove('a')).toBe(null);
        expect(await s.queue.enqueue('duel', e('a', 0))).toEqual({ added: true, waiting: 1 });
      });

      it('groups close ratings and widens the window with the wait', async () => {
        const window = { base: 100, perSecond: 100 };
        await s.queue.enqueue('ffa', e('low', 0, { rating: 800 }));
        await s.queue.enqueue('ffa', e('high1', 0, { rating: 1500 }));
        await s.queue.enqueue('ffa', e('mid', 0, { rating: 850 }));
        await s.queue.enqueue('ffa', e('high2', 0, { rating: 1450 }));
        const first = await s.queue.popGroup('ffa', { min: 2, max: 2, waitMs: 60_000, now: 0, window });
        expect(first.map((x) => x.guestId)).toEqual(['low', 'mid']);
        const second = await s.queue.popGroup('ffa', { min: 2, max: 2, waitMs: 60_000, now: 0, window });
        expect(second.map((x) => x.guestId)).toEqual(['high1', 'high2']);
        await s.queue.enqueue('ffa', e('far1', 0, { rating: 700 }));
        await s.queue.enqueue('ffa', e('far2', 0, { rating: 1300 }));
        // 600 apart: the window reaches them after (600 - 100) / 100 = 5 s of waiting.
        expect(await s.queue.popGroup('ffa', { min: 2, max: 2, waitMs: 60_000, now: 4900, window })).toEqual([]);
        expect((await s.queue.popGroup('ffa', { min: 2, max: 2, waitMs: 60_000, now: 5000, window })).map((x) => x.guestId)).toEqual(['far1', 'far2']);
      });

      it('rates a party by the rating its members carry', async () => {
        const window = { base: 50, perSecond: 0 };
        await s.queue.enqueue('ffa', e('solo-low', 0, { rating: 900 }));
        await s.queue.enqueueGroup('ffa', party('P1', ['a', 'b'], 0, 1200));
        await s.queue.enqueue('ffa', e('solo-high', 0, { rating: 1230 }));
        expect((await s.queue.popGroup('ffa', { min: 3, max: 3, waitMs: 60_000, now: 0, window })).map((x) => x.guestId)).toEqual(['a', 'b', 'solo-high']);
      });
    });
  });
}
