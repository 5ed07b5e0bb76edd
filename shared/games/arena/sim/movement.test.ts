import { describe, expect, it } from 'vitest';
import { arenaMap } from './map.ts';
import { movePlayer, nextPosition, type Position } from './movement.ts';
import { defaultRules } from './rules.ts';
import { step } from './step.ts';
import { input, mustFind, place, run } from './test-support.ts';
import { Button } from './types.ts';
import { addPlayer, createWorld } from './world.ts';

const rules = defaultRules();
const map = arenaMap();
const perTick = rules.playerSpeed / rules.tickRate;

/** Holds `buttons` from tick `from` for `ticks` ticks; returns every position on the way. */
function hold(start: Position, buttons: number, ticks: number, from = 1): Position[] {
  const path = [start];
  let pos = start;
  for (let t = from; t < from + ticks; t++) {
    pos = nextPosition(pos, buttons, map, rules, t);
    path.push(pos);
  }
  return path;
}

const last = (path: Position[]): Position => path[path.length - 1] as Position;

// y = 300 is a wall-free row across the whole arena (cover bars end at y 220, pillars start at 400).
const OPEN = { x: 400, y: 300 };

describe('movement', () => {
  it('holding Right for one second moves about playerSpeed px right', () => {
    const end = last(hold(OPEN, Button.Right, rules.tickRate));
    expect(Math.abs(end.x - OPEN.x - rules.playerSpeed)).toBeLessThanOrEqual(perTick);
    expect(end.y).toBe(OPEN.y);
  });

  it('keeps the same speed whatever tick the run starts on (no drift from the 1/8 px grid)', () => {
    for (const from of [1, 2, 3, 1000, 9001]) {
      const end = last(hold(OPEN, Button.Left, rules.tickRate, from));
      expect(Math.abs(OPEN.x - end.x - rules.playerSpeed)).toBeLessThanOrEqual(0.125);
    }
  });

  it('moves diagonally at the same speed as straight (within 1 px over 1 s)', () => {
    const straight = last(hold(OPEN, Button.Right, rules.tickRate));
    const diagonal = last(hold(OPEN, Button.Right | Button.Down, rules.tickRate));
    const straightDist = Math.hypot(straight.x - OPEN.x, straight.y - OPEN.y);
    const diagonalDist = Math.hypot(diagonal.x - OPEN.x, diagonal.y - OPEN.y);
    expect(diagonal.y - OPEN.y).toBe(diagonal.x - OPEN.x);
    expect(Math.abs(diagonalDist - straightDist)).toBeLessThanOrEqual(1);
  });

  it('opposite directions cancel', () => {
    const end = last(hold(OPEN, Button.Left | Button.Right | Button.Up | Button.Down, 10));
    expect(end).toEqual(OPEN);
  });

  it('stops a player flush against a wall, never inside it, and lets it slide along', () => {
    // Left pillar: x 220..260, y 400..600. Walk right into its left face.
    const pillar = { x: 220, y: 400, w: 40, h: 200 };
    const path = hold({ x: 120, y: 500 }, Button.Right, 30);
    for (const p of path) expect(p.x + rules.playerRadius).toBeLessThanOrEqual(pillar.x);
    expect(last(path).x).toBe(pillar.x - rules.playerRadius);

    // Pushing diagonally into the face: x stays flush, y keeps moving.
    const slide = hold(last(path), Button.Right | Button.Down, 10, 31);
    expect(last(slide).x).toBe(pillar.x - rules.playerRadius);
    expect(last(slide).y).toBeGreaterThan(500 + 40);

    // Past the pillar's end the same push carries the player round the corner.
    const around = hold(last(slide), Button.Right | Button.Down, 30, 41);
    expect(last(around).y).toBeGreaterThan(pillar.y + pillar.h + rules.playerRadius);
    expect(last(around).x).toBeGreaterThan(pillar.x - rules.playerRadius);
  });

  it('stops a player walking down onto the top of a wall', () => {
    // Centre-left block: x 640..720, y 460..540.
    const end = last(hold({ x: 680, y: 380 }, Button.Down, 30));
    expect(end).toEqual({ x: 680, y: 460 - rules.playerRadius });
  });

  it('clamps players to the arena bounds', () => {
    const r = rules.playerRadius;
    expect(last(hold({ x: 40, y: 40 }, Button.Up | Button.Left, 30))).toEqual({ x: r, y: r });
    expect(last(hold({ x: 1560, y: 960 }, Button.Down | Button.Right, 30))).toEqual({
      x: map.width - r,
      y: map.height - r,
    });
  });

  it('movePlayer applies nextPosition to the player it is given, and refuses a missing tick', () => {
    const player = { x: OPEN.x, y: OPEN.y };
    movePlayer(player, Button.Down, map, rules, 7);
    expect(player).toEqual(nextPosition(OPEN, Button.Down, map, rules, 7));
    expect(() => movePlayer(player, Button.Down, map, rules, Number.NaN)).toThrow(RangeError);
  });

  it('keeps moving on the last buttons when a tick has no input (late packet)', () => {
    const world = createWorld({ seed: 1 });
    addPlayer(world, 0);
    place(world, 0, OPEN.x, OPEN.y);
    step(world, new Map([[0, input(Button.Right)]]));
    const afterOne = mustFind(world, 0).x;
    run(world, 5); // no inputs at all
    expect(mustFind(world, 0).x).toBeGreaterThan(afterOne + 5 * perTick - 1);
    step(world, new Map([[0, input(0)]]));
    const stopped = mustFind(world, 0).x;
    run(world, 5);
    expect(mustFind(world, 0).x).toBe(stopped);
  });

  it('client-side prediction with nextPosition lands exactly where the server step puts the player', () => {
    const world = createWorld({ seed: 9 });
    addPlayer(world, 0);
    const buttons = [Button.Right, Button.Right | Button.Up, Button.Up, Button.Left | Button.Down, Button.Down];
    let predicted: Position = { x: mustFind(world, 0).x, y: mustFind(world, 0).y };
    for (let t = 1; t <= 100; t++) {
      const b = buttons[Math.floor(t / 20) % buttons.length] ?? 0;
      predicted = nextPosition(predicted, b, world.map, world.rules, t);
      step(world, new Map([[0, input(b)]]));
      expect({ x: mustFind(world, 0).x, y: mustFind(world, 0).y }).toEqual(predicted);
    }
  });
});
