/**
 * The spectators' stream of one match, made from the match's own recording: a copy of the game,
 * restored from a checkpoint of the recording and stepped with the recorded ticks `delayTicks`
 * behind the live match, whose snapshots go through the game's own codec into a delta chain of
 * their own (keyframes for newcomers on request, and every `keyframeEveryTicks`). Pure and
 * synchronous: it runs in the spectator worker (spectator-worker.ts), off the owner's tick, or
 * in-thread in tests.
 *
 * Verbs:
 * - `chunk`: a piece of the log as the recorder cut it (recent-log.ts: chunks that start at a
 *   checkpoint say so); read as it comes, with the inputs' bases carried from chunk to chunk;
 * - `phase`: the live match's phase changed at a tick (the recording knows play began and the
 *   game ended, not the countdown nor the phase's end tick the HUD counts down to);
 * - `clock`: the live match stepped `liveTick` at `serverTime`; the copy steps up to
 *   `liveTick - delayTicks` and answers the frame of its newest snapshot (none when no snapshot
 *   was due). Stepping more than one tick at once (the first frame, a restart) answers only the
 *   newest snapshot: what a newcomer needs is now, not a burst of the past.
 *
 * Header fields: serverTime is the live clock moved back by the ticks between (`serverTime -
 * (liveTick - tick) × tickMs`: the live time of that tick on a steady scheduler), never earlier
 * than the previous frame's; phase and phaseEndTick come from the live match's phase changes.
 * lastInputSeq is 0 for everybody: a spectator has no inputs to reconcile.
 *
 * Faults never throw: a chunk that does not read, a checkpoint of another replay, a gap in the
 * log, a game that throws on a recorded tick, or a state that differs from a later checkpoint
 * (hash): each is reported once through `fault` and the copy starts again at the next
 * checkpoint of the log (a divergence: at that very checkpoint). Meanwhile the stream waits.
 */
import type { AnyGame, InputHeader, SnapshotHeader } from '../../shared/game/game-definition.ts';
import { MatchPhase } from '../../shared/game/phase.ts';
import { fromCheckpoint, stepTick, type PlayableTick, type Playhead } from '../../shared/replay/resimulate.ts';
import { stateHash } from '../../shared/replay/state-hash.ts';
import { inputFromCanonical, TickLogReader, type TickCheckpoint } from '../../shared/replay/tick-log.ts';

export interface FeedSetup {
  game: string;
  gameVersion: number;
  replayId: string;
  slots: number;
  snapshotEvery: number;
  tickRate: number;
  delayTicks: number;
  keyframeEveryTicks: number;
}

/** From `tick` on (its snapshot included) the live match was in `phase`. */
export interface PhaseMark {
  tick: number;
  phase: MatchPhase;
  phaseEndTick: number;
}

export interface FeedChunk {
  fromTick: number;
  toTick: number;
  bytes: Uint8Array;
  /** The chunk's first record carries a checkpoint. */
  checkpoint: boolean;
}

export interface SpectatorFrame {
  tick: number;
  /** A delta against the previous frame, or a keyframe (`key`). */
  bytes: Uint8Array;
  key: boolean;
  /** A keyframe of the same snapshot for newcomers, when asked for (the bytes themselves when `key`). */
  keyframe: Uint8Array | null;
}

export type FeedFaultKind = 'corrupt' | 'diverged' | 'gap';
export interface FeedFault {
  kind: FeedFaultKind;
  message: string;
}

/** Phase marks kept: a match changes phase a handful of times. */
const MAX_PHASES = 16;

export class SpectatorFeed {
  private readonly tickMs: number;
  private reader: TickLogReader | null = null;
  /** The tick the next chunk must start at; null before the first. */
  private nextChunk: number | null = null;
  /** Decoded ticks not stepped yet, oldest first, from `start` on. */
  private ticks: PlayableTick[] = [];
  private start = 0;
  private head: Playhead | null = null;
  private base: SnapshotHeader | null = null;
  private lastKeyTick = -Infinity;
  private lastServerTime = -Infinity;
  private keyAsked = false;
  private phases: PhaseMark[] = [];
  /** What the re-simulation steps need of a replay: its game. */
  private readonly sim: { game: AnyGame };

  constructor(
    private readonly game: AnyGame,
    private readonly setup: FeedSetup,
    private readonly fault: (f: FeedFault) => void,
  ) {
    this.tickMs = 1000 / setup.tickRate;
    this.sim = { game };
  }

  /** The tick the copy is at (null before its first checkpoint). */
  get tick(): number | null {
    return this.head ? this.game.tickOf(this.head.state) : null;
  }

  /** Decoded ticks waiting to be stepped (tests, memory). */
  get pending(): number {
    return this.ticks.length - this.start;
  }

  chunk(c: FeedChunk): void {
    if (this.nextChunk !== null && c.fromTick !== this.nextChunk && !c.checkpoint) {
      this.report('gap', `the log jumps from tick ${this.nextChunk - 1} to ${c.fromTick}: waiting for a checkpoint`);
      this.reader = null;
    }
    this.nextChunk = c.toTick + 1;
    if (c.checkpoint) this.reader = new TickLogReader(this.setup.slots, this.setup.snapshotEvery);
    if (!this.reader) return;
    const read = this.reader.read(c.bytes, c.fromTick, c.toTick - c.fromTick + 1);
    if (!read.ok) return this.corrupt(`a chunk of ticks ${c.fromTick}-${c.toTick} does not read: ${read.message}`);
    if (read.ticks.length !== c.toTick - c.fromTick + 1) return this.corrupt(`a chunk of ticks ${c.fromTick}-${c.toTick} holds ${read.ticks.length} ticks`);
    for (const rec of read.ticks) {
      const inputs: PlayableTick['inputs'] = [];
      for (const { slot, bytes } of rec.inputs) {
        const decoded = this.game.inputCodec.decode(bytes);
        if (!decoded.ok) return this.corrupt(`the input of slot ${slot} at tick ${rec.tick}: ${decoded.message}`);
        inputs.push({ slot, input: inputFromCanonical(decoded.value as InputHeader, rec.tick) });
      }
      if (rec.checkpoint && rec.checkpoint.replay !== this.setup.replayId) return this.corrupt(`the checkpoint at tick ${rec.checkpoint.tick} is of another replay`);
      this.ticks.push({ tick: rec.tick, checkpoint: rec.checkpoint, events: rec.events, beginPlay: rec.beginPlay, inputs, snapshot: rec.snapshot });
    }
  }

  phase(mark: PhaseMark): void {
    if (this.phases.length > 0 && this.phases.at(-1)!.tick >= mark.tick) this.phases = this.phases.filter((m) => m.tick < mark.tick);
    this.phases.push(mark);
    if (this.phases.length > MAX_PHASES) this.phases.shift();
  }

  /** The next frame is a keyframe for newcomers (as `keyframe`, beside the chain's bytes). */
  keyframeSoon(): void {
    this.keyAsked = true;
  }

  /** The live match stepped `liveTick`, scheduled at `serverTime`: the frame now due, if any. */
  clock(liveTick: number, serverTime: number): SpectatorFrame | null {
    const due = liveTick - this.setup.delayTicks;
    let newest: SnapshotHeader | null = null;
    while (this.start < this.ticks.length && this.ticks[this.start]!.tick <= due) {
      const t = this.ticks[this.start++]!;
      const made = this.stepOne(t);
      if (made) newest = made;
    }
    if (this.start > 256 && this.start * 2 > this.ticks.length) {
      this.ticks = this.ticks.slice(this.start);
      this.start = 0;
    }
    return newest ? this.frame(newest, liveTick, serverTime) : null;
  }

  /** Steps one recorded tick; the snapshot model it made, if any. */
  private stepOne(t: PlayableTick): SnapshotHeader | null {
    const at = this.tick;
    if (t.checkpoint) {
      if (this.head === null || at !== t.checkpoint.tick) {
        if (!this.restart(t.checkpoint)) return null;
      } else {
        const live = stateHash(this.game.toState(this.head.state));
        const recorded = stateHash(t.checkpoint.state);
        if (live !== recorded || this.head.playing !== t.checkpoint.playing) {
          this.report('diverged', `the copy's state at tick ${t.checkpoint.tick} differs from the recording's checkpoint (hash ${live}, recorded ${recorded}): restarted there`);
          if (!this.restart(t.checkpoint)) return null;
        }
      }
    } else if (this.head === null || at !== t.tick - 1) {
      return null;
    }
    const head = this.head!;
    const before = head.snapshot;
    const bad = stepTick(this.sim, head, t);
    if (bad) {
      this.head = null;
      this.report(bad.code === 'DIVERGED' ? 'diverged' : 'corrupt', `${bad.message}: waiting for the next checkpoint`);
      return null;
    }
    return t.snapshot && head.snapshot !== before ? (head.snapshot as SnapshotHeader) : null;
  }

  private restart(cp: TickCheckpoint): boolean {
    const start = fromCheckpoint(this.sim, cp);
    if (!start.ok) {
      this.head = null;
      this.report('corrupt', `${start.message}: waiting for the next checkpoint`);
      return false;
    }
    // The last snapshot stays the base of the next (velocities), as on the live match.
    if (this.head) start.value.snapshot = this.head.snapshot;
    this.head = start.value;
    return true;
  }

  private frame(model: SnapshotHeader, liveTick: number, serverTime: number): SpectatorFrame {
    const mark = this.phaseAt(model.tick);
    const ended = this.head?.ended === true && this.game.tickOf(this.head.state) === model.tick;
    const phase = ended ? MatchPhase.Ended : (mark?.phase ?? model.phase);
    const time = Math.max(this.lastServerTime, Math.round(serverTime - (liveTick - model.tick) * this.tickMs));
    this.lastServerTime = time;
    const framed = { ...model, serverTime: time, phase, phaseEndTick: ended ? model.tick : (mark?.phaseEndTick ?? 0) } as SnapshotHeader;
    const codec = this.game.snapshotCodec;
    const key = this.base === null || framed.tick - this.lastKeyTick >= this.setup.keyframeEveryTicks;
    const bytes = key ? codec.encodeKeyframe(framed) : codec.encodeDelta(this.base!, framed);
    if (key) this.lastKeyTick = framed.tick;
    const keyframe = key ? bytes : this.keyAsked ? codec.encodeKeyframe(framed) : null;
    this.keyAsked = false;
    this.base = framed;
    return { tick: framed.tick, bytes, key, keyframe };
  }

  private phaseAt(tick: number): PhaseMark | null {
    let found: PhaseMark | null = null;
    for (const m of this.phases) if (m.tick <= tick) found = m;
    return found;
  }

  private corrupt(message: string): void {
    this.reader = null;
    this.report('corrupt', `${message}: waiting for the next checkpoint`);
  }

  private report(kind: FeedFaultKind, message: string): void {
    this.fault({ kind, message });
  }
}
