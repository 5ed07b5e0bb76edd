/**
 * Long-polling through the cluster front (scripts/front, what `npm run cluster` runs) with two
 * nodes on a real redis-server: two polling-only players from one address get sessions on
 * different nodes (the front routes polling by session id, learnt from each handshake answer),
 * and each plays a 20 Hz match with every request of its session reaching its node.
 *
 * What would fail: a front that spread polling requests without stickiness sends some of a
 * session's requests to the other node, which answers 400 "Session ID unknown" and the client
 * drops (reconnection is off here, so the snapshots would stop).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MatchPhase } from '../../shared/games/arena/snapshot.ts';
import { startFront, type Front } from '../../scripts/front/proxy.ts';
import { startCluster, type TestCluster } from '../support/cluster.ts';
import { pollingPlayer, type PollingPlayer } from '../support/polling-player.ts';
import { startRedis, type RedisServer } from '../support/redis.ts';
import { waitFor } from '../support/wait.ts';

describe('long-polling through the cluster front', () => {
  let redis: RedisServer;
  let cluster: TestCluster;
  let front: Front;
  const players: PollingPlayer[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    cluster = await startCluster({ REDIS_URL: redis.url }, 2, {
      TICK_RATE: '20',
      QUEUE_MIN_PLAYERS: '2',
      QUEUE_MAX_PLAYERS: '3',
      QUEUE_WAIT_MS: '300',
      BOT_FILL: 'on',
      COUNTDOWN_MS: '200',
    });
    front = await startFront({ nodes: cluster.nodes.map((n) => n.url), port: 0 });
    // A node answers /readyz 200 once its Redis connections are up and it is in the node registry.
    await waitFor(() => front.status().nodes.every((n) => n.ready), 'both nodes ready behind the front', 20_000);
  });
  afterAll(async () => {
    for (const p of players.splice(0)) p.close();
    await front?.close();
    await cluster?.stop();
    await redis?.stop();
  });

  it('keeps each polling session on its node while two polling-only players play a 20 Hz match', async () => {
    for (const name of ['ann', 'bob']) players.push(await pollingPlayer(front.url, name, { transports: ['polling'] }));
    // One session each, on different nodes.
    expect(front.status().nodes.map((n) => n.pollingSessions), JSON.stringify(front.status().nodes)).toEqual([1, 1]);
    await Promise.all(players.map((p) => p.play('ffa', 20_000)));
    for (const p of players) await waitFor(() => p.snapshots.at(-1)?.snapshot.phase === MatchPhase.Playing, 'play', 20_000);
    const from = players.map((p) => ({ tick: p.snapshots.at(-1)!.tick, acked: p.acked() }));
    for (const [i, p] of players.entries()) await waitFor(() => p.snapshots.at(-1)!.tick >= from[i]!.tick + 60, '3 s of play', 30_000);
    for (const [i, p] of players.entries()) {
      const ticks = new Set(p.snapshots.filter((s) => s.tick > from[i]!.tick).map((s) => s.tick));
      expect(ticks.size, `${i}: snapshots in 60 ticks`).toBeGreaterThanOrEqual(55);
      expect(p.acked(), `${i}: inputs acknowledged`).toBeGreaterThan(from[i]!.acked + 30);
      expect(p.notBytes).toBe(0);
      expect(p.client.manager.engine.transport.name).toBe('polling');
      expect(p.client.match.socket.connected).toBe(true);
    }
    // Every polling request went through the front, some hundreds of them.
    const requests = front.status().nodes.reduce((n, node) => n + node.httpRequests, 0);
    expect(requests).toBeGreaterThan(100);
  });
});
