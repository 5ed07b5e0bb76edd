/**
 * `npm run loadtest` end to end against a real server process: a short run where every bot
 * connects, queues, plays and measures, with a report whose figures are in sane ranges (not
 * performance targets: those are benchmarks, BENCHMARKS.md), and a clear failure when the
 * server is not there.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../loadtest/report.ts';
import { entryCommand } from '../support/built-entries.ts';
import { startServer, type ServerProcess } from '../support/server-process.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TICK_RATE = 20;

/** `npm run loadtest -- …args`; `endAfterMs`: SIGUSR2 (end the window early) that long after the start. */
function loadtest(args: string[], endAfterMs?: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...entryCommand('loadtest/cli.ts'), ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const end = endAfterMs === undefined ? null : setTimeout(() => child.kill('SIGUSR2'), endAfterMs);
    child.once('exit', () => end && clearTimeout(end));
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as { port: number };
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

describe('npm run loadtest', () => {
  let server: ServerProcess;
  const dir = mkdtempSync(join(tmpdir(), 'arena-loadtest-'));

  beforeAll(async () => {
    server = await startServer({
      TICK_RATE: String(TICK_RATE),
      MAX_PLAYERS_PER_MATCH: '16',
      GUEST_PER_MINUTE: '100000',
      COUNTDOWN_MS: '0',
      MATCH_SEED: '1',
    });
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs 32 bots that all connect and play, and reports figures in sane ranges', async () => {
    const reportPath = join(dir, 'report.json');
    const htmlPath = join(dir, 'report.html');
    const run = await loadtest(['--url', server.url, '--bots', '32', '--duration', '8', '--ramp-up', '2', '--report', reportPath, '--html', htmlPath, '--seed', '7']);
    expect(run.stderr).not.toMatch(/unexpected failure/);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/bots 32, connected 32/);

    const r = JSON.parse(readFileSync(reportPath, 'utf8')) as Report;
    expect(r.bots).toBe(32);
    expect(r.connected).toBe(32);
    expect(r.everConnected).toBe(32);
    expect(r.inMatch).toBe(32);
    // Played: each bot had inputs applied by the server and acknowledged in its snapshots.
    expect(r.played).toBe(32);
    expect(r.durationS).toBeGreaterThan(7);
    expect(r.durationS).toBeLessThan(10);
    expect(r.matches).toBeGreaterThanOrEqual(2);
    expect(r.crossNodeMatches).toBe(0);
    expect(r.tickRateHz).toBe(TICK_RATE);

    expect(r.snapshotRateHz.p50).toBeGreaterThan(TICK_RATE * 0.8);
    expect(r.snapshotRateHz.p50).toBeLessThan(TICK_RATE * 1.1);
    expect(r.snapshotRateHz.min).toBeGreaterThan(TICK_RATE * 0.5);
    expect(r.snapshotGapMs.p50).toBeGreaterThan(30);
    expect(r.snapshotGapMs.p50).toBeLessThan(80);
    expect(r.snapshotGapMs.max).toBeGreaterThanOrEqual(r.snapshotGapMs.p99!);
    // One WebSocket frame per snapshot, plus a few others (clock acks, pings, roster).
    expect(r.framesPerSnapshot).toBeGreaterThanOrEqual(1);
    expect(r.framesPerSnapshot).toBeLessThan(1.5);
    expect(r.downBytesPerBotPerSec).toBeGreaterThan(200);
    expect(r.downBytesPerBotPerSec).toBeLessThan(20_000);
    expect(r.upBytesPerBotPerSec).toBeGreaterThan(100);
    expect(r.upBytesPerBotPerSec).toBeLessThan(5_000);
    expect(r.rttMs.p50).toBeGreaterThan(0);
    expect(r.rttMs.p99).toBeLessThan(1000);
    expect(r.rttMs.max).toBeGreaterThanOrEqual(r.rttMs.p99!);
    expect(r.inputToAckMs.p50).toBeGreaterThan(0);
    expect(r.inputToAckMs.p99).toBeLessThan(1000);
    expect(r.inputToAckSamples).toBeGreaterThan(32 * 8 * TICK_RATE * 0.5);
    expect(r.errors).toBe(0);
    expect(r.disconnects).toBe(0);

    expect(r.server).toHaveLength(1);
    const node = r.server[0]!;
    expect(node.url).toBe(server.url);
    expect(typeof node.nodeId).toBe('string');
    expect(node.tickMs.p50).toBeGreaterThan(0);
    expect(node.tickMs.p99).toBeGreaterThanOrEqual(node.tickMs.p50!);
    expect(node.cpuPercent).toBeGreaterThan(0);
    expect(node.cpuPercent).toBeLessThan(200);
    expect(node.rssMB).toBeGreaterThan(10);

    expect(r.timeline.length).toBeGreaterThanOrEqual(9);
    const html = readFileSync(htmlPath, 'utf8');
    expect(html).toContain('<svg');
    expect(html).toContain('32 bots');
  });

  // raw: each bot speaks WebSocket and engine.io itself on a plain socket (loadtest/raw/); sdk:
  // socket.io-client bots that read snapshots off ws's TCP socket and write inputs on it. The two
  // light runs and the Cycles run below go side by side (44 bots, 32 of them light, against the
  // first test's 32 full ones, which run alone): what they judge is every bot played, without
  // errors, at a snapshot rate within 20 % of the tick rate.
  it.concurrent.for(['raw', 'sdk'])('drives light bots (--light --light-wire %s: snapshots counted, inputs written on the raw WebSocket) that play as honestly as full ones', async (wire, { expect }) => {
    const reportPath = join(dir, `light-${wire}.json`);
    // --sample-every 64: every one of the 16 bots but bot 0 is light.
    const run = await loadtest(['--url', server.url, '--bots', '16', '--light', '--light-wire', wire, '--sample-every', '64', '--duration', '4', '--ramp-up', '1', '--report', reportPath, '--seed', '5']);
    expect(run.code, run.stderr).toBe(0);
    const r = JSON.parse(readFileSync(reportPath, 'utf8')) as Report;
    // A light bot counts as played only when a keyframe shows the server applied one of its
    // own inputs: inputs it wrote past socket.io-client were decoded and accepted in sequence.
    expect(r.played).toBe(16);
    expect(r.errors).toBe(0);
    expect(r.disconnects).toBe(0);
    // Snapshots it never hands to socket.io-client still count, one per tick.
    expect(r.snapshotRateHz.p50).toBeGreaterThan(TICK_RATE * 0.8);
    expect(r.snapshotRateHz.p50).toBeLessThan(TICK_RATE * 1.1);
    expect(r.upBytesPerBotPerSec).toBeGreaterThan(100);
    // Frames read off the TCP socket are counted too: about one per snapshot.
    expect(r.framesPerSnapshot).toBeGreaterThan(0.9);
    // The generator's own figures: its cost per bot-second, and the verdict on it.
    expect(r.loadgen.usPerBotSecond).toBeGreaterThan(0);
    expect(typeof r.valid).toBe('boolean');
    if (wire === 'raw') expect(r.inputsPerBotSecond).toBeGreaterThan(TICK_RATE * 0.8);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).not.toMatch(/game_protocol_errors_total\{[^}]*\} [1-9]/);
    expect(metrics).not.toMatch(/game_inputs_dropped_total\{reason="replayed"\} [1-9]/);
  });

  it.concurrent('plays the second game with --mode cycles: every bot rides, acknowledged, without errors; SIGUSR2 ends the window early', async ({ expect }) => {
    const reportPath = join(dir, 'cycles.json');
    // A minute asked for, the window ended by SIGUSR2 about 3 s in (the process starts in ~1 s,
    // then 1 s of ramp-up): the report covers what was measured.
    const run = await loadtest(['--url', server.url, '--mode', 'cycles', '--bots', '12', '--duration', '60', '--ramp-up', '1', '--report', reportPath, '--seed', '3'], 5_000);
    expect(run.code, run.stderr).toBe(0);
    const r = JSON.parse(readFileSync(reportPath, 'utf8')) as Report;
    expect(r.durationS).toBeGreaterThanOrEqual(1);
    expect(r.durationS).toBeLessThan(10);
    // Two full 6-player matches (the queue forms a group at the mode's maximum at once).
    expect(r.played).toBe(12);
    expect(r.inMatch).toBe(12);
    expect(r.errors).toBe(0);
    expect(r.snapshotRateHz.p50).toBeGreaterThan(TICK_RATE * 0.8);
    expect(r.inputToAckSamples).toBeGreaterThan(12 * (r.rampUpS + r.durationS) * TICK_RATE * 0.5);
    // Cycles sends less than Arena: a cycle going straight costs about ten bits a delta.
    expect(r.downBytesPerBotPerSec).toBeLessThan(2_000);
  });

  // The three refusals start a load-test process each and no bot: side by side.
  it.concurrent('refuses a mode no game offers, naming the ones it has', async ({ expect }) => {
    const run = await loadtest(['--url', server.url, '--mode', 'tetris', '--bots', '2', '--duration', '1', '--report', join(dir, 'bad-mode.json')]);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/no quick-play mode "tetris".*cycles \(cycles\)/);
  });

  it.concurrent('says the server is unreachable and exits non-zero', async ({ expect }) => {
    const port = await closedPort();
    const run = await loadtest(['--url', `http://127.0.0.1:${port}`, '--bots', '2', '--duration', '1', '--report', join(dir, 'none.json')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(new RegExp(`cannot reach http://127\\.0\\.0\\.1:${port}: .*ECONNREFUSED`));
  });

  it.concurrent('refuses bad options with usage and exit status 2', async ({ expect }) => {
    const run = await loadtest(['--bots', '2']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--url is required/);
  });
});
