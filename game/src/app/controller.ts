/**
 * The page's one link to the server: it signs in through the SDK's PlayerClient, turns every
 * socket event into a store action (the list, chat, placement, phases, results, the connection's
 * state), and carries out what the player asks for (quick play, a private match, a code, a
 * listed match, spectating, chat, leaving). React components only read the store and call
 * these methods; the Phaser scenes only read the MatchSession.
 */
import { getGuestToken, type GuestSession } from '../../../shared/client/auth.ts';
import { PlayerClient, type Entry, type PlayerClientOptions } from '../../../shared/client/player-client.ts';
import { frameBytes } from '../../../shared/client/byte-counter.ts';
import { getConnectionConfig, type ConnectionConfig } from '../../../shared/client/connection-options.ts';
import { GAMES } from '../../../shared/games/index.ts';
import { ErrorCode, type AckResult } from '../../../shared/protocol/errors.ts';
import type { GameInfo, MatchInfo, PrivateMatchOptions, SeatGrant, SessionInfo } from '../../../shared/protocol/events.ts';
import { connectionActions } from '../state/connection-slice.ts';
import { chatLine, lobbyActions, type Pending } from '../state/lobby-slice.ts';
import { matchActions } from '../state/match-slice.ts';
import { selectScreen, uiActions, type Store } from '../state/store.ts';
import type { LoadProgress } from './chunk-loader.ts';
import { adviceFor, isAuthCode } from './connection-messages.ts';
import { MatchSession } from './match-session.ts';
import { NetStats, parseTickTotals, tickMsBetween, type TickTotals } from './net-stats.ts';
import type { EarlySignIn } from './early-sign-in.ts';
import type { PageStorage } from './storage.ts';

/** The drawing side, loaded on demand (Phaser is most of the page's bytes). */
export interface GameView {
  /** Draws `matchId` (of `game`); the same match again (a rejoin) keeps what is drawn. */
  show(game: string, matchId: string): void;
  hide(): void;
}

export interface ControllerDeps {
  store: Store;
  storage: PageStorage;
  /** The server's origin. */
  url: string;
  /** Loads the drawing side, reporting the game chunk's bytes as they arrive. */
  loadView: (session: MatchSession, progress: (p: LoadProgress) => void) => Promise<GameView>;
  fetch?: typeof fetch;
}

/** Seconds between /healthz reads for the online count, for a server that pushes none. */
const ONLINE_POLL_S = 15;
/** Retry an unreachable server after this long (ms), doubling up to the cap. */
const RETRY_MS = 2000;
const RETRY_CAP_MS = 15_000;

interface EngineLike {
  on(event: 'packet' | 'packetCreate', fn: (packet: { type: string; data?: unknown }) => void): void;
}

/** Bytes a packet takes in its WebSocket frame (text: one type character before the data). */
function packetBytes(packet: { type: string; data?: unknown }, fromClient: boolean): number {
  const d = packet.data;
  const payload =
    d instanceof ArrayBuffer ? d.byteLength : ArrayBuffer.isView(d) ? d.byteLength : typeof d === 'string' ? 1 + d.length : 1;
  return frameBytes(payload, fromClient);
}

export class PageController {
  client: PlayerClient | null = null;
  readonly stats = new NetStats();
  readonly session: MatchSession;
  /** The nickname last asked for (the server may have added a suffix to it). */
  private requested: string | null = null;
  private generation = 0;
  private signingIn: Promise<boolean> | null = null;
  private chatIds = 0;
  private queueCancelled = false;
  private view: Promise<GameView | null> | null = null;
  private ticker: ReturnType<typeof setInterval> | null = null;
  private seconds = 0;
  private tickTotals: TickTotals | null = null;
  private pushedOnline = false;
  private retryMs = RETRY_MS;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly fetch: typeof fetch;
  /** The last chat lines the page showed, from the connection before this one. */
  private chatSince: PlayerClientOptions['chatSince'] | null = null;
  /** How the server wants to be reached (socket.io's path, the transports it takes), asked once. */
  private connection: Promise<ConnectionConfig | null> | null = null;

  constructor(private readonly deps: ControllerDeps) {
    this.session = new MatchSession({ dispatch: deps.store.dispatch, stats: this.stats });
    this.fetch = deps.fetch ?? ((...a) => fetch(...a));
  }

  private get state() {
    return this.deps.store.getState();
  }

  private dispatch(action: Parameters<Store['dispatch']>[0]): void {
    this.deps.store.dispatch(action);
  }

  /**
   * Loads the game list, signs in (this tab's token if it has one, else the token `early` asked
   * for), starts the once-a-second work.
   */
  start(early: Pick<EarlySignIn, 'nickname' | 'guest' | 'config' | 'token'>): void {
    void this.loadCatalogue();
    this.connection = early.config;
    void this.signIn(early.nickname, early.guest, early.token);
    this.ticker = setInterval(() => this.everySecond(), 1000);
  }

  /** Loads Phaser and the scenes ahead of need (after the lobby is up). */
  preloadView(): void {
    void this.gameView();
  }

  /** The drawing side, loaded once; null when loading failed (the page offers to try again). */
  private gameView(): Promise<GameView | null> {
    this.view ??= this.deps.loadView(this.session, (p) => this.dispatch(uiActions.gameLoading(p))).then(
      (view) => {
        this.dispatch(uiActions.gameLoaded());
        return view;
      },
      () => {
        this.view = null; // the next call tries again
        this.dispatch(uiActions.gameLoadFailed());
        return null;
      },
    );
    return this.view;
  }

  /** Loading the game failed (the network dropped mid-chunk): load it again and draw the match if one is on. */
  async retryGameLoad(): Promise<void> {
    const view = await this.gameView();
    const info = this.session.info;
    if (view && info) view.show(info.game, info.matchId);
  }

  private async loadCatalogue(): Promise<void> {
    try {
      const res = await this.fetch(new URL('/api/games', this.deps.url));
      if (res.ok) this.dispatch(connectionActions.catalogueLoaded((await res.json()) as GameInfo[]));
    } catch {
      // The session brings the same list once signed in.
    }
  }

  // ---- signing in ---------------------------------------------------------------------------

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
      this.session.attach(null);
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
      const opts = {
        ...this.clientOptions(nickname, gen),
        ...(this.chatSince && { chatSince: this.chatSince }),
        ...(connection && { path: connection.socketPath, transports: connection.transports, reconnection: connection.reconnection }),
      };
      const fresh = async () => {
        const got = await (token ?? getGuestToken(this.deps.url, nickname));
        if (!got.ok) return got;
        const { ok: _ok, ...session } = got;
        return PlayerClient.resume(opts, session);
      };
      let res = held ? await PlayerClient.resume(opts, held) : await fresh();
      if (!res.ok && held && isAuthCode(res.code)) res = await fresh();
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
      this.session.attach(client);
      this.deps.storage.setGuest(client.guest);
      this.watchConnection(client, gen);
      if (client.lobby.session) this.sessionStarted(client.lobby.session);
      await this.subscribeList(client);
      if (client.lobby.online) {
        this.pushedOnline = true;
        this.dispatch(connectionActions.onlineCounted(client.lobby.online.players));
      } else if (!this.pushedOnline) void this.readOnline();
      if (client.lobby.session?.matchId) await this.enter({ kind: 'rejoin' }, 'rejoin');
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
    // Unreachable: keep trying (the server may be restarting). Anything else waits for the player.
    const retry = res.code === ErrorCode.Unavailable || res.code === ErrorCode.Timeout;
    this.dispatch(connectionActions.noticed({ code: res.code, message: advice.message, failed: true }));
    if (retry) {
      // The tab's token again (the seat it may hold is this guest's), not a new guest.
      this.retryTimer = setTimeout(() => void this.signIn(nickname, this.deps.storage.guest()), this.retryMs);
      this.retryMs = Math.min(RETRY_CAP_MS, this.retryMs * 2);
    }
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
    if (ok && wasInMatch && !this.client?.lobby.session?.matchId) {
      this.toLobby();
      this.dispatch(lobbyActions.failed({ code: ErrorCode.NoSeat, message: adviceFor(ErrorCode.NoSeat).message }));
    }
  }

  /** Signed in under the nickname typed; signs in again first when it changed. */
  private async ready(nickname?: string): Promise<PlayerClient | null> {
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
    if (await this.signIn(name)) this.dispatch(lobbyActions.settled());
    else this.dispatch(lobbyActions.settled());
  }

  private clientOptions(nickname: string, gen: number): PlayerClientOptions {
    const live = (fn: () => void) => () => gen === this.generation && fn();
    return {
      url: this.deps.url,
      nickname,
      games: GAMES,
      lobby: {
        session: (s) => live(() => this.sessionStarted(s))(),
        matched: (seat) => live(() => void this.onMatched(seat))(),
        list: (_all, change) => live(() => this.dispatch(lobbyActions.listChanged(change)))(),
        chat: (m) => live(() => this.dispatch(lobbyActions.chatReceived(chatLine(++this.chatIds, m, this.state.connection.guestId))))(),
        // Players online across the cluster, pushed by the server; replaces the /healthz reading.
        online: (count) =>
          live(() => {
            this.pushedOnline = true;
            this.dispatch(connectionActions.onlineCounted(count.players));
          })(),
        protocolError: (e) => live(() => this.dispatch(lobbyActions.failed({ code: e.code, message: adviceFor(e.code, e.message).message })))(),
        disconnect: () => live(() => this.dispatch(lobbyActions.listLost()))(),
      },
      match: {
        snapshot: (s) => gen === this.generation && this.session.onSnapshot(s),
        roster: (r) =>
          live(() => {
            this.session.onRoster(r);
            this.dispatch(matchActions.rosterChanged(r));
          })(),
        phase: (p) => live(() => this.onPhase(p.state))(),
        ended: (results) => live(() => this.dispatch(matchActions.ended(results)))(),
        presence: (p) =>
          live(() => {
            if (p.status === 'joined') return;
            const text = { away: 'lost connection', back: 'is back', left: 'left', timed_out: 'did not come back' }[p.status];
            this.dispatch(matchActions.fed([{ id: -++this.chatIds, at: Date.now(), kind: 'presence', actor: null, subject: p.nickname, text, mine: false }]));
          })(),
        chat: (m) => live(() => this.dispatch(matchActions.chatReceived(chatLine(++this.chatIds, m, this.state.connection.guestId))))(),
        rejoined: (res) => live(() => this.onRejoined(res))(),
        protocolError: (e) =>
          live(() => {
            const advice = adviceFor(e.code, e.message);
            this.dispatch(connectionActions.noticed({ code: e.code, message: advice.message, failed: e.code === ErrorCode.SessionReplaced }));
          })(),
        disconnect: () => gen === this.generation && this.stats.resetGap(),
      },
      tokenRenewed: (guest) => live(() => this.deps.storage.setGuest(guest))(),
      tokenRenewalFailed: (e) => live(() => this.dispatch(connectionActions.noticed({ code: e.code, message: adviceFor(e.code, e.message).message, failed: true })))(),
    };
  }

  private sessionStarted(s: SessionInfo): void {
    this.dispatch(connectionActions.sessionStarted(s));
    const current = this.state.lobby.game;
    const modes = s.modes.filter((m) => m.game === current);
    if (modes.length === 0 && s.modes[0]) this.dispatch(lobbyActions.gameChosen({ game: s.modes[0].game, mode: s.modes[0].id }));
  }

  /** Transport drops, retries, errors with a code: all become state the overlay and banners show. */
  private watchConnection(client: PlayerClient, gen: number): void {
    const live = () => gen === this.generation;
    const manager = client.manager;
    const countBytes = (): void => {
      const engine = manager.engine as unknown as EngineLike | undefined;
      engine?.on('packet', (p) => this.stats.down(packetBytes(p, false)));
      engine?.on('packetCreate', (p) => this.stats.up(packetBytes(p, true)));
    };
    countBytes();
    manager.on('open', countBytes);
    manager.on('reconnect_attempt', (n) => live() && this.dispatch(connectionActions.reconnecting(n)));
    // The server's policy ran out of attempts: say so and wait for the player (socket.io stops).
    manager.on('reconnect_failed', () => live() && this.dispatch(connectionActions.reconnectFailed()));
    manager.on('reconnect', () => {
      if (!live()) return;
      // In a match, back means back in the seat: the rejoin answer ends the overlay. A match
      // that ended has no seat to take back (its results stay on screen).
      const m = this.state.match;
      if (!m.joined || m.results || m.phase === 'ended' || m.phase === 'disposed') this.dispatch(connectionActions.reconnected());
      void this.subscribeList(client);
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

  private async subscribeList(client: PlayerClient): Promise<void> {
    const list = await client.lobby.subscribeList();
    if (list.ok && client === this.client) this.dispatch(lobbyActions.listReceived({ version: list.version, matches: list.matches }));
  }

  // ---- getting into a match ---------------------------------------------------------------

  async quickPlay(mode: string, nickname?: string): Promise<void> {
    const client = await this.ready(nickname);
    if (!client) return;
    this.dispatch(lobbyActions.requested('quickplay'));
    this.queueCancelled = false;
    const res = await client.lobby.quickPlay(mode);
    if (!res.ok) return this.failed(res);
    this.dispatch(lobbyActions.queued({ mode, since: Date.now(), waiting: res.waiting }));
    this.dispatch(lobbyActions.settled());
  }

  async cancelQueue(): Promise<void> {
    this.queueCancelled = true;
    this.dispatch(lobbyActions.unqueued());
    await this.client?.lobby.cancelQueue();
  }

  private async onMatched(seat: SeatGrant): Promise<void> {
    const client = this.client;
    if (!client) return;
    // Placed just as the player cancelled: give the seat back rather than drag them in.
    if (this.queueCancelled || !this.state.lobby.queue) {
      await client.lobby.leaveMatch();
      return;
    }
    const res = await client.match.join(seat.matchId);
    this.dispatch(lobbyActions.unqueued());
    if (!res.ok) return this.failed(res);
    this.joined(res, { code: seat.code, host: false, maxPlayers: null });
  }

  createPrivate(options: PrivateMatchOptions, nickname?: string): Promise<void> {
    return this.enter({ kind: 'create', options }, 'create', nickname, { host: true, maxPlayers: options.maxPlayers ?? null });
  }

  joinCode(code: string, nickname?: string): Promise<void> {
    return this.enter({ kind: 'code', code: code.trim().toUpperCase() }, 'code', nickname);
  }

  joinListed(matchId: string, nickname?: string): Promise<void> {
    return this.enter({ kind: 'listed', matchId }, 'listed', nickname);
  }

  spectate(matchId: string, nickname?: string): Promise<void> {
    return this.enter({ kind: 'spectate', matchId }, 'spectate', nickname);
  }

  private async enter(entry: Entry, pending: Pending, nickname?: string, extra: { host?: boolean; maxPlayers?: number | null } = {}): Promise<void> {
    const client = await this.ready(nickname);
    if (!client) return;
    this.dispatch(lobbyActions.requested(pending));
    client.code = null;
    const res = await client.enter(entry);
    if (!res.ok) return this.failed(res);
    this.joined(res, { code: client.code, host: extra.host ?? false, maxPlayers: extra.maxPlayers ?? null });
  }

  private joined(info: MatchInfo, extra: { code: string | null; host: boolean; maxPlayers: number | null }): void {
    this.session.joined(info);
    const listing = this.state.lobby.matches.entities[info.matchId];
    const maxPlayers = extra.maxPlayers ?? listing?.maxPlayers ?? null;
    this.dispatch(
      matchActions.joined({
        match: { matchId: info.matchId, game: info.game, mode: info.mode, role: info.role, slot: info.slot, visibility: info.visibility, code: extra.code, host: extra.host, maxPlayers },
        phase: info.state,
        roster: info.roster,
      }),
    );
    this.dispatch(lobbyActions.settled());
    void this.gameView().then((v) => v !== null && this.session.info?.matchId === info.matchId && v.show(info.game, info.matchId));
    void this.ping();
  }

  private onRejoined(res: AckResult<MatchInfo>): void {
    if (res.ok) {
      this.dispatch(connectionActions.noticed(null));
      // The SDK may have found the seat in another match than the one shown (it asks the server where the seat is).
      const joined = this.state.match.joined?.matchId === res.matchId ? this.state.match.joined : null;
      this.joined(res, { code: joined?.code ?? null, host: joined?.host ?? false, maxPlayers: joined?.maxPlayers ?? null });
    } else {
      // The seat is gone (the grace ran out, or the match ended meanwhile; the SDK asked the
      // server where the seat is before giving up): back to the lobby.
      this.toLobby();
      this.dispatch(lobbyActions.failed({ code: res.code, message: adviceFor(res.code, res.message).message }));
    }
    this.dispatch(connectionActions.reconnected());
  }

  private onPhase(state: MatchInfo['state']): void {
    this.dispatch(matchActions.phaseChanged(state));
    // Gone before it ended (abandoned): nothing to show but the lobby. After the end the results stay.
    if (state === 'disposed' && !this.state.match.results) this.toLobby();
  }

  private failed(res: { code: string; message: string }): void {
    this.dispatch(lobbyActions.failed({ code: res.code, message: adviceFor(res.code, res.message).message }));
  }

  /** The private match's creator starts it without waiting for it to fill. */
  async startMatch(): Promise<void> {
    const res = await this.client?.match.start();
    if (res && !res.ok) this.failed(res);
  }

  /** Gives the seat (or the spectator's place) up and goes back to the lobby. */
  async leaveMatch(): Promise<void> {
    const client = this.client;
    this.toLobby();
    await client?.leave();
  }

  async playAgain(): Promise<void> {
    const mode = this.state.match.joined?.mode ?? this.state.lobby.mode;
    await this.leaveMatch();
    await this.quickPlay(mode);
  }

  private toLobby(): void {
    this.session.left();
    this.dispatch(matchActions.left());
    void this.view?.then((v) => v?.hide());
  }

  /** Match chat while in a match, else lobby chat. */
  async chat(text: string): Promise<boolean> {
    const client = this.client;
    if (!client || !text.trim()) return false;
    const res = this.state.match.joined ? await client.match.chat(text) : await client.lobby.chat(text);
    if (!res.ok) this.failed(res);
    return res.ok;
  }

  // ---- once a second -------------------------------------------------------------------------

  private everySecond(): void {
    this.seconds += 1;
    this.stats.sample(performance.now());
    if (this.session.info) void this.ping();
    if (this.state.ui.netGraph) void this.readServerTick();
    const screen = selectScreen(this.state);
    if (!this.pushedOnline && screen === 'lobby' && (this.seconds === 1 || this.seconds % ONLINE_POLL_S === 0)) void this.readOnline();
  }

  private async ping(): Promise<void> {
    const match = this.client?.match;
    if (!match?.socket.connected) return;
    try {
      this.stats.setRtt(await match.syncClock());
    } catch {
      // No answer in time: the net graph shows the gap.
    }
  }

  /** Players connected to this node, from /healthz (until the server pushes a count). */
  private async readOnline(): Promise<void> {
    try {
      const res = await this.fetch(new URL('/healthz', this.deps.url));
      const body = (await res.json()) as { players?: unknown };
      if (typeof body.players === 'number' && !this.pushedOnline) this.dispatch(connectionActions.onlineCounted(body.players));
    } catch {
      // Unknown: the lobby shows no count.
    }
  }

  /** The server's mean tick time over the last second, from its /metrics (the net graph only). */
  private async readServerTick(): Promise<void> {
    try {
      const res = await this.fetch(new URL('/metrics', this.deps.url));
      const totals = res.ok ? parseTickTotals(await res.text()) : null;
      this.stats.setServerTick(tickMsBetween(this.tickTotals, totals));
      this.tickTotals = totals;
    } catch {
      this.stats.setServerTick(null);
    }
  }

  stop(): void {
    if (this.ticker) clearInterval(this.ticker);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.client?.close();
  }
}
