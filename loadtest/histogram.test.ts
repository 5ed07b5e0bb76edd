import { describe, expect, it } from 'vitest';
import { Histogram } from './histogram.ts';

describe('Histogram', () => {
  it('gives percentiles within a bucket (about 2 %) and exact min, max, mean', () => {
    const h = new Histogram();
    for (let v = 1; v <= 1000; v++) h.record(v / 10); // 0.1 .. 100 ms
    expect(h.count).toBe(1000);
    expect(h.min).toBe(0.1);
    expect(h.max).toBe(100);
    expect(h.mean).toBeCloseTo(50.05, 6);
    expect(h.quantile(0.5)! / 50).toBeGreaterThan(0.98);
    expect(h.quantile(0.5)! / 50).toBeLessThan(1.02);
    expect(h.quantile(0.99)! / 99).toBeGreaterThan(0.98);
    expect(h.quantile(0.99)! / 99).toBeLessThan(1.02);
  });

  it('merges per-second histograms into the run one, and says null when empty', () => {
    const a = new Histogram();
    const b = new Histogram();
    expect(a.quantile(0.5)).toBeNull();
    a.record(10);
    b.record(1000);
    b.record(Number.NaN); // ignored
    a.merge(b);
    expect(a.count).toBe(2);
    expect(a.max).toBe(1000);
    expect(a.quantile(1)).toBe(1000);
  });
});
