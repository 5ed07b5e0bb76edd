import { describe, expect, it } from 'vitest';
import { input, mustFind, place, run } from './test-support.ts';
import { Button } from './types.ts';
import type { World } from './types.ts';
import { frameAt } from './history.ts';
import { addPlayer, cloneWorld, createWorld } from './world.ts';

const SHOOTER = 0;
const TARGET = 1;
const FIRE_TICK = 10;
const DELAY = 6;

/*
 * Geometry. The target walks right along y = 300 (a wall-free row) at 220/30 = 7.33 px/tick.
 * The shooter stands 300 px below at (800, 600) and fires straight up on tick 10; the projectile
 * spawns 22 px ahead at y = 578 and climbs 24 px/tick, so on tick 10 + k it is at y = 578 - 24k:
 * y = 314 on tick 21, y = 290 on tick 22. A hit needs the target's centre within
 * playerRadius + projectileRadius = 20 px of the path.
 *
 * The target's start is chosen so that it is exactly at x = 800 on tick 15. A shooter whose view
 * is 6 ticks old sees it there on tick 21, the tick the projectile reaches (800, 314): it led its
 * delayed view and fired straight up, and with viewDelayTicks = 6 the server judges tick 21
 * against the tick-15 history frame: distance 14 px <= 20, a hit.
 *
 * With viewDelayTicks = 0 the server judges against the present. On tick 21 the target is
 * already 6 * 7.33 = 44 px further right, (844, 300): the segment (800, 338)->(800, 314) is more
 * than 44 px away; on tick 22 it is at ~851, 51 px away; earlier segments are at least 38 px
 * below y = 300 and later ones above it with the target 50+ px to the side. A certain miss.
 */
function setUp(): World {
  // Where does walking right for 15 ticks from x = 0 end? (Movement is the same everywhere in
  // open space, so the offset transfers.)
  const probe = createWorld({ seed: 11 });
  addPlayer(probe, TARGET);
  place(probe, TARGET, 100, 300);
  run(probe, 15, () => new Map([[TARGET, input(Button.Right)]]));
  const travelled = mustFind(probe, TARGET).x - 100;

  const world = createWorld({ seed: 11 });
  addPlayer(world, SHOOTER);
  addPlayer(world, TARGET);
  place(world, SHOOTER, 800, 600);
  place(world, TARGET, 800 - travelled, 300);
  return world;
}

function shoot(viewDelayTicks: number) {
  const world = setUp();
  const events = run(world, 40, (t) => {
    const inputs = new Map([[TARGET, input(Button.Right)]]);
    if (t === FIRE_TICK) inputs.set(SHOOTER, input(Button.Fire, -Math.PI / 2, viewDelayTicks));
    else inputs.set(SHOOTER, input(0, -Math.PI / 2, viewDelayTicks));
    return inputs;
  });
  return { world, events };
}

describe('lag compensation', () => {
  it('the scenario is what the comment says', () => {
    const world = setUp();
    const walk = () => new Map([[TARGET, input(Button.Right)]]);
    run(world, 15, walk);
    expect(mustFind(world, TARGET)).toMatchObject({ x: 800, y: 300 });
    const later = cloneWorld(world);
    run(later, 21 - 15, walk);
    expect(mustFind(later, TARGET).x).toBeGreaterThan(800 + 40);
    // The history still holds tick 15 when tick 21 is judged.
    expect(later.history.some((f) => f.tick === 15)).toBe(true);
  });

  it('a shot aimed where the shooter saw the target 6 ticks ago hits', () => {
    const { events } = shoot(DELAY);
    const hits = events.filter((e) => e.event.type === 'hit');
    expect(hits.map((e) => e.event)).toEqual([
      { type: 'hit', projectileId: 0, attackerId: SHOOTER, victimId: TARGET, damage: 25, viewDelayTicks: DELAY },
    ]);
    expect(hits[0]?.tick).toBe(FIRE_TICK + 11);
  });

  it('the same shot without lag compensation misses: the target has moved on', () => {
    const { world, events } = shoot(0);
    expect(events.filter((e) => e.event.type === 'shot')).toHaveLength(1);
    expect(events.filter((e) => e.event.type === 'hit')).toEqual([]);
    expect(mustFind(world, TARGET).hp).toBe(world.rules.maxHp);
  });

  it('a claimed delay beyond maxLagCompensationS is capped', () => {
    const world = setUp();
    run(world, 1, () => new Map([[SHOOTER, input(Button.Fire, -Math.PI / 2, 1000)]]));
    expect(world.projectiles[0]?.viewDelayTicks).toBe(Math.round(world.rules.maxLagCompensationS * world.rules.tickRate));
  });
});

/**
 * Fire held through a tick whose input never came (a late page timer, a lost packet): the
 * shooter's latest aim was made on the frame it was drawing then, so the held shot must be judged
 * on that frame, not on the present (which misses, as above) nor on a frame as many ticks behind
 * the present as that input claimed (newer than what the aim was made on, by one tick for each
 * missing input). The shooter
 * holds Fire aiming away from the target from tick 2 (shot on tick 2, the next one due on tick
 * 10); its tick-9 input, made while drawing tick 9 - (DELAY - 1) = 4, turns the aim up; tick 10
 * has no input, and the repeated Fire shoots on the tick-4 view: DELAY ticks back from tick 10,
 * the same shot as the scenario above.
 */
function shootWithoutInputOnFireTick(claimAtTick9: number) {
  const world = setUp();
  const events = run(world, 40, (t) => {
    const inputs = new Map([[TARGET, input(Button.Right)]]);
    if (t >= 2 && t < 9) inputs.set(SHOOTER, input(Button.Fire, Math.PI / 2, claimAtTick9));
    if (t === 9) inputs.set(SHOOTER, input(Button.Fire, -Math.PI / 2, claimAtTick9));
    return inputs;
  });
  return { world, events };
}

describe('fire held on a tick without an input', () => {
  it('is judged on the view of the latest input: the shot hits', () => {
    const { events } = shootWithoutInputOnFireTick(DELAY - 1);
    expect(events.filter((e) => e.event.type === 'shot').map((e) => e.tick)).toContain(FIRE_TICK);
    // Fire stays held with no input after tick 10: every later shot is judged on the same tick-4 view.
    const hits = events.filter((e) => e.event.type === 'hit');
    expect(hits[0]?.tick).toBe(FIRE_TICK + 11);
    expect(hits[0]?.event).toMatchObject({ viewDelayTicks: DELAY });
  });

  it('with a view on the present the same held shot misses (the counterfactual)', () => {
    const { events } = shootWithoutInputOnFireTick(0);
    expect(events.filter((e) => e.event.type === 'shot').map((e) => e.tick)).toContain(FIRE_TICK);
    expect(events.filter((e) => e.event.type === 'hit')).toEqual([]);
  });

  it('the view goes back one tick per missing input, no further than the cap', () => {
    const world = setUp();
    run(world, 1, () => new Map([[SHOOTER, input(0, 0, 3)]]));
    run(world, 5, () => new Map());
    expect(mustFind(world, SHOOTER).viewDelayTicks).toBe(8);
    run(world, 100, () => new Map());
    expect(mustFind(world, SHOOTER).viewDelayTicks).toBe(Math.round(world.rules.maxLagCompensationS * world.rules.tickRate));
  });
});

describe('history depth', () => {
  it('holds the exact frame for every rewind a shot may claim, down to maxLagCompensationS', () => {
    const world = setUp();
    const maxDelay = Math.round(world.rules.maxLagCompensationS * world.rules.tickRate);
    // 150 ms RTT plus a jittery render delay asks for 9-14 ticks at 30 Hz: the cap must cover it.
    expect(maxDelay).toBeGreaterThanOrEqual(14);
    run(world, 3 * maxDelay, () => new Map([[TARGET, input(Button.Right)]]));
    for (let d = 0; d <= maxDelay; d++) expect(frameAt(world, world.tick - d)?.tick).toBe(world.tick - d);
  });

  it('keeps a rewind deeper than historyS when the rules allow it', () => {
    const world = createWorld({ seed: 11, rules: { historyS: 0.1, maxLagCompensationS: 2 } });
    addPlayer(world, TARGET);
    run(world, 100, () => new Map([[TARGET, input(Button.Right)]]));
    expect(frameAt(world, world.tick - 60)?.tick).toBe(world.tick - 60);
  });
});
