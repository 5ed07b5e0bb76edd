/**
 * One bot: a real socket.io-client player built on the client SDK's PlayerClient. It gets an
 * identity, takes a seat, plays its game's own bot (the same one the server's bots use, with
 * 'eager' sight), sends one input per server tick through the SDK's input loop, re-queues when
 * its match ends, reconnects when dropped, and measures what a player feels: snapshot gaps,
 * round trip, input-to-acknowledgement time, bytes on the wire. It plays any game the server
 * runs: `--mode` picks the game.
 *
 * Failover (several --url, the nodes of one cluster): a bot that cannot get back to its node
 * (its first connect error after the node dropped it: a node that was up and now refuses
 * connections has died, as a front would see it; connect errors for FAILOVER_AFTER_MS to a node
 * it never reached; or the node refuses it: SERVER_DRAINING) closes its
 * client and opens a new one on the next URL with the same guest token, then joins again with
 * `join {}`, which finds the seat the cluster kept for it. A bot whose match moved to another
 * node (MATCH_MOVED) joins again the same way on its own node. Both count in the report's
 * `failover` (failover-stats.ts).
 *
 * Full bots decode every snapshot (and so see everybody, acknowledge their inputs and aim at
 * real targets). Light bots only peek at snapshot headers and decode the keyframe the server
 * sends once a second: enough to steer and to know the tick, at a fraction of the CPU, so one
 * load-generator core can drive thousands of them.
 */
import * as defaultParser from 'socket.io-parser';
import { InputAckTracker } from '../shared/client/input-ack-tracker.ts';
import { InputLoop } from '../shared/client/input-loop.ts';
import type { GuestSession } from '../shared/client/auth.ts';
import { PlayerClient, type PlayerClientOptions } from '../shared/client/player-client.ts';
import { isRetryableRefusal } from '../shared/client/seat-return.ts';
import { SnapshotStream } from '../shared/client/snapshot-stream.ts';
import type { AnyGame, GameBot, InputHeader, SnapshotHeader } from '../shared/game/game-definition.ts';
import { GAMES } from '../shared/games/index.ts';
import { ErrorCode, type WireError } from '../shared/protocol/errors.ts';
import type { MatchInfo, MatchResults } from '../shared/protocol/events.ts';
import type { DropCause } from './failover-stats.ts';
import { NodeWireMeter } from './node-wire-meter.ts';
import { BotSkill } from './bot-skill.ts';
import type { BotInternals } from './internals/bot-internals.ts';
import { RawMatchFrames } from './raw-match-frames.ts';
import type { RunStats } from './run-stats.ts';
import type { TimerHandle, TimerQueue } from './timer-queue.ts';

/**
 * binary: the compact wire the SDK asks for (one frame per snapshot); standard: socket.io's default
 * parser against the same server (placeholder plus attachment, what a third-party client gets);
 * json: the plain-JSON baseline server (WIRE_FORMAT=json).
 */
export type WireFormat = 'binary' | 'standard' | 'json';
/** What the bot's game bot is asked to do; a game that does not know a behaviour plays 'play'. */
export const BOT_BEHAVIOURS = ['play', 'wander', 'idle'] as const;
export type BotBehaviour = (typeof BOT_BEHAVIOURS)[number];

export interface BotConfig {
  index: number;
  /** The node this bot starts on. */
  url: string;
  /** Every node of the cluster, in order: where a bot goes when its node is gone (the next one). */
  urls: readonly string[];
  nickname: string;
  seed: number;
  behaviour: BotBehaviour;
  wire: WireFormat;
  /** Decode every snapshot (full bot) or only keyframes (light bot). */
  decodeAll: boolean;
  mode: string;
  pingIntervalMs: number;
  requestTimeoutMs: number;
  /** 0..1, default 1: how late it reacts and how badly it aims (bot-skill.ts). */
  skill?: number;
}

export interface BotDeps {
  stats: RunStats;
  /** Which shortcuts past ws, engine.io-client and Node the bots may take (checked at start). */
  internals: BotInternals;
  timers: TimerQueue;
  now: () => number;
}

type Phase = 'idle' | 'connecting' | 'entering' | 'playing' | 'between' | 'stopped';

const RETRY_MS = 1000;
/** How long a bot keeps failing to reach its node before it moves to the next URL. */
export const FAILOVER_AFTER_MS = 2000;
/** How long a bot told NODE_LEAVING keeps trying to open its connection elsewhere (the node waits 2 s). */
const RELOCATE_TRIES_MS = 1_800;
/** Quick play waits at most this long for a placement before queueing again. */
const QUEUE_TIMEOUT_MS = 60_000;

/** The state of the match being played: made on join, dropped when it ends. */
interface Playing {
  info: MatchInfo;
  game: AnyGame;
  bot: GameBot<SnapshotHeader, InputHeader>;
  stream: SnapshotStream;
  loop: InputLoop<object, TimerHandle>;
  /** The snapshot the bot reacts to: the newest it could read (light bots: the last keyframe), made older by a low skill. */
  view: SnapshotHeader | null;
  skill: BotSkill<SnapshotHeader>;
  /** The newest tick known (light bots count deltas after a keyframe). */
  tick: number | null;
  /** Light bots number their own inputs (they write them past socket.io-client); from 1 per join, as the SDK does. */
  seq: number;
}

export class Bot {
  readonly meter = new NodeWireMeter();
  /** Snapshots received during the measured window (for the per-bot rate). */
  windowSnapshots = 0;
  everConnected = false;
  /** True once the bot has had an input acknowledged: it really played. */
  played = false;
  private phase: Phase = 'idle';
  private client: PlayerClient | null = null;
  /** Light bots: snapshots in and inputs out straight on the WebSocket (raw-match-frames.ts). */
  private raw: RawMatchFrames | null = null;
  private playing: Playing | null = null;
  private readonly acks = new InputAckTracker();
  /** Input-loop skips already reported. */
  private skipsSeen = 0;
  private lastSnapshotAt: number | null = null;
  /** Put out of its match since its last snapshot: the next one ends the gap the player saw. */
  private awaitsSnapshotAfterDrop = false;
  /** This node dropped the bot's connection and the bot has not been connected since. */
  private droppedByNode = false;
  private pingTimer: TimerHandle | null = null;
  private retryTimer: TimerHandle | null = null;
  /** The node this bot talks to now. */
  private url: string;
  /** The guest identity, kept when the bot moves to another node: the cluster holds its seat. */
  private guest: GuestSession | null = null;
  /** The node that runs the bot's match (its last join answer): a new client asks the front for it. */
  private matchNode: string | undefined;
  /** Since when the bot has failed to reach its node (null: it is connected), and how often. */
  private unreachableSince: number | null = null;
  private connectErrors = 0;
  private failoverTimer: TimerHandle | null = null;
  /** The client being replaced while the bot moves its connection off a leaving node (relocate). */
  private relocating: PlayerClient | null = null;
  /**
   * A move given up without a clear answer (its join stayed "not now" or timed out): until then, a
   * SESSION_REPLACED on the client kept is that join seating the closed client after all, and the
   * bot takes its seat back as it would after MATCH_MOVED.
   */
  private moveUnsettledUntil = 0;
  /** Entries started (see enter): only the newest one's answer counts. */
  private entries = 0;

  constructor(
    readonly config: BotConfig,
    private readonly deps: BotDeps,
  ) {
    this.url = config.url;
  }

  get connected(): boolean {
    return this.client?.match.socket.connected ?? false;
  }

  get inMatch(): boolean {
    return this.phase === 'playing';
  }

  start(): void {
    if (this.phase !== 'idle') return;
    this.phase = 'connecting';
    void this.connect();
  }

  /** Closes the socket; nothing this bot does afterwards is counted. */
  stop(): void {
    this.phase = 'stopped';
    const { timers } = this.deps;
    this.stopPlaying();
    timers.cancel(this.pingTimer);
    timers.cancel(this.retryTimer);
    timers.cancel(this.failoverTimer);
    this.client?.close();
  }

  /**
   * The client options; every handler answers only while `current()` (the client they belong to
   * is the bot's): a bot moving its connection has two for a moment, and the old one's last
   * words (SESSION_REPLACED, its disconnect) are not the bot's news.
   */
  private clientOptions(current: () => boolean): PlayerClientOptions {
    const config = this.config;
    const stats = this.deps.stats;
    const json = config.wire === 'json';
    const defaultParserWire = config.wire !== 'binary';
    return {
      url: this.url,
      nickname: config.nickname,
      ...(this.matchNode !== undefined && { node: this.matchNode }),
      games: GAMES,
      timeoutMs: config.requestTimeoutMs,
      decode: false,
      autoRejoin: false,
      // Straight to WebSocket: the bots measure WebSocket frames (node-wire-meter.ts), and the
      // SDK's default would open every connection on long-polling first.
      transports: ['websocket'],
      connection: {
        // A player whose node died should be back within a second: the first retry comes soon.
        reconnectionDelay: 250,
        reconnectionDelayMax: 5000,
        randomizationFactor: 0.5,
        timeout: config.requestTimeoutMs,
        ...(defaultParserWire ? { parser: defaultParser } : {}),
      },
      match: {
        rawSnapshot: json ? undefined : (bytes) => current() && this.onBinarySnapshot(bytes),
        ended: (results) => current() && this.onEnded(results),
        protocolError: (e) => current() && this.onProtocolError(e),
        disconnect: (reason) => current() && this.onDisconnect(reason),
      },
      tokenRenewed: (guest) => current() && (this.guest = guest),
      tokenRenewalFailed: (e) => current() && stats.error(`guest:${e.code}`, `could not renew the guest token: ${e.message}`),
    };
  }

  private async connect(): Promise<void> {
    const stats = this.deps.stats;
    let mine: PlayerClient | null = null;
    const options = this.clientOptions(() => mine !== null && this.client === mine);
    // On another node after a failover: the same guest, so `join {}` finds the seat it held.
    const opened = this.guest ? await PlayerClient.resume(options, this.guest) : await PlayerClient.connect(options);
    if (this.phase === 'stopped') {
      if (opened.ok) opened.value.close();
      return;
    }
    if (!opened.ok) {
      const what = this.guest || opened.code.startsWith('AUTH_') || opened.code === 'TIMEOUT' ? 'connect' : 'guest';
      stats.error(`${what}:${opened.code}`, `could not join the lobby: ${opened.message}`);
      this.unreachable();
      if (this.shouldMove(opened.code)) this.moveToNextUrl();
      this.retryTimer = this.deps.timers.after(RETRY_MS * (1 + Math.random()), () => void this.connect());
      return;
    }
    const client = (mine = opened.value);
    this.use(client);
    if (client.match.socket.connected) this.onConnect();
  }

  /** Makes `client` the bot's: its meter, its raw frames, its connection's events. */
  private use(client: PlayerClient): void {
    const config = this.config;
    const stats = this.deps.stats;
    const json = config.wire === 'json';
    const defaultParserWire = config.wire !== 'binary';
    this.client = client;
    this.guest = client.guest;
    this.meter.attach(client.manager);
    const current = (): boolean => this.client === client;
    this.raw =
      !config.decodeAll && !defaultParserWire
        ? new RawMatchFrames(
            client.manager,
            (bytes) => {
              if (!current()) return;
              // Read off the TCP socket, these frames never reach ws's 'message' event, where the meter counts.
              if (this.raw?.onTcp) this.meter.framesIn += 1;
              this.onBinarySnapshot(bytes);
            },
            this.deps.internals,
          )
        : null;
    const socket = client.match.socket;
    if (json) (socket as unknown as { on(ev: 'snapshot', fn: (s: unknown) => void): void }).on('snapshot', (s) => current() && this.onJsonSnapshot(s));
    socket.on('connect', () => current() && this.onConnect());
    // A refused token is renewed by the PlayerClient; the bot only counts the refusal.
    socket.on('connect_error', (e: Error & { data?: { code?: string } }) => {
      if (this.phase === 'stopped' || !current()) return;
      const code = e.data?.code;
      stats.error(code ? `connect:${code}` : 'connect', `connect failed: ${code ? `${code} ` : ''}${e.message}`);
      if (code?.startsWith('AUTH_')) return;
      this.unreachable();
      if (this.shouldMove(code)) this.failover();
    });
  }

  /**
   * Its node is shutting down (NODE_LEAVING): a second client, through the same URL (the front
   * sends it to another node), takes the seat over; the old one keeps bringing the match until
   * then, and is closed after. The gap the player sees is the old connection's last snapshot to
   * the new one's first. Should the move fail, the bot stays on the old connection and follows
   * its match the usual way when the node closes.
   */
  private async relocate(): Promise<void> {
    const old = this.client;
    if (!old || this.relocating !== null || this.phase === 'stopped') return;
    this.relocating = old;
    // No route hint: it may name the leaving node (its match moves after its players did).
    this.matchNode = undefined;
    const stats = this.deps.stats;
    let next: PlayerClient | null = null;
    try {
      // Behind a balancer that has not noticed the drain yet, the new connection may land on the
      // leaving node again, which refuses it (SERVER_DRAINING): ask again while the node waits.
      const until = this.deps.now() + RELOCATE_TRIES_MS;
      let opened = await PlayerClient.resume(this.clientOptions(() => next !== null && this.client === next), this.guest ?? old.guest);
      while (!opened.ok && opened.code === ErrorCode.ServerDraining && this.deps.now() < until && this.client === old && (this.phase as Phase) !== 'stopped') {
        await new Promise<void>((r) => this.deps.timers.after(150, r));
        opened = await PlayerClient.resume(this.clientOptions(() => next !== null && this.client === next), this.guest ?? old.guest);
      }
      if (!opened.ok) return stats.error(`relocate:${opened.code}`, `could not open a connection to another node: ${opened.message}`);
      next = opened.value;
      if ((this.phase as Phase) === 'stopped' || this.client !== old) return next.close();
      // Wherever this guest holds a seat: the old connection's match, on whichever node owns it now.
      // "Not now" answers are asked again inside the SDK while the old connection plays on.
      const res = await next.match.joinSettled();
      if ((this.phase as Phase) === 'stopped' || this.client !== old) return next.close();
      if (!res.ok) {
        next.close();
        if (isRetryableRefusal(res.code)) this.moveUnsettledUntil = this.deps.now() + 2 * this.config.requestTimeoutMs;
        // No seat to take over (the match ended meanwhile): the old connection goes on as it was.
        if (res.code !== ErrorCode.NoSeat) stats.error(`relocate:${res.code}`, res.message);
        return;
      }
      if (this.phase === 'playing') this.dropped('relocated');
      this.entries += 1; // an entry under way on the old connection is stale now
      this.deps.timers.cancel(this.retryTimer);
      this.use(next);
      old.close();
      this.startPlaying(res, next);
    } finally {
      this.relocating = null;
      // The old connection lost its seat (or its node) while the move failed: back the usual way.
      if (this.client === old && old && !old.match.socket.connected && (this.phase as Phase) !== 'stopped') this.failover();
    }
  }

  /** One more failed attempt to reach the node. */
  private unreachable(): void {
    this.unreachableSince ??= this.deps.now();
    this.connectErrors += 1;
  }

  /**
   * Time to give up on this node: it refused the bot, it dropped the bot and now refuses
   * connections (it died: any node of the cluster takes the bot, so waiting costs the player
   * and gains nothing), or it has not answered for FAILOVER_AFTER_MS.
   */
  private shouldMove(code: string | undefined): boolean {
    if (this.config.urls.length < 2) return false;
    if (code === ErrorCode.ServerDraining) return true;
    if (this.droppedByNode && code === undefined) return true;
    return this.unreachableSince !== null && this.deps.now() - this.unreachableSince >= FAILOVER_AFTER_MS;
  }

  /** socket.io retries with a growing delay; this checks on time whether the node answered meanwhile. */
  private armFailoverCheck(): void {
    if (this.config.urls.length < 2) return;
    this.deps.timers.cancel(this.failoverTimer);
    this.failoverTimer = this.deps.timers.after(FAILOVER_AFTER_MS, () => {
      this.failoverTimer = null;
      if (this.phase === 'stopped' || this.connected) return;
      // Errors all along: the node is gone. None yet (an attempt still under way): the next error decides.
      if (this.connectErrors > 0) this.failover();
    });
  }

  /** Gives up on this node: the same guest opens a new client on the next URL and joins again there. */
  private failover(): void {
    if (this.phase === 'stopped' || this.config.urls.length < 2) return;
    const timers = this.deps.timers;
    timers.cancel(this.failoverTimer);
    timers.cancel(this.retryTimer);
    timers.cancel(this.pingTimer);
    this.stopPlaying();
    this.phase = 'connecting';
    const old = this.client;
    this.client = null;
    if (old) {
      this.guest = old.guest;
      old.close();
    }
    this.moveToNextUrl();
    void this.connect();
  }

  private moveToNextUrl(): void {
    const urls = this.config.urls;
    this.url = urls[(urls.indexOf(this.url) + 1) % urls.length]!;
    this.deps.stats.urlSwitched();
    // The next node gets its own FAILOVER_AFTER_MS.
    this.unreachableSince = this.deps.now();
    this.connectErrors = 0;
    this.droppedByNode = false;
  }

  private onConnect(): void {
    if (this.phase === 'stopped') return;
    this.unreachableSince = null;
    this.connectErrors = 0;
    this.droppedByNode = false;
    this.deps.timers.cancel(this.failoverTimer);
    if (this.everConnected) this.deps.stats.reconnect();
    this.everConnected = true;
    this.schedulePing(Math.random() * this.config.pingIntervalMs);
    void this.enter();
  }

  /**
   * Into a match: back to the seat the server holds, or quick play. One entry at a time: the
   * reconnect, MATCH_MOVED and a retry can all ask, and a second join for the seat just taken
   * would only be refused. An entry overtaken by a newer one (made after a reconnect) is ignored.
   */
  private async enter(): Promise<void> {
    const client = this.client;
    if (!client || this.phase === 'stopped' || this.phase === 'playing' || this.phase === 'entering' || !client.match.socket.connected) return;
    this.phase = 'entering';
    const entry = ++this.entries;
    const res = await client.rejoinOrQueue(this.config.mode, QUEUE_TIMEOUT_MS);
    // The phase (or the node) may have changed while the request was out.
    if ((this.phase as Phase) === 'stopped' || entry !== this.entries || this.client !== client || !client.match.socket.connected) return;
    if (!res.ok) {
      this.deps.stats.error(`join:${res.code}`, res.message);
      // The server holds a seat for this guest that it did not give back: a player out of play
      // on its side only (failover-stats.ts counts it pending, however long it lasts).
      if (res.code === ErrorCode.AlreadyInMatch) {
        this.deps.stats.botSeatedIdle(this.config.index, this.deps.now());
        this.awaitsSnapshotAfterDrop = true;
      }
      // A draining node takes no one: another node of the cluster will.
      if (res.code === ErrorCode.ServerDraining && this.config.urls.length > 1) return this.failover();
      this.retryLater();
      return;
    }
    this.startPlaying(res, client);
  }

  private retryLater(): void {
    if (this.phase === 'stopped') return;
    this.phase = 'between';
    this.retryTimer = this.deps.timers.after(RETRY_MS * (0.5 + Math.random()), () => void this.enter());
  }

  private startPlaying(info: MatchInfo, client: PlayerClient): void {
    const game = client.match.game!;
    this.deps.stats.matchSeen(info.matchId, this.url);
    this.matchNode = info.node;
    this.deps.stats.botBack(this.config.index, this.deps.now());
    this.deps.stats.tickRate ??= info.tickRate;
    this.stopPlaying();
    const timers = this.deps.timers;
    const playing: Playing = {
      info,
      game,
      bot: game.createBot(info.setup, { seed: this.config.seed, behaviour: this.config.behaviour, sight: 'eager' }),
      stream: new SnapshotStream(game.snapshotCodec),
      view: null,
      skill: new BotSkill(this.config.skill ?? 1, this.config.seed, info.tickRate / Math.max(1, info.snapshotEvery)),
      tick: null,
      seq: 0,
      loop: new InputLoop<object, TimerHandle>({
        tickRate: info.tickRate,
        timers: { now: this.deps.now, at: (t, fn) => timers.at(t, fn), cancel: (h) => timers.cancel(h) },
        rtt: () => client.match.clock.rtt,
        produce: (tick) => this.produce(tick),
        send: (input) => this.send(input),
      }),
    };
    this.playing = playing;
    this.skipsSeen = 0;
    this.acks.reset();
    this.lastSnapshotAt = null;
    this.phase = 'playing';
  }

  private stopPlaying(): void {
    this.playing?.loop.stop();
    this.playing = null;
  }

  private onBinarySnapshot(bytes: Uint8Array): void {
    const p = this.playing;
    if (this.phase !== 'playing' || !p) return;
    const now = this.deps.now();
    if (bytes.length === 0) {
      this.wireMismatch('snapshots are not binary: is the server running with WIRE_FORMAT=json? Then run with --wire json');
      return;
    }
    if (this.config.decodeAll) {
      const r = p.stream.apply(bytes);
      if (!r.ok) {
        if (r.code !== 'NO_BASE') this.deps.stats.error(`decode:${r.code}`, r.message);
        return;
      }
      this.onSnapshot(r.value, now);
      return;
    }
    const head = p.game.snapshotCodec.peek(bytes);
    if (!head.ok) {
      this.deps.stats.error(`decode:${head.code}`, head.message);
      return;
    }
    if (head.value.kind === 'key') {
      const r = p.game.snapshotCodec.decode(bytes, null);
      if (!r.ok) {
        this.deps.stats.error(`decode:${r.code}`, r.message);
        return;
      }
      this.onSnapshot(r.value, now);
      return;
    }
    // Deltas follow the keyframe one snapshot period apart: counting them keeps the tick.
    if (p.tick === null) return;
    this.onSnapshotTick(p.tick + p.info.snapshotEvery, now);
  }

  private onJsonSnapshot(payload: unknown): void {
    if (this.phase !== 'playing') return;
    const now = this.deps.now();
    if (payload instanceof Uint8Array || payload instanceof ArrayBuffer || typeof payload !== 'object' || payload === null) {
      this.wireMismatch('snapshots are not JSON: is the server running with WIRE_FORMAT=binary? Then drop --wire json');
      return;
    }
    this.onSnapshot(payload as SnapshotHeader, now);
  }

  /** Bot and server speak different wire formats: one error, and the bot sits the run out. */
  private wireMismatch(note: string): void {
    this.deps.stats.error('wire-mismatch', note);
    this.phase = 'between';
    this.stopPlaying();
  }

  /** A snapshot this bot could read in full. */
  private onSnapshot(s: SnapshotHeader, now: number): void {
    const p = this.playing!;
    p.view = p.skill.see(s);
    const acked = p.game.lastInputSeq(s, p.info.slot);
    // A light bot played once a keyframe shows the server applied one of its inputs.
    if (acked !== null && acked > 0 && !this.config.decodeAll) this.played = true;
    if (acked !== null) {
      this.acks.acked(acked, now, (ms) => {
        this.played = true;
        this.deps.stats.inputAckSample(ms);
      });
    }
    this.onSnapshotTick(s.tick, now, acked ?? undefined);
  }

  private onSnapshotTick(tick: number, now: number, acked?: number): void {
    const stats = this.deps.stats;
    stats.snapshot();
    if (stats.measuring) this.windowSnapshots += 1;
    if (this.lastSnapshotAt !== null) stats.gapSample(now - this.lastSnapshotAt);
    this.lastSnapshotAt = now;
    if (this.awaitsSnapshotAfterDrop) {
      this.awaitsSnapshotAfterDrop = false;
      stats.botSnapshotAfterDrop(this.config.index, now);
    }
    const p = this.playing!;
    p.tick = tick;
    p.loop.onSnapshot(tick, now, acked);
    this.countSkips();
  }

  /** The command for server tick `tick`, and the tick the bot "sees" (two snapshot periods back, as a page draws). */
  private produce(tick: number): { command: object; clientTick: number } | null {
    const p = this.playing;
    if (this.phase !== 'playing' || !p || p.tick === null) return null;
    const command: object = p.skill.act(p.bot.think(p.view, p.info.slot, tick));
    return { command, clientTick: Math.max(0, p.tick - 2 * p.info.snapshotEvery) };
  }

  private send(input: object & { clientTick: number }): number | null {
    const conn = this.client?.match;
    if (!conn?.socket.connected) return null;
    const seq = this.raw && this.playing ? this.sendRaw(this.playing, input) : conn.sendInput(input as never);
    if (seq === null) return null;
    // Light bots see their acknowledgement only in the keyframe each second (onSnapshot).
    if (this.config.decodeAll || this.config.wire === 'json') this.acks.sent(seq, this.deps.now());
    this.deps.stats.input();
    this.countSkips();
    return seq;
  }

  /** The light bot's input: the game's codec, written past socket.io-client when the WebSocket is open. */
  private sendRaw(p: Playing, input: object): number {
    p.seq += 1;
    // The input loop made `input` for this send alone: numbering it in place spares a copy per input.
    (input as { seq?: number }).seq = p.seq;
    const bytes = p.game.inputCodec.encode(input as never);
    if (!this.raw!.writeInput(bytes)) this.client!.match.socket.emit('input', bytes);
    return p.seq;
  }

  private countSkips(): void {
    const skipped = this.playing?.loop.skipped ?? 0;
    if (skipped > this.skipsSeen) this.deps.stats.inputSkipped(skipped - this.skipsSeen);
    this.skipsSeen = skipped;
  }

  private onEnded(_results: MatchResults): void {
    if (this.phase !== 'playing') return;
    // Back in the queue, as players do; the gap until the next match is not a snapshot gap.
    this.phase = 'between';
    this.stopPlaying();
    this.lastSnapshotAt = null;
    void this.client!.leave().then((res) => {
      if (!res.ok && this.phase !== 'stopped') this.deps.stats.error(`leave:${res.code}`, res.message);
      if (this.phase !== 'stopped') this.retryTimer = this.deps.timers.after(100 + Math.random() * 400, () => void this.enter());
    });
  }

  /** Its match now runs on another node (the owner died or handed it over): join again, the seat is kept. */
  private onProtocolError(e: WireError): void {
    if (e.code === ErrorCode.NodeLeaving) return void this.relocate();
    // The new connection took the seat over (relocate): expected, the old one is on its way out.
    if (e.code === ErrorCode.SessionReplaced && this.relocating === this.client) return;
    // The move the bot gave up on seated its closed client after all: back to the seat, as after MATCH_MOVED.
    const lateMove = e.code === ErrorCode.SessionReplaced && this.deps.now() < this.moveUnsettledUntil;
    if (lateMove) this.moveUnsettledUntil = 0;
    // An input that was on its way when the match moved (MATCH_MOVED, or the seat taken over by
    // the connection the bot is moving to): the server refuses it before it answers the rejoin,
    // and the next input goes to the new owner. Refused during play, it is an error.
    if (e.code === ErrorCode.NotInMatch && (this.phase !== 'playing' || this.relocating !== null)) return;
    if (e.code !== ErrorCode.MatchMoved && !lateMove) return this.deps.stats.error(`protocol:${e.code}`, e.message);
    if (this.phase !== 'playing') return;
    this.dropped(lateMove ? 'relocated' : 'matchMoved');
    this.phase = 'between';
    this.stopPlaying();
    this.lastSnapshotAt = null;
    // As the SDK does: MATCH_MOVED comes once the new owner runs the match, so join at once.
    void this.enter();
  }

  private dropped(cause: DropCause): void {
    this.deps.stats.botDropped(this.config.index, cause, this.deps.now(), this.lastSnapshotAt);
    this.awaitsSnapshotAfterDrop = true;
  }

  private onDisconnect(reason: string): void {
    // The bot closes its own client only to stop or to move to another node.
    if (this.phase === 'stopped' || reason === 'io client disconnect') return;
    // Replaced by the connection the bot is moving to (relocate), which takes over from here.
    if (this.relocating !== null && this.relocating === this.client) return;
    this.deps.stats.disconnect();
    if (this.phase === 'playing') this.dropped('disconnected');
    this.droppedByNode = true;
    this.unreachableSince ??= this.deps.now();
    this.armFailoverCheck();
    // A pending entry (after MATCH_MOVED, or a retry) would race the reconnect's own.
    this.deps.timers.cancel(this.retryTimer);
    this.phase = 'between';
    this.stopPlaying();
    this.lastSnapshotAt = null;
    if (reason === 'parse error' && this.config.wire === 'json') {
      this.deps.stats.error('wire-mismatch', 'the server sent frames the JSON parser cannot read: is it running with WIRE_FORMAT=binary? Then drop --wire json');
    }
    // socket.io reconnects by itself except when the server closed the socket on purpose.
    if (reason === 'io server disconnect') {
      this.retryTimer = this.deps.timers.after(RETRY_MS * (0.5 + Math.random()), () => this.client?.reconnect());
    }
  }

  private schedulePing(delayMs: number): void {
    this.deps.timers.cancel(this.pingTimer);
    this.pingTimer = this.deps.timers.after(delayMs, () => {
      const conn = this.client?.match;
      if (this.phase === 'stopped' || !conn) return;
      if (conn.socket.connected) {
        conn.syncClock().then(
          (rtt) => {
            if (this.phase !== 'stopped') this.deps.stats.rttSample(rtt);
          },
          (error: unknown) => {
            if (this.phase !== 'stopped' && conn.socket.connected) this.deps.stats.error('clock-timeout', error instanceof Error ? error.message : String(error));
          },
        );
      }
      this.schedulePing(this.config.pingIntervalMs * (0.9 + Math.random() * 0.2));
    });
  }
}
