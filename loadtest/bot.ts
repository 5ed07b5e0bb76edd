/**
 * One bot: a real socket.io-client player built on the client SDK. It gets an identity, takes
 * a seat, plays with a seeded behaviour (one input per server tick, paced to land just before
 * the tick), re-queues when its match ends, reconnects when dropped, and measures what a player
 * feels: snapshot gaps, round trip, input-to-acknowledgement time, bytes on the wire.
 *
 * Full bots decode every snapshot (and so see everybody, acknowledge their inputs and aim at
 * real targets). Light bots only peek at snapshot headers and decode the keyframe the server
 * sends once a second: enough to steer and to know the tick, at a fraction of the CPU, so one
 * load-generator core can drive thousands of them.
 */
import * as defaultParser from 'socket.io-parser';
import { BotBrain, type BotBehaviour, type BotView, type SeenPlayer } from '../shared/games/arena/bot-brain.ts';
import { InputAckTracker } from '../shared/client/input-ack-tracker.ts';
import { InputPacer } from '../shared/client/input-pacer.ts';
import { InterpolationBuffer } from '../shared/games/arena/interpolation.ts';
import { SnapshotStream } from '../shared/client/snapshot-stream.ts';
import type { MatchInfo, MatchResults } from '../shared/protocol/events.ts';
import { decodeSnapshot, peekSnapshotHeader } from '../shared/games/arena/snapshot-codec.ts';
import type { Snapshot } from '../shared/games/arena/snapshot.ts';
import { leaveSeat, openSession, reconnect, renewToken, takeSeat, type BotSession } from './enter-match.ts';
import { NodeWireMeter } from './node-wire-meter.ts';
import type { RunStats } from './run-stats.ts';
import type { TimerHandle, TimerQueue } from './timer-queue.ts';

export type WireFormat = 'binary' | 'json';

export interface BotConfig {
  index: number;
  url: string;
  nickname: string;
  seed: number;
  behaviour: BotBehaviour;
  wire: WireFormat;
  /** Decode every snapshot (full bot) or only keyframes (light bot). */
  decodeAll: boolean;
  mode: string;
  pingIntervalMs: number;
  requestTimeoutMs: number;
}

export interface BotDeps {
  stats: RunStats;
  timers: TimerQueue;
  now: () => number;
}

type Phase = 'idle' | 'connecting' | 'entering' | 'playing' | 'between' | 'stopped';

const RETRY_MS = 1000;
/** Quick play waits at most this long for a placement before queueing again. */
const QUEUE_TIMEOUT_MS = 60_000;

export class Bot {
  readonly meter = new NodeWireMeter();
  /** Snapshots received during the measured window (for the per-bot rate). */
  windowSnapshots = 0;
  everConnected = false;
  /** True once the bot has had an input acknowledged: it really played. */
  played = false;
  private phase: Phase = 'idle';
  private session: BotSession | null = null;
  private info: MatchInfo | null = null;
  private brain: BotBrain | null = null;
  private readonly stream = new SnapshotStream();
  private readonly acks = new InputAckTracker();
  private pacer: InputPacer | null = null;
  /** pacer.skipped already reported. */
  private skipsSeen = 0;
  private interp: InterpolationBuffer | null = null;
  private tick: number | null = null;
  private lastSnapshotAt: number | null = null;
  private view: BotView = { tick: 0, observedTick: -1, me: null, others: [] };
  private inputTimer: TimerHandle | null = null;
  private pingTimer: TimerHandle | null = null;
  private retryTimer: TimerHandle | null = null;

  constructor(
    readonly config: BotConfig,
    private readonly deps: BotDeps,
  ) {}

  get connected(): boolean {
    return this.session?.match.socket.connected ?? false;
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
    timers.cancel(this.inputTimer);
    timers.cancel(this.pingTimer);
    timers.cancel(this.retryTimer);
    this.session?.close();
  }

  private async connect(): Promise<void> {
    const config = this.config;
    const stats = this.deps.stats;
    const json = config.wire === 'json';
    const opened = await openSession(
      {
        url: config.url,
        nickname: config.nickname,
        mode: config.mode,
        timeoutMs: config.requestTimeoutMs,
        queueTimeoutMs: QUEUE_TIMEOUT_MS,
        decode: false,
        manager: {
          reconnectionDelay: 500,
          reconnectionDelayMax: 5000,
          randomizationFactor: 0.5,
          timeout: config.requestTimeoutMs,
          ...(json ? { parser: defaultParser } : {}),
        },
      },
      {
        rawSnapshot: json ? undefined : (bytes) => this.onBinarySnapshot(bytes),
        ended: (results) => this.onEnded(results),
        protocolError: (e) => stats.error(`protocol:${e.code}`, e.message),
        disconnect: (reason) => this.onDisconnect(reason),
      },
    );
    if (this.phase === 'stopped') {
      if (opened.ok) opened.session.close();
      return;
    }
    if (!opened.ok) {
      stats.error(`guest:${opened.code}`, `could not get a guest token: ${opened.message}`);
      this.retryTimer = this.deps.timers.after(RETRY_MS * (1 + Math.random()), () => void this.connect());
      return;
    }
    const session = opened.session;
    this.session = session;
    this.meter.attach(session.manager);
    const socket = session.match.socket;
    if (json) (socket as unknown as { on(ev: 'snapshot', fn: (s: unknown) => void): void }).on('snapshot', (s) => this.onJsonSnapshot(s));
    socket.on('connect', () => this.onConnect());
    socket.on('connect_error', (e: Error & { data?: { code?: string } }) => {
      if (this.phase === 'stopped') return;
      const code = e.data?.code;
      stats.error(code ? `connect:${code}` : 'connect', `connect failed: ${code ? `${code} ` : ''}${e.message}`);
      // A refused token (the node restarted with another secret, or it expired) is not retried
      // by socket.io: get a new one and connect again.
      if (code?.startsWith('AUTH_')) this.retryTimer = this.deps.timers.after(RETRY_MS * (0.5 + Math.random()), () => void this.renew());
    });
  }

  private async renew(): Promise<void> {
    const session = this.session;
    if (!session || this.phase === 'stopped') return;
    const res = await renewToken(session, this.config.url, this.config.requestTimeoutMs);
    if ((this.phase as Phase) === 'stopped') return;
    if (!res.ok) {
      this.deps.stats.error(`guest:${res.code}`, `could not renew the guest token: ${res.message}`);
      this.retryTimer = this.deps.timers.after(RETRY_MS * (1 + Math.random()), () => void this.renew());
      return;
    }
    reconnect(session);
  }

  private onConnect(): void {
    if (this.phase === 'stopped') return;
    if (this.everConnected) this.deps.stats.reconnect();
    this.everConnected = true;
    this.schedulePing(Math.random() * this.config.pingIntervalMs);
    void this.enter();
  }

  private async enter(): Promise<void> {
    const session = this.session;
    if (!session || this.phase === 'stopped' || !session.match.socket.connected) return;
    this.phase = 'entering';
    const res = await takeSeat(session, { mode: this.config.mode, queueTimeoutMs: QUEUE_TIMEOUT_MS });
    // The phase may have changed while the request was out.
    if ((this.phase as Phase) === 'stopped' || !session.match.socket.connected) return;
    if (!res.ok) {
      this.deps.stats.error(`join:${res.code}`, res.message);
      this.retryLater();
      return;
    }
    this.startPlaying(res);
  }

  private retryLater(): void {
    if (this.phase === 'stopped') return;
    this.phase = 'between';
    this.retryTimer = this.deps.timers.after(RETRY_MS * (0.5 + Math.random()), () => void this.enter());
  }

  private startPlaying(info: MatchInfo): void {
    this.info = info;
    this.deps.stats.matchSeen(info.matchId, this.config.url);
    const tickRate = info.rules.tickRate;
    this.deps.stats.tickRate ??= tickRate;
    this.brain ??= new BotBrain({ seed: this.config.seed, behaviour: this.config.behaviour, rules: info.rules, map: info.map });
    this.pacer = new InputPacer({ tickRate });
    this.skipsSeen = 0;
    // A bot only asks which tick it is drawing: a few snapshots are enough, and keeping the
    // default 32 per bot would push thousands of snapshots into the old generation (GC pauses
    // of the load generator show up as snapshot gaps it caused itself).
    if (this.config.decodeAll) {
      this.interp = new InterpolationBuffer({ snapshotIntervalMs: (1000 / tickRate) * info.snapshotEvery, tickRate, capacity: 6 });
    }
    this.stream.reset();
    this.acks.reset();
    this.tick = null;
    this.lastSnapshotAt = null;
    this.view = { tick: 0, observedTick: -1, me: null, others: [] };
    this.deps.timers.cancel(this.inputTimer);
    this.inputTimer = null;
    this.phase = 'playing';
  }

  private onBinarySnapshot(bytes: Uint8Array): void {
    if (this.phase !== 'playing') return;
    const now = this.deps.now();
    if (bytes.length === 0) {
      this.wireMismatch('snapshots are not binary: is the server running with WIRE_FORMAT=json? Then run with --wire json');
      return;
    }
    if (this.config.decodeAll) {
      const r = this.stream.apply(bytes);
      if (!r.ok) {
        if (r.code !== 'NO_BASE') this.deps.stats.error(`decode:${r.code}`, r.message);
        return;
      }
      this.onSnapshot(r.value, now);
      return;
    }
    const head = peekSnapshotHeader(bytes);
    if (!head.ok) {
      this.deps.stats.error(`decode:${head.code}`, head.message);
      return;
    }
    if (head.value.kind === 'key') {
      const r = decodeSnapshot(bytes, null);
      if (!r.ok) {
        this.deps.stats.error(`decode:${r.code}`, r.message);
        return;
      }
      this.onSnapshot(r.value, now);
      return;
    }
    // Deltas follow the keyframe one snapshot period apart: counting them keeps the tick.
    if (this.tick === null) return;
    this.onSnapshotTick(this.tick + this.info!.snapshotEvery, now);
  }

  private onJsonSnapshot(payload: unknown): void {
    if (this.phase !== 'playing') return;
    const now = this.deps.now();
    if (payload instanceof Uint8Array || payload instanceof ArrayBuffer || typeof payload !== 'object' || payload === null) {
      this.wireMismatch('snapshots are not JSON: is the server running with WIRE_FORMAT=binary? Then drop --wire json');
      return;
    }
    this.onSnapshot(payload as Snapshot, now);
  }

  /** Bot and server speak different wire formats: one error, and the bot sits the run out. */
  private wireMismatch(note: string): void {
    this.deps.stats.error('wire-mismatch', note);
    this.phase = 'between';
    this.deps.timers.cancel(this.inputTimer);
    this.inputTimer = null;
  }

  /** A snapshot this bot could read in full. */
  private onSnapshot(s: Snapshot, now: number): void {
    const me = s.players.find((p) => p.id === this.info!.playerId) ?? null;
    const others: SeenPlayer[] = s.players;
    this.view = { tick: s.tick, observedTick: s.tick, me, others };
    this.interp?.push(s, now);
    if (me) {
      this.pacer!.onAck(s.tick, me.lastInputSeq);
      this.countSkips();
      this.acks.acked(me.lastInputSeq, now, (ms) => {
        this.played = true;
        this.deps.stats.inputAckSample(ms);
      });
    }
    this.onSnapshotTick(s.tick, now);
  }

  private onSnapshotTick(tick: number, now: number): void {
    const stats = this.deps.stats;
    stats.snapshot();
    if (stats.measuring) this.windowSnapshots += 1;
    if (this.lastSnapshotAt !== null) stats.gapSample(now - this.lastSnapshotAt);
    this.lastSnapshotAt = now;
    this.tick = tick;
    this.pacer!.onSnapshot(tick, now);
    if (!this.inputTimer) this.scheduleInput(now);
  }

  private scheduleInput(now: number): void {
    const at = this.pacer!.nextSendAt(now, this.session!.match.clock.rtt);
    if (at === null) return;
    this.inputTimer = this.deps.timers.at(at, () => this.sendInput());
  }

  private sendInput(): void {
    this.inputTimer = null;
    const conn = this.session?.match;
    if (this.phase !== 'playing' || !conn?.socket.connected || this.tick === null) return;
    const now = this.deps.now();
    // Woke up too late for the planned tick (this process stalled): wait for the next one.
    const at = this.pacer!.nextSendAt(now, conn.clock.rtt);
    this.countSkips();
    if (at !== null && at > now + 1) {
      this.inputTimer = this.deps.timers.at(at, () => this.sendInput());
      return;
    }
    this.view.tick = this.tick;
    const cmd = this.brain!.think(this.view);
    // What the bot "sees": interpolated two snapshot periods back, as the game renders.
    const clientTick = this.interp
      ? this.interp.renderTick(now)
      : Math.max(0, this.tick - 2 * this.info!.snapshotEvery);
    const seq = conn.sendInput({ buttons: cmd.buttons, aim: cmd.aim, clientTick });
    this.pacer!.sent(seq);
    if (this.config.decodeAll || this.config.wire === 'json') this.acks.sent(seq, now);
    else this.played = true;
    this.deps.stats.input();
    this.scheduleInput(now);
  }

  private countSkips(): void {
    const skipped = this.pacer!.skipped;
    if (skipped > this.skipsSeen) this.deps.stats.inputSkipped(skipped - this.skipsSeen);
    this.skipsSeen = skipped;
  }

  private onEnded(_results: MatchResults): void {
    if (this.phase !== 'playing') return;
    // Back in the queue, as players do; the gap until the next match is not a snapshot gap.
    this.phase = 'between';
    this.deps.timers.cancel(this.inputTimer);
    this.inputTimer = null;
    this.lastSnapshotAt = null;
    void leaveSeat(this.session!).then((res) => {
      if (!res.ok && this.phase !== 'stopped') this.deps.stats.error(`leave:${res.code}`, res.message);
      if (this.phase !== 'stopped') this.retryTimer = this.deps.timers.after(100 + Math.random() * 400, () => void this.enter());
    });
  }

  private onDisconnect(reason: string): void {
    if (this.phase === 'stopped') return;
    this.deps.stats.disconnect();
    this.phase = 'between';
    this.deps.timers.cancel(this.inputTimer);
    this.inputTimer = null;
    this.lastSnapshotAt = null;
    if (reason === 'parse error' && this.config.wire === 'json') {
      this.deps.stats.error('wire-mismatch', 'the server sent frames the JSON parser cannot read: is it running with WIRE_FORMAT=binary? Then drop --wire json');
    }
    // socket.io reconnects by itself except when the server closed the socket on purpose.
    if (reason === 'io server disconnect') {
      this.retryTimer = this.deps.timers.after(RETRY_MS * (0.5 + Math.random()), () => {
        if (this.session && this.phase !== 'stopped') reconnect(this.session);
      });
    }
  }

  private schedulePing(delayMs: number): void {
    this.deps.timers.cancel(this.pingTimer);
    this.pingTimer = this.deps.timers.after(delayMs, () => {
      const conn = this.session?.match;
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
