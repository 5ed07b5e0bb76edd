import { describe, expect, it } from 'vitest';
import { NetStats, parseTickTotals, tickMsBetween } from './net-stats.ts';
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

  it('reads the server tick time from two /metrics scrapes', () => {
    const text = (sum: number, count: number) =>
      `# HELP game_tick_duration_seconds x\ngame_tick_duration_seconds_bucket{le="0.001"} 3\ngame_tick_duration_seconds_sum ${sum}\ngame_tick_duration_seconds_count ${count}\n`;
    const a = parseTickTotals(text(0.5, 1000));
    const b = parseTickTotals(text(0.53, 1030));
    expect(tickMsBetween(a, b)).toBeCloseTo(1, 6);
    expect(tickMsBetween(a, a)).toBeNull();
    expect(parseTickTotals('nothing here')).toBeNull();
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
