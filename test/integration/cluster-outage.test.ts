/**
 * A Redis outage: Redis (with its append-only file, as a production Redis keeps one) is stopped
 * for 5 s and started again. Meanwhile the nodes keep ticking their matches and sending to their
 * own sockets: a player of a match on node1 misses no snapshot. /readyz says not ready and a lobby
 * request answers CLUSTER_UNAVAILABLE instead of hanging. Afterwards the lobby works again by
 * itself: a new private match is made and joined from the other node.
 * Without local-only snapshot sends (the stream through the adapter), or with a tick that waits
 * on Redis, the snapshots would stop for the 5 s.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PlayerClient } from '../../shared/client/player-client.ts';
import type { SnapshotHeader } from '../../shared/game/game-definition.ts';
import { GAMES } from '../../shared/games/index.ts';
import { startCluster, type TestCluster } from '../support/cluster.ts';
import { freePort, restartableRedis } from '../support/redis.ts';
import { sleep, waitFor } from '../support/wait.ts';

describe('Redis outage', () => {
  let cluster: TestCluster;
  const redis = { r: null as Awaited<ReturnType<typeof restartableRedis>> | null };
  const clients: PlayerClient[] = [];

  beforeAll(async () => {
    redis.r = await restartableRedis(await freePort());
    await redis.r.start();
    cluster = await startCluster({ REDIS_URL: redis.r.url }, 2, { TICK_RATE: '20', COUNTDOWN_MS: '300' });
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await cluster?.stop();
    await redis.r?.remove();
  });

  it('keeps local matches ticking through a 5 s outage, says so, and resumes by itself', async () => {
    const [n1, n2] = cluster.nodes;
    const ticks: number[] = [];
    const connect = async (url: string, nickname: string, onSnapshot?: (s: SnapshotHeader) => void) => {
      const res = await PlayerClient.connect({ url, nickname, games: GAMES, autoRejoin: false, ...(onSnapshot && { match: { snapshot: onSnapshot } }) });
      if (!res.ok) throw new Error(`${nickname}: ${res.code}`);
      clients.push(res.value);
      return res.value;
    };
    // A match on node1 with both players on node1.
    const ada = await connect(n1!.url, 'ada', (s) => ticks.push(s.tick));
    const bo = await connect(n1!.url, 'bo');
    const created = await ada.lobby.createPrivate({ mode: 'duel' });
    if (!created.ok) throw new Error(`create: ${created.code}`);
    expect((await bo.enter({ kind: 'code', code: created.code! })).ok).toBe(true);
    expect((await ada.enter({ kind: 'rejoin' })).ok).toBe(true);
    await waitFor(() => ticks.length > 20, 'snapshots');

    await redis.r!.stop();
    const outageStart = ticks.length;
    await sleep(1000);
    const ready = await fetch(`${n1!.url}/readyz`);
    expect(ready.status).toBe(503);
    const refused = await bo.lobby.quickPlay('ffa');
    expect(refused).toMatchObject({ ok: false, code: 'CLUSTER_UNAVAILABLE' });
    await sleep(4000);
    const during = ticks.slice(outageStart);
    // 5 s at 20 Hz, every tick, in order: the match never noticed.
    expect(during.length).toBeGreaterThanOrEqual(90);
    expect(during.every((t, i) => i === 0 || t === during[i - 1]! + 1)).toBe(true);

    await redis.r!.start();
    for (const deadline = Date.now() + 10_000; (await fetch(`${n1!.url}/readyz`)).status !== 200; await sleep(100)) {
      if (Date.now() > deadline) throw new Error('node1 not ready again within 10 s');
    }
    // The lobby works again, across the nodes: a match made on node2, joined from node1.
    const cy = await connect(n2!.url, 'cy');
    const di = await connect(n1!.url, 'di');
    const again = await cy.lobby.createPrivate({ mode: 'duel' });
    expect(again.ok).toBe(true);
    if (!again.ok) return;
    expect(await di.enter({ kind: 'code', code: again.code! })).toMatchObject({ ok: true, matchId: again.matchId });
    // And the first match still runs, still on node1.
    const n = ticks.length;
    await waitFor(() => ticks.length > n + 10, 'snapshots after the outage');
    const health = (await (await fetch(`${n1!.url}/healthz`)).json()) as { cluster: { redis: string; matchesOwned: number } };
    expect(health.cluster.redis).toBe('ready');
    expect(health.cluster.matchesOwned).toBeGreaterThanOrEqual(1);
  });
});
