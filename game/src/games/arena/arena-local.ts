/**
 * Arena's page-side netcode for one match: others drawn a little in the past between two
 * snapshots (interpolation), the own player drawn where its own inputs put it and corrected by
 * every snapshot (prediction), the respawn countdowns, and the hits the server confirmed for the
 * player's shots. The session feeds it snapshots and sent inputs; the scene reads it.
 */
import type { ArenaSetup } from '../../../../shared/games/arena/index.ts';
import { InterpolationBuffer, type RenderedPlayer } from '../../../../shared/games/arena/interpolation.ts';
import { Predictor } from '../../../../shared/games/arena/prediction.ts';
import type { Snapshot } from '../../../../shared/games/arena/snapshot.ts';
import type { MatchInfo } from '../../../../shared/protocol/events.ts';
import type { HitTally, MatchLocal, MatchLocalContext } from '../../game/page-game.ts';
import { HitFeedback } from './hit-feedback.ts';

export class ArenaLocal implements MatchLocal<Snapshot> {
  interpolation!: InterpolationBuffer;
  /** Null for a spectator and a replay: they send nothing to predict. */
  predictor: Predictor | null = null;
  /** The player's hits, damage and blocked shots from the snapshots' events (the scene draws them). */
  readonly feedback = new HitFeedback();
  /** Local time (ms) each slot was last seen dying: the respawn countdown runs from it. */
  private readonly diedAt = new Map<number, number>();
  private slot = -1;
  private latest: Snapshot | null = null;

  constructor(
    private info: MatchInfo & { setup: ArenaSetup },
    private readonly ctx: MatchLocalContext,
  ) {
    this.rejoined(info);
  }

  /** Interpolation and prediction start over from the keyframe that follows; hits and deaths stay counted. */
  rejoined(info: MatchInfo): void {
    this.info = info as MatchInfo & { setup: ArenaSetup };
    const tickMs = 1000 / info.tickRate;
    this.interpolation = new InterpolationBuffer({ snapshotIntervalMs: tickMs * info.snapshotEvery, tickRate: info.tickRate });
    this.predictor = this.ctx.predict ? new Predictor({ map: this.info.setup.map, rules: this.info.setup.rules, playerId: info.slot }) : null;
    this.slot = info.role === 'player' ? info.slot : -1;
    this.latest = null;
  }

  onSnapshot(s: Snapshot, now: number): void {
    this.latest = s;
    this.interpolation.push(s, now);
    if (this.predictor) this.ctx.stats.correction(this.predictor.reconcile(s).error);
    for (const p of s.players) {
      if (!p.alive && !this.diedAt.has(p.id)) this.diedAt.set(p.id, now);
      else if (p.alive) this.diedAt.delete(p.id);
    }
    this.feedback.onProjectiles(s.projectiles, this.slot);
    const mine = this.feedback.onEvents(s.events, this.slot);
    for (const f of mine) if (f.kind === 'hit') this.ctx.stats.setHitRewind((f.rewindTicks * 1000) / this.info.tickRate);
    for (const e of s.events) if (e.type === 'kill' && e.victimId === this.slot) this.ctx.killed(e.killerId, s.tick);
  }

  onInputSent(seq: number, input: object): void {
    this.predictor?.applyInput(seq, (input as { buttons: number }).buttons);
  }

  renderTick(now: number): number {
    return this.interpolation.renderTick(now);
  }

  interpDelayMs(): number {
    return this.interpolation.delayMs;
  }

  /** Milliseconds until `slot` respawns, or null when it is alive or unknown. */
  respawnInMs(slot: number): number | null {
    const at = this.diedAt.get(slot);
    if (at === undefined) return null;
    return Math.max(0, this.info.setup.rules.respawnDelayS * 1000 - (this.ctx.now() - at));
  }

  hits(): HitTally {
    const f = this.feedback;
    return { shots: f.shots, hits: f.hits, damage: f.damageDealt, blocked: f.blocked, recentRewinds: [...f.recentRewinds] };
  }

  /** Everyone as they should be drawn now: others interpolated, the own player predicted. */
  rendered(frameMs: number): { players: RenderedPlayer[]; renderTick: number } {
    const now = this.ctx.now();
    const players = this.interpolation.sample(now);
    const own = this.predictor?.renderPosition(frameMs);
    if (own) for (const p of players) if (p.id === this.info.slot && p.alive) Object.assign(p, own);
    // Projectiles fly on a formula of the tick, so a fractional tick draws them smoothly.
    const latest = this.latest;
    const t = this.interpolation.renderTime(now);
    const renderTick = latest && Number.isFinite(t) ? latest.tick + (t - latest.serverTime) / (1000 / this.info.tickRate) : (latest?.tick ?? 0);
    return { players, renderTick };
  }
}
