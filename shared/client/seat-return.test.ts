/**
 * The SDK's way back into its match, on a fake connection whose joins and pauses the test answers
 * by hand. What a player would notice if a rule broke: two joins out for one seat (the second is
 * refused and the page goes to the lobby while seated), a failure reported for a seat the server
 * still holds, or a seat attached to a connection that is already gone.
 */
import { describe, expect, it } from 'vitest';
import { ErrorCode, type AckResult } from '../protocol/errors.ts';
import type { MatchInfo } from '../protocol/events.ts';
import { joinSettled, SeatReturn, type ReturnTarget } from './seat-return.ts';

const target: ReturnTarget = { matchId: 'm1', role: 'player' };
const seated = (matchId = 'm1'): AckResult<MatchInfo> => ({ ok: true, matchId, slot: 2 }) as AckResult<MatchInfo>;
const refused = (code: ErrorCode): AckResult<MatchInfo> => ({ ok: false, code, message: code });
const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

function fake(opts: { followMoveAtOnce?: boolean } = {}) {
  const joins: { target: string | null; on: string | undefined; answer: (res: AckResult<MatchInfo>) => void }[] = [];
  const pauses: (() => void)[] = [];
  const state = { connection: 'c1' as string | undefined, wanted: true, now: 0 };
  const seats = new SeatReturn(
    {
      join: (t) => new Promise<AckResult<MatchInfo>>((answer) => joins.push({ target: t?.matchId ?? null, on: state.connection, answer })),
      connection: () => state.connection,
      wanted: () => state.wanted,
      wait: () => new Promise<void>((resume) => pauses.push(resume)),
      now: () => state.now,
    },
    { retryMs: 300, giveUpAfterMs: 15_000, ...opts },
  );
  const reports: (AckResult<MatchInfo> | null)[] = [];
  const start = (why: 'moved' | 'reconnected'): void => void seats.start(target, why).then((r) => reports.push(r));
  const resume = async (): Promise<void> => {
    await settle();
    for (const r of pauses.splice(0)) r();
    await settle();
  };
  return { joins, pauses, state, reports, start, resume };
}

describe('SeatReturn: one attempt for both triggers', () => {
  it('follows a move at once when told to, and pauses only before a retry', async () => {
    const f = fake({ followMoveAtOnce: true });
    f.start('moved');
    await settle();
    expect(f.pauses).toHaveLength(0);
    expect(f.joins.map((j) => [j.target, j.on])).toEqual([['m1', 'c1']]);
    // Too early: the new owner has not listed it yet. The retry waits out the pause.
    f.joins[0]!.answer({ ok: false, code: ErrorCode.ClusterUnavailable, message: 'moving' });
    await settle();
    expect(f.joins).toHaveLength(1);
    expect(f.pauses).toHaveLength(1);
    await f.resume();
    expect(f.joins).toHaveLength(2);
    f.joins[1]!.answer(seated());
    await settle();
    expect(f.reports).toEqual([seated()]);
  });

  it('a reconnect while the move waits out its pause sends one join, on the new connection, and reports once', async () => {
    const f = fake();
    f.start('moved');
    await settle();
    expect(f.joins).toHaveLength(0);
    expect(f.pauses).toHaveLength(1);
    // The drain closes the connection; socket.io brings a new one while the pause runs.
    f.state.connection = 'c2';
    f.start('reconnected');
    await f.resume();
    expect(f.joins.map((j) => [j.target, j.on])).toEqual([['m1', 'c2']]);
    f.joins[0]!.answer(seated());
    await settle();
    expect(f.reports).toEqual([seated(), null]);
    expect(f.joins).toHaveLength(1);
  });

  it('a reconnect while a join is out waits for it; an answer for the old connection is joined again on the new one', async () => {
    const f = fake();
    f.start('reconnected');
    await settle();
    expect(f.joins.map((j) => j.on)).toEqual(['c1']);
    f.state.connection = 'c2';
    f.start('reconnected');
    await settle();
    expect(f.joins).toHaveLength(1);
    // The server seated c1, which is gone: c2 must be attached, at once and once.
    f.joins[0]!.answer(seated());
    await settle();
    expect(f.joins.map((j) => j.on)).toEqual(['c1', 'c2']);
    f.joins[1]!.answer(seated());
    await settle();
    expect(f.reports).toEqual([seated(), null]);
  });

  it('after an attempt settles, the next trigger starts a new one', async () => {
    const f = fake();
    f.start('reconnected');
    await settle();
    f.joins[0]!.answer(seated());
    await settle();
    f.start('moved');
    await f.resume();
    expect(f.joins).toHaveLength(2);
  });
});

describe('SeatReturn: retries and giving up', () => {
  it('retries while the match is between owners, one join at a time, then reports the seat', async () => {
    const f = fake();
    f.start('reconnected');
    await settle();
    f.joins[0]!.answer(refused(ErrorCode.ClusterUnavailable));
    await settle();
    f.start('reconnected'); // a trigger during the pause adds no join
    await settle();
    expect(f.joins).toHaveLength(1);
    await f.resume();
    f.joins[1]!.answer(refused(ErrorCode.Timeout));
    await f.resume();
    f.joins[2]!.answer(seated());
    await settle();
    expect(f.reports).toEqual([seated(), null]);
  });

  it('a final refusal asks where the seat is before reporting: the seat held wins', async () => {
    const f = fake();
    f.start('moved');
    await f.resume();
    f.joins[0]!.answer(refused(ErrorCode.MatchNotFound));
    await settle();
    expect(f.joins.map((j) => j.target)).toEqual(['m1', null]);
    f.joins[1]!.answer(seated('m2'));
    await settle();
    expect(f.reports).toEqual([seated('m2')]);
  });

  it('reports the refusal when the server holds no seat either, and past the deadline stops retrying', async () => {
    const f = fake();
    f.start('reconnected');
    await settle();
    f.state.now = 15_000;
    f.joins[0]!.answer(refused(ErrorCode.ClusterUnavailable));
    await settle();
    expect(f.joins.map((j) => j.target)).toEqual(['m1', null]);
    f.joins[1]!.answer(refused(ErrorCode.NoSeat));
    await settle();
    expect(f.reports).toEqual([refused(ErrorCode.ClusterUnavailable)]);
  });

  it('a spectator is not looked for in a seat', async () => {
    const spectator = new SeatReturn(
      {
        join: (t) => Promise.resolve(t === null ? seated() : refused(ErrorCode.MatchNotFound)),
        connection: () => 'c1',
        wanted: () => true,
        wait: () => Promise.resolve(),
        now: () => 0,
      },
      { retryMs: 300, giveUpAfterMs: 15_000 },
    );
    expect(await spectator.start({ matchId: 'm1', role: 'spectator' }, 'reconnected')).toEqual(refused(ErrorCode.MatchNotFound));
  });

  it('says nothing and sends nothing when the connection is down or the match no longer wanted', async () => {
    const f = fake();
    f.start('moved');
    await settle();
    f.state.connection = undefined;
    await f.resume();
    expect(f.joins).toHaveLength(0);
    expect(f.reports).toEqual([null]);

    f.state.connection = 'c3';
    f.start('moved');
    await settle();
    f.state.wanted = false; // left, or the match ended, during the pause
    await f.resume();
    expect(f.joins).toHaveLength(0);
    expect(f.reports).toEqual([null, null]);
  });
});

/**
 * joinSettled: how PlayerClient enters and a move joins on its new connection. What a player would
 * notice if it broke: a page that shows "the servers are busy" (or a bot that counts an error) for
 * a match that was only between nodes for a moment.
 */
describe('joinSettled: "not now" stays inside the SDK', () => {
  function settled(answers: AckResult<MatchInfo>[], state = { now: 0, on: true }) {
    const asked: number[] = [];
    const pauses: number[] = [];
    const done = joinSettled(
      async () => {
        asked.push(state.now);
        return answers.shift()!;
      },
      {
        wait: async (ms) => {
          pauses.push(ms);
          state.now += ms;
        },
        now: () => state.now,
        stillOn: () => state.on,
      },
      { retryMs: 150, giveUpAfterMs: 1000 },
    );
    return { asked, pauses, done, state };
  }

  it('asks again after CLUSTER_UNAVAILABLE and TIMEOUT, a pause apart, and answers the seat', async () => {
    const s = settled([refused(ErrorCode.ClusterUnavailable), refused(ErrorCode.Timeout), refused(ErrorCode.ClusterUnavailable), seated()]);
    expect(await s.done).toEqual(seated());
    expect(s.asked).toEqual([0, 150, 300, 450]);
  });

  it('answers a refusal that stands at once', async () => {
    const s = settled([refused(ErrorCode.NoSeat), seated()]);
    expect(await s.done).toEqual(refused(ErrorCode.NoSeat));
    expect(s.asked).toHaveLength(1);
  });

  it('gives the last "not now" back once its time is up', async () => {
    const s = settled(Array.from({ length: 20 }, () => refused(ErrorCode.ClusterUnavailable)));
    expect(await s.done).toEqual(refused(ErrorCode.ClusterUnavailable));
    expect(s.asked).toEqual([0, 150, 300, 450, 600, 750, 900, 1050]);
  });

  it('stops asking when its connection goes down or is replaced, during the pause as before it', async () => {
    const state = { now: 0, on: true };
    const answers = [refused(ErrorCode.ClusterUnavailable), seated()];
    const s = settled(answers, state);
    state.on = false;
    expect(await s.done).toEqual(refused(ErrorCode.ClusterUnavailable));
    expect(s.asked).toHaveLength(1);
  });
});
