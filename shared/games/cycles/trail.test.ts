import { describe, expect, it } from 'vitest';
import { Dir } from './direction.ts';
import { extendTrail, forEachTrailCell, isWellFormedTrail, lastSegmentDir, trailLength, trimTrail } from './trail.ts';

describe('trails', () => {
  it('grows at the head, leaving a corner only on a turn', () => {
    const t = [5, 5];
    extendTrail(t, Dir.Right);
    extendTrail(t, Dir.Right);
    expect(t).toEqual([5, 5, 7, 5]);
    extendTrail(t, Dir.Down, 3);
    expect(t).toEqual([5, 5, 7, 5, 7, 8]);
    expect(lastSegmentDir(t)).toBe(Dir.Down);
    expect(trailLength(t)).toBe(5);
  });

  it('covers each cell once, corners included', () => {
    const cells: string[] = [];
    forEachTrailCell([5, 5, 7, 5, 7, 7], (x, y) => cells.push(`${x},${y}`));
    expect(cells).toEqual(['5,5', '6,5', '7,5', '7,6', '7,7']);
  });

  it('tells a trail the sim could make from one it could not', () => {
    expect(isWellFormedTrail([], 10, 10)).toBe(true);
    expect(isWellFormedTrail([1, 1, 4, 1, 4, 3], 10, 10)).toBe(true);
    expect(isWellFormedTrail([1, 1, 4, 1, 6, 1], 10, 10)).toBe(false); // straight on: not a corner
    expect(isWellFormedTrail([1, 1, 4, 1, 2, 1], 10, 10)).toBe(false); // reversed
    expect(isWellFormedTrail([1, 1, 4, 2], 10, 10)).toBe(false); // diagonal
    expect(isWellFormedTrail([1, 1, 1, 1], 10, 10)).toBe(false); // empty segment
    expect(isWellFormedTrail([1, 1, 10, 1], 10, 10)).toBe(false); // through the wall
  });

  it('trims back along the trail, around corners, for drawing between snapshots', () => {
    const t = [0, 0, 4, 0, 4, 2];
    expect(trimTrail(t, 0.5)).toEqual([0, 0, 4, 0, 4, 1.5]);
    expect(trimTrail(t, 2)).toEqual([0, 0, 4, 0]);
    expect(trimTrail(t, 3)).toEqual([0, 0, 3, 0]);
    expect(trimTrail(t, 99)).toEqual([0, 0]);
  });
});
