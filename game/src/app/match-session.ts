/**
 * The match as the scenes draw it: the latest snapshots, the roster, and the game's page-side
 * netcode for the match (its `MatchLocal`: interpolation, prediction, whatever the game keeps);
 * the input loop that asks the scene for a command once per server tick; and the HUD figures,
 * dispatched to the store only when they change. Netcode stays in the SDK (shared/client) and the
 * game's module (game/src/games/<id>/): this file keeps what they hand over and feeds the net graph.
 */
import { browserTimers, InputLoop } from '../../../shared/client/input-loop.ts';
import type { PlayerClient } from '../../../shared/client/player-client.ts';
import type { SnapshotHeader } from '../../../shared/game/game-definition.ts';
import { MatchPhase } from '../../../shared/game/phase.ts';
import type { MatchInfo, PlayerInfo } from '../../../shared/protocol/events.ts';
import type { AnyPageGame, HitTally, MatchLocal, MatchLocalContext, SceneSource } from '../game/page-game.ts';
import { matchActions, type Hud } from '../state/match-slice.ts';
import type { AppDispatch } from '../state/store.ts';
import { sameHud, type HudModel } from '../game/hud-model.ts';
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
  /** The game of the match shown, and its page-side netcode for it (null when it keeps none). */
  game: AnyPageGame | null = null;
  local: MatchLocal | null = null;
  /**
   * What the player asks for now (keys, mouse), read by the input loop once per server tick;
   * set by the match's scene. Null sends nothing.
   */
  controller: (() => object | null) | null = null;
  /** The player was killed (by `killer`, in the snapshot of `tick`), for games that say so: the killcam's cue. */
  onDeath: ((killer: number, tick: number) => void) | null = null;
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

  /**
   * A match of `game` was joined (or joined again after a drop: a fresh keyframe follows). The
   * caller found `game` for `info.game` (a page without it says so instead of joining).
   */
  joined(info: MatchInfo, game: AnyPageGame): void {
    if (game.definition.id !== info.game) throw new Error(`a match of ${info.game} handed to the page module of ${game.definition.id}`);
    const same = this.info?.matchId === info.matchId;
    this.info = info;
    this.game = game;
    this.roster = info.roster;
    this.latest = null;
    this.previous = null;
    this.deps.stats.resetGap();
    if (!same) {
      this.deps.stats.setHitRewind(null);
      this.hud = null;
    }
    // A rejoin keeps what the game counted of the match; the keyframe that follows restarts the rest.
    if (same && this.local?.rejoined) this.local.rejoined(info);
    else this.local = game.local?.(info, { predict: info.role === 'player' && !this.deps.replay, stats: this.deps.stats, now: this.now, killed: this.killedCue(info) }) ?? null;
    this.model = game.hudModel(info.setup) as HudModel<SnapshotHeader>;
    this.startInputLoop(info);
  }

  /** Back to the lobby: nothing of the match is drawn or sent any more. */
  left(): void {
    this.loop?.stop();
    this.loop = null;
    this.info = null;
    this.latest = null;
    this.previous = null;
    this.game = null;
    this.local = null;
    this.model = null;
    this.hud = null;
    this.roster = [];
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
    this.local?.onSnapshot(s, now);
    this.deps.stats.setInterpDelay(this.local?.interpDelayMs?.() ?? (1000 / info.tickRate) * info.snapshotEvery);
    this.updateHud(s);
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
    return Math.max(0, Math.floor(this.local?.renderTick?.(this.now()) ?? (this.latest?.tick ?? 0) - 2 * (this.info?.snapshotEvery ?? 1)));
  }

  /** Sends, and tells the game's netcode (a game that predicts moves the own player at once by the same rules). */
  private sendPredicted(input: object & { clientTick: number }): number | null {
    const match = this.client?.match;
    if (!this.info || !match?.socket.connected || this.info.role !== 'player') return null;
    const seq = match.sendInput(input as never);
    if (seq !== null) this.inputsSent += 1;
    // The server only moves players while playing; predicting before that would only be undone.
    if (seq !== null && this.latest?.phase === MatchPhase.Playing) this.local?.onInputSent?.(seq, input);
    return seq;
  }

  /** Everything as the game draws it now (`window.arena.rendered`); a game without netcode draws the latest snapshot. */
  rendered(frameMs: number): unknown {
    return this.local?.rendered?.(frameMs) ?? { players: [], renderTick: this.latest?.tick ?? 0 };
  }

  /** The hits the server confirmed for the player's shots, in a game that shoots (zeros otherwise). */
  hits(): HitTally {
    return this.local?.hits?.() ?? { shots: 0, hits: 0, damage: 0, blocked: 0, recentRewinds: [] };
  }

  /** The killcam's cue, for the player's own deaths in a live match (not a spectator's, not a replay's). */
  private killedCue(info: MatchInfo): MatchLocalContext['killed'] {
    return info.role === 'player' && !this.deps.replay ? (killer, tick) => this.onDeath?.(killer, tick) : () => {};
  }

  /** How long until `slot` is back, for games where players die and respawn; null: not waiting (alive, or no such game). */
  respawnInMs(slot: number): number | null {
    return this.local?.respawnInMs?.(slot) ?? null;
  }

  /** What `game`'s scene reads: this session, typed for that game (empty while another game is on). */
  sceneSource(game: AnyPageGame): SceneSource<unknown, SnapshotHeader, MatchLocal> {
    const mine = () => this.info !== null && this.info.game === game.definition.id;
    return {
      info: () => (mine() ? this.info : null),
      setup: () => (mine() ? this.info!.setup : null),
      latest: () => (mine() ? this.latest : null),
      previous: () => (mine() ? this.previous : null),
      roster: () => this.roster,
      slot: () => (mine() && this.info!.role === 'player' ? this.info!.slot : null),
      nickname: (slot) => this.roster.find((r) => r.slot === slot)?.nickname ?? `#${slot}`,
      local: () => (mine() ? this.local : null),
      replay: this.deps.replay === true,
    };
  }
}
