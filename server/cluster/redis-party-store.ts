/**
 * Parties in Redis: one hash says which party each player is in, one JSON string per party. Every
 * verb is one script over both (same hash tag), so "one party per player", "never over size" and
 * "the next member leads" hold however many nodes act at once.
 */
import type { Party, PartyCreateResult, PartyJoinResult, PartyLeft, PartyStore } from '../lobby/stores/party-store.ts';
import type { LobbyKeys } from './redis-keys.ts';
import { defineScript, type RedisClient, type Script } from './redis-script.ts';

/** Takes member ARGV[1] out of party KEYS[2] (its JSON decoded in `p`); returns the reply. */
const REMOVE_MEMBER = `
local function remove(p, guestId)
  local kept = {}
  for _, m in ipairs(p.members) do if m.guestId ~= guestId then table.insert(kept, m) end end
  redis.call('HDEL', KEYS[1], guestId)
  if #kept == 0 then
    redis.call('DEL', KEYS[2])
    return {'ended'}
  end
  p.members = kept
  p.version = (tonumber(p.version) or 0) + 1
  local out = cjson.encode(p)
  redis.call('SET', KEYS[2], out)
  return {'left', out}
end
`;

// KEYS: of hash, party. ARGV: code, guestId, nickname, maxSize, now.
const CREATE = `
local current = redis.call('HGET', KEYS[1], ARGV[2])
if current then return {'in_party', current} end
if redis.call('EXISTS', KEYS[2]) == 1 then return {'taken'} end
local p = { code = ARGV[1], members = { { guestId = ARGV[2], nickname = ARGV[3], awaySince = 0 } }, maxSize = tonumber(ARGV[4]), queued = '', createdAt = tonumber(ARGV[5]), version = 1 }
local out = cjson.encode(p)
redis.call('SET', KEYS[2], out)
redis.call('HSET', KEYS[1], ARGV[2], ARGV[1])
return {'ok', out}
`;

// KEYS: of hash, party. ARGV: code, guestId, nickname.
const JOIN = `
local current = redis.call('HGET', KEYS[1], ARGV[2])
local json = redis.call('GET', KEYS[2])
if current and current == ARGV[1] and json then return {'already', json} end
if current then return {'in_party', current} end
if not json then return {'not_found'} end
local p = cjson.decode(json)
if #p.members >= tonumber(p.maxSize) then return {'full'} end
if p.queued ~= '' then return {'queued'} end
table.insert(p.members, { guestId = ARGV[2], nickname = ARGV[3], awaySince = 0 })
p.version = (tonumber(p.version) or 0) + 1
local out = cjson.encode(p)
redis.call('SET', KEYS[2], out)
redis.call('HSET', KEYS[1], ARGV[2], ARGV[1])
return {'ok', out}
`;

// KEYS: of hash, party of ARGV[2]. ARGV: guestId, the code the caller read, awaySince ('' = any).
// As with the queue's remove, the caller reads the code first and the script checks it still holds.
const LEAVE =
  REMOVE_MEMBER +
  `
local current = redis.call('HGET', KEYS[1], ARGV[1])
if not current then return {'absent'} end
if current ~= ARGV[2] then return {'moved', current} end
local json = redis.call('GET', KEYS[2])
if not json then
  redis.call('HDEL', KEYS[1], ARGV[1])
  return {'ended'}
end
local p = cjson.decode(json)
if ARGV[3] ~= '' then
  local still = false
  for _, m in ipairs(p.members) do
    if m.guestId == ARGV[1] and tonumber(m.awaySince) == tonumber(ARGV[3]) and tonumber(ARGV[3]) ~= 0 then still = true end
  end
  if not still then return {'absent'} end
end
return remove(p, ARGV[1])
`;

// KEYS: of hash, party of ARGV[2]. ARGV: guestId, the code the caller read, awaySince.
const PRESENCE = `
local current = redis.call('HGET', KEYS[1], ARGV[1])
if not current then return {'absent'} end
if current ~= ARGV[2] then return {'moved', current} end
local json = redis.call('GET', KEYS[2])
if not json then return {'absent'} end
local p = cjson.decode(json)
for _, m in ipairs(p.members) do if m.guestId == ARGV[1] then m.awaySince = tonumber(ARGV[3]) end end
p.version = (tonumber(p.version) or 0) + 1
local out = cjson.encode(p)
redis.call('SET', KEYS[2], out)
return {'ok', out}
`;

// KEYS: party. ARGV: mode ('' to clear).
const SET_QUEUED = `
local json = redis.call('GET', KEYS[1])
if not json then return 0 end
local p = cjson.decode(json)
p.queued = ARGV[1]
p.version = (tonumber(p.version) or 0) + 1
redis.call('SET', KEYS[1], cjson.encode(p))
return 1
`;

type Reply = [string, string?];
const ATTEMPTS = 8;

export class RedisPartyStore implements PartyStore {
  private readonly createScript: Script<Reply>;
  private readonly joinScript: Script<Reply>;
  private readonly leaveScript: Script<Reply>;
  private readonly presenceScript: Script<Reply>;
  private readonly queuedScript: Script<number>;

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: LobbyKeys['party'],
  ) {
    this.createScript = defineScript(redis, 'lobbyPartyCreate', CREATE);
    this.joinScript = defineScript(redis, 'lobbyPartyJoin', JOIN);
    this.leaveScript = defineScript(redis, 'lobbyPartyLeave', LEAVE);
    this.presenceScript = defineScript(redis, 'lobbyPartyPresence', PRESENCE);
    this.queuedScript = defineScript(redis, 'lobbyPartySetQueued', SET_QUEUED);
  }

  async create(code: string, member: { guestId: string; nickname: string }, maxSize: number, now: number): Promise<PartyCreateResult> {
    const [status, value] = await this.createScript([this.keys.of, this.keys.party(code)], [code, member.guestId, member.nickname, maxSize, now]);
    if (status === 'ok') return { ok: true, party: JSON.parse(value!) as Party };
    return status === 'in_party' ? { ok: false, reason: 'in_party', code: value! } : { ok: false, reason: 'taken' };
  }

  async join(code: string, member: { guestId: string; nickname: string }): Promise<PartyJoinResult> {
    const [status, value] = await this.joinScript([this.keys.of, this.keys.party(code)], [code, member.guestId, member.nickname]);
    if (status === 'ok' || status === 'already') return { ok: true, party: JSON.parse(value!) as Party, already: status === 'already' };
    if (status === 'in_party') return { ok: false, reason: 'in_party', code: value! };
    return { ok: false, reason: status as 'not_found' | 'full' | 'queued' };
  }

  leave(guestId: string): Promise<PartyLeft | null> {
    return this.removeMember(guestId, '');
  }

  dropAway(guestId: string, awaySince: number): Promise<PartyLeft | null> {
    return awaySince === 0 ? Promise.resolve(null) : this.removeMember(guestId, String(awaySince));
  }

  async get(code: string): Promise<Party | null> {
    const json = await this.redis.get(this.keys.party(code));
    return json === null ? null : (JSON.parse(json) as Party);
  }

  async partyOf(guestId: string): Promise<string | null> {
    return this.redis.hget(this.keys.of, guestId);
  }

  async presence(guestId: string, awaySince: number): Promise<Party | null> {
    const res = await this.retry(guestId, (code) => this.presenceScript([this.keys.of, this.keys.party(code)], [guestId, code, awaySince]));
    return res && res.reply[0] === 'ok' ? (JSON.parse(res.reply[1]!) as Party) : null;
  }

  async setQueued(code: string, mode: string): Promise<boolean> {
    return (await this.queuedScript([this.keys.party(code)], [mode])) === 1;
  }

  private async removeMember(guestId: string, awaySince: string): Promise<PartyLeft | null> {
    const res = await this.retry(guestId, (code) => this.leaveScript([this.keys.of, this.keys.party(code)], [guestId, code, awaySince]));
    if (!res) return null;
    const [status, value] = res.reply;
    if (status === 'ended') return { code: res.code, party: null };
    if (status === 'left') return { code: res.code, party: JSON.parse(value!) as Party };
    return null;
  }

  /** Runs a script on the player's party, read first; again if the player moved in between. */
  private async retry(guestId: string, run: (code: string) => Promise<Reply>): Promise<{ code: string; reply: Reply } | null> {
    let code = await this.redis.hget(this.keys.of, guestId);
    for (let attempt = 0; attempt < ATTEMPTS && code !== null; attempt++) {
      const reply = await run(code);
      if (reply[0] === 'absent') return null;
      if (reply[0] !== 'moved') return { code, reply };
      code = reply[1]!;
    }
    if (code === null) return null;
    throw new Error(`party update of ${guestId} lost ${ATTEMPTS} races in a row`);
  }
}
