/**
 * Spectators of a public match, served from its recording: the match's own log is re-simulated
 * `delayTicks` behind the players by a copy of the game in the spectator engine (a worker
 * thread: spectator-engine.ts, spectator-feed.ts), and what they get is that copy's snapshots,
 * encoded there into a delta chain of their own. A spectator cannot call out positions to a
 * player ("ghosting"): nothing newer than the delay is ever in their stream.
 *
 * What the owner's thread does per spectated match: on each tick it posts one clock line (live
 * tick, its scheduled time, whether newcomers wait for a keyframe), the chunks the recorder cuts
 * anyway (once a second), and on a phase change one mark; it writes the frames that come back to
 * the spectators' room. No game step and no snapshot encode (BENCHMARKS.md, "Spectators from the
 * recording"). Nobody watching: no feed, nothing posted, nothing kept beyond the recorder's recent
 * log (which the killcams keep anyway). A newcomer's stream starts at once: the feed starts at
 * the newest kept checkpoint at or before `now - delay`.
 *
 * After the end the live match steps no more: `drain` moves the clock on a tick at a time so the
 * copy reaches the end, and spectators see it `delay` after the players did. A feed that breaks
 * (a damaged chunk, a state that differs from a checkpoint, the worker gone) is logged once per
 * kind and counted (game_spectator_feed_faults_total); the feed restarts at the next checkpoint,
 * or, the worker gone, opens again a second later on a new one. The players are never touched by any of this.
 *
 * Verbs: add / remove a spectator; `rekey` (a keyframe again for one); `live` (a tick of the match); `drain` (a tick after the end);
 * `close` (the match is gone).
 */
import type { SnapshotHeader } from '../../shared/game/game-definition.ts';
import type { Logger } from '../log.ts';
import type { Metrics } from '../metrics.ts';
import type { EngineFault, FeedChannel, SpectatorEngine } from './spectator-engine.ts';
import type { FeedSetup, PhaseMark, SpectatorFrame } from './spectator-feed.ts';
import type { ChunkListener, MatchRecorder } from './match-recorder.ts';

/**
 * The part of the spectators' room this uses (server/match's fan-out transport fits it; declared
 * here so that server/replay does not import the match folder, which composes it).
 */
export interface SpectatorRoom {
  /** Sends to every subscribed client; returns how many it reached. */
  broadcast(bytes: Uint8Array): number;
  send(subscriberId: string, bytes: Uint8Array): void;
  subscribe(subscriberId: string): void;
  unsubscribe(subscriberId: string): void;
  /** True when this client's outgoing buffer is so full that it should leave the chain. */
  isBackedUp(subscriberId: string): boolean;
  /** True when this client's outgoing buffer is empty again. */
  isDrained(subscriberId: string): boolean;
}

/** What this reads of the match's recorder. */
export type RecordingTap = Pick<MatchRecorder, 'recentFrom' | 'watch' | 'chunkUpTo'>;

export interface RecordedSpectatorsDeps {
  matchId: string;
  engine: SpectatorEngine;
  recording: RecordingTap;
  setup: FeedSetup;
  /** The spectators' room. */
  transport: SpectatorRoom;
  metrics: Metrics;
  log: Logger;
}

export class RecordedSpectators {
  private readonly watching = new Set<string>();
  private readonly fanout: FrameFanout;
  private channel: FeedChannel | null = null;
  /** The live match's phase changes (a handful per match), for the copy's snapshot headers. */
  private readonly phases: PhaseMark[] = [];
  private now = -1;
  private time = 0;
  /** After a lost feed, the tick from which a new one may open (a feed that keeps failing is not reopened every tick). */
  private reopenAt = -1;
  /** Fault kinds already logged for this match: a broken recording logs once, not every second. */
  private readonly logged = new Set<string>();

  constructor(private readonly deps: RecordedSpectatorsDeps) {
    this.fanout = new FrameFanout(deps.transport, deps.metrics);
  }

  get count(): number {
    return this.watching.size;
  }

  /** A feed is open (somebody watches). */
  get feeding(): boolean {
    return this.channel !== null;
  }

  add(subscriberId: string): void {
    this.watching.add(subscriberId);
    this.fanout.add(subscriberId);
    if (!this.channel && this.now >= 0) this.open();
  }

  remove(subscriberId: string): void {
    if (!this.watching.delete(subscriberId)) return;
    this.fanout.remove(subscriberId);
    if (this.watching.size === 0) this.shut();
  }

  /** The spectator's next frame is a keyframe again (its reader lost the chain's base); the feed goes on. */
  rekey(subscriberId: string): void {
    if (!this.watching.has(subscriberId)) return;
    this.fanout.remove(subscriberId);
    this.fanout.add(subscriberId);
  }

  /** The live match stepped `tick`, scheduled at `serverTime`; `snapshot`: the one it took, if any. */
  live(tick: number, serverTime: number, snapshot: SnapshotHeader | null): void {
    this.now = tick;
    this.time = serverTime;
    if (snapshot) this.marks(snapshot);
    if (this.watching.size === 0) return;
    if (!this.channel && tick >= this.reopenAt) this.open();
    if (!this.channel) return;
    this.deps.recording.chunkUpTo(tick - this.deps.setup.delayTicks);
    this.channel.clock(tick, serverTime, this.fanout.waitingForKeyframe);
  }

  /** A tick of the clock after the match ended: the copy moves on to the end. */
  drain(): void {
    if (this.now < 0) return;
    this.live(this.now + 1, this.time + 1000 / this.deps.setup.tickRate, null);
  }

  /** Off the spectators' room too: whoever watches now gets another stream. */
  close(): void {
    this.shut();
    for (const id of this.watching) this.fanout.remove(id);
    this.watching.clear();
  }

  private marks(s: SnapshotHeader): void {
    const last = this.phases.at(-1);
    if (last && last.phase === s.phase && last.phaseEndTick === s.phaseEndTick) return;
    const mark = { tick: s.tick, phase: s.phase, phaseEndTick: s.phaseEndTick };
    this.phases.push(mark);
    if (this.phases.length > 16) this.phases.shift();
    this.channel?.phase(mark);
  }

  private open(): void {
    const { engine, recording, setup } = this.deps;
    const channel = engine.open(setup, this.phases, {
      frame: (f) => this.channel === channel && this.fanout.deliver(f),
      fault: (f) => this.channel === channel && this.fault(f),
    });
    this.channel = channel;
    for (const { chunk, checkpoint } of recording.recentFrom(this.now - setup.delayTicks) ?? []) channel.chunk({ ...chunk, checkpoint });
    const listener: ChunkListener = (chunk, checkpoint) => this.channel === channel && channel.chunk({ ...chunk, checkpoint });
    recording.watch(listener);
  }

  private shut(): void {
    this.deps.recording.watch(null);
    this.channel?.close();
    this.channel = null;
  }

  private fault(f: EngineFault): void {
    this.deps.metrics.spectatorFeedFaults.inc({ kind: f.kind });
    if (!this.logged.has(f.kind)) {
      this.logged.add(f.kind);
      this.deps.log.warn({ matchId: this.deps.matchId, kind: f.kind, reason: f.message }, 'spectators\u2019 re-simulation fault: restarting from the recording');
    }
    // The worker is gone with the copy: a new feed from the recording, a second later.
    if (f.kind === 'worker') {
      this.shut();
      this.reopenAt = this.now + this.deps.setup.tickRate;
    }
  }
}

/**
 * The spectators' room fed with frames encoded elsewhere: the chain's bytes to everybody on it,
 * a personal keyframe (asked of the feed, which sends it beside the chain's bytes) for
 * newcomers and for readers taken off the chain because their socket backed up.
 */
export class FrameFanout {
  private readonly onChain = new Set<string>();
  private readonly waiting = new Set<string>();

  constructor(
    private readonly transport: SpectatorRoom,
    private readonly metrics: Metrics,
  ) {}

  get waitingForKeyframe(): boolean {
    return this.waiting.size > 0;
  }

  add(id: string): void {
    this.waiting.add(id);
  }

  remove(id: string): void {
    this.waiting.delete(id);
    if (this.onChain.delete(id)) this.transport.unsubscribe(id);
  }

  deliver(frame: SpectatorFrame): void {
    for (const id of this.onChain) {
      if (!this.transport.isBackedUp(id)) continue;
      this.onChain.delete(id);
      this.transport.unsubscribe(id);
      this.waiting.add(id);
      this.metrics.slowConsumers.inc();
    }
    const kind = frame.key ? 'key' : 'delta';
    this.metrics.snapshotsEncoded.inc({ kind });
    const reached = this.onChain.size > 0 ? this.transport.broadcast(frame.bytes) : 0;
    this.metrics.snapshotBytes.inc({ kind }, frame.bytes.length * reached);
    const key = frame.keyframe;
    if (!key) return;
    for (const id of this.waiting) {
      if (!this.transport.isDrained(id)) continue;
      this.transport.send(id, key);
      this.metrics.snapshotBytes.inc({ kind: 'key' }, key.length);
      this.waiting.delete(id);
      this.onChain.add(id);
      this.transport.subscribe(id);
    }
  }
}
