/**
 * Cycles' fixed rules and the conversions from the designer-facing seconds and cells per second
 * to the ticks the simulation counts in. Everything a client needs to draw and predict travels in
 * `CyclesSetup`, built here, so the figures live in one place.
 *
 * Speeds are whole cells per second and the sim moves a cycle with an integer accumulator
 * (progress += speed each tick, one cell per `tickRate` of progress): 12 cells/s is exactly 12
 * cells in every second at 20, 30 or 60 Hz, and no float ever decides a move.
 */
import type { GameMode, OptionSpec } from '../../game/game-definition.ts';

/** Arena size in cells. 96×60 keeps a 16:10 screen and gives 8 cycles ~720 cells each. */
export const GRID_WIDTH = 96;
export const GRID_HEIGHT = 60;
/** Slots 0..7: 3 bits on the wire. */
export const MAX_PLAYERS = 8;

export const CELLS_PER_SECOND = 12;
export const BOOST_CELLS_PER_SECOND = 20;
/**
 * A full tank boosts for 2 s and refills in 4 s: boosting drains 2 units a tick, rest refills 1.
 * Starting a boost needs a quarter tank.
 */
export const BOOST_SECONDS = 2;
export const ENERGY_DRAIN_PER_TICK = 2;
export const ENERGY_REGEN_PER_TICK = 1;
/** Energy on the wire: 0..15, a bar's worth of precision, four bits. */
export const ENERGY_LEVELS = 15;
export const ROUND_PAUSE_SECONDS = 1.5;

export const DEFAULT_ROUNDS_TO_WIN = 5;
export const DEFAULT_TIME_LIMIT_S = 300;

export interface CyclesOptions {
  roundsToWin: number;
  /** 0 = no time limit. */
  timeLimitS: number;
}

/** What a client needs to draw and predict a match; sent once, on join. */
export interface CyclesSetup {
  width: number;
  height: number;
  tickRate: number;
  cellsPerSecond: number;
  boostCellsPerSecond: number;
  /** Seconds of boost in a full tank; it refills in twice that. */
  boostSeconds: number;
  /** Top of the snapshot's quantized energy scale. */
  energyLevels: number;
  pauseTicks: number;
  roundsToWin: number;
  timeLimitS: number;
}

export const OPTIONS: readonly OptionSpec[] = [
  { name: 'roundsToWin', label: 'Rounds to win', min: 1, max: 20 },
  { name: 'timeLimitS', label: 'Time limit (s, 0 = none)', min: 0, max: 3600 },
];

const defaults = { roundsToWin: DEFAULT_ROUNDS_TO_WIN, timeLimitS: DEFAULT_TIME_LIMIT_S };

export const MODES: readonly GameMode[] = [
  { id: 'cycles', label: 'Light cycles', minPlayers: 2, maxPlayers: 6, options: defaults },
  { id: 'cycles-duel', label: 'Light cycles duel', minPlayers: 2, maxPlayers: 2, options: defaults },
];

/** Null when the options make a match; else why not. Missing options take their defaults. */
export function checkOptions(options: Readonly<Record<string, number>>): string | null {
  for (const spec of OPTIONS) {
    const v = options[spec.name];
    if (v === undefined) continue;
    if (!Number.isInteger(v) || v < spec.min || v > spec.max) {
      return `${spec.name} must be an integer in ${spec.min}..${spec.max}, got ${v}`;
    }
  }
  const o = resolveOptions(options);
  // Rounds' lower bound is 1 today; the check stays so a bound change cannot make an endless match.
  if (o.roundsToWin === 0 && o.timeLimitS === 0) return 'a match needs a round target or a time limit';
  return null;
}

export function resolveOptions(options: Readonly<Record<string, number>>): CyclesOptions {
  return {
    roundsToWin: options.roundsToWin ?? DEFAULT_ROUNDS_TO_WIN,
    timeLimitS: options.timeLimitS ?? DEFAULT_TIME_LIMIT_S,
  };
}

/** Largest energy value: BOOST_SECONDS of draining at ENERGY_DRAIN_PER_TICK. */
export const energyMax = (tickRate: number): number => BOOST_SECONDS * tickRate * ENERGY_DRAIN_PER_TICK;

/** Energy needed to start a boost: a quarter tank (half a second of boost). */
export const boostStartEnergy = (tickRate: number): number => energyMax(tickRate) / 4;

/** Floor, so the bar reads full only when the tank is. */
export const energyLevel = (energy: number, tickRate: number): number =>
  Math.floor((energy * ENERGY_LEVELS) / energyMax(tickRate));

export const pauseTicks = (tickRate: number): number => Math.max(1, Math.round(ROUND_PAUSE_SECONDS * tickRate));

/** Ticks of play the time limit allows; 0 for none. */
export const timeLimitTicks = (timeLimitS: number, tickRate: number): number =>
  timeLimitS > 0 ? Math.max(1, Math.round(timeLimitS * tickRate)) : 0;

export function isValidTickRate(tickRate: number): boolean {
  return Number.isInteger(tickRate) && tickRate >= 1 && tickRate <= 1000;
}

export function makeSetup(tickRate: number, options: CyclesOptions): CyclesSetup {
  return {
    width: GRID_WIDTH,
    height: GRID_HEIGHT,
    tickRate,
    cellsPerSecond: CELLS_PER_SECOND,
    boostCellsPerSecond: BOOST_CELLS_PER_SECOND,
    boostSeconds: BOOST_SECONDS,
    energyLevels: ENERGY_LEVELS,
    pauseTicks: pauseTicks(tickRate),
    roundsToWin: options.roundsToWin,
    timeLimitS: options.timeLimitS,
  };
}
