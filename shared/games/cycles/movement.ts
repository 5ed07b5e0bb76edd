/**
 * Moving cycles and resolving crashes. All cycles move at once: a tick is split into substeps,
 * one cell each, and every substep checks all moving heads against the grid as it was before the
 * substep, so the order of slots never decides who survives.
 *
 * Rules: a head dies entering a wall, any trail (heads are trail cells too), or a cell another
 * head enters in the same substep. Two heads swapping cells each enter the other's trail, so
 * both die. A dead cycle stays where it was; its trail stays until the round ends.
 */
import { DX, DY } from './direction.ts';
import { BOOST_CELLS_PER_SECOND, CELLS_PER_SECOND, ENERGY_DRAIN_PER_TICK, ENERGY_REGEN_PER_TICK, boostStartEnergy, energyMax } from './rules.ts';
import { findSeat, type CyclesState, type Seat } from './state.ts';
import { extendTrail } from './trail.ts';

/** Spends or refills energy and answers how many cells each living cycle moves this tick. */
function planMoves(state: CyclesState): { seat: Seat; cells: number }[] {
  const max = energyMax(state.tickRate);
  const plan: { seat: Seat; cells: number }[] = [];
  for (const seat of state.seats) {
    if (!seat.alive) continue;
    // Starting a boost takes a quarter tank; going on takes one tick's worth. Without the gap a
    // held button on an empty tank would stutter (boost one tick, refill two, boost again).
    seat.boosting = seat.boostHeld && seat.energy >= (seat.boosting ? ENERGY_DRAIN_PER_TICK : boostStartEnergy(state.tickRate));
    seat.energy = seat.boosting ? seat.energy - ENERGY_DRAIN_PER_TICK : Math.min(max, seat.energy + ENERGY_REGEN_PER_TICK);
    seat.progress += seat.boosting ? BOOST_CELLS_PER_SECOND : CELLS_PER_SECOND;
    const cells = Math.floor(seat.progress / state.tickRate);
    seat.progress -= cells * state.tickRate;
    if (cells > 0) plan.push({ seat, cells });
  }
  return plan;
}

export function moveCycles(state: CyclesState): void {
  const plan = planMoves(state);
  let substeps = 0;
  for (const p of plan) substeps = Math.max(substeps, p.cells);
  for (let k = 0; k < substeps; k++) {
    const movers = plan.filter((p) => p.cells > k && p.seat.alive).map((p) => p.seat);
    moveOneCell(state, movers);
  }
}

function moveOneCell(state: CyclesState, movers: readonly Seat[]): void {
  const { grid } = state;
  const targets = movers.map((s) => {
    const n = s.trail.length;
    return { x: s.trail[n - 2]! + DX[s.dir]!, y: s.trail[n - 1]! + DY[s.dir]! };
  });
  // undefined: survives; null: crashed on its own (wall, own trail); else the rival to credit.
  const crashes: (number | null | undefined)[] = movers.map(() => undefined);
  movers.forEach((seat, i) => {
    const t = targets[i]!;
    if (!grid.inside(t.x, t.y)) {
      crashes[i] = null;
      return;
    }
    const owner = grid.at(t.x, t.y) - 1;
    if (owner >= 0) {
      crashes[i] = owner === seat.slot ? null : owner;
      return;
    }
    const rival = targets.findIndex((o, j) => j !== i && o.x === t.x && o.y === t.y);
    if (rival >= 0) crashes[i] = movers[rival]!.slot;
  });
  movers.forEach((seat, i) => {
    const killer = crashes[i];
    if (killer === undefined) {
      extendTrail(seat.trail, seat.dir);
      seat.movedDir = seat.dir;
      grid.take(targets[i]!.x, targets[i]!.y, seat.slot);
      return;
    }
    seat.alive = false;
    seat.boosting = false;
    seat.crashes += 1;
    const credited = killer === null ? undefined : findSeat(state, killer);
    if (credited?.present) credited.kills += 1;
    state.events.push({ tick: state.tick, type: 'crash', victim: seat.slot, killer });
  });
}
