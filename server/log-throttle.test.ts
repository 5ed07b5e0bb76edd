import { describe, expect, it } from 'vitest';
import { LogThrottle } from './log-throttle.ts';

function throttle(perWindow = 3, windowMs = 1000) {
  let now = 0;
  const timers: { at: number; fn: () => void }[] = [];
  const reports: [string, number][] = [];
  const t = new LogThrottle({
    perWindow,
    windowMs,
    now: () => now,
    schedule: (fn, ms) => void timers.push({ at: now + ms, fn }),
    report: (code, n) => void reports.push([code, n]),
  });
  /** Moves the clock; the timers that are due run unless `runTimers` is false (a late timer). */
  const advance = (ms: number, runTimers = true): void => {
    now += ms;
    if (!runTimers) return;
    for (const timer of timers.splice(0)) {
      if (timer.at <= now) timer.fn();
      else timers.push(timer);
    }
  };
  return { t, reports, advance, timers };
}

describe('LogThrottle', () => {
  it('writes the first lines of a window, counts the rest and reports them when it closes', () => {
    const { t, reports, advance } = throttle(3);
    const admitted = Array.from({ length: 10 }, () => t.admit('RATE_LIMITED'));
    expect(admitted).toEqual([true, true, true, false, false, false, false, false, false, false]);
    expect(reports).toEqual([]);
    advance(999);
    expect(reports).toEqual([]);
    advance(1);
    expect(reports).toEqual([['RATE_LIMITED', 7]]);
    // A new window writes again.
    expect(t.admit('RATE_LIMITED')).toBe(true);
  });

  it('keeps one window per code: a flood of one code leaves the others alone', () => {
    const { t } = throttle(2);
    for (let i = 0; i < 100; i++) t.admit('BAD_INPUT');
    expect(t.admit('ORIGIN_REFUSED')).toBe(true);
    expect(t.admit('ORIGIN_REFUSED')).toBe(true);
    expect(t.admit('ORIGIN_REFUSED')).toBe(false);
  });

  it('reports a window once, whether its timer or the next line closes it', () => {
    // Closed by its timer.
    const a = throttle(1);
    a.t.admit('X');
    a.t.admit('X');
    a.advance(1000);
    expect(a.reports).toEqual([['X', 1]]);
    expect(a.t.admit('X')).toBe(true);
    a.advance(5000);
    expect(a.reports).toEqual([['X', 1]]);

    // Closed by the next line, which comes before the late timer runs.
    const b = throttle(1);
    b.t.admit('X');
    b.t.admit('X');
    b.advance(1000, false);
    expect(b.t.admit('X')).toBe(true);
    expect(b.reports).toEqual([['X', 1]]);
    b.advance(0);
    expect(b.reports).toEqual([['X', 1]]);
  });

  it('reports nothing for a window that left nothing out', () => {
    const { t, reports, advance, timers } = throttle(5);
    for (let i = 0; i < 5; i++) t.admit('X');
    expect(timers).toEqual([]);
    advance(10_000);
    t.admit('X');
    expect(reports).toEqual([]);
  });
});
