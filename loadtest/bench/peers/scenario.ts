/**
 * The rules of the "arena-16" equal-work scenario (shared/bench/arena-16-scenario.md), written
 * once and used by every implementation the peer benchmark compares: the raw `ws` floor, the
 * Colyseus room, this project's parity game, and all their bots. Only the rules live here; each
 * implementation keeps its own transport, codec and server structure.
 *
 * - Rooms of 16; the server steps and sends state at 20 Hz.
 * - A bot sends one input per tick: dx, dy ∈ {-1, 0, 1}, never both 0; the direction is re-rolled
 *   every 0.8–1.2 s by a seeded mulberry32; the aim turns 0.05 rad per input; fire is held in
 *   about a quarter of the direction periods.
 * - The server moves a player 200 px/s (normalised on diagonals) inside a 2000 × 2000 field,
 *   keeps the latest angle, leaves hp at 100 and adds 1 to score per 10 ticks of held fire.
 */

import { nextRandom, seedToState } from '../../../shared/game/rng.ts';

export const ROOM_SIZE = 16;
export const TICK_RATE = 20;
export const SPEED_PX_PER_S = 200;
export const FIELD_SIZE = 2000;
export const START_HP = 100;
export const FIRE_TICKS_PER_POINT = 10;
export const AIM_STEP_RAD = 0.05;
/** Share of direction periods in which fire is held. */
export const FIRE_SHARE = 0.25;
/** A direction lasts 0.8–1.2 s: 16–24 inputs at 20 per second. */
export const PERIOD_MIN_INPUTS = 16;
export const PERIOD_MAX_INPUTS = 24;

/** The project's seeded mulberry32 (shared/game/rng.ts) as a function giving floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  const holder = { rngState: seedToState(seed) };
  return () => nextRandom(holder);
}

/** The eight directions a bot may move in: never (0, 0), so players keep moving. */
export const DIRECTIONS: readonly (readonly [number, number])[] = [
  [-1, -1],
  [0, -1],
  [1, -1],
  [-1, 0],
  [1, 0],
  [-1, 1],
  [0, 1],
  [1, 1],
];

export interface ScenarioCommand {
  dx: number;
  dy: number;
  /** Radians, in [-π, π). */
  angle: number;
  fire: boolean;
}

/** One bot's inputs, one per call: the same seed gives the same sequence in every implementation. */
export class InputScript {
  private readonly random: () => number;
  private left = 0;
  private dx = 1;
  private dy = 0;
  private fire = false;
  private aim: number;

  constructor(seed: number) {
    this.random = mulberry32(seed);
    this.aim = this.random() * 2 * Math.PI;
  }

  next(): ScenarioCommand {
    if (this.left === 0) {
      const [dx, dy] = DIRECTIONS[Math.floor(this.random() * DIRECTIONS.length)]!;
      this.dx = dx;
      this.dy = dy;
      this.fire = this.random() < FIRE_SHARE;
      this.left = PERIOD_MIN_INPUTS + Math.floor(this.random() * (PERIOD_MAX_INPUTS - PERIOD_MIN_INPUTS + 1));
    }
    this.left--;
    this.aim = (this.aim + AIM_STEP_RAD) % (2 * Math.PI);
    return { dx: this.dx, dy: this.dy, angle: this.aim - Math.PI, fire: this.fire };
  }
}

/** A player as the server holds it. */
export interface ScenarioPlayer {
  x: number;
  y: number;
  angle: number;
  hp: number;
  score: number;
  /** The latest input: applied on every tick until the next one arrives. */
  dx: number;
  dy: number;
  fire: boolean;
  /** Ticks of held fire not yet worth a point. */
  fireTicks: number;
}

/** A new player, placed by its slot so that every implementation starts from the same spots. */
export function spawnPlayer(slot: number): ScenarioPlayer {
  const random = mulberry32(0x5eed + slot);
  return {
    x: 100 + random() * (FIELD_SIZE - 200),
    y: 100 + random() * (FIELD_SIZE - 200),
    angle: 0,
    hp: START_HP,
    score: 0,
    dx: 0,
    dy: 0,
    fire: false,
    fireTicks: 0,
  };
}

/** Keeps the newest input; a command outside the rules (a bad dx, a NaN angle) is refused. */
export function applyCommand(p: ScenarioPlayer, c: ScenarioCommand): boolean {
  if (!validDelta(c.dx) || !validDelta(c.dy) || !Number.isFinite(c.angle)) return false;
  p.dx = c.dx;
  p.dy = c.dy;
  p.angle = c.angle;
  p.fire = c.fire;
  return true;
}

const validDelta = (d: number): boolean => d === -1 || d === 0 || d === 1;
const clamp = (v: number): number => (v < 0 ? 0 : v > FIELD_SIZE ? FIELD_SIZE : v);

/** One tick of one player. */
export function stepPlayer(p: ScenarioPlayer, tickRate: number): void {
  if (p.dx !== 0 || p.dy !== 0) {
    const per = SPEED_PX_PER_S / tickRate / Math.hypot(p.dx, p.dy);
    p.x = clamp(p.x + p.dx * per);
    p.y = clamp(p.y + p.dy * per);
  }
  if (p.fire && ++p.fireTicks >= FIRE_TICKS_PER_POINT) {
    p.fireTicks = 0;
    p.score++;
  }
}
