import { describe, expect, it } from 'vitest';
import { applyCommand, FIELD_SIZE, InputScript, spawnPlayer, SPEED_PX_PER_S, stepPlayer, TICK_RATE } from './scenario.ts';

describe('arena-16 scenario rules', () => {
  it('the same seed gives the same inputs, another seed others', () => {
    const take = (seed: number) => {
      const script = new InputScript(seed);
      return Array.from({ length: 100 }, () => script.next());
    };
    expect(take(5)).toEqual(take(5));
    expect(take(6)).not.toEqual(take(5));
  });

  it('a bot never stands still, turns 0.05 rad per input, re-rolls every 16-24 inputs, and fires in about a quarter of its periods', () => {
    const script = new InputScript(7);
    let periods = 0;
    let firing = 0;
    let last = script.next();
    let run = 1;
    const runs: number[] = [];
    for (let i = 0; i < 20 * 600; i++) {
      const c = script.next();
      expect(c.dx !== 0 || c.dy !== 0).toBe(true);
      const turned = (((c.angle - last.angle) % (2 * Math.PI)) + 2 * Math.PI) % (2 * Math.PI);
      expect(Math.min(turned, 2 * Math.PI - turned)).toBeCloseTo(0.05, 6);
      if (c.dx !== last.dx || c.dy !== last.dy || c.fire !== last.fire) {
        runs.push(run);
        periods++;
        if (c.fire) firing++;
        run = 0;
      }
      run++;
      last = c;
    }
    // A re-roll may give the same direction and fire again (then two periods look like one).
    expect(Math.min(...runs)).toBeGreaterThanOrEqual(16);
    expect(firing / periods).toBeGreaterThan(0.15);
    expect(firing / periods).toBeLessThan(0.35);
  });

  it('moves 200 px/s, diagonals normalised, inside the field, and scores 1 per 10 ticks of fire', () => {
    const p = spawnPlayer(3);
    p.x = 1000;
    p.y = 1000;
    applyCommand(p, { dx: 1, dy: 1, angle: 0.5, fire: true });
    for (let i = 0; i < TICK_RATE; i++) stepPlayer(p, TICK_RATE);
    expect(Math.hypot(p.x - 1000, p.y - 1000)).toBeCloseTo(SPEED_PX_PER_S, 6);
    expect(p.score).toBe(2);
    expect(p.hp).toBe(100);
    applyCommand(p, { dx: -1, dy: 0, angle: 0, fire: false });
    for (let i = 0; i < 20 * TICK_RATE; i++) stepPlayer(p, TICK_RATE);
    expect(p.x).toBe(0);
    expect(p.score).toBe(2);
    expect(p.y).toBeLessThanOrEqual(FIELD_SIZE);
  });

  it('refuses a command outside the rules and keeps the last good one', () => {
    const p = spawnPlayer(0);
    applyCommand(p, { dx: 0, dy: 1, angle: 1, fire: false });
    expect(applyCommand(p, { dx: 2, dy: 0, angle: 0, fire: true })).toBe(false);
    expect(applyCommand(p, { dx: 1, dy: 0, angle: Number.NaN, fire: true })).toBe(false);
    expect(p).toMatchObject({ dx: 0, dy: 1, angle: 1, fire: false });
  });
});
