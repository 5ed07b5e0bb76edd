import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ANGLE_STEPS,
  normalizeAngle,
  POSITION_SCALE,
  projectileAngleToSteps,
  quantizePosition,
  quantizeProjectileAngle,
  stepsToProjectileAngle,
} from './quantize.ts';

const finite = fc.double({ min: -1e6, max: 1e6, noNaN: true });

describe('quantization', () => {
  it('positions land on the 1/8 px grid, at most 1/16 px away', () => {
    expect(POSITION_SCALE).toBe(8);
    fc.assert(
      fc.property(fc.double({ min: -1e5, max: 1e5, noNaN: true }), (v) => {
        const q = quantizePosition(v);
        return Number.isInteger(q * 8) && Math.abs(q - v) <= 1 / 16 + 1e-9;
      }),
    );
  });

  it('normalizeAngle maps every angle into [-PI, PI) without changing its direction', () => {
    expect(normalizeAngle(Math.PI)).toBe(-Math.PI);
    expect(normalizeAngle(-Math.PI)).toBe(-Math.PI);
    expect(normalizeAngle(3 * Math.PI)).toBe(-Math.PI);
    fc.assert(
      fc.property(finite, (a) => {
        const n = normalizeAngle(a);
        return (
          n >= -Math.PI &&
          n < Math.PI &&
          Math.abs(Math.cos(n) - Math.cos(a)) < 1e-6 &&
          Math.abs(Math.sin(n) - Math.sin(a)) < 1e-6
        );
      }),
    );
  });

  it('every projectile angle survives the 12-bit wire form exactly', () => {
    expect(ANGLE_STEPS).toBe(4096);
    for (let k = 0; k < ANGLE_STEPS; k++) {
      const angle = stepsToProjectileAngle(k);
      expect(angle).toBe((k * 2 * Math.PI) / ANGLE_STEPS - Math.PI);
      expect(projectileAngleToSteps(angle)).toBe(k);
      expect(quantizeProjectileAngle(angle)).toBe(angle);
    }
  });

  it('quantizing an aim moves it by at most half a step and lands in [-PI, PI)', () => {
    const halfStep = Math.PI / ANGLE_STEPS;
    fc.assert(
      fc.property(finite, (a) => {
        const q = quantizeProjectileAngle(a);
        const k = projectileAngleToSteps(a);
        const shortestTurn = Math.abs(normalizeAngle(q - a));
        return Number.isInteger(k) && k >= 0 && k < ANGLE_STEPS && q >= -Math.PI && q < Math.PI && shortestTurn <= halfStep + 1e-9;
      }),
    );
  });
});
