import { describe, expect, it } from 'vitest';
import type { PlayerClient } from '../../../shared/client/player-client.ts';
import { ErrorCode } from '../../../shared/protocol/errors.ts';
import type { MatchInfo, SessionInfo } from '../../../shared/protocol/events.ts';
import { matchActions } from '../state/match-slice.ts';
import { createStore } from '../state/store.ts';
import { adviceFor } from './connection-messages.ts';
import { LobbyCommands, modeAfterSession } from './lobby-commands.ts';
import type { JoinExtra } from './match-flow.ts';

const mode = (game: string, id: string) => ({ game, id }) as SessionInfo['modes'][number];
const session = (modes: SessionInfo['modes']): SessionInfo => ({ guestId: 'g1', nickname: 'Ann', matchId: null, modes, games: [], chatMaxLength: 200 });

/** A connection that answers as told and records what was asked of it. */
function fakeClient(answers: { quickPlay?: unknown; join?: unknown } = {}) {
  const asked: string[] = [];
  const client = {
    code: null as string | null,
    lobby: {
      quickPlay: async (m: string) => (asked.push(`quickPlay ${m}`), answers.quickPlay ?? { ok: true, waiting: 1 }),
      cancelQueue: async () => (asked.push('cancelQueue'), { ok: true }),
      leaveMatch: async () => (asked.push('leaveMatch'), { ok: true }),
      chat: async (t: string) => (asked.push(`lobby chat ${t}`), { ok: true, text: t }),
    },
    match: {
      join: async (id: string) => (asked.push(`join ${id}`), answers.join ?? { ok: true, matchId: id }),
      chat: async (t: string) => (asked.push(`match chat ${t}`), { ok: true, text: t }),
    },
  };
  return { client: client as unknown as PlayerClient, asked };
}

function setup(client: PlayerClient, ready: () => Promise<PlayerClient | null> = async () => client) {
  const store = createStore();
  const joined: { matchId: string; extra: JoinExtra }[] = [];
  const lobby = new LobbyCommands({
    store,
    ready,
    client: () => client,
    match: { joined: (i: MatchInfo, extra: JoinExtra) => void joined.push({ matchId: i.matchId, extra }), leave: async () => {} },
    lineId: (() => {
      let n = 0;
      return () => ++n;
    })(),
    games: { ids: ['tag'] },
  });
  return { store, lobby, handlers: lobby.handlers(), joined, state: () => store.getState() };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

describe('the lobby commands', () => {
  it('offers the first game the server has when the one chosen is not among its modes', () => {
    expect(modeAfterSession(session([mode('tag', 'ffa'), mode('dots', 'duel')]), 'tag')).toBeNull();
    expect(modeAfterSession(session([mode('dots', 'duel')]), 'tag')).toEqual({ game: 'dots', mode: 'duel' });
    expect(modeAfterSession(session([]), 'tag')).toBeNull();
  });

  it('quick play queues; the seat it grants is joined, with the code the grant carries', async () => {
    const f = fakeClient();
    const t = setup(f.client);
    await t.lobby.quickPlay('ffa');
    expect(t.state().lobby.queue).toMatchObject({ mode: 'ffa', waiting: 1 });
    t.handlers.matched!({ matchId: 'm1', code: null } as never);
    await settle();
    expect(f.asked).toEqual(['quickPlay ffa', 'join m1']);
    expect(t.joined).toEqual([{ matchId: 'm1', extra: { code: null, host: false, maxPlayers: null } }]);
    expect(t.state().lobby.queue).toBeNull();
  });

  it('a connection signed in with a seat held takes it back, though its sign-in ends only after that', async () => {
    const asked: string[] = [];
    const client = {
      code: null,
      lobby: {
        session: { ...session([mode('tag', 'ffa')]), matchId: 'm1' },
        online: null,
        subscribeList: async () => ({ ok: true, version: 1, matches: [] }),
        profile: async () => ({ ok: false, code: ErrorCode.Unavailable, message: 'down' }),
        leaderboard: async () => ({ ok: false, code: ErrorCode.Unavailable, message: 'down' }),
      },
      enter: async (entry: { kind: string }) => (asked.push(`enter ${entry.kind}`), { ok: true, matchId: 'm1' }),
    } as unknown as PlayerClient;
    // What the session link does: `ready()` waits for the sign-in, which waits for `connected()`.
    let signedIn!: () => void;
    const signingIn = new Promise<void>((r) => (signedIn = r));
    const t = setup(client, async () => (await signingIn, client));
    const caughtUp = t.lobby.connected(client);
    await settle();
    expect(asked).toEqual(['enter rejoin']);
    expect(t.joined).toEqual([{ matchId: 'm1', extra: { code: null, host: false, maxPlayers: null } }]);
    signedIn();
    await caughtUp;
  });

  it('a seat granted just as the player cancelled is given back, not joined', async () => {
    const f = fakeClient();
    const t = setup(f.client);
    await t.lobby.quickPlay('ffa');
    await t.lobby.cancelQueue();
    t.handlers.matched!({ matchId: 'm1', code: null } as never);
    await settle();
    expect(f.asked).toEqual(['quickPlay ffa', 'cancelQueue', 'leaveMatch']);
    expect(t.joined).toEqual([]);
  });

  it("a refused request shows the server's reason in words and queues nothing", async () => {
    const f = fakeClient({ quickPlay: { ok: false, code: ErrorCode.RateLimited, message: 'slow down' } });
    const t = setup(f.client);
    await t.lobby.quickPlay('ffa');
    expect(t.state().lobby.queue).toBeNull();
    expect(t.state().lobby.notice).toEqual({ code: ErrorCode.RateLimited, message: adviceFor(ErrorCode.RateLimited, 'slow down').message });
  });

  it('a seat in a game this page cannot decode is refused with a sentence that names the game', async () => {
    const f = fakeClient({ join: { ok: false, code: ErrorCode.UnknownGame, message: 'this client cannot play "squares"', game: 'squares' } });
    const t = setup(f.client);
    await t.lobby.quickPlay('squares-duel');
    t.handlers.matched!({ matchId: 'm1', code: null } as never);
    await settle();
    expect(t.joined).toEqual([]);
    expect(t.state().lobby.notice).toEqual({ code: ErrorCode.UnknownGame, message: expect.stringMatching(/^This page can't show the game “squares”: .*“tag”/) });
  });

  it('chat goes to the match while in one, else to the lobby; blank text is not sent', async () => {
    const f = fakeClient();
    const t = setup(f.client);
    expect(await t.lobby.chat('  ')).toBe(false);
    expect(await t.lobby.chat('hello lobby')).toBe(true);
    t.store.dispatch(matchActions.joined({ match: { matchId: 'm1', game: 'tag', mode: 'ffa', role: 'player', slot: 0, visibility: 'public', code: null, host: false, maxPlayers: 4 }, phase: 'playing', roster: [] }));
    expect(await t.lobby.chat('gg')).toBe(true);
    expect(f.asked).toEqual(['lobby chat hello lobby', 'match chat gg']);
  });
});
