/**
 * A typed connection to a server's /lobby namespace: quick play, private matches, the live public
 * match list, lobby chat. Every request answers an AckResult within the timeout. No DOM and no
 * Node-only APIs: the Phaser game and the load-test bots both use it.
 *
 * Typical flow: `getGuestToken(url, nickname)` (auth.ts) → `new LobbyClient(url, { token })` →
 * `ready()` → `findMatch('ffa')` (or `createPrivate` / `joinByCode`) → a MatchConnection with the
 * same token joins the granted match. Pass one `createManager(url)` to both clients to share a
 * single connection.
 *
 * Transports: socket.io's own way by default. The connection opens on HTTP long-polling, which
 * passes any proxy or firewall that lets the page load, and upgrades to WebSocket when that
 * works; `transports: ['websocket']` skips polling (the load-test bots), `['polling']` never
 * upgrades. Binary snapshots and inputs cross both (over polling, engine.io sends them base64).
 */
import { Manager, io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import { ErrorCode, type AckResult, type WireError } from '../protocol/errors.ts';
import {
  Namespaces,
  type ChatMessage,
  type Leaderboard,
  type LobbyClientEvents,
  type LobbyServerEvents,
  type MatchList,
  type MatchListing,
  type OnlineCount,
  type PartyInfo,
  type PlayerProfile,
  type PrivateMatchOptions,
  type RatingChange,
  type SeatGrant,
  type SessionInfo,
} from '../protocol/events.ts';
import { compactWireOptions } from '../protocol/wire.ts';
import { authFor, DEFAULT_TRANSPORTS, type TokenSource } from './connection-options.ts';
import { ChatCatchUp } from './chat-catch-up.ts';
import { settle } from './lobby-request.ts';

export type LobbySocket = Socket<LobbyServerEvents, LobbyClientEvents>;

export type ListEvent =
  | { type: 'created' | 'updated'; version: number; match: MatchListing }
  | { type: 'removed'; version: number; matchId: string };

export interface LobbyClientHandlers {
  session?: (session: SessionInfo) => void;
  /** Quick play placed this player: join `seat.matchId` on /match. */
  matched?: (seat: SeatGrant) => void;
  /** The public list changed (after subscribeList): the whole list as it is now, and the change. */
  list?: (matches: MatchListing[], change: ListEvent) => void;
  chat?: (message: ChatMessage) => void;
  /** The player's party after every change (null: in none), and its chat. */
  party?: (party: PartyInfo | null) => void;
  partyChat?: (message: ChatMessage) => void;
  /** A rated match ended: the rating before and after. */
  rating?: (change: RatingChange) => void;
  /** Players online across the cluster (on connect, then on every change). */
  online?: (count: OnlineCount) => void;
  protocolError?: (error: WireError) => void;
  disconnect?: (reason: string) => void;
}

export interface LobbyClientOptions {
  token: TokenSource;
  /** Share this connection (e.g. with the player's MatchConnection); default: socket.io's own. */
  manager?: Manager;
  /** Extra socket.io-client options when no manager is given. */
  socket?: Partial<ManagerOptions & SocketOptions>;
  /** Acknowledgement timeout for requests (ms). */
  timeoutMs?: number;
  /** The id of the last lobby chat line this player saw on an earlier connection (`lastChatId`). */
  chatSince?: number | null;
}

/**
 * One connection that a player's lobby and match clients share (socket.io multiplexes both
 * namespaces over it): polling first, upgraded to WebSocket, unless `opts.transports` says. Given
 * more than one transport, a first one that fails while opening gives way to the next
 * (`tryAllTransports`): WebSocket first, then polling behind a proxy that refuses WebSocket.
 */
export function createManager(url: string, opts: Partial<ManagerOptions> = {}): Manager {
  const options = compactWireOptions({ transports: [...DEFAULT_TRANSPORTS], ...opts });
  return new Manager(url, { tryAllTransports: (options.transports?.length ?? 0) > 1, ...options });
}

export class LobbyClient {
  readonly socket: LobbySocket;
  session: SessionInfo | null = null;
  /** Players online across the cluster, as last told. */
  online: OnlineCount | null = null;
  /** The player's party as the server last said (null: in none, or not told yet). */
  party: PartyInfo | null = null;
  /** The public matches, kept in sync after subscribeList(). */
  readonly matches = new Map<string, MatchListing>();
  private listVersion: number | null = null;
  /** List events that arrived while the subscription's initial list was on its way. */
  private early: ListEvent[] | null = null;
  private lastMatched: SeatGrant | null = null;
  private readonly timeoutMs: number;
  /** Lobby chat, each line once and in order across drops (chat-catch-up.ts). */
  private readonly chatLines: ChatCatchUp;

  constructor(
    url: string,
    private readonly handlers: LobbyClientHandlers,
    opts: LobbyClientOptions,
  ) {
    this.timeoutMs = opts.timeoutMs ?? 5000;
    this.chatLines = new ChatCatchUp((message) => handlers.chat?.(message), opts.chatSince ?? null);
    const auth = authFor(opts.token);
    this.socket = (
      opts.manager
        ? opts.manager.socket(Namespaces.lobby, { auth })
        : io(new URL(Namespaces.lobby, url).toString(), compactWireOptions({ transports: [...DEFAULT_TRANSPORTS], ...opts.socket, auth }))
    ) as LobbySocket;
    this.socket.on('session', (session) => {
      this.session = session;
      handlers.session?.(session);
    });
    this.socket.on('matched', (seat) => {
      this.lastMatched = seat;
      handlers.matched?.(seat);
    });
    this.socket.on('match_created', (c) => this.onList({ type: 'created', ...c }));
    this.socket.on('match_updated', (c) => this.onList({ type: 'updated', ...c }));
    this.socket.on('match_removed', (r) => this.onList({ type: 'removed', ...r }));
    this.socket.on('chat', (message) => this.chatLines.live(message));
    // Lines sent while this connection was down come back once it is up again.
    this.socket.on('connect', () => void this.chatLines.connected((after) => this.request(this.acked().emitWithAck('chat_missed', { after }))));
    this.socket.on('online', (count) => {
      this.online = count;
      handlers.online?.(count);
    });
    this.socket.on('party', (party) => {
      // News of one party from two nodes may cross: an older version of the same party is stale.
      if (party && this.party && party.code === this.party.code && party.version < this.party.version) return;
      this.party = party;
      handlers.party?.(party);
    });
    this.socket.on('party_chat', (message) => handlers.partyChat?.(message));
    this.socket.on('rating', (change) => handlers.rating?.(change));
    this.socket.on('protocol_error', (error) => handlers.protocolError?.(error));
    this.socket.on('disconnect', (reason) => {
      // After a reconnect the server knows nothing of this client's subscription.
      this.listVersion = null;
      handlers.disconnect?.(reason);
    });
  }

  /**
   * Resolves with the session once the server accepted the token; a refused handshake answers
   * its code (AUTH_MISSING, AUTH_EXPIRED, AUTH_INVALID).
   */
  ready(): Promise<AckResult<SessionInfo>> {
    if (this.session && this.socket.connected) return Promise.resolve({ ok: true, ...this.session });
    return new Promise((resolve) => {
      const done = (res: AckResult<SessionInfo>): void => {
        clearTimeout(timer);
        this.socket.off('session', onSession);
        this.socket.off('connect_error', onError);
        resolve(res);
      };
      const onSession = (session: SessionInfo): void => done({ ok: true, ...session });
      const onError = (error: Error & { data?: { code?: string; message?: string } }): void => {
        const code = (error.data?.code ?? ErrorCode.Unavailable) as ErrorCode;
        done({ ok: false, code, message: error.data?.message ?? error.message });
      };
      const timer = setTimeout(() => done({ ok: false, code: ErrorCode.Timeout, message: `no session within ${this.timeoutMs} ms` }), this.timeoutMs);
      this.socket.on('session', onSession);
      this.socket.on('connect_error', onError);
    });
  }

  /** Joins the mode's queue; the placement comes later as `matched` (see findMatch). */
  quickPlay(mode: string): Promise<AckResult<{ mode: string; waiting: number }>> {
    this.lastMatched = null;
    return this.request(this.acked().emitWithAck('quickplay', { mode }));
  }

  /** Queues and waits for the placement. */
  async findMatch(mode: string, timeoutMs = 60_000): Promise<AckResult<SeatGrant>> {
    const queued = await this.quickPlay(mode);
    if (!queued.ok) return queued;
    return this.waitForMatch(timeoutMs);
  }

  /** The next (or an already received) quick-play placement. */
  waitForMatch(timeoutMs = 60_000): Promise<AckResult<SeatGrant>> {
    if (this.lastMatched) return Promise.resolve({ ok: true, ...this.lastMatched });
    return new Promise((resolve) => {
      const onMatched = (seat: SeatGrant): void => {
        clearTimeout(timer);
        resolve({ ok: true, ...seat });
      };
      const timer = setTimeout(() => {
        this.socket.off('matched', onMatched);
        resolve({ ok: false, code: ErrorCode.Timeout, message: `not placed within ${timeoutMs} ms` });
      }, timeoutMs);
      this.socket.once('matched', onMatched);
    });
  }

  cancelQueue(): Promise<AckResult<{ cancelled: boolean }>> {
    return this.request(this.acked().emitWithAck('quickplay_cancel', {}));
  }

  createPrivate(options: PrivateMatchOptions = {}): Promise<AckResult<SeatGrant>> {
    return this.request(this.acked().emitWithAck('create_private', options));
  }

  joinByCode(code: string): Promise<AckResult<SeatGrant>> {
    return this.request(this.acked().emitWithAck('join_code', { code }));
  }

  /** Takes a free seat in a public match from the list. */
  joinMatch(matchId: string): Promise<AckResult<SeatGrant>> {
    return this.request(this.acked().emitWithAck('join_match', { matchId }));
  }

  leaveMatch(): Promise<AckResult<{ left: boolean }>> {
    return this.request(this.acked().emitWithAck('leave_match', {}));
  }

  /** Gets the public list, then keeps `matches` in sync from live events. */
  async subscribeList(): Promise<AckResult<MatchList>> {
    this.early = [];
    const res = await this.request<MatchList>(this.acked().emitWithAck('list_subscribe', {}));
    const early = this.early ?? [];
    this.early = null;
    if (!res.ok) return res;
    this.matches.clear();
    for (const m of res.matches) this.matches.set(m.matchId, m);
    this.listVersion = res.version;
    for (const event of early) this.apply(event);
    return res;
  }

  async unsubscribeList(): Promise<AckResult> {
    this.listVersion = null;
    return this.request(this.acked().emitWithAck('list_unsubscribe', {}));
  }

  /** The id of the last lobby chat line delivered: pass it as `chatSince` to a later connection. */
  get lastChatId(): number | null {
    return this.chatLines.lastId;
  }

  /** Sends a lobby chat line; the answer carries the text as the others will see it. */
  chat(text: string): Promise<AckResult<{ text: string }>> {
    return this.request(this.acked().emitWithAck('chat', { text }));
  }

  /** Creates a party led by this player; `code` is the invite (`/?party=CODE`). */
  createParty(): Promise<AckResult<PartyInfo>> {
    return this.request(this.acked().emitWithAck('party_create', {}));
  }

  joinParty(code: string): Promise<AckResult<PartyInfo>> {
    return this.request(this.acked().emitWithAck('party_join', { code }));
  }

  leaveParty(): Promise<AckResult<{ left: boolean }>> {
    return this.request(this.acked().emitWithAck('party_leave', {}));
  }

  partyChat(text: string): Promise<AckResult<{ text: string }>> {
    return this.request(this.acked().emitWithAck('party_chat', { text }));
  }

  profile(): Promise<AckResult<PlayerProfile>> {
    return this.request(this.acked().emitWithAck('profile', {}));
  }

  leaderboard(mode: string): Promise<AckResult<Leaderboard>> {
    return this.request(this.acked().emitWithAck('leaderboard', { mode }));
  }

  close(): void {
    this.socket.disconnect();
    // A manager hands the same socket object to the next client on this namespace: leave it clean.
    this.socket.off();
  }

  private onList(event: ListEvent): void {
    if (this.early) this.early.push(event);
    else if (this.listVersion !== null) this.apply(event);
  }

  /** Events at or below the version already held were part of the initial list. */
  private apply(event: ListEvent): void {
    if (this.listVersion === null || event.version <= this.listVersion) return;
    this.listVersion = event.version;
    if (event.type === 'removed') this.matches.delete(event.matchId);
    else this.matches.set(event.match.matchId, event.match);
    this.handlers.list?.([...this.matches.values()], event);
  }

  /** The socket with this client's request timeout (socket.io's `timeout()` flag, per emit). */
  private acked() {
    return this.socket.timeout(this.timeoutMs);
  }

  private request<T extends object>(pending: Promise<AckResult<T>>): Promise<AckResult<T>> {
    return settle(pending, this.timeoutMs);
  }
}
