/**
 * Seats in Redis: one hash says which match each player sits in, one set per match holds its
 * players. The claim script reads both and writes both, so "one match per player" and "never over
 * capacity" hold however many nodes claim at once.
 */
import type { ClaimResult, SeatStore } from '../lobby/stores/index.ts';
import type { LobbyKeys } from './redis-keys.ts';
import { defineScript, type RedisClient, type Script } from './redis-script.ts';

// KEYS: seat hash, members of ARGV[1]. ARGV: matchId, guestId, capacity.
const CLAIM = `
local current = redis.call('HGET', KEYS[1], ARGV[2])
if current == ARGV[1] then return {'already'} end
if current then return {'seated', current} end
if redis.call('SCARD', KEYS[2]) >= tonumber(ARGV[3]) then return {'full'} end
redis.call('SADD', KEYS[2], ARGV[2])
redis.call('HSET', KEYS[1], ARGV[2], ARGV[1])
return {'ok'}
`;

// KEYS: seat hash, members of ARGV[1]. ARGV: matchId, guestId.
const RELEASE = `
if redis.call('HGET', KEYS[1], ARGV[2]) ~= ARGV[1] then return 0 end
redis.call('HDEL', KEYS[1], ARGV[2])
redis.call('SREM', KEYS[2], ARGV[2])
return 1
`;

// KEYS: seat hash, members of ARGV[1]. ARGV: matchId. Returns who held the seats.
const RELEASE_ALL = `
local members = redis.call('SMEMBERS', KEYS[2])
for _, guestId in ipairs(members) do
  if redis.call('HGET', KEYS[1], guestId) == ARGV[1] then redis.call('HDEL', KEYS[1], guestId) end
end
redis.call('DEL', KEYS[2])
return members
`;

export class RedisSeatStore implements SeatStore {
  private readonly claimScript: Script<['already'] | ['seated', string] | ['full'] | ['ok']>;
  private readonly releaseScript: Script<0 | 1>;
  private readonly releaseAllScript: Script<string[]>;

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: LobbyKeys['seat'],
  ) {
    this.claimScript = defineScript(redis, 'lobbySeatClaim', CLAIM);
    this.releaseScript = defineScript(redis, 'lobbySeatRelease', RELEASE);
    this.releaseAllScript = defineScript(redis, 'lobbySeatReleaseAll', RELEASE_ALL);
  }

  async claim(matchId: string, guestId: string, capacity: number): Promise<ClaimResult> {
    const result = await this.claimScript([this.keys.match, this.keys.members(matchId)], [matchId, guestId, capacity]);
    switch (result[0]) {
      case 'ok':
        return { ok: true, already: false };
      case 'already':
        return { ok: true, already: true };
      case 'seated':
        return { ok: false, reason: 'seated', matchId: result[1] };
      case 'full':
        return { ok: false, reason: 'full' };
    }
  }

  async release(matchId: string, guestId: string): Promise<boolean> {
    return (await this.releaseScript([this.keys.match, this.keys.members(matchId)], [matchId, guestId])) === 1;
  }

  async releaseAll(matchId: string): Promise<string[]> {
    return this.releaseAllScript([this.keys.match, this.keys.members(matchId)], [matchId]);
  }

  async seatOf(guestId: string): Promise<string | null> {
    return this.redis.hget(this.keys.match, guestId);
  }

  async count(matchId: string): Promise<number> {
    return this.redis.scard(this.keys.members(matchId));
  }
}
