import { describe, expect, it } from 'vitest';
import { renderHtmlReport } from './html-report.ts';
import type { Report, TimelinePoint } from './report.ts';
import { lineChart } from './svg-chart.ts';

function point(t: number): TimelinePoint {
  return {
    t,
    phase: t <= 2 ? 'ramp' : 'measure',
    connected: 32,
    inMatch: 32,
    snapshotHz: 20,
    rttMs: { p50: 1, p95: 2, p99: 3 },
    snapshotGapMs: { p50: 50, p99: 55, max: 60 },
    inputToAckMs: { p50: 9, p99: 14 },
    downBytesPerBotPerSec: 1400,
    upBytesPerBotPerSec: 480,
    errors: 0,
    disconnects: 0,
    reconnects: 0,
    loadgenCpuPercent: 15,
    loadgenEventLoopMaxMs: 3,
    machineBusyPercent: 40,
    server: [{ url: 'http://127.0.0.1:3000', tickMs: { p50: 0.5, p99: 2 }, cpuPercent: 10, rssMB: 100, eventLoopLagMaxMs: 11, gcMsPerSec: 5 }],
  };
}

const report: Report = {
  bots: 32,
  connected: 32,
  durationS: 10,
  matches: 2,
  crossNodeMatches: 0,
  snapshotRateHz: { p50: 20, min: 19.9 },
  downBytesPerBotPerSec: 1400,
  upBytesPerBotPerSec: 480,
  framesPerSnapshot: 1.05,
  rttMs: { p50: 1, p95: 2, p99: 3, max: 9 },
  snapshotGapMs: { p50: 50, p99: 55, max: 70 },
  inputToAckMs: { p50: 9, p99: 14 },
  errors: 1,
  disconnects: 0,
  reconnects: 0,
  server: [{ url: 'http://127.0.0.1:3000', nodeId: 'node-<1>', tickMs: { p50: 0.5, p99: 2 }, cpuPercent: 10, rssMB: 100 }],
  failover: { botsDropped: 0, botsBack: 0, botsLost: 0, botsPending: 0, botsSeatedIdle: 0, backInMatchMs: { p50: null, max: null }, gapDuringMoveMs: { p50: null, p99: null, max: null }, causes: { disconnected: 0, matchMoved: 0, refused: 0, relocated: 0 }, urlSwitches: 0 },
  schema: 'arena-loadtest/1',
  label: 'arena-16 <script>',
  startedAt: '2026-11-21T12:00:00.000Z',
  urls: ['http://127.0.0.1:3000'],
  options: { bots: 32, light: false, behaviour: 'play', wire: 'binary', mode: 'ffa', seed: 1 },
  rampUpS: 2,
  warmupS: 0,
  tickRateHz: 20,
  serverCpuMsPer1000BotSeconds: 3125,
  everConnected: 32,
  inMatch: 32,
  played: 32,
  inputs: 6400,
  inputsSkipped: 3,
  snapshots: 6400,
  inputToAckSamples: 6400,
  errorsByKind: { 'protocol:RATE_LIMITED': 1 },
  notes: [],
  loadgen: { pid: 1, node: 'v20', cores: 1, cpuPercent: 15, rssMB: 120, eventLoopDelayMs: { p99: 2, max: 5 } },
  machine: { cores: 2, busyPercent: 40, otherPercent: 5 },
  timeline: Array.from({ length: 12 }, (_, i) => point(i + 1)),
};

describe('HTML report', () => {
  it('is one self-contained page: inline charts, nothing loaded from anywhere', () => {
    const html = renderHtmlReport(report);
    expect(html).toMatch(/^<!doctype html>/);
    expect(html.match(/<svg /g)?.length).toBe(10);
    expect(html).not.toMatch(/<script|<link|<img|src=|@import|url\(http/i);
    expect(html).toContain('arena-16 &#60;script&#62;');
    expect(html).toContain('protocol:RATE_LIMITED');
  });

  it('shows a failover card when a node died: how many bots were back in a match, how fast, how many were lost', () => {
    expect(renderHtmlReport(report)).not.toContain('Failover');
    const html = renderHtmlReport({
      ...report,
      urls: ['http://127.0.0.1:3001', 'http://127.0.0.1:3002'],
      failover: { botsDropped: 16, botsBack: 15, botsLost: 1, botsPending: 0, botsSeatedIdle: 0, backInMatchMs: { p50: 2400, max: 12_800 }, gapDuringMoveMs: { p50: 2_450, p99: 5_900, max: 5_900 }, causes: { disconnected: 12, matchMoved: 4, refused: 0, relocated: 0 }, urlSwitches: 12 },
    });
    const card = /<div class="kpi (\w+)"><div class="kpi-label">Failover: back in a match<\/div><div class="kpi-value">15<small> \/ 16<\/small><\/div><div class="kpi-sub">([^<]*)<\/div>/.exec(html);
    expect(card?.[1]).toBe('bad'); // one bot never made it back
    expect(card?.[2]).toContain('p50 2400 ms · max 12,800 ms · 1 lost · 12 moved to another URL');
    const gap = /<div class="kpi (\w+)"><div class="kpi-label">Failover: snapshot gap during the move<\/div><div class="kpi-value">5900<small> ms max<\/small><\/div><div class="kpi-sub">([^<]*)<\/div>/.exec(html);
    expect(gap?.[1]).toBe('bad'); // a freeze players notice
    expect(gap?.[2]).toContain('p50 2450 ms · p99 5900 ms');
    // Moves no one noticed are good news; a report from before the gap existed has no gap card.
    const smooth = renderHtmlReport({ ...report, urls: ['a', 'b'], failover: { ...report.failover, botsDropped: 2, botsBack: 2, gapDuringMoveMs: { p50: 90, p99: 120, max: 120 } } });
    expect(smooth).toMatch(/<div class="kpi good"><div class="kpi-label">Failover: snapshot gap during the move<\/div><div class="kpi-value">120</);
    const { gapDuringMoveMs: _, ...older } = report.failover;
    expect(renderHtmlReport({ ...report, urls: ['a', 'b'], failover: { ...older, botsDropped: 2, botsBack: 2 } } as unknown as Report)).not.toContain('snapshot gap during the move');
    // A report from before the failover figures still renders.
    expect(renderHtmlReport({ ...report, failover: undefined } as unknown as Report)).toMatch(/^<!doctype html>/);
  });

  it('marks a run whose generator was the limit as not valid, with its reasons, above everything else', () => {
    expect(renderHtmlReport(report)).not.toContain('Not a valid run');
    const html = renderHtmlReport({ ...report, valid: false, invalidReasons: ['bots sent 12.1 inputs per bot-second, below 19.5 (20 Hz ticks)'] });
    expect(html).toContain('Not valid: generator-bound');
    expect(html).toMatch(/Not a valid run: the load generator was the limit<\/h3>.*<li>bots sent 12.1 inputs per bot-second, below 19.5 \(20 Hz ticks\)<\/li>/s);
    expect(html.indexOf('Not a valid run')).toBeLessThan(html.indexOf('class="kpis"'));
  });

  it('breaks a line where nothing was measured instead of drawing zero', () => {
    const svg = lineChart({ unit: 'ms', series: [{ name: 'p50', color: '#000', points: [[1, 5], [2, null], [3, 6], [4, 7]] }] });
    expect(svg.match(/<circle/g)?.length).toBe(1); // the lone point before the gap
    expect(svg.match(/class="line"/g)?.length).toBe(1);
  });
});
