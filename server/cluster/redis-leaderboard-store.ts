/**
 * Leaderboards in Redis: per mode a sorted set of guest ids scored by shown rating (ZREVRANGE for
 * the top, ZREVRANK for a player's place) and a hash of the nicknames shown beside them. Both
 * keys of a mode share the store's tag, so a rating and its name are written in one MULTI.
 */
import type { BoardEntry, LeaderboardStore } from '../lobby/stores/leaderboard-store.ts';
import type { LobbyKeys } from './redis-keys.ts';
import type { RedisClient } from './redis-script.ts';

export class RedisLeaderboardStore implements LeaderboardStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: LobbyKeys['board'],
  ) {}

  async set(mode: string, guestId: string, nickname: string, rating: number): Promise<void> {
    await this.redis.multi().zadd(this.keys.scores(mode), rating, guestId).hset(this.keys.names(mode), guestId, nickname).exec();
  }

  async top(mode: string, n: number): Promise<BoardEntry[]> {
    if (n <= 0) return [];
    const flat = await this.redis.zrevrange(this.keys.scores(mode), 0, n - 1, 'WITHSCORES');
    const ids = flat.filter((_, i) => i % 2 === 0);
    if (ids.length === 0) return [];
    const names = await this.redis.hmget(this.keys.names(mode), ...ids);
    return ids.map((guestId, i) => ({ rank: i + 1, guestId, nickname: names[i] ?? '', rating: Number(flat[i * 2 + 1]) }));
  }

  async rankOf(mode: string, guestId: string): Promise<BoardEntry | null> {
    const replies = await this.redis.multi().zrevrank(this.keys.scores(mode), guestId).zscore(this.keys.scores(mode), guestId).hget(this.keys.names(mode), guestId).exec();
    const [rank, score, nickname] = (replies ?? []).map(([error, value]) => {
      if (error) throw error;
      return value;
    }) as [number | null, string | null, string | null];
    if (rank === null || score === null) return null;
    return { rank: rank + 1, guestId, nickname: nickname ?? '', rating: Number(score) };
  }

  async size(mode: string): Promise<number> {
    return this.redis.zcard(this.keys.scores(mode));
  }
}
