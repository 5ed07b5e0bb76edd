/**
 * The match as the scenes draw it: the latest snapshots, the roster, and for Arena the
 * interpolation of others and the prediction of the own player; the input loop that asks the
 * scene for a command once per server tick; and the HUD figures, dispatched to the store only
 * when they change. Netcode stays in the SDK (shared/client): this file keeps what it hands
 * over and feeds the net graph.
 */
import { browserTimers, InputLoop } from '../../../shared/client/input-loop.ts';
import type { PlayerClient } from '../../../shared/client/player-client.ts';
import type { SnapshotHeader } from '../../../shared/game/game-definition.ts';
import { MatchPhase } from '../../../shared/game/phase.ts';
import type { ArenaSetup } from '../../../shared/games/arena/index.ts';
import { InterpolationBuffer, type RenderedPlayer } from '../../../shared/games/arena/interpolation.ts';
import { Predictor } from '../../../shared/games/arena/prediction.ts';
import type { Snapshot } from '../../../shared/games/arena/snapshot.ts';
import type { CyclesSetup } from '../../../shared/games/cycles/index.ts';
import type { MatchInfo, PlayerInfo } from '../../../shared/protocol/events.ts';
import { matchActions, type Hud } from '../state/match-slice.ts';
import type { AppDispatch } from '../state/store.ts';
import { HitFeedback } from './hit-feedback.ts';
import { arenaModel, cyclesModel, sameHud, type HudModel } from './hud-model.ts';
import type { NetStats } from './net-stats.ts';

type Timer = ReturnType<typeof setTimeout>;

export interface MatchSessionDeps {
  dispatch: AppDispatch;
  stats: NetStats;
  /** Local monotonic clock (ms). */
  now?: () => number;
  /** Wall clock for feed entries (ms). */
  wallClock?: () => number;
  /**
   * A replay's session: the snapshots come from a re-simulation, so nothing is predicted or sent,
   * and `info.slot` (role 'player') is the slot the viewer follows.
   */
  replay?: boolean;
}

export class MatchSession {
  info: MatchInfo | null = null;
  /** The newest snapshot and the one before it (scenes that tween between the two). */
  latest: SnapshotHeader | null = null;
  previous: SnapshotHeader | null = null;
  roster: PlayerInfo[] = [];
  snapshotsReceived = 0;
  /** Inputs sent in this page's life (a spectator sends none). */
  inputsSent = 0;
  /** Arena: other players are drawn a little in the past, between two snapshots. */
  interpolation: InterpolationBuffer | null = null;
  /** Arena: the own player is drawn where its own inputs put it, corrected by every snapshot. */
  predictor: Predictor | null = null;
  /** Size of the last correction the server's word made to the prediction (px). */
  lastCorrection = 0;
  /**
   * What the player asks for now (keys, mouse), read by the input loop once per server tick;
   * set by the match's scene. Null sends nothing.
   */
  controller: (() => object | null) | null = null;
  /** Arena: the own player was killed (by `killer`, told by the snapshot of `tick`): the killcam's cue. */
  onDeath: ((killer: number, tick: number) => void) | null = null;
  /** Local time (ms) each slot was last seen dying: the respawn countdown runs from it. */
  readonly diedAt = new Map<number, number>();
  /** Arena: the player's hits, damage and blocked shots from the snapshots' events (the scene draws them). */
  readonly feedback = new HitFeedback();
  private client: PlayerClient | null = null;
  private loop: InputLoop<object, Timer> | null = null;
  private model: HudModel<SnapshotHeader> | null = null;
  private hud: Hud | null = null;
  private feedIds = 0;
  private readonly now: () => number;
  private readonly wallClock: () => number;

  constructor(private readonly deps: MatchSessionDeps) {
    this.now = deps.now ?? (() => performance.now());
    this.wallClock = deps.wallClock ?? Date.now;
  }

  attach(client: PlayerClient | null): void {
    this.client = client;
  }

  /** A match was joined (or joined again after a drop: a fresh keyframe follows). */
  joined(info: MatchInfo): void {
    const same = this.info?.matchId === info.matchId;
    this.info = info;
    this.roster = info.roster;
    this.latest = null;
    this.previous = null;
    this.deps.stats.resetGap();
    if (!same) {
      this.diedAt.clear();
      this.feedback.reset();
      this.deps.stats.setHitRewind(null);
      this.hud = null;
    }
    if (info.game === 'arena') {
      const setup = info.setup as ArenaSetup;
      const tickMs = 1000 / info.tickRate;
      this.interpolation = new InterpolationBuffer({ snapshotIntervalMs: tickMs * info.snapshotEvery, tickRate: info.tickRate });
      this.predictor = info.role === 'player' && !this.deps.replay ? new Predictor({ map: setup.map, rules: setup.rules, playerId: info.slot }) : null;
      this.model = arenaModel(setup) as unknown as HudModel<SnapshotHeader>;
    } else {
      this.interpolation = null;
      this.predictor = null;
      this.model = info.game === 'cycles' ? (cyclesModel(info.setup as CyclesSetup) as unknown as HudModel<SnapshotHeader>) : null;
    }
    this.startInputLoop(info);
  }

  /** Back to the lobby: nothing of the match is drawn or sent any more. */
  left(): void {
    this.loop?.stop();
    this.loop = null;
    this.info = null;
    this.latest = null;
    this.previous = null;
    this.interpolation = null;
    this.predictor = null;
    this.model = null;
    this.hud = null;
    this.roster = [];
    this.diedAt.clear();
  }

  onRoster(roster: PlayerInfo[]): void {
    this.roster = roster;
  }

  onSnapshot(s: SnapshotHeader): void {
    const now = this.now();
    this.previous = this.latest;
    this.latest = s;
    this.snapshotsReceived += 1;
    this.deps.stats.snapshot(now);
    const info = this.info;
    const game = this.client?.match.game;
    if (!info) return;
    if (game) this.loop?.onSnapshot(s.tick, now, game.lastInputSeq(s, info.slot) ?? undefined);
    if (info.game === 'arena') {
      const snapshot = s as Snapshot;
      this.interpolation?.push(snapshot, now);
      if (this.predictor) {
        this.lastCorrection = this.predictor.reconcile(snapshot).error;
        this.deps.stats.correction(this.lastCorrection);
      }
      for (const p of snapshot.players) {
        if (!p.alive && !this.diedAt.has(p.id)) this.diedAt.set(p.id, now);
        else if (p.alive) this.diedAt.delete(p.id);
      }
    }
    if (info.game === 'arena') {
      const slot = info.role === 'player' ? info.slot : -1;
      this.feedback.onProjectiles((s as Snapshot).projectiles, slot);
      const mine = this.feedback.onEvents((s as Snapshot).events, slot);
      if (slot >= 0 && !this.deps.replay && this.onDeath) for (const e of (s as Snapshot).events) if (e.type === 'kill' && e.victimId === slot) this.onDeath(e.killerId, s.tick);
      for (const f of mine) if (f.kind === 'hit') this.deps.stats.setHitRewind((f.rewindTicks * 1000) / info.tickRate);
    }
    this.deps.stats.setInterpDelay(this.interpolation ? this.interpolation.delayMs : (1000 / info.tickRate) * info.snapshotEvery);
    this.updateHud(s);
  }

  /** Milliseconds until `slot` respawns (Arena), or null when it is alive or unknown. */
  respawnInMs(slot: number): number | null {
    const at = this.diedAt.get(slot);
    if (at === undefined || this.info?.game !== 'arena') return null;
    const delay = (this.info.setup as ArenaSetup).rules.respawnDelayS * 1000;
    return Math.max(0, delay - (this.now() - at));
  }

  private updateHud(s: SnapshotHeader): void {
    const info = this.info;
    if (!info || !this.model) return;
    const ctx = { roster: this.roster, slot: info.role === 'player' ? info.slot : -1, tickRate: info.tickRate };
    const hud = this.model.hud(s, ctx);
    if (!sameHud(this.hud, hud)) {
      this.hud = hud;
      this.deps.dispatch(matchActions.hudChanged(hud));
    }
    const feed = this.model.feed(s, ctx);
    if (feed.length > 0) {
      const at = this.wallClock();
      this.deps.dispatch(matchActions.fed(feed.map((f) => ({ ...f, id: ++this.feedIds, at }))));
    }
  }

  /** One input per server tick, timed to land just before the tick that applies it. */
  private startInputLoop(info: MatchInfo): void {
    this.loop?.stop();
    this.loop = null;
    const client = this.client;
    if (!client || info.role !== 'player' || this.deps.replay) return;
    this.loop = new InputLoop<object, Timer>({
      tickRate: info.tickRate,
      timers: browserTimers(),
      rtt: () => client.match.clock.rtt,
      produce: () => {
        const command = this.controller?.();
        return command ? { command, clientTick: this.clientTick() } : null;
      },
      send: (input) => this.sendPredicted(input),
    });
  }

  /** The server tick on screen: what the player aimed at (lag compensation). */
  private clientTick(): number {
    return Math.max(0, Math.floor(this.interpolation?.renderTick(this.now()) ?? (this.latest?.tick ?? 0) - 2 * (this.info?.snapshotEvery ?? 1)));
  }

  /** Sends, and for Arena moves the own player at once by the same rules (prediction). */
  private sendPredicted(input: object & { clientTick: number }): number | null {
    const match = this.client?.match;
    if (!this.info || !match?.socket.connected || this.info.role !== 'player') return null;
    const seq = match.sendInput(input as never);
    if (seq !== null) this.inputsSent += 1;
    // The server only moves players while playing; predicting before that would only be undone.
    if (seq !== null && this.predictor && this.latest?.phase === MatchPhase.Playing) {
      this.predictor.applyInput(seq, (input as unknown as { buttons: number }).buttons);
    }
    return seq;
  }

  /** Arena: everyone as they should be drawn now: others interpolated, the own player predicted. */
  rendered(frameMs: number): { players: RenderedPlayer[]; renderTick: number } {
    const now = this.now();
    const players = this.interpolation?.sample(now) ?? [];
    const own = this.predictor?.renderPosition(frameMs);
    const me = this.info?.slot;
    if (own) for (const p of players) if (p.id === me && p.alive) Object.assign(p, own);
    // Projectiles fly on a formula of the tick, so a fractional tick draws them smoothly.
    const s = this.latest;
    const t = this.interpolation?.renderTime(now) ?? -Infinity;
    const tickRate = this.info?.tickRate ?? 30;
    const renderTick = s && Number.isFinite(t) ? s.tick + (t - s.serverTime) / (1000 / tickRate) : (s?.tick ?? 0);
    return { players, renderTick };
  }
}
