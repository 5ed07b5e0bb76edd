/** The skill knob: a full-skill bot is untouched; a low one reacts to older views and aims off, by a seeded amount. */
import { describe, expect, it } from 'vitest';
import { BotSkill, MAX_AIM_ERROR_RAD, skillOf } from './bot-skill.ts';

describe('bot skill', () => {
  it('leaves a skill-1 bot exactly as the game bot plays', () => {
    const k = new BotSkill<number>(1, 7, 30);
    expect([1, 2, 3].map((v) => k.see(v))).toEqual([1, 2, 3]);
    const cmd = { aim: 1.25, buttons: 3 };
    expect(k.act(cmd)).toBe(cmd);
  });

  it('makes a skill-0 bot react 400 ms late (12 views at 30 Hz) and miss its aim by about 20° (sd)', () => {
    const k = new BotSkill<number>(0, 7, 30);
    const seen = Array.from({ length: 40 }, (_, i) => k.see(i));
    expect(seen.slice(0, 13)).toEqual(new Array(13).fill(0));
    expect(seen.at(-1)).toBe(39 - 12);
    const errors = Array.from({ length: 4000 }, () => k.act({ aim: 0 }).aim);
    const sd = Math.sqrt(errors.reduce((a, e) => a + e * e, 0) / errors.length);
    expect(sd).toBeGreaterThan(MAX_AIM_ERROR_RAD * 0.9);
    expect(sd).toBeLessThan(MAX_AIM_ERROR_RAD * 1.1);
    for (const e of errors) expect(Math.abs(e)).toBeLessThanOrEqual(Math.PI);
    // Seeded: the same bot aims the same way again.
    const again = new BotSkill<number>(0, 7, 30);
    expect(again.act({ aim: 0 }).aim).toBe(new BotSkill<number>(0, 7, 30).act({ aim: 0 }).aim);
  });

  it('spreads skills evenly over the mix', () => {
    expect([0, 1, 2, 3, 4].map((i) => skillOf(i, 5, { lo: 0.2, hi: 1 }))).toEqual([0.2, 0.4, 0.6000000000000001, 0.8, 1]);
    expect(skillOf(3, 5, null)).toBe(1);
  });
});
