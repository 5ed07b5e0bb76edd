/**
 * The Redis replay store against real servers, a standalone redis-server and a three-shard Redis
 * Cluster started for this file: the same contract the memory store passes. Each test gets its
 * own prefix, so nothing needs flushing, and on the cluster each replay's keys land on a shard
 * of their own (one hash tag per replay): a script that touched keys of two tags would fail there.
 */
import { randomUUID } from 'node:crypto';
import { Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, describe } from 'vitest';
import { RedisReplayStore } from '../../server/cluster/redis-replay-store.ts';
import { describeReplayStoreContract } from '../../server/replay/replay-store-contract.ts';
import { startRedis, startRedisCluster } from '../support/redis.ts';

function describeBackend(name: string, start: () => Promise<{ connect(): Redis | Cluster; stop(): Promise<void> }>) {
  describe(name, () => {
    let backend: { connect(): Redis | Cluster; stop(): Promise<void> } | undefined;
    beforeAll(async () => {
      backend = await start();
    });
    afterAll(async () => {
      await backend?.stop();
    });
    describeReplayStoreContract(name, async (retention) => {
      const redis = backend!.connect();
      return {
        store: new RedisReplayStore(redis, { ...retention, prefix: `t-${randomUUID().slice(0, 8)}` }),
        retention,
        cleanup: async () => void (await redis.quit()),
      };
    });
  });
}

describeBackend('redis', async () => {
  const server = await startRedis();
  return { connect: () => new Redis(server.port, server.host), stop: server.stop };
});

describeBackend('redis-cluster', async () => {
  const cluster = await startRedisCluster(3);
  return { connect: () => new Cluster(cluster.nodes), stop: cluster.stop };
});
