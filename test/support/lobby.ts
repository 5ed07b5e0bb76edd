/**
 * Test players: a guest token, a lobby client and (on demand) a match connection sharing one
 * WebSocket, recording everything the server sends them. Plus the invariant check every lobby
 * test ends with.
 */
import { expect } from 'vitest';
import type { Manager } from 'socket.io-client';
import { getGuestToken, type GuestSession } from '../../shared/client/auth.ts';
import { LobbyClient, createManager, type ListEvent } from '../../shared/client/lobby-client.ts';
import { MatchConnection, type MatchConnectionEvents } from '../../shared/client/match-connection.ts';
import type { WireError } from '../../shared/protocol/errors.ts';
import type { ChatMessage, MatchListing, PhaseChange, PlayerInfo, PresenceChange, SeatGrant } from '../../shared/protocol/events.ts';
import type { Snapshot } from '../../shared/games/arena/snapshot.ts';

export async function guest(url: string, nickname: string): Promise<GuestSession> {
  const res = await getGuestToken(url, nickname);
  if (!res.ok) throw new Error(`guest ${nickname}: ${res.code} ${res.message}`);
  return res;
}

export interface MatchView {
  conn: MatchConnection;
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
  manager: Manager;
  lobby: LobbyClient;
  matched: SeatGrant[];
  lobbyChat: ChatMessage[];
  lobbyErrors: WireError[];
  listEvents: ListEvent[];
  /** A /match connection on the player's WebSocket (one per player at a time). */
  openMatch(extra?: MatchConnectionEvents): MatchView;
  close(): void;
}

export async function connectPlayer(url: string, nickname: string): Promise<TestPlayer> {
  const session = await guest(url, nickname);
  return playerWithSession(url, session);
}

export async function playerWithSession(url: string, session: GuestSession): Promise<TestPlayer> {
  const manager = createManager(url, { reconnection: false });
  const matched: SeatGrant[] = [];
  const lobbyChat: ChatMessage[] = [];
  const lobbyErrors: WireError[] = [];
  const listEvents: ListEvent[] = [];
  const lobby = new LobbyClient(
    url,
    {
      matched: (s) => matched.push(s),
      chat: (m) => lobbyChat.push(m),
      protocolError: (e) => lobbyErrors.push(e),
      list: (_all, change) => listEvents.push(change),
    },
    { token: session.token, manager },
  );
  const ready = await lobby.ready();
  if (!ready.ok) throw new Error(`lobby for ${session.nickname}: ${ready.code} ${ready.message}`);
  const views: MatchView[] = [];
  return {
    session,
    manager,
    lobby,
    matched,
    lobbyChat,
    lobbyErrors,
    listEvents,
    openMatch(extra = {}) {
      const view: MatchView = { conn: null as unknown as MatchConnection, snapshots: [], phases: [], presence: [], rosters: [], chat: [], errors: [], disconnects: [] };
      view.conn = new MatchConnection(
        url,
        {
          ...extra,
          snapshot: (s, n) => {
            view.snapshots.push(s);
            extra.snapshot?.(s, n);
          },
          phase: (p) => view.phases.push(p),
          presence: (p) => view.presence.push(p),
          roster: (r) => view.rosters.push(r),
          chat: (m) => view.chat.push(m),
          protocolError: (e) => {
            view.errors.push(e);
            extra.protocolError?.(e);
          },
          disconnect: (r) => {
            view.disconnects.push(r);
            extra.disconnect?.(r);
          },
        },
        { token: session.token, manager },
      );
      views.push(view);
      return view;
    },
    close() {
      for (const v of views) v.conn.close();
      lobby.close();
      manager.engine?.close();
    },
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
export async function privateMatchSeats(url: string, nicknames: string[], options: { maxPlayers?: number } = {}): Promise<{ matchId: string; code: string; tokens: string[] }> {
  const seated: TestPlayer[] = [];
  try {
    let created: { matchId: string; code: string } | null = null;
    for (const nickname of nicknames) {
      const p = await connectPlayer(url, nickname);
      seated.push(p);
      if (!created) {
        const res = await p.lobby.createPrivate({ maxPlayers: options.maxPlayers ?? nicknames.length });
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
