/** Private match codes in Redis: one string key per code, taken with SET NX. */
import type { CodeStore } from '../lobby/stores/index.ts';
import type { LobbyKeys } from './redis-keys.ts';
import { defineScript, type RedisClient, type Script } from './redis-script.ts';

// KEYS: the code. ARGV: matchId. Deletes only if the code still names this match.
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 0
`;

export class RedisCodeStore implements CodeStore {
  private readonly releaseScript: Script<number>;

  constructor(
    private readonly redis: RedisClient,
    private readonly key: LobbyKeys['code'],
  ) {
    this.releaseScript = defineScript(redis, 'lobbyCodeRelease', RELEASE);
  }

  async reserve(code: string, matchId: string): Promise<boolean> {
    return (await this.redis.set(this.key(code), matchId, 'NX')) === 'OK';
  }

  async resolve(code: string): Promise<string | null> {
    return this.redis.get(this.key(code));
  }

  async release(code: string, matchId: string): Promise<void> {
    await this.releaseScript([this.key(code)], [matchId]);
  }
}
