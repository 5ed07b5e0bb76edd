import { describe, expect, it } from 'vitest';
import { ClockSync } from './clock-sync.ts';

describe('ClockSync', () => {
  it('estimates from the lowest-RTT sample among the recent ones, forgetting old ones', () => {
    const clock = new ClockSync(3);
    // Local clock 100 ms behind the server; queueing delays the answers by varying amounts.
    const sample = (sentAt: number, rtt: number, serverDelay: number) => clock.add(sentAt, sentAt + 100 + serverDelay, sentAt + rtt);
    sample(0, 10, 5); // symmetric, the best: offset exactly 100
    sample(1000, 80, 70);
    sample(2000, 40, 35);
    expect(clock.rtt).toBe(10);
    expect(clock.offset).toBe(100);
    // The best sample ages out once three newer ones came in: the estimate moves to the next best.
    sample(3000, 60, 10);
    expect(clock.rtt).toBe(40);
    expect(clock.offset).toBe(100 + 35 - 20);
    expect(clock.lastRtt).toBe(60);
    expect(clock.serverNow(5000)).toBe(5000 + clock.offset);
  });
});
