/**
 * Parties, ratings and leaderboards against the real server process.
 *
 * - A party of two queued by its leader lands in one match, whatever else waits: without the party
 *   ticket, the two would be popped separately and the stranger queued first (a full group with
 *   the leader) would split them.
 * - Each bad input of the party flow answers its own code and leaves party and queue as they were.
 * - Ratings come from the server's view of the match only: the player who leaves a match being
 *   played loses rating, the one who stays gains (counterfactual: without leaver ranking neither
 *   changes, since the match never reaches its results), and the leaderboard and profile show it.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AckResult } from '../../shared/protocol/errors.ts';
import type { Leaderboard, PartyInfo, RatingChange } from '../../shared/protocol/lobby-events.ts';
import { connectPlayer, expectLobbyInvariants, playerWithSession, type TestPlayer } from '../support/lobby.ts';
import { startServer, type ServerProcess } from '../support/server-process.ts';
import { waitFor } from '../support/wait.ts';

interface Member extends TestPlayer {
  parties: (PartyInfo | null)[];
  ratings: RatingChange[];
}

const ok = <T extends object>(res: AckResult<T>): T & { ok: true } => {
  if (!res.ok) throw new Error(`${res.code}: ${res.message}`);
  return res;
};

describe('parties, ratings and leaderboards', () => {
  let server: ServerProcess;
  let url: string;
  const players: Member[] = [];
  const player = async (nickname: string): Promise<Member> => {
    const p = (await connectPlayer(url, nickname)) as Member;
    p.parties = [];
    p.ratings = [];
    p.lobby.socket.on('party', (party) => p.parties.push(party));
    p.lobby.socket.on('rating', (change) => p.ratings.push(change));
    players.push(p);
    return p;
  };

  beforeAll(async () => {
    server = await startServer({
      QUEUE_MAX_PLAYERS: '2',
      QUEUE_MIN_PLAYERS: '2',
      QUEUE_WAIT_MS: '60000',
      // First come, first served: what decides the groups here is the party ticket alone.
      QUEUE_RATING_WINDOW: '0',
      BOT_FILL: 'off',
      COUNTDOWN_MS: '100',
      RECONNECT_GRACE_MS: '1500',
      ENDED_LINGER_MS: '300',
    });
    url = server.url;
  });
  afterEach(async () => {
    await expectLobbyInvariants(url, players);
    for (const p of players.splice(0)) p.close();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('queues a party as one group into one match, and refuses each bad request with its code', async () => {
    const [ada, bob, cy, dee] = await Promise.all([player('Ada'), player('Bob'), player('Cy'), player('Dee')]);
    const party = ok(await ada!.lobby.createParty());
    expect(party.members).toEqual([{ guestId: ada!.session.guestId, nickname: 'Ada', leader: true, online: true }]);

    expect(await bob!.lobby.joinParty('ZZZZZ')).toMatchObject({ ok: false, code: 'PARTY_NOT_FOUND' });
    expect(await bob!.lobby.joinParty('<script>')).toMatchObject({ ok: false, code: 'PARTY_NOT_FOUND' });
    const joined = ok(await bob!.lobby.joinParty(party.code.toLowerCase()));
    expect(joined.members.map((m) => [m.nickname, m.leader])).toEqual([['Ada', true], ['Bob', false]]);
    await waitFor(() => ada!.parties.at(-1)?.members.length === 2, 'the leader sees Bob join');
    expect(await bob!.lobby.createParty()).toMatchObject({ ok: false, code: 'ALREADY_IN_PARTY' });
    const other = ok(await cy!.lobby.createParty());
    expect(await bob!.lobby.joinParty(other.code)).toMatchObject({ ok: false, code: 'ALREADY_IN_PARTY' });
    expect(await bob!.lobby.quickPlay('ffa')).toMatchObject({ ok: false, code: 'NOT_PARTY_LEADER' });
    expect(ok(await cy!.lobby.leaveParty()).left).toBe(true);

    // Party chat reaches the members only.
    const heard: string[] = [];
    bob!.lobby.socket.on('party_chat', (m) => heard.push(m.text));
    cy!.lobby.socket.on('party_chat', (m) => heard.push(`cy saw ${m.text}`));
    ok(await ada!.lobby.partyChat('ready?'));
    await waitFor(() => heard.includes('ready?'), 'party chat');
    expect(await cy!.lobby.partyChat('hi')).toMatchObject({ ok: false, code: 'NOT_IN_PARTY' });

    // A stranger queued first would take the leader's place beside him without the party ticket.
    ok(await dee!.lobby.quickPlay('ffa'));
    expect(await dee!.lobby.joinParty(party.code)).toMatchObject({ ok: false, code: 'ALREADY_QUEUED' });
    const queued = ok(await ada!.lobby.quickPlay('ffa'));
    expect(queued.mode).toBe('ffa');
    await waitFor(() => ada!.matched.length === 1 && bob!.matched.length === 1, 'both party members placed');
    expect(bob!.matched[0]!.matchId).toBe(ada!.matched[0]!.matchId);
    expect(dee!.matched).toEqual([]);
    // Placed: the party is open again and still together.
    await waitFor(() => ada!.parties.at(-1)?.queued === null && ada!.parties.some((p) => p?.queued === 'ffa'), 'party back from the queue');
    expect(ada!.parties.at(-1)!.members).toHaveLength(2);
    // In a match: nobody makes or joins a party.
    expect(await ada!.lobby.createParty()).toMatchObject({ ok: false, code: 'ALREADY_IN_MATCH' });
    const stranger = await player('Eve');
    ok(await stranger.lobby.createParty());
    expect(await ada!.lobby.leaveParty()).toMatchObject({ ok: true, left: true });
    expect(await ada!.lobby.joinParty((stranger.lobby.party ?? stranger.parties.at(-1))!.code)).toMatchObject({ ok: false, code: 'ALREADY_IN_MATCH' });
    // The leader left: Bob leads.
    await waitFor(() => bob!.parties.at(-1)?.members.length === 1, 'Bob sees Ada leave');
    expect(bob!.parties.at(-1)!.members[0]).toMatchObject({ nickname: 'Bob', leader: true });
    for (const p of [ada!, bob!]) ok(await p.lobby.leaveMatch());
    ok(await dee!.lobby.cancelQueue());
  });

  it('fills a party to four and refuses the fifth; a member who drops keeps its place for the grace, then goes', async () => {
    const ps = await Promise.all(['P1', 'P2', 'P3', 'P4', 'P5'].map((n) => player(n)));
    const party = ok(await ps[0]!.lobby.createParty());
    for (const p of ps.slice(1, 4)) ok(await p.lobby.joinParty(party.code));
    expect(await ps[4]!.lobby.joinParty(party.code)).toMatchObject({ ok: false, code: 'PARTY_FULL' });
    // Larger than the mode's match (QUEUE_MAX_PLAYERS=2): refused, and nobody is left queued.
    expect(await ps[0]!.lobby.quickPlay('ffa')).toMatchObject({ ok: false, code: 'PARTY_FULL' });
    expect(ok(await ps[1]!.lobby.cancelQueue()).cancelled).toBe(false);

    ps[3]!.close();
    await waitFor(() => ps[0]!.parties.at(-1)?.members.find((m) => m.nickname === 'P4')?.online === false, 'P4 shown away');
    expect(ps[0]!.parties.at(-1)!.members).toHaveLength(4);
    await waitFor(() => ps[0]!.parties.at(-1)?.members.length === 3, 'P4 out after the grace', 5000);
    expect(ok(await ps[4]!.lobby.joinParty(party.code)).members.map((m) => m.nickname)).toEqual(['P1', 'P2', 'P3', 'P5']);
  });

  it('rates a public match from the server’s view: the leaver loses, the one who stays gains; profile and leaderboard show it', async () => {
    const [ada, bob] = await Promise.all([player('Stayer'), player('Leaver')]);
    ok(await ada!.lobby.quickPlay('duel'));
    ok(await bob!.lobby.quickPlay('duel'));
    await waitFor(() => ada!.matched.length === 1 && bob!.matched.length === 1, 'duel formed');
    const views = [ada!.openMatch(), bob!.openMatch()];
    for (const v of views) ok(await v.conn.join(ada!.matched[0]!.matchId));
    await waitFor(() => views[0]!.phases.some((p) => p.state === 'playing'), 'duel playing');
    // A client cannot claim results: there is no such request (the packet guard refuses it).
    (bob!.lobby.socket as unknown as { emit: (e: string, p: unknown) => void }).emit('results', { winner: bob!.session.guestId });
    ok(await bob!.lobby.leaveMatch());
    ok(await ada!.lobby.leaveMatch());
    await waitFor(() => ada!.ratings.length === 1 && bob!.ratings.length === 1, 'both rated');
    const [won, lost] = [ada!.ratings[0]!, bob!.ratings[0]!];
    expect(won).toMatchObject({ mode: 'duel', before: 1000, place: 1, humans: 2 });
    expect(lost).toMatchObject({ mode: 'duel', before: 1000, place: 2, humans: 2 });
    expect(won.delta).toBeGreaterThan(0);
    expect(lost.delta).toBeLessThan(0);
    expect(won.after).toBe(won.before + won.delta);

    const profile = ok(await bob!.lobby.profile());
    expect(profile.modes['duel']).toMatchObject({ rating: lost.after, played: 1, wins: 0 });
    // The profile is the guest's: a renewed token (same guest) finds it on a new connection.
    const renewed = (await (await fetch(`${url}/api/guest/renew`, { method: 'POST', headers: { authorization: `Bearer ${bob!.session.token}` } })).json()) as { ok: boolean; token: string };
    expect(renewed.ok).toBe(true);
    const again = await playerWithSession(url, { ...bob!.session, token: renewed.token });
    try {
      expect(ok(await again.lobby.profile()).modes['duel']).toMatchObject({ rating: lost.after, played: 1 });
    } finally {
      again.close();
    }
    const board = ok(await bob!.lobby.leaderboard('duel'));
    expect(board.top.slice(0, 2).map((r) => r.nickname)).toEqual(['Stayer', 'Leaver']);
    expect(board.me).toMatchObject({ rank: 2, nickname: 'Leaver', rating: lost.after, me: true });

    const http = (await (await fetch(`${url}/api/leaderboard?mode=duel`, { headers: { authorization: `Bearer ${ada!.session.token}` } })).json()) as Leaderboard & { ok: boolean };
    expect(http).toMatchObject({ ok: true, mode: 'duel', players: 2, me: { rank: 1, nickname: 'Stayer', me: true } });
    expect((await fetch(`${url}/api/leaderboard?mode=nope`)).status).toBe(404);
    expect((await fetch(`${url}/api/leaderboard`)).status).toBe(400);
    expect(((await (await fetch(`${url}/api/leaderboard?mode=duel`)).json()) as Leaderboard).me).toBe(null);
    expect(await ada!.lobby.leaderboard('nope')).toMatchObject({ ok: false, code: 'UNKNOWN_MODE' });
  });
});
