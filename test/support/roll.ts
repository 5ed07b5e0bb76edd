/**
 * A rolling deploy as an operator runs it, for the roll tests: `npm run cluster -- --nodes 2`
 * (scripts/cluster.ts) with load-test bots playing through its front, and the checks every roll
 * must pass (nothing lost, each match resumed at the tick its old owner stopped at).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import type { Report } from '../../loadtest/report.ts';
import { entryCommand } from './built-entries.ts';
import { eventually, waitFor } from './wait.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface RollUnderLoad {
  cluster: ChildProcess;
  /** The cluster script's output so far. */
  out(): string;
  nodeUrls: string[];
  clusterExited: Promise<number | null>;
  /** The load test's output so far, its exit and its report's path. */
  runOut(): string;
  finished: Promise<number | null>;
  reportPath: string;
  logDir: string;
}

/**
 * Starts the cluster (`clusterArgs` added to its command line) and `bots` load-test bots through
 * its front for `durationS` seconds, and resolves once every bot is seated in a running match.
 * Processes go into `started` for the test's clean-up.
 */
export async function startRollUnderLoad(opts: { dir: string; bots: number; durationS: number; clusterArgs?: string[]; started: ChildProcess[] }): Promise<RollUnderLoad> {
  const logDir = join(opts.dir, 'logs');
  const cluster = spawn(process.execPath, ['--import', 'tsx', 'scripts/cluster.ts', '--nodes', '2', '--port', '0', '--log-dir', logDir, ...(opts.clusterArgs ?? [])], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'info', TICK_RATE: '20', GUEST_PER_MINUTE: '100000', QUEUE_WAIT_MS: '1000', COUNTDOWN_MS: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  opts.started.push(cluster);
  let out = '';
  cluster.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  cluster.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const clusterExited = new Promise<number | null>((resolve) => cluster.once('exit', resolve));
  await waitFor(() => out.includes('stops everything') || cluster.exitCode !== null, 'the cluster to be ready', 40_000);
  const front = /cluster: {3}front +(http:\/\/[\d.:]+)/.exec(out)![1]!;
  const nodeUrls = [...out.matchAll(/cluster: {3}node\d+ +(http:\/\/[\d.:]+)/g)].map((m) => m[1]!);

  const reportPath = join(opts.dir, 'report.json');
  const run = spawn(
    process.execPath,
    [...entryCommand('loadtest/cli.ts'), '--url', front, '--bots', String(opts.bots), '--ramp-up', '1', '--warmup', '2', '--duration', String(opts.durationS), '--report', reportPath, '--quiet'],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  opts.started.push(run);
  let runOut = '';
  run.stdout.on('data', (d: Buffer) => (runOut += d.toString()));
  run.stderr.on('data', (d: Buffer) => (runOut += d.toString()));
  const finished = new Promise<number | null>((resolve) => run.once('exit', resolve));

  // Every bot connected to its seat in a running match: the roll may begin. (Connected to a node
  // is not enough: a group still being placed needs Redis for its seats, and the outage test
  // stops Redis next.)
  await eventually(
    async () => {
      const health = await Promise.all(nodeUrls.map(async (u) => (await (await fetch(`${u}/healthz`)).json()) as { players: number; cluster: { matchesOwned: number } }));
      return health.reduce((n, h) => n + h.cluster.matchesOwned, 0) > 0 && playersConnected(logDir).size >= opts.bots;
    },
    'the bots to play',
    15_000,
  );
  return { cluster, out: () => out, nodeUrls, clusterExited, runOut: () => runOut, finished, reportPath, logDir };
}

/** Waits for the script's `roll: done` line (or its failure). */
export async function rollDone(roll: RollUnderLoad): Promise<void> {
  await waitFor(() => roll.out().includes('roll: done') || /roll: (failed|stopped)/.test(roll.out()), '`roll: done`', 40_000);
  expect(roll.out()).toContain('roll: done (2 nodes replaced');
}

/** The bots' side of a roll: moved with their connection, none lost, every one back in a match. */
export function expectNoBotLost(r: Report, bots: number, runOut: string): void {
  expect(r.failover.causes.relocated, runOut).toBeGreaterThan(0);
  expect(r.failover.causes.disconnected, runOut).toBe(0);
  expect(r.failover).toMatchObject({ botsLost: 0, botsPending: 0, botsSeatedIdle: 0 });
  expect(r.failover.botsBack).toBe(r.failover.botsDropped);
  expect(r.inMatch).toBe(bots);
  expect(r.failover.gapDuringMoveMs.max).not.toBeNull();
}

interface LogLine {
  msg?: string;
  matchId?: string;
  guestId?: string;
  tick?: number;
}

/** The JSON log lines of every node the script started, by node name. */
function nodeLogs(dir: string): Map<string, LogLine[]> {
  const out = new Map<string, LogLine[]>();
  for (const file of readdirSync(dir).filter((f) => f.startsWith('node') && f.endsWith('.log'))) {
    const lines: LogLine[] = [];
    for (const line of readFileSync(join(dir, file), 'utf8').split('\n')) {
      if (!line.startsWith('{')) continue;
      try {
        lines.push(JSON.parse(line) as LogLine);
      } catch {
        // a line cut short by the process exiting
      }
    }
    out.set(file.replace(/\.log$/, ''), lines);
  }
  return out;
}

/** The guests that took their seat in a match on any node so far. */
function playersConnected(dir: string): Set<string> {
  const guests = new Set<string>();
  for (const lines of nodeLogs(dir).values()) for (const l of lines) if (l.msg === 'player connected' && l.guestId !== undefined) guests.add(l.guestId);
  return guests;
}

/**
 * Each hand-over of the roll (the nodes it replaced; the final SIGTERM stops all nodes at once,
 * with nobody left to take over): the old owner stopped at tick T, the new one took the match
 * over at T, so no score or kill is lost.
 */
export function expectHandOversAtTheirTick(logDir: string): void {
  const logs = nodeLogs(logDir);
  const rolled = ['node1', 'node2'].flatMap((name) => logs.get(name) ?? []);
  const handed = rolled.filter((l) => l.msg === 'match handed over');
  const adopted = [...logs.values()].flat().filter((l) => l.msg === 'took over a match handed over by a draining node');
  expect(handed.length).toBeGreaterThan(0);
  expect(rolled.filter((l) => l.msg === 'match left for adoption')).toEqual([]);
  for (const h of handed) {
    const taken = adopted.filter((a) => a.matchId === h.matchId && a.tick === h.tick);
    expect(taken, `match ${h.matchId} handed over at tick ${h.tick}`).toHaveLength(1);
  }
}

/**
 * The end of a roll under load, judged the same in every roll test: the load test exits 0 with no
 * error of any kind and no bot lost, the cluster stops cleanly on SIGTERM, and every match was
 * handed over at the tick it stopped at.
 */
export async function expectCleanRoll(roll: RollUnderLoad, bots: number): Promise<void> {
  expect(await roll.finished, roll.runOut()).toBe(0);
  const r = JSON.parse(readFileSync(roll.reportPath, 'utf8')) as Report;
  expect(r.errorsByKind, roll.runOut()).toEqual({});
  expectNoBotLost(r, bots, roll.runOut());
  roll.cluster.kill('SIGTERM');
  expect(await roll.clusterExited).toBe(0);
  expectHandOversAtTheirTick(roll.logDir);
}
