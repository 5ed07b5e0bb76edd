/**
 * Nicknames in Redis: one key per held name (its case- and compatibility-folded form), holding
 * "<expiresAt> <guestId>".
 *
 * The variants are built here, not in Lua: folding (NFKC, Unicode lower case) and cutting a name
 * to 16 letters need JavaScript's Unicode tables, which Redis' Lua does not have. The script gets
 * a batch of folded candidates in order and takes the first that is free, in one atomic step.
 * Batches grow (16, then 256, then 1024 at a time), so a common name costs one round trip and a
 * crowded one a handful. Within a batch the first free variant wins; across batches a variant
 * freed meanwhile in an earlier batch is not revisited, so under churn a player may get "Ada20"
 * while "Ada3" just came free. No name is ever given to two players: that is the promise that
 * matters, and each check-and-set is one script.
 *
 * Expiry is judged against the caller's `now`, as the interface says. The key's own TTL only
 * collects garbage and runs a minute past `expiresAt`, so a Redis clock that runs ahead of the
 * node's cannot free a name early.
 */
import { NICKNAME_MAX_LENGTH, nicknameKey, nicknameWithSuffix } from '../../shared/protocol/lobby-rules.ts';
import { MAX_SUFFIX, type NicknameRegistry } from '../lobby/stores/nickname-registry.ts';
import type { LobbyKeys } from './redis-keys.ts';
import { defineScript, type RedisClient, type Script } from './redis-script.ts';

const GC_GRACE_MS = 60_000;
const BATCHES = [16, 256];
const LATER_BATCH = 1024;

// KEYS: candidate keys, in order of preference. ARGV: guestId, expiresAt, now, ttlMs.
// Returns the 1-based index of the candidate taken, or 0 when all are held.
const CLAIM = `
local now = tonumber(ARGV[3])
for i, key in ipairs(KEYS) do
  local held = redis.call('GET', key)
  local free = true
  if held then
    local expiresAt, holder = string.match(held, '^(%S+) (.*)$')
    free = holder == ARGV[1] or tonumber(expiresAt) <= now
  end
  if free then
    redis.call('SET', key, ARGV[2] .. ' ' .. ARGV[1], 'PX', ARGV[4])
    return i
  end
end
return 0
`;

// KEYS: the name's key. ARGV: guestId.
const RELEASE = `
local held = redis.call('GET', KEYS[1])
if held and string.match(held, '^%S+ (.*)$') == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 0
`;

export class RedisNicknameRegistry implements NicknameRegistry {
  private readonly claimScript: Script<number>;
  private readonly releaseScript: Script<number>;

  constructor(
    redis: RedisClient,
    private readonly key: LobbyKeys['nick'],
  ) {
    this.claimScript = defineScript(redis, 'lobbyNicknameClaim', CLAIM);
    this.releaseScript = defineScript(redis, 'lobbyNicknameRelease', RELEASE);
  }

  async claim(wanted: string, guestId: string, expiresAt: number, now: number): Promise<string | null> {
    const ttlMs = Math.max(1, Math.ceil(expiresAt - now)) + GC_GRACE_MS;
    const variants = candidates(wanted);
    for (let batch = 0; ; batch++) {
      const names = take(variants, BATCHES[batch] ?? LATER_BATCH);
      if (names.length === 0) return null;
      const taken = await this.claimScript(
        names.map((n) => this.key(nicknameKey(n))),
        [guestId, String(expiresAt), String(now), ttlMs],
      );
      if (taken > 0) return names[taken - 1]!;
    }
  }

  async release(name: string, guestId: string): Promise<void> {
    await this.releaseScript([this.key(nicknameKey(name))], [guestId]);
  }
}

function take<T>(from: Iterator<T>, count: number): T[] {
  const out: T[] = [];
  for (let next = from.next(); !next.done; next = from.next()) {
    out.push(next.value);
    if (out.length === count) break;
  }
  return out;
}

/** The same variants, in the same order, as the memory registry tries. */
function* candidates(wanted: string): Generator<string> {
  for (let n = 1; n <= MAX_SUFFIX; n++) {
    const name = n === 1 ? wanted : nicknameWithSuffix(wanted, n);
    if ([...name].length <= NICKNAME_MAX_LENGTH) yield name;
  }
}
