import { describe, expect, it } from 'vitest';
import { NetStats } from './net-stats.ts';
import { sparklineSegments } from './sparkline.ts';

describe('the net graph figures', () => {
  it('turns a second of arrivals into rates, the worst gap and bytes per second', () => {
    const s = new NetStats(3);
    s.sample(0);
    for (const t of [10, 43, 76, 200]) s.snapshot(t);
    s.down(500);
    s.down(300);
    s.up(140);
    s.correction(0.2); // rounding, not a correction
    s.correction(3);
    s.setRtt(42);
    s.sample(1000);
    expect(s.latest('snapshotRate')).toBe(4);
    expect(s.latest('snapshotGap')).toBe(124);
    expect(s.latest('down')).toBe(800);
    expect(s.latest('up')).toBe(140);
    expect(s.latest('corrections')).toBe(3);
    expect(s.latest('rtt')).toBe(42);
    expect(s.latest('serverTick')).toBeNull();
  });

  it('holds the rewind of the latest hit until the next one, and forgets it for a new match', () => {
    const s = new NetStats();
    s.sample(0);
    expect(s.latest('hitRewind')).toBeNull();
    s.setHitRewind(300);
    s.sample(1000);
    s.sample(2000);
    expect(s.points('hitRewind').slice(-2)).toEqual([300, 300]);
    s.setHitRewind(null);
    s.sample(3000);
    expect(s.latest('hitRewind')).toBeNull();
  });

  it('shows a stalled stream as a growing gap, not as zero', () => {
    const s = new NetStats();
    s.sample(0);
    s.snapshot(100);
    s.sample(1000);
    s.sample(2000);
    expect(s.latest('snapshotRate')).toBe(0);
    expect(s.latest('snapshotGap')).toBe(1900);
  });

  it('keeps a minute of points, oldest first', () => {
    const s = new NetStats(3);
    for (let i = 1; i <= 5; i++) {
      s.setRtt(i);
      s.sample(i * 1000);
    }
    expect(s.points('rtt')).toEqual([3, 4, 5]);
  });

  it('shows the server tick the server pushed, and nothing once it stopped pushing', () => {
    const s = new NetStats(10);
    s.setServerTick(0.42, 900);
    s.sample(1000);
    s.sample(2000);
    // One push missed (2 s old): jitter, still shown. Two missed: unknown, not a steady line.
    s.sample(3400);
    s.sample(4400);
    expect(s.points('serverTick')).toEqual([0.42, 0.42, 0.42, Number.NaN]);
    s.setServerTick(0.5, 4500);
    s.sample(5400);
    expect(s.latest('serverTick')).toBe(0.5);
  });
});

describe('sparklines', () => {
  it('puts the newest point at the right edge, scales to the top, and breaks at unknown points', () => {
    const segs = sparklineSegments([0, 10, Number.NaN, 5], 100, 12, 5);
    expect(segs).toHaveLength(2);
    expect(segs[0]![0]).toEqual([25, 11]);
    expect(segs[0]![1]).toEqual([50, 1]);
    expect(segs[1]).toEqual([[100, 6]]);
  });
});
