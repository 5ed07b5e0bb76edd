/**
 * Quick-play queues in Redis. Each mode's queue is a sorted set scored by an arrival counter (not
 * by `enqueuedAt`: two nodes' clocks disagree, arrival order does not), and one hash says which
 * queue a player waits in, so "at most one queue" is a single HGET inside the enqueue script.
 */
import type { EnqueueResult, GroupRule, QueueEntry, QueueStore } from '../lobby/stores/index.ts';
import { MAX_ANCHORS } from '../lobby/stores/queue-store.ts';
import type { LobbyKeys } from './redis-keys.ts';
import { defineScript, type RedisClient, type Script } from './redis-script.ts';

// KEYS: mode hash, entry hash, seq, queue of ARGV[1]. ARGV: mode, then guestId and entry JSON per
// member. All or none: one member already queued refuses the whole ticket.
const ENQUEUE = `
for i = 2, #ARGV, 2 do
  local current = redis.call('HGET', KEYS[1], ARGV[i])
  if current then return {0, current, ARGV[i]} end
end
for i = 2, #ARGV, 2 do
  local seq = redis.call('INCR', KEYS[3])
  redis.call('HSET', KEYS[1], ARGV[i], ARGV[1])
  redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1])
  redis.call('ZADD', KEYS[4], seq, ARGV[i])
end
return {1, redis.call('ZCARD', KEYS[4])}
`;

// KEYS: mode hash, entry hash, queue of ARGV[2]. ARGV: guestId, the mode the caller read.
// The queue key has to be named in KEYS, so the caller reads the mode first and the script checks
// it is still the same; 'moved' sends the caller round again with the mode it has now. A party's
// member takes its whole ticket out.
const REMOVE = `
local current = redis.call('HGET', KEYS[1], ARGV[1])
if not current then return {'absent'} end
if current ~= ARGV[2] then return {'moved', current} end
local ids = {ARGV[1]}
local json = redis.call('HGET', KEYS[2], ARGV[1])
if json then
  local entry = cjson.decode(json)
  if type(entry.with) == 'table' then ids = entry.with end
end
for _, id in ipairs(ids) do
  if redis.call('HGET', KEYS[1], id) == ARGV[2] then
    redis.call('HDEL', KEYS[1], id)
    redis.call('HDEL', KEYS[2], id)
    redis.call('ZREM', KEYS[3], id)
  end
end
return {'removed'}
`;

// KEYS: mode hash, entry hash, queue. ARGV: min, max, waitMs, now, window base ('' for none),
// window per second, anchors tried, entries read, nodeWaitMs. Returns the entries' JSON in
// arrival order. The same choice as chooseGroup() in queue-store.ts, line for line.
const POP_GROUP = `
local min, max, waitMs, now = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
if max < 1 then return {} end
local windowed = ARGV[5] ~= ''
local base, per = tonumber(ARGV[5]) or 0, tonumber(ARGV[6]) or 0
local nodeWait = tonumber(ARGV[9]) or 0
local ids = redis.call('ZRANGE', KEYS[3], 0, tonumber(ARGV[8]) - 1)
if #ids == 0 then return {} end
local raw = redis.call('HMGET', KEYS[2], unpack(ids))
local tickets, byParty = {}, {}
for i, id in ipairs(ids) do
  local json = raw[i]
  if json then
    local e = cjson.decode(json)
    local party = type(e.party) == 'string' and e.party or nil
    local t = party and byParty[party]
    if t then
      table.insert(t.ids, id)
      table.insert(t.json, json)
    else
      local node = type(e.nodeId) == 'string' and e.nodeId or ''
      t = { ids = { id }, json = { json }, rating = tonumber(e.rating) or 1000, at = tonumber(e.enqueuedAt), node = node }
      if party then byParty[party] = t end
      table.insert(tickets, t)
    end
  end
end
local function pop(chosen)
  local outIds, out = {}, {}
  for i = 1, #tickets do
    if chosen[i] then
      for j, id in ipairs(tickets[i].ids) do
        table.insert(outIds, id)
        table.insert(out, tickets[i].json[j])
      end
    end
  end
  redis.call('ZREM', KEYS[3], unpack(outIds))
  redis.call('HDEL', KEYS[1], unpack(outIds))
  redis.call('HDEL', KEYS[2], unpack(outIds))
  return out
end
for a = 1, math.min(#tickets, tonumber(ARGV[7])) do
  local anchor = tickets[a]
  local waited = now - anchor.at
  local window = math.huge
  if windowed then window = base + per * math.max(0, waited) / 1000 end
  if #anchor.ids <= max then
    -- node: only tickets of that node (false: any node); returns chosen, count, mixed
    local function build(node)
      local chosen = { [a] = true }
      local n = #anchor.ids
      local mixed = false
      for i = 1, #tickets do
        if n >= max then break end
        local t = tickets[i]
        if i ~= a and n + #t.ids <= max and math.abs(t.rating - anchor.rating) <= window and (node == false or t.node == node) then
          chosen[i] = true
          n = n + #t.ids
          if t.node ~= anchor.node then mixed = true end
        end
      end
      return chosen, n, mixed
    end
    if nodeWait > 0 then
      local chosen, n = build(anchor.node)
      if n >= max then return pop(chosen) end
    end
    local chosen, n, mixed = build(false)
    local fullAfter = 0
    if mixed then fullAfter = math.min(nodeWait, waitMs) end
    if (n >= max and waited >= fullAfter) or (n >= min and waited >= waitMs) then return pop(chosen) end
  end
end
return {}
`;

/** Entries one pass reads: keeps a script's run (and its unpack) bounded however long the queue. */
const MAX_READ = 1000;

/** A remove that keeps finding its player in another queue is being raced by a flood of enqueues. */
const REMOVE_ATTEMPTS = 8;

export class RedisQueueStore implements QueueStore {
  private readonly enqueueScript: Script<[0, string, string] | [1, number]>;
  private readonly removeScript: Script<['absent'] | ['moved', string] | ['removed']>;
  private readonly popScript: Script<string[]>;

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: LobbyKeys['queue'],
  ) {
    this.enqueueScript = defineScript(redis, 'lobbyQueueEnqueue', ENQUEUE);
    this.removeScript = defineScript(redis, 'lobbyQueueRemove', REMOVE);
    this.popScript = defineScript(redis, 'lobbyQueuePopGroup', POP_GROUP);
  }

  async enqueue(mode: string, entry: QueueEntry): Promise<EnqueueResult> {
    return this.enqueueGroup(mode, [entry]);
  }

  async enqueueGroup(mode: string, entries: readonly QueueEntry[]): Promise<EnqueueResult> {
    const args: string[] = [mode];
    for (const e of entries) args.push(e.guestId, JSON.stringify(entryJson(e)));
    const res = await this.enqueueScript([this.keys.mode, this.keys.entry, this.keys.seq, this.keys.queue(mode)], args);
    if (res[0] === 1) return { added: true, waiting: Number(res[1]) };
    return { added: false, mode: String(res[1]), ...(entries.length > 1 && { guestId: String(res[2]) }) };
  }

  async remove(guestId: string): Promise<string | null> {
    let mode = await this.redis.hget(this.keys.mode, guestId);
    for (let attempt = 0; attempt < REMOVE_ATTEMPTS && mode !== null; attempt++) {
      const result = await this.removeScript([this.keys.mode, this.keys.entry, this.keys.queue(mode)], [guestId, mode]);
      if (result[0] === 'removed') return mode;
      mode = result[0] === 'moved' ? result[1] : null;
    }
    if (mode === null) return null;
    throw new Error(`queue remove of ${guestId} lost ${REMOVE_ATTEMPTS} races in a row`);
  }

  async popGroup(mode: string, rule: GroupRule): Promise<QueueEntry[]> {
    const json = await this.popScript(
      [this.keys.mode, this.keys.entry, this.keys.queue(mode)],
      [rule.min, rule.max, rule.waitMs, rule.now, rule.window?.base ?? '', rule.window?.perSecond ?? 0, MAX_ANCHORS, MAX_READ, rule.nodeWaitMs ?? 0],
    );
    return json.map((j) => JSON.parse(j) as QueueEntry);
  }

  async modeOf(guestId: string): Promise<string | null> {
    return this.redis.hget(this.keys.mode, guestId);
  }

  async size(mode: string): Promise<number> {
    return this.redis.zcard(this.keys.queue(mode));
  }
}

/** Only the entry's own fields (a caller's extra properties stay out of Redis). */
function entryJson(e: QueueEntry): QueueEntry {
  return {
    guestId: e.guestId,
    nickname: e.nickname,
    enqueuedAt: e.enqueuedAt,
    ...(e.nodeId !== undefined && { nodeId: e.nodeId }),
    ...(e.rating !== undefined && { rating: e.rating }),
    ...(e.party !== undefined && { party: e.party }),
    ...(e.with !== undefined && { with: e.with }),
  };
}
