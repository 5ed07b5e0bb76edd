/** A match's lifecycle tick by tick: no sockets, no timers. */
import { describe, expect, it } from 'vitest';
import { MatchPhase } from '../../shared/games/arena/snapshot.ts';
import { arenaMap, defaultRules, findPlayer } from '../../shared/games/arena/sim/index.ts';
import { Match, type MatchOptions } from './match.ts';

function match(overrides: Partial<MatchOptions> = {}): Match {
  return new Match({
    id: 'm',
    seed: 7,
    rules: { ...defaultRules(10), timeLimitS: 2 },
    map: arenaMap(),
    maxPlayers: 2,
    inputQueueSize: 4,
    snapshotEvery: 1,
    countdownTicks: 3,
    autoStart: true,
    arrivalTicks: 0,
    ...overrides,
  });
}

const run = (m: Match, ticks: number) => Array.from({ length: ticks }, (_, i) => m.tick(i * 100));

describe('match lifecycle', () => {
  it('waits for every seated player, counts down, plays for exactly the time limit, then ends', () => {
    const m = match();
    const a = m.seat('a', 'A')!;
    const b = m.seat('b', 'B')!;
    m.enter(a);
    const waiting = run(m, 5);
    expect(waiting.every((t) => t.snapshot?.phase === MatchPhase.Waiting)).toBe(true);
    expect(waiting.map((t) => t.snapshot!.tick)).toEqual([1, 2, 3, 4, 5]);
    m.enter(b);
    const [first] = run(m, 1);
    expect(first!.phaseChanged).toBe(true);
    expect(first!.snapshot).toMatchObject({ phase: MatchPhase.Countdown, phaseEndTick: 9 });
    const outputs = run(m, 40);
    const playing = outputs.findIndex((t) => t.snapshot?.phase === MatchPhase.Playing);
    expect(outputs[playing]!.snapshot!.tick).toBe(9);
    const ended = outputs.find((t) => t.results !== null)!;
    // 2 s at 10 Hz: ticks 9..28 are played.
    expect(ended.snapshot).toMatchObject({ tick: 28, phase: MatchPhase.Ended });
    expect(ended.results).toMatchObject({ reason: 'time' });
    expect(outputs[playing]!.snapshot!.phaseEndTick).toBe(28);
    expect(m.rules.timeLimitS).toBe(2);
  });

  it('starts a quick-play match without a no-show once the arrival window is over', () => {
    const m = match({ arrivalTicks: 20 });
    m.enter(m.seat('a', 'A')!);
    m.seat('ghost', 'Ghost');
    run(m, 19);
    expect(m.phase).toBe(MatchPhase.Waiting);
    run(m, 1);
    expect(m.phase).toBe(MatchPhase.Countdown);
  });

  it('ignores movement before play but acknowledges the input', () => {
    const m = match({ autoStart: false, maxPlayers: 4 });
    const a = m.seat('a', 'A')!;
    m.enter(a);
    const before = { ...findPlayer(m.world, a)! };
    m.pushInput(a, { seq: 1, buttons: 8, aim: 0, clientTick: 0 });
    const [out] = run(m, 1);
    expect(out!.snapshot!.phase).toBe(MatchPhase.Waiting);
    expect(out!.snapshot!.players[0]).toMatchObject({ x: before.x, y: before.y, lastInputSeq: 1 });
    expect(m.requestStart()).toBe(true);
    run(m, 1);
    expect(m.phase).toBe(MatchPhase.Countdown);
  });

  it('keeps the score of a player who is away and gives it back on return', () => {
    const m = match();
    const a = m.seat('a', 'A')!;
    m.enter(a);
    findPlayer(m.world, a)!.kills = 3;
    m.exit(a);
    expect(findPlayer(m.world, a)).toBeUndefined();
    expect(m.roster()).toEqual([{ id: a, nickname: 'A', connected: false, bot: false }]);
    expect(m.seat('c', 'C')).toBe(1);
    expect(m.seat('d', 'D')).toBe(null);
    expect(m.pushInput(a, { seq: 1, buttons: 0, aim: 0, clientTick: 0 })).toBe('absent');
    m.enter(a);
    expect(findPlayer(m.world, a)!.kills).toBe(3);
    expect(m.results('time', null).scoreboard.find((s) => s.id === a)).toMatchObject({ kills: 3 });
    m.unseat(a);
    expect(m.seat('e', 'E')).toBe(a);
  });
});
