import { describe, expect, it } from 'vitest';
import { MatchPhase } from '../../../../shared/game/phase.ts';
import { arenaMap, defaultRules } from '../../../../shared/games/arena/sim/index.ts';
import type { PlayerSnapshot, Snapshot } from '../../../../shared/games/arena/snapshot.ts';
import { formatClock, sameHud } from '../../game/hud-model.ts';
import { arenaModel, kdRatio } from './hud-model.ts';

const player = (id: number, kills: number, deaths: number, alive = true): PlayerSnapshot => ({
  id, x: 0, y: 0, vx: 0, vy: 0, aim: 0, hp: 100, alive, kills, deaths, lastInputSeq: 0,
});
const roster = [
  { slot: 0, nickname: 'ada', connected: true, bot: false },
  { slot: 1, nickname: 'bo', connected: true, bot: true },
  { slot: 2, nickname: 'cy', connected: true, bot: false },
];

describe('the Arena HUD', () => {
  const rules = { ...defaultRules(30), killTarget: 10 };
  const model = arenaModel({ rules, map: arenaMap() });
  const snapshot = (over: Partial<Snapshot>): Snapshot => ({
    tick: 300, serverTime: 0, phase: MatchPhase.Playing, phaseEndTick: 300 + 30 * 95, players: [], projectiles: [], events: [], ...over,
  });

  it('ranks by kills, then fewer deaths, and counts the clock down in whole seconds', () => {
    const hud = model.hud(snapshot({ players: [player(0, 2, 3), player(1, 5, 0), player(2, 2, 1, false)] }), { roster, slot: 0, tickRate: 30 });
    expect(hud.rows.map((r) => [r.name, r.score, r.deaths, r.me, r.bot, r.alive])).toEqual([
      ['bo', 5, 0, false, true, true],
      ['cy', 2, 1, false, false, false],
      ['ada', 2, 3, true, false, true],
    ]);
    expect(hud.clockS).toBe(95);
    expect(formatClock(hud.clockS)).toBe('1:35');
    expect(hud.target).toBe(10);
  });

  it('shows no clock while waiting, and the countdown while counting down', () => {
    expect(model.hud(snapshot({ phase: MatchPhase.Waiting, phaseEndTick: 0 }), { roster, slot: 0, tickRate: 30 }).clockS).toBeNull();
    expect(model.hud(snapshot({ phase: MatchPhase.Countdown, phaseEndTick: 345 }), { roster, slot: 0, tickRate: 30 }).clockS).toBe(2);
  });

  it('turns kill events into feed lines that name both players', () => {
    const feed = model.feed(snapshot({ events: [{ type: 'kill', killerId: 1, victimId: 0 }, { type: 'kill', killerId: 2, victimId: 7 }] }), { roster, slot: 0, tickRate: 30 });
    expect(feed).toEqual([
      { kind: 'kill', actor: 'bo', subject: 'ada', text: 'eliminated', mine: true },
      { kind: 'kill', actor: 'cy', subject: '#7', text: 'eliminated', mine: false },
    ]);
  });

  it('is the same HUD when nothing shown changed (no dispatch), and differs when a score does', () => {
    const ctx = { roster, slot: 0, tickRate: 30 };
    const a = model.hud(snapshot({ players: [player(0, 1, 0)] }), ctx);
    expect(sameHud(a, model.hud(snapshot({ tick: 301, players: [player(0, 1, 0)] }), ctx))).toBe(true);
    expect(sameHud(a, model.hud(snapshot({ players: [player(0, 2, 0)] }), ctx))).toBe(false);
    expect(sameHud(null, a)).toBe(false);
  });

  it('divides kills by deaths, a deathless player by one', () => {
    expect(kdRatio(6, 0)).toBe('6.00');
    expect(kdRatio(3, 4)).toBe('0.75');
  });
});
