/**
 * The one way a client plays: a guest token (renewed when the server stops taking it), one
 * WebSocket shared by /lobby and /match, a seat from the lobby (quick play, a private match, a
 * code, a listed match), the match stream, rejoin after a drop, and an input loop on the server's
 * tick grid. The game page, the load-test bots and the tests all go through here; no DOM and no
 * Node-only APIs.
 *
 *   const client = await PlayerClient.connect({ url, nickname, games: [arena] });
 *   if (!client.ok) …;                     // AckResult: a code and a message, never a throw
 *   const info = await client.value.enter({ kind: 'quickplay', mode: 'ffa' });
 */
import type { Manager, ManagerOptions } from 'socket.io-client';
import type { AnyGame, InputHeader, SnapshotHeader } from '../game/game-definition.ts';
import { ErrorCode, type AckResult } from '../protocol/errors.ts';
import type { MatchInfo, PrivateMatchOptions, SeatGrant } from '../protocol/events.ts';
import { ok, type Result } from '../protocol/result.ts';
import { handshakeAuth } from '../protocol/version.ts';
import { getGuestToken, type GuestSession } from './auth.ts';
import { createManager, LobbyClient, type LobbyClientHandlers } from './lobby-client.ts';
import { MatchConnection, type MatchConnectionEvents } from './match-connection.ts';

/** How to get into a match. */
export type Entry =
  | { kind: 'quickplay'; mode: string; queueTimeoutMs?: number }
  | { kind: 'create'; options?: PrivateMatchOptions }
  | { kind: 'code'; code: string }
  | { kind: 'listed'; matchId: string }
  | { kind: 'spectate'; matchId: string }
  /** Back to the seat this guest holds (after a reload), wherever it is. */
  | { kind: 'rejoin' };

export interface PlayerClientOptions<S extends SnapshotHeader = SnapshotHeader> {
  url: string;
  nickname: string;
  /** The games this client can play (their codecs decode the match's snapshots). */
  games: readonly AnyGame[];
  /** Options of the one connection (reconnection policy, parser, transports). */
  connection?: Partial<ManagerOptions>;
  /** Acknowledgement and HTTP timeout (ms). Default 5000. */
  timeoutMs?: number;
  /** Decode snapshots (default) or only count them (load-test bots in light mode). */
  decode?: boolean;
  /** After a reconnect, take the seat again by itself. Default true. */
  autoRejoin?: boolean;
  match?: MatchConnectionEvents<S>;
  lobby?: LobbyClientHandlers;
  /** A refused token was replaced; the connection tries again with the new one. */
  tokenRenewed?: (guest: GuestSession) => void;
  /** The token could not be renewed (the server is unreachable or refuses new guests). */
  tokenRenewalFailed?: (error: { code: string; message: string }) => void;
}

export class PlayerClient<S extends SnapshotHeader = SnapshotHeader, I extends InputHeader = InputHeader, Setup = unknown> {
  readonly manager: Manager;
  readonly lobby: LobbyClient;
  readonly match: MatchConnection<S, I, Setup>;
  /** The private match's code, when this client created or joined one by code. */
  code: string | null = null;
  private closed = false;
  private renewing: Promise<AckResult> | null = null;

  private constructor(
    public guest: GuestSession,
    private readonly opts: PlayerClientOptions<S>,
  ) {
    const timeoutMs = opts.timeoutMs ?? 5000;
    this.manager = createManager(opts.url, opts.connection);
    this.lobby = new LobbyClient(opts.url, opts.lobby ?? {}, { token: guest.token, manager: this.manager, timeoutMs });
    this.match = new MatchConnection<S, I, Setup>(opts.url, opts.match ?? {}, {
      games: opts.games,
      token: guest.token,
      manager: this.manager,
      timeoutMs,
      decode: opts.decode ?? true,
      autoRejoin: opts.autoRejoin ?? true,
    });
    // A token the server refuses (expired, or signed by a node that restarted with another
    // secret) is not retried by socket.io: get a new one and connect again.
    for (const socket of [this.match.socket, this.lobby.socket]) {
      socket.on('connect_error', (e: Error & { data?: { code?: string } }) => {
        if (e.data?.code?.startsWith('AUTH_')) void this.renewToken();
      });
    }
  }

  /** Gets a guest token and opens the connection; resolves once the lobby accepted it. */
  static async connect<S extends SnapshotHeader = SnapshotHeader, I extends InputHeader = InputHeader, Setup = unknown>(
    opts: PlayerClientOptions<S>,
  ): Promise<Result<PlayerClient<S, I, Setup>, ErrorCode>> {
    const guest = await getGuestToken(opts.url, opts.nickname, { timeoutMs: opts.timeoutMs });
    if (!guest.ok) return guest;
    const { ok: _ok, ...session } = guest;
    return PlayerClient.resume<S, I, Setup>(opts, session);
  }

  /** Opens the connection with a guest token already held (a second tab, a reload). */
  static async resume<S extends SnapshotHeader = SnapshotHeader, I extends InputHeader = InputHeader, Setup = unknown>(
    opts: PlayerClientOptions<S>,
    guest: GuestSession,
  ): Promise<Result<PlayerClient<S, I, Setup>, ErrorCode>> {
    const client = new PlayerClient<S, I, Setup>(guest, opts);
    const ready = await client.lobby.ready();
    if (!ready.ok) {
      client.close();
      return ready;
    }
    return ok(client);
  }

  /** Takes a seat the way `entry` says and joins the match on /match. */
  async enter(entry: Entry): Promise<AckResult<MatchInfo<Setup>>> {
    if (entry.kind === 'spectate') return this.match.spectate(entry.matchId);
    if (entry.kind === 'rejoin') return this.match.join();
    const seat = await this.seat(entry);
    if (!seat.ok) return seat;
    this.code = seat.code;
    return this.match.join(seat.matchId);
  }

  /**
   * Back into the seat this guest still holds (the server keeps it for the reconnect grace);
   * holding none, quick play in `mode`.
   */
  async rejoinOrQueue(mode: string, queueTimeoutMs?: number): Promise<AckResult<MatchInfo<Setup>>> {
    const back = await this.match.join();
    if (back.ok || back.code !== ErrorCode.NoSeat) return back;
    return this.enter({ kind: 'quickplay', mode, ...(queueTimeoutMs !== undefined && { queueTimeoutMs }) });
  }

  /** Gives the seat up for good (closing the connection instead keeps it for the grace). */
  leave(): Promise<AckResult> {
    return this.match.leave();
  }

  /**
   * A new guest token under the same nickname, presented by both sockets on their next connect,
   * which this starts. One renewal at a time.
   */
  renewToken(): Promise<AckResult> {
    this.renewing ??= (async (): Promise<AckResult> => {
      const guest = await getGuestToken(this.opts.url, this.guest.nickname, { timeoutMs: this.opts.timeoutMs });
      if (this.closed) return { ok: false, code: ErrorCode.Unavailable, message: 'closed' };
      if (!guest.ok) {
        this.opts.tokenRenewalFailed?.(guest);
        return guest;
      }
      const { ok: _ok, ...session } = guest;
      this.guest = session;
      this.match.socket.auth = handshakeAuth(session.token);
      this.lobby.socket.auth = handshakeAuth(session.token);
      this.opts.tokenRenewed?.(session);
      this.reconnect();
      return { ok: true };
    })().finally(() => {
      this.renewing = null;
    });
    return this.renewing;
  }

  /** Connects whichever socket the server disconnected (socket.io does not retry those). */
  reconnect(): void {
    if (this.closed) return;
    if (!this.lobby.socket.connected) this.lobby.socket.connect();
    if (!this.match.socket.connected) this.match.socket.connect();
  }

  close(): void {
    this.closed = true;
    this.match.close();
    this.lobby.close();
    this.manager.engine?.close();
  }

  private seat(entry: Exclude<Entry, { kind: 'spectate' | 'rejoin' }>): Promise<AckResult<SeatGrant>> {
    switch (entry.kind) {
      case 'quickplay':
        return this.lobby.findMatch(entry.mode, entry.queueTimeoutMs);
      case 'create':
        return this.lobby.createPrivate(entry.options ?? {});
      case 'code':
        return this.lobby.joinByCode(entry.code);
      case 'listed':
        return this.lobby.joinMatch(entry.matchId);
    }
  }
}
