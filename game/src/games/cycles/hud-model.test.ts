import { describe, expect, it } from 'vitest';
import { MatchPhase } from '../../../../shared/game/phase.ts';
import type { CyclesSnapshot } from '../../../../shared/games/cycles/index.ts';
import { cyclesModel } from './hud-model.ts';

const roster = [
  { slot: 0, nickname: 'ada', connected: true, bot: false },
  { slot: 1, nickname: 'bo', connected: true, bot: true },
  { slot: 2, nickname: 'cy', connected: true, bot: false },
];

describe('the Cycles HUD', () => {
  const model = cyclesModel({ width: 96, height: 60, tickRate: 20, cellsPerSecond: 12, boostCellsPerSecond: 20, boostSeconds: 2, energyLevels: 15, pauseTicks: 40, roundsToWin: 5, timeLimitS: 300 });
  const cycle = (id: number, score: number, present = true) => ({ id, present, alive: true, x: 0, y: 0, dir: 1 as const, boosting: false, energy: 0, score, lastInputSeq: 0, trail: [] });
  const snapshot = (over: Partial<CyclesSnapshot>): CyclesSnapshot =>
    ({ tick: 100, serverTime: 0, phase: MatchPhase.Playing, phaseEndTick: 0, round: 3, roundState: 'live', roundEndTick: 0, players: [], events: [], ...over }) as CyclesSnapshot;

  it('ranks present players by rounds won and shows the round', () => {
    const hud = model.hud(snapshot({ players: [cycle(0, 1), cycle(1, 2), cycle(2, 4, false)] as never }), { roster, slot: 0, tickRate: 20 });
    expect(hud.rows.map((r) => [r.name, r.score, r.deaths])).toEqual([['bo', 2, null], ['ada', 1, null]]);
    expect(hud.round).toBe(3);
    expect(hud.scoreLabel).toBe('Rounds');
  });

  it('tells a crash into a wall from being cut off, and names the round winner', () => {
    const feed = model.feed(
      snapshot({ events: [{ type: 'crash', victim: 0, killer: null }, { type: 'crash', victim: 2, killer: 1 }, { type: 'roundWon', winner: 1 }, { type: 'roundWon', winner: null }] }),
      { roster, slot: 0, tickRate: 20 },
    );
    expect(feed.map((f) => [f.kind, f.actor, f.subject, f.text])).toEqual([
      ['crash', null, 'ada', 'crashed'],
      ['crash', 'bo', 'cy', 'cut off'],
      ['round', 'bo', null, 'wins the round'],
      ['round', null, null, 'Round drawn'],
    ]);
  });
});

