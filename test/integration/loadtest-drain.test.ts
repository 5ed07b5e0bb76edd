/**
 * `npm run loadtest` through the cluster front (what `npm run cluster` runs: three nodes, one
 * redis-server) while the node owning the most matches drains (SIGTERM): it hands its matches
 * over, its bots are told MATCH_MOVED and lose their connection, and come back through the front
 * on the other nodes, where the matches now run. Every bot must end the run in a match, with no
 * join refused ALREADY_IN_MATCH and none seated on the server while idle on its side.
 *
 * What fails without one entry at a time (bot) and the idempotent join (server): a bot whose
 * MATCH_MOVED retry and reconnect both join gets the second refused, sits out of play until its
 * match ends while the server holds its seat, and is counted in `botsSeatedIdle`.
 *
 * The run ends (SIGUSR2: the load test's early end) 5 s after the drained node exited: its bots
 * are back within a second (BENCHMARKS.md, "Load test across a SIGTERM drain": max 863 ms), and a
 * bot still out at the end is counted lost or pending, which fails the test as it would later.
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
import { startFront, type Front } from '../../scripts/front/proxy.ts';
import { startCluster, type TestCluster } from '../support/cluster.ts';
import { startRedis, type RedisServer } from '../support/redis.ts';
import { waitFor } from '../support/wait.ts';
import { entryCommand } from '../support/built-entries.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BOTS = 32;

async function matchesOwned(url: string): Promise<number> {
  const health = (await (await fetch(`${url}/healthz`)).json()) as { cluster: { matchesOwned: number } };
  return health.cluster.matchesOwned;
}

describe('load test across a SIGTERM drain, through the front', () => {
  let redis: RedisServer;
  let cluster: TestCluster;
  let front: Front;
  const dir = mkdtempSync(join(tmpdir(), 'arena-loadtest-drain-'));

  beforeAll(async () => {
    redis = await startRedis();
    cluster = await startCluster({ REDIS_URL: redis.url }, 3, {
      TICK_RATE: '20',
      GUEST_PER_MINUTE: '100000',
      QUEUE_WAIT_MS: '1000',
      COUNTDOWN_MS: '0',
      TRUST_PROXY: 'loopback',
    });
    front = await startFront({ nodes: cluster.nodes.map((n) => n.url), port: 0 });
    await waitFor(() => front.status().nodes.every((n) => n.ready), 'every node ready behind the front', 20_000);
  });
  afterAll(async () => {
    await front?.close();
    await cluster?.stop();
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it(`ends with all ${BOTS} bots in a match and no join refused ALREADY_IN_MATCH`, async () => {
    const reportPath = join(dir, 'report.json');
    const run = spawn(
      process.execPath,
      [...entryCommand('loadtest/cli.ts'), '--url', front.url, '--bots', String(BOTS), '--ramp-up', '2', '--warmup', '3', '--duration', '30', '--report', reportPath, '--quiet'],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    run.stdout.on('data', (d: Buffer) => (out += d.toString()));
    run.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const finished = new Promise<number | null>((resolve) => run.once('exit', resolve));

    const spawnedAt = Date.now();
    // Once every bot plays (the cluster's public list, through the front) and the measured window
    // has begun (ramp-up and warm-up: 5 s), the busiest owner drains.
    const observer = await PlayerClient.connect({ url: front.url, nickname: 'observer', games: GAMES, connection: { reconnection: false } });
    if (!observer.ok) throw new Error(`observer: ${observer.code}`);
    await observer.value.lobby.subscribeList();
    const playing = (): number => [...observer.value.lobby.matches.values()].filter((m) => m.state === 'playing').reduce((n, m) => n + m.humans, 0);
    await waitFor(() => playing() === BOTS && Date.now() - spawnedAt > 6_000, `all ${BOTS} bots playing`, 30_000);
    observer.value.close();
    const owned = await Promise.all(cluster.nodes.map((n) => matchesOwned(n.url)));
    const drained = owned.indexOf(Math.max(...owned));
    expect(owned[drained]).toBeGreaterThan(0);
    const exited = new Promise<number | null>((resolve) => cluster.nodes[drained]!.child.once('exit', resolve));
    cluster.nodes[drained]!.child.kill('SIGTERM');
    expect(await exited).toBe(0);
    await new Promise((r) => setTimeout(r, 5_000));
    run.kill('SIGUSR2');

    expect(await finished, out).toBe(0);
    const r = JSON.parse(readFileSync(reportPath, 'utf8')) as Report;
    console.log(`drained node${drained + 1} (owned ${owned.join('/')} matches)\n${out}`);
    expect(r.errorsByKind['join:ALREADY_IN_MATCH'] ?? 0, out).toBe(0);
    expect(r.failover.botsDropped).toBeGreaterThan(0);
    expect(r.failover.botsBack).toBe(r.failover.botsDropped);
    expect(r.failover).toMatchObject({ botsLost: 0, botsPending: 0, botsSeatedIdle: 0 });
    expect(r.inMatch).toBe(BOTS);
    expect(r.connected).toBe(BOTS);
    // The matches now run on the two nodes left.
    const left = await Promise.all(cluster.nodes.filter((_, i) => i !== drained).map((n) => matchesOwned(n.url)));
    expect(left.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(owned[drained]!);
  });
});
