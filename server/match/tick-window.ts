/**
 * A match's tick durations gathered into one-second windows, for its players' net graphs: each
 * tick adds its duration, and the tick that closes a window (every `ticksPerWindow` ticks) gets
 * the window's mean and worst back, to send to the room. Pure: durations come in as arguments.
 */
import type { ServerTick } from '../../shared/protocol/events.ts';

/** Two decimals: finer than any net graph shows, and the payload stays small. */
const round2 = (ms: number): number => Math.round(ms * 100) / 100;

export class TickWindow {
  private ticks = 0;
  private sumMs = 0;
  private maxMs = 0;

  constructor(private readonly ticksPerWindow: number) {
    if (!Number.isInteger(ticksPerWindow) || ticksPerWindow < 1) throw new RangeError(`ticksPerWindow must be a positive integer, got ${ticksPerWindow}`);
  }

  /** One tick took `durationMs`; returns the window's figures when this tick closes it. */
  add(durationMs: number): ServerTick | null {
    // A clock read twice can step back by rounding; a tick never takes negative time.
    const ms = Number.isFinite(durationMs) ? Math.max(0, durationMs) : 0;
    this.ticks += 1;
    this.sumMs += ms;
    this.maxMs = Math.max(this.maxMs, ms);
    if (this.ticks < this.ticksPerWindow) return null;
    const figures = { meanMs: round2(this.sumMs / this.ticks), maxMs: round2(this.maxMs) };
    this.ticks = 0;
    this.sumMs = 0;
    this.maxMs = 0;
    return figures;
  }
}
