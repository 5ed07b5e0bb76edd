/**
 * A page that draws for 40 ms of every 50 wakes its input timer up to 40 ms late. The input
 * loop used to skip every tick whose send time had passed: at 30 Hz the server applied 10
 * inputs a second for that player (Chromium measured 5.5-9.6), and every other tick repeated
 * stale buttons with no evidence of what the player saw. Now a late wake sends an input for
 * each tick it missed, and the server applies one per tick, in order. Simulated time
 * (busy-page.ts): the figures are exact for the options, not timings.
 */
import { describe, expect, it } from 'vitest';
import { simulateBusyPage } from './busy-page.ts';

const BUSY = { tickRate: 30, busyMs: 40, periodMs: 50, seconds: 20 } as const;
const AT_150_MS = { oneWayMs: 75, jitterMs: 30 } as const;

describe('inputs from a page with a busy main thread', () => {
  it('reach the server for every tick at 150 ± 30 ms RTT: 30 applied a second, none dropped', () => {
    const r = simulateBusyPage({ ...BUSY, ...AT_150_MS });
    expect(r.ticksWithoutInput).toBe(0);
    expect(r.appliedPerSecond).toBe(30);
    expect(r.overflowed).toBe(0);
    // The price: an input waits at most two ticks behind its burst.
    expect(r.lateTicksP95).toBeLessThanOrEqual(2);
  });

  it('on loopback too', () => {
    const r = simulateBusyPage({ ...BUSY, oneWayMs: 1, jitterMs: 0 });
    expect(r.ticksWithoutInput).toBe(0);
    expect(r.appliedPerSecond).toBe(30);
  });

  it('without catching up (maxCatchUp 0) two ticks in three go without an input (the counterfactual)', () => {
    const r = simulateBusyPage({ ...BUSY, ...AT_150_MS, maxCatchUp: 0 });
    expect(r.appliedPerSecond).toBeLessThan(12);
    expect(r.ticksWithoutInput).toBeGreaterThan(r.ticks / 2);
  });

  it('after one 150 ms stall, the catch-up burst is applied and the backlog it leaves drains without emptying the queue', () => {
    const stalled = simulateBusyPage({ ...BUSY, busyMs: 0, ...AT_150_MS, stallAtMs: 5_000, stallMs: 150 });
    const skipping = simulateBusyPage({ ...BUSY, busyMs: 0, ...AT_150_MS, stallAtMs: 5_000, stallMs: 150, maxCatchUp: 0 });
    // No more ticks without an input than the stall itself costs when its ticks are skipped ...
    expect(stalled.ticksWithoutInput).toBeLessThanOrEqual(skipping.ticksWithoutInput);
    expect(stalled.overflowed).toBe(0);
    // ... and the drain skips one send per input of backlog, not one per acknowledgement in flight.
    expect(stalled.skipped).toBeLessThanOrEqual(4);
  });

  it('an idle page keeps one input per tick, on time, at 150 ± 30 ms RTT', () => {
    const r = simulateBusyPage({ ...BUSY, busyMs: 0, ...AT_150_MS });
    expect(r.ticksWithoutInput).toBe(0);
    expect(r.lateTicksP95).toBe(0);
  });
});
