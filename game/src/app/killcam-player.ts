/**
 * The killcam: when the player dies in a game with kills (its page module has `killerView`), it asks the server for the killcam of that death
 * (`killcam`: the death and a slice of the running match's recording, shared/replay/killcam.ts),
 * re-simulates the slice in the page with the game, and plays the last 4 s before the kill from
 * the killer's seat (the camera on the killer, the others where its screen showed them when it
 * fired) in the game's scene, on the replay viewer's session, while the respawn countdown runs.
 * Verbs: `died` (the live session's cue), `skip` (the button, Esc), `end` (the respawn).
 *
 * The window is longer than the countdown (4 s against 2 s), so it plays faster, to end on the
 * kill just before the respawn. The match is never touched: its session keeps receiving
 * snapshots, and its scene comes back as the player respawns. A refused request or a hostile
 * answer ends in `failed` with the reason, shown until the respawn; a new death replaces the
 * killcam of the last one.
 */
import type { SnapshotHeader } from '../../../shared/game/game-definition.ts';
import type { KillcamRun } from '../../../shared/replay/killcam.ts';
import type { PlayerClient } from '../../../shared/client/player-client.ts';
import type { MatchInfo } from '../../../shared/protocol/events.ts';
import { killcamActions } from '../state/killcam-slice.ts';
import type { AnyPageGame } from '../game/page-game.ts';
import type { PageGames } from '../game/registry.ts';
import type { Store } from '../state/store.ts';
import type { GameView } from './match-flow.ts';
import type { MatchSession } from './match-session.ts';

export interface KillcamDeps {
  store: Store;
  /** The match being played (its info, its respawn countdown). */
  live: MatchSession;
  /** The session the killcam is drawn from (the replay viewer's: its scenes draw nothing else meanwhile). */
  screen: MatchSession;
  /** Its clock (ms of match time), which the killcam drives. */
  setNow: (ms: number) => void;
  client: () => PlayerClient | null;
  games: PageGames;
  view: () => Promise<GameView | null>;
  /** A callback on the next frame; answers a cancel. */
  frame?: (fn: (wallMs: number) => void) => () => void;
}

/** Ends this long before the respawn, so the last frame (the kill) is seen still. */
const END_BEFORE_RESPAWN_MS = 250;
const MAX_SPEED = 4;
/** Ticks shown after the kill: the killer's screen shows the victim fall `rewindTicks` later. */
const AFTER_KILL_TICKS = 3;

export interface KillcamStatus {
  status: 'off' | 'loading' | 'playing' | 'failed';
  killer: number | null;
  killTick: number | null;
  rewindTicks: number | null;
  /** Ticks of the killcam: the first and last frame, and the one drawn last. */
  fromTick: number | null;
  toTick: number | null;
  shownTick: number | null;
  speed: number;
  /** Frames drawn so far. */
  drawn: number;
  /** Where the killer is in the frame drawn last (games whose frames place players by x, y) (the camera is on it). */
  killerAt: { x: number; y: number } | null;
  /** Killcams played, and skipped, in this page's life. */
  played: number;
  skipped: number;
}

export class KillcamPlayer {
  private generation = 0;
  private cancelFrame: (() => void) | null = null;
  /** The killcam being played: its re-simulation, the next frame it made, the last one drawn. */
  private run: KillcamRun | null = null;
  private pending: SnapshotHeader | null = null;
  private lastShown: SnapshotHeader | null = null;
  private span: { fromTick: number; toTick: number; endMs: number } | null = null;
  private drawn = 0;
  private clockMs = 0;
  private speed = 1;
  private lastWall: number | null = null;
  /** The match the killcam is of (its scene comes back at the end). */
  private matchInfo: MatchInfo | null = null;
  private info: { killer: number; killTick: number; rewindTicks: number } | null = null;
  private viewKey = 0;
  /** The killcam's scene is on screen in place of the match's. */
  private shown = false;
  private played = 0;
  private skipped = 0;
  private readonly frame: (fn: (wallMs: number) => void) => () => void;

  constructor(private readonly deps: KillcamDeps) {
    // The reader and the re-simulation load once a match is joined, not in the 2 s after a death.
    const unsubscribe = deps.store.subscribe(() => {
      const joined = deps.store.getState().match.joined;
      if (!joined) return;
      unsubscribe();
      void Promise.all([import('../../../shared/replay/killcam.ts'), deps.games.load(joined.game).then((g) => g?.killerView?.())]).catch(() => {});
    });
    this.frame =
      deps.frame ??
      ((fn) => {
        const id = requestAnimationFrame(fn);
        return () => cancelAnimationFrame(id);
      });
  }

  private get state() {
    return this.deps.store.getState();
  }

  /** For tests and devtools. */
  status(): KillcamStatus {
    const k = this.state.killcam;
    return {
      status: k.status,
      killer: this.info?.killer ?? null,
      killTick: this.info?.killTick ?? k.killTick,
      rewindTicks: this.info?.rewindTicks ?? null,
      fromTick: this.span?.fromTick ?? null,
      toTick: this.span?.toTick ?? null,
      shownTick: this.lastShown?.tick ?? null,
      speed: this.speed,
      drawn: this.drawn,
      killerAt: this.killerAt(),
      played: this.played,
      skipped: this.skipped,
    };
  }

  private killerAt(): { x: number; y: number } | null {
    const shown = this.lastShown as { players?: { id: number; x: number; y: number }[] } | null;
    const p = shown?.players?.find((q) => q.id === this.info?.killer);
    return p ? { x: p.x, y: p.y } : null;
  }

  /** The live session saw the player killed: its killcam, replacing any shown. */
  died(killer: number, tick: number): void {
    const live = this.deps.live.info;
    // A replay open over the match owns the replay session and its scene.
    const game = live ? this.deps.games.get(live.game) : null;
    if (!live || !game?.killerView || live.role !== 'player' || this.state.replay.status !== 'closed') return;
    this.clear(false);
    const gen = ++this.generation;
    this.matchInfo = live;
    this.deps.store.dispatch(killcamActions.loading({ killTick: tick }));
    this.watch();
    void this.load(gen, live, game, killer, tick).catch((error: unknown) => {
      if (gen === this.generation) this.fail('FAILED', `the killcam could not be shown (${(error as Error).message})`);
    });
  }

  skip(): void {
    if (this.state.killcam.status === 'off') return;
    this.skipped++;
    this.stop();
    this.deps.store.dispatch(killcamActions.ended('skipped'));
  }

  /** The player is back (or the match is over): the match's own view again. */
  end(): void {
    if (this.state.killcam.status === 'off') return;
    this.stop();
    this.deps.store.dispatch(killcamActions.ended('respawned'));
  }

  private async load(gen: number, live: MatchInfo, game: AnyPageGame, killer: number, tick: number): Promise<void> {
    const client = this.deps.client();
    if (!client) return this.fail('UNAVAILABLE', 'not connected');
    // Loaded with the match already (see the constructor): the lobby's own bytes stay lean.
    const [res, killcam, killersView, definitions] = await Promise.all([
      client.match.killcam({ victim: live.slot, tick }),
      import('../../../shared/replay/killcam.ts'),
      game.killerView!(),
      this.deps.games.definitions(),
    ]);
    if (gen !== this.generation) return;
    if (!res.ok) return this.fail(res.code, res.message);
    const file = await killcam.unpackKillcam(res.killcam);
    if (gen !== this.generation) return;
    if (!file.ok) return this.fail(file.code, `the server's killcam is unreadable: ${file.message}`);
    const { info, slice } = file;
    if (info.victim !== live.slot || info.killer !== killer || slice.header.matchId !== live.matchId || slice.header.game !== live.game) {
      return this.fail('OTHER_MATCH', 'the server sent the killcam of another death');
    }
    const last = slice.chunks.at(-1)!.toTick;
    const toTick = Math.min(last, info.killTick + info.rewindTicks + AFTER_KILL_TICKS);
    const opened = killcam.openKillcam(slice, info, definitions, killersView, toTick);
    if (!opened.ok) return this.fail(opened.code, `the killcam does not play: ${opened.message}`);
    const firstFrame = opened.run.next();
    if (!firstFrame.ok) return this.fail(firstFrame.code, `the killcam does not play: ${firstFrame.message}`);
    if (!firstFrame.frame) return this.fail('CORRUPT', 'the killcam holds no frame');
    const view = await this.deps.view();
    if (gen !== this.generation) return;
    if (!view) return this.fail('GAME_LOAD', 'the game could not be loaded');
    const respawnMs = this.deps.live.respawnInMs(live.slot);
    // Back already (a slow answer): nothing to watch it in.
    if (respawnMs === null || this.deps.live.info?.matchId !== live.matchId) return this.end();
    this.run = opened.run;
    this.pending = firstFrame.frame;
    this.lastShown = null;
    this.drawn = 0;
    this.info = { killer: info.killer, killTick: info.killTick, rewindTicks: info.rewindTicks };
    const tickMs = 1000 / live.tickRate;
    this.span = { fromTick: firstFrame.frame.tick, toTick, endMs: Math.round(toTick * tickMs) };
    const spanMs = (toTick - firstFrame.frame.tick) * tickMs;
    this.speed = Math.min(MAX_SPEED, Math.max(1, spanMs / Math.max(1, respawnMs - END_BEFORE_RESPAWN_MS)));
    const screen = this.deps.screen;
    screen.left();
    screen.joined({ ...live, matchId: `killcam:${live.matchId}:${info.killTick}`, role: 'player', slot: info.killer, roster: this.deps.live.roster }, game);
    this.clockMs = firstFrame.frame.serverTime;
    this.feed();
    view.showReplay(live.game, `killcam:${++this.viewKey}`);
    this.shown = true;
    this.played++;
    const nickname = this.deps.live.roster.find((r) => r.slot === info.killer)?.nickname ?? `#${info.killer}`;
    this.deps.store.dispatch(
      killcamActions.playing({ killer: { slot: info.killer, nickname }, killTick: info.killTick, rewindMs: Math.round(info.rewindTicks * tickMs), speed: Math.round(this.speed * 100) / 100 }),
    );
    this.lastWall = null;
  }

  /** Once a frame while a killcam is loading, playing or failed: the respawn ends it. */
  private watch(): void {
    if (this.cancelFrame) return;
    const loop = (wall: number) => {
      this.cancelFrame = this.frame(loop);
      this.onFrame(wall);
    };
    this.cancelFrame = this.frame(loop);
  }

  /** Hands the session every frame due by the killcam's clock. */
  private feed(): void {
    const { screen, setNow } = this.deps;
    while (this.pending && this.pending.serverTime <= this.clockMs) {
      const f = this.pending;
      setNow(f.serverTime);
      screen.onSnapshot(f);
      this.lastShown = f;
      this.drawn++;
      const next = this.run!.next();
      if (!next.ok) return this.fail(next.code, `the killcam stopped: ${next.message}`);
      this.pending = next.frame;
    }
    setNow(this.clockMs);
  }

  private onFrame(wall: number): void {
    const live = this.deps.live;
    const slot = this.matchInfo?.slot ?? -1;
    if (live.info?.matchId !== this.matchInfo?.matchId || live.respawnInMs(slot) === null || this.state.match.results) return this.end();
    if (!this.run || !this.span) return;
    const dt = this.lastWall === null ? 0 : Math.min(250, wall - this.lastWall);
    this.lastWall = wall;
    // The last frame stays still until the respawn: the clock stops there.
    this.clockMs = Math.min(this.clockMs + dt * this.speed, this.span.endMs);
    this.feed();
  }

  /** The reason stays on screen until the respawn; the match's own scene comes back now. */
  private fail(code: string, message: string): void {
    this.clear(true);
    this.deps.store.dispatch(killcamActions.failed({ code, message }));
  }

  private stop(): void {
    this.generation++;
    this.cancelFrame?.();
    this.cancelFrame = null;
    this.clear(true);
  }

  /** Forgets the frames; `restore`: the match's own scene again (when it is still being played). */
  private clear(restore: boolean): void {
    this.run = null;
    this.pending = null;
    this.lastShown = null;
    this.span = null;
    this.info = null;
    if (!this.shown) return;
    this.deps.screen.left();
    const match = this.matchInfo;
    if (!restore || !match) return;
    this.shown = false;
    void this.deps.view().then((v) => {
      // The match goes on (its results, or the lobby, draw themselves otherwise).
      if (v && this.deps.live.info?.matchId === match.matchId && this.state.replay.status === 'closed' && !this.state.match.results) v.show(match.game, match.matchId);
    });
  }
}
