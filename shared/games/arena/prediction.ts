/**
 * Client-side prediction of the own player, with reconciliation.
 *
 * The own player moves the moment a key is pressed: each input is applied locally with the
 * same `movePlayer` the server steps with. Every snapshot then says where the server has the
 * player after the last input it applied (`lastInputSeq`); the predictor rewinds to that
 * authoritative position and replays the inputs the server has not applied yet. Movement is
 * deterministic and walls are static, so the replay normally lands exactly where the
 * prediction was; when it does not (a dropped input, a respawn, a push by the rules) the
 * difference is smoothed away over a few frames when small and snapped when large.
 *
 * Replayed inputs are stepped with ticks snapshot.tick + 1, + 2, …: the server takes at most
 * one queued input per tick, so that is where it will apply them if they arrive in time.
 * Pure: no timers, no DOM, no Node APIs.
 */
import type { Snapshot } from './snapshot.ts';
import { movePlayer, type Position } from './sim/movement.ts';
import type { ArenaMap, Rules } from './sim/types.ts';

export interface PredictorOptions {
  map: ArenaMap;
  rules: Rules;
  playerId: number;
  /** Corrections larger than this snap instead of gliding (px). Default 64. */
  snapDistance?: number;
  /** How fast a small correction fades: fraction left after one second is e^-rate. Default 12. */
  smoothingRate?: number;
  /** Unacknowledged inputs kept; older ones are forgotten (the server dropped or applied them). Default 128. */
  maxPending?: number;
}

export interface ReconcileResult {
  /** Distance between where the client had predicted itself and the replayed position (px). */
  error: number;
  /** True when the correction was too large to smooth. */
  snapped: boolean;
  /** Inputs replayed on top of the authoritative position. */
  replayed: number;
}

interface PendingInput {
  seq: number;
  buttons: number;
}

export class Predictor {
  private readonly pending: PendingInput[] = [];
  private predicted: Position | null = null;
  private alive = true;
  /** Drawn position = predicted + offset; the offset decays to zero. */
  private readonly offset: Position = { x: 0, y: 0 };
  /** The tick the newest local input is expected to be applied at. */
  private tick = 0;
  private readonly opts: Required<PredictorOptions>;

  constructor(options: PredictorOptions) {
    this.opts = { snapDistance: 64, smoothingRate: 12, maxPending: 128, ...options };
  }

  /** Predicted position (no smoothing), or null before the first snapshot with this player. */
  get position(): Readonly<Position> | null {
    return this.predicted;
  }

  /** Inputs sent and not yet acknowledged by a snapshot. */
  get pendingCount(): number {
    return this.pending.length;
  }

  /**
   * Records an input just sent as `seq` and moves the prediction by it. `tick` is the server
   * tick it is expected to be applied at; by default the one after the previous input, which is
   * what the replay assumes too (a guess off by one tick moves at most 1/8 px differently).
   */
  applyInput(seq: number, buttons: number, tick = this.tick + 1): void {
    this.pending.push({ seq, buttons });
    if (this.pending.length > this.opts.maxPending) this.pending.shift();
    this.tick = tick;
    if (this.predicted && this.alive) movePlayer(this.predicted, buttons, this.opts.map, this.opts.rules, tick);
  }

  /** Rewinds to the server's word in `snapshot` and replays what it has not applied yet. */
  reconcile(snapshot: Snapshot): ReconcileResult {
    const me = snapshot.players.find((p) => p.id === this.opts.playerId);
    if (!me) return { error: 0, snapped: false, replayed: 0 };
    while (this.pending.length > 0 && this.pending[0]!.seq <= me.lastInputSeq) this.pending.shift();
    const before = this.predicted ? { x: this.predicted.x + this.offset.x, y: this.predicted.y + this.offset.y } : null;
    const next: Position = { x: me.x, y: me.y };
    this.alive = me.alive;
    if (me.alive) {
      let tick = snapshot.tick;
      for (const input of this.pending) movePlayer(next, input.buttons, this.opts.map, this.opts.rules, ++tick);
      this.tick = tick;
    }
    this.predicted = next;
    if (!before) return { error: 0, snapped: false, replayed: this.pending.length };
    const dx = before.x - next.x;
    const dy = before.y - next.y;
    const error = Math.hypot(dx, dy);
    const snapped = error > this.opts.snapDistance || !me.alive;
    this.offset.x = snapped ? 0 : dx;
    this.offset.y = snapped ? 0 : dy;
    return { error, snapped, replayed: me.alive ? this.pending.length : 0 };
  }

  /** Where to draw the own player after `dtMs` of frame time: prediction plus a fading correction. */
  renderPosition(dtMs: number): Position | null {
    if (!this.predicted) return null;
    const keep = Math.exp((-this.opts.smoothingRate * Math.max(0, dtMs)) / 1000);
    this.offset.x *= keep;
    this.offset.y *= keep;
    if (Math.abs(this.offset.x) < 1 / 64) this.offset.x = 0;
    if (Math.abs(this.offset.y) < 1 / 64) this.offset.y = 0;
    return { x: this.predicted.x + this.offset.x, y: this.predicted.y + this.offset.y };
  }

  /** The tick the newest input was predicted for. */
  get predictedTick(): number {
    return this.tick;
  }

  /** Forget everything (new match, rejoin). */
  reset(): void {
    this.pending.length = 0;
    this.predicted = null;
    this.offset.x = 0;
    this.offset.y = 0;
    this.alive = true;
    this.tick = 0;
  }
}
