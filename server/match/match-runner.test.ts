/**
 * A match's lifecycle tick by tick, with the real Arena game and no sockets or timers: the
 * cases of the old Match class (server/match/match.ts before the split), now on MatchRunner,
 * plus its input rules. Seat bookkeeping (who may claim which slot, the roster) moved to the
 * seat book and is tested in seat-book.test.ts.
 *
 * Each test watches what a client sees in the snapshots (phase, tick, its player's position,
 * the input sequence the server acknowledges, the score), so it fails if the runner starts too
 * early or too late, plays one tick too many, lets an input move a player before play, applies
 * two inputs in one tick (acknowledged seq would jump), accepts a replayed input, or loses (or
 * keeps) the score of a player who left.
 */
import { describe, expect, it } from 'vitest';
import { arena, type ArenaState } from '../../shared/games/arena/index.ts';
import { Button, findPlayer } from '../../shared/games/arena/sim/index.ts';
import { MatchPhase, type Snapshot } from '../../shared/games/arena/snapshot.ts';
import { MatchRunner, type RunnerOptions, type TickOutput } from './match-runner.ts';

const TICK_RATE = 10;
/** Arena at 10 Hz: one tick of movement. */
const STEP_PX = 220 / TICK_RATE;

interface Table {
  runner: MatchRunner;
  state: ArenaState;
  /** What the host would answer to readiness(): the test seats and seats people itself. */
  room: { seatedHumans: number; presentHumans: number; full: boolean };
  arrive(slot: number): void;
  leave(slot: number, why: 'away' | 'gone'): void;
  run(ticks: number): TickOutput[];
}

function table(overrides: Partial<RunnerOptions> = {}, options = { killTarget: 20, timeLimitS: 2 }): Table {
  const state = arena.create({ options, seed: 7, tickRate: TICK_RATE });
  const room = { seatedHumans: 0, presentHumans: 0, full: false };
  const runner = new MatchRunner({
    game: arena,
    state,
    inputQueueSize: 4,
    snapshotEvery: 1,
    countdownTicks: 3,
    autoStart: true,
    arrivalTicks: 0,
    readiness: () => room,
    ...overrides,
  });
  let clock = 0;
  return {
    runner,
    state,
    room,
    arrive(slot) {
      runner.enter(slot);
      room.presentHumans += 1;
    },
    leave(slot, why) {
      runner.exit(slot, why);
      room.presentHumans -= 1;
    },
    run: (ticks) => Array.from({ length: ticks }, () => runner.tick((clock += 100))),
  };
}

const snap = (out: TickOutput | undefined) => out!.snapshot as Snapshot;
const me = (out: TickOutput | undefined, slot = 0) => snap(out).players.find((p) => p.id === slot);
const input = (seq: number, buttons = 0, aim = 0, clientTick = 0) => ({ seq, buttons, aim, clientTick });

/** Runs to the first playing tick (one human, quick play). */
function playing(t: Table): void {
  t.room.seatedHumans = Math.max(t.room.seatedHumans, t.room.presentHumans);
  for (let i = 0; i < 20 && t.runner.phase !== MatchPhase.Playing; i++) t.run(1);
  expect(t.runner.phase).toBe(MatchPhase.Playing);
}

describe('match lifecycle', () => {
  it('waits for every seated player, counts down, plays for exactly the time limit, then ends', () => {
    const t = table();
    t.room.seatedHumans = 2;
    t.arrive(0);
    const waiting = t.run(5);
    expect(waiting.every((o) => snap(o).phase === MatchPhase.Waiting)).toBe(true);
    expect(waiting.map((o) => snap(o).tick)).toEqual([1, 2, 3, 4, 5]);
    t.arrive(1);
    const [first] = t.run(1);
    expect(first!.phaseChanged).toBe(true);
    expect(snap(first)).toMatchObject({ phase: MatchPhase.Countdown, phaseEndTick: 9 });
    const outputs = t.run(40);
    const playingAt = outputs.findIndex((o) => snap(o)?.phase === MatchPhase.Playing);
    expect(snap(outputs[playingAt])).toMatchObject({ tick: 9, phaseEndTick: 28 });
    expect(outputs[playingAt]!.phaseChanged).toBe(true);
    const ended = outputs.find((o) => o.ended !== null)!;
    // 2 s at 10 Hz: ticks 9..28 are played.
    expect(snap(ended)).toMatchObject({ tick: 28, phase: MatchPhase.Ended });
    expect(ended.ended).toMatchObject({ reason: 'time' });
    expect(ended.phaseChanged).toBe(true);
    // The rules clients get still say 2 s, though the world's copy moved its limit to where play began.
    expect((t.runner.setup() as { rules: { timeLimitS: number } }).rules.timeLimitS).toBe(2);
    // Over: no more snapshots, the clock stops.
    const after = outputs.slice(outputs.indexOf(ended) + 1);
    expect(after.length).toBeGreaterThan(0);
    expect(after.every((o) => o.snapshot === null && o.ended === null && !o.phaseChanged)).toBe(true);
    expect(t.runner.currentTick).toBe(28);
  });

  it('starts a quick-play match without a no-show once the arrival window is over', () => {
    const t = table({ arrivalTicks: 20 });
    t.room.seatedHumans = 2;
    t.arrive(0); // the second matched player never shows up
    t.run(19);
    expect(t.runner.phase).toBe(MatchPhase.Waiting);
    t.run(1);
    expect(t.runner.phase).toBe(MatchPhase.Countdown);
  });

  it('does not start with nobody present, even with a start request', () => {
    const t = table({ autoStart: false });
    t.room.seatedHumans = 1;
    expect(t.runner.requestStart()).toBe(true);
    t.run(10);
    expect(t.runner.phase).toBe(MatchPhase.Waiting);
    t.arrive(0);
    t.run(1);
    expect(t.runner.phase).toBe(MatchPhase.Countdown);
    expect(t.runner.requestStart()).toBe(false);
  });

  it('ignores movement before play but acknowledges the input; the same input moves the player once playing', () => {
    const t = table({ autoStart: false });
    t.room.seatedHumans = 1;
    t.arrive(0);
    const before = { ...findPlayer(t.state.world, 0)! };
    expect(t.runner.pushInput(0, input(1, Button.Right))).toBe('queued');
    const [waiting] = t.run(1);
    expect(snap(waiting).phase).toBe(MatchPhase.Waiting);
    expect(me(waiting)).toMatchObject({ x: before.x, y: before.y, lastInputSeq: 1 });
    expect(t.runner.requestStart()).toBe(true);
    t.run(1);
    expect(t.runner.phase).toBe(MatchPhase.Countdown);
    // During the countdown too: acknowledged, nothing moves.
    t.runner.pushInput(0, input(2, Button.Right));
    const [countdown] = t.run(1);
    expect(snap(countdown).phase).toBe(MatchPhase.Countdown);
    expect(me(countdown)).toMatchObject({ x: before.x, y: before.y, lastInputSeq: 2 });
    playing(t);
    // The counterfactual: once playing, Right moves.
    const x0 = findPlayer(t.state.world, 0)!.x;
    t.runner.pushInput(0, input(3, Button.Right));
    const [moved] = t.run(1);
    expect(me(moved)).toMatchObject({ x: x0 + STEP_PX, lastInputSeq: 3 });
  });

  it('snapshots every snapshotEvery ticks, and on every phase change whatever the tick', () => {
    const t = table({ snapshotEvery: 4, countdownTicks: 3 });
    t.room.seatedHumans = 1;
    t.run(2); // nobody here: ticks 1, 2
    t.arrive(0);
    const outs = t.run(10); // countdown from tick 3, playing from tick 6
    const snapshotTicks = outs.filter((o) => o.snapshot).map((o) => snap(o).tick);
    expect(snapshotTicks).toEqual([3, 4, 6, 8, 12]);
  });
});

describe('inputs', () => {
  it('applies at most one input per player per tick, in order', () => {
    const t = table();
    t.arrive(0);
    playing(t);
    const start = { ...findPlayer(t.state.world, 0)! };
    expect(t.runner.pushInput(0, input(1, Button.Right))).toBe('queued');
    expect(t.runner.pushInput(0, input(2, Button.Down))).toBe('queued');
    expect(t.runner.pushInput(0, input(3, Button.Left))).toBe('queued');
    const [a, b, c] = t.run(3);
    // Three inputs sent at once take three ticks: a client cannot move faster by sending faster.
    expect(me(a)).toMatchObject({ x: start.x + STEP_PX, y: start.y, lastInputSeq: 1 });
    expect(me(b)).toMatchObject({ x: start.x + STEP_PX, y: start.y + STEP_PX, lastInputSeq: 2 });
    expect(me(c)).toMatchObject({ x: start.x, y: start.y + STEP_PX, lastInputSeq: 3 });
  });

  it('refuses replayed sequence numbers, and accepts 1 again after a reset (takeover) or a re-entry', () => {
    const t = table();
    t.arrive(0);
    playing(t);
    expect(t.runner.pushInput(0, input(5, Button.Right))).toBe('queued');
    expect(t.runner.pushInput(0, input(5, Button.Left))).toBe('replayed');
    expect(t.runner.pushInput(0, input(3, Button.Left))).toBe('replayed');
    const x0 = findPlayer(t.state.world, 0)!.x;
    const [a, b] = t.run(2);
    expect(me(a)).toMatchObject({ x: x0 + STEP_PX, lastInputSeq: 5 });
    // Nothing else was queued: the sim repeats Right, the acknowledged seq stays.
    expect(me(b)).toMatchObject({ x: x0 + 2 * STEP_PX, lastInputSeq: 5 });

    t.runner.resetInputs(0);
    expect(t.runner.pushInput(0, input(1, Button.Left))).toBe('queued');
    const [c] = t.run(1);
    expect(me(c)).toMatchObject({ x: x0 + STEP_PX, lastInputSeq: 1 });

    t.leave(0, 'away');
    t.arrive(0);
    expect(t.runner.pushInput(0, input(1))).toBe('queued');
  });

  it('answers absent for a slot that is not in the world', () => {
    const t = table();
    expect(t.runner.pushInput(0, input(1))).toBe('absent');
    t.arrive(0);
    t.leave(0, 'away');
    expect(t.runner.pushInput(0, input(1))).toBe('absent');
  });
});

describe('players who leave', () => {
  it("keeps the score of a player who is away and gives it back on return", () => {
    const t = table();
    t.arrive(0);
    t.arrive(1);
    playing(t);
    findPlayer(t.state.world, 0)!.kills = 3;
    findPlayer(t.state.world, 0)!.deaths = 1;
    t.leave(0, 'away');
    const [away] = t.run(1);
    expect(me(away, 0)).toBeUndefined();
    expect(t.runner.isPresent(0)).toBe(false);
    // Still ranked while away: the results screen would show it.
    expect(t.runner.results([0, 1])[0]).toMatchObject({ slot: 0, score: 3, stats: { kills: 3, deaths: 1 } });
    t.arrive(0);
    const [back] = t.run(1);
    expect(me(back, 0)).toMatchObject({ kills: 3, deaths: 1 });
  });

  it('forgets the score of a player who is gone: the next occupant of the slot starts from zero', () => {
    const t = table();
    t.arrive(0);
    t.arrive(1);
    playing(t);
    findPlayer(t.state.world, 0)!.kills = 3;
    t.leave(0, 'away');
    t.runner.exit(0, 'gone'); // grace over
    expect(t.runner.results([0])[0]).toMatchObject({ slot: 0, score: 0, stats: { kills: 0, deaths: 0 } });
    t.arrive(0);
    const [next] = t.run(1);
    expect(me(next, 0)).toMatchObject({ kills: 0, deaths: 0 });
  });

  // Found by this test: the sim's leader() only sees players in the world, so a time-out used to
  // name a present player while an away one with more kills topped the standings.
  it('names as winner of a time-out the player the results rank first, even one who is away', () => {
    const t = table({}, { killTarget: 20, timeLimitS: 1 });
    t.arrive(0);
    t.arrive(1);
    playing(t);
    findPlayer(t.state.world, 0)!.kills = 3;
    t.leave(0, 'away');
    const outs = t.run(20);
    const ended = outs.find((o) => o.ended)!;
    expect(ended.ended!.reason).toBe('time');
    const ranking = t.runner.results([0, 1]);
    expect(ranking[0]!.slot).toBe(0);
    // Left out, the host falls back on the ranking; given, it must agree with it.
    const winner = ended.ended!.winner === undefined ? ranking[0]!.slot : ended.ended!.winner;
    expect(winner).toBe(0);
  });
});
