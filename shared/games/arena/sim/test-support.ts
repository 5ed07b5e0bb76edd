/** Helpers for the simulation's tests (not part of the public API). */
import { step } from './step.ts';
import type { PlayerInput, SimEvent, World } from './types.ts';
import { findPlayer } from './world.ts';

export function input(buttons: number, aim = 0, viewDelayTicks = 0): PlayerInput {
  return { buttons, aim, viewDelayTicks };
}

/** Puts a player somewhere specific (tests need positions the RNG would not pick). */
export function place(world: World, id: number, x: number, y: number): void {
  const p = findPlayer(world, id);
  if (!p) throw new Error(`no player ${id}`);
  p.x = x;
  p.y = y;
}

export interface TimedEvent {
  tick: number;
  event: SimEvent;
}

/** Steps `ticks` times with the inputs `inputsAt(tick)` returns; collects events with their tick. */
export function run(
  world: World,
  ticks: number,
  inputsAt: (tick: number) => ReadonlyMap<number, PlayerInput> = () => new Map(),
): TimedEvent[] {
  const out: TimedEvent[] = [];
  for (let i = 0; i < ticks; i++) {
    const events = step(world, inputsAt(world.tick + 1));
    for (const event of events) out.push({ tick: world.tick, event });
  }
  return out;
}

export function mustFind(world: World, id: number) {
  const p = findPlayer(world, id);
  if (!p) throw new Error(`no player ${id}`);
  return p;
}
