import { afterEach, describe, expect, it, vi } from 'vitest';
import { TimerQueue } from './timer-queue.ts';

afterEach(() => vi.useRealTimers());

describe('TimerQueue', () => {
  it('runs entries in due order from one timer, skipping cancelled ones', () => {
    vi.useFakeTimers();
    const q = new TimerQueue(() => Date.now());
    const start = Date.now();
    const ran: string[] = [];
    q.at(start + 30, () => ran.push('c'));
    q.at(start + 10, () => ran.push('a'));
    const h = q.at(start + 20, () => ran.push('cancelled'));
    q.at(start + 20, () => ran.push('b'));
    q.cancel(h);
    vi.advanceTimersByTime(15);
    expect(ran).toEqual(['a']);
    vi.advanceTimersByTime(20);
    expect(ran).toEqual(['a', 'b', 'c']);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('lets an entry schedule the next one (a bot pacing its inputs) and stops cleanly', () => {
    vi.useFakeTimers();
    const q = new TimerQueue(() => Date.now());
    let n = 0;
    const tick = (): void => {
      n += 1;
      q.after(50, tick);
    };
    q.after(50, tick);
    vi.advanceTimersByTime(1000);
    expect(n).toBe(20);
    q.stop();
    vi.advanceTimersByTime(1000);
    expect(n).toBe(20);
  });
});
