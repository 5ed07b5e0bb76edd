/**
 * Records one match into its replay: the runner's journal (every call that changed the game's
 * state) goes into a tick log, a checkpoint of the game's state every 10 s, and every second the
 * log so far goes to the replay store as a chunk. Store calls run one after another, off the
 * tick; a refused one (another node took the replay over, the store lost it) stops the recording
 * with a log line, never the match.
 *
 * Failover: the match's own checkpoint (written every second by the cluster) carries
 * `checkpoint()`, the log since the last chunk the store acknowledged. The adopting node cuts
 * the stored log back to that tick, appends what the checkpoint carried and, with a fresh epoch
 * that fences the old writer out, goes on with a checkpoint of the state it adopted: the
 * adopted match extends the same replay, and verify checks the seam like any checkpoint.
 */
import { randomBytes } from 'node:crypto';
import type { AnyGame, InputHeader } from '../../shared/game/game-definition.ts';
import type { Visibility } from '../../shared/protocol/lobby-events.ts';
import type { Replay, ReplayChunk, ReplayEnd, ReplayHeader } from '../../shared/replay/replay-format.ts';
import { stateHash } from '../../shared/replay/state-hash.ts';
import { canonicalInput, REPLAY_TICK_LOG_VERSION, TickLogWriter, type EncodeInto } from '../../shared/replay/tick-log.ts';
import type { Logger } from '../log.ts';
import type { MatchJournal } from './journal.ts';
import type { KillcamBudget } from './killcams.ts';
import { RecentLog } from './recent-log.ts';
import type { ReplaySeat, ReplayStore } from './replay-store.ts';

export interface ReplayRecording {
  store: ReplayStore;
  log: Logger;
  /** Epoch ms, for createdAt / endedAt. */
  now: () => number;
  /** A checkpoint of the game's state at least this often (ticks). */
  checkpointEveryTicks: number;
  /** The log goes to the store this often (ticks). */
  flushEveryTicks: number;
  /** Killcams of the node's matches: the log kept for them and the bound on their building; absent: none. */
  killcams?: { keepTicks: number; budget: KillcamBudget };
  /**
   * Delayed spectators are served from the recording (recorded-spectators.ts): the log kept in
   * memory reaches this far back (the delay, so a spectator's stream starts at once); absent: none.
   */
  spectators?: { keepTicks: number };
}

/** A chunk as the recorder cut it, and whether its first record carries a checkpoint. */
export type ChunkListener = (chunk: ReplayChunk, checkpoint: boolean) => void;

/** What a match's own checkpoint carries of its recording, to be continued elsewhere. */
export interface RecordingCheckpoint {
  replayId: string;
  /** The last tick the store acknowledged. */
  durableTo: number;
  /** The tick the match's checkpoint is at: `pending` covers durableTo+1..toTick. */
  toTick: number;
  /** The log not yet acknowledged, base64. */
  pending: string;
}

/** What the recorder reads of the match it records. */
export interface RecordedRunner {
  readonly currentTick: number;
  readonly playing: boolean;
  gameState(): unknown;
  /** The same data, possibly the live state's own objects: read at once, never kept. */
  gameStateView(): unknown;
}

export interface RecordedMatch {
  matchId: string;
  game: AnyGame;
  mode: string;
  visibility: Visibility;
  options: Record<string, number>;
  seed: number;
  tickRate: number;
  snapshotEvery: number;
  maxPlayers: number;
}

export class MatchRecorder implements MatchJournal {
  readonly replayId: string;
  private readonly epoch = randomBytes(8).toString('hex');
  private readonly writer: TickLogWriter;
  private readonly encode: (input: InputHeader) => Uint8Array;
  /** The codec's `encodeInto` when it has one: the input straight into the log's buffers. */
  private readonly encodeInto: EncodeInto | null;
  /** Chunks handed to the store and not yet acknowledged, oldest first. */
  private unacked: ReplayChunk[] = [];
  private durableTo: number;
  /** The last tick moved into a chunk. */
  private chunkedTo: number;
  private lastTick: number;
  private seats: ReplaySeat[] = [];
  private chain: Promise<void> = Promise.resolve();
  private off = false;
  private finished = false;
  /** Matches of a node checkpoint on different ticks, not all on the same one. */
  private readonly checkpointPhase: number;
  /** The last seconds of the log, for killcams; null when none are kept. */
  private readonly recent: RecentLog | null;
  /** The next chunk starts with a checkpoint (each checkpoint starts a chunk: recent-log.ts). */
  private chunkAtCheckpoint = false;
  private readonly createdAt: number;
  /** Told every chunk as it is cut (the spectators' re-simulation), while somebody watches. */
  private listener: ChunkListener | null = null;

  private constructor(
    private readonly ctx: ReplayRecording,
    private readonly match: RecordedMatch,
    private readonly runner: RecordedRunner,
    replayId: string,
    startTick: number,
  ) {
    this.replayId = replayId;
    this.writer = new TickLogWriter(match.maxPlayers, match.snapshotEvery);
    const codec = match.game.inputCodec;
    this.encode = (input) => codec.encode(input);
    this.encodeInto = codec.encodeInto ? (input, out, offset, end) => codec.encodeInto!(input, out, offset, end) : null;
    this.durableTo = startTick;
    this.chunkedTo = startTick;
    this.lastTick = startTick;
    let h = 0;
    for (let i = 0; i < replayId.length; i++) h = (h * 31 + replayId.charCodeAt(i)) >>> 0;
    this.checkpointPhase = h % ctx.checkpointEveryTicks;
    const keep = Math.max(ctx.killcams?.keepTicks ?? -1, ctx.spectators?.keepTicks ?? -1);
    this.recent = keep >= 0 ? new RecentLog(keep) : null;
    this.createdAt = ctx.now();
  }

  /** A new match: a new replay, which starts with the state the setup and seed made. */
  static start(ctx: ReplayRecording, match: RecordedMatch, runner: RecordedRunner): MatchRecorder {
    const replayId = randomBytes(16).toString('base64url');
    const rec = new MatchRecorder(ctx, match, runner, replayId, runner.currentTick);
    const header = rec.header();
    rec.queue('create', async () => {
      await ctx.store.create(header, rec.epoch, header.createdAt);
      return 'ok';
    });
    rec.markCheckpoint();
    return rec;
  }

  /** A match adopted from its checkpoint: the same replay, continued from the checkpoint's tick. */
  static adopt(ctx: ReplayRecording, match: RecordedMatch, runner: RecordedRunner, from: RecordingCheckpoint): MatchRecorder {
    const rec = new MatchRecorder(ctx, match, runner, from.replayId, from.durableTo);
    const carried = Buffer.from(from.pending, 'base64');
    const chunk = carried.length > 0 && from.toTick > from.durableTo ? { fromTick: from.durableTo + 1, toTick: from.toTick, bytes: new Uint8Array(carried) } : null;
    if (from.toTick !== runner.currentTick || (chunk === null && from.toTick !== from.durableTo)) {
      ctx.log.warn({ matchId: match.matchId, replayId: from.replayId }, 'replay not continued: the checkpoint does not carry its log up to its tick');
      rec.off = true;
      return rec;
    }
    if (chunk) rec.unacked.push(chunk);
    rec.chunkedTo = rec.lastTick = runner.currentTick;
    rec.queue('adopt', async () => {
      const outcome = await ctx.store.adopt(from.replayId, rec.epoch, from.durableTo, chunk);
      if (outcome === 'ok') rec.acknowledge(chunk?.toTick ?? from.durableTo);
      return outcome;
    });
    rec.markCheckpoint();
    return rec;
  }

  get recording(): boolean {
    return !this.off && !this.finished;
  }

  /** The recording stopped before the match ended (refused or failed by the store, or moved away). */
  get stopped(): boolean {
    return this.off;
  }

  /** Who sits where (players and bots), for the replay's header and private replays' access. */
  seat(slot: number, kind: 'enter' | 'away' | 'gone'): void {
    if (this.recording) this.writer.seat(slot, kind);
  }

  sat(seat: ReplaySeat): void {
    this.seats.push({ ...seat });
  }

  beginPlay(): void {
    if (this.recording) this.writer.beginPlay();
  }

  input(slot: number, input: InputHeader, tick: number): void {
    if (!this.recording) return;
    if (this.encodeInto !== null) this.writer.inputFrom(slot, this.encodeInto, input, tick);
    else this.writer.input(slot, canonicalInput(this.encode, input, tick));
  }

  stepped(tick: number, snapshot: boolean): void {
    if (!this.recording) return;
    this.writer.endTick(tick, snapshot);
    this.lastTick = tick;
    if ((tick + this.checkpointPhase) % this.ctx.checkpointEveryTicks === 0) {
      if (this.recent) this.flush();
      this.markCheckpoint();
    }
    if (tick - this.chunkedTo >= this.ctx.flushEveryTicks) this.flush();
  }

  /** For the match's checkpoint: the log the store has not acknowledged, up to now. */
  checkpoint(): RecordingCheckpoint | null {
    if (!this.recording) return null;
    this.flush();
    const bytes = Buffer.concat(this.unacked.map((c) => c.bytes));
    return { replayId: this.replayId, durableTo: this.durableTo, toTick: this.lastTick, pending: bytes.toString('base64') };
  }

  /** The match is over (or every player left): the rest of the log, then the results. */
  finish(end: Omit<ReplayEnd, 'tick' | 'stateHash' | 'after'>): void {
    if (!this.recording) return;
    this.flush();
    this.finished = true;
    const after = this.writer.trailing();
    const full: ReplayEnd = { ...end, tick: this.lastTick, stateHash: stateHash(this.runner.gameStateView()), ...(after.length > 0 && { after }) };
    const endedAt = this.ctx.now();
    this.queue('finish', () => this.ctx.store.finish(this.replayId, this.epoch, full, endedAt));
  }

  /**
   * The recording from the newest checkpoint at or before `fromTick` up to `toTick` at least
   * (what a killcam re-simulates), as a replay whose log starts there; null when it is not kept.
   * Copies nothing; flushes (one more chunk to the store) only when the chunks end before `toTick`,
   * so asking again for the same death adds nothing.
   */
  recentSlice(fromTick: number, toTick: number): Replay | null {
    if (!this.recording || !this.recent) return null;
    if (this.chunkedTo < toTick) this.flush();
    const chunks = this.recent.from(fromTick);
    if (!chunks) return null;
    return { header: this.header(), chunks, end: null };
  }

  /**
   * The kept chunks from the newest checkpoint at or before `tick` (the oldest kept one when
   * `tick` is older), each with whether it starts at a checkpoint; null when none is kept.
   */
  recentFrom(tick: number): { chunk: ReplayChunk; checkpoint: boolean }[] | null {
    if (!this.recording || !this.recent) return null;
    return this.recent.keptFrom(tick);
  }

  /** From now on every chunk cut is told to `listener` too (null: nobody). */
  watch(listener: ChunkListener | null): void {
    this.listener = listener;
  }

  /** Cuts a chunk now if the chunks end before `tick` (a spectators' delay shorter than the flush interval). */
  chunkUpTo(tick: number): void {
    if (this.recording && this.chunkedTo < tick) this.flush();
  }

  /** The replay's header as the match began (its players and end come with the match's end). */
  private header(): ReplayHeader {
    const { match } = this;
    return {
      replayId: this.replayId,
      matchId: match.matchId,
      game: match.game.id,
      gameVersion: match.game.version,
      tickLog: REPLAY_TICK_LOG_VERSION,
      mode: match.mode,
      visibility: match.visibility,
      options: match.options,
      seed: match.seed,
      tickRate: match.tickRate,
      snapshotEvery: match.snapshotEvery,
      slots: match.maxPlayers,
      createdAt: this.createdAt,
      endedAt: null,
      players: [],
    };
  }

  /** Another node owns the match now: not a word more to the store. */
  stop(): void {
    this.off = true;
  }

  /** Resolves once every store call queued so far has answered (tests, drain). */
  settled(): Promise<void> {
    return this.chain;
  }

  private markCheckpoint(): void {
    this.chunkAtCheckpoint = true;
    // checkpoint() packs the state before returning: the live state's objects are not kept.
    this.writer.checkpoint({ replay: this.replayId, tick: this.runner.currentTick, playing: this.runner.playing, state: this.runner.gameStateView() });
  }

  private flush(): void {
    if (this.lastTick === this.chunkedTo) return;
    const chunk: ReplayChunk = { fromTick: this.chunkedTo + 1, toTick: this.lastTick, bytes: this.writer.take() };
    this.chunkedTo = this.lastTick;
    this.unacked.push(chunk);
    this.recent?.add(chunk, this.chunkAtCheckpoint);
    this.listener?.(chunk, this.chunkAtCheckpoint);
    this.chunkAtCheckpoint = false;
    const seats = this.seats;
    this.seats = [];
    this.queue('append', async () => {
      const outcome = await this.ctx.store.append(this.replayId, this.epoch, chunk, seats);
      if (outcome === 'ok') this.acknowledge(chunk.toTick);
      return outcome;
    });
  }

  private acknowledge(toTick: number): void {
    this.durableTo = toTick;
    this.unacked = this.unacked.filter((c) => c.toTick > toTick);
  }

  private queue(what: string, op: () => Promise<string>): void {
    this.chain = this.chain.then(async () => {
      if (this.off) return;
      try {
        const outcome = await op();
        if (outcome === 'ok') return;
        this.off = true;
        this.ctx.log.warn({ matchId: this.match.matchId, replayId: this.replayId, outcome }, `replay ${what} refused: recording stopped`);
      } catch (error) {
        this.off = true;
        this.ctx.log.warn({ matchId: this.match.matchId, replayId: this.replayId, err: error }, `replay ${what} failed: recording stopped`);
      }
    });
  }
}
