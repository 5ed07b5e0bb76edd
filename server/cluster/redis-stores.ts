/**
 * The lobby stores on Redis (standalone or Cluster, ioredis 6), for running several game nodes
 * against one lobby state. Same interfaces as the in-memory stores, same contract suite
 * (server/lobby/stores/store-contract.ts). Key layout and hash tags: redis-keys.ts.
 *
 * The stores share the caller's connection for commands and scripts, and open one more, lazily,
 * for the directory's subscription (a connection in subscriber mode cannot send commands). On a
 * Cluster that one is a duplicate with `shardedSubscribers`, so SSUBSCRIBE goes to the shard that
 * owns the directory's slot. `close()` ends the subscription; the caller's connection stays open.
 */
import { Cluster } from 'ioredis';
import type { LobbyStores } from '../lobby/stores/index.ts';
import { RedisCodeStore } from './redis-code-store.ts';
import { lobbyKeys } from './redis-keys.ts';
import { RedisMatchDirectory } from './redis-match-directory.ts';
import { RedisNicknameRegistry } from './redis-nickname-registry.ts';
import { RedisLeaderboardStore } from './redis-leaderboard-store.ts';
import { RedisPartyStore } from './redis-party-store.ts';
import { RedisProfileStore } from './redis-profile-store.ts';
import { RedisQueueStore } from './redis-queue-store.ts';
import type { RedisClient } from './redis-script.ts';
import { RedisSeatStore } from './redis-seat-store.ts';

export interface RedisStoresOptions {
  /** Goes inside every hash tag; lets several lobbies (or tests) share one Redis. Default "lobby". */
  prefix?: string;
  /** Directory changes kept for subscribers that reconnect. Default 10,000 (about 3 MB). */
  changeLogLength?: number;
  /** Errors no caller is waiting for: the subscription's connection, a gap in the change log. */
  onError?: (error: Error) => void;
}

export interface RedisLobbyStores extends LobbyStores {
  /** Ends the directory subscription's connection. */
  close(): void;
}

export function createRedisStores(redis: RedisClient, opts: RedisStoresOptions = {}): RedisLobbyStores {
  // ioredis' keyPrefix would be added to KEYS but not to channels, and not inside the tags.
  if (redis.options.keyPrefix) throw new Error('createRedisStores: use opts.prefix, not the client keyPrefix option');
  const keys = lobbyKeys(opts.prefix);
  const directory = new RedisMatchDirectory(redis, keys.dir, {
    sharded: redis instanceof Cluster,
    changeLogLength: opts.changeLogLength ?? 10_000,
    onError: opts.onError ?? ((error) => console.warn('lobby stores:', error)),
  });
  return {
    queue: new RedisQueueStore(redis, keys.queue),
    seats: new RedisSeatStore(redis, keys.seat),
    codes: new RedisCodeStore(redis, keys.code),
    directory,
    nicknames: new RedisNicknameRegistry(redis, keys.nick),
    profiles: new RedisProfileStore(redis, keys.profile),
    boards: new RedisLeaderboardStore(redis, keys.board),
    parties: new RedisPartyStore(redis, keys.party),
    close: () => directory.close(),
  };
}
