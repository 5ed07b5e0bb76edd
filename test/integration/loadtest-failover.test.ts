/**
 * `npm run loadtest -- --url a,b` while node a dies (kill -9): its bots give up on it after
 * about two seconds of connect errors, open a client on node b with the same guest token, find
 * their seat (the cluster kept it) and play again, and the report's `failover` says so. Without
 * the move to the next URL the four bots of node a keep retrying a dead address for the rest of
 * the run: all four would be `botsLost`.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../loadtest/report.ts';
import { PlayerClient } from '../../shared/client/player-client.ts';
import { GAMES } from '../../shared/games/index.ts';
import { startRedis, type RedisServer } from '../support/redis.ts';
import { startServer, type ServerProcess } from '../support/server-process.ts';
import { waitFor } from '../support/wait.ts';
import { entryCommand } from '../support/built-entries.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SECRET = 'loadtest-failover-secret-0123456789abcdef';

describe('load test across a node failure', () => {
  let redis: RedisServer;
  const nodes: ServerProcess[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'arena-loadtest-failover-'));

  beforeAll(async () => {
    redis = await startRedis();
    for (const id of ['node1', 'node2']) {
      nodes.push(
        await startServer({
          NODE_ID: id,
          REDIS_URL: redis.url,
          AUTH_SECRET: SECRET,
          TICK_RATE: '20',
          GUEST_PER_MINUTE: '100000',
          QUEUE_WAIT_MS: '1000',
          COUNTDOWN_MS: '0',
        }),
      );
    }
  });
  afterAll(async () => {
    await Promise.all(nodes.map((n) => n.stop()));
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('counts the bots of the dead node as dropped, moved to the other URL, and back in a match', async () => {
    const reportPath = join(dir, 'report.json');
    const run = spawn(
      process.execPath,
      [...entryCommand('loadtest/cli.ts'), '--url', nodes.map((n) => n.url).join(','), '--bots', '8', '--ramp-up', '1', '--warmup', '2', '--duration', '30', '--report', reportPath, '--quiet'],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    run.stdout.on('data', (d: Buffer) => (out += d.toString()));
    run.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => run.once('exit', resolve));
    const spawnedAt = Date.now();
    // Once every bot plays (the cluster's public list, read on node2), and the measured window
    // has begun (ramp-up and warm-up: 3 s), node1 dies with no warning.
    const observer = await PlayerClient.connect({ url: nodes[1]!.url, nickname: 'observer', games: GAMES, connection: { reconnection: false } });
    if (!observer.ok) throw new Error(`observer: ${observer.code}`);
    await observer.value.lobby.subscribeList();
    const playing = (): number => [...observer.value.lobby.matches.values()].filter((m) => m.state === 'playing').reduce((n, m) => n + m.humans, 0);
    await waitFor(() => playing() === 8 && Date.now() - spawnedAt > 4_000, 'all 8 bots playing', 30_000);
    observer.value.close();
    nodes[0]!.child.kill('SIGKILL');
    // The run ends 5 s later (SIGUSR2: the load test's early end): the bots are back within a
    // second (BENCHMARKS.md, "Crash failover under 1.5 s"), and one still out then is counted
    // pending or lost, which fails the test as it would at a later end.
    await new Promise((r) => setTimeout(r, 5_000));
    run.kill('SIGUSR2');
    const code = await exited;
    expect(code, out).toBe(0);
    // The figures a reader of BENCHMARKS.md wants from this run.
    console.log(out.split('\n').filter((l) => /^failover|error /.test(l.trim())).join('\n'));
    // node1's 4 bots lose their connection; if the match ran on node1, node2's 4 are moved too
    // (MATCH_MOVED when node2 adopts it), and they join again on their own node.
    expect(out).toMatch(/failover: (4|8) bots put out of their match \(4 disconnected/);

    const r = JSON.parse(readFileSync(reportPath, 'utf8')) as Report;
    // Bots 0, 2, 4, 6 started on node1 (--url round-robin).
    expect(r.failover.causes.disconnected).toBe(4);
    expect([0, 4]).toContain(r.failover.causes.matchMoved);
    expect(r.failover.botsDropped).toBe(4 + r.failover.causes.matchMoved);
    expect(r.failover.urlSwitches).toBe(4);
    expect(r.failover.botsBack).toBe(r.failover.botsDropped);
    expect(r.failover.botsLost).toBe(0);
    expect(r.failover.botsPending).toBe(0);
    expect(r.failover.backInMatchMs.max).toBeLessThan(10_000);
    expect(r.failover.backInMatchMs.p50).toBeGreaterThan(0);
    // Every moved bot played again, so each saw its freeze end; a freeze starts before its drop
    // is noticed and ends after the join, so it is never shorter than the time to be back.
    expect(r.failover.gapDuringMoveMs.max).toBeGreaterThanOrEqual(r.failover.backInMatchMs.max!);
    expect(r.inMatch).toBe(8);
    expect(r.connected).toBe(8);
  });
});
