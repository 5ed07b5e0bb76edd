import { describe, expect, it } from 'vitest';
import { delayLine } from './net-sim.ts';

const busy = (ms: number) => {
  const end = performance.now() + ms;
  while (performance.now() < end);
};

describe('network simulator delay line', () => {
  it('keeps order when a call is queued late in a busy turn of the event loop', async () => {
    // The first call draws 30 ms of jitter, the second none: both are due at the same moment.
    const draws = [1, 0];
    const line = delayLine({ latencyMs: 0, jitterMs: 30, random: () => draws.shift() ?? 0 });
    const got: number[] = [];
    line(() => got.push(1));
    await new Promise((r) => setImmediate(r));
    // 15 ms of work in this turn: a timeout set now would be measured from the turn's start.
    busy(15);
    line(() => got.push(2));
    await new Promise((r) => setTimeout(r, 80));
    expect(got).toEqual([1, 2]);
  });

  it('delays each call by the latency, and runs every call', async () => {
    const line = delayLine({ latencyMs: 20, jitterMs: 10 });
    const start = performance.now();
    const at: number[] = [];
    for (let i = 0; i < 50; i++) line(() => at.push(performance.now() - start));
    await new Promise((r) => setTimeout(r, 100));
    expect(at).toHaveLength(50);
    expect(Math.min(...at)).toBeGreaterThanOrEqual(19);
    expect(at).toEqual([...at].sort((a, b) => a - b));
  });
});
