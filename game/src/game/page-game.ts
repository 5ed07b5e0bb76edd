/**
 * What the page needs to show one game: the page-side half of a game, beside its shared half
 * (shared/games/<id>, the rules and codecs the server runs). As shared/game/ holds the boundary
 * and shared/games/ the games, this folder holds the page's side of the boundary and
 * game/src/games/ the games: each game's folder (game/src/games/<id>/) exports one `PageGame`,
 * game/src/games/index.ts lists them, and the rest of the page reaches a game only through this
 * interface, so adding a game touches no other page file and the compiler checks each game's
 * parts against what the page calls.
 *
 * A page game and its shared half are a chunk of their own, loaded once the lobby is up (or when a
 * match of the game is joined: registry.ts); the lobby's chunk has only the ids. Its scene, which
 * needs Phaser, is behind `scene()`, a dynamic import the game view makes once Phaser is wanted.
 */
import type Phaser from 'phaser';
import type { AnyGame, SnapshotHeader, Standing } from '../../../shared/game/game-definition.ts';
import type { MatchInfo, PlayerInfo } from '../../../shared/protocol/events.ts';
import type { KillerView } from '../../../shared/replay/killcam.ts';
import type { HudModel } from './hud-model.ts';

/** One column of the results table after "#" and "Player". */
export interface ResultColumn {
  header: string;
  /** The cell's text for one standing (its `score` and the game's own `stats`). */
  cell(standing: Pick<Standing, 'score' | 'stats'>): string;
}

/** What the page shows a player of the game (the spectator's line is the page's own). */
export interface GameWords {
  /** The keys, one line under the match (the server's catalogue names the game itself). */
  controls: string;
  /** Why a match of this game ended, for the reasons only it gives (the page knows 'time' and 'abandoned'). */
  endReasons: Readonly<Record<string, string>>;
}

/** What a game's page-side netcode is told when a match starts. */
export interface MatchLocalContext {
  /** The player's own inputs are applied at once (a player, not a spectator or a replay). */
  predict: boolean;
  /** The net graph's figures a game's netcode feeds: its prediction's corrections, the rewind its hits were judged at. */
  stats: { correction(px: number): void; setHitRewind(ms: number | null): void };
  /** The session's local monotonic clock (ms). */
  now: () => number;
  /** The player was killed by `killer` (a slot) in the snapshot of `tick`: the killcam's cue, for games with kills. */
  killed(killer: number, tick: number): void;
}

/** Hits the server confirmed for the player's shots, for games that shoot (`window.arena.hits`). */
export interface HitTally {
  shots: number;
  hits: number;
  damage: number;
  blocked: number;
  recentRewinds: number[];
}

/**
 * A game's page-side netcode for one match: interpolation of others, prediction of the own player,
 * per-game bookkeeping of the snapshots. Every member but `onSnapshot` is optional: a game that
 * draws the latest snapshot as it comes needs none (then the page keeps none).
 */
export interface MatchLocal<S extends SnapshotHeader = SnapshotHeader> {
  /** Each snapshot as it arrives, before the HUD reads it. */
  onSnapshot(s: S, now: number): void;
  /** The same match joined again after a drop: a keyframe follows (what was counted may stay). */
  rejoined?(info: MatchInfo): void;
  /** An input the server will apply as `seq`, sent while the match is playing. */
  onInputSent?(seq: number, input: object): void;
  /** The server tick the player sees now (lag compensation); absent: the newest snapshot's, less two intervals. */
  renderTick?(now: number): number;
  /** How far in the past others are drawn (ms), for the net graph; absent: one snapshot interval. */
  interpDelayMs?(): number;
  /** Shown as `window.arena.predictor` / `.interpolation` (browser tests, devtools). */
  readonly predictor?: unknown;
  readonly interpolation?: unknown;
  hits?(): HitTally;
  /** Everything as it should be drawn now (`window.arena.rendered`). */
  rendered?(frameMs: number): unknown;
  /** For games where players die and come back: ms until `slot` respawns, or null while it is alive. */
  respawnInMs?(slot: number): number | null;
}

/** What a game's scene reads: the match as the session has it, typed for this game. */
export interface SceneSource<Setup, S extends SnapshotHeader, L> {
  info(): MatchInfo | null;
  /** The match's setup, or null when no match of this game is on. */
  setup(): Setup | null;
  latest(): S | null;
  previous(): S | null;
  roster(): readonly PlayerInfo[];
  /** The slot the player plays (or a replay follows); null for a spectator. */
  slot(): number | null;
  nickname(slot: number): string;
  /** The game's netcode for this match (from `PageGame.local`), or null. */
  local(): L | null;
  /** A recording played back (the replay viewer, a killcam: often faster than real time), not a live match. */
  readonly replay: boolean;
}

/** A game's scene: a Phaser scene that also answers what the player asks for now. */
export interface GameScene extends Phaser.Scene {
  /** What the keys (or touch) ask for now; the session's input loop reads it once per tick. Null sends nothing. */
  command(): object | null;
  /** Where a world point is drawn in the viewport (CSS px), and back; for games drawn in world units. */
  worldToScreen?(x: number, y: number): { x: number; y: number } | null;
  screenToWorld?(x: number, y: number): { x: number; y: number } | null;
}

/** Makes the game's scene under `key`, reading `source` (a match's session, or a replay's). */
export type SceneFactory<Setup, S extends SnapshotHeader, L> = (source: SceneSource<Setup, S, L>, key: string) => GameScene;

export interface PageGame<Setup = unknown, S extends SnapshotHeader = SnapshotHeader, L extends MatchLocal<S> = MatchLocal<S>> {
  /** The shared half: its `id` is the game's id on the wire; the page re-simulates replays with it. */
  readonly definition: AnyGame;
  readonly words: GameWords;
  /** The results table's columns after "#" and "Player". */
  readonly results: readonly ResultColumn[];
  hudModel(setup: Setup): HudModel<S>;
  /** The page-side netcode for one match; absent: the page keeps none. */
  local?(info: MatchInfo & { setup: Setup }, ctx: MatchLocalContext): L;
  /** Loads the scene (Phaser's side of the page). */
  scene(): Promise<SceneFactory<Setup, S, L>>;
  /**
   * For games with kills: loads how the killer's screen showed a frame of the match (the killcam
   * re-simulates the recording and draws each frame through it, in the game's scene). Absent: no
   * killcam.
   */
  killerView?(): Promise<KillerView>;
}

/** A page game whose type parameters are not known here: what the list and the page hold. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyPageGame = PageGame<any, any, any>;
