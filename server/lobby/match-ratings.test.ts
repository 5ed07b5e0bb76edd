/**
 * Rating a match from the match host's results: humans ranked as the game ranked them with the
 * bots left out, equal scores tied, a leaver below everybody who stayed, private matches unrated.
 * The host is a stand-in with the few fields the rater reads; the stores are the memory ones.
 */
import { describe, expect, it } from 'vitest';
import type { MatchResults, RatingChange } from '../../shared/protocol/events.ts';
import { createLogger } from '../log.ts';
import type { MatchHost } from '../match/match-host.ts';
import { MatchRatings } from './match-ratings.ts';
import { createMemoryStores } from './stores/index.ts';
import { waitFor } from '../../test/support/wait.ts';

type Row = { guestId: string | null; nickname: string; score: number; kills?: number };

function fakeHost(id: string, visibility: 'public' | 'private', seated: Row[]) {
  const host = {
    id,
    spec: { mode: 'ffa', visibility },
    state: 'playing',
    outcome: null as { results: MatchResults; guestIds: (string | null)[] } | null,
    guests: () => seated.filter((r) => r.guestId !== null).map((r) => ({ guestId: r.guestId!, nickname: r.nickname })),
    end(rows: Row[]) {
      host.state = 'ended';
      const standings = rows.map((r, slot) => ({ slot, nickname: r.nickname, bot: r.guestId === null, score: r.score, stats: { kills: r.kills ?? r.score } }));
      host.outcome = { results: { matchId: id, game: 'arena', reason: 'time', winnerSlot: 0, standings }, guestIds: rows.map((r) => r.guestId) };
    },
  };
  return host;
}

function setup() {
  const stores = createMemoryStores();
  const told: { guestId: string; change: RatingChange }[] = [];
  const ratings = new MatchRatings({ stores, log: createLogger({ logLevel: 'silent', nodeId: 't' }), notify: (guestId, change) => told.push({ guestId, change }) });
  return { stores, told, ratings };
}

describe('match ratings', () => {
  it('rates the humans in the game’s order, leaves the bots out, ties equal scores, puts a leaver last', async () => {
    const { stores, told, ratings } = setup();
    const rows: Row[] = [
      { guestId: null, nickname: 'Bot 1', score: 9 },
      { guestId: 'a', nickname: 'Ada', score: 5 },
      { guestId: 'b', nickname: 'Bob', score: 3 },
      { guestId: 'c', nickname: 'Cy', score: 3 },
      { guestId: 'd', nickname: 'Dee', score: 0 },
    ];
    const host = fakeHost('m1', 'public', rows);
    ratings.changed(host as unknown as MatchHost);
    // Dee leaves while the match is played: its seat is gone from the results.
    ratings.seatReleased(host as unknown as MatchHost, 'd');
    host.end(rows.filter((r) => r.guestId !== 'd'));
    ratings.ended(host as unknown as MatchHost);
    ratings.ended(host as unknown as MatchHost);
    await waitFor(() => told.length === 4, 'four humans rated');
    const place = Object.fromEntries(told.map((t) => [t.guestId, t.change.place]));
    expect(place).toEqual({ a: 1, b: 2, c: 2, d: 4 });
    const delta = Object.fromEntries(told.map((t) => [t.guestId, t.change.delta]));
    expect(delta['a']).toBeGreaterThan(0);
    expect(delta['b']).toBe(delta['c']);
    expect(delta['d']).toBeLessThan(delta['b']!);
    for (const t of told) expect(t.change).toMatchObject({ matchId: 'm1', mode: 'ffa', before: 1000, humans: 4 });
    expect((await stores.profiles.get('d'))!.modes['ffa']).toMatchObject({ played: 1, wins: 0, stats: {} });
    expect((await stores.profiles.get('a'))!.modes['ffa']).toMatchObject({ played: 1, stats: { kills: 5 } });
    expect((await stores.boards.top('ffa', 10)).map((e) => e.nickname)[0]).toBe('Ada');
    expect((await stores.boards.rankOf('ffa', 'd'))!.rank).toBe(4);
  });

  it('leaves a private match unrated, and a lone human against bots counted but not moved', async () => {
    const { stores, told, ratings } = setup();
    const privateRows: Row[] = [{ guestId: 'a', nickname: 'Ada', score: 2 }, { guestId: 'b', nickname: 'Bob', score: 1 }];
    const priv = fakeHost('m2', 'private', privateRows);
    priv.end(privateRows);
    ratings.ended(priv as unknown as MatchHost);
    const soloRows: Row[] = [{ guestId: 'a', nickname: 'Ada', score: 4 }, { guestId: null, nickname: 'Bot 1', score: 1 }];
    const solo = fakeHost('m3', 'public', soloRows);
    solo.end(soloRows);
    ratings.ended(solo as unknown as MatchHost);
    await waitFor(() => told.length === 1, 'the lone human told');
    expect(told[0]).toMatchObject({ guestId: 'a', change: { matchId: 'm3', delta: 0, humans: 1, place: 1 } });
    expect((await stores.profiles.get('a'))!.modes['ffa']).toMatchObject({ played: 1, wins: 1, rating: 1000 });
    expect(await stores.profiles.get('b')).toBe(null);
  });
});
