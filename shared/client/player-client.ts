/**
 * The one way a client plays: a guest token (renewed before it expires, and when the server
 * stops taking it), one connection shared by /lobby and /match (long-polling upgraded to
 * WebSocket by default; `transports` forces one), a seat from the lobby (quick play, a private match, a
 * code, a listed match), the match stream, rejoin after a drop, and an input loop on the server's
 * tick grid. The game page, the load-test bots and the tests all go through here; no DOM and no
 * Node-only APIs.
 *
 *   const client = await PlayerClient.connect({ url, nickname, games: [arena] });
 *   if (!client.ok) …;                     // AckResult: a code and a message, never a throw
 *   const info = await client.value.enter({ kind: 'quickplay', mode: 'ffa' });
 */
import type { Manager, ManagerOptions, Socket } from 'socket.io-client';
import type { InputHeader, SnapshotHeader } from '../game/game-definition.ts';
import { ErrorCode, type AckResult } from '../protocol/errors.ts';
import type { MatchInfo, PrivateMatchOptions, SeatGrant } from '../protocol/events.ts';
import { ok, type Result } from '../result.ts';
import { getGuestToken, renewGuestToken, type GuestSession } from './auth.ts';
import { reconnectionOptions, type ReconnectionPolicy, type Transport } from './connection-options.ts';
import type { GameSource } from './game-source.ts';
import { createManager, LobbyClient, type LobbyClientHandlers } from './lobby-client.ts';
import { MatchConnection, setRouteHint, type MatchConnectionEvents } from './match-connection.ts';
import { RenewalSchedule, type ScheduleTimers } from './renewal-schedule.ts';

/** Handshakes refused for the token in a row, each followed by a renewal, before giving up. */
const MAX_AUTH_REFUSALS = 3;

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
  /**
   * The games this client can play (their codecs decode the match's snapshots): a list, or a
   * lookup that loads a game on demand (game-source.ts).
   */
  games: GameSource;
  /**
   * The transports the connection may use, in order. Default `['polling', 'websocket']`: it opens
   * on HTTP long-polling and upgrades to WebSocket when it can, so a network that blocks
   * WebSocket still plays. `['websocket', 'polling']` (what servers advertise by default) opens on
   * WebSocket and falls back to polling when that fails. `['websocket']` skips polling (load-test
   * bots); `['polling']` never upgrades.
   */
  transports?: Transport[];
  /**
   * socket.io's path on the server (its SOCKET_PATH; default `/socket.io`). A page or bot that
   * does not know it asks `getConnectionConfig(url)` (connection-options.ts), which also names
   * the transports the server takes.
   */
  path?: string;
  /** Options of the one connection (parser…); `transports`, `path` and `reconnection` win. */
  connection?: Partial<ManagerOptions>;
  /**
   * How to reconnect after a drop: the server's policy (`getConnectionConfig(url)`'s
   * `reconnection`). Absent or null: socket.io's defaults (1 s doubling to 5 s, ± 50 %, forever).
   * After the last attempt the manager emits `reconnect_failed` and stays closed.
   */
  reconnection?: ReconnectionPolicy | null;
  /**
   * The chat lines an earlier client of this player saw last (its `lobby.lastChatId` and
   * `match.lastChat`): a new connection after giving up catches up from there.
   */
  chatSince?: { lobby: number | null; match: { matchId: string; id: number } | null };
  /**
   * The node that runs this player's match, from an earlier client's join answer
   * (`match.info.node`): the connection asks the front for it (`?node=…`, see
   * MatchConnection). Every join answer sets it anew.
   */
  node?: string;
  /** Acknowledgement and HTTP timeout (ms). Default 5000. */
  timeoutMs?: number;
  /** Decode snapshots (default) or only count them (load-test bots in light mode). */
  decode?: boolean;
  /** After a reconnect, take the seat again by itself. Default true. */
  autoRejoin?: boolean;
  match?: MatchConnectionEvents<S>;
  lobby?: LobbyClientHandlers;
  /**
   * Renew the token before it expires (default true), at 80 % of its remaining life. Off, it is
   * renewed only when a handshake is refused for it (AUTH_EXPIRED).
   */
  renewAhead?: boolean;
  /** The renewal timer's clock and timers (tests). */
  timers?: ScheduleTimers;
  /**
   * The token was renewed (same guestId, unless the server no longer took the old one and a new
   * guest was made); every reconnect presents the new one.
   */
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
  /**
   * Per namespace, the tokens its connect attempts presented and the server has not answered
   * yet, oldest first (the server answers a namespace's attempts in order): a refusal of a token
   * already replaced needs no new renewal, only a new attempt, and a socket with an attempt out
   * needs no `connect()`. One note per attempt, not one per socket: the reconnect that follows a
   * renewal can present the new token while the refusal of the old one is on its way.
   */
  private readonly presented: Record<'lobby' | 'match', string[]> = { lobby: [], match: [] };
  private readonly schedule: RenewalSchedule | null;
  /** Handshakes refused for the token since the last accepted one. */
  private authRefusals = 0;

  private constructor(
    public guest: GuestSession,
    private readonly opts: PlayerClientOptions<S>,
  ) {
    const timeoutMs = opts.timeoutMs ?? 5000;
    const managerOptions: Partial<ManagerOptions> = {
      ...opts.connection,
      ...(opts.reconnection && reconnectionOptions(opts.reconnection)),
      ...(opts.transports && { transports: opts.transports }),
      ...(opts.path !== undefined && { path: opts.path }),
    };
    // Before the manager exists: it opens its first connection as it is made.
    if (opts.node !== undefined) setRouteHint(managerOptions, opts.node);
    this.manager = createManager(opts.url, managerOptions);
    // Asked at every (re)connect: a reconnect always presents the newest token.
    const tokenFor = (ns: 'lobby' | 'match') => (): string => {
      this.presented[ns].push(this.guest.token);
      return this.guest.token;
    };
    // A connection that closes takes its unanswered attempts with it.
    this.manager.on('close', () => {
      this.presented.lobby.length = 0;
      this.presented.match.length = 0;
    });
    this.lobby = new LobbyClient(opts.url, opts.lobby ?? {}, { token: tokenFor('lobby'), manager: this.manager, timeoutMs, chatSince: opts.chatSince?.lobby ?? null });
    this.match = new MatchConnection<S, I, Setup>(opts.url, opts.match ?? {}, {
      games: opts.games,
      token: tokenFor('match'),
      manager: this.manager,
      timeoutMs,
      decode: opts.decode ?? true,
      autoRejoin: opts.autoRejoin ?? true,
      chatSince: opts.chatSince?.match ?? null,
    });
    // A token the server refuses (expired, or signed by a node that restarted with another
    // secret) is not retried by socket.io: renew it and connect again. Bounded: a server that
    // refuses every token it just issued must not keep the client renewing in a loop.
    const sockets: ['lobby' | 'match', Socket][] = [
      ['match', this.match.socket as Socket],
      ['lobby', this.lobby.socket as Socket],
    ];
    for (const [ns, socket] of sockets) {
      socket.on('connect', () => {
        this.presented[ns].shift();
        this.authRefusals = 0;
      });
      socket.on('connect_error', (e: Error & { data?: { code?: string; message?: string } }) => {
        // The server's refusals carry `data`; a connection that failed to open answered no attempt.
        const refused = e.data === undefined ? undefined : this.presented[ns].shift();
        if (!e.data?.code?.startsWith('AUTH_')) return;
        if (this.renewing) return; // both namespaces are refused together: one renewal
        if (refused !== this.guest.token) return this.reconnect(); // renewed meanwhile
        if (++this.authRefusals > MAX_AUTH_REFUSALS) {
          this.opts.tokenRenewalFailed?.({ code: e.data.code, message: `the server refused ${MAX_AUTH_REFUSALS} renewed tokens in a row: ${e.data.message ?? e.message}` });
          return;
        }
        void this.renewToken();
      });
    }
    this.schedule =
      opts.renewAhead === false
        ? null
        : new RenewalSchedule({ renew: async () => ((await this.renewToken()).ok ? this.guest.expiresAt : null), timers: opts.timers });
    this.schedule?.arm(guest.expiresAt);
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
    let ready = await client.lobby.ready();
    if (!ready.ok && ready.code === ErrorCode.AuthExpired) {
      // The token ran out while the player was away (a reload after a laptop slept): the refusal
      // already started a renewal (same guest, so the seat it holds is still its own); wait for
      // it and for the connection it opens.
      const renewed = await client.renewToken();
      if (renewed.ok) ready = await client.lobby.ready();
    }
    if (!ready.ok) {
      client.close();
      return ready;
    }
    return ok(client);
  }

  /** Takes a seat the way `entry` says and joins the match on /match. */
  async enter(entry: Entry): Promise<AckResult<MatchInfo<Setup>>> {
    if (entry.kind === 'spectate') return this.match.spectate(entry.matchId);
    if (entry.kind === 'rejoin') return this.match.joinSettled();
    const seat = await this.seat(entry);
    if (!seat.ok) return seat;
    this.code = seat.code;
    return this.match.joinSettled(seat.matchId);
  }

  /**
   * Back into the seat this guest still holds (the server keeps it for the reconnect grace);
   * holding none, quick play in `mode`.
   */
  async rejoinOrQueue(mode: string, queueTimeoutMs?: number): Promise<AckResult<MatchInfo<Setup>>> {
    const back = await this.match.joinSettled();
    if (back.ok || back.code !== ErrorCode.NoSeat) return back;
    return this.enter({ kind: 'quickplay', mode, ...(queueTimeoutMs !== undefined && { queueTimeoutMs }) });
  }

  /** Gives the seat up for good (closing the connection instead keeps it for the grace). */
  leave(): Promise<AckResult> {
    return this.match.leave();
  }

  /**
   * Renews the guest token (POST /api/guest/renew): the same guestId and nickname, so the seat
   * and the name stay this player's. Only when the server no longer takes the old token at all
   * (forged, signed with another secret, or expired beyond the server's grace) does it fall back
   * to a new guest under the same nickname: a fresh start beats no start. Then connects whichever
   * socket is down, presenting the new token. One renewal at a time.
   */
  renewToken(): Promise<AckResult> {
    this.renewing ??= (async (): Promise<AckResult> => {
      const timeoutMs = this.opts.timeoutMs;
      let guest = await renewGuestToken(this.opts.url, this.guest.token, { timeoutMs });
      if (!guest.ok && isTokenRefusal(guest.code) && !this.closed) guest = await getGuestToken(this.opts.url, this.guest.nickname, { timeoutMs });
      if (this.closed) return { ok: false, code: ErrorCode.Unavailable, message: 'closed' };
      if (!guest.ok) {
        this.opts.tokenRenewalFailed?.(guest);
        return guest;
      }
      const { ok: _ok, ...session } = guest;
      this.guest = session;
      this.schedule?.arm(session.expiresAt);
      this.opts.tokenRenewed?.(session);
      this.reconnect();
      return { ok: true };
    })().finally(() => {
      this.renewing = null;
    });
    return this.renewing;
  }

  /**
   * Connects whichever socket is down and has no attempt out: refused or disconnected by the
   * server (socket.io does not retry those), or dropped with the manager's reconnection off. A
   * socket whose CONNECT is out (its token presented, no answer yet) is left alone: `connect()`
   * on it would send a second CONNECT on the open connection, which socket.io answers with a
   * second server socket or by closing the whole connection, and the rejoin in flight fails
   * (a rejoin right after a token renewal is then answered UNAVAILABLE).
   */
  reconnect(): void {
    if (this.closed) return;
    if (!this.lobby.socket.connected && this.presented.lobby.length === 0) this.lobby.socket.connect();
    if (!this.match.socket.connected && this.presented.match.length === 0) this.match.socket.connect();
  }

  close(): void {
    this.closed = true;
    this.schedule?.stop();
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

/** The server refused the token itself (not a network failure): the old identity is gone. */
function isTokenRefusal(code: string): boolean {
  return code === ErrorCode.AuthMissing || code === ErrorCode.AuthExpired || code === ErrorCode.AuthInvalid;
}
