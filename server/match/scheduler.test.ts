import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TickScheduler } from './scheduler.ts';

describe('TickScheduler', () => {
  beforeEach(() => vi.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => vi.useRealTimers());

  it('ticks every task on a fixed grid: no drift however long the run', () => {
    const scheduler = new TickScheduler({ tickRate: 20, clock: () => Date.now() });
    const times: number[] = [];
    scheduler.add({ tick: (at) => times.push(at) });
    scheduler.start();
    vi.advanceTimersByTime(60_000);
    scheduler.stop();
    expect(times.length).toBeGreaterThanOrEqual(1199);
    expect(times.length).toBeLessThanOrEqual(1200);
    // Every scheduled time is exactly one interval after the previous one.
    expect(times.every((t, i) => i === 0 || t - times[i - 1]! === 50)).toBe(true);
  });

  it('holds every task while told to (a node checking its leases), then goes on on the same grid', () => {
    let holding = false;
    const scheduler = new TickScheduler({ tickRate: 20, clock: () => Date.now(), hold: () => holding });
    const times: number[] = [];
    scheduler.add({ tick: (at) => times.push(at) });
    scheduler.start();
    vi.advanceTimersByTime(500);
    const before = times.length;
    holding = true;
    vi.advanceTimersByTime(500);
    expect(times.length).toBe(before);
    holding = false;
    vi.advanceTimersByTime(500);
    scheduler.stop();
    expect(times.length).toBeGreaterThanOrEqual(before + 9);
    // No burst to catch up: the held ticks are skipped, the grid is kept.
    expect(times.every((t, i) => i === 0 || (t - times[i - 1]!) % 50 === 0)).toBe(true);
    expect(times.at(-1)! - times[before]!).toBeLessThanOrEqual(500);
  });

  it("tells each task what its own tick took, as it tells the process's metrics; a throwing report stops nothing", () => {
    const reported: number[] = [];
    const mine: number[] = [];
    const errors: unknown[] = [];
    const scheduler = new TickScheduler({ tickRate: 20, clock: () => Date.now(), onTick: (s) => reported.push(s.durationMs), onError: (e) => errors.push(e) });
    let n = 0;
    // Each tick takes 3 ms of the (fake) clock.
    scheduler.add({ tick: () => void vi.setSystemTime(Date.now() + 3), ticked: (s) => void mine.push(s.durationMs) });
    scheduler.add({
      tick: () => void (n += 1),
      ticked: () => {
        throw new Error('report failed');
      },
    });
    scheduler.start();
    vi.advanceTimersByTime(200);
    scheduler.stop();
    expect(mine.length).toBeGreaterThanOrEqual(3);
    expect(mine.every((ms) => ms === 3)).toBe(true);
    expect(reported.filter((ms) => ms === 3).length).toBe(mine.length);
    expect(n).toBe(mine.length);
    expect(errors.length).toBe(n);
  });

  it('spreads tasks over phase slots instead of running them all at once', () => {
    const scheduler = new TickScheduler({ tickRate: 10, clock: () => Date.now(), slots: 4 });
    const firstTick = new Map<number, number>();
    for (let i = 0; i < 4; i++) scheduler.add({ tick: (at) => void (firstTick.has(i) || firstTick.set(i, at)) });
    scheduler.start();
    vi.advanceTimersByTime(500);
    const phases = [...firstTick.values()].map((t) => t % 100).sort((a, b) => a - b);
    expect(phases).toEqual([0, 25, 50, 75]);
  });

  it('drops ticks rather than bursting when the process falls far behind, and says so', () => {
    const skipped: number[] = [];
    const scheduler = new TickScheduler({
      tickRate: 20,
      clock: () => Date.now(),
      onSkip: (n) => skipped.push(n),
    });
    let ticks = 0;
    scheduler.add({
      tick: () => {
        ticks++;
        if (ticks === 3) vi.setSystemTime(Date.now() + 400); // one tick blocks for 400 ms
      },
    });
    scheduler.start();
    vi.advanceTimersByTime(1000);
    scheduler.stop();
    // One skip of the ~7-8 intervals lost, then back on the grid: no burst of catch-up ticks.
    expect(skipped).toHaveLength(1);
    expect(skipped[0]).toBeGreaterThanOrEqual(6);
    // The clock moved 1,400 ms (28 intervals); bursting would have run all 28 ticks.
    expect(ticks + skipped[0]!).toBeLessThanOrEqual(29);
    expect(ticks).toBeLessThanOrEqual(22);
  });

  it('keeps ticking other matches when one throws', () => {
    const errors: unknown[] = [];
    const scheduler = new TickScheduler({ tickRate: 20, clock: () => Date.now(), onError: (e) => errors.push(e) });
    let healthy = 0;
    scheduler.add({ tick: () => { throw new Error('boom'); } });
    scheduler.add({ tick: () => void healthy++ });
    scheduler.start();
    vi.advanceTimersByTime(1000);
    scheduler.stop();
    expect(healthy).toBeGreaterThanOrEqual(19);
    expect(errors.length).toBeGreaterThanOrEqual(19);
  });

  it('stops ticking a removed task', () => {
    const scheduler = new TickScheduler({ tickRate: 20, clock: () => Date.now() });
    let n = 0;
    const remove = scheduler.add({ tick: () => void n++ });
    scheduler.start();
    vi.advanceTimersByTime(500);
    remove();
    const at = n;
    vi.advanceTimersByTime(500);
    expect(n).toBe(at);
    expect(scheduler.size).toBe(0);
  });
});
