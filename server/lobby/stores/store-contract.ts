/**
 * The promises every LobbyStores implementation keeps, as one vitest suite that each
 * implementation registers against itself (memory in the unit project, Redis and Redis Cluster in
 * the integration project). The lobby's correctness rests on these: a player in two matches, a
 * match over capacity, one player popped into two groups or a list client that misses a change
 * would all be bugs a user sees.
 *
 * Races are provoked by issuing many calls before awaiting any: the memory stores run each call
 * to completion, the Redis ones pipeline them on one connection, so an implementation that reads
 * and then writes in two round trips interleaves and fails the "exactly N" assertions. Delivery of
 * directory changes may be asynchronous (Redis pub/sub), so those tests wait for it, boundedly.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MatchListing, Visibility } from '../../../shared/protocol/lobby-events.ts';
import type { DirectoryChange, DirectoryEntry, LobbyStores, QueueEntry } from './index.ts';

export interface StoreFixture {
  stores: LobbyStores;
  cleanup(): Promise<void>;
}

export function describeStoreContract(name: string, makeStores: () => Promise<StoreFixture>): void {
  describe(`lobby stores contract: ${name}`, () => {
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

    describe('queue store', () => {
      it('holds a player in one queue at a time and says which', async () => {
        expect(await s.queue.enqueue('ffa', entry('a'))).toEqual({ added: true, waiting: 1 });
        expect(await s.queue.enqueue('ffa', entry('b'))).toEqual({ added: true, waiting: 2 });
        expect(await s.queue.enqueue('ffa', entry('a'))).toEqual({ added: false, mode: 'ffa' });
        expect(await s.queue.enqueue('duel', entry('a'))).toEqual({ added: false, mode: 'ffa' });
        expect(await s.queue.size('ffa')).toBe(2);
        expect(await s.queue.size('duel')).toBe(0);
        expect(await s.queue.size('never-used')).toBe(0);
      });

      it('lets one of two parallel enqueues of the same player into different modes win', async () => {
        const results = await Promise.all(
          Array.from({ length: 10 }, (_, i) => s.queue.enqueue(i % 2 === 0 ? 'ffa' : 'duel', entry('a'))),
        );
        const added = results.filter((r) => r.added);
        expect(added).toHaveLength(1);
        const winner = results.indexOf(added[0]!) % 2 === 0 ? 'ffa' : 'duel';
        for (const r of results) if (!r.added) expect(r.mode).toBe(winner);
        expect((await s.queue.size('ffa')) + (await s.queue.size('duel'))).toBe(1);
      });

      it('pops the oldest `max` in arrival order with their entries intact, and leaves the rest', async () => {
        const ids = ['p1', 'p2', 'p3', 'p4', 'p5'];
        for (const [i, id] of ids.entries()) await s.queue.enqueue('ffa', { guestId: id, nickname: `Nick ${id}`, enqueuedAt: 1000 + i });
        const group = await s.queue.popGroup('ffa', { min: 2, max: 3, waitMs: 60_000, now: 1000 });
        expect(group).toEqual([
          { guestId: 'p1', nickname: 'Nick p1', enqueuedAt: 1000 },
          { guestId: 'p2', nickname: 'Nick p2', enqueuedAt: 1001 },
          { guestId: 'p3', nickname: 'Nick p3', enqueuedAt: 1002 },
        ]);
        expect(await s.queue.size('ffa')).toBe(2);
        // Arrival order, not enqueuedAt, is the queue order: clocks of two nodes may disagree.
        await s.queue.enqueue('ffa', entry('late-but-stamped-early', 0));
        const rest = await s.queue.popGroup('ffa', { min: 3, max: 3, waitMs: 0, now: 2000 });
        expect(rest.map((e) => e.guestId)).toEqual(['p4', 'p5', 'late-but-stamped-early']);
      });

      it('forms a short group only once the oldest has waited waitMs, and only at the minimum', async () => {
        await s.queue.enqueue('ffa', entry('a', 100));
        expect(await s.queue.popGroup('ffa', { min: 1, max: 4, waitMs: 500, now: 599 })).toEqual([]);
        expect(await s.queue.popGroup('ffa', { min: 2, max: 4, waitMs: 500, now: 700 })).toEqual([]);
        await s.queue.enqueue('ffa', entry('b', 650));
        // The oldest's wait counts, not the newest's: 'b' waited only 50 ms.
        const group = await s.queue.popGroup('ffa', { min: 2, max: 4, waitMs: 500, now: 600 });
        expect(group.map((e) => e.guestId)).toEqual(['a', 'b']);
        expect(await s.queue.remove('a')).toBe(null);
        expect(await s.queue.size('ffa')).toBe(0);
        expect(await s.queue.popGroup('ffa', { min: 1, max: 4, waitMs: 0, now: 10_000 })).toEqual([]);
      });

      it('pops only from the mode asked for', async () => {
        await s.queue.enqueue('ffa', entry('a'));
        await s.queue.enqueue('duel', entry('b'));
        await s.queue.enqueue('duel', entry('c'));
        expect((await s.queue.popGroup('duel', { min: 2, max: 2, waitMs: 0, now: 0 })).map((e) => e.guestId)).toEqual(['b', 'c']);
        expect(await s.queue.size('ffa')).toBe(1);
        expect(await s.queue.popGroup('ffa', { min: 2, max: 2, waitMs: 0, now: 0 })).toEqual([]);
      });

      it('removes a player from whichever queue holds it, once', async () => {
        await s.queue.enqueue('duel', entry('a'));
        await s.queue.enqueue('duel', entry('b'));
        expect(await s.queue.remove('a')).toBe('duel');
        expect(await s.queue.remove('a')).toBe(null);
        expect(await s.queue.remove('nobody')).toBe(null);
        expect(await s.queue.size('duel')).toBe(1);
        expect(await s.queue.enqueue('ffa', entry('a'))).toEqual({ added: true, waiting: 1 });
        // A removed player is not popped.
        expect((await s.queue.popGroup('duel', { min: 1, max: 4, waitMs: 0, now: 0 })).map((e) => e.guestId)).toEqual(['b']);
      });

      it('lets a popped player queue again', async () => {
        await s.queue.enqueue('ffa', entry('a'));
        await s.queue.popGroup('ffa', { min: 1, max: 1, waitMs: 0, now: 0 });
        expect(await s.queue.enqueue('duel', entry('a'))).toEqual({ added: true, waiting: 1 });
        expect(await s.queue.remove('a')).toBe('duel');
      });

      it('never hands one player to two parallel pops', async () => {
        const ids = Array.from({ length: 40 }, (_, i) => `p${i}`);
        await Promise.all(ids.map((id) => s.queue.enqueue('ffa', entry(id))));
        const rule = { min: 4, max: 4, waitMs: 0, now: 0 };
        const groups = await Promise.all(Array.from({ length: 12 }, () => s.queue.popGroup('ffa', rule)));
        const popped = groups.flat().map((e) => e.guestId);
        expect(new Set(popped).size).toBe(popped.length);
        expect(popped.sort()).toEqual([...ids].sort());
        expect(groups.filter((g) => g.length === 4)).toHaveLength(10);
        expect(groups.filter((g) => g.length === 0)).toHaveLength(2);
        expect(await s.queue.size('ffa')).toBe(0);
      });

      it('groups the players of one node first, and fills a group from several nodes only after nodeWaitMs', async () => {
        // Arrival alternates between the nodes, as behind a front that spreads connections.
        const on = (id: string, nodeId: string, at: number): QueueEntry => ({ ...entry(id, at), nodeId });
        for (let i = 0; i < 3; i++) {
          await s.queue.enqueue('ffa', on(`a${i}`, 'n1', 1000 + i));
          await s.queue.enqueue('ffa', on(`b${i}`, 'n2', 1000 + i));
        }
        const rule = { min: 2, max: 3, waitMs: 5000, nodeWaitMs: 2000 };
        // Full, and all of n1 although b0 arrived before a1: the oldest anchor's node fills first.
        expect((await s.queue.popGroup('ffa', { ...rule, now: 1010 })).map((e) => e.guestId)).toEqual(['a0', 'a1', 'a2']);
        await s.queue.enqueue('ffa', on('a3', 'n1', 1020));
        expect((await s.queue.popGroup('ffa', { ...rule, now: 1020 })).map((e) => e.guestId)).toEqual(['b0', 'b1', 'b2']);
        // a3 and b3 could fill a group of 3 with c0, but all three are on different nodes: the
        // mixed group waits nodeWaitMs from its anchor's arrival.
        await s.queue.enqueue('ffa', on('b3', 'n2', 1030));
        await s.queue.enqueue('ffa', on('c0', 'n3', 1040));
        expect(await s.queue.popGroup('ffa', { ...rule, now: 1020 + 1999 })).toEqual([]);
        expect((await s.queue.popGroup('ffa', { ...rule, now: 1020 + 2000 })).map((e) => e.guestId)).toEqual(['a3', 'b3', 'c0']);
        // A short group is not held back: at waitMs, the largest one, whatever its nodes.
        await s.queue.enqueue('ffa', on('d0', 'n1', 10_000));
        await s.queue.enqueue('ffa', on('d1', 'n1', 10_001));
        await s.queue.enqueue('ffa', on('e0', 'n2', 10_002));
        expect(await s.queue.popGroup('ffa', { ...rule, max: 4, now: 10_000 + 4999 })).toEqual([]);
        expect((await s.queue.popGroup('ffa', { ...rule, max: 4, now: 10_000 + 5000 })).map((e) => e.guestId)).toEqual(['d0', 'd1', 'e0']);
        // A full mixed group never waits longer than a short group would.
        await s.queue.enqueue('ffa', on('g0', 'n1', 15_000));
        await s.queue.enqueue('ffa', on('g1', 'n2', 15_000));
        expect(await s.queue.popGroup('ffa', { min: 2, max: 2, waitMs: 1000, nodeWaitMs: 60_000, now: 15_999 })).toEqual([]);
        expect((await s.queue.popGroup('ffa', { min: 2, max: 2, waitMs: 1000, nodeWaitMs: 60_000, now: 16_000 })).map((e) => e.guestId)).toEqual(['g0', 'g1']);
        // Without nodeWaitMs the node plays no part: the oldest three, whatever their node.
        for (const [i, n] of ['n1', 'n2', 'n1'].entries()) await s.queue.enqueue('ffa', on(`f${i}`, n, 20_000));
        expect((await s.queue.popGroup('ffa', { min: 3, max: 3, waitMs: 0, now: 20_000 })).map((e) => e.guestId)).toEqual(['f0', 'f1', 'f2']);
      });

      it('never pops a player that a parallel remove took out, nor reports both', async () => {
        const ids = Array.from({ length: 20 }, (_, i) => `p${i}`);
        for (const id of ids) await s.queue.enqueue('ffa', entry(id));
        const [groups, removed] = await Promise.all([
          Promise.all(Array.from({ length: 5 }, () => s.queue.popGroup('ffa', { min: 4, max: 4, waitMs: 0, now: 0 }))),
          Promise.all(ids.map((id) => s.queue.remove(id))),
        ]);
        const popped = groups.flat().map((e) => e.guestId);
        const removedIds = ids.filter((_, i) => removed[i] === 'ffa');
        expect(removed.every((m) => m === 'ffa' || m === null)).toBe(true);
        expect([...popped, ...removedIds].sort()).toEqual([...ids].sort());
      });
    });

    describe('seat store', () => {
      it('seats a player, says "already" for its own match and "seated" elsewhere', async () => {
        expect(await s.seats.claim('m1', 'p1', 4)).toEqual({ ok: true, already: false });
        expect(await s.seats.claim('m1', 'p1', 4)).toEqual({ ok: true, already: true });
        expect(await s.seats.claim('m2', 'p1', 4)).toEqual({ ok: false, reason: 'seated', matchId: 'm1' });
        expect(await s.seats.seatOf('p1')).toBe('m1');
        expect(await s.seats.seatOf('p2')).toBe(null);
        expect(await s.seats.count('m1')).toBe(1);
        expect(await s.seats.count('m2')).toBe(0);
      });

      it('refuses a seat once the match holds `capacity` players', async () => {
        expect(await s.seats.claim('m', 'p1', 2)).toEqual({ ok: true, already: false });
        expect(await s.seats.claim('m', 'p2', 2)).toEqual({ ok: true, already: false });
        expect(await s.seats.claim('m', 'p3', 2)).toEqual({ ok: false, reason: 'full' });
        expect(await s.seats.claim('empty', 'p3', 0)).toEqual({ ok: false, reason: 'full' });
        // A seated player re-claiming its seat in a full match is not refused.
        expect(await s.seats.claim('m', 'p1', 2)).toEqual({ ok: true, already: true });
        expect(await s.seats.seatOf('p3')).toBe(null);
      });

      it('gives exactly 10 of 50 parallel claims for 10 seats', async () => {
        const players = Array.from({ length: 50 }, (_, i) => `p${i}`);
        const claims = await Promise.all(players.map((p) => s.seats.claim('m', p, 10)));
        const seated = players.filter((_, i) => claims[i]!.ok);
        expect(seated).toHaveLength(10);
        expect(claims.filter((c) => !c.ok && c.reason === 'full')).toHaveLength(40);
        expect(await s.seats.count('m')).toBe(10);
        for (const p of players) expect(await s.seats.seatOf(p)).toBe(seated.includes(p) ? 'm' : null);
      });

      it('seats a player in only one of the matches it races for', async () => {
        const matches = Array.from({ length: 10 }, (_, i) => `m${i}`);
        const claims = await Promise.all(matches.map((m) => s.seats.claim(m, 'p', 4)));
        const won = matches.filter((_, i) => claims[i]!.ok);
        expect(won).toHaveLength(1);
        for (const c of claims) if (!c.ok) expect(c).toEqual({ ok: false, reason: 'seated', matchId: won[0] });
        expect(await s.seats.seatOf('p')).toBe(won[0]);
        let total = 0;
        for (const m of matches) total += await s.seats.count(m);
        expect(total).toBe(1);
      });

      it('releases a seat only for the match that holds it', async () => {
        await s.seats.claim('m1', 'p1', 2);
        await s.seats.claim('m1', 'p2', 2);
        expect(await s.seats.release('m2', 'p1')).toBe(false);
        expect(await s.seats.release('m1', 'nobody')).toBe(false);
        expect(await s.seats.seatOf('p1')).toBe('m1');
        expect(await s.seats.release('m1', 'p1')).toBe(true);
        expect(await s.seats.release('m1', 'p1')).toBe(false);
        expect(await s.seats.seatOf('p1')).toBe(null);
        expect(await s.seats.count('m1')).toBe(1);
        // The freed seat can be taken, and the freed player can sit elsewhere.
        expect(await s.seats.claim('m1', 'p3', 2)).toEqual({ ok: true, already: false });
        expect(await s.seats.claim('m2', 'p1', 2)).toEqual({ ok: true, already: false });
      });

      it('releases every seat of one match and no other', async () => {
        for (const p of ['a', 'b', 'c']) await s.seats.claim('m1', p, 4);
        await s.seats.claim('m2', 'd', 4);
        expect((await s.seats.releaseAll('m1')).sort()).toEqual(['a', 'b', 'c']);
        expect(await s.seats.count('m1')).toBe(0);
        for (const p of ['a', 'b', 'c']) expect(await s.seats.seatOf(p)).toBe(null);
        expect(await s.seats.seatOf('d')).toBe('m2');
        expect(await s.seats.releaseAll('m1')).toEqual([]);
        expect(await s.seats.releaseAll('never-existed')).toEqual([]);
        // The match's seats are all free again.
        const claims = await Promise.all(['e', 'f', 'g', 'h', 'i'].map((p) => s.seats.claim('m1', p, 4)));
        expect(claims.filter((c) => c.ok)).toHaveLength(4);
      });

      it('keeps capacity under parallel claims and releases', async () => {
        const first = Array.from({ length: 5 }, (_, i) => `a${i}`);
        for (const p of first) await s.seats.claim('m', p, 5);
        const second = Array.from({ length: 20 }, (_, i) => `b${i}`);
        const [released, claims] = await Promise.all([
          Promise.all(first.map((p) => s.seats.release('m', p))),
          Promise.all(second.map((p) => s.seats.claim('m', p, 5))),
        ]);
        expect(released.every(Boolean)).toBe(true);
        const count = await s.seats.count('m');
        expect(count).toBeLessThanOrEqual(5);
        expect(claims.filter((c) => c.ok)).toHaveLength(count);
      });
    });

    describe('code store', () => {
      it('reserves a code once and releases it only for its own match', async () => {
        expect(await s.codes.resolve('ABCDE')).toBe(null);
        expect(await s.codes.reserve('ABCDE', 'm1')).toBe(true);
        expect(await s.codes.reserve('ABCDE', 'm2')).toBe(false);
        expect(await s.codes.reserve('ABCDE', 'm1')).toBe(false);
        await s.codes.release('ABCDE', 'm2');
        expect(await s.codes.resolve('ABCDE')).toBe('m1');
        await s.codes.release('ABCDE', 'm1');
        expect(await s.codes.resolve('ABCDE')).toBe(null);
        // A released code is free for the next match.
        expect(await s.codes.reserve('ABCDE', 'm2')).toBe(true);
        expect(await s.codes.resolve('ABCDE')).toBe('m2');
      });

      it('gives a code to exactly one of many matches reserving it at once', async () => {
        const matches = Array.from({ length: 20 }, (_, i) => `m${i}`);
        const results = await Promise.all(matches.map((m) => s.codes.reserve('RACE2', m)));
        const winners = matches.filter((_, i) => results[i]);
        expect(winners).toHaveLength(1);
        expect(await s.codes.resolve('RACE2')).toBe(winners[0]);
      });

      it('keeps codes apart', async () => {
        expect(await s.codes.reserve('AAAAA', 'm1')).toBe(true);
        expect(await s.codes.reserve('BBBBB', 'm2')).toBe(true);
        await s.codes.release('AAAAA', 'm1');
        expect(await s.codes.resolve('BBBBB')).toBe('m2');
      });
    });

    describe('nickname registry', () => {
      it('suffixes a taken name with the first free number', async () => {
        expect(await s.nicknames.claim('Ada', 'p1', 1000, 0)).toBe('Ada');
        expect(await s.nicknames.claim('Ada', 'p2', 1000, 0)).toBe('Ada2');
        expect(await s.nicknames.claim('Ada', 'p3', 1000, 0)).toBe('Ada3');
        await s.nicknames.release('Ada2', 'p2');
        expect(await s.nicknames.claim('Ada', 'p4', 1000, 0)).toBe('Ada2');
        // Asking for a suffixed name directly collides with the suffixed variant too.
        expect(await s.nicknames.claim('Ada3', 'p5', 1000, 0)).toBe('Ada32');
      });

      it('treats case and compatibility forms as the same name, keeping the asker\'s spelling', async () => {
        expect(await s.nicknames.claim('Ada', 'p1', 1000, 0)).toBe('Ada');
        expect(await s.nicknames.claim('ada', 'p2', 1000, 0)).toBe('ada2');
        expect(await s.nicknames.claim('ADA', 'p3', 1000, 0)).toBe('ADA3');
        // Fullwidth Ａ (U+FF21) folds to A under NFKC.
        expect(await s.nicknames.claim('\uFF21da', 'p4', 1000, 0)).toBe('\uFF21da4');
        expect(await s.nicknames.claim('ADA2', 'p5', 1000, 0)).toBe('ADA22');
      });

      it('gives a player its own name back and renews the hold', async () => {
        expect(await s.nicknames.claim('Ada', 'p1', 1000, 0)).toBe('Ada');
        expect(await s.nicknames.claim('aDa', 'p1', 5000, 500)).toBe('aDa');
        // The hold now lasts until 5000, not 1000.
        expect(await s.nicknames.claim('Ada', 'p2', 6000, 2000)).toBe('Ada2');
      });

      it('shortens the name so name plus suffix fit 16 characters', async () => {
        expect(await s.nicknames.claim('sixteen-chars-xx', 'p1', 1000, 0)).toBe('sixteen-chars-xx');
        expect(await s.nicknames.claim('sixteen-chars-xx', 'p2', 1000, 0)).toBe('sixteen-chars-x2');
        // Cutting must not leave a trailing space before the suffix.
        expect(await s.nicknames.claim('fourteen chars b', 'p1', 1000, 0)).toBe('fourteen chars b');
        expect(await s.nicknames.claim('fourteen chars b', 'p2', 1000, 0)).toBe('fourteen chars2');
        for (let i = 3; i <= 9; i++) await s.nicknames.claim('sixteen-chars-xx', `p${i}`, 1000, 0);
        const tenth = await s.nicknames.claim('sixteen-chars-xx', 'p10', 1000, 0);
        expect(tenth).toBe('sixteen-chars-10');
        // Letters count, not UTF-16 units: 16 astral letters are 32 units and still fit.
        const gothic = '\u{10330}'.repeat(16);
        expect(await s.nicknames.claim(gothic, 'p1', 1000, 0)).toBe(gothic);
        expect(await s.nicknames.claim(gothic, 'p2', 1000, 0)).toBe('\u{10330}'.repeat(15) + '2');
      });

      it('frees a hold when it expires, not before', async () => {
        expect(await s.nicknames.claim('Ada', 'p1', 1000, 0)).toBe('Ada');
        expect(await s.nicknames.claim('Ada', 'p2', 2000, 999)).toBe('Ada2');
        expect(await s.nicknames.claim('Ada', 'p3', 2000, 1000)).toBe('Ada');
        // p1's hold is gone: the name now belongs to p3, p1 gets a variant.
        expect(await s.nicknames.claim('Ada', 'p1', 3000, 1000)).toBe('Ada3');
      });

      it('lets only the holder release a name', async () => {
        await s.nicknames.claim('Ada', 'p1', 1000, 0);
        await s.nicknames.release('Ada', 'p2');
        expect(await s.nicknames.claim('Ada', 'p2', 1000, 0)).toBe('Ada2');
        await s.nicknames.release('ADA', 'p1');
        expect(await s.nicknames.claim('Ada', 'p3', 1000, 0)).toBe('Ada');
      });

      it('hands out distinct names to players claiming the same name at once', async () => {
        const players = Array.from({ length: 20 }, (_, i) => `p${i}`);
        const names = await Promise.all(players.map((p, i) => s.nicknames.claim(i % 2 ? 'ada' : 'Ada', p, 1000, 0)));
        expect(names.every((n) => n !== null)).toBe(true);
        const keys = names.map((n) => n!.toLowerCase());
        expect(new Set(keys).size).toBe(players.length);
        const expected = ['ada', ...Array.from({ length: 19 }, (_, i) => `ada${i + 2}`)];
        expect(keys.sort()).toEqual(expected.sort());
      });
    });

    describe('match directory', () => {
      it('announces created, updated and removed changes in version order', async () => {
        const seen: DirectoryChange[] = [];
        const stop = s.directory.subscribe((c) => seen.push(c));
        const v1 = await s.directory.put(dirEntry('m1'));
        const v2 = await s.directory.put(dirEntry('m1', { players: 1 }));
        const v3 = await s.directory.remove('m1');
        expect(v1).toBeGreaterThan(0);
        expect(v2).toBeGreaterThan(v1);
        expect(v3).toBeGreaterThan(v2);
        await until(() => seen.length >= 3, 'three directory changes');
        expect(seen).toEqual([
          { type: 'created', version: v1, entry: dirEntry('m1') },
          { type: 'updated', version: v2, entry: dirEntry('m1', { players: 1 }) },
          { type: 'removed', version: v3, matchId: 'm1', visibility: 'public' },
        ]);
        stop();
      });

      it('tells a removal\'s visibility, so private matches stay out of public lists', async () => {
        const seen: DirectoryChange[] = [];
        const stop = s.directory.subscribe((c) => seen.push(c));
        await s.directory.put(dirEntry('secret', {}, 'private'));
        const v = await s.directory.remove('secret');
        await until(() => seen.length >= 2, 'two directory changes');
        expect(seen[1]).toEqual({ type: 'removed', version: v, matchId: 'secret', visibility: 'private' });
        expect(seen[0]).toMatchObject({ type: 'created', entry: { visibility: 'private' } });
        stop();
      });

      it('returns null for removing an absent match, without a version or an announcement', async () => {
        const seen: DirectoryChange[] = [];
        const stop = s.directory.subscribe((c) => seen.push(c));
        const v1 = await s.directory.put(dirEntry('m1'));
        expect(await s.directory.remove('absent')).toBe(null);
        expect((await s.directory.list()).version).toBe(v1);
        const v2 = await s.directory.put(dirEntry('m2'));
        expect(v2).toBe(v1 + 1);
        await until(() => seen.length >= 2, 'two directory changes');
        expect(seen.map((c) => c.type)).toEqual(['created', 'created']);
        stop();
      });

      it('gets and lists entries as they were put, and keeps its own copy', async () => {
        expect(await s.directory.get('m1')).toBe(null);
        expect(await s.directory.list()).toEqual({ version: 0, entries: [] });
        const e1 = dirEntry('m1');
        await s.directory.put(e1);
        e1.listing.players = 99;
        await s.directory.put(dirEntry('m2', { state: 'playing' }, 'private'));
        expect(await s.directory.get('m1')).toEqual(dirEntry('m1'));
        const list = await s.directory.list();
        expect(list.version).toBe(2);
        expect(sortById(list.entries)).toEqual([dirEntry('m1'), dirEntry('m2', { state: 'playing' }, 'private')]);
        // What get returns is a copy too.
        const got = (await s.directory.get('m2'))!;
        got.listing.players = 42;
        expect((await s.directory.get('m2'))!.listing.players).toBe(0);
      });

      it('stores fields it does not know about (the listing may grow)', async () => {
        const grown = dirEntry('m1') as DirectoryEntry & { extra: unknown };
        (grown.listing as MatchListing & { region?: string }).region = 'eu-west';
        grown.extra = { nested: [1, 'two', null, true], unicode: 'Ünïcødé \u{1F600}' };
        await s.directory.put(grown);
        expect(await s.directory.get('m1')).toEqual(grown);
      });

      it('hands out strictly increasing versions to parallel writers and announces every one, in order', async () => {
        const seen: DirectoryChange[] = [];
        const stop = s.directory.subscribe((c) => seen.push(c));
        const ids = Array.from({ length: 30 }, (_, i) => `m${i}`);
        await Promise.all(ids.map((id) => s.directory.put(dirEntry(id))));
        const versions = await Promise.all([
          ...ids.map((id, i) => s.directory.put(dirEntry(id, { players: i }))),
          ...ids.slice(0, 10).map((id) => s.directory.remove(id)),
        ]);
        expect(versions.every((v) => typeof v === 'number')).toBe(true);
        expect(new Set(versions).size).toBe(versions.length);
        await until(() => seen.length >= 70, '70 directory changes');
        const seenVersions = seen.map((c) => c.version);
        const first = seenVersions[0]!;
        expect(seenVersions).toEqual(Array.from({ length: 70 }, (_, i) => first + i));
        expect([...versions].sort((a, b) => a! - b!)).toEqual(seenVersions.slice(30));
        // Each announced change is the one that got that version.
        for (const c of seen.slice(30)) {
          if (c.type === 'removed') expect(Number(c.matchId.slice(1))).toBeLessThan(10);
          else expect(c.entry.listing.matchId).toBe(`m${c.entry.listing.players}`);
        }
        stop();
      });

      it('lists entries consistent with the version it reports, even while writers race', async () => {
        const seen: DirectoryChange[] = [];
        const stop = s.directory.subscribe((c) => seen.push(c));
        const writes: Promise<unknown>[] = [];
        const snapshots: Promise<{ version: number; entries: DirectoryEntry[] }>[] = [];
        for (let i = 0; i < 40; i++) {
          const id = `m${i % 7}`;
          writes.push(i % 3 === 2 ? s.directory.remove(id) : s.directory.put(dirEntry(id, { players: i })));
          if (i % 5 === 0) snapshots.push(s.directory.list());
        }
        await Promise.all(writes);
        const last = await s.directory.list();
        await until(() => seen.length > 0 && seen.at(-1)!.version === last.version, 'the last directory change');
        // Replaying the announced changes up to a snapshot's version rebuilds that snapshot exactly.
        for (const snapshot of [...(await Promise.all(snapshots)), last]) {
          const replayed = new Map<string, DirectoryEntry>();
          for (const c of seen) {
            if (c.version > snapshot.version) break;
            if (c.type === 'removed') replayed.delete(c.matchId);
            else replayed.set(c.entry.listing.matchId, c.entry);
          }
          expect(sortById(snapshot.entries)).toEqual(sortById([...replayed.values()]));
        }
        stop();
      });

      it('stops calling a listener once it unsubscribes, and calls every other one', async () => {
        const a: DirectoryChange[] = [];
        const b: DirectoryChange[] = [];
        const stopA = s.directory.subscribe((c) => a.push(c));
        const stopB = s.directory.subscribe((c) => b.push(c));
        const v1 = await s.directory.put(dirEntry('m1'));
        await until(() => a.length >= 1 && b.length >= 1, 'the first change at both listeners');
        stopA();
        const v2 = await s.directory.put(dirEntry('m2'));
        await until(() => b.length >= 2, 'the second change at the listener still subscribed');
        expect(a.map((c) => c.version)).toEqual([v1]);
        expect(b.map((c) => c.version)).toEqual([v1, v2]);
        stopB();
        // A listener that comes later hears changes from then on.
        const c: DirectoryChange[] = [];
        const stopC = s.directory.subscribe((change) => c.push(change));
        const v3 = await s.directory.put(dirEntry('m3'));
        await until(() => c.length >= 1, 'a change at a fresh listener');
        expect(c.map((change) => change.version)).toEqual([v3]);
        expect(b).toHaveLength(2);
        stopC();
      });
    });
  });
}

function entry(guestId: string, enqueuedAt = 0): QueueEntry {
  return { guestId, nickname: guestId, enqueuedAt };
}

function dirEntry(matchId: string, listing: Partial<MatchListing> = {}, visibility: Visibility = 'public'): DirectoryEntry {
  return {
    listing: {
      matchId,
      game: 'arena',
      mode: 'ffa',
      state: 'waiting',
      players: 0,
      humans: 0,
      bots: 0,
      spectators: 0,
      maxPlayers: 4,
      options: { killTarget: 20, timeLimitS: 300 },
      createdAt: 1_700_000_000_000,
      ...listing,
    },
    visibility,
    nodeId: 'node-a',
  };
}

function sortById(entries: DirectoryEntry[]): DirectoryEntry[] {
  return [...entries].sort((a, b) => (a.listing.matchId < b.listing.matchId ? -1 : 1));
}

/** Bounded wait for asynchronous delivery; the memory stores deliver synchronously and never wait. */
async function until(check: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
