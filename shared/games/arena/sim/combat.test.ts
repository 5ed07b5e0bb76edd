import { describe, expect, it } from 'vitest';
import { secondsToTicks } from './rules.ts';
import { input, mustFind, place, run, type TimedEvent } from './test-support.ts';
import { Button } from './types.ts';
import { addPlayer, createWorld, removePlayer } from './world.ts';

const SHOOTER = 0;
const TARGET = 1;

/** Shooter at (200, 300) facing right, target standing 300 px right of it, open space between. */
function duel(seed = 5, rules = {}) {
  const world = createWorld({ seed, rules });
  addPlayer(world, SHOOTER);
  addPlayer(world, TARGET);
  place(world, SHOOTER, 200, 300);
  place(world, TARGET, 500, 300);
  return world;
}

const holdFire = () => new Map([[SHOOTER, input(Button.Fire, 0)]]);
/** Fire on tick 1 only (a missing input would repeat the held trigger, so release it explicitly). */
const tapFire = (viewDelayTicks = 0) => (t: number) =>
  new Map([[SHOOTER, input(t === 1 ? Button.Fire : 0, 0, viewDelayTicks)]]);
const ofType = <T extends TimedEvent['event']['type']>(events: TimedEvent[], type: T) =>
  events.filter((e) => e.event.type === type);

describe('projectiles', () => {
  it('four 25-damage hits kill a standing target, and the kill is scored', () => {
    const world = duel();
    const events: TimedEvent[] = [];
    while (ofType(events, 'kill').length === 0 && world.tick < 300) events.push(...run(world, 1, holdFire));

    const hits = ofType(events, 'hit');
    expect(hits.map((h) => h.event)).toEqual(
      [0, 1, 2, 3].map((i) => ({
        type: 'hit',
        projectileId: i,
        attackerId: SHOOTER,
        victimId: TARGET,
        damage: 25,
        viewDelayTicks: 0,
      })),
    );
    expect(ofType(events, 'kill').map((k) => k.event)).toEqual([expect.objectContaining({ type: 'kill', killerId: SHOOTER, victimId: TARGET, viewDelayTicks: 0 })]);
    const target = mustFind(world, TARGET);
    expect(target).toMatchObject({ alive: false, hp: 0, deaths: 1 });
    expect(mustFind(world, SHOOTER)).toMatchObject({ kills: 1, deaths: 0 });
    // The corpse takes no more hits: with no new input the shooter's trigger stays held, so shots
    // keep flying through the spot where it lies.
    const after = run(world, 40);
    expect(ofType(after, 'hit')).toEqual([]);
  });

  it('the victim respawns respawnDelayS later at a spawn point with full health', () => {
    const world = duel();
    const events: TimedEvent[] = [];
    while (ofType(events, 'kill').length === 0 && world.tick < 300) events.push(...run(world, 1, holdFire));
    const killTick = ofType(events, 'kill')[0]?.tick ?? -1;

    const later = run(world, 90);
    const respawns = ofType(later, 'respawn');
    expect(respawns.map((e) => e.event)).toEqual([{ type: 'respawn', playerId: TARGET }]);
    expect(respawns[0]?.tick).toBe(killTick + secondsToTicks(world.rules, world.rules.respawnDelayS));
    const target = mustFind(world, TARGET);
    expect(target).toMatchObject({ alive: true, hp: world.rules.maxHp });
    expect(world.map.spawns).toContainEqual({ x: target.x, y: target.y });
  });

  it('a wall between shooter and target stops the shot', () => {
    // Centre-left block spans x 640..720 at y 460..540; the two face each other across it.
    const world = createWorld({ seed: 5 });
    addPlayer(world, SHOOTER);
    addPlayer(world, TARGET);
    place(world, SHOOTER, 560, 500);
    place(world, TARGET, 800, 500);
    const events = run(world, 60, holdFire);
    expect(ofType(events, 'shot').length).toBeGreaterThan(5);
    expect(ofType(events, 'hit')).toEqual([]);
    expect(world.projectiles.every((p) => world.tick - p.spawnTick < 5)).toBe(true);
    // Each shot that the wall stopped is reported as blocked, naming the player it shielded.
    const blocked = ofType(events, 'blocked');
    expect(blocked.length).toBe(ofType(events, 'shot').length - world.projectiles.length);
    expect(blocked.every((e) => e.event.type === 'blocked' && e.event.attackerId === SHOOTER && e.event.victimId === TARGET)).toBe(true);
  });

  it('a shot into a wall with nobody behind it is not reported as blocked', () => {
    const world = createWorld({ seed: 5 });
    addPlayer(world, SHOOTER);
    addPlayer(world, TARGET);
    place(world, SHOOTER, 560, 500);
    place(world, TARGET, 800, 200); // off the line of fire
    const events = run(world, 60, holdFire);
    expect(ofType(events, 'shot').length).toBeGreaterThan(5);
    expect(ofType(events, 'blocked')).toEqual([]);
  });

  it('a wall and a player in the same tick of flight: whichever comes first along the path wins', () => {
    // 8 px wall at x 700..708, target flush behind it at x 724 (hit circle from x 704). The shot
    // spawns at x 570 and moves 24 px/tick, so one tick's segment runs x 690 -> 714: it enters
    // the grown wall (x 696) before the target's circle (x 704). The wall must win.
    const fence = {
      width: 1600,
      height: 1000,
      walls: [{ x: 700, y: 400, w: 8, h: 200 }],
      spawns: [{ x: 100, y: 100 }],
    };
    const world = createWorld({ seed: 5, map: fence });
    addPlayer(world, SHOOTER);
    addPlayer(world, TARGET);
    place(world, SHOOTER, 548, 500);
    place(world, TARGET, 724, 500);
    run(world, 1, tapFire());
    expect(world.projectiles[0]?.x0).toBe(570);
    const events = run(world, 20, tapFire());
    expect(ofType(events, 'hit')).toEqual([]);
    expect(world.projectiles).toEqual([]);
    expect(ofType(events, 'blocked').map((e) => e.event)).toMatchObject([{ attackerId: SHOOTER, victimId: TARGET }]);
  });

  it('of two players in one tick of flight, the nearer one along the path takes the hit', () => {
    // Players may overlap. Two stand 4 px apart at x 500 and 504: their hit circles start at
    // x 480 and 484, and the shot's segment on tick 11 runs x 462 -> 486, entering both. Try both
    // id orders so neither "first id" nor "last id" can pass for "nearest".
    for (const [near, far] of [
      [TARGET, 2],
      [2, TARGET],
    ] as const) {
      const world = duel();
      addPlayer(world, 2);
      place(world, near, 500, 300);
      place(world, far, 504, 300);
      const events = run(world, 20, tapFire());
      expect(ofType(events, 'hit').map((e) => e.event)).toMatchObject([{ victimId: near }]);
    }
  });

  it('a projectile does not move or hit on the tick it is fired', () => {
    // Target right at the muzzle (x 222): the hit lands on tick 2, when the projectile first moves.
    const world = duel();
    place(world, TARGET, 230, 300);
    const events = run(world, 3, tapFire());
    expect(ofType(events, 'shot').map((e) => e.tick)).toEqual([1]);
    expect(ofType(events, 'hit').map((e) => e.tick)).toEqual([2]);
  });

  it('a player who just respawned cannot be hit where their corpse lay', () => {
    // The target lies dead at (500, 300) and respawns on tick 10, at a spawn point far away. A shot
    // fired on tick 1 with an 8-tick view delay reaches x 480 on tick 11 and is judged against the
    // tick-3 frame, where the target is a corpse: the shooter saw nobody to hit.
    const world = duel();
    Object.assign(mustFind(world, TARGET), { alive: false, hp: 0, respawnTicks: 10 });
    const events = run(world, 20, tapFire(8));
    expect(ofType(events, 'respawn').map((e) => e.tick)).toEqual([10]);
    expect(ofType(events, 'hit')).toEqual([]);
    expect(mustFind(world, TARGET).hp).toBe(world.rules.maxHp);
  });

  it('a player cannot shoot itself and a shot flies no further than its lifetime allows', () => {
    const world = createWorld({ seed: 5 });
    addPlayer(world, SHOOTER);
    place(world, SHOOTER, 100, 300);
    run(world, 1, tapFire());
    const flight = world.projectiles[0];
    expect(flight).toBeDefined();
    const lifetime = secondsToTicks(world.rules, world.rules.projectileLifetimeS);
    run(world, lifetime - 1, tapFire());
    expect(world.projectiles.map((p) => p.id)).toContain(flight?.id);
    run(world, 1, tapFire());
    expect(world.projectiles.map((p) => p.id)).not.toContain(flight?.id);
    expect(mustFind(world, SHOOTER).hp).toBe(world.rules.maxHp);
  });

  it('a shot from a player who left still kills, but credits nobody', () => {
    const world = duel();
    mustFind(world, TARGET).hp = 25;
    run(world, 1, tapFire()); // fired on tick 1, arrives ~12 ticks later
    removePlayer(world, SHOOTER);
    const events = run(world, 20);
    expect(ofType(events, 'kill').map((k) => k.event)).toEqual([{ type: 'kill', killerId: SHOOTER, victimId: TARGET, shotTick: 1, viewDelayTicks: 0 }]);
    expect(mustFind(world, TARGET).deaths).toBe(1);

    // A newcomer taking the slot does not inherit the leaver's projectiles (or their kills).
    const again = duel();
    mustFind(again, TARGET).hp = 25;
    run(again, 1, tapFire());
    removePlayer(again, SHOOTER);
    addPlayer(again, SHOOTER);
    run(again, 20);
    expect(mustFind(again, SHOOTER).kills).toBe(0);
    expect(mustFind(again, TARGET).alive).toBe(true);
  });

  it('hugging a thin wall does not let a player shoot through it', () => {
    // A 1 px fence at x 220: the shooter's edge touches it and its muzzle (22 px from the centre,
    // x = 226) lies beyond it, even beyond the fence grown by projectileRadius (x 216..225), so a
    // projectile spawned there would fly on and hit the target behind the fence.
    const thin = {
      width: 1600,
      height: 1000,
      walls: [{ x: 220, y: 400, w: 1, h: 200 }],
      spawns: [{ x: 100, y: 100 }],
    };
    const world = createWorld({ seed: 5, map: thin });
    addPlayer(world, SHOOTER);
    addPlayer(world, TARGET);
    place(world, SHOOTER, 204, 500); // flush against the wall's left face
    place(world, TARGET, 300, 500);
    const events = run(world, 30, holdFire);
    expect(ofType(events, 'shot').length).toBeGreaterThan(0);
    expect(ofType(events, 'hit')).toEqual([]);
  });
});
