/**
 * A rolling deploy as an operator runs it: `npm run cluster -- --nodes 2`, load-test bots
 * playing through its front, then SIGHUP to the script. Every node is replaced by a new one
 * (`roll: done`), and the players notice nothing but a short freeze: no bot is lost, no request
 * fails, and no match is rewound (each match resumes on its new owner at the very tick its old
 * owner stopped, so no score or kill is lost).
 *
 * What fails without the hand-over: the drained node's players lose their connection when it
 * exits (counted `disconnected`, not `relocated`), and its matches are adopted from the last
 * once-a-second checkpoint, up to 20 ticks behind the tick the old owner stopped at.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { Report } from '../../loadtest/report.ts';
import { entryCommand } from '../support/built-entries.ts';
import { eventually, waitFor } from '../support/wait.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BOTS = 6;

interface LogLine {
  msg?: string;
  matchId?: string;
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

describe('rolling deploy: npm run cluster on SIGHUP', () => {
  const dir = mkdtempSync(join(tmpdir(), 'arena-roll-'));
  const started: ChildProcess[] = [];
  afterAll(() => {
    for (const c of started) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('replaces every node under load: no bot lost, no error, every match resumed at the tick it stopped at', async () => {
    const logDir = join(dir, 'logs');
    const cluster = spawn(process.execPath, ['--import', 'tsx', 'scripts/cluster.ts', '--nodes', '2', '--port', '0', '--log-dir', logDir], {
      cwd: ROOT,
      env: { ...process.env, LOG_LEVEL: 'info', TICK_RATE: '20', GUEST_PER_MINUTE: '100000', QUEUE_WAIT_MS: '1000', COUNTDOWN_MS: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    started.push(cluster);
    let out = '';
    cluster.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    cluster.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    const clusterExited = new Promise<number | null>((resolve) => cluster.once('exit', resolve));
    await waitFor(() => out.includes('stops everything') || cluster.exitCode !== null, 'the cluster to be ready', 40_000);
    const front = /cluster: {3}front +(http:\/\/[\d.:]+)/.exec(out)![1]!;
    const nodeUrls = [...out.matchAll(/cluster: {3}node\d+ +(http:\/\/[\d.:]+)/g)].map((m) => m[1]!);

    const reportPath = join(dir, 'report.json');
    const run = spawn(
      process.execPath,
      [...entryCommand('loadtest/cli.ts'), '--url', front, '--bots', String(BOTS), '--ramp-up', '1', '--warmup', '2', '--duration', '10', '--report', reportPath, '--quiet'],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    started.push(run);
    let runOut = '';
    run.stdout.on('data', (d: Buffer) => (runOut += d.toString()));
    run.stderr.on('data', (d: Buffer) => (runOut += d.toString()));
    const finished = new Promise<number | null>((resolve) => run.once('exit', resolve));

    // Every bot seated in a running match, then the roll.
    await eventually(
      async () => {
        const health = await Promise.all(nodeUrls.map(async (u) => (await (await fetch(`${u}/healthz`)).json()) as { players: number; cluster: { matchesOwned: number } }));
        return health.reduce((n, h) => n + h.cluster.matchesOwned, 0) > 0 && health.reduce((n, h) => n + h.players, 0) >= BOTS;
      },
      'the bots to play',
      15_000,
    );
    cluster.kill('SIGHUP');
    await waitFor(() => out.includes('roll: done') || /roll: (failed|stopped)/.test(out), '`roll: done`', 40_000);
    expect(out).toContain('roll: done (2 nodes replaced');

    expect(await finished, runOut).toBe(0);
    const r = JSON.parse(readFileSync(reportPath, 'utf8')) as Report;
    expect(r.errorsByKind, runOut).toEqual({});
    expect(r.failover.causes.relocated, runOut).toBeGreaterThan(0);
    expect(r.failover.causes.disconnected, runOut).toBe(0);
    expect(r.failover).toMatchObject({ botsLost: 0, botsPending: 0, botsSeatedIdle: 0 });
    expect(r.failover.botsBack).toBe(r.failover.botsDropped);
    expect(r.inMatch).toBe(BOTS);
    expect(r.failover.gapDuringMoveMs.max).not.toBeNull();

    cluster.kill('SIGTERM');
    expect(await clusterExited).toBe(0);

    // Each hand-over of the roll (the nodes it replaced; the final SIGTERM stops all nodes at
    // once, with nobody left to take over): the old owner stopped at tick T, the new one took
    // the match over at T.
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
    console.log(`${out.split('\n').filter((l) => l.includes('roll:')).join('\n')}\n${runOut}`);
  });
});
