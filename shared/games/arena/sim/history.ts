/** Per-tick position history, the memory lag compensation rewinds into. */
import { historyLength } from './rules.ts';
import type { HistoryFrame, World } from './types.ts';

/** Appends the frame for world.tick (positions after movement) and drops frames beyond the window. */
export function recordHistory(world: World): void {
  world.history.push({
    tick: world.tick,
    players: world.players.map((p) => ({ id: p.id, x: p.x, y: p.y, alive: p.alive })),
  });
  const excess = world.history.length - historyLength(world.rules);
  if (excess > 0) world.history.splice(0, excess);
}

/**
 * The newest frame at or before `tick`; the oldest frame if `tick` is older than the window
 * (a shooter lagging beyond it is judged against the oldest view we still have).
 */
export function frameAt(world: World, tick: number): HistoryFrame | undefined {
  // Frames are one per played tick, so the frame is usually found by its distance from the
  // newest: a deep rewind costs no more than a shallow one. Ticks without a frame (before play
  // began) fall back to the scan.
  const newest = world.history[world.history.length - 1];
  if (newest && tick >= newest.tick) return newest;
  const guess = newest ? world.history[world.history.length - 1 - (newest.tick - tick)] : undefined;
  if (guess && guess.tick === tick) return guess;
  for (let i = world.history.length - 1; i >= 0; i--) {
    const frame = world.history[i];
    if (frame && frame.tick <= tick) return frame;
  }
  return world.history[0];
}
