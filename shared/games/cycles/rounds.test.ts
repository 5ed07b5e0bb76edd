/** Rounds, scoring, the match's end, and players coming and going. At 12 Hz: one cell a tick. */
import { describe, expect, it } from 'vitest';
import { Dir } from './direction.ts';
import { cycles } from './index.ts';
import { pauseTicks } from './rules.ts';
import { input, ONE_CELL_A_TICK, parkedMatch, place, run, seat, snapshotOf, startedMatch } from './test-support.ts';
import type { CyclesState } from './state.ts';

const PAUSE = pauseTicks(ONE_CELL_A_TICK);

/** Sends `slot` into the east wall on the next tick. */
function crashNextTick(s: CyclesState, slot: number): void {
  const n = seat(s, slot).trail.length;
  const y = seat(s, slot).trail[n - 1]!;
  place(s, slot, 95, y, Dir.Right);
}

/** Plays rounds in which `winner` survives and everyone else hits the wall. */
function winRound(s: CyclesState, winner: number): { reason: string } | null {
  if (s.roundState !== 'live') run(s, s.roundEndTick - s.tick);
  for (const other of s.seats) if (other.slot !== winner && other.alive) crashNextTick(s, other.slot);
  return run(s, 1);
}

describe('rounds', () => {
  it('the last cycle running wins the round; the pause lasts ~1.5 s; the next round starts clean', () => {
    const s = parkedMatch([0, 1, 2]);
    expect(s.round).toBe(1);
    crashNextTick(s, 0);
    run(s, 1);
    expect(s.roundState).toBe('live'); // two still running
    crashNextTick(s, 1);
    run(s, 1);
    expect(s.roundState).toBe('pause');
    expect(seat(s, 2).score).toBe(1);
    expect([seat(s, 0).score, seat(s, 1).score]).toEqual([0, 0]);
    expect(s.events).toContainEqual({ tick: s.tick, type: 'roundWon', winner: 2 });
    expect(s.roundEndTick).toBe(s.tick + PAUSE);
    expect(PAUSE).toBe(18);

    run(s, PAUSE - 1);
    expect(s.roundState).toBe('pause');
    expect(seat(s, 2).trail.length).toBeGreaterThan(2); // the final picture stays during the pause
    run(s, 1);
    expect(s.roundState).toBe('live');
    expect(s.round).toBe(2);
    for (const p of s.seats) {
      expect(p.alive).toBe(true);
      expect(p.trail).toHaveLength(2);
    }
    expect(s.grid.cells.reduce((n, c) => n + (c ? 1 : 0), 0)).toBe(3);
  });

  it('a draw scores nobody', () => {
    const s = parkedMatch([0, 1]);
    place(s, 0, 10, 30, Dir.Right);
    place(s, 1, 12, 30, Dir.Left);
    run(s, 1);
    expect(s.roundState).toBe('pause');
    expect(s.events).toContainEqual({ tick: s.tick, type: 'roundWon', winner: null });
    expect([seat(s, 0).score, seat(s, 1).score]).toEqual([0, 0]);
  });

  it('spawns cycles apart, inside the arena, each facing into it', () => {
    for (let seed = 0; seed < 20; seed++) {
      const s = startedMatch([0, 1, 2, 3, 4, 5, 6, 7], { seed });
      const heads = s.seats.map((p) => ({ x: p.trail[0]!, y: p.trail[1]!, dir: p.dir }));
      for (const h of heads) {
        // Facing inward: ten cells straight ahead are free of walls.
        const ax = h.x + [0, 0, 10, 0, -10][h.dir]!;
        const ay = h.y + [0, -10, 0, 10, 0][h.dir]!;
        expect(s.grid.inside(ax, ay)).toBe(true);
      }
      for (let i = 0; i < heads.length; i++) {
        for (let j = i + 1; j < heads.length; j++) {
          expect(Math.abs(heads[i]!.x - heads[j]!.x) + Math.abs(heads[i]!.y - heads[j]!.y)).toBeGreaterThanOrEqual(20);
        }
      }
    }
  });

  it('a match waits for a second player, then pauses before the first round', () => {
    const s = startedMatch([0]);
    expect(s.roundState).toBe('wait');
    run(s, 5);
    expect(s.round).toBe(0);
    cycles.addPlayer(s, 3);
    run(s, 1);
    expect(s.roundState).toBe('pause');
    run(s, PAUSE);
    expect(s.roundState).toBe('live');
    expect(s.round).toBe(1);
    expect(seat(s, 3).alive).toBe(true);
  });

  it('step(state, false) only moves the clock', () => {
    const s = parkedMatch([0, 1]);
    const before = JSON.stringify(cycles.toState(s));
    cycles.applyInput(s, 0, input(Dir.Left));
    cycles.step(s, false);
    cycles.step(s, false);
    const after = cycles.toState(s) as { tick: number; pending: unknown };
    expect(after.tick).toBe(s.tick);
    expect({ ...JSON.parse(before), tick: after.tick, pending: after.pending }).toEqual(after);
  });
});

describe('the end of a match', () => {
  it('ends on the round that brings a player to roundsToWin', () => {
    const s = parkedMatch([0, 1], { options: { roundsToWin: 2 } });
    expect(winRound(s, 1)).toBeNull();
    expect(seat(s, 1).score).toBe(1);
    expect(winRound(s, 1)).toEqual({ reason: 'rounds' });
    expect(s.ended).toBe(true);
    expect(cycles.results(s, [0, 1]).map((r) => [r.slot, r.score])).toEqual([
      [1, 2],
      [0, 0],
    ]);
    // Over is over: the clock runs, nothing else, and the end is reported once.
    const frozen = JSON.stringify(s.seats);
    expect(run(s, PAUSE + 5)).toBeNull();
    expect(JSON.stringify(s.seats)).toBe(frozen);
  });

  it('ends by time on the tick beginPlay announced', () => {
    const s = cycles.create({ options: { timeLimitS: 2, roundsToWin: 20 }, seed: 4, tickRate: 20 });
    cycles.addPlayer(s, 0);
    cycles.addPlayer(s, 1);
    for (let i = 0; i < 7; i++) cycles.step(s, false); // a countdown
    const endTick = cycles.beginPlay(s);
    expect(endTick).toBe(7 + 40 - 1);
    let ended = null;
    while (!ended) ended = cycles.step(s, true).ended;
    expect(ended).toEqual({ reason: 'time' });
    expect(s.tick).toBe(endTick);
  });

  it('has no time limit with timeLimitS 0', () => {
    const s = cycles.create({ options: { timeLimitS: 0 }, seed: 4, tickRate: 20 });
    expect(cycles.beginPlay(s)).toBe(0);
  });

  it('checks options: bounds, integers, and never an endless match', () => {
    expect(cycles.checkOptions({})).toBeNull();
    expect(cycles.checkOptions({ roundsToWin: 20, timeLimitS: 0 })).toBeNull();
    expect(cycles.checkOptions({ roundsToWin: 0, timeLimitS: 0 })).toMatch(/roundsToWin/);
    expect(cycles.checkOptions({ roundsToWin: 21 })).toMatch(/roundsToWin/);
    expect(cycles.checkOptions({ timeLimitS: 3601 })).toMatch(/timeLimitS/);
    expect(cycles.checkOptions({ timeLimitS: 1.5 })).toMatch(/timeLimitS/);
    for (const mode of cycles.modes) expect(cycles.checkOptions(mode.options)).toBeNull();
    expect(() => cycles.create({ options: { roundsToWin: 0 }, seed: 1, tickRate: 20 })).toThrow(RangeError);
  });
});

describe('players coming and going', () => {
  it('a player who joins mid-round waits for the next one', () => {
    const s = parkedMatch([0, 1]);
    cycles.addPlayer(s, 5);
    run(s, 3);
    expect(seat(s, 5)).toMatchObject({ present: true, alive: false, trail: [] });
    const view = snapshotOf(s, null).players.find((p) => p.id === 5);
    expect(view).toMatchObject({ present: true, alive: false, trail: [] });
    winRound(s, 0);
    run(s, PAUSE);
    expect(s.round).toBe(2);
    expect(seat(s, 5).alive).toBe(true);
  });

  it("a leaver's cycle dies at once but its trail stays, deadly, until the round ends", () => {
    const s = parkedMatch([0, 1, 2]);
    place(s, 0, 50, 20, Dir.Down, [50, 0, 50, 20]);
    place(s, 1, 45, 10, Dir.Right);
    cycles.removePlayer(s, 0, 'gone');
    expect(seat(s, 0)).toMatchObject({ present: false, alive: false, trail: [50, 0, 50, 20] });
    run(s, 5);
    expect(seat(s, 1).alive).toBe(false);
    expect(s.events).toContainEqual({ tick: s.tick, type: 'crash', victim: 1, killer: 0 });
    expect(s.roundState).toBe('pause'); // only slot 2 is left running
    run(s, PAUSE);
    expect(s.seats.map((p) => p.slot)).toEqual([1, 2]);
  });

  it('the round ends when a leaver leaves one cycle running', () => {
    const s = parkedMatch([0, 1]);
    cycles.removePlayer(s, 0, 'away');
    run(s, 1);
    expect(s.roundState).toBe('pause');
    expect(seat(s, 1).score).toBe(1);
  });

  it("'away' keeps the score for the player's return", () => {
    const s = parkedMatch([0, 1, 2]);
    winRound(s, 0);
    winRound(s, 0);
    cycles.removePlayer(s, 0, 'away');
    expect(cycles.results(s, [0, 1, 2])[0]).toMatchObject({ slot: 0, score: 2 });
    run(s, PAUSE * 3);
    cycles.addPlayer(s, 0);
    expect(seat(s, 0).score).toBe(2);
    expect(s.away).toEqual([]);
  });

  it("'gone' forgets the player: the next one in the slot starts from zero", () => {
    const s = parkedMatch([0, 1, 2]);
    winRound(s, 0);
    cycles.removePlayer(s, 0, 'away');
    cycles.removePlayer(s, 0, 'gone'); // the seat timed out
    expect(cycles.results(s, [0])[0]).toMatchObject({ slot: 0, score: 0 });
    cycles.addPlayer(s, 0);
    expect(seat(s, 0).score).toBe(0);
  });

  it('ranks by rounds won, then rivals downed, then fewest crashes', () => {
    const s = parkedMatch([0, 1, 2, 3]);
    Object.assign(seat(s, 0), { score: 1, kills: 0, crashes: 3 });
    Object.assign(seat(s, 1), { score: 2, kills: 0, crashes: 0 });
    Object.assign(seat(s, 2), { score: 1, kills: 2, crashes: 3 });
    Object.assign(seat(s, 3), { score: 1, kills: 0, crashes: 1 });
    expect(cycles.results(s, [0, 1, 2, 3, 6]).map((r) => r.slot)).toEqual([1, 2, 3, 0, 6]);
    expect(cycles.results(s, [2])[0]!.stats).toEqual({ rounds: 1, kills: 2, crashes: 3 });
  });
});
