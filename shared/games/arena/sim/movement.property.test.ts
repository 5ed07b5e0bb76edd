import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arenaMap, squareOverlapsWall } from './map.ts';
import { nextPosition, type Position } from './movement.ts';
import { POSITION_SCALE } from './quantize.ts';
import { defaultRules } from './rules.ts';
import { ALL_BUTTONS } from './types.ts';

const rules = defaultRules();
const map = arenaMap();
const r = rules.playerRadius;

const onGrid = (v: number) => Number.isInteger(v * POSITION_SCALE);
const valid = (p: Position) =>
  onGrid(p.x) &&
  onGrid(p.y) &&
  p.x >= r &&
  p.x <= map.width - r &&
  p.y >= r &&
  p.y <= map.height - r &&
  !squareOverlapsWall(map, p.x, p.y, r);

/** A start anywhere legal: a spawn point, or a random grid position that is clear (often near walls). */
const start = fc.oneof(
  fc.constantFrom(...map.spawns),
  fc
    .record({ x: fc.integer({ min: r * 8, max: (map.width - r) * 8 }), y: fc.integer({ min: r * 8, max: (map.height - r) * 8 }) })
    .map(({ x, y }) => ({ x: x / 8, y: y / 8 }))
    .filter((p) => !squareOverlapsWall(map, p.x, p.y, r)),
);

/** Button sequences as held runs, the way people play: long pushes into walls and corners. */
const runs = fc.array(
  fc.record({ buttons: fc.integer({ min: 0, max: ALL_BUTTONS }), ticks: fc.integer({ min: 1, max: 40 }) }),
  { minLength: 1, maxLength: 30 },
);

describe('movement properties', () => {
  it('a player never ends inside a wall or outside the arena, and stays on the 1/8 px grid', () => {
    fc.assert(
      fc.property(start, runs, fc.integer({ min: 0, max: 100_000 }), (from, sequence, firstTick) => {
        let pos: Position = from;
        let tick = firstTick;
        for (const { buttons, ticks } of sequence) {
          for (let i = 0; i < ticks; i++) {
            tick += 1;
            pos = nextPosition(pos, buttons, map, rules, tick);
            if (!valid(pos)) return false;
          }
        }
        return true;
      }),
      { numRuns: 400 },
    );
  });

  it('a player never moves more than one tick of speed per tick', () => {
    const maxStep = rules.playerSpeed / rules.tickRate + 1 / POSITION_SCALE;
    fc.assert(
      fc.property(start, runs, (from, sequence) => {
        let pos: Position = from;
        let tick = 0;
        for (const { buttons, ticks } of sequence) {
          for (let i = 0; i < ticks; i++) {
            const next = nextPosition(pos, buttons, map, rules, ++tick);
            expect(Math.hypot(next.x - pos.x, next.y - pos.y)).toBeLessThanOrEqual(maxStep);
            pos = next;
          }
        }
      }),
      { numRuns: 200 },
    );
  });
});
