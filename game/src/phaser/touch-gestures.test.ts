import { describe, expect, it } from 'vitest';
import { clampToStick, headingOf, STICK_DEAD_ZONE, STICK_RADIUS, stickDirections } from './touch-gestures.ts';

const dirs = (dx: number, dy: number) =>
  Object.entries(stickDirections(dx, dy))
    .filter(([, on]) => on)
    .map(([d]) => d)
    .sort()
    .join('+');

describe('the virtual stick', () => {
  it('moves nobody inside its dead zone', () => {
    expect(dirs(0, 0)).toBe('');
    expect(dirs(STICK_RADIUS * STICK_DEAD_ZONE - 1, 0)).toBe('');
    expect(dirs(NaN, 5)).toBe('');
  });

  it('gives the eight directions, each over its own 45° sector (screen y down)', () => {
    expect(dirs(40, 0)).toBe('right');
    expect(dirs(-40, 0)).toBe('left');
    expect(dirs(0, -40)).toBe('up');
    expect(dirs(0, 40)).toBe('down');
    expect(dirs(30, -30)).toBe('right+up');
    expect(dirs(-30, 30)).toBe('down+left');
    // 20° off the axis is still the axis; 30° off is the diagonal.
    expect(dirs(40 * Math.cos(0.35), 40 * Math.sin(0.35))).toBe('right');
    expect(dirs(40 * Math.cos(0.52), 40 * Math.sin(0.52))).toBe('down+right');
  });

  it('holds the knob within the stick', () => {
    expect(clampToStick(10, 0)).toEqual({ dx: 10, dy: 0 });
    const far = clampToStick(300, 400);
    expect(Math.hypot(far.dx, far.dy)).toBeCloseTo(STICK_RADIUS);
    expect(far.dx / far.dy).toBeCloseTo(0.75);
  });
});

describe('swipes and taps', () => {
  it('follow their main axis, and a short movement is no swipe', () => {
    expect(headingOf(50, 10)).toBe('right');
    expect(headingOf(-50, 49)).toBe('left');
    expect(headingOf(5, -60)).toBe('up');
    expect(headingOf(0, 30)).toBe('down');
    expect(headingOf(10, 10)).toBeNull();
    expect(headingOf(10, 10, 5)).toBe('right');
  });
});
