import { describe, expect, it } from 'vitest';
import { input, mustFind, place, run } from './test-support.ts';
import { Button } from './types.ts';
import { addPlayer, createWorld } from './world.ts';

describe('match end', () => {
  it('ends when a player reaches the kill target, and the world then stands still', () => {
    const world = createWorld({ seed: 2, rules: { killTarget: 1 } });
    addPlayer(world, 0);
    addPlayer(world, 1);
    place(world, 0, 200, 300);
    place(world, 1, 500, 300);
    mustFind(world, 1).hp = 25;
    const events = run(world, 30, () => new Map([[0, input(Button.Fire, 0)]]));
    const end = events.filter((e) => e.event.type === 'end');
    expect(end.map((e) => e.event)).toEqual([{ type: 'end', reason: 'kills', winnerId: 0 }]);
    const killTick = events.find((e) => e.event.type === 'kill')?.tick;
    expect(end[0]?.tick).toBe(killTick);
    expect(world.ended).toBe(true);

    // Nothing moves, shoots or respawns after the end; only the tick counter runs on.
    const frozen = JSON.stringify({ ...world, tick: 0 });
    const after = run(world, 100, () => new Map([[0, input(Button.Fire | Button.Right, 1)]]));
    expect(after).toEqual([]);
    expect(JSON.stringify({ ...world, tick: 0 })).toBe(frozen);
  });

  it('ends at the time limit; most kills wins, fewest deaths breaks a tie', () => {
    const world = createWorld({ seed: 2, rules: { timeLimitS: 2 } });
    for (const id of [0, 3, 7]) addPlayer(world, id);
    Object.assign(mustFind(world, 0), { kills: 2, deaths: 3 });
    Object.assign(mustFind(world, 3), { kills: 2, deaths: 1 });
    Object.assign(mustFind(world, 7), { kills: 1, deaths: 0 });
    const before = run(world, 59);
    expect(before.filter((e) => e.event.type === 'end')).toEqual([]);
    const last = run(world, 1);
    expect(last.map((e) => e.event)).toEqual([{ type: 'end', reason: 'time', winnerId: 3 }]);
    expect(world.tick).toBe(60);
    expect(world.ended).toBe(true);
  });

  it('a full tie at the time limit goes to the lowest id, and an empty match has no winner', () => {
    const tied = createWorld({ seed: 2, rules: { timeLimitS: 1 } });
    addPlayer(tied, 5);
    addPlayer(tied, 2);
    expect(run(tied, 30).map((e) => e.event)).toEqual([{ type: 'end', reason: 'time', winnerId: 2 }]);

    const empty = createWorld({ seed: 2, rules: { timeLimitS: 1 } });
    expect(run(empty, 30).map((e) => e.event)).toEqual([{ type: 'end', reason: 'time', winnerId: null }]);
  });

  it('killTarget 0 and timeLimitS 0 mean the match never ends by itself', () => {
    const world = createWorld({ seed: 2, rules: { killTarget: 0, timeLimitS: 0 } });
    addPlayer(world, 0);
    Object.assign(mustFind(world, 0), { kills: 1000 });
    run(world, 1000);
    expect(world.ended).toBe(false);
  });
});
