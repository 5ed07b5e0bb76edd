/**
 * Watches a replay: re-simulates its log through the game and hands out, at each tick where the
 * runner took one, the snapshot a client of the match received, encoded and decoded by the
 * game's own snapshot codec (so what is drawn is quantized exactly as on the wire). Pure and
 * synchronous (no DOM, no timers): the page's viewer drives it from its frame loop, a test tick
 * by tick.
 *
 * Verbs:
 * - `seek(tick)`: the nearest checkpoint at or before `tick`, then the ticks after it up to
 *   `tick` (at most one checkpoint interval, 10 s of the match, re-simulated);
 * - `step()`: one recorded tick forward; the snapshot it made, if any;
 * - `current()`: the snapshot of the state now (after a seek, before the next recorded one).
 *
 * The header fields a client reads for its clock (serverTime, phaseEndTick) come from the tick:
 * serverTime is the match's own time (tick × tick length), so interpolation and the HUD's clock
 * run in match time whatever the playback speed.
 */
import type { SnapshotHeader } from '../game/game-definition.ts';
import { MatchPhase } from '../game/phase.ts';
import { fromCheckpoint, startOf, stepTick, type Playhead, type PreparedReplay, type ReplayError } from './resimulate.ts';

export class ReplayPlayer {
  /** The tick the state is at (0: the setup, before the first tick). */
  private at = 0;
  private head: Playhead;
  /** The first tick whose record begins play, and what beginPlay answered there (the match's time limit). */
  private readonly beginIndex: number;
  private endOfPlay = 0;
  readonly tickMs: number;

  private constructor(
    readonly prepared: PreparedReplay,
    start: Playhead,
  ) {
    this.head = start;
    this.tickMs = 1000 / prepared.replay.header.tickRate;
    this.beginIndex = prepared.ticks.findIndex((t) => t.beginPlay);
  }

  /** Ready at the start of the match. Never throws: a file the game refuses answers why. */
  static open(prepared: PreparedReplay): { ok: true; value: ReplayPlayer } | ReplayError {
    const start = startOf(prepared);
    if (!start.ok) return start;
    const player = new ReplayPlayer(prepared, start.value);
    // A seek lands after play began without stepping over beginPlay: learn its answer once.
    if (player.beginIndex >= 0) {
      const end = player.beginPlayAnswer();
      if (!end.ok) return end;
      player.endOfPlay = end.value;
    }
    return { ok: true, value: player };
  }

  /**
   * What beginPlay answered on the record that begins play, stepped from the newest checkpoint at
   * or before that record: a checkpoint after it holds a state already playing, which does not
   * say (the recorder places checkpoints by a phase taken from the replay id, so one can sit on
   * the very next record).
   */
  private beginPlayAnswer(): { ok: true; value: number } | ReplayError {
    const { ticks, checkpoints } = this.prepared;
    let from = -1;
    for (const index of checkpoints) {
      if (index <= this.beginIndex) from = index;
      else break;
    }
    const start = from < 0 ? startOf(this.prepared) : fromCheckpoint(this.prepared, ticks[from]!.checkpoint!);
    if (!start.ok) return start;
    const head = start.value;
    for (let i = Math.max(0, from); i <= this.beginIndex; i++) {
      const bad = safeStep(this.prepared, head, ticks[i]!);
      if (bad) return bad;
    }
    return { ok: true, value: head.phaseEndTick };
  }

  /** The tick the state is at now. */
  get tick(): number {
    return this.at;
  }

  /** The last tick of the log. */
  get lastTick(): number {
    return this.prepared.ticks.at(-1)?.tick ?? 0;
  }

  get ended(): boolean {
    return this.at >= this.lastTick;
  }

  /** The tick of the checkpoint a seek to `tick` starts from. */
  checkpointBefore(tick: number): number {
    const { ticks, checkpoints } = this.prepared;
    let best = 0;
    for (const index of checkpoints) {
      const cp = ticks[index]!.checkpoint!;
      if (cp.tick <= tick) best = cp.tick;
      else break;
    }
    return best;
  }

  /**
   * Goes to `tick` (clamped to the log): from the nearest checkpoint at or before it, stepping
   * what lies between. Null when done; a game that fails on the file answers why (the player
   * then stays where it was).
   */
  seek(tick: number): ReplayError | null {
    const target = Math.max(0, Math.min(this.lastTick, Math.floor(tick)));
    const { ticks, checkpoints } = this.prepared;
    let from = -1;
    for (const index of checkpoints) {
      if (ticks[index]!.checkpoint!.tick <= target) from = index;
      else break;
    }
    let head: Playhead;
    let index: number;
    if (from < 0) {
      const start = startOf(this.prepared);
      if (!start.ok) return start;
      head = start.value;
      index = 0;
    } else {
      const cp = fromCheckpoint(this.prepared, ticks[from]!.checkpoint!);
      if (!cp.ok) return cp;
      head = cp.value;
      index = from;
    }
    if (head.playing && this.beginIndex >= 0 && index > this.beginIndex) head.phaseEndTick = this.endOfPlay;
    for (; index < ticks.length && ticks[index]!.tick <= target; index++) {
      const bad = safeStep(this.prepared, head, ticks[index]!);
      if (bad) return bad;
    }
    this.head = head;
    this.at = target;
    return null;
  }

  /** One tick forward: the snapshot the runner took on it, or null (none taken, or the log's end). */
  step(): { ok: true; snapshot: SnapshotHeader | null } | ReplayError {
    const t = this.prepared.ticks[this.at];
    if (!t) return { ok: true, snapshot: null };
    const before = this.head.snapshot;
    const bad = safeStep(this.prepared, this.head, t);
    if (bad) return bad;
    this.at = t.tick;
    return { ok: true, snapshot: t.snapshot && this.head.snapshot !== before ? this.wire(this.head.snapshot as SnapshotHeader) : null };
  }

  /**
   * The state now as a client would see it: the game's snapshot of it, without calling the game
   * on the live state (a snapshot may change it): on a copy made from its plain data.
   */
  current(): SnapshotHeader | null {
    const { game } = this.prepared;
    try {
      const copy = game.fromState(game.toState(this.head.state));
      if (!copy.ok) return null;
      const phase = this.head.ended ? MatchPhase.Ended : this.head.playing ? MatchPhase.Playing : MatchPhase.Waiting;
      const model = game.snapshot(copy.value, null, { serverTime: 0, phase, phaseEndTick: 0, lastInputSeq: new Map() }) as SnapshotHeader;
      return this.wire(model);
    } catch {
      return null;
    }
  }

  /** The game's setup of the match (what its scene draws the world from). */
  setup(): unknown {
    return this.prepared.game.setup(this.head.state);
  }

  /** Through the game's codec, with the match's own clock in the header. */
  private wire(model: SnapshotHeader): SnapshotHeader | null {
    const { snapshotCodec } = this.prepared.game;
    const framed = {
      ...model,
      serverTime: Math.round(model.tick * this.tickMs),
      phaseEndTick: model.phase === MatchPhase.Playing ? this.head.phaseEndTick : 0,
    };
    const decoded = snapshotCodec.decode(snapshotCodec.encodeKeyframe(framed), null);
    return decoded.ok ? (decoded.value as SnapshotHeader) : null;
  }
}

function safeStep(p: PreparedReplay, head: Playhead, t: PreparedReplay['ticks'][number]): ReplayError | null {
  try {
    return stepTick(p, head, t);
  } catch (e) {
    return { ok: false, code: 'CORRUPT', message: `the game failed at tick ${t.tick}: ${(e as Error).message}` };
  }
}
