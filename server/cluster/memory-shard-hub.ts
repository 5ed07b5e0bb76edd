/**
 * Redis' sharded pub/sub in memory, for tests of the node bus without a redis-server: a publish
 * reaches every subscriber of its channel a tick later (setImmediate), as frames from Redis do.
 */
import { EventEmitter } from 'node:events';
import type { RedisClient } from './redis-script.ts';

export class MemoryShardHub {
  private readonly subs = new Map<string, Set<EventEmitter>>();

  publisher(): RedisClient {
    return {
      spublish: async (channel: string, frame: Buffer) => {
        for (const s of this.subs.get(channel) ?? []) setImmediate(() => s.emit('smessageBuffer', Buffer.from(channel), frame));
        return 1;
      },
    } as unknown as RedisClient;
  }

  subscriber(): RedisClient {
    const sub = new EventEmitter() as EventEmitter & Record<string, unknown>;
    sub.ssubscribe = async (channel: string) => void (this.subs.get(channel) ?? this.subs.set(channel, new Set()).get(channel)!).add(sub);
    sub.sunsubscribe = async (channel: string) => void this.subs.get(channel)?.delete(sub);
    return sub as unknown as RedisClient;
  }
}
