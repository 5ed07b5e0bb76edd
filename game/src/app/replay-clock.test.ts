import { describe, expect, it } from 'vitest';
import { ReplayClock } from './replay-clock.ts';

/** 30 Hz: a tick is 33.3 ms of match time. */
const clock = (lastTick = 300, maxStepsPerFrame?: number) => new ReplayClock({ tickRate: 30, lastTick, ...(maxStepsPerFrame !== undefined && { maxStepsPerFrame }) });

describe('the replay clock', () => {
  it('paused, the match stands still; playing, it moves at the speed chosen', () => {
    const c = clock();
    expect(c.advance(1000, 0)).toBe(0);
    c.playing = true;
    expect(c.advance(1000, 0)).toBe(30);
    expect(c.setSpeed(4)).toBe(true);
    expect(c.advance(250, 30)).toBe(60);
    expect(c.setSpeed(0.25)).toBe(true);
    expect(c.advance(400, 60)).toBe(63);
  });

  it('offers 0.25x to 4x only', () => {
    const c = clock();
    for (const bad of [0, 8, -1, Number.NaN, 3]) expect(c.setSpeed(bad)).toBe(false);
    expect(c.speed).toBe(1);
  });

  it('stops and pauses at the end of the log', () => {
    const c = clock(45);
    c.playing = true;
    expect(c.advance(1000, 0)).toBe(30);
    expect(c.advance(1000, 30)).toBe(45);
    expect(c.playing).toBe(false);
    expect(c.nowMs).toBeCloseTo(1500);
  });

  it('a seek moves match time to the tick (clamped to the log)', () => {
    const c = clock(300);
    expect(c.seek(120.7)).toBe(120);
    expect(c.nowMs).toBeCloseTo(4000);
    expect(c.seek(-5)).toBe(0);
    expect(c.seek(1e9)).toBe(300);
  });

  it('a long stall (a tab in the background) skips ahead instead of re-simulating minutes in one frame', () => {
    const c = clock(100_000, 60);
    c.playing = true;
    expect(c.advance(60_000, 0)).toBe(60);
    // The clock moved back to what was shown: the next frame goes on from there, not from 60 s.
    expect(c.advance(1000 / 30, 60)).toBe(61);
  });
});
