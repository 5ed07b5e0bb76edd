import { describe, expect, it } from 'vitest';
import { FailoverStats, LOST_AFTER_MS } from './failover-stats.ts';

describe('failover figures', () => {
  it('nothing dropped: zeros, and no time to be back', () => {
    expect(new FailoverStats().figures(60_000)).toEqual({
      botsDropped: 0,
      botsBack: 0,
      botsLost: 0,
      botsPending: 0,
      botsSeatedIdle: 0,
      backInMatchMs: { p50: null, max: null },
      gapDuringMoveMs: { p50: null, p99: null, max: null },
      gapByCauseMs: {},
      causes: { disconnected: 0, matchMoved: 0, refused: 0, relocated: 0 },
      urlSwitches: 0,
    });
  });

  it('a node dies: its bots are back after their own delays, one is never back', () => {
    const f = new FailoverStats();
    for (let bot = 0; bot < 5; bot++) f.dropped(bot, 'disconnected', 1_000);
    f.dropped(5, 'matchMoved', 1_000);
    [2_500, 3_000, 4_000, 5_000, 11_500].forEach((at, bot) => f.back(bot, at));
    for (let bot = 0; bot < 4; bot++) f.switchedUrl();
    // Bot 5 is still out 30 s later: lost. Bot 4 came back, but 10.5 s after its drop: lost too.
    const r = f.figures(31_000);
    expect(r).toEqual({
      botsDropped: 6,
      botsBack: 4,
      botsLost: 2,
      botsPending: 0,
      botsSeatedIdle: 0,
      backInMatchMs: { p50: 3_000, max: 10_500 },
      // No snapshot after any drop was reported: no gap to tell.
      gapDuringMoveMs: { p50: null, p99: null, max: null },
      gapByCauseMs: {},
      causes: { disconnected: 5, matchMoved: 1, refused: 0, relocated: 0 },
      urlSwitches: 4,
    });
  });

  it('a bot dropped just before the end is neither back nor lost yet', () => {
    const f = new FailoverStats();
    f.dropped(1, 'disconnected', 50_000);
    f.dropped(2, 'disconnected', 40_000);
    expect(f.figures(40_000 + LOST_AFTER_MS)).toMatchObject({ botsDropped: 2, botsBack: 0, botsLost: 1, botsPending: 1 });
  });

  it('counts each drop of a bot once, from its first moment, and a second failure again', () => {
    const f = new FailoverStats();
    f.dropped(7, 'disconnected', 1_000);
    f.dropped(7, 'matchMoved', 1_500); // still the same drop: out since 1 s
    f.back(7, 3_000);
    f.back(7, 3_100); // not out: nothing
    f.dropped(7, 'disconnected', 20_000);
    f.back(7, 21_000);
    expect(f.figures(60_000)).toMatchObject({ botsDropped: 2, botsBack: 2, backInMatchMs: { p50: 1_000, max: 2_000 }, causes: { disconnected: 2, matchMoved: 0, refused: 0 } });
  });

  it('a bot idle on its side while the server holds its seat is pending however long, never back nor lost', () => {
    const f = new FailoverStats();
    // Moved, back, then its second join is refused ALREADY_IN_MATCH: idle while seated, for 71 s.
    f.dropped(3, 'matchMoved', 213_000);
    f.back(3, 213_400);
    f.seatedIdle(3, 213_500);
    f.seatedIdle(3, 214_500); // every refused retry: still the same drop
    // Another bot refused while already out after a drop: pending too, its cause stays the drop's.
    f.dropped(4, 'disconnected', 213_000);
    f.seatedIdle(4, 214_000);
    expect(f.figures(284_000)).toMatchObject({
      botsDropped: 3,
      botsBack: 1,
      botsLost: 0,
      botsPending: 2,
      botsSeatedIdle: 2,
      causes: { disconnected: 1, matchMoved: 1, refused: 1 },
    });
    // Playing again: back (late), no longer pending.
    f.back(3, 284_000);
    expect(f.figures(284_000)).toMatchObject({ botsDropped: 3, botsBack: 1, botsLost: 1, botsPending: 1, botsSeatedIdle: 1 });
  });

  describe('the snapshot gap during a move', () => {
    it('runs from the last snapshot before the drop to the first one after it, not from the drop to the join', () => {
      const f = new FailoverStats();
      // Node dies at 10 s; the bot's last snapshot was at 9.95 s; the drop is seen at 10.4 s
      // (the connection broke late), the join answers at 11 s, the first snapshot comes at 11.05 s.
      f.dropped(1, 'disconnected', 10_400, 9_950);
      f.back(1, 11_000);
      f.snapshotAfterDrop(1, 11_050);
      f.snapshotAfterDrop(1, 11_100); // later snapshots are play, not the move
      expect(f.figures(20_000)).toMatchObject({ backInMatchMs: { p50: 600, max: 600 }, gapDuringMoveMs: { p50: 1_100, p99: 1_100, max: 1_100 } });
    });

    it('takes p50, p99 and max over every moved bot, a bot moved twice counting twice', () => {
      const f = new FailoverStats();
      // 100 bots moved once, with gaps 101..200 ms; bot 0 moved again later with a 900 ms gap.
      for (let bot = 0; bot < 100; bot++) {
        f.dropped(bot, 'matchMoved', 1_000, 1_000);
        f.back(bot, 1_050);
        f.snapshotAfterDrop(bot, 1_101 + bot);
      }
      f.dropped(0, 'disconnected', 5_000, 4_990);
      f.dropped(0, 'matchMoved', 5_200, null); // the same drop: the gap still counts from 4.99 s
      f.back(0, 5_800);
      f.snapshotAfterDrop(0, 5_890);
      // 101 samples: the 51st is 151 ms, the 100th is 200 ms, the largest 900 ms.
      expect(f.figures(20_000).gapDuringMoveMs).toEqual({ p50: 151, p99: 200, max: 900 });
    });

    it('leaves out drops that never saw a snapshot again, and counts a refused bot from its refusal', () => {
      const f = new FailoverStats();
      f.dropped(1, 'disconnected', 1_000, 990); // never back: lost, and no gap
      f.snapshotAfterDrop(2, 1_500); // never dropped: nothing
      f.seatedIdle(3, 2_000); // refused between matches: no snapshot before, counts from 2 s
      f.back(3, 2_600);
      f.snapshotAfterDrop(3, 2_700);
      expect(f.figures(30_000)).toMatchObject({ botsLost: 1, gapDuringMoveMs: { p50: 700, p99: 700, max: 700 } });
    });
  });
});
