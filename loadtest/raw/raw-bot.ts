/**
 * The raw light bot (`--light`): an honest player whose connection is a plain `net.Socket`
 * speaking WebSocket, engine.io and socket.io itself (raw-connection.ts), so one load-generator
 * core drives thousands of them. What it does is what a player does:
 *
 * - lobby: a guest token (POST /api/guest), /lobby and /match connected with it, `join {}`
 *   (the seat it may still hold), else `quickplay` and, once `matched`, `join {matchId}`;
 * - every server tick its game's own bot thinks and the game's input codec encodes the command,
 *   numbered from 1 per join, sent as the tick's snapshot is read (`inputClock: 'snapshot'`; one
 *   timer for all bots, TickScheduler, covers a tick whose snapshot did not come) or on the
 *   scheduler's tick grid alone (`'timer'`); the frame around it is
 *   built once per match and the input copied into it (zero masking key: client-frames.ts);
 * - every snapshot frame is counted from its first bytes (the `snapshot` event prefix and the
 *   snapshot envelope's kind bit: shared/protocol/snapshot-envelope.ts); deltas advance the tick
 *   it knows; keyframes carry their tick;
 * - one keyframe in `keyframeEvery` is decoded: the bot steers on it, and the input sequence it
 *   acknowledges proves the server applied this bot's inputs (`played`), with the time since
 *   that input was sent as an input→ack sample. A bot with `decodeAll` decodes every snapshot
 *   (one in `--sample-every`): the input→ack figure as a full client sees it;
 * - one clock round trip (`clock`, acknowledged) every `pingIntervalMs` (null: none), the SDK's clock sync;
 *   engine.io's heartbeat is answered by the connection;
 * - at the end of a match it leaves and queues again; a dropped connection reconnects with the
 *   same guest and takes its seat back.
 *
 * The hot path (tick, binary) makes no closure, promise or timer per call.
 */
import { getGuestToken, type GuestSession } from '../../shared/client/auth.ts';
import { SnapshotStream } from '../../shared/client/snapshot-stream.ts';
import type { AnyGame, GameBot, InputHeader, SnapshotHeader } from '../../shared/game/game-definition.ts';
import { ErrorCode } from '../../shared/protocol/errors.ts';
import { Namespaces, type MatchInfo, type SeatGrant } from '../../shared/protocol/events.ts';
import { handshakeAuth } from '../../shared/protocol/version.ts';
import { wireParser } from '../../shared/protocol/wire.ts';
import type { BotBehaviour } from '../bot.ts';
import type { DirectWrites } from '../internals/node-net.ts';
import type { RunStats } from '../run-stats.ts';
import type { TimerHandle, TimerQueue } from '../timer-queue.ts';
import { clientHeaderSize, OPCODE_BINARY, writeClientHeader } from './client-frames.ts';
import { RawConnection } from './raw-connection.ts';
import { parseSioPacket, SioType, sioPacket } from './sio-packet.ts';
import type { TickBot, TickScheduler } from './tick-scheduler.ts';

const INPUT_PREFIX = wireParser.eventPrefix(Namespaces.match, 'input')!;
const SNAPSHOT_PREFIX = wireParser.eventPrefix(Namespaces.match, 'snapshot')!;
const RETRY_MS = 1000;
const QUEUE_TIMEOUT_MS = 60_000;
/** Send times kept per bot, by sequence number: an acknowledgement further back is not timed. */
const SENT_RING = 128;

export interface RawBotConfig {
  index: number;
  url: string;
  /** socket.io's path on the server. */
  path: string;
  nickname: string;
  seed: number;
  behaviour: BotBehaviour;
  mode: string;
  decodeAll: boolean;
  /** Decode one keyframe in this many (light bots). */
  keyframeEvery: number;
  /** The clock round trip's period; null: this bot runs none (it still answers heartbeats). */
  pingIntervalMs: number | null;
  requestTimeoutMs: number;
  /**
   * What paces the inputs: 'snapshot' sends one as each snapshot is read, 'half-tick' half a
   * tick after (the scheduler covers a tick without a snapshot, either way); 'timer' sends them
   * from the process's tick scheduler alone.
   */
  inputClock: 'snapshot' | 'half-tick' | 'timer';
}

export interface RawBotDeps {
  stats: RunStats;
  timers: TimerQueue;
  /** The process's scheduler for a tick rate (one per rate, shared by every bot). */
  scheduler: (tickRate: number) => TickScheduler;
  now: () => number;
  games: readonly AnyGame[];
  /** The read buffer shared by every connection of the process. */
  readBuffer: Uint8Array;
  /** Writes past Node's Writable stream (loadtest/internals/node-net.ts); null: `socket.write`. */
  directWrites: DirectWrites | null;
}

type Phase = 'idle' | 'connecting' | 'entering' | 'playing' | 'between' | 'stopped';
type Answer = { ok: true; [k: string]: unknown } | { ok: false; code: string; message: string };

interface Pending {
  resolve: (a: unknown) => void;
  timer: TimerHandle;
}

/** The match being played: made on join, dropped when it ends. */
interface Playing {
  info: MatchInfo;
  game: AnyGame;
  brain: GameBot<SnapshotHeader, InputHeader>;
  /** decodeAll bots: the delta chain. */
  stream: SnapshotStream | null;
  view: SnapshotHeader | null;
  tick: number | null;
  seq: number;
  acked: number;
  keyframes: number;
  sentAt: Float64Array;
  /** The input frame, built for `payloadLen`-byte inputs; the payload goes at `payloadAt`. */
  frame: Buffer;
  payloadAt: number;
  payloadLen: number;
  /** Inputs go out as snapshots come (one a tick); the scheduler only covers a missing one. */
  paced: boolean;
  lastInputAt: number;
  /** A paced bot's scheduler sends when no input went out for this long (four tick periods). */
  fallbackMs: number;
  /** Paced, each input half a tick after its snapshot was read. */
  halfTick: boolean;
  halfTickMs: number;
  lastPacedReadAt: number;
  /** Snapshots read closer than this (half a tick) were bunched by a late read. */
  bunchedMs: number;
  /** The scheduler's fallback sent this tick's input already. */
  owesSnapshot: boolean;
}

export class RawBot implements TickBot {
  windowSnapshots = 0;
  /** Inputs sent over the bot's life. */
  inputsSent = 0;
  everConnected = false;
  played = false;
  slice = -1;
  slot = -1;
  private phase: Phase = 'idle';
  private conn: RawConnection | null = null;
  private guest: GuestSession | null = null;
  private nsConnected = 0;
  private playing: Playing | null = null;
  private scheduler: TickScheduler | null = null;
  private lastSnapshotAt: number | null = null;
  /** Put out of its match since its last snapshot: the next one ends the gap the player saw. */
  private awaitsSnapshotAfterDrop = false;
  private ackId = 0;
  private readonly pending = new Map<number, Pending>();
  private matched: SeatGrant | null = null;
  private matchedWaiter: ((seat: SeatGrant) => void) | null = null;
  private pingTimer: TimerHandle | null = null;
  private retryTimer: TimerHandle | null = null;
  private connectTimer: TimerHandle | null = null;
  /** Traffic of the connections closed before the current one. */
  private readonly closedTraffic = { bytesIn: 0, bytesOut: 0, framesIn: 0 };
  private readonly host: string;
  private readonly port: number;

  constructor(
    readonly config: RawBotConfig,
    private readonly deps: RawBotDeps,
  ) {
    const u = new URL(config.url);
    if (u.protocol !== 'http:') throw new Error(`raw bots speak plain http/ws only, not ${u.protocol}`);
    this.host = u.hostname.replace(/^\[|\]$/g, '');
    this.port = Number(u.port || 80);
  }

  get connected(): boolean {
    return this.nsConnected === 2 && (this.conn?.open ?? false);
  }

  get inMatch(): boolean {
    return this.phase === 'playing';
  }

  /** Bytes and frames over every connection this bot opened (the report's traffic). */
  get meter(): { bytesIn: number; bytesOut: number; framesIn: number } {
    const c = this.conn;
    const t = this.closedTraffic;
    return c ? { bytesIn: t.bytesIn + c.bytesIn, bytesOut: t.bytesOut + c.bytesOut, framesIn: t.framesIn + c.framesIn } : { ...t };
  }

  start(): void {
    if (this.phase !== 'idle') return;
    this.phase = 'connecting';
    void this.connect();
  }

  stop(): void {
    this.phase = 'stopped';
    this.stopPlaying();
    const { timers } = this.deps;
    timers.cancel(this.pingTimer);
    timers.cancel(this.retryTimer);
    timers.cancel(this.connectTimer);
    this.conn?.close();
  }

  // ---- the hot path ----

  /**
   * The scheduler's step. A bot paced by its snapshots sends from `binary` and this is its
   * fallback only: a tick whose snapshot did not come (skipped for a slow socket, or lost to a
   * stall) still gets its input once two periods passed without one.
   */
  tick(now: number): void {
    const p = this.playing;
    if (!p) return;
    if (p.paced && now - p.lastInputAt < p.fallbackMs) return;
    this.sendInput(p, now);
    // The late snapshot, when it comes, is this input's tick: it sends none of its own.
    if (p.paced) p.owesSnapshot = true;
  }

  /** Half a tick after a snapshot was read (`inputClock: 'half-tick'`). */
  due(now: number): void {
    const p = this.playing;
    if (p) this.sendInput(p, now);
  }

  private sendInput(p: Playing, now: number): void {
    const conn = this.conn;
    // No tick known yet (no snapshot since the join): nothing to aim the input at.
    if (!conn || p.tick === null) return;
    const seq = p.seq + 1;
    p.seq = seq;
    // The tick a page would draw: two snapshot periods behind the newest (lag compensation).
    const payload = encodeCommand(p.game, p.brain, p.view, p.info.slot, p.tick + 1, seq, Math.max(0, p.tick - 2 * p.info.snapshotEvery));
    if (payload.length === p.payloadLen && conn.drained) {
      p.frame.set(payload, p.payloadAt);
      conn.write(p.frame);
    } else {
      // Another size, or the previous frame still queued in the socket: a frame of its own.
      conn.write(inputFrame(payload).frame);
    }
    p.sentAt[seq & (SENT_RING - 1)] = now;
    p.lastInputAt = now;
    this.inputsSent += 1;
    this.deps.stats.input();
  }

  binary(buf: Uint8Array, start: number, end: number): void {
    const p = this.playing;
    if (!p || end - start < SNAPSHOT_PREFIX.length + 2) return;
    if (buf[start] !== SNAPSHOT_PREFIX[0] || buf[start + 1] !== SNAPSHOT_PREFIX[1] || buf[start + 2] !== SNAPSHOT_PREFIX[2]) return;
    const now = this.deps.now();
    this.onSnapshot(p, buf, start, end, now);
    // The next tick's input answers this tick's snapshot: no timer wakes for it. At once, the
    // bot's TCP acknowledgement rides on it but the server acknowledges the input on its own
    // (63 segments per bot-second against 51 on the timer); half a tick later both ride on data
    // (44). Neither changed the bots' CPU measurably (BENCHMARKS.md, "Load generator … afternoon").
    if (!p.paced || this.playing !== p) return;
    // Two snapshots read close together were read late (this process stalled): the server ran
    // the earlier tick without this bot's input, and a second input now would sit in its queue,
    // one tick behind, for as long as the match lasts (it takes one a tick). Skipped, and counted.
    const bunched = now - p.lastPacedReadAt < p.bunchedMs;
    p.lastPacedReadAt = now;
    if (bunched || p.owesSnapshot) {
      p.owesSnapshot = false;
      this.deps.stats.inputSkipped(1);
      return;
    }
    if (p.halfTick) this.scheduler!.defer(this, p.halfTickMs);
    else this.sendInput(p, now);
  }

  private onSnapshot(p: Playing, buf: Uint8Array, start: number, end: number, now: number): void {
    const stats = this.deps.stats;
    stats.snapshot();
    if (stats.measuring) this.windowSnapshots += 1;
    if (this.lastSnapshotAt !== null) stats.gapSample(now - this.lastSnapshotAt);
    this.lastSnapshotAt = now;
    if (this.awaitsSnapshotAfterDrop) {
      this.awaitsSnapshotAfterDrop = false;
      stats.botSnapshotAfterDrop(this.config.index, now);
    }
    const s = start + SNAPSHOT_PREFIX.length;
    if (p.stream) {
      const r = p.stream.apply(buf.subarray(s, end));
      if (!r.ok) {
        if (r.code !== 'NO_BASE') stats.error(`decode:${r.code}`, r.message);
        return;
      }
      this.saw(p, r.value, now);
      return;
    }
    // Envelope: u8 version, then the kind bit (0: keyframe) and a keyframe's u32 tick, MSB first.
    if ((buf[s + 1]! & 0x80) !== 0) {
      if (p.tick !== null) p.tick += p.info.snapshotEvery;
      return;
    }
    if (end - s < 6) return stats.error('decode:TRUNCATED', 'keyframe shorter than its header');
    p.tick = (((buf[s + 1]! & 0x7f) << 25) | (buf[s + 2]! << 17) | (buf[s + 3]! << 9) | (buf[s + 4]! << 1) | (buf[s + 5]! >>> 7)) >>> 0;
    p.keyframes += 1;
    if (p.keyframes % this.config.keyframeEvery !== 0 && p.view !== null) return;
    const r = p.game.snapshotCodec.decode(buf.subarray(s, end), null);
    if (!r.ok) return stats.error(`decode:${r.code}`, r.message);
    this.saw(p, r.value as SnapshotHeader, now);
  }

  /** A snapshot read in full: the bot's view, and the proof its inputs were applied. */
  private saw(p: Playing, snapshot: SnapshotHeader, now: number): void {
    p.view = snapshot;
    p.tick = snapshot.tick;
    const acked = p.game.lastInputSeq(snapshot, p.info.slot);
    if (acked === null || acked <= p.acked || acked > p.seq) return;
    p.acked = acked;
    this.played = true;
    if (p.seq - acked < SENT_RING) this.deps.stats.inputAckSample(now - p.sentAt[acked & (SENT_RING - 1)]!);
  }

  // ---- connection and lobby ----

  private async connect(): Promise<void> {
    const { stats, timers } = this.deps;
    const config = this.config;
    if (!this.guest) {
      const g = await getGuestToken(config.url, config.nickname, { timeoutMs: config.requestTimeoutMs });
      if (this.phase === 'stopped') return;
      if (!g.ok) {
        stats.error(`guest:${g.code}`, `could not get a guest token: ${g.message}`);
        return this.retryLater(() => void this.connect());
      }
      const { ok: _ok, ...session } = g;
      this.guest = session;
    }
    this.nsConnected = 0;
    this.conn = new RawConnection({ host: this.host, port: this.port, path: config.path, readBuffer: this.deps.readBuffer, handler: this, directWrites: this.deps.directWrites });
    const conn = this.conn;
    this.connectTimer = timers.after(config.requestTimeoutMs, () => {
      if (this.conn !== conn || this.connected) return;
      stats.error('connect:TIMEOUT', `not connected within ${config.requestTimeoutMs} ms`);
      conn.close('connect timeout');
    });
  }

  opened(): void {
    const auth = handshakeAuth(this.guest!.token);
    this.conn!.sendPacket(sioPacket(SioType.Connect, Namespaces.lobby, null, auth));
    this.conn!.sendPacket(sioPacket(SioType.Connect, Namespaces.match, null, auth));
  }

  packet(text: string): void {
    const pk = parseSioPacket(text);
    const stats = this.deps.stats;
    if (!pk) return stats.error('protocol', `unreadable socket.io packet ${JSON.stringify(text.slice(0, 40))}`);
    switch (pk.type) {
      case SioType.Connect:
        this.nsConnected += 1;
        if (this.nsConnected === 2) this.onConnected();
        return;
      case SioType.ConnectError: {
        const e = pk.data as { message?: string; data?: { code?: string } } | undefined;
        const code = e?.data?.code;
        stats.error(code ? `connect:${code}` : 'connect', `connect refused: ${e?.message ?? 'no reason given'}`);
        // A token the server no longer takes: the next attempt starts as a new guest.
        if (code?.startsWith('AUTH_')) this.guest = null;
        this.conn?.close('connect refused');
        return;
      }
      case SioType.Ack: {
        const waiting = pk.id === null ? undefined : this.pending.get(pk.id);
        if (!waiting) return;
        this.pending.delete(pk.id!);
        this.deps.timers.cancel(waiting.timer);
        waiting.resolve(Array.isArray(pk.data) ? pk.data[0] : undefined);
        return;
      }
      case SioType.Event:
        return this.onEvent(pk.nsp, pk.data);
      case SioType.Disconnect:
        // The server put this namespace out: start over on a new connection.
        this.conn?.close(`the server disconnected ${pk.nsp}`);
        return;
    }
  }

  closed(reason: string): void {
    const conn = this.conn;
    if (conn) {
      this.closedTraffic.bytesIn += conn.bytesIn;
      this.closedTraffic.bytesOut += conn.bytesOut;
      this.closedTraffic.framesIn += conn.framesIn;
    }
    const wasConnected = this.nsConnected === 2;
    this.conn = null;
    this.nsConnected = 0;
    for (const [, w] of this.pending) {
      this.deps.timers.cancel(w.timer);
      w.resolve({ ok: false, code: 'DISCONNECTED', message: reason });
    }
    this.pending.clear();
    const { stats, timers } = this.deps;
    timers.cancel(this.pingTimer);
    timers.cancel(this.connectTimer);
    if (this.phase === 'stopped') return;
    if (wasConnected) stats.disconnect();
    else if (!reason.startsWith('connect')) stats.error('connect', `connection failed: ${reason}`);
    if (this.phase === 'playing') {
      stats.botDropped(this.config.index, 'disconnected', this.deps.now(), this.lastSnapshotAt);
      this.awaitsSnapshotAfterDrop = true;
    }
    this.stopPlaying();
    this.lastSnapshotAt = null;
    this.phase = 'connecting';
    this.retryLater(() => void this.connect());
  }

  private onConnected(): void {
    const { stats, timers } = this.deps;
    timers.cancel(this.connectTimer);
    if (this.everConnected) stats.reconnect();
    this.everConnected = true;
    if (this.config.pingIntervalMs !== null) this.schedulePing(Math.random() * this.config.pingIntervalMs);
    void this.enter();
  }

  private onEvent(nsp: string, data: unknown): void {
    if (!Array.isArray(data) || typeof data[0] !== 'string') return;
    const [event, arg] = data as [string, unknown];
    if (nsp === Namespaces.lobby && event === 'matched') {
      const seat = arg as SeatGrant;
      this.matched = seat;
      const w = this.matchedWaiter;
      this.matchedWaiter = null;
      w?.(seat);
    } else if (nsp === Namespaces.match && event === 'ended') {
      this.onEnded();
    } else if (event === 'protocol_error') {
      const e = arg as { code?: string; message?: string };
      this.deps.stats.error(`protocol:${e?.code ?? '?'}`, e?.message ?? '');
    }
  }

  /** Emits `event` on `nsp` asking for an answer; resolves with it, or with a TIMEOUT/DISCONNECTED error. */
  private request(nsp: string, event: string, arg?: unknown): Promise<unknown> {
    const conn = this.conn;
    if (!conn?.open) return Promise.resolve({ ok: false, code: 'DISCONNECTED', message: 'not connected' });
    const id = ++this.ackId;
    const timeoutMs = this.config.requestTimeoutMs;
    return new Promise((resolve) => {
      const timer = this.deps.timers.after(timeoutMs, () => {
        this.pending.delete(id);
        resolve({ ok: false, code: ErrorCode.Timeout, message: `${event}: no answer within ${timeoutMs} ms` });
      });
      this.pending.set(id, { resolve, timer });
      conn.sendPacket(sioPacket(SioType.Event, nsp, id, arg === undefined ? [event] : [event, arg]));
    });
  }

  private async enter(): Promise<void> {
    const conn = this.conn;
    if (!conn || this.phase === 'stopped') return;
    this.phase = 'entering';
    const stats = this.deps.stats;
    let res = (await this.request(Namespaces.match, 'join', {})) as Answer;
    if (!res.ok && res.code === ErrorCode.NoSeat) {
      this.matched = null;
      const queued = (await this.request(Namespaces.lobby, 'quickplay', { mode: this.config.mode })) as Answer;
      if (this.conn !== conn || this.phase !== 'entering') return;
      if (!queued.ok) res = queued;
      else {
        const seat = await this.waitMatched();
        if (this.conn !== conn || this.phase !== 'entering') return;
        res = seat ? ((await this.request(Namespaces.match, 'join', { matchId: seat.matchId })) as Answer) : { ok: false, code: ErrorCode.Timeout, message: 'not placed in time' };
      }
    }
    if (this.conn !== conn || this.phase !== 'entering') return;
    if (!res.ok) {
      if (res.code !== 'DISCONNECTED') stats.error(`join:${res.code}`, res.message);
      this.phase = 'between';
      return this.retryLater(() => void this.enter());
    }
    this.startPlaying(res as unknown as MatchInfo);
  }

  private waitMatched(): Promise<SeatGrant | null> {
    if (this.matched) return Promise.resolve(this.matched);
    return new Promise((resolve) => {
      const timer = this.deps.timers.after(QUEUE_TIMEOUT_MS, () => {
        this.matchedWaiter = null;
        resolve(null);
      });
      this.matchedWaiter = (seat) => {
        this.deps.timers.cancel(timer);
        resolve(seat);
      };
    });
  }

  private startPlaying(info: MatchInfo): void {
    const { stats, now } = this.deps;
    const game = this.deps.games.find((g) => g.id === info.game);
    if (!game) {
      stats.error('join:UNKNOWN_GAME', `this load test cannot play ${JSON.stringify(info.game)}`);
      this.phase = 'between';
      return;
    }
    stats.matchSeen(info.matchId, this.config.url);
    stats.botBack(this.config.index, now());
    stats.tickRate ??= info.tickRate;
    // The input's size, from an idle bot's command made the way every tick makes one.
    const sample = encodeCommand(game, game.createBot(info.setup, { seed: 0, behaviour: 'idle', sight: 'eager' }), null, info.slot, 0, 1, 0);
    const { frame, payloadAt } = inputFrame(sample);
    this.playing = {
      info,
      game,
      brain: game.createBot(info.setup, { seed: this.config.seed, behaviour: this.config.behaviour, sight: 'eager' }),
      stream: this.config.decodeAll ? new SnapshotStream(game.snapshotCodec) : null,
      view: null,
      tick: null,
      seq: 0,
      acked: 0,
      keyframes: 0,
      sentAt: new Float64Array(SENT_RING),
      frame,
      payloadAt,
      payloadLen: sample.length,
      // A snapshot every tick: one input per snapshot is one per tick. Sparser snapshots leave
      // ticks without one, and the scheduler paces those bots alone.
      paced: this.config.inputClock !== 'timer' && info.snapshotEvery === 1,
      // The first snapshot paces the first input; the fallback waits from the join.
      lastInputAt: now(),
      // Longer than a server's usual hiccup: a fallback input and the late snapshot's own would
      // be two for one tick, and the server keeps the extra queued for as long as the match lasts.
      fallbackMs: 4000 / info.tickRate,
      halfTick: this.config.inputClock === 'half-tick',
      halfTickMs: 500 / info.tickRate,
      lastPacedReadAt: -Infinity,
      bunchedMs: 500 / info.tickRate,
      owesSnapshot: false,
    };
    this.lastSnapshotAt = null;
    this.phase = 'playing';
    this.scheduler = this.deps.scheduler(info.tickRate);
    this.scheduler.add(this);
  }

  private stopPlaying(): void {
    this.scheduler?.remove(this);
    this.playing = null;
  }

  private onEnded(): void {
    if (this.phase !== 'playing') return;
    // Back in the queue, as players do; the wait for the next match is not a snapshot gap.
    this.phase = 'between';
    this.stopPlaying();
    this.lastSnapshotAt = null;
    const conn = this.conn;
    void this.request(Namespaces.match, 'leave').then((res) => {
      const a = res as Answer;
      if (!a.ok && a.code !== 'DISCONNECTED') this.deps.stats.error(`leave:${a.code}`, a.message);
      if (this.phase === 'between' && this.conn === conn) this.retryTimer = this.deps.timers.after(100 + Math.random() * 400, () => void this.enter());
    });
  }

  private retryLater(fn: () => void): void {
    if (this.phase === 'stopped') return;
    this.deps.timers.cancel(this.retryTimer);
    this.retryTimer = this.deps.timers.after(RETRY_MS * (0.5 + Math.random()), fn);
  }

  private schedulePing(delayMs: number): void {
    const timers = this.deps.timers;
    timers.cancel(this.pingTimer);
    this.pingTimer = timers.after(delayMs, () => {
      if (this.phase === 'stopped' || !this.connected) return;
      const sentAt = this.deps.now();
      void this.request(Namespaces.match, 'clock').then((serverTime) => {
        if (this.phase === 'stopped') return;
        if (typeof serverTime === 'number') this.deps.stats.rttSample(this.deps.now() - sentAt);
        else if ((serverTime as Answer | undefined)?.ok === false && (serverTime as { code: string }).code !== 'DISCONNECTED') {
          this.deps.stats.error('clock-timeout', (serverTime as { message: string }).message);
        }
      });
      this.schedulePing(this.config.pingIntervalMs! * (0.9 + Math.random() * 0.2));
    });
  }
}

/**
 * The bot's command for `tick`, numbered and encoded by the game's codec. think() made the command
 * for this input alone, so it is numbered in place (no copy), and every command the process
 * encodes is made here the same way: the codec's property loads then see one object shape. A
 * sample built by spreading the command into a new literal (as the join once did) gave each bot's
 * first input a shape of its own and left those loads megamorphic for the rest of the run (with
 * the snapshot decoder's shapes, ~6 % of the process went to megamorphic loads and map
 * migrations: BENCHMARKS.md, "Load generator … evening").
 */
function encodeCommand(
  game: AnyGame,
  brain: GameBot<SnapshotHeader, InputHeader>,
  view: SnapshotHeader | null,
  slot: number,
  tick: number,
  seq: number,
  clientTick: number,
): Uint8Array {
  const command = brain.think(view, slot, tick) as { seq?: number; clientTick?: number };
  command.seq = seq;
  command.clientTick = clientTick;
  return game.inputCodec.encode(command as never);
}

/** A client frame carrying the `input` event prefix and `payload`. */
function inputFrame(payload: Uint8Array): { frame: Buffer; payloadAt: number } {
  const len = INPUT_PREFIX.length + payload.length;
  const frame = Buffer.allocUnsafe(clientHeaderSize(len) + len);
  const at = writeClientHeader(frame, OPCODE_BINARY, len);
  frame.set(INPUT_PREFIX, at);
  frame.set(payload, at + INPUT_PREFIX.length);
  return { frame, payloadAt: at + INPUT_PREFIX.length };
}
