import { describe, expect, it } from 'vitest';
import { addPlayer, arenaMap, Button, createWorld, defaultRules } from './sim/index.ts';
import { createBotMemory, decideBot } from './bot-brain.ts';

function world() {
  const w = createWorld({ seed: 1, rules: defaultRules(30), map: arenaMap() });
  const bot = addPlayer(w, 0);
  const enemy = addPlayer(w, 1);
  return { w, bot, enemy };
}

describe('bot brain', () => {
  it('aims at and fires on a visible enemy in range', () => {
    const { w, bot, enemy } = world();
    Object.assign(bot, { x: 300, y: 300 });
    Object.assign(enemy, { x: 600, y: 300 });
    const d = decideBot(w, 0, createBotMemory(5));
    expect(d.buttons & Button.Fire).toBe(Button.Fire);
    expect(Math.abs(d.aim)).toBeLessThan(0.1);
  });

  it('does not fire through a wall, and wanders instead', () => {
    const { w, bot, enemy } = world();
    // The centre-left block (640..720, 460..540) stands between them.
    Object.assign(bot, { x: 600, y: 500 });
    Object.assign(enemy, { x: 760, y: 500 });
    const d = decideBot(w, 0, createBotMemory(5));
    expect(d.buttons & Button.Fire).toBe(0);
    expect(d.buttons).not.toBe(0);
  });

  it('decides the same from the same seed and world', () => {
    const a = world();
    const b = world();
    const ma = createBotMemory(99);
    const mb = createBotMemory(99);
    const worldRng = a.w.rngState;
    for (let i = 0; i < 50; i++) expect(decideBot(a.w, 0, ma)).toEqual(decideBot(b.w, 0, mb));
    // Its own generator: the world's (spawns) is untouched.
    expect(a.w.rngState).toBe(worldRng);
  });
});
