import { describe, expect, it } from 'vitest';
import { FailoverStats } from './failover-stats.ts';
import { failoverLine, type Report } from './report.ts';

describe('CLI summary: failover line', () => {
  it('says how many bots a failure put out of their match, how fast they were back, and how many were lost', () => {
    const f = new FailoverStats();
    for (let bot = 0; bot < 4; bot++) {
      f.dropped(bot, 'disconnected', 0);
      f.switchedUrl();
    }
    f.dropped(4, 'matchMoved', 0);
    [1_000, 2_000, 3_000, 4_000].forEach((at, bot) => f.back(bot, at));
    expect(failoverLine({ failover: f.figures(30_000) })).toBe(
      'failover: 5 bots put out of their match (4 disconnected, 1 match moved), 4 back within 10 s (p50 2000 ms, max 4000 ms), 1 lost, 4 moves to another --url',
    );
  });

  it('gives the snapshot gap the moved bots saw, after the return figures', () => {
    const f = new FailoverStats();
    f.dropped(0, 'matchMoved', 1_000, 950);
    f.back(0, 1_200);
    f.snapshotAfterDrop(0, 1_260);
    expect(failoverLine({ failover: f.figures(30_000) })).toBe(
      'failover: 1 bots put out of their match (0 disconnected, 1 match moved), 1 back within 10 s (p50 200 ms, max 200 ms), 0 lost, snapshot gap during the move p50 310 ms, p99 310 ms, max 310 ms, 0 moves to another --url',
    );
  });

  it('names the bots seated on the server but idle on their side among the pending ones', () => {
    const f = new FailoverStats();
    f.dropped(0, 'matchMoved', 0);
    f.back(0, 500);
    f.seatedIdle(0, 1_000);
    f.dropped(1, 'disconnected', 25_000);
    expect(failoverLine({ failover: f.figures(30_000) })).toBe(
      'failover: 3 bots put out of their match (1 disconnected, 1 match moved, 1 refused while seated), 1 back within 10 s (p50 500 ms, max 500 ms), 0 lost, 2 pending (1 too recent to tell, 1 seated on the server but idle), 0 moves to another --url',
    );
  });

  it('is one short line when nothing happened, and copes with a report from before the figures existed', () => {
    expect(failoverLine({ failover: new FailoverStats().figures(1) })).toBe('failover: no bot was put out of its match');
    expect(failoverLine({} as Pick<Report, 'failover'>)).toBe('failover: no bot was put out of its match');
  });
});
