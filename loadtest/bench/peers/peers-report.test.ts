import { describe, expect, it } from 'vitest';
import { buildRows, formatTable, median, parsePeersArgs, ratios, shortfallOf, UsageError, type PeerRun } from './peers-report.ts';

describe('bench:peers options', () => {
  it('reads the documented command', () => {
    const o = parsePeersArgs(['--bots', '128', '--seconds', '20', '--rounds', '3', '--json', 'out/peers.json']);
    expect(o).toMatchObject({ bots: 128, seconds: 20, rounds: 3, json: 'out/peers.json', impls: ['ws', 'colyseus', 'parity', 'arena'], port: 0, warmupS: 10 });
  });

  it('takes a subset of the implementations, in the order given', () => {
    expect(parsePeersArgs(['--impls', 'parity,ws']).impls).toEqual(['parity', 'ws']);
  });

  it('names the option that is wrong', () => {
    expect(() => parsePeersArgs(['--bots', '100'])).toThrow(/multiple of 16/);
    expect(() => parsePeersArgs(['--bots', 'many'])).toThrow(/--bots many/);
    expect(() => parsePeersArgs(['--rounds', '0'])).toThrow(/--rounds 0/);
    expect(() => parsePeersArgs(['--impls', 'ws,uws'])).toThrow(/unknown "uws"/);
    expect(() => parsePeersArgs(['--impls', 'ws,ws'])).toThrow(/once/);
    expect(() => parsePeersArgs(['--port', '80'])).toThrow(/--port 80/);
    expect(() => parsePeersArgs(['--nope'])).toThrow(UsageError);
  });
});

const run = (impl: PeerRun['impl'], round: number, cpu: number | null, bytes = 1000, gap = 60): PeerRun =>
  cpu === null ? { impl, round, ok: false, error: 'bots did not connect' } : { impl, round, ok: true, cpuMsPer1000BotS: cpu, downBytesPerBotPerSec: bytes, gapP99Ms: gap };

describe('bench:peers rows and ratios', () => {
  const runs: PeerRun[] = [
    run('ws', 1, 500, 1000, 55),
    run('colyseus', 1, 1000, 4000, 70),
    run('parity', 1, 700, 1200, 60),
    run('ws', 2, 800, 1002, 65),
    run('colyseus', 2, 1000, 4010, 90),
    run('parity', 2, null),
    run('ws', 3, 600, 1004, 60),
    run('colyseus', 3, 1500, 4020, 80),
    run('parity', 3, 900, 1210, 62),
  ];

  it('gives one CPU figure per round, null where the round failed, and medians of bytes and gaps', () => {
    const rows = buildRows(runs, ['ws', 'colyseus', 'parity', 'arena'], 3);
    expect(rows).toEqual([
      { impl: 'ws', cpuMsPer1000BotS: [500, 800, 600], downBytesPerBotPerSec: 1002, gapP99Ms: 60 },
      { impl: 'colyseus', cpuMsPer1000BotS: [1000, 1000, 1500], downBytesPerBotPerSec: 4010, gapP99Ms: 80 },
      { impl: 'parity', cpuMsPer1000BotS: [700, null, 900], downBytesPerBotPerSec: 1205, gapP99Ms: 61 },
      { impl: 'arena', cpuMsPer1000BotS: [null, null, null], downBytesPerBotPerSec: null, gapP99Ms: null },
    ]);
    // The file's rows are plain JSON of exactly the documented keys.
    expect(Object.keys(JSON.parse(JSON.stringify(rows))[0]).sort()).toEqual(['cpuMsPer1000BotS', 'downBytesPerBotPerSec', 'gapP99Ms', 'impl']);
  });

  it('judges the targets on the median of the per-round ratios, not the ratio of medians', () => {
    const rs = ratios(buildRows(runs, ['ws', 'colyseus', 'parity'], 3));
    const pc = rs.find((r) => r.name === 'parity/colyseus')!;
    expect(pc.perRound).toEqual([0.7, null, 0.6]);
    expect(pc.median).toBe(0.65);
    expect(pc).toMatchObject({ target: 0.8, met: true });
    const pw = rs.find((r) => r.name === 'parity/ws')!;
    expect(pw.perRound).toEqual([1.4, null, 1.5]);
    expect(pw).toMatchObject({ median: 1.45, target: 1.3, met: false });
    // Median of the ratios (2, 1.25, 2.5) is 2; the ratio of the medians would be 1000/600 = 1.67.
    expect(rs.find((r) => r.name === 'colyseus/ws')).toMatchObject({ perRound: [2, 1.25, 2.5], median: 2, target: null, met: null });
    // No arena rows: its ratios are not reported.
    expect(rs.some((r) => r.name.includes('arena'))).toBe(false);
  });

  it('takes medians of even and odd counts', () => {
    expect(median([])).toBeNull();
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('prints every implementation and every ratio with its verdict', () => {
    const rows = buildRows(runs, ['ws', 'colyseus', 'parity'], 3);
    const text = formatTable(rows, ratios(rows)).join('\n');
    expect(text).toMatch(/parity\s+700 · - · 900\s+800\s+1205\s+61/);
    expect(text).toMatch(/parity\/ws .*median 1\.45 {2}\(target ≤ 1\.3: missed\)/);
  });

  it('says which windows fell short of the full load, and in how many rounds a ratio compares full loads', () => {
    expect(shortfallOf(20, 19.6)).toBeNull();
    expect(shortfallOf(20, null)).toBeNull();
    expect(shortfallOf(18.2, 11.5)).toBe('short of the full load: 18.2 states/bot-s, 11.5 inputs/bot-s (< 19)');
    const marked = runs.map((r) => (r.impl === 'ws' && r.round === 3 ? { ...r, shortfall: shortfallOf(20, 12) } : r));
    const rows = buildRows(marked, ['ws', 'colyseus', 'parity'], 3);
    const rs = ratios(rows, marked);
    expect(rs.find((r) => r.name === 'parity/ws')!.fullLoadRounds).toBe(1);
    expect(rs.find((r) => r.name === 'parity/colyseus')!.fullLoadRounds).toBe(2);
    expect(formatTable(rows, rs).join('\n')).toMatch(/parity\/ws .*\[1 of 2 rounds short of the full load\]/);
  });
});
