/**
 * Lua scripts are how the Redis stores keep their "one atomic step" promises: Redis runs a script
 * to completion before it serves another command, so two nodes racing for the last seat are
 * serialized inside Redis, not by a lock the nodes would have to agree on.
 */
import type { Cluster, Redis } from 'ioredis';

export type RedisClient = Redis | Cluster;
/** Buffers go to Redis as their bytes (binary-safe): checkpoints and replay chunks. */
export type ScriptArg = string | number | Buffer;
export type Script<R> = (keys: string[], args: ScriptArg[]) => Promise<R>;

/**
 * Registers `lua` on the client (ioredis `defineCommand`: EVALSHA, and EVAL when a node has not
 * cached the script yet) and returns a typed caller. Every key the script touches goes in KEYS:
 * ioredis routes by them to the node owning their slot, and Redis Cluster refuses a script whose
 * keys are not all in one slot, which the hash tags of redis-keys.ts guarantee.
 */
export function defineScript<R>(redis: RedisClient, name: string, lua: string): Script<R> {
  redis.defineCommand(name, { lua });
  const command = (redis as unknown as Record<string, (...args: ScriptArg[]) => Promise<R>>)[name];
  if (typeof command !== 'function') throw new Error(`ioredis did not define the script command ${name}`);
  return (keys, args) => command.call(redis, keys.length, ...keys, ...args);
}
