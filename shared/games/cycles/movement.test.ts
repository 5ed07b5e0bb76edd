/**
 * How cycles move and crash. Tests run at 12 Hz, where a cycle moves exactly one cell a tick, so
 * "after n ticks" reads as "after n cells" (except the tick-rate tests, which are about that).
 */
import { describe, expect, it } from 'vitest';
import { Dir } from './direction.ts';
import { cycles } from './index.ts';
import { input, place, run, seat, parkedMatch } from './test-support.ts';

describe('movement', () => {
  it.each([20, 30, 60])('moves 12 cells a second at %i Hz, 20 boosted', (tickRate) => {
    const s = parkedMatch([0, 1], { tickRate });
    place(s, 0, 5, 10, Dir.Right);
    place(s, 1, 5, 40, Dir.Right);
    run(s, tickRate);
    expect(seat(s, 0).trail).toEqual([5, 10, 17, 10]);
    cycles.applyInput(s, 1, input(0, true));
    run(s, tickRate);
    expect(seat(s, 1).trail).toEqual([5, 40, 5 + 12 + 20, 40]);
  });

  it.each([20, 30, 60])('a full tank boosts for 2 s, then needs a second of rest to boost again (%i Hz)', (tickRate) => {
    const s = parkedMatch([0, 1], { tickRate });
    place(s, 0, 2, 10, Dir.Right);
    place(s, 1, 2, 40, Dir.Right);
    cycles.applyInput(s, 0, input(0, true)); // held: it stays down until an input says otherwise
    run(s, 2 * tickRate);
    expect(seat(s, 0).trail[2]).toBe(2 + 40);
    expect(seat(s, 0).boosting).toBe(true);
    run(s, tickRate);
    expect(seat(s, 0).trail[2]).toBe(2 + 40 + 12);
    run(s, 1);
    expect(seat(s, 0).boosting).toBe(true);
  });

  it('turns on an absolute direction and refuses to reverse', () => {
    const s = parkedMatch([0, 1]);
    place(s, 0, 10, 10, Dir.Right);
    place(s, 1, 10, 40, Dir.Right);
    cycles.applyInput(s, 0, input(Dir.Left));
    run(s, 1);
    expect(seat(s, 0).trail).toEqual([10, 10, 11, 10]);
    expect(seat(s, 0).alive).toBe(true);
    cycles.applyInput(s, 0, input(Dir.Down));
    run(s, 2);
    expect(seat(s, 0).trail).toEqual([10, 10, 11, 10, 11, 12]);
  });

  it('checks a reversal against the last move made, so two quick turns cannot fold a cycle back', () => {
    // At 60 Hz a cycle moves every 5 ticks: "up" then "left" both arrive before it moves.
    const s = parkedMatch([0, 1], { tickRate: 60 });
    place(s, 0, 10, 10, Dir.Right);
    place(s, 1, 10, 40, Dir.Right);
    cycles.applyInput(s, 0, input(Dir.Up));
    run(s, 1);
    cycles.applyInput(s, 0, input(Dir.Left));
    run(s, 4);
    expect(seat(s, 0).trail).toEqual([10, 10, 10, 9]);
    expect(seat(s, 0).alive).toBe(true);
  });
});

describe('crashes', () => {
  it('a cycle entering the wall dies, credited to nobody', () => {
    const s = parkedMatch([0, 1, 2]);
    place(s, 0, 95, 10, Dir.Right);
    run(s, 1);
    expect(seat(s, 0).alive).toBe(false);
    expect(seat(s, 0).trail).toEqual([95, 10]); // stops short of the wall
    expect(s.events).toContainEqual({ tick: s.tick, type: 'crash', victim: 0, killer: null });
  });

  it("a cycle entering a rival's trail dies and the rival is credited", () => {
    const s = parkedMatch([0, 1, 2]);
    place(s, 1, 50, 20, Dir.Down, [50, 0, 50, 20]);
    place(s, 0, 45, 10, Dir.Right);
    run(s, 4);
    expect(seat(s, 0).alive).toBe(true);
    run(s, 1);
    expect(seat(s, 0).alive).toBe(false);
    expect(seat(s, 0).crashes).toBe(1);
    expect(seat(s, 1).kills).toBe(1);
    expect(s.events).toContainEqual({ tick: s.tick, type: 'crash', victim: 0, killer: 1 });
  });

  it('a cycle entering its own trail dies, credited to nobody', () => {
    const s = parkedMatch([0, 1, 2]);
    place(s, 0, 15, 12, Dir.Up, [10, 10, 20, 10, 20, 12, 15, 12]);
    run(s, 1);
    expect(seat(s, 0).alive).toBe(true);
    run(s, 1);
    expect(seat(s, 0).alive).toBe(false);
    expect(s.events).toContainEqual({ tick: s.tick, type: 'crash', victim: 0, killer: null });
  });

  it("entering a dead cycle's head is entering its trail", () => {
    const s = parkedMatch([0, 1, 2]);
    place(s, 1, 12, 30, Dir.Up, [12, 35, 12, 30]);
    seat(s, 1).alive = false;
    place(s, 0, 10, 30, Dir.Right);
    run(s, 2);
    expect(seat(s, 0).alive).toBe(false);
    expect(s.events).toContainEqual({ tick: s.tick, type: 'crash', victim: 0, killer: 1 });
  });

  it('two heads entering the same cell both die, each credited to the other', () => {
    const s = parkedMatch([0, 1, 2]);
    place(s, 0, 10, 30, Dir.Right);
    place(s, 1, 12, 30, Dir.Left);
    run(s, 1);
    expect([seat(s, 0).alive, seat(s, 1).alive, seat(s, 2).alive]).toEqual([false, false, true]);
    expect(s.events.filter((e) => e.type === 'crash')).toEqual([
      { tick: s.tick, type: 'crash', victim: 0, killer: 1 },
      { tick: s.tick, type: 'crash', victim: 1, killer: 0 },
    ]);
    expect(s.grid.at(11, 30)).toBe(0); // nobody got the cell
  });

  it('two heads meeting at a corner cell both die too', () => {
    const s = parkedMatch([0, 1, 2]);
    place(s, 0, 10, 30, Dir.Right);
    place(s, 1, 11, 29, Dir.Down);
    run(s, 1);
    expect([seat(s, 0).alive, seat(s, 1).alive]).toEqual([false, false]);
  });

  it('two heads swapping cells both die', () => {
    const s = parkedMatch([0, 1, 2]);
    place(s, 0, 10, 30, Dir.Right);
    place(s, 1, 11, 30, Dir.Left);
    run(s, 1);
    expect([seat(s, 0).alive, seat(s, 1).alive]).toEqual([false, false]);
    expect(seat(s, 0).trail).toEqual([10, 30]);
    expect(seat(s, 1).trail).toEqual([11, 30]);
  });

  it('cycles in neighbouring lanes pass each other unharmed', () => {
    const s = parkedMatch([0, 1, 2]);
    place(s, 0, 10, 30, Dir.Right);
    place(s, 1, 40, 31, Dir.Left);
    run(s, 20);
    expect([seat(s, 0).alive, seat(s, 1).alive]).toEqual([true, true]);
  });
});
