/**
 * A typed connection to a server's /match namespace: take the seat the lobby reserved (or watch
 * as a spectator), send inputs, receive decoded snapshots, keep the clock in sync. No DOM and no
 * Node-only APIs: the Phaser game and the load-test bots both use it.
 *
 * The server wants the guest token at the handshake: pass `token` (or `socket.auth`). With
 * `autoRejoin`, a connection that drops and comes back takes its seat again by itself (the
 * server holds it for the reconnect grace) and gets a fresh keyframe.
 */
import { io, Manager, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import { ErrorCode, type AckResult, type WireError } from '../protocol/errors.ts';
import type {
  KillcamAnswer,
  KillcamRequest,
  ChatMessage,
  JoinRequest,
  MatchClientEvents,
  MatchInfo,
  MatchResults,
  MatchServerEvents,
  PhaseChange,
  PlayerInfo,
  PresenceChange,
  ServerTick,
} from '../protocol/events.ts';
import { Namespaces } from '../protocol/events.ts';
import type { AnyGame, Command, InputHeader, SnapshotHeader } from '../game/game-definition.ts';
import { compactWireOptions } from '../protocol/wire.ts';
import { ChatCatchUp } from './chat-catch-up.ts';
import { ClockSync } from './clock-sync.ts';
import { authFor, DEFAULT_TRANSPORTS, type TokenSource } from './connection-options.ts';
import { ackFailure, settle } from './lobby-request.ts';
import { isRetryableRefusal, joinSettled, SeatReturn, type ReturnTarget } from './seat-return.ts';
import { findGame, isPending, PendingFrames, type GameSource } from './game-source.ts';
import { SnapshotStream } from './snapshot-stream.ts';

export type MatchSocket = Socket<MatchServerEvents, MatchClientEvents>;

/** Getting the seat back: how long to keep trying while the match is between nodes, and how often. */
const MOVE_TIMEOUT_MS = 15_000;
// Short: a move is announced once the new owner has listed the match (a hand-over's brief gap
// is answered CLUSTER_UNAVAILABLE and retried), and every pause here is a frozen screen. The
// first join still waits it out: when the move comes with a drain, the connection it would go
// on is about to close, and the reconnect's join would race it (seat-return.ts).
const MOVE_RETRY_MS = 150;
/**
 * Frames held while a match's game loads (game-source.ts): ~8 s of snapshots at 30 Hz, a few KB
 * of deltas. Past it the oldest go and decoding starts again at the next keyframe.
 */
const HELD_FRAMES = 256;

export interface MatchConnectionOptions {
  /**
   * The games this client can play (their codecs): a match's snapshots and inputs use its game's,
   * chosen when the join answers with `game`. A list, or a lookup that may load the game on
   * demand: the join then answers once the game is there, and the frames that came meanwhile are
   * decoded in order (game-source.ts).
   */
  games: GameSource;
  /** How many frames to hold while a match's game loads (default HELD_FRAMES). */
  heldFrames?: number;
  /**
   * Guest token from getGuestToken (auth.ts), sent at the handshake; a function is asked at every
   * (re)connect, so a renewed token is the one presented.
   */
  token?: TokenSource;
  /** Share this connection with the player's LobbyClient (createManager in lobby-client.ts). */
  manager?: Manager;
  /** Extra socket.io-client options (auth, transports, reconnection…) when no manager is given. */
  socket?: Partial<ManagerOptions & SocketOptions>;
  /** After a reconnect, join the match joined before (default false: the caller does it). */
  autoRejoin?: boolean;
  /** Acknowledgement timeout for requests (ms). */
  timeoutMs?: number;
  /** The last match chat line this player saw on an earlier connection (`lastChat`), to catch up from on rejoin. */
  chatSince?: { matchId: string; id: number } | null;
  /**
   * The pause before each attempt to follow a moved match (default: MOVE_RETRY_MS on a timer).
   * Tests hold it to choose the moment the attempt goes out.
   */
  moveWait?: (ms: number) => Promise<void>;
  /**
   * With autoRejoin: when the node this connection is on shuts down (NODE_LEAVING), open a new
   * connection and move the seat to it before the old one closes (default true). False: stay,
   * and follow the match when the node closes (MATCH_MOVED, reconnect), as a client that does not
   * know NODE_LEAVING does.
   */
  moveConnection?: boolean;
  /** Skip decoding: count snapshot bytes only (load-test bots in light mode). */
  decode?: boolean;
  now?: () => number;
}

export interface MatchConnectionEvents<S extends SnapshotHeader = SnapshotHeader> {
  snapshot?: (snapshot: S, bytes: number) => void;
  rawSnapshot?: (bytes: Uint8Array) => void;
  roster?: (players: PlayerInfo[]) => void;
  ended?: (results: MatchResults) => void;
  /** waiting → countdown → playing → ended → disposed. */
  phase?: (change: PhaseChange) => void;
  presence?: (change: PresenceChange) => void;
  chat?: (message: ChatMessage) => void;
  /** Once a second while the match ticks: how long its ticks took on the server. */
  serverTick?: (tick: ServerTick) => void;
  /**
   * With autoRejoin: the answer to the automatic join after a reconnect or a move, once per
   * return. A failure means the server holds no seat for this guest any more (asked before
   * giving up), or could not be reached in time.
   */
  rejoined?: (res: AckResult<MatchInfo>) => void;
  protocolError?: (error: WireError) => void;
  disconnect?: (reason: string) => void;
}

export class MatchConnection<S extends SnapshotHeader = SnapshotHeader, I extends InputHeader = InputHeader, Setup = unknown> {
  /** The connection in use; a new one after the node it was on shut down (NODE_LEAVING). */
  private current: MatchSocket;
  /** The connection being replaced while a new one takes the seat over (see relocate). */
  private leaving: MatchSocket | null = null;
  /**
   * A move that gave up without a clear answer (its join timed out or stayed refused "not now"):
   * the node may still seat the connection it opened, which is closed by then, and tell the one
   * kept SESSION_REPLACED. Until `until`, that notice on `kept` means "take the seat back".
   */
  private unsettledMove: { kept: MatchSocket; until: number } | null = null;
  private readonly url: string;
  private readonly managerOptions: Partial<ManagerOptions>;
  private readonly auth: SocketOptions['auth'] | undefined;
  readonly clock = new ClockSync();
  /** The match's snapshots, decoded with its game's codec; null before the first join. */
  snapshots: SnapshotStream<S> | null = null;
  /** The game of the match joined (its codecs, its bot); null before the first join. */
  game: AnyGame | null = null;
  info: MatchInfo<Setup> | null = null;
  private readonly games: GameSource;
  private readonly heldFrames: number;
  /** The match's frames that came while its game was loading; null when none is loading. */
  private held: PendingFrames | null = null;
  /** Counts entries into a match (and leaves): an answer for an older one changes nothing. */
  private entries = 0;
  /** Decodes one frame of the match and hands the snapshot to the `snapshot` handler. */
  private readonly decode: (frame: Uint8Array) => void;
  private seq = 0;
  /** What to join again after a reconnect or a move (autoRejoin). */
  private rejoin: ReturnTarget | null = null;
  private readonly timeoutMs: number;
  private readonly now: () => number;
  private readonly wait: (ms: number) => Promise<void>;
  private readonly seatReturn: SeatReturn<AckResult<MatchInfo<Setup>>>;
  /** Match chat, each line once and in order across drops, and the match it is about. */
  private readonly chatLines: ChatCatchUp;
  private chatMatch: string | null;
  /** The player wants the match's tick time (the net graph is open): asked again on every join. */
  private serverTickWanted = false;

  constructor(url: string, handlers: MatchConnectionEvents<S>, opts: MatchConnectionOptions) {
    this.games = opts.games;
    this.heldFrames = opts.heldFrames ?? HELD_FRAMES;
    this.decode = (frame) => {
      if (!this.snapshots) return;
      const result = this.snapshots.apply(frame);
      if (result.ok) handlers.snapshot?.(result.value, frame.length);
    };
    this.timeoutMs = opts.timeoutMs ?? 5000;
    this.chatLines = new ChatCatchUp((message) => handlers.chat?.(message), opts.chatSince?.id ?? null);
    this.chatMatch = opts.chatSince?.matchId ?? null;
    this.now = opts.now ?? (() => performance.timeOrigin + performance.now());
    this.wait = opts.moveWait ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.seatReturn = new SeatReturn(
      {
        join: (target) => (target === null ? this.join() : target.role === 'spectator' ? this.spectate(target.matchId) : this.join(target.matchId)),
        connection: () => (this.socket.connected ? this.socket.id : undefined),
        wanted: (target) => this.rejoin?.matchId === target.matchId && this.rejoin.role === target.role,
        wait: this.wait,
        now: this.now,
      },
      { retryMs: MOVE_RETRY_MS, giveUpAfterMs: MOVE_TIMEOUT_MS },
    );
    const auth = opts.token === undefined ? undefined : authFor(opts.token);
    this.url = url;
    this.auth = auth;
    const own = compactWireOptions({ transports: [...DEFAULT_TRANSPORTS], ...opts.socket });
    this.managerOptions = opts.manager ? { ...opts.manager.opts } : own;
    this.current = (
      opts.manager ? opts.manager.socket(Namespaces.match, auth ? { auth } : {}) : io(new URL(Namespaces.match, url).toString(), { ...own, ...(auth ? { auth } : {}) })
    ) as MatchSocket;
    this.wire(this.current, handlers, opts);
  }

  /** The connection in use (a new one after a move off a node that shut down). */
  get socket(): MatchSocket {
    return this.current;
  }

  /** Every event of `socket` goes to the handlers while it is the connection in use. */
  private wire(socket: MatchSocket, handlers: MatchConnectionEvents<S>, opts: MatchConnectionOptions): void {
    const decode = opts.decode ?? true;
    const mine = (): boolean => socket === this.current;
    socket.on('snapshot', (bytes) => {
      if (!mine()) return;
      const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes as ArrayBuffer);
      handlers.rawSnapshot?.(view);
      if (!decode) return;
      if (this.held) this.held.push(view);
      else this.decode(view);
    });
    socket.on('roster', (players) => mine() && handlers.roster?.(players));
    socket.on('ended', (results) => mine() && handlers.ended?.(results));
    socket.on('phase', (change) => {
      if (!mine()) return;
      if (change.state === 'disposed' || change.state === 'ended') this.rejoin = null;
      handlers.phase?.(change);
    });
    socket.on('presence', (change) => mine() && handlers.presence?.(change));
    socket.on('chat', (message) => mine() && this.chatLines.live(message));
    socket.on('server_tick', (tick) => mine() && handlers.serverTick?.(tick));
    socket.on('protocol_error', (error) => {
      // The new connection took the seat over: the old one's last word is expected, not news.
      if (socket === this.leaving && error.code === ErrorCode.SessionReplaced) return;
      if (!mine()) return;
      // The move given up on took the seat after all, on the connection it closed: take it back.
      if (error.code === ErrorCode.SessionReplaced && this.unsettledMove?.kept === socket && this.now() < this.unsettledMove.until && opts.autoRejoin && this.rejoin) {
        this.unsettledMove = null;
        this.takeSeatBack(this.rejoin, 'moved', handlers);
        return;
      }
      // The node is shutting down: move to a new connection before this one closes.
      if (error.code === ErrorCode.NodeLeaving && opts.autoRejoin && opts.moveConnection !== false && this.rejoin?.role === 'player') {
        void this.relocate(handlers, opts);
        return;
      }
      handlers.protocolError?.(error);
      // The match moved to another node (its owner died or shut down): join it again there.
      if (error.code === ErrorCode.MatchMoved && opts.autoRejoin && this.rejoin) this.takeSeatBack(this.rejoin, 'moved', handlers);
    });
    socket.on('disconnect', (reason) => mine() && socket !== this.leaving && handlers.disconnect?.(reason));
    if (opts.autoRejoin) {
      socket.on('connect', () => {
        if (mine() && this.rejoin) this.takeSeatBack(this.rejoin, 'reconnected', handlers);
      });
    }
  }

  /**
   * NODE_LEAVING: the node this connection is on shuts down. A second connection, through the same
   * address (a front or balancer sends it to another node), joins the match with the same token,
   * which takes the seat over; the old connection keeps the match coming until then, and is
   * closed after. If the new one cannot take the seat, the old one goes on, and its match is
   * followed the usual way (MATCH_MOVED, reconnect) when the node closes.
   */
  private async relocate(handlers: MatchConnectionEvents<S>, opts: MatchConnectionOptions): Promise<void> {
    const target = this.rejoin;
    if (this.leaving || !target) return;
    const old = this.current;
    this.leaving = old;
    // A connection of its own: a shared manager's connection is the one on the leaving node. No
    // route hint: it may name the leaving node itself (its match is handed over after its players
    // moved), and the join answer names the node to ask for next.
    const manager = new Manager(this.url, { ...this.managerOptions, query: withoutRouteHint(this.managerOptions.query), reconnection: false, forceNew: true });
    const next = manager.socket(Namespaces.match, this.auth ? { auth: this.auth } : {}) as MatchSocket;
    let moved = false;
    const stillWanted = (): boolean => this.rejoin?.matchId === target.matchId && this.current === old;
    try {
      // (A balancer that has not noticed the drain yet may send it to the leaving node again: it
      // takes the seat there too, and the match is followed the usual way when that node closes.)
      // "Not now" (the match between owners, Redis away for a moment) is asked again here: the
      // old connection keeps the match coming meanwhile, and the player sees nothing of it.
      const res = await joinSettled(
        () => settle<MatchInfo<Setup>>(next.timeout(this.timeoutMs).emitWithAck('join', { matchId: target.matchId }), this.timeoutMs),
        { wait: this.wait, now: this.now, stillOn: () => next.connected && stillWanted() },
        { retryMs: MOVE_RETRY_MS, giveUpAfterMs: MOVE_TIMEOUT_MS },
      );
      if (!res.ok && isRetryableRefusal(res.code)) this.unsettledMove = { kept: old, until: this.now() + 2 * this.timeoutMs };
      if (!res.ok || !stillWanted()) return;
      this.current = next;
      this.wire(next, handlers, opts);
      await this.entered(res);
      // From now on it reconnects by itself like any connection.
      manager.reconnection(true);
      moved = true;
      old.disconnect();
    } finally {
      this.leaving = null;
      if (!moved) {
        next.disconnect();
        // The seat was taken over and the answer lost: the old connection is gone, get back the usual way.
        if (!old.connected && this.current === old && this.rejoin) this.takeSeatBack(this.rejoin, 'reconnected', handlers);
      }
    }
  }

  /**
   * The node that runs the match, named in every later connection's URL (`?node=…`): a front
   * (scripts/front, deploy/nginx.conf) sends a new connection there while that node takes new
   * ones, so after a drop or a move this player's traffic is not relayed between nodes. A node
   * ignores the parameter; a front that does not know the node routes as it always does.
   */
  private routeTo(node: string): void {
    setRouteHint(this.current.io.opts, node);
    setRouteHint(this.managerOptions, node);
  }

  /** One attempt at a time for both triggers (seat-return.ts says why); it reports once. */
  private takeSeatBack(target: ReturnTarget, why: 'moved' | 'reconnected', handlers: MatchConnectionEvents<S>): void {
    void this.seatReturn.start(target, why).then((res) => res && handlers.rejoined?.(res));
  }

  connected(): Promise<void> {
    if (this.socket.connected) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.socket.once('connect', () => resolve());
      this.socket.once('connect_error', (e) => reject(e));
    });
  }

  /**
   * Takes this player's seat in a match the lobby placed it in: `join(matchId)`, or `join()` for
   * wherever it holds a seat (the way back after a reload). Also the way back after a drop.
   */
  async join(target?: string | JoinRequest): Promise<AckResult<MatchInfo<Setup>>> {
    const req: JoinRequest = typeof target === 'string' ? { matchId: target } : (target ?? {});
    return this.entered(await settle<MatchInfo<Setup>>(this.acked().emitWithAck('join', req), this.timeoutMs));
  }

  /**
   * `join`, with the refusals that only mean "not now" (CLUSTER_UNAVAILABLE while the match moves
   * between nodes or Redis is away for a moment, TIMEOUT) asked again inside the SDK, every
   * MOVE_RETRY_MS for up to MOVE_TIMEOUT_MS, while this connection stays up: the answer is the
   * seat or a refusal that stands. PlayerClient enters and returns this way, so a page shows its
   * reconnect state through a move, never an error.
   */
  joinSettled(target?: string | JoinRequest): Promise<AckResult<MatchInfo<Setup>>> {
    const socket = this.current;
    return joinSettled(() => this.join(target), { wait: this.wait, now: this.now, stillOn: () => socket === this.current && socket.connected }, { retryMs: MOVE_RETRY_MS, giveUpAfterMs: MOVE_TIMEOUT_MS });
  }

  /** Watches a public match: snapshots and room events; inputs are refused. */
  async spectate(matchId: string): Promise<AckResult<MatchInfo<Setup>>> {
    return this.entered(await settle<MatchInfo<Setup>>(this.acked().emitWithAck('spectate', { matchId }), this.timeoutMs));
  }

  /** Gives up the seat for good (closing the connection instead keeps it for the grace period). */
  leave(): Promise<AckResult> {
    this.rejoin = null;
    this.info = null;
    // A game still loading for the match left is no longer wanted.
    this.entries += 1;
    this.held = null;
    return settle(this.acked().emitWithAck('leave'), this.timeoutMs);
  }

  /** Private match creator: start without waiting for the match to fill. */
  start(): Promise<AckResult> {
    return settle(this.acked().emitWithAck('start'), this.timeoutMs);
  }

  /** The match and id of the last match chat line delivered: pass it as `chatSince` to a later connection. */
  get lastChat(): { matchId: string; id: number } | null {
    return this.chatMatch !== null && this.chatLines.lastId !== null ? { matchId: this.chatMatch, id: this.chatLines.lastId } : null;
  }

  /**
   * Starts or stops `server_tick` (the `serverTick` handler) for this player: in the match now and
   * in the next ones, across reconnects. Nothing is sent for it while nobody looks.
   */
  watchServerTick(on: boolean): Promise<AckResult> {
    this.serverTickWanted = on;
    if (!this.socket.connected) return Promise.resolve({ ok: true });
    return settle(this.acked().emitWithAck('net_graph', { on }), this.timeoutMs);
  }

  /**
   * The killcam of this player's death (shared/replay/killcam.ts has the file). The bytes come as
   * a Uint8Array whatever the wire format (socket.io's default parser hands binary to a browser
   * as an ArrayBuffer).
   */
  async killcam(req: KillcamRequest = {}): Promise<AckResult<KillcamAnswer>> {
    const answer = settle<{ raw: unknown }>(
      this.acked()
        .emitWithAck('killcam', req)
        .then((raw: unknown): AckResult<{ raw: unknown }> => (raw instanceof Uint8Array || raw instanceof ArrayBuffer ? { ok: true, raw } : (raw as AckResult<{ raw: unknown }>))),
      this.timeoutMs,
    );
    const res = await answer;
    if (!res.ok) return res;
    const bytes = res.raw instanceof Uint8Array ? res.raw : res.raw instanceof ArrayBuffer ? new Uint8Array(res.raw) : null;
    if (!bytes) return { ok: false, code: ErrorCode.BadRequest, message: 'the server answered a killcam that is not binary' };
    return { ok: true, killcam: bytes };
  }

  /** Match chat; the answer carries the text as the others will see it. */
  chat(text: string): Promise<AckResult<{ text: string }>> {
    return settle(this.acked().emitWithAck('chat', { text }), this.timeoutMs);
  }

  private entered(res: AckResult<MatchInfo<Setup>>): AckResult<MatchInfo<Setup>> | Promise<AckResult<MatchInfo<Setup>>> {
    if (!res.ok) return res;
    const found = findGame(this.games, res.game);
    if (!isPending(found)) {
      if (!found) return this.cannotPlay(res, ErrorCode.UnknownGame, `this client cannot play ${JSON.stringify(res.game)}`);
      this.seated(res);
      this.decodeWith(found);
      return res;
    }
    // The game's module is on its way: be in the match now (a drop meanwhile takes the seat
    // back, a leave gives it up), and hold its frames until the game can decode them.
    const entry = this.seated(res);
    this.game = null;
    this.snapshots = null;
    const held = new PendingFrames(this.heldFrames);
    this.held = held;
    return Promise.resolve(found).then(
      (game) => {
        if (entry !== this.entries) return res; // left, or in another match since: not this one's to set up
        if (!game) return this.cannotPlay(res, ErrorCode.UnknownGame, `this client cannot play ${JSON.stringify(res.game)}`);
        this.decodeWith(game);
        // Decoded after the caller has heard the join's answer (its continuation runs first, as
        // a live frame's would), in arrival order: frames coming meanwhile join the same queue.
        setTimeout(() => {
          if (this.held !== held) return;
          this.held = null;
          for (const frame of held.take()) this.decode(frame);
        }, 0);
        return res;
      },
      (error: unknown) => {
        if (entry !== this.entries) return res;
        const why = error instanceof Error ? error.message : String(error);
        return this.cannotPlay(res, ErrorCode.GameLoadFailed, `the game ${JSON.stringify(res.game)} could not be loaded: ${why}`);
      },
    );
  }

  /** In the match `res` names: what to rejoin, where to route, its chat. Returns the entry's number. */
  private seated(res: MatchInfo<Setup> & { ok: true }): number {
    this.entries += 1;
    this.held = null;
    this.info = res;
    this.rejoin = { matchId: res.matchId, role: res.role };
    if (typeof res.node === 'string') this.routeTo(res.node);
    // Back in the same match: the lines sent meanwhile; a new match: its starting point.
    if (this.chatMatch !== res.matchId) this.chatLines.reset();
    this.chatMatch = res.matchId;
    void this.chatLines.connected((after) => settle(this.acked().emitWithAck('chat_missed', { after }), this.timeoutMs));
    // A new connection starts without the tick time: ask again (the same connection: no change).
    if (this.serverTickWanted) void settle(this.acked().emitWithAck('net_graph', { on: true }), this.timeoutMs);
    return this.entries;
  }

  private decodeWith(game: AnyGame): void {
    // The server starts this connection with a keyframe: never apply it to an old base.
    if (this.game !== game || !this.snapshots) this.snapshots = new SnapshotStream<S>(game.snapshotCodec);
    else this.snapshots.reset();
    this.game = game;
  }

  /**
   * Joined on the server, but this client cannot decode the game: give the seat back cleanly. The
   * refusal names the game in `game` too, for a client that says which in its own words.
   */
  private cannotPlay(res: MatchInfo<Setup>, code: ErrorCode, message: string): AckResult<MatchInfo<Setup>> {
    void this.leave();
    return Object.assign({ ok: false as const, code, message }, { game: res.game });
  }

  /** One clock-sync round trip; returns the sample's RTT in ms. */
  async syncClock(): Promise<number> {
    const sentAt = this.now();
    let serverTime: number;
    try {
      serverTime = (await this.acked().emitWithAck('clock')) as number;
    } catch (error) {
      // A clock sample is no AckResult: callers catch this and skip the sample.
      throw new Error(`clock sync failed: ${ackFailure(error, this.timeoutMs).message}`);
    }
    return this.clock.add(sentAt, serverTime, this.now()).rtt;
  }

  /**
   * Sends one input of the match's game with the next sequence number; returns that number, or
   * null before a match was joined. `clientTick`: the server tick on screen (lag compensation).
   */
  sendInput(input: Command<I> & { clientTick: number }): number | null {
    if (!this.game) return null;
    this.seq += 1;
    this.socket.emit('input', this.game.inputCodec.encode({ ...input, seq: this.seq }));
    return this.seq;
  }

  close(): void {
    this.socket.disconnect();
    // A manager hands the same socket object to the next client on this namespace: leave it clean.
    this.socket.off();
  }

  /** The socket with this connection's request timeout (socket.io's `timeout()` flag, per emit). */
  private acked() {
    return this.socket.timeout(this.timeoutMs);
  }
}

/** The query parameter that names a connection's preferred node (see MatchConnection.routeTo). */
export const ROUTE_HINT_PARAM = 'node';

/**
 * Names `node` in the query of every connection these options open from now on (socket.io-client
 * builds each new engine's URL from `opts.query`, so a reconnect carries it). A new object: the
 * caller's own query object is left as it was.
 */
export function setRouteHint(opts: { query?: unknown }, node: string): void {
  const before: Record<string, string> =
    typeof opts.query === 'string'
      ? Object.fromEntries(new URLSearchParams(opts.query))
      : typeof opts.query === 'object' && opts.query !== null
        ? (opts.query as Record<string, string>)
        : {};
  opts.query = { ...before, [ROUTE_HINT_PARAM]: node };
}

/** The query without the route hint (a copy; undefined when nothing else is left). */
function withoutRouteHint(query: unknown): Record<string, string> | undefined {
  if (typeof query !== 'object' || query === null) return typeof query === 'string' ? withoutRouteHint(Object.fromEntries(new URLSearchParams(query))) : undefined;
  const { [ROUTE_HINT_PARAM]: _hint, ...rest } = query as Record<string, string>;
  return Object.keys(rest).length > 0 ? rest : undefined;
}
