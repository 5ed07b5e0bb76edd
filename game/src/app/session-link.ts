/**
 * The page's session with the server: signing in (this tab's token, else a fresh guest's), one
 * connection at a time (a new nickname is a new connection; events of an older one are ignored),
 * the token's renewal, and the connection's fate: drops, reconnect attempts, the end of attempts,
 * an unreachable server retried with a growing pause, errors with a code. All of it becomes
 * connection state that the banner and the overlay show. What the lobby and the match do with
 * their events is theirs (lobby-commands.ts, match-flow.ts): they hand their handlers in.
 */
import { getGuestToken, type GuestSession } from '../../../shared/client/auth.ts';
import { getConnectionConfig, type ConnectionConfig } from '../../../shared/client/connection-options.ts';
import type { LobbyClientHandlers } from '../../../shared/client/lobby-client.ts';
import type { MatchConnectionEvents } from '../../../shared/client/match-connection.ts';
import { PlayerClient, type PlayerClientOptions } from '../../../shared/client/player-client.ts';
import type { GameSource } from '../../../shared/client/game-source.ts';
import { transports as engineTransports, type TransportCtor } from 'engine.io-client';
import { ErrorCode, type AckResult } from '../../../shared/protocol/errors.ts';
import type { GameInfo } from '../../../shared/protocol/events.ts';
import { connectionActions } from '../state/connection-slice.ts';
import { lobbyActions } from '../state/lobby-slice.ts';
import type { Store } from '../state/store.ts';
import { adviceFor, isAuthCode } from './connection-messages.ts';
import { adoptingWebSocket } from './adopting-transport.ts';
import type { EarlySignIn } from './early-sign-in.ts';
import type { EarlySocket } from './early-socket.ts';
import type { PageStorage } from './storage.ts';

export interface SessionLinkDeps {
  store: Store;
  storage: PageStorage;
  /** The server's origin. */
  url: string;
  /** The games the connection decodes (the shared halves of the page's games, loaded on demand). */
  games: GameSource;
  fetch?: typeof fetch;
  /** The lobby's and the match's handlers, installed on every new connection. */
  handlers: () => { lobby: LobbyClientHandlers; match: MatchConnectionEvents };
  /** The connection the page now uses (null while signing in). */
  attached: (client: PlayerClient | null) => void;
  /** A new connection is signed in (the lobby catches up, a held seat is taken back). */
  connected: (client: PlayerClient) => Promise<void>;
  /** The connection came back after a drop. */
  reconnected: (client: PlayerClient) => void;
  /** Signed in again after giving up, and the server holds no seat for the match shown. */
  seatLost: () => void;
}

/** Retry an unreachable server after this long (ms), doubling up to the cap. */
export const RETRY_MS = 2000;
export const RETRY_CAP_MS = 15_000;

/**
 * After a failed sign-in: when to try again by itself (null: wait for the player), and the pause
 * after that one. Unreachable (the server may be restarting): keep trying. Anything else (a refused
 * nickname, a full server) would fail the same way again.
 */
export function retryAfter(code: string, pauseMs: number): { inMs: number | null; nextMs: number } {
  const retry = code === ErrorCode.Unavailable || code === ErrorCode.Timeout;
  return retry ? { inMs: pauseMs, nextMs: Math.min(RETRY_CAP_MS, pauseMs * 2) } : { inMs: null, nextMs: pauseMs };
}

/** engine.io-client's transports in the server's order, the WebSocket one taking `early` over. */
function transportsTaking(names: readonly string[], early: EarlySocket): TransportCtor[] {
  return names.map((name) => (name === 'websocket' ? adoptingWebSocket(early) : (engineTransports as Record<string, TransportCtor>)[name]!));
}

type Handlers = Record<string, ((...args: never[]) => unknown) | undefined>;

/** The same handlers, each doing nothing once `current()` is false (a replaced connection's late events). */
export function whileCurrent<H extends object>(handlers: H, current: () => boolean): H {
  const out: Handlers = {};
  for (const [key, fn] of Object.entries(handlers as Handlers)) {
    if (typeof fn === 'function') out[key] = (...args: never[]) => (current() ? fn(...args) : undefined);
  }
  return out as H;
}

export class SessionLink {
  client: PlayerClient | null = null;
  /** The nickname last asked for (the server may have added a suffix to it). */
  private requested: string | null = null;
  private generation = 0;
  private signingIn: Promise<boolean> | null = null;
  private retryMs = RETRY_MS;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly fetch: typeof fetch;
  /** The last chat lines the page showed, from the connection before this one. */
  private chatSince: PlayerClientOptions['chatSince'] | null = null;
  /** How the server wants to be reached (socket.io's path, the transports it takes), asked once. */
  private connection: Promise<ConnectionConfig | null> | null = null;
  /** The WebSocket the entry module opened, for the first sign-in's connection to take over. */
  private earlySocket: Promise<EarlySocket | null> | null = null;

  constructor(private readonly deps: SessionLinkDeps) {
    this.fetch = deps.fetch ?? ((...a) => fetch(...a));
  }

  private get state() {
    return this.deps.store.getState();
  }

  private dispatch(action: Parameters<Store['dispatch']>[0]): void {
    this.deps.store.dispatch(action);
  }

  /** Loads the game list and signs in (this tab's token if it has one, else the token `early` asked for). */
  start(early: Pick<EarlySignIn, 'nickname' | 'guest' | 'config' | 'token'> & Partial<Pick<EarlySignIn, 'socket'>>): void {
    void this.loadCatalogue();
    this.connection = early.config;
    this.earlySocket = early.socket ?? null;
    void this.signIn(early.nickname, early.guest, early.token);
  }

  private async loadCatalogue(): Promise<void> {
    try {
      const res = await this.fetch(new URL('/api/games', this.deps.url));
      if (res.ok) this.dispatch(connectionActions.catalogueLoaded((await res.json()) as GameInfo[]));
    } catch {
      // The session brings the same list once signed in.
    }
  }

  /**
   * A new connection under `nickname` (closing the one before). With `guest`, presents that token
   * first (a reload); a refused one is replaced by a fresh guest token. `asked`: a token request
   * for `nickname` already on its way (the page's entry module sent it).
   */
  signIn(nickname: string, guest: GuestSession | null = null, asked: Promise<AckResult<GuestSession>> | null = null): Promise<boolean> {
    const run = async (): Promise<boolean> => {
      if (this.retryTimer) clearTimeout(this.retryTimer);
      this.retryTimer = null;
      // The chat this page has shown: a new connection catches up from there (lines sent while
      // the old one was down come once, in order).
      if (this.client) this.chatSince = { lobby: this.client.lobby.lastChatId, match: this.client.match.lastChat };
      this.client?.close();
      this.client = null;
      this.deps.attached(null);
      const gen = ++this.generation;
      this.requested = nickname;
      this.deps.storage.setNickname(nickname);
      this.dispatch(connectionActions.connecting());
      // The server's SOCKET_PATH and TRANSPORTS; unknown (an older server), socket.io's defaults.
      this.connection ??= getConnectionConfig(this.deps.url);
      const held = guest && guest.nickname.length > 0 ? guest : null;
      // A new guest's token does not depend on the connection's settings: both requests go out
      // together, one round trip less before the lobby is usable.
      const token = held ? null : (asked ?? getGuestToken(this.deps.url, nickname));
      const connection = await this.connection;
      if (connection === null) this.connection = null; // ask again on the next sign-in
      // Only the first sign-in's connection may take the entry module's socket over.
      const early = this.earlySocket ? await this.earlySocket : null;
      this.earlySocket = null;
      const transports = connection && (early ? { connection: { transports: transportsTaking(connection.transports, early) } } : { transports: connection.transports });
      const opts = {
        ...this.clientOptions(nickname, gen),
        ...(this.chatSince && { chatSince: this.chatSince }),
        ...(connection && { path: connection.socketPath, reconnection: connection.reconnection }),
        ...transports,
      };
      const fresh = async () => {
        const got = await (token ?? getGuestToken(this.deps.url, nickname));
        if (!got.ok) return got;
        const { ok: _ok, ...session } = got;
        return PlayerClient.resume(opts, session);
      };
      let res = held ? await PlayerClient.resume(opts, held) : await fresh();
      if (!res.ok && held && isAuthCode(res.code)) res = await fresh();
      early?.discard(); // not taken (the sign-in failed before connecting): the server need not hold it
      if (gen !== this.generation) {
        if (res.ok) res.value.close();
        return false;
      }
      if (!res.ok) {
        this.connectFailed(nickname, res);
        return false;
      }
      this.retryMs = RETRY_MS;
      const client = res.value;
      this.client = client;
      this.deps.attached(client);
      this.deps.storage.setGuest(client.guest);
      this.watchConnection(client, gen);
      await this.deps.connected(client);
      return true;
    };
    const p = (this.signingIn ?? Promise.resolve(true)).then(run, run);
    this.signingIn = p.finally(() => {
      if (this.signingIn === p) this.signingIn = null;
    });
    return p;
  }

  private connectFailed(nickname: string, res: { code: string; message: string }): void {
    const advice = adviceFor(res.code, res.message);
    const next = retryAfter(res.code, this.retryMs);
    this.dispatch(connectionActions.noticed({ code: res.code, message: advice.message, failed: true }));
    if (next.inMs !== null) {
      // The tab's token again (the seat it may hold is this guest's), not a new guest.
      this.retryTimer = setTimeout(() => void this.signIn(nickname, this.deps.storage.guest()), next.inMs);
    }
    this.retryMs = next.nextMs;
  }

  /** Whether the server runs with DEV_TOOLS (the net graph then offers its network simulator). */
  async devTools(): Promise<boolean> {
    this.connection ??= getConnectionConfig(this.deps.url);
    return (await this.connection)?.devTools ?? false;
  }

  /** Tries to sign in again now (the player pressed Retry). */
  retry(): Promise<boolean> {
    return this.signIn(this.requested ?? 'Guest');
  }

  /**
   * After the connection gave up reconnecting (the player pressed Retry): a new connection as the
   * same guest, back into the seat if the server still holds it, else to the lobby with a word.
   */
  async reconnectAgain(): Promise<void> {
    const wasInMatch = this.state.match.joined !== null && !this.state.match.results;
    const ok = await this.signIn(this.requested ?? 'Guest', this.deps.storage.guest());
    if (ok && wasInMatch && !this.client?.lobby.session?.matchId) this.deps.seatLost();
  }

  /** Signed in under the nickname typed; signs in again first when it changed. */
  async ready(nickname?: string): Promise<PlayerClient | null> {
    if (this.signingIn) await this.signingIn;
    const name = nickname?.trim();
    if (name && name !== this.requested) {
      if (!(await this.signIn(name))) return null;
    }
    return this.client;
  }

  /** The Nickname field was committed (Enter, or focus left it). */
  async setNickname(nickname: string): Promise<void> {
    const name = nickname.trim();
    if (!name || name === this.requested) return;
    this.dispatch(lobbyActions.requested('nickname'));
    await this.signIn(name);
    this.dispatch(lobbyActions.settled());
  }

  stop(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.client?.close();
  }

  private clientOptions(nickname: string, gen: number): PlayerClientOptions {
    const current = () => gen === this.generation;
    const { lobby, match } = this.deps.handlers();
    return {
      url: this.deps.url,
      nickname,
      games: this.deps.games,
      lobby: whileCurrent(lobby, current),
      match: whileCurrent(match, current),
      tokenRenewed: (guest) => current() && this.deps.storage.setGuest(guest),
      tokenRenewalFailed: (e) => current() && this.dispatch(connectionActions.noticed({ code: e.code, message: adviceFor(e.code, e.message).message, failed: true })),
    };
  }

  /** Transport drops, retries, errors with a code: all become state the overlay and banners show. */
  private watchConnection(client: PlayerClient, gen: number): void {
    const live = () => gen === this.generation;
    const manager = client.manager;
    manager.on('reconnect_attempt', (n) => live() && this.dispatch(connectionActions.reconnecting(n)));
    // The server's policy ran out of attempts: say so and wait for the player (socket.io stops).
    manager.on('reconnect_failed', () => live() && this.dispatch(connectionActions.reconnectFailed()));
    manager.on('reconnect', () => {
      if (!live()) return;
      // In a match, back means back in the seat: the rejoin answer ends the overlay. A match
      // that ended has no seat to take back (its results stay on screen).
      const m = this.state.match;
      if (!m.joined || m.results || m.phase === 'ended' || m.phase === 'disposed') this.dispatch(connectionActions.reconnected());
      this.deps.reconnected(client);
    });
    client.lobby.socket.on('disconnect', (reason) => {
      // Our own close is no drop; a server that disconnects us says why in a protocol_error.
      if (!live() || reason === 'io client disconnect' || reason === 'io server disconnect') return;
      this.dispatch(connectionActions.reconnecting(Math.max(1, this.state.connection.attempt)));
    });
    for (const socket of [client.lobby.socket, client.match.socket]) {
      socket.on('connect_error', (e: Error & { data?: { code?: string; message?: string } }) => {
        if (!live()) return;
        const code = e.data?.code ?? e.message;
        const advice = adviceFor(code, e.data?.message);
        this.dispatch(connectionActions.noticed({ code, message: advice.message, failed: !advice.recovers }));
      });
    }
  }
}
