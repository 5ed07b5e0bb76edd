/**
 * The node's Redis connections, from the configuration: one Redis (REDIS_URL) or a Redis Cluster
 * (REDIS_CLUSTER_NODES). Commands, the adapter's publisher and subscriber, and the node bus each
 * get their own connection: a connection in subscriber mode cannot send commands, and the
 * publishers of per-tick traffic must fail fast instead of queueing while Redis is away.
 */
import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import type { Config } from '../config.ts';
import type { RedisClient } from './redis-script.ts';

export interface RedisConnections {
  /** Lobby stores, leases, checkpoints, the node registry (queued while reconnecting). */
  commands: RedisClient;
  /** Per-tick publishes (snapshot streams, relayed inputs): refused at once while Redis is away. */
  publisher: RedisClient;
  /**
   * The adapter's publisher (room events, chat, lobby notices), refused at once while Redis is
   * away too; `onPublish` counts its bytes.
   */
  adapterPublisher(onPublish: (bytes: number) => void): RedisClient;
  /** A fresh subscriber connection (sharded on a Cluster). */
  subscriber(): RedisClient;
  /**
   * The adapter's subscriber. The sharded adapter (un)subscribes a room's channel as sockets
   * come and go and never looks at the answer, so a refused SSUBSCRIBE would be an unhandled
   * rejection, which ends the process: a Redis outage while players connect (or while a node
   * starts) killed the node. Here they wait through an outage and go out, in order, when Redis is
   * back; only at close do they fail, quietly.
   */
  adapterSubscriber(): RedisClient;
  sharded: boolean;
  /** True while the command connection is usable. */
  ready(): boolean;
  close(): Promise<void>;
}

export function connectRedis(target: NonNullable<Config['redis']>, name: string): RedisConnections {
  const base: RedisOptions = {
    connectionName: name,
    // Reconnect for ever, quickly at first: a node outlives a Redis restart.
    retryStrategy: (times) => Math.min(50 * times, 1000),
    // A command waits through a short blip, then fails with a clear error instead of hanging.
    maxRetriesPerRequest: 2,
  };
  const opened: RedisClient[] = [];
  const make = (extra: RedisOptions, clusterExtra: Partial<ClusterOptions> = {}): RedisClient => {
    const client: RedisClient =
      'url' in target
        ? new Redis(target.url, { ...base, ...extra })
        : new Cluster(target.clusterNodes, { redisOptions: { ...base, ...extra }, clusterRetryStrategy: (t) => Math.min(100 * t, 1000), ...clusterExtra });
    // Errors are reported through readiness and the callers' rejections; an unhandled 'error'
    // event would crash the process.
    client.on('error', () => undefined);
    opened.push(client);
    return client;
  };
  const commands = make({});
  const publisher = make({ enableOfflineQueue: false });
  return {
    commands,
    publisher,
    subscriber: () => make({}, { shardedSubscribers: true }),
    adapterSubscriber: () => {
      const client = make({ maxRetriesPerRequest: null }, { shardedSubscribers: true });
      const target = client as unknown as Record<'ssubscribe' | 'sunsubscribe', (...args: unknown[]) => Promise<unknown>>;
      for (const name of ['ssubscribe', 'sunsubscribe'] as const) {
        const original = target[name].bind(client);
        target[name] = (...args) => {
          const answer = original(...args);
          answer.catch(() => undefined);
          return answer;
        };
      }
      return client;
    },
    adapterPublisher: (onPublish) => {
      const client = make({ enableOfflineQueue: false });
      // The adapter publishes with SPUBLISH; count what it sends without touching its code.
      const spublish = client.spublish.bind(client) as (channel: string, message: string | Buffer) => Promise<number>;
      (client as unknown as { spublish: typeof spublish }).spublish = (channel, message) => {
        onPublish(typeof message === 'string' ? Buffer.byteLength(message) : message.length);
        return spublish(channel, message);
      };
      return client;
    },
    sharded: 'clusterNodes' in target,
    ready: () => commands.status === 'ready',
    close: async () => {
      await Promise.allSettled(opened.map((c) => c.quit().catch(() => c.disconnect())));
    },
  };
}
