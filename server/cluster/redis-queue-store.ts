/**
 * Quick-play queues in Redis. Each mode's queue is a sorted set scored by an arrival counter (not
 * by `enqueuedAt`: two nodes' clocks disagree, arrival order does not), and one hash says which
 * queue a player waits in, so "at most one queue" is a single HGET inside the enqueue script.
 */
import type { EnqueueResult, GroupRule, QueueEntry, QueueStore } from '../lobby/stores/index.ts';
import type { LobbyKeys } from './redis-keys.ts';
import { defineScript, type RedisClient, type Script } from './redis-script.ts';

// KEYS: mode hash, entry hash, seq, queue of ARGV[2]. ARGV: guestId, mode, entry JSON.
const ENQUEUE = `
local current = redis.call('HGET', KEYS[1], ARGV[1])
if current then return {0, current} end
local seq = redis.call('INCR', KEYS[3])
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
redis.call('ZADD', KEYS[4], seq, ARGV[1])
return {1, redis.call('ZCARD', KEYS[4])}
`;

// KEYS: mode hash, entry hash, queue of ARGV[2]. ARGV: guestId, the mode the caller read.
// The queue key has to be named in KEYS, so the caller reads the mode first and the script checks
// it is still the same; 'moved' sends the caller round again with the mode it has now.
const REMOVE = `
local current = redis.call('HGET', KEYS[1], ARGV[1])
if not current then return {'absent'} end
if current ~= ARGV[2] then return {'moved', current} end
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('ZREM', KEYS[3], ARGV[1])
return {'removed'}
`;

// KEYS: mode hash, entry hash, queue. ARGV: min, max, waitMs, now. Returns the entries' JSON, oldest first.
const POP_GROUP = `
local max = tonumber(ARGV[2])
local size = redis.call('ZCARD', KEYS[3])
if size == 0 or max < 1 then return {} end
if size < max then
  if size < tonumber(ARGV[1]) then return {} end
  local oldest = redis.call('ZRANGE', KEYS[3], 0, 0)[1]
  local entry = cjson.decode(redis.call('HGET', KEYS[2], oldest))
  if tonumber(ARGV[4]) - tonumber(entry.enqueuedAt) < tonumber(ARGV[3]) then return {} end
end
local ids = redis.call('ZRANGE', KEYS[3], 0, max - 1)
local entries = redis.call('HMGET', KEYS[2], unpack(ids))
redis.call('ZREM', KEYS[3], unpack(ids))
redis.call('HDEL', KEYS[1], unpack(ids))
redis.call('HDEL', KEYS[2], unpack(ids))
return entries
`;

/** A remove that keeps finding its player in another queue is being raced by a flood of enqueues. */
const REMOVE_ATTEMPTS = 8;

export class RedisQueueStore implements QueueStore {
  private readonly enqueueScript: Script<[0, string] | [1, number]>;
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
    const { guestId, nickname, enqueuedAt, nodeId } = entry;
    const json = JSON.stringify(nodeId === undefined ? { guestId, nickname, enqueuedAt } : { guestId, nickname, enqueuedAt, nodeId });
    const [added, value] = await this.enqueueScript(
      [this.keys.mode, this.keys.entry, this.keys.seq, this.keys.queue(mode)],
      [guestId, mode, json],
    );
    return added === 1 ? { added: true, waiting: Number(value) } : { added: false, mode: String(value) };
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
      [rule.min, rule.max, rule.waitMs, rule.now],
    );
    return json.map((j) => JSON.parse(j) as QueueEntry);
  }

  async size(mode: string): Promise<number> {
    return this.redis.zcard(this.keys.queue(mode));
  }
}
