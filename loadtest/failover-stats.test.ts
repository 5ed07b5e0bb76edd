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
      causes: { disconnected: 0, matchMoved: 0, refused: 0 },
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
      causes: { disconnected: 5, matchMoved: 1, refused: 0 },
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
});
