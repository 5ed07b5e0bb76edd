/**
 * The SDK moving its connection off a node that shuts down (NODE_LEAVING), the way a page does
 * during a rolling deploy: a second connection through the front takes the seat over before
 * the first one closes, so the page never sees its connection drop, and never hears
 * SESSION_REPLACED (its own new connection replaced the old one).
 *
 * What fails without it: the player's only connection is on the draining node; when the node
 * exits the page gets `disconnect` and a reconnect (socket.io's backoff, then a rejoin).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFront, type Front } from '../../scripts/front/proxy.ts';
import { createManager, LobbyClient } from '../../shared/client/lobby-client.ts';
import { MatchConnection } from '../../shared/client/match-connection.ts';
import type { AckResult } from '../../shared/protocol/errors.ts';
import type { MatchInfo } from '../../shared/protocol/events.ts';
import { startCluster, type TestCluster } from '../support/cluster.ts';
import { GAMES, guest } from '../support/lobby.ts';
import { startRedis, type RedisServer } from '../support/redis.ts';
import { waitFor } from '../support/wait.ts';

describe('the SDK moves its connection off a node that shuts down', () => {
  let redis: RedisServer;
  let cluster: TestCluster;
  let front: Front;
  const closers: (() => void)[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    // A drain that waits for its players to move (the tests' default is 0: no wait).
    cluster = await startCluster({ REDIS_URL: redis.url }, 2, { TICK_RATE: '20', COUNTDOWN_MS: '0', DRAIN_TIMEOUT_MS: '5000' });
    front = await startFront({ nodes: cluster.nodes.map((n) => n.url), port: 0, healthIntervalMs: 100 });
    await waitFor(() => front.status().nodes.every((n) => n.ready), 'both nodes ready behind the front', 20_000);
  });
  afterAll(async () => {
    for (const close of closers.splice(0)) close();
    await front?.close();
    await cluster?.stop();
    await redis?.stop();
  });

  it('a new connection takes the seat over before the old one closes: no disconnect, no error shown', async () => {
    const session = await guest(front.url, 'mover');
    const manager = createManager(front.url, { transports: ['websocket'] });
    const lobby = new LobbyClient(front.url, {}, { token: session.token, manager });
    expect((await lobby.ready()).ok).toBe(true);
    const created = await lobby.createPrivate({ maxPlayers: 2 });
    if (!created.ok) throw new Error(created.code);
    const errors: string[] = [];
    const disconnects: string[] = [];
    const rejoins: AckResult<MatchInfo>[] = [];
    let snapshots = 0;
    const conn = new MatchConnection(
      front.url,
      {
        protocolError: (e) => errors.push(e.code),
        disconnect: (reason) => disconnects.push(reason),
        rejoined: (r) => rejoins.push(r),
        snapshot: () => void snapshots++,
      },
      { token: session.token, manager, autoRejoin: true, games: GAMES },
    );
    closers.push(() => {
      conn.close();
      lobby.close();
      manager.engine?.close();
    });
    expect(await conn.join(created.matchId)).toMatchObject({ ok: true, slot: 0 });
    expect(await conn.start()).toEqual({ ok: true });
    await waitFor(() => snapshots > 5, 'snapshots');
    const firstSocket = conn.socket;

    const owned = await Promise.all(cluster.nodes.map(async (n) => ((await (await fetch(`${n.url}/healthz`)).json()) as { cluster: { matchesOwned: number } }).cluster.matchesOwned));
    const owner = owned.indexOf(1);
    // As a roll does: the front sends no new session to the node, then it gets SIGTERM.
    front.pool.drain(cluster.nodes[owner]!.url);
    const exited = new Promise<number | null>((resolve) => cluster.nodes[owner]!.child.once('exit', (code) => resolve(code)));
    cluster.nodes[owner]!.child.kill('SIGTERM');

    await waitFor(() => conn.socket !== firstSocket || undefined, 'the new connection', 10_000);
    expect(await exited).toBe(0);
    const before = snapshots;
    await waitFor(() => snapshots > before + 20, 'snapshots on the new connection, from the new owner');
    expect(conn.socket.connected).toBe(true);
    expect(firstSocket.connected).toBe(false);
    expect(disconnects).toEqual([]);
    // NODE_LEAVING and SESSION_REPLACED stay inside the SDK; the match's move (MATCH_MOVED) is followed.
    expect(errors.filter((e) => e !== 'MATCH_MOVED')).toEqual([]);
    expect(rejoins.every((r) => r.ok)).toBe(true);
    const health = (await (await fetch(`${cluster.nodes[1 - owner]!.url}/healthz`)).json()) as { cluster: { matchesOwned: number } };
    expect(health.cluster.matchesOwned).toBe(1);
  });
});
