/**
 * The data the Arena simulation works on. Plain data only: no classes with hidden state, so a
 * world can be cloned, checkpointed and compared bit for bit.
 */

/** Button bits of an input. Bits outside ALL_BUTTONS are invalid on the wire. */
export const Button = {
  Up: 1 << 0,
  Down: 1 << 1,
  Left: 1 << 2,
  Right: 1 << 3,
  Fire: 1 << 4,
} as const;
export const ALL_BUTTONS = 0b1_1111;

/** The eight movement directions as button masks, clockwise from Right (bots pick from these). */
export const DIRECTION_BUTTONS: readonly number[] = [
  Button.Right,
  Button.Right | Button.Down,
  Button.Down,
  Button.Down | Button.Left,
  Button.Left,
  Button.Left | Button.Up,
  Button.Up,
  Button.Up | Button.Right,
];

/** What a player asks for in one tick. `aim` is radians, already validated (finite). */
export interface PlayerInput {
  buttons: number;
  aim: number;
  /** How many ticks in the past the shooter saw its targets (lag compensation), already capped. */
  viewDelayTicks: number;
}

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface ArenaMap {
  width: number;
  height: number;
  walls: readonly Rect[];
  spawns: readonly { x: number; y: number }[];
}

export interface Rules {
  tickRate: number; // Hz
  playerRadius: number; // px
  playerSpeed: number; // px/s
  maxHp: number;
  fireIntervalS: number; // minimum seconds between two shots of one player
  projectileSpeed: number; // px/s
  projectileRadius: number; // px
  projectileLifetimeS: number;
  projectileDamage: number;
  respawnDelayS: number;
  killTarget: number; // 0 = no kill target
  timeLimitS: number; // 0 = no time limit
  /** Seconds of position history kept for lag compensation. */
  historyS: number;
  /** Cap on the rewind a shot may claim (viewDelay), seconds; the history is kept at least this deep. */
  maxLagCompensationS: number;
}

export interface PlayerState {
  id: number; // 0..63, the player's slot in the match
  x: number; // px, on the 1/8 px grid
  y: number;
  aim: number; // radians in [-PI, PI)
  hp: number;
  alive: boolean;
  respawnTicks: number; // ticks until respawn while dead
  fireCooldownTicks: number; // ticks until the next shot is allowed
  kills: number;
  deaths: number;
  /** Last input applied (kept and repeated when a tick has no new input). */
  lastButtons: number;
  /**
   * How far behind the present the player's screen was at its last input (ticks, capped). A tick
   * without a fresh input keeps it: the screen still runs that far behind, so fire held through
   * it is judged on the same view.
   */
  viewDelayTicks: number;
}

export interface ProjectileState {
  id: number; // 0..65535, wraps
  ownerId: number;
  x0: number; // spawn position, px on the 1/8 px grid
  y0: number;
  angle: number; // radians, quantized to 1/4096 turn so clients can replay the flight exactly
  spawnTick: number;
  viewDelayTicks: number; // lag compensation of the shot
}

/** Positions of every live player at one tick, kept for lag compensation. */
export interface HistoryFrame {
  tick: number;
  players: { id: number; x: number; y: number; alive: boolean }[];
}

export type SimEvent =
  | { type: 'shot'; projectileId: number; ownerId: number }
  /** viewDelayTicks: how far back the shot was judged (the rewind lag compensation applied). */
  | { type: 'hit'; projectileId: number; attackerId: number; victimId: number; damage: number; viewDelayTicks: number }
  /** A wall stopped a shot that would have hit victimId behind it. */
  | { type: 'blocked'; projectileId: number; attackerId: number; victimId: number }
  /**
   * shotTick: the tick the fatal shot was fired; viewDelayTicks: the rewind it was judged with
   * (the killer's screen was that many ticks behind): what a killcam shows.
   */
  | { type: 'kill'; killerId: number; victimId: number; shotTick: number; viewDelayTicks: number }
  | { type: 'respawn'; playerId: number }
  | { type: 'end'; reason: 'kills' | 'time'; winnerId: number | null };

export interface World {
  rules: Rules;
  map: ArenaMap;
  tick: number;
  rngState: number; // seeded generator state (uint32)
  players: PlayerState[]; // sorted by id
  projectiles: ProjectileState[]; // sorted by id in spawn order
  nextProjectileId: number;
  history: HistoryFrame[]; // oldest first, at most historyS * tickRate frames
  ended: boolean;
}
