/**
 * Lag compensation end to end with the simulation alone: a target walks sideways at full speed,
 * a shooter sees it `oneWay + interpolation` ticks late, leads it by the velocity it sees (as a
 * player aiming at the drawn target does) and fires; its input reaches the server `oneWay` ticks
 * later and claims the tick it was drawing (the adapter's viewDelay: applied tick - drawn tick).
 * At every RTT from 0 to 300 ms every shot must hit.
 *
 * At 300 ms RTT a shot claims 14 ticks (5 down, 3 of interpolation, 5 up, 1 of queueing). The
 * counterfactual: with the old 250 ms cap (8 ticks at 30 Hz) the server judges it against a
 * target 6 ticks (44 px) further on than the player saw: beyond the 20 px hit radius, every shot
 * misses.
 */
import { describe, expect, it } from 'vitest';
import { input, mustFind, place } from './test-support.ts';
import { step } from './step.ts';
import { Button } from './types.ts';
import type { PlayerInput, Rules, World } from './types.ts';
import { addPlayer, createWorld } from './world.ts';

const SHOOTER = 0;
const TARGET = 1;
const TICK_RATE = 30;
/** The client draws this far behind the newest snapshot (the interpolation delay, ~100 ms). */
const INTERP_TICKS = 3;
const OPEN = { width: 3000, height: 1000, walls: [], spawns: [{ x: 100, y: 100 }] };
const SHOTS_AT = [60, 80, 100, 120, 140, 160, 180];

function shootAt(rttMs: number, rules: Partial<Rules> = {}): { shots: number; hits: number } {
  const world: World = createWorld({ seed: 1, map: OPEN, rules: { tickRate: TICK_RATE, killTarget: 0, timeLimitS: 0, maxHp: 100_000, ...rules } });
  addPlayer(world, SHOOTER);
  addPlayer(world, TARGET);
  place(world, SHOOTER, 1100, 700);
  place(world, TARGET, 100, 300);
  const tickMs = 1000 / TICK_RATE;
  const oneWay = Math.round(rttMs / 2 / tickMs);
  const { projectileSpeed, playerRadius, projectileRadius, tickRate } = world.rules;
  const perTick = projectileSpeed / tickRate;
  const muzzle = playerRadius + projectileRadius + 2;
  /** Inputs in flight to the server, by the tick that will apply them. */
  const arriving = new Map<number, PlayerInput>();
  const fired = new Set<number>();
  let hits = 0;

  for (let t = 1; t <= 260; t++) {
    // The client, at server time t: it has snapshots up to t - oneWay and draws INTERP_TICKS behind.
    if (SHOTS_AT.includes(t)) {
      const drawn = t - oneWay - INTERP_TICKS;
      const seen = world.history.find((f) => f.tick === drawn)?.players.find((p) => p.id === TARGET);
      const before = world.history.find((f) => f.tick === drawn - 1)?.players.find((p) => p.id === TARGET);
      const me = mustFind(world, SHOOTER);
      if (!seen || !before) throw new Error(`no frame for tick ${drawn}`);
      // Lead the target: the k-th tick of flight is judged against the target k ticks after the
      // drawn one, so solve |seen + v k - me| = muzzle + perTick k.
      const vx = seen.x - before.x;
      const vy = seen.y - before.y;
      let k = 0;
      for (let i = 0; i < 20; i++) k = Math.max(0, (Math.hypot(seen.x + vx * k - me.x, seen.y + vy * k - me.y) - muzzle) / perTick);
      const aim = Math.atan2(seen.y + vy * k - me.y, seen.x + vx * k - me.x);
      const applied = t + oneWay + 1;
      arriving.set(applied, input(Button.Fire, aim, applied - drawn));
    }
    const inputs = new Map<number, PlayerInput>([[TARGET, input(Button.Right)]]);
    const shot = arriving.get(t);
    inputs.set(SHOOTER, shot ?? input(0));
    for (const e of step(world, inputs)) {
      if (e.type === 'shot' && e.ownerId === SHOOTER) fired.add(e.projectileId);
      if (e.type === 'hit' && e.attackerId === SHOOTER && fired.has(e.projectileId)) hits += 1;
    }
  }
  return { shots: fired.size, hits };
}

describe('hit rate against a target walking at full speed, sim alone', () => {
  for (const rttMs of [0, 50, 100, 150, 200, 250, 300]) {
    it(`every led shot hits at ${rttMs} ms RTT`, () => {
      expect(shootAt(rttMs)).toEqual({ shots: SHOTS_AT.length, hits: SHOTS_AT.length });
    });
  }

  it('with the old 250 ms cap the same shots miss at 300 ms RTT (the counterfactual)', () => {
    expect(shootAt(300, { maxLagCompensationS: 0.25 })).toEqual({ shots: SHOTS_AT.length, hits: 0 });
  });
});
