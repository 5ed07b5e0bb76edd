/**
 * The replay viewer: fetches a replay file (GET /api/replays/<id>, with the guest's token: a
 * private match's replay is its players' only), checks and prepares it with shared/replay, and
 * plays it into a MatchSession of its own, which the game's own scene draws exactly as it draws a
 * match (the snapshots are re-simulated and pass through the game's snapshot codec). The HUD
 * figures land in the replay slice. Verbs: open, close, play, pause, speed, seek, follow, list.
 *
 * The session's clock is match time (replay-clock.ts), so interpolation, the projectiles'
 * flight and the respawn countdown all run at the chosen speed and stop on pause. A hostile file
 * ends in the slice's `failed` with the line that says what is wrong: the page carries on.
 */
import type { MatchInfo, PlayerInfo } from '../../../shared/protocol/events.ts';
import type { Replay, ReplaySummary } from '../../../shared/replay/replay-format.ts';
import type { ReplayPlayer } from '../../../shared/replay/replay-player.ts';
import { matchActions } from '../state/match-slice.ts';
import { replayActions, type ReplayPlayerRow } from '../state/replay-slice.ts';
import type { AppDispatch, Store } from '../state/store.ts';
import type { GameView } from './match-flow.ts';
import type { AnyPageGame } from '../game/page-game.ts';
import type { AnyGame } from '../../../shared/game/game-definition.ts';
import { unknownGame, type PageGames } from '../game/registry.ts';
import { MatchSession } from './match-session.ts';
import type { NetStats } from './net-stats.ts';
import { ReplayClock } from './replay-clock.ts';

export type { ReplaySummary };

export interface ReplayViewerDeps {
  store: Store;
  stats: NetStats;
  /** The server's origin. */
  url: string;
  /** The games this page shows (their shared halves re-simulate the replay). */
  games: PageGames;
  /** The guest's token, for a private match's replay (null while signing in). */
  token: () => string | null;
  /** The drawing side (loaded on first need); null when it could not load. */
  view: () => Promise<GameView | null>;
  fetch?: typeof fetch;
  /** A callback on the next frame; answers a cancel. */
  frame?: (fn: (wallMs: number) => void) => () => void;
}

/** Replay ids are 128 random bits, base64url. */
const REPLAY_ID = /^[A-Za-z0-9_-]{22}$/;
/** The position in the store moves at most this often (ms of wall time): the slider, not every frame. */
const POSITION_EVERY_MS = 100;
const FEED_MS = 7000;

export class ReplayViewer {
  /** What the replay's scene draws: a session fed by the re-simulation, never by the server. */
  readonly session: MatchSession;
  private player: ReplayPlayer | null = null;
  private game: AnyPageGame | null = null;
  private clock: ReplayClock | null = null;
  private info: MatchInfo | null = null;
  /** What the session's clock reads: the match time of the snapshot being handed over, else the clock's. */
  private sessionNow = 0;
  private cancelFrame: (() => void) | null = null;
  private lastWall: number | null = null;
  private lastPositionWall = -Infinity;
  /** Bumped by every open and close: a late answer for an older one is dropped. */
  private generation = 0;
  private viewKey = 0;
  private readonly fetch: typeof fetch;
  private readonly frame: (fn: (wallMs: number) => void) => () => void;

  constructor(private readonly deps: ReplayViewerDeps) {
    this.fetch = deps.fetch ?? ((...a) => fetch(...a));
    this.frame =
      deps.frame ??
      ((fn) => {
        const id = requestAnimationFrame(fn);
        return () => cancelAnimationFrame(id);
      });
    // The session's HUD and feed go to the replay slice, not to the match the player may be in.
    const dispatch = ((action: { type: string; payload?: unknown }) => {
      if (action.type === matchActions.hudChanged.type) return deps.store.dispatch(replayActions.hudChanged(action.payload as never));
      if (action.type === matchActions.fed.type) return deps.store.dispatch(replayActions.fed(action.payload as never));
      return action;
    }) as AppDispatch;
    this.session = new MatchSession({ dispatch, stats: deps.stats, now: () => this.sessionNow, replay: true });
  }

  /**
   * The replay scene's session and its clock, lent to the killcam (killcam-player.ts) while no
   * replay is open: the same scene draws it.
   */
  lendSession(): { screen: MatchSession; setNow: (ms: number) => void } {
    return { screen: this.session, setNow: (ms) => (this.sessionNow = ms) };
  }

  private get state() {
    return this.deps.store.getState().replay;
  }

  private dispatch(action: Parameters<Store['dispatch']>[0]): void {
    this.deps.store.dispatch(action);
  }

  /** The recent public replays, newest first; `off`: this server records none (REPLAYS=off). */
  async list(limit: number): Promise<{ ok: true; replays: ReplaySummary[] } | { ok: false; off: boolean; message: string }> {
    try {
      const res = await this.fetch(new URL(`/api/replays?limit=${limit}`, this.deps.url), { signal: AbortSignal.timeout(10_000) });
      if (res.status === 404) return { ok: false, off: true, message: 'this server keeps no replays' };
      const body = (await res.json()) as { ok?: boolean; replays?: ReplaySummary[]; message?: string };
      if (!res.ok || !body.ok || !Array.isArray(body.replays)) return { ok: false, off: false, message: body.message ?? `the server answered ${res.status}` };
      return { ok: true, replays: body.replays };
    } catch (error) {
      return { ok: false, off: false, message: `the server could not be asked (${(error as Error).message})` };
    }
  }

  /** Fetches the replay and plays it from the start. */
  async open(replayId: string): Promise<void> {
    this.stopPlayback();
    const gen = ++this.generation;
    this.dispatch(replayActions.loading(replayId));
    if (!REPLAY_ID.test(replayId)) return this.fail('BAD_REQUEST', 'that is not a replay id');
    let bytes: Uint8Array;
    try {
      const token = this.deps.token();
      const res = await this.fetch(new URL(`/api/replays/${replayId}`, this.deps.url), {
        headers: token ? { authorization: `Bearer ${token}` } : {},
        signal: AbortSignal.timeout(30_000),
      });
      if (!res.ok) {
        const body = (await res.json().catch(() => null)) as { code?: string; message?: string } | null;
        if (gen === this.generation) this.fail(body?.code ?? `HTTP_${res.status}`, body?.message ?? `the server answered ${res.status}`);
        return;
      }
      bytes = new Uint8Array(await res.arrayBuffer());
    } catch (error) {
      if (gen === this.generation) this.fail('UNAVAILABLE', `the replay could not be fetched (${(error as Error).message})`);
      return;
    }
    if (gen !== this.generation) return;
    await this.load(bytes, gen, replayId);
  }

  /** Plays a file the page already has (a saved .arpl); the same checks as a fetched one. */
  async openFile(bytes: Uint8Array): Promise<void> {
    this.stopPlayback();
    const gen = ++this.generation;
    this.dispatch(replayActions.loading('file'));
    await this.load(bytes, gen, null);
  }

  private async load(bytes: Uint8Array, gen: number, askedFor: string | null): Promise<void> {
    // The reader and the re-simulation load with the first replay: the lobby's own bytes stay lean.
    const [{ unpackReplayWeb }, { ReplayPlayer }, { prepareReplay }] = await Promise.all([
      import('../../../shared/replay/replay-file-web.ts'),
      import('../../../shared/replay/replay-player.ts'),
      import('../../../shared/replay/resimulate.ts'),
    ]);
    const file = await unpackReplayWeb(bytes);
    if (gen !== this.generation) return;
    if (!file.ok) return this.fail(file.code, file.message);
    if (askedFor !== null && file.replay.header.replayId !== askedFor) return this.fail('OTHER_MATCH', 'the server sent the replay of another match');
    const id = file.replay.header.game;
    let game: AnyPageGame | null;
    let definitions: readonly AnyGame[];
    try {
      [game, definitions] = await Promise.all([this.deps.games.load(id), this.deps.games.ids.includes(id) ? this.deps.games.definitions() : []]);
    } catch (error) {
      if (gen !== this.generation) return;
      return this.fail('GAME_LOAD', `the game could not be loaded (${(error as Error).message}): try again`);
    }
    if (gen !== this.generation) return;
    if (!game) return this.fail('UNKNOWN_GAME', unknownGame(id, this.deps.games));
    const prepared = prepareReplay(file.replay, definitions);
    if (!prepared.ok) return this.fail(prepared.code, prepared.message);
    const opened = ReplayPlayer.open(prepared.value);
    if (!opened.ok) return this.fail(opened.code, opened.message);
    const view = await this.deps.view();
    if (gen !== this.generation) return;
    if (!view) return this.fail('GAME_LOAD', 'the game could not be loaded: try again');
    const player = opened.value;
    const { header } = file.replay;
    this.player = player;
    this.game = game;
    this.clock = new ReplayClock({ tickRate: header.tickRate, lastTick: player.lastTick });
    this.info = infoOf(file.replay, player.setup());
    this.dispatch(
      replayActions.loaded({
        replayId: header.replayId,
        game: header.game,
        mode: header.mode,
        tickRate: header.tickRate,
        lastTick: player.lastTick,
        checkpoints: prepared.value.checkpoints.map((i) => prepared.value.ticks[i]!.checkpoint!.tick),
        players: playersOf(file.replay),
        running: file.replay.end === null,
      }),
    );
    this.restartSession(view);
    this.clock.playing = true;
    this.startPlayback();
  }

  play(): void {
    const clock = this.clock;
    const player = this.player;
    if (!clock || !player) return;
    // Play at the end starts again from the beginning.
    if (player.ended) this.seek(0);
    clock.playing = true;
    this.dispatch(replayActions.played(true));
  }

  pause(): void {
    if (!this.clock) return;
    this.clock.playing = false;
    this.dispatch(replayActions.played(false));
    this.dispatch(replayActions.moved(this.player?.tick ?? 0));
  }

  setSpeed(speed: number): void {
    if (this.clock?.setSpeed(speed)) this.dispatch(replayActions.speedSet(speed));
  }

  /** Goes to `tick`: from the nearest checkpoint before it, re-simulated up to it. */
  seek(tick: number): void {
    const player = this.player;
    const clock = this.clock;
    if (!player || !clock) return;
    const started = performance.now();
    const bad = player.seek(tick);
    if (bad) return this.fail(bad.code, bad.message);
    const ms = performance.now() - started;
    clock.seek(player.tick);
    this.dispatch(replayActions.sought({ tick: player.tick, ms }));
    void this.deps.view().then((v) => v && this.restartSession(v));
  }

  /** Follows `slot` (its view, its HUD row, its respawn countdown); null: the whole map. */
  follow(slot: number | null): void {
    if (!this.info || !this.player) return;
    this.dispatch(replayActions.followed(slot));
    void this.deps.view().then((v) => v && this.restartSession(v));
  }

  close(): void {
    this.generation++;
    this.stopPlayback();
    this.player = null;
    this.clock = null;
    this.info = null;
    this.session.left();
    void this.deps.view().then((v) => v?.hide());
    this.dispatch(replayActions.closed());
  }

  /** Tick on screen, last tick, speed, whether it plays, who is followed and the newest snapshot drawn: for tests and devtools. */
  status(): { tick: number; lastTick: number; playing: boolean; speed: number; follow: number | null; latest: unknown } | null {
    if (!this.player || !this.clock) return null;
    return { tick: this.player.tick, lastTick: this.player.lastTick, playing: this.clock.playing, speed: this.clock.speed, follow: this.state.follow, latest: this.session.latest };
  }

  private fail(code: string, message: string): void {
    this.stopPlayback();
    this.player = null;
    this.clock = null;
    this.session.left();
    void this.deps.view().then((v) => v?.hide());
    this.dispatch(replayActions.failed({ code, message }));
  }

  /**
   * The session starts over at the player's tick (a seek, another slot followed): the scene
   * forgets what it drew, the interpolation starts from the snapshot of now.
   */
  private restartSession(view: GameView): void {
    const player = this.player;
    const base = this.info;
    const game = this.game;
    if (!player || !base || !game) return;
    const follow = this.state.follow;
    const info: MatchInfo = { ...base, role: follow === null ? 'spectator' : 'player', slot: follow ?? -1 };
    this.session.left();
    this.session.joined(info, game);
    const now = player.current();
    this.sessionNow = player.tick * player.tickMs;
    if (now) this.session.onSnapshot(now);
    view.showReplay(info.game, `replay:${++this.viewKey}`);
  }

  private startPlayback(): void {
    this.lastWall = null;
    const loop = (wall: number) => {
      this.cancelFrame = this.frame(loop);
      this.onFrame(wall);
    };
    this.cancelFrame = this.frame(loop);
  }

  private stopPlayback(): void {
    this.cancelFrame?.();
    this.cancelFrame = null;
  }

  private onFrame(wall: number): void {
    const player = this.player;
    const clock = this.clock;
    if (!player || !clock) return;
    const dt = this.lastWall === null ? 0 : Math.min(1000, wall - this.lastWall);
    this.lastWall = wall;
    const wasPlaying = clock.playing;
    const target = clock.advance(dt, player.tick);
    while (player.tick < target) {
      const stepped = player.step();
      if (!stepped.ok) return this.fail(stepped.code, stepped.message);
      if (stepped.snapshot) {
        this.sessionNow = stepped.snapshot.tick * player.tickMs;
        this.session.onSnapshot(stepped.snapshot);
      }
    }
    this.sessionNow = clock.nowMs;
    if (wasPlaying && !clock.playing) this.dispatch(replayActions.played(false));
    if (wall - this.lastPositionWall >= POSITION_EVERY_MS || !clock.playing) {
      this.lastPositionWall = wall;
      if (this.state.tick !== player.tick) this.dispatch(replayActions.moved(player.tick));
      const stale = Date.now() - FEED_MS;
      if (this.state.feed.some((f) => f.at < stale)) this.dispatch(replayActions.feedExpired(stale));
    }
  }
}

/** Who sat in each slot: the last to sit there (a bot that gave its seat up is replaced). */
function playersOf(replay: Replay): ReplayPlayerRow[] {
  const bySlot = new Map<number, ReplayPlayerRow>();
  for (const p of replay.header.players) bySlot.set(p.slot, { slot: p.slot, nickname: p.nickname.slice(0, 40), bot: p.bot });
  return [...bySlot.values()].sort((a, b) => a.slot - b.slot);
}

/** The match as a spectator's join answer would have described it. */
function infoOf(replay: Replay, setup: unknown): MatchInfo {
  const { header } = replay;
  const roster: PlayerInfo[] = playersOf(replay).map((p) => ({ slot: p.slot, nickname: p.nickname, connected: true, bot: p.bot }));
  return {
    matchId: `replay:${header.replayId}`,
    game: header.game,
    slot: -1,
    role: 'spectator',
    mode: header.mode,
    visibility: header.visibility,
    state: 'playing',
    tickRate: header.tickRate,
    maxPlayers: header.slots,
    snapshotEvery: header.snapshotEvery,
    options: header.options,
    setup,
    roster,
  };
}
