import { describe, expect, it } from 'vitest';
import { arenaMap, Button, defaultRules } from './sim/index.ts';
import { BotBrain, directionTowards, type BotView } from './bot-brain.ts';

const rules = defaultRules(20);
const map = arenaMap();
const MOVE = Button.Up | Button.Down | Button.Left | Button.Right;

function view(tick: number, me = { id: 0, x: 800, y: 300, alive: true }, others = [{ id: 1, x: 1000, y: 300, alive: true }]): BotView {
  return { tick, observedTick: tick, me, others: [me, ...others] };
}

describe('BotBrain', () => {
  it('decides the same way from the same seed and views, differently from another seed', () => {
    const run = (seed: number) => {
      const brain = new BotBrain({ seed, behaviour: 'play', rules, map });
      return Array.from({ length: 200 }, (_, t) => brain.think(view(t)));
    };
    expect(run(7)).toEqual(run(7));
    expect(run(7)).not.toEqual(run(8));
  });

  it('aims at the nearest living enemy, holds fire, and keeps moving most of the time', () => {
    const brain = new BotBrain({ seed: 3, behaviour: 'play', rules, map });
    const others = [
      { id: 1, x: 800, y: 100, alive: true }, // 200 px up
      { id: 2, x: 850, y: 300, alive: false }, // nearer but dead
      { id: 3, x: 1300, y: 300, alive: true },
    ];
    const cmds = Array.from({ length: 400 }, (_, t) => brain.think(view(t, { id: 0, x: 800, y: 300, alive: true }, others)));
    for (const c of cmds) {
      expect(c.buttons & Button.Fire).toBe(Button.Fire);
      expect(Math.abs(c.aim - -Math.PI / 2)).toBeLessThan(0.3);
    }
    const moving = cmds.filter((c) => (c.buttons & MOVE) !== 0).length;
    expect(moving / cmds.length).toBeGreaterThan(0.7);
    // Changes direction now and then: a person, not a conveyor belt.
    const changes = cmds.filter((c, i) => i > 0 && (c.buttons & MOVE) !== (cmds[i - 1]!.buttons & MOVE)).length;
    expect(changes).toBeGreaterThan(5);
  });

  it('heads back towards the middle from the border and turns away from a wall it is stuck on', () => {
    const brain = new BotBrain({ seed: 11, behaviour: 'wander', rules, map });
    const corner = brain.think(view(0, { id: 0, x: 30, y: 30, alive: true }, []));
    expect(corner.buttons & MOVE).toBe(Button.Right | Button.Down);
    expect(corner.buttons & Button.Fire).toBe(0);
    // Standing still while holding a direction for a few ticks: pick another one.
    const stuck = new BotBrain({ seed: 5, behaviour: 'wander', rules, map });
    const me = { id: 0, x: 700, y: 700, alive: true };
    const first = stuck.think(view(0, me, []));
    let changed = false;
    for (let t = 1; t < 10 && !changed; t++) changed = (stuck.think(view(t, me, [])).buttons & MOVE) !== (first.buttons & MOVE);
    expect(first.buttons & MOVE).not.toBe(0);
    expect(changed).toBe(true);
  });

  it('idle bots press nothing', () => {
    const brain = new BotBrain({ seed: 1, behaviour: 'idle', rules, map });
    expect(brain.think(view(1)).buttons).toBe(0);
  });

  it('maps a vector to the nearest of eight directions', () => {
    expect(directionTowards(1, 0)).toBe(Button.Right);
    expect(directionTowards(0, -1)).toBe(Button.Up);
    expect(directionTowards(-1, 1)).toBe(Button.Down | Button.Left);
    expect(directionTowards(0, 0)).toBe(0);
  });
});
