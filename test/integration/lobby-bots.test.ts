/**
 * Quick play when few players are around: a group short of the maximum forms after the queue
 * wait, and with BOT_FILL server-side bots take the empty seats so one person can play alone.
 * Bots press buttons through the same input queue as players, and give their seat to a human.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MatchPhase } from '../../shared/games/arena/snapshot.ts';
import { connectPlayer, expectLobbyInvariants, publicMatches, type TestPlayer } from '../support/lobby.ts';
import { startServer, type ServerProcess } from '../support/server-process.ts';
import { sleep, waitFor } from '../support/wait.ts';

describe('quick play with few players', () => {
  let server: ServerProcess;
  let url: string;
  const players: TestPlayer[] = [];
  const player = async (nickname: string): Promise<TestPlayer> => {
    const p = await connectPlayer(url, nickname);
    players.push(p);
    return p;
  };

  beforeAll(async () => {
    server = await startServer({
      QUEUE_MAX_PLAYERS: '4',
      QUEUE_MIN_PLAYERS: '2',
      QUEUE_WAIT_MS: '300',
      BOT_FILL: 'on',
      COUNTDOWN_MS: '100',
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

  it('gives a lone player a match filled with bots that move and shoot through inputs', async () => {
    const solo = await player('solo');
    const seat = await solo.lobby.findMatch('ffa', 10_000);
    if (!seat.ok) throw new Error(seat.code);
    const view = solo.openMatch();
    const info = await view.conn.join(seat.matchId);
    if (!info.ok) throw new Error(info.code);
    const bots = info.roster.filter((p) => p.bot);
    expect(info.roster.filter((p) => !p.bot)).toHaveLength(1);
    expect(bots).toHaveLength(1);
    expect(bots[0]!.nickname).toMatch(/^\[bot\] /);
    expect((await publicMatches(url)).find((m) => m.matchId === seat.matchId)).toMatchObject({ humans: 1, bots: 1, players: 2 });

    await waitFor(() => view.snapshots.at(-1)?.phase === MatchPhase.Playing, 'playing');
    const botId = bots[0]!.slot;
    const first = view.snapshots.at(-1)!.players.find((p) => p.id === botId)!;
    await sleep(1000);
    const later = view.snapshots.at(-1)!.players.find((p) => p.id === botId)!;
    // The bot's inputs were queued and applied like a player's: its acknowledged sequence grows.
    expect(later.lastInputSeq).toBeGreaterThan(first.lastInputSeq + 15);
    expect(later.x !== first.x || later.y !== first.y || !later.alive).toBe(true);
  });

  it('forms a match below the maximum once the oldest player waited, without bots when the minimum is met', async () => {
    const trio = await Promise.all(['trio1', 'trio2', 'trio3'].map((n) => player(n)));
    const seats = await Promise.all(trio.map((p) => p.lobby.findMatch('ffa', 10_000)));
    const ids = new Set(seats.map((s) => (s.ok ? s.matchId : s.code)));
    expect(ids.size).toBe(1);
    const listing = (await publicMatches(url)).find((m) => ids.has(m.matchId));
    expect(listing).toMatchObject({ humans: 3, bots: 0, maxPlayers: 4 });
  });

  it("gives a bot's seat to a human joining a full match from the list", async () => {
    const duelist = await player('duelist');
    const seat = await duelist.lobby.findMatch('duel', 10_000);
    if (!seat.ok) throw new Error(seat.code);
    expect((await publicMatches(url)).find((m) => m.matchId === seat.matchId)).toMatchObject({ humans: 1, bots: 1, players: 2, maxPlayers: 2 });
    const view = duelist.openMatch();
    await view.conn.join(seat.matchId);
    const challenger = await player('challenger');
    expect(await challenger.lobby.joinMatch(seat.matchId)).toMatchObject({ ok: true, matchId: seat.matchId, visibility: 'public' });
    expect((await publicMatches(url)).find((m) => m.matchId === seat.matchId)).toMatchObject({ humans: 2, bots: 0, players: 2 });
    const third = await player('third');
    expect(await third.lobby.joinMatch(seat.matchId)).toMatchObject({ ok: false, code: 'MATCH_FULL' });
  });
});
