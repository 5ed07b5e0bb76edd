/**
 * Test players: each a PlayerClient (the SDK façade: guest token, one WebSocket for the lobby and
 * the match) recording everything the server sends it. Plus the invariant check every lobby test
 * ends with.
 */
import { expect } from 'vitest';
import { io, type Manager, type Socket } from 'socket.io-client';
import { getGuestToken, type GuestSession } from '../../shared/client/auth.ts';
import type { LobbyClient, ListEvent } from '../../shared/client/lobby-client.ts';
import type { MatchConnection, MatchConnectionEvents } from '../../shared/client/match-connection.ts';
import { PlayerClient } from '../../shared/client/player-client.ts';
import type { ArenaInput, ArenaSetup } from '../../shared/games/arena/index.ts';
import type { Snapshot } from '../../shared/games/arena/snapshot.ts';
import { GAMES } from '../../shared/games/index.ts';
import type { WireError } from '../../shared/protocol/errors.ts';
import { compactWireOptions } from '../../shared/protocol/wire.ts';
import type { ChatMessage, MatchListing, PhaseChange, PlayerInfo, PresenceChange, SeatGrant } from '../../shared/protocol/events.ts';

export { GAMES };

export async function guest(url: string, nickname: string): Promise<GuestSession> {
  const res = await getGuestToken(url, nickname);
  if (!res.ok) throw new Error(`guest ${nickname}: ${res.code} ${res.message}`);
  const { ok: _ok, ...session } = res;
  return session;
}

/** A guest's bare /match connection (no match joined): one socket in the namespace. */
export async function bareMatchSocket(url: string, nickname: string): Promise<Socket> {
  const { token } = await guest(url, nickname);
  const socket = io(`${url}/match`, compactWireOptions({ auth: { token }, reconnection: false, transports: ['websocket'], forceNew: true }));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  return socket;
}

export interface MatchView {
  conn: MatchConnection<Snapshot, ArenaInput, ArenaSetup>;
  snapshots: Snapshot[];
  phases: PhaseChange[];
  presence: PresenceChange[];
  rosters: PlayerInfo[][];
  chat: ChatMessage[];
  errors: WireError[];
  disconnects: string[];
}

export interface TestPlayer {
  session: GuestSession;
  client: PlayerClient<Snapshot, ArenaInput, ArenaSetup>;
  manager: Manager;
  lobby: LobbyClient;
  matched: SeatGrant[];
  lobbyChat: ChatMessage[];
  lobbyErrors: WireError[];
  listEvents: ListEvent[];
  /** The player's /match connection, recording what arrives; `extra` handlers are called too. */
  openMatch(extra?: MatchConnectionEvents<Snapshot>): MatchView;
  close(): void;
}

export async function connectPlayer(url: string, nickname: string): Promise<TestPlayer> {
  return playerWithSession(url, await guest(url, nickname));
}

export async function playerWithSession(url: string, session: GuestSession): Promise<TestPlayer> {
  const matched: SeatGrant[] = [];
  const lobbyChat: ChatMessage[] = [];
  const lobbyErrors: WireError[] = [];
  const listEvents: ListEvent[] = [];
  const view: Omit<MatchView, 'conn'> = { snapshots: [], phases: [], presence: [], rosters: [], chat: [], errors: [], disconnects: [] };
  let extra: MatchConnectionEvents<Snapshot> = {};
  const res = await PlayerClient.resume<Snapshot, ArenaInput, ArenaSetup>(
    {
      url,
      nickname: session.nickname,
      games: GAMES,
      // Tests take seats and reconnect explicitly, so every step is one the test asked for.
      connection: { reconnection: false },
      autoRejoin: false,
      lobby: {
        matched: (s) => matched.push(s),
        chat: (m) => lobbyChat.push(m),
        protocolError: (e) => lobbyErrors.push(e),
        list: (_all, change) => listEvents.push(change),
      },
      match: {
        snapshot: (s, n) => {
          view.snapshots.push(s);
          extra.snapshot?.(s, n);
        },
        rawSnapshot: (bytes) => extra.rawSnapshot?.(bytes),
        phase: (p) => view.phases.push(p),
        presence: (p) => view.presence.push(p),
        roster: (r) => view.rosters.push(r),
        chat: (m) => view.chat.push(m),
        ended: (r) => extra.ended?.(r),
        rejoined: (r) => extra.rejoined?.(r),
        serverTick: (t) => extra.serverTick?.(t),
        protocolError: (e) => {
          view.errors.push(e);
          extra.protocolError?.(e);
        },
        disconnect: (r) => {
          view.disconnects.push(r);
          extra.disconnect?.(r);
        },
      },
    },
    session,
  );
  if (!res.ok) throw new Error(`lobby for ${session.nickname}: ${res.code} ${res.message}`);
  const client = res.value;
  return {
    session,
    client,
    manager: client.manager,
    lobby: client.lobby,
    matched,
    lobbyChat,
    lobbyErrors,
    listEvents,
    openMatch(handlers = {}) {
      extra = handlers;
      return Object.assign(view, { conn: client.match });
    },
    close: () => client.close(),
  };
}

/** The public list as a fresh lobby client sees it. */
export async function publicMatches(url: string): Promise<MatchListing[]> {
  const observer = await connectPlayer(url, 'observer');
  try {
    const list = await observer.lobby.subscribeList();
    if (!list.ok) throw new Error(`list: ${list.code}`);
    return list.matches;
  } finally {
    observer.close();
  }
}

/** Where the server says this player holds a seat now (a fresh lobby connection's session). */
export async function seatOf(url: string, session: GuestSession): Promise<string | null> {
  const probe = await playerWithSession(url, session);
  try {
    return probe.lobby.session!.matchId;
  } finally {
    probe.close();
  }
}

/**
 * What must hold after every lobby test, read from public surfaces only: no listed match over
 * capacity or with inconsistent counts, each player seated in at most one match and counted in
 * that match's listing.
 */
export async function expectLobbyInvariants(url: string, players: TestPlayer[] = []): Promise<void> {
  const matches = await publicMatches(url);
  for (const m of matches) {
    expect(m.players, `match ${m.matchId} over capacity`).toBeLessThanOrEqual(m.maxPlayers);
    expect(m.humans + m.bots).toBe(m.players);
    expect(['waiting', 'countdown', 'playing', 'ended']).toContain(m.state);
  }
  const seated = new Map<string, number>();
  for (const p of players) {
    const matchId = await seatOf(url, p.session);
    if (matchId !== null) seated.set(matchId, (seated.get(matchId) ?? 0) + 1);
  }
  for (const [matchId, count] of seated) {
    const listing = matches.find((m) => m.matchId === matchId);
    if (listing) expect(count, `players seated in ${matchId}`).toBeLessThanOrEqual(listing.humans);
  }
  const health = (await (await fetch(`${url}/healthz`)).json()) as { status: string };
  expect(health.status).toBe('ok');
}

/**
 * Seats guests in one new private match (the first creates it, the others join by its code), in
 * order, so joining /match in the same order gives them slots 0, 1, …. Returns their tokens for
 * MatchConnection({ token }) and the match id for join(). The lobby connections are closed: the
 * seats stay reserved (for RECONNECT_GRACE_MS until each player joins).
 */
export async function privateMatchSeats(url: string, nicknames: string[], options: { maxPlayers?: number; mode?: string } = {}): Promise<{ matchId: string; code: string; tokens: string[] }> {
  const seated: TestPlayer[] = [];
  try {
    let created: { matchId: string; code: string } | null = null;
    for (const nickname of nicknames) {
      const p = await connectPlayer(url, nickname);
      seated.push(p);
      if (!created) {
        const res = await p.lobby.createPrivate({ maxPlayers: options.maxPlayers ?? nicknames.length, ...(options.mode !== undefined && { mode: options.mode }) });
        if (!res.ok) throw new Error(`create_private: ${res.code} ${res.message}`);
        created = { matchId: res.matchId, code: res.code! };
      } else {
        const res = await p.lobby.joinByCode(created.code);
        if (!res.ok) throw new Error(`join_code: ${res.code} ${res.message}`);
      }
    }
    if (!created) throw new Error('privateMatchSeats needs at least one nickname');
    return { ...created, tokens: seated.map((p) => p.session.token) };
  } finally {
    for (const p of seated) p.close();
  }
}
