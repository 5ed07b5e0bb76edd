import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TickScheduler, type TickBot } from './tick-scheduler.ts';

class CountingBot implements TickBot {
  slice = -1;
  slot = -1;
  readonly at: number[] = [];
  onTick: (() => void) | null = null;
  readonly dueAt: number[] = [];
  tick(now: number): void {
    this.at.push(now);
    this.onTick?.();
  }
  due(now: number): void {
    this.dueAt.push(now);
  }
}

describe('TickScheduler: one timer for every bot', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  function scheduler(opts: { slices?: number } = {}) {
    const late: number[] = [];
    const missed: number[] = [];
    const s = new TickScheduler({ periodMs: 50, slices: opts.slices ?? 5, now: () => Date.now(), late: (ms) => late.push(ms), missed: (n) => missed.push(n) });
    return { s, late, missed };
  }

  it('ticks every bot once per period, the bots of a process spread over the period', () => {
    const { s } = scheduler();
    const bots = Array.from({ length: 10 }, () => new CountingBot());
    for (const b of bots) s.add(b);
    vi.advanceTimersByTime(1000);
    for (const b of bots) {
      expect(b.at.length).toBeGreaterThanOrEqual(20);
      expect(b.at.length).toBeLessThanOrEqual(21);
      // Each bot exactly one period apart.
      for (let i = 1; i < b.at.length; i++) expect(b.at[i]! - b.at[i - 1]!).toBe(50);
    }
    // Two bots per slice, five slices ten ms apart.
    const phases = new Set(bots.map((b) => b.at[0]! % 50));
    expect(phases.size).toBe(5);
    s.stop();
  });

  it('keeps to the grid when a step runs long (drift-corrected), and reports how late it was', () => {
    const { s, late } = scheduler({ slices: 1 });
    const bot = new CountingBot();
    let first = true;
    bot.onTick = () => {
      if (first) vi.setSystemTime(Date.now() + 30); // this step cost 30 ms
      first = false;
    };
    s.add(bot);
    vi.advanceTimersByTime(200);
    // Due at 0, 50, 100, 150, 200 from the start, whatever the first step cost.
    expect(bot.at.slice(1).map((t) => (t - bot.at[0]!) % 50)).toEqual([0, 0, 0, 0]);
    expect(late.every((l) => l === 0)).toBe(true);
    s.stop();
  });

  it('does not run a step twice after a stall: the lost ticks are counted as missed', () => {
    const { s, missed, late } = scheduler({ slices: 1 });
    const bots = [new CountingBot(), new CountingBot()];
    for (const b of bots) s.add(b);
    vi.advanceTimersByTime(0);
    bots[0]!.onTick = () => {
      bots[0]!.onTick = null;
      vi.setSystemTime(Date.now() + 175); // a 175 ms stall in the middle of a step
    };
    vi.advanceTimersByTime(50); // the step due at 50 ends at 225
    vi.advanceTimersByTime(1); // the step due at 100 runs now, at 226
    // It came 126 ms late: two whole periods lost for both bots, one run, not three.
    expect(missed).toEqual([4]);
    expect(Math.max(...late)).toBe(126);
    expect(bots[1]!.at.length).toBe(3);
    // Back on the grid: the next step is the one due at 250.
    vi.advanceTimersByTime(24);
    expect(bots[1]!.at.at(-1)! - bots[1]!.at[0]!).toBe(250);
    s.stop();
  });

  it('lets a bot leave in the middle of a step (its own or another bot\'s tick) without skipping the others', () => {
    const { s } = scheduler({ slices: 1 });
    const bots = Array.from({ length: 4 }, () => new CountingBot());
    for (const b of bots) s.add(b);
    bots[2]!.onTick = () => s.remove(bots[2]!);
    vi.advanceTimersByTime(0);
    expect(bots.map((b) => b.at.length)).toEqual([1, 1, 1, 1]);
    vi.advanceTimersByTime(50);
    expect(bots.map((b) => b.at.length)).toEqual([2, 2, 1, 2]);
    expect(s.size).toBe(3);
    expect(bots[2]!.slice).toBe(-1);
    s.add(bots[2]!);
    s.add(bots[2]!); // twice: still once
    expect(s.size).toBe(4);
    s.stop();
  });

  it('calls a deferred bot once, at the step nearest the delay, and not again', () => {
    const { s } = scheduler({ slices: 10 });
    const bot = new CountingBot();
    const t0 = Date.now();
    s.add(bot);
    vi.advanceTimersByTime(12);
    s.defer(bot, 25);
    s.defer(bot, 0);
    vi.advanceTimersByTime(100);
    // Steps every 5 ms: 25 ms from t=12 is t=37, the step at 35 (nearest); 0 ms: the next step, 15.
    expect(bot.dueAt.map((t) => t - t0)).toEqual([15, 35]);
    s.stop();
  });
});
