/**
 * How a bot gets an identity and a seat in a match: the one place that knows the server's entry
 * flow, so the flow can change without touching the bots.
 *
 * The flow is a real player's (issue 3's lobby, through the client SDK):
 *   guest token (POST /api/guest) → one WebSocket (a socket.io Manager) carrying /lobby and
 *   /match, both authenticated with `auth: { token }` → quick play on /lobby → `matched` →
 *   `join { matchId }` on /match.
 * Coming back after a dropped connection: `join {}` takes the seat the player still holds
 * (the server keeps it for the reconnect grace); holding none, the bot queues again.
 */
import type { Manager, ManagerOptions } from 'socket.io-client';
import { getGuestToken, type GuestSession } from '../shared/client/auth.ts';
import { createManager, LobbyClient } from '../shared/client/lobby-client.ts';
import { MatchConnection, type MatchConnectionEvents } from '../shared/client/match-connection.ts';
import { ErrorCode, type AckResult } from '../shared/protocol/errors.ts';
import type { MatchInfo, ModeInfo } from '../shared/protocol/events.ts';

export interface EntryOptions {
  url: string;
  nickname: string;
  /** Quick-play mode (queue) to play. */
  mode: string;
  /** Acknowledgement and HTTP timeout (ms). */
  timeoutMs: number;
  /** Longest wait in the quick-play queue before giving up and queueing again (ms). */
  queueTimeoutMs: number;
  /** Options of the bot's one connection (reconnection policy, parser). */
  manager: Partial<ManagerOptions>;
  /** Options for the match connection (decode or not). */
  decode: boolean;
}

/** A bot's identity and its one connection, with the lobby and match clients on it. */
export interface BotSession {
  /** Replaced by renewToken when the server stops accepting the old token. */
  guest: GuestSession;
  manager: Manager;
  lobby: LobbyClient;
  match: MatchConnection;
  /** The mode as the server described it in the lobby session (null until the lobby answered). */
  mode(): ModeInfo | null;
  close(): void;
}

/** Gets a guest token and opens the bot's connection. Nothing is joined yet. */
export async function openSession(opts: EntryOptions, handlers: MatchConnectionEvents): Promise<AckResult<{ session: BotSession }>> {
  const guest = await getGuestToken(opts.url, opts.nickname, { timeoutMs: opts.timeoutMs });
  if (!guest.ok) return guest;
  const manager = createManager(opts.url, opts.manager);
  const lobby = new LobbyClient(opts.url, {}, { token: guest.token, manager, timeoutMs: opts.timeoutMs });
  const match = new MatchConnection(opts.url, handlers, { token: guest.token, manager, timeoutMs: opts.timeoutMs, decode: opts.decode });
  const session: BotSession = {
    guest,
    manager,
    lobby,
    match,
    mode: () => lobby.session?.modes.find((m) => m.id === opts.mode) ?? null,
    close: () => {
      match.close();
      lobby.close();
      manager.engine?.close();
    },
  };
  return { ok: true, session };
}

/** Takes a seat: back into the seat the player holds, or quick play and join the placement. */
export async function takeSeat(s: BotSession, opts: Pick<EntryOptions, 'mode' | 'queueTimeoutMs'>): Promise<AckResult<MatchInfo>> {
  const back = await s.match.join();
  if (back.ok || back.code !== ErrorCode.NoSeat) return back;
  const seat = await s.lobby.findMatch(opts.mode, opts.queueTimeoutMs);
  if (!seat.ok) return seat;
  return s.match.join(seat.matchId);
}

/** Gives the seat up for good (after a match ended), so the next takeSeat queues again. */
export function leaveSeat(s: BotSession): Promise<AckResult> {
  return s.match.leave();
}

/**
 * The quick-play modes a node offers (what a lobby session lists), asked once before a run so a
 * mistyped mode fails fast instead of as thousands of refused requests.
 */
export async function offeredModes(url: string, timeoutMs: number): Promise<AckResult<{ modes: ModeInfo[] }>> {
  const guest = await getGuestToken(url, 'loadtest-probe', { timeoutMs });
  if (!guest.ok) return guest;
  const manager = createManager(url, { reconnection: false, timeout: timeoutMs });
  const lobby = new LobbyClient(url, {}, { token: guest.token, manager, timeoutMs });
  try {
    const ready = await lobby.ready();
    return ready.ok ? { ok: true, modes: ready.modes } : ready;
  } finally {
    lobby.close();
    manager.engine?.close();
  }
}

/**
 * A new guest token for a session whose token the server refused (it restarted with another
 * secret, or the token expired): both sockets present it on their next connect.
 */
export async function renewToken(s: BotSession, url: string, timeoutMs: number): Promise<AckResult> {
  const guest = await getGuestToken(url, s.guest.nickname, { timeoutMs });
  if (!guest.ok) return guest;
  s.guest = guest;
  s.match.socket.auth = { token: guest.token };
  s.lobby.socket.auth = { token: guest.token };
  return { ok: true };
}

/** Connects whichever of the session's sockets the server disconnected (it does not retry those). */
export function reconnect(s: BotSession): void {
  if (!s.lobby.socket.connected) s.lobby.socket.connect();
  if (!s.match.socket.connected) s.match.socket.connect();
}
