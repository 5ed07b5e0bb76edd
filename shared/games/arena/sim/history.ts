/** Per-tick position history, the memory lag compensation rewinds into. */
import { historyLength } from './rules.ts';
import type { HistoryFrame, World } from './types.ts';

/**
 * Appends the frame for world.tick (positions after movement) and drops frames beyond the window.
 * The frame that falls out of the window is refilled as the new one (its player records too):
 * a full window costs no allocation per tick. Nothing keeps a frame past the step that reads it.
 */
export function recordHistory(world: World): void {
  const { history, players } = world;
  const excess = history.length + 1 - historyLength(world.rules);
  const frame = excess > 0 ? history.shift()! : { tick: 0, players: [] };
  if (excess > 1) history.splice(0, excess - 1);
  frame.tick = world.tick;
  const seen = frame.players;
  for (let i = 0; i < players.length; i++) {
    const p = players[i]!;
    const s = seen[i];
    if (s === undefined) seen.push({ id: p.id, x: p.x, y: p.y, alive: p.alive });
    else {
      s.id = p.id;
      s.x = p.x;
      s.y = p.y;
      s.alive = p.alive;
    }
  }
  seen.length = players.length;
  history.push(frame);
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
