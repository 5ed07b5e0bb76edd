/** One tick of a Cycles match, and the calls around it: creating a match, beginning play, inputs. */
import type { StepOutcome } from '../../game/game-definition.ts';
import { seedToState } from '../../game/rng.ts';
import { isDir, opposite } from './direction.ts';
import { moveCycles } from './movement.ts';
import { Occupancy } from './occupancy.ts';
import { finishRoundIfOver, startPause, startRound } from './round.ts';
import {
  checkOptions,
  GRID_HEIGHT,
  GRID_WIDTH,
  isValidTickRate,
  MAX_PLAYERS,
  resolveOptions,
  timeLimitTicks,
} from './rules.ts';
import { findSeat, type CyclesState } from './state.ts';

/** How long events stay in the state: enough for a snapshot sent every couple of seconds. */
export const EVENT_MEMORY_SECONDS = 2;

export function createState(args: { options: Readonly<Record<string, number>>; seed: number; tickRate: number }): CyclesState {
  if (!isValidTickRate(args.tickRate)) throw new RangeError(`tickRate must be an integer in 1..1000, got ${args.tickRate}`);
  const problem = checkOptions(args.options);
  if (problem) throw new RangeError(problem);
  const options = resolveOptions(args.options);
  return {
    tickRate: args.tickRate,
    roundsToWin: options.roundsToWin,
    timeLimitS: options.timeLimitS,
    rngState: seedToState(args.seed),
    tick: 0,
    begun: false,
    endTick: 0,
    ended: false,
    round: 0,
    roundState: 'wait',
    roundEndTick: 0,
    seats: [],
    away: [],
    pending: Array.from({ length: MAX_PLAYERS }, () => null),
    events: [],
    grid: new Occupancy(GRID_WIDTH, GRID_HEIGHT),
  };
}

/** The first round starts at once (the framework's countdown came before). */
export function beginPlay(state: CyclesState): number {
  const limit = timeLimitTicks(state.timeLimitS, state.tickRate);
  state.begun = true;
  state.endTick = limit > 0 ? state.tick + limit - 1 : 0;
  startRound(state);
  return state.endTick;
}

/** Queues a seated player's command for the next step; a later call in the same tick replaces it. */
export function applyInput(state: CyclesState, slot: number, input: { dir: number; boost: boolean }): void {
  if (!findSeat(state, slot)?.present) return;
  if (input.dir !== 0 && !isDir(input.dir)) return;
  state.pending[slot] = { dir: input.dir, boost: input.boost === true };
}

export function step(state: CyclesState, playing: boolean): StepOutcome {
  state.tick += 1;
  const forgetBefore = state.tick - EVENT_MEMORY_SECONDS * state.tickRate;
  if (state.events.length > 0 && state.events[0]!.tick <= forgetBefore) {
    state.events = state.events.filter((e) => e.tick > forgetBefore);
  }
  if (!playing || state.ended) return { ended: null };
  if (!state.begun) beginPlay(state);
  applyPending(state);

  let won = false;
  if (state.roundState === 'live') {
    moveCycles(state);
    won = finishRoundIfOver(state);
  } else if (state.roundState === 'pause') {
    if (state.tick >= state.roundEndTick) startRound(state);
  } else if (state.seats.filter((s) => s.present).length >= 2) {
    startPause(state);
  }

  const reason = won ? 'rounds' : state.endTick > 0 && state.tick >= state.endTick ? 'time' : null;
  if (reason === null) return { ended: null };
  state.ended = true;
  return { ended: { reason } };
}

/**
 * Boost is a held button: it stays as the last input left it. A turn only counts for a living
 * cycle and never straight back onto the cell it came from (checked against the last move made,
 * not the last turn asked for, so two quick turns cannot fold a cycle onto itself).
 */
function applyPending(state: CyclesState): void {
  for (const seat of state.seats) {
    const input = state.pending[seat.slot];
    if (!input) continue;
    seat.boostHeld = input.boost;
    if (seat.alive && input.dir !== 0 && input.dir !== opposite(seat.movedDir)) seat.dir = input.dir;
  }
  state.pending.fill(null);
}
