import { describe, expect, it } from 'vitest';
import { TickWindow } from './tick-window.ts';

describe('TickWindow', () => {
  it('reports once per window: the mean and the slowest tick, then starts afresh', () => {
    const w = new TickWindow(3);
    expect(w.add(1)).toBeNull();
    expect(w.add(2)).toBeNull();
    expect(w.add(6)).toEqual({ meanMs: 3, maxMs: 6 });
    expect(w.add(0.5)).toBeNull();
    expect(w.add(0.25)).toBeNull();
    expect(w.add(0.25)).toEqual({ meanMs: 0.33, maxMs: 0.5 });
  });

  it('a negative or non-finite duration counts as a zero-length tick, never poisons the mean', () => {
    const w = new TickWindow(2);
    expect(w.add(-0.001)).toBeNull();
    expect(w.add(Number.NaN)).toEqual({ meanMs: 0, maxMs: 0 });
    w.add(Number.POSITIVE_INFINITY);
    expect(w.add(4)).toEqual({ meanMs: 2, maxMs: 4 });
  });

  it('refuses a window that is not a whole number of ticks', () => {
    expect(() => new TickWindow(0)).toThrow(RangeError);
    expect(() => new TickWindow(1.5)).toThrow(RangeError);
  });
});
