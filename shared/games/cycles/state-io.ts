/**
 * Checkpoints: `toState` copies a match into plain JSON-safe data, `fromState` checks such data
 * field by field and rebuilds the match, including the occupancy grid, which is derived from the
 * trails and never stored. A checkpoint crosses processes (failover, replays), so fromState
 * trusts nothing: garbage answers an error, never a state that would misbehave later.
 */
import { err, ok, type Result } from '../../result.ts';
import { isDir } from './direction.ts';
import { Occupancy } from './occupancy.ts';
import { checkOptions, energyMax, GRID_HEIGHT, GRID_WIDTH, isValidTickRate, MAX_PLAYERS } from './rules.ts';
import { MAX_TRAIL_POINTS } from './snapshot.ts';
import type { AwayRecord, CyclesEvent, CyclesState, PendingInput, RoundState, Seat } from './state.ts';
import { forEachTrailCell, isWellFormedTrail } from './trail.ts';

export const STATE_FORMAT = 'cycles/1';
/** More than a couple of seconds of events can never be held (step.ts forgets older ones). */
const MAX_STORED_EVENTS = 1000;

export function toState(s: CyclesState): unknown {
  return {
    format: STATE_FORMAT,
    tickRate: s.tickRate,
    roundsToWin: s.roundsToWin,
    timeLimitS: s.timeLimitS,
    rngState: s.rngState,
    tick: s.tick,
    begun: s.begun,
    endTick: s.endTick,
    ended: s.ended,
    round: s.round,
    roundState: s.roundState,
    roundEndTick: s.roundEndTick,
    seats: s.seats.map((seat) => ({ ...seat, trail: seat.trail.slice() })),
    away: s.away.map((a) => ({ ...a })),
    pending: s.pending.map((p) => (p ? { ...p } : null)),
    events: s.events.map((e) => ({ ...e })),
  };
}

class BadState extends Error {}

export function fromState(data: unknown): Result<CyclesState, 'BAD_STATE'> {
  try {
    return ok(readState(data));
  } catch (e) {
    if (e instanceof BadState) return err('BAD_STATE', e.message);
    return err('BAD_STATE', e instanceof Error ? e.message : String(e));
  }
}

function readState(data: unknown): CyclesState {
  const d = record(data, 'state');
  if (d.format !== STATE_FORMAT) fail(`format must be ${STATE_FORMAT}`);
  const tickRate = int(d.tickRate, 'tickRate', 1, 1000);
  if (!isValidTickRate(tickRate)) fail('tickRate');
  const roundsToWin = int(d.roundsToWin, 'roundsToWin', 0, 1000);
  const timeLimitS = int(d.timeLimitS, 'timeLimitS', 0, 1_000_000);
  const problem = checkOptions({ roundsToWin, timeLimitS });
  if (problem) fail(problem);
  const seats = list(d.seats, 'seats', MAX_PLAYERS).map((v, i) => readSeat(v, `seats[${i}]`, tickRate));
  const away = list(d.away, 'away', MAX_PLAYERS).map((v, i) => readAway(v, `away[${i}]`));
  ascendingSlots(seats, 'seats');
  ascendingSlots(away, 'away');
  for (const a of away) if (seats.some((s) => s.present && s.slot === a.slot)) fail(`away slot ${a.slot} is also seated`);
  const pending = list(d.pending, 'pending', MAX_PLAYERS).map((v, i) => readPending(v, `pending[${i}]`));
  if (pending.length !== MAX_PLAYERS) fail(`pending must have ${MAX_PLAYERS} entries`);
  const roundState = d.roundState;
  if (roundState !== 'wait' && roundState !== 'live' && roundState !== 'pause') fail('roundState');
  const state: CyclesState = {
    tickRate,
    roundsToWin,
    timeLimitS,
    rngState: int(d.rngState, 'rngState', 0, 0xffffffff),
    tick: int(d.tick, 'tick', 0, Number.MAX_SAFE_INTEGER),
    begun: bool(d.begun, 'begun'),
    endTick: int(d.endTick, 'endTick', 0, Number.MAX_SAFE_INTEGER),
    ended: bool(d.ended, 'ended'),
    round: int(d.round, 'round', 0, Number.MAX_SAFE_INTEGER),
    roundState: roundState as RoundState,
    roundEndTick: int(d.roundEndTick, 'roundEndTick', 0, Number.MAX_SAFE_INTEGER),
    seats,
    away,
    pending,
    events: list(d.events, 'events', MAX_STORED_EVENTS).map((v, i) => readEvent(v, `events[${i}]`)),
    grid: new Occupancy(GRID_WIDTH, GRID_HEIGHT),
  };
  // Trails never share a cell: a crashing head stops short of the cell it hit.
  for (const seat of seats) {
    forEachTrailCell(seat.trail, (x, y) => {
      if (state.grid.at(x, y) !== 0) fail(`trails overlap at (${x}, ${y})`);
      state.grid.take(x, y, seat.slot);
    });
  }
  return state;
}

function readSeat(v: unknown, at: string, tickRate: number): Seat {
  const d = record(v, at);
  const trail = list(d.trail, `${at}.trail`, 2 * MAX_TRAIL_POINTS).map((n, i) => int(n, `${at}.trail[${i}]`, 0, 255));
  if (!isWellFormedTrail(trail, GRID_WIDTH, GRID_HEIGHT)) fail(`${at}.trail is not a trail`);
  const seat: Seat = {
    slot: int(d.slot, `${at}.slot`, 0, MAX_PLAYERS - 1),
    present: bool(d.present, `${at}.present`),
    score: int(d.score, `${at}.score`, 0, 1_000_000),
    kills: int(d.kills, `${at}.kills`, 0, 1_000_000_000),
    crashes: int(d.crashes, `${at}.crashes`, 0, 1_000_000_000),
    alive: bool(d.alive, `${at}.alive`),
    dir: dir(d.dir, `${at}.dir`),
    movedDir: dir(d.movedDir, `${at}.movedDir`),
    progress: int(d.progress, `${at}.progress`, 0, tickRate - 1),
    energy: int(d.energy, `${at}.energy`, 0, energyMax(tickRate)),
    boostHeld: bool(d.boostHeld, `${at}.boostHeld`),
    boosting: bool(d.boosting, `${at}.boosting`),
    trail,
  };
  if (seat.alive && (!seat.present || trail.length === 0)) fail(`${at} is alive without a cycle`);
  if (!seat.present && trail.length === 0) fail(`${at} is neither seated nor leaves a trail`);
  return seat;
}

function readAway(v: unknown, at: string): AwayRecord {
  const d = record(v, at);
  return {
    slot: int(d.slot, `${at}.slot`, 0, MAX_PLAYERS - 1),
    score: int(d.score, `${at}.score`, 0, 1_000_000),
    kills: int(d.kills, `${at}.kills`, 0, 1_000_000_000),
    crashes: int(d.crashes, `${at}.crashes`, 0, 1_000_000_000),
  };
}

function readPending(v: unknown, at: string): PendingInput | null {
  if (v === null) return null;
  const d = record(v, at);
  const dirValue = int(d.dir, `${at}.dir`, 0, 4) as PendingInput['dir'];
  return { dir: dirValue, boost: bool(d.boost, `${at}.boost`) };
}

function readEvent(v: unknown, at: string): CyclesEvent {
  const d = record(v, at);
  const tick = int(d.tick, `${at}.tick`, 0, Number.MAX_SAFE_INTEGER);
  const slotOrNull = (x: unknown, name: string): number | null => (x === null ? null : int(x, `${at}.${name}`, 0, MAX_PLAYERS - 1));
  if (d.type === 'crash') return { tick, type: 'crash', victim: int(d.victim, `${at}.victim`, 0, MAX_PLAYERS - 1), killer: slotOrNull(d.killer, 'killer') };
  if (d.type === 'roundWon') return { tick, type: 'roundWon', winner: slotOrNull(d.winner, 'winner') };
  return fail(`${at}.type`);
}

function ascendingSlots(items: readonly { slot: number }[], at: string): void {
  for (let i = 1; i < items.length; i++) if (items[i]!.slot <= items[i - 1]!.slot) fail(`${at} must be sorted by slot, without repeats`);
}

function fail(message: string): never {
  throw new BadState(message);
}

function record(v: unknown, at: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(`${at} must be an object`);
  return v as Record<string, unknown>;
}

function list(v: unknown, at: string, max: number): unknown[] {
  if (!Array.isArray(v)) fail(`${at} must be an array`);
  if (v.length > max) fail(`${at} has more than ${max} entries`);
  return v;
}

function int(v: unknown, at: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) fail(`${at} must be an integer in ${min}..${max}`);
  return v;
}

function bool(v: unknown, at: string): boolean {
  if (typeof v !== 'boolean') fail(`${at} must be a boolean`);
  return v;
}

function dir(v: unknown, at: string): Seat['dir'] {
  if (!isDir(v)) fail(`${at} must be 1..4`);
  return v;
}
