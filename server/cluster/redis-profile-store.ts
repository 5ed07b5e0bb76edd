/**
 * Profiles in Redis: one JSON string per guest, under no hash tag (every operation touches one
 * profile, so profiles spread over a cluster's shards). Recording a match is one script: it
 * reads, adds and writes inside Redis, so two nodes recording at once both count.
 */
import type { MatchRecord, Profile, ProfileStore } from '../lobby/stores/profile-store.ts';
import { defineScript, type RedisClient, type Script } from './redis-script.ts';

// KEYS: the profile. ARGV: guestId, MatchRecord JSON. Returns the profile JSON after.
// Stats are a JSON object that cjson would turn into [] when empty: kept as a string inside.
const RECORD = `
local r = cjson.decode(ARGV[2])
local json = redis.call('GET', KEYS[1])
local p
if json then p = cjson.decode(json) else p = { guestId = ARGV[1], nickname = r.nickname, modes = {} } end
p.nickname = r.nickname
if type(p.modes) ~= 'table' then p.modes = {} end
local m = p.modes[r.mode]
if type(m) ~= 'table' then m = { played = 0, wins = 0, stats = '{}' } end
m.mu = r.mu
m.sigma = r.sigma
m.rating = r.rating
m.played = m.played + 1
if r.won then m.wins = m.wins + 1 end
local stats = cjson.decode(m.stats)
for name, value in pairs(cjson.decode(r.stats)) do stats[name] = (stats[name] or 0) + value end
m.stats = cjson.encode(stats)
if next(stats) == nil then m.stats = '{}' end
p.modes[r.mode] = m
local out = cjson.encode(p)
redis.call('SET', KEYS[1], out)
return out
`;

interface StoredProfile {
  guestId: string;
  nickname: string;
  modes: Record<string, Omit<Profile['modes'][string], 'stats'> & { stats: string }> | unknown[];
}

function parse(json: string): Profile {
  const stored = JSON.parse(json) as StoredProfile;
  const modes: Profile['modes'] = {};
  // An empty Lua table encodes as [].
  if (!Array.isArray(stored.modes)) {
    for (const [mode, m] of Object.entries(stored.modes)) modes[mode] = { ...m, stats: JSON.parse(m.stats) as Record<string, number> };
  }
  return { guestId: stored.guestId, nickname: stored.nickname, modes };
}

export class RedisProfileStore implements ProfileStore {
  private readonly recordScript: Script<string>;

  constructor(
    private readonly redis: RedisClient,
    private readonly key: (guestId: string) => string,
  ) {
    this.recordScript = defineScript(redis, 'lobbyProfileRecord', RECORD);
  }

  async get(guestId: string): Promise<Profile | null> {
    const json = await this.redis.get(this.key(guestId));
    return json === null ? null : parse(json);
  }

  async getMany(guestIds: readonly string[]): Promise<(Profile | null)[]> {
    // One GET each (not MGET): on a cluster the profiles live on different shards.
    return Promise.all(guestIds.map((id) => this.get(id)));
  }

  async record(guestId: string, match: MatchRecord): Promise<Profile> {
    const json = await this.recordScript([this.key(guestId)], [guestId, JSON.stringify({ ...match, stats: JSON.stringify(match.stats) })]);
    return parse(json);
  }
}
