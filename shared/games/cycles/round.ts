/** Starting and finishing rounds. */
import { energyMax, GRID_HEIGHT, GRID_WIDTH, pauseTicks } from './rules.ts';
import { shuffled, spawnRing } from './spawn.ts';
import type { CyclesState } from './state.ts';

/**
 * Clears the arena and spawns every seated player. With fewer than two there is no one to beat:
 * the match waits (a lone player would otherwise win a round a tick).
 */
export function startRound(state: CyclesState): void {
  state.seats = state.seats.filter((s) => s.present);
  state.grid.clear();
  for (const seat of state.seats) {
    seat.alive = false;
    seat.boosting = false;
    seat.trail = [];
  }
  if (state.seats.length < 2) {
    state.roundState = 'wait';
    state.roundEndTick = 0;
    return;
  }
  state.round += 1;
  state.roundState = 'live';
  state.roundEndTick = 0;
  const places = spawnRing(state, state.seats.length, GRID_WIDTH, GRID_HEIGHT);
  shuffled(state, state.seats).forEach((seat, i) => {
    const at = places[i]!;
    seat.alive = true;
    seat.dir = at.dir;
    seat.movedDir = at.dir;
    seat.progress = 0;
    seat.energy = energyMax(state.tickRate);
    seat.trail = [at.x, at.y];
    state.grid.take(at.x, at.y, seat.slot);
  });
}

/**
 * Ends the round once at most one cycle is alive: the survivor scores, nobody on a draw. Answers
 * whether the survivor has now won the match.
 */
export function finishRoundIfOver(state: CyclesState): boolean {
  let alive = 0;
  let survivor = null;
  for (const seat of state.seats) {
    if (!seat.alive) continue;
    alive += 1;
    survivor = seat;
  }
  if (alive > 1) return false;
  if (survivor) survivor.score += 1;
  state.events.push({ tick: state.tick, type: 'roundWon', winner: survivor?.slot ?? null });
  state.roundState = 'pause';
  state.roundEndTick = state.tick + pauseTicks(state.tickRate);
  return survivor !== null && survivor.score >= state.roundsToWin;
}

/** Two seated players in a waiting match: a pause to get ready, then a round. */
export function startPause(state: CyclesState): void {
  state.roundState = 'pause';
  state.roundEndTick = state.tick + pauseTicks(state.tickRate);
}
