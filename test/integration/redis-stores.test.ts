/**
 * The Redis lobby stores against real servers: a standalone redis-server and a three-shard Redis
 * Cluster started for this file. Both run the full store contract (the same suite the memory
 * stores pass), the node registry contract in real time, and what only Redis can get wrong:
 * two nodes (two connections, two stores objects) racing, and a directory subscriber whose
 * connection is killed under it. Each test gets its own key prefix, so no flush is needed and,
 * on the cluster, each test's stores land on different shards.
 *
 * The counterfactual for the reconnect test: without the probe-and-replay after a reconnect, the
 * burst written while the subscriber was cut off never reaches it (nothing written later reveals
 * the gap) and the test times out waiting for it. Checked by disabling the replay: the standalone
 * case failed every time; the cluster case in 6 runs of 8 (in the others its subscriber was back
 * before the burst was written, and the live path delivered it).
 */
import { randomUUID } from 'node:crypto';
import { Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MatchListing } from '../../shared/protocol/lobby-events.ts';
import { describeNodeRegistryContract } from '../../server/cluster/node-registry-contract.ts';
import { RedisNodeRegistry } from '../../server/cluster/node-registry.ts';
import { lobbyKeys } from '../../server/cluster/redis-keys.ts';
import { createRedisStores } from '../../server/cluster/redis-stores.ts';
import type { DirectoryChange, DirectoryEntry } from '../../server/lobby/stores/index.ts';
import { describePlayerStoreContract } from '../../server/lobby/stores/player-store-contract.ts';
import { describeStoreContract } from '../../server/lobby/stores/store-contract.ts';
import { startRedis, startRedisCluster, type RedisClusterProcesses, type RedisServer } from '../support/redis.ts';
import { sleep, waitFor } from '../support/wait.ts';

type Client = Redis | Cluster;

interface Backend {
  connect(): Client;
  /** Connections to every primary, for admin commands (CLIENT KILL). */
  primaries(): { host: string; port: number }[];
}

const prefix = () => `t-${randomUUID().slice(0, 8)}`;

/** Stores on a fresh connection; cleanup fails the test if the stores reported an error nobody awaited. */
function openStores(backend: Backend, opts: { prefix: string; changeLogLength?: number }) {
  const redis = backend.connect();
  const errors: Error[] = [];
  const stores = createRedisStores(redis, { ...opts, onError: (e) => errors.push(e) });
  return {
    redis,
    stores,
    errors,
    async close() {
      stores.close();
      await redis.quit();
      expect(errors.map((e) => e.message)).toEqual([]);
    },
  };
}

function describeBackend(name: string, start: () => Promise<{ backend: Backend; stop(): Promise<void> }>) {
  describe(name, () => {
    let backend: Backend;
    let stop: (() => Promise<void>) | undefined;
    beforeAll(async () => {
      ({ backend, stop } = await start());
    });
    afterAll(async () => {
      await stop?.();
    });

    describeStoreContract(name, async () => {
      const opened = openStores(backend, { prefix: prefix() });
      return { stores: opened.stores, cleanup: () => opened.close() };
    });

    describePlayerStoreContract(name, async () => {
      const opened = openStores(backend, { prefix: prefix() });
      return { stores: opened.stores, cleanup: () => opened.close() };
    });

    describeNodeRegistryContract(name, async () => {
      const redis = backend.connect();
      const leaseMs = 400;
      return {
        registry: new RedisNodeRegistry(redis, { leaseMs, prefix: prefix() }),
        leaseMs,
        advance: sleep,
        cleanup: async () => void (await redis.quit()),
      };
    });

    describe('two nodes on one Redis', () => {
      it('share one truth: seats, queue pops and codes race across connections, and both hear every change in order', async () => {
        const p = prefix();
        const a = openStores(backend, { prefix: p });
        const b = openStores(backend, { prefix: p });
        try {
          const seenA: DirectoryChange[] = [];
          const seenB: DirectoryChange[] = [];
          a.stores.directory.subscribe((c) => seenA.push(c));
          b.stores.directory.subscribe((c) => seenB.push(c));

          const players = Array.from({ length: 50 }, (_, i) => `p${i}`);
          const claims = await Promise.all(players.map((g, i) => (i % 2 ? a : b).stores.seats.claim('m', g, 10)));
          expect(claims.filter((c) => c.ok)).toHaveLength(10);
          expect(await b.stores.seats.count('m')).toBe(10);

          await Promise.all(players.map((g, i) => (i % 2 ? a : b).stores.queue.enqueue('ffa', { guestId: g, nickname: g, enqueuedAt: 0 })));
          const groups = await Promise.all(Array.from({ length: 14 }, (_, i) => (i % 2 ? a : b).stores.queue.popGroup('ffa', { min: 4, max: 4, waitMs: 0, now: 0 })));
          const popped = groups.flat().map((e) => e.guestId);
          expect(new Set(popped).size).toBe(popped.length);
          expect(popped).toHaveLength(48);

          const reserved = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).stores.codes.reserve('ZZZZZ', `m${i}`)));
          expect(reserved.filter(Boolean)).toHaveLength(1);

          const versions = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).stores.directory.put(entry(`m${i % 5}`, i))));
          const last = Math.max(...versions);
          await waitFor(() => seenA.at(-1)?.version === last && seenB.at(-1)?.version === last, 'the last change on both nodes');
          expect(seenA.map((c) => c.version)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
          expect(seenB).toEqual(seenA);
        } finally {
          await a.close();
          await b.close();
        }
      });
    });

    describe('directory subscriber', () => {
      it('survives its connection being killed: resubscribes and replays what it missed, in order', async () => {
        const node = openStores(backend, { prefix: prefix() });
        try {
          const seen: DirectoryChange[] = [];
          node.stores.directory.subscribe((c) => seen.push(c));
          await node.stores.directory.put(entry('m1', 0));
          await waitFor(() => seen.length === 1, 'the first change');

          for (let round = 0; round < 3; round++) {
            expect(await killSubscribers(backend)).toBeGreaterThanOrEqual(1);
            // Sent in one burst, so they are all written before the subscriber is back: only the
            // replay after it resubscribes can deliver them, as nothing follows to reveal the gap.
            const writes = [0, 1, 2, 3, 4].map((i) => node.stores.directory.put(entry(`m${i}`, round * 10 + i)));
            const v = (await Promise.all([...writes, node.stores.directory.remove('m4')])).at(-1);
            await waitFor(() => seen.at(-1)?.version === v, `the changes written while disconnected, round ${round + 1}`, 15_000);
          }
          expect(seen.map((c) => c.version)).toEqual(Array.from({ length: 19 }, (_, i) => i + 1));
          expect(seen.at(-1)).toEqual({ type: 'removed', version: 19, matchId: 'm4', visibility: 'public' });

          // And the live path works again afterwards.
          const v = await node.stores.directory.put(entry('after', 0));
          await waitFor(() => seen.at(-1)?.version === v, 'a change after the reconnects');
        } finally {
          await node.close();
        }
      });

      it('reports a gap the change log can no longer fill, and carries on in order', async () => {
        const p = prefix();
        const node = openStores(backend, { prefix: p });
        try {
          const seen: DirectoryChange[] = [];
          node.stores.directory.subscribe((c) => seen.push(c));
          await node.stores.directory.put(entry('m', 0));
          await waitFor(() => seen.length === 1, 'the first change');
          // As if changes 2..400 had been published while this subscriber was away and trimmed
          // from the log since: the next change it hears is 401, and the log starts there.
          await node.redis.incrby(lobbyKeys(p).dir.version, 399);
          const v = await node.stores.directory.put(entry('m', 1));
          expect(v).toBe(401);
          await waitFor(() => seen.length === 2, 'the change after the gap');
          expect(seen[1]).toMatchObject({ type: 'updated', version: 401 });
          expect(node.errors.map((e) => e.message)).toEqual([
            'directory changes 2 to 400 were trimmed from the change log before this node read them',
          ]);
          node.errors.length = 0;
          const next = await node.stores.directory.put(entry('m', 2));
          await waitFor(() => seen.length === 3, 'the next change');
          expect(seen[2]!.version).toBe(next);
        } finally {
          await node.close();
        }
      });
    });
  });
}

describeBackend('redis', async () => {
  const server: RedisServer = await startRedis();
  return {
    backend: { connect: () => new Redis(server.port, server.host), primaries: () => [{ host: server.host, port: server.port }] },
    stop: server.stop,
  };
});

describeBackend('redis-cluster', async () => {
  const cluster: RedisClusterProcesses = await startRedisCluster(3);
  return {
    backend: { connect: () => new Cluster(cluster.nodes), primaries: () => cluster.nodes },
    stop: cluster.stop,
  };
});

/** Closes every pub/sub connection on every primary, the way a network blip or a proxy restart would. */
async function killSubscribers(backend: Backend): Promise<number> {
  let killed = 0;
  for (const { host, port } of backend.primaries()) {
    const admin = new Redis(port, host);
    try {
      killed += Number(await admin.client('KILL', 'TYPE', 'PUBSUB'));
    } finally {
      admin.disconnect();
    }
  }
  return killed;
}

function entry(matchId: string, players: number): DirectoryEntry {
  const listing: MatchListing = {
    matchId,
    game: 'arena',
    mode: 'ffa',
    state: 'waiting',
    players,
    humans: players,
    bots: 0,
    spectators: 0,
    maxPlayers: 64,
    options: { killTarget: 20, timeLimitS: 300 },
    createdAt: 0,
  };
  return { listing, visibility: 'public', nodeId: 'n' };
}
