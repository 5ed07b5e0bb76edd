/**
 * Replays in Redis (standalone or Cluster). Each replay's keys share one hash tag, so the
 * scripts that append to, adopt and finish a replay check the writer's epoch and the log's end
 * and write in one atomic step; the index of recent replays has its own tag. Keys, with `p` the
 * prefix (default "replays"):
 *
 *   {p:r:<id>}:meta    hash        header (JSON), epoch (the writer), last (last tick logged),
 *                                  createdAt, end (JSON) and endedAt once finished
 *   {p:r:<id>}:log     list        the log's chunks, binary, in order
 *   {p:r:<id>}:ends    list        the last tick of each chunk (a chunk starts after the previous)
 *   {p:r:<id>}:seats   hash        who sat where: "bot:<slot>" / "g:<guestId>:<slot>" → JSON
 *   {p:index}:all      sorted set  replay ids by createdAt: retention by count and age
 *   {p:index}:public   sorted set  the public ones: GET /api/replays
 *
 * Retention: creating a replay trims the index to the newest maxCount and drops those older
 * than maxAgeMs, deleting their keys; each replay's keys also expire maxAgeMs after their last
 * write, so a replay whose index entry was lost still goes.
 */
import type { ReplayChunk, ReplayEnd, ReplayHeader } from '../../shared/replay/replay-format.ts';
import { defineScript, type RedisClient, type Script, type ScriptArg } from './redis-script.ts';
import { seatKey, summaryOf, withSeats, type AdoptOutcome, type AppendOutcome, type ReplayRetention, type ReplaySeat, type ReplayStore, type ReplaySummary, type StoredReplay } from '../replay/replay-store.ts';

// KEYS: meta. ARGV: header JSON, epoch, createdAt, ttlMs.
const CREATE = `
redis.call('HSET', KEYS[1], 'header', ARGV[1], 'epoch', ARGV[2], 'last', 0, 'createdAt', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return 'ok'
`;

// KEYS: meta, log, ends, seats. ARGV: epoch, fromTick, toTick, chunk, ttlMs, then seat key/JSON pairs.
const APPEND = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 'missing' end
if redis.call('HGET', KEYS[1], 'epoch') ~= ARGV[1] then return 'stale' end
local last = tonumber(redis.call('HGET', KEYS[1], 'last'))
if tonumber(ARGV[2]) ~= last + 1 or tonumber(ARGV[3]) < tonumber(ARGV[2]) then return 'order' end
redis.call('RPUSH', KEYS[2], ARGV[4])
redis.call('RPUSH', KEYS[3], ARGV[3])
redis.call('HSET', KEYS[1], 'last', ARGV[3])
for i = 6, #ARGV, 2 do redis.call('HSET', KEYS[4], ARGV[i], ARGV[i + 1]) end
for i = 1, 4 do redis.call('PEXPIRE', KEYS[i], ARGV[5]) end
return 'ok'
`;

// KEYS: meta, log, ends, seats. ARGV: epoch, keepTo, ttlMs, [chunk, fromTick, toTick].
const ADOPT = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 'missing' end
local keepTo = tonumber(ARGV[2])
if #ARGV >= 6 and tonumber(ARGV[5]) ~= keepTo + 1 then return 'gap' end
local ends = redis.call('LRANGE', KEYS[3], 0, -1)
local keep, lastKept = 0, 0
for i, e in ipairs(ends) do
  local n = tonumber(e)
  if n > keepTo then break end
  keep, lastKept = i, n
end
if lastKept ~= keepTo then return 'gap' end
if keep == 0 then
  redis.call('DEL', KEYS[2], KEYS[3])
else
  redis.call('LTRIM', KEYS[2], 0, keep - 1)
  redis.call('LTRIM', KEYS[3], 0, keep - 1)
end
redis.call('HSET', KEYS[1], 'epoch', ARGV[1], 'last', keepTo)
redis.call('HDEL', KEYS[1], 'end', 'endedAt')
if #ARGV >= 6 then
  redis.call('RPUSH', KEYS[2], ARGV[4])
  redis.call('RPUSH', KEYS[3], ARGV[6])
  redis.call('HSET', KEYS[1], 'last', ARGV[6])
end
for i = 1, 4 do redis.call('PEXPIRE', KEYS[i], ARGV[3]) end
return 'ok'
`;

// KEYS: meta. ARGV: epoch, end JSON, end tick, endedAt.
const FINISH = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 'missing' end
if redis.call('HGET', KEYS[1], 'epoch') ~= ARGV[1] then return 'stale' end
if tonumber(redis.call('HGET', KEYS[1], 'last')) ~= tonumber(ARGV[3]) then return 'order' end
redis.call('HSET', KEYS[1], 'end', ARGV[2], 'endedAt', ARGV[4])
return 'ok'
`;

export interface RedisReplayStoreOptions extends ReplayRetention {
  /** Goes inside every hash tag. Default "replays". */
  prefix?: string;
}

export class RedisReplayStore implements ReplayStore {
  private readonly prefix: string;
  private readonly createScript: Script<string>;
  private readonly appendScript: Script<AppendOutcome>;
  private readonly adoptScript: Script<AdoptOutcome>;
  private readonly finishScript: Script<AppendOutcome>;

  constructor(
    private readonly redis: RedisClient,
    private readonly opts: RedisReplayStoreOptions,
  ) {
    this.prefix = opts.prefix ?? 'replays';
    if (/[{}]/.test(this.prefix)) throw new Error('replay store prefix must be free of braces (it goes inside a hash tag)');
    this.createScript = defineScript(redis, 'replayCreate', CREATE);
    this.appendScript = defineScript(redis, 'replayAppend', APPEND);
    this.adoptScript = defineScript(redis, 'replayAdopt', ADOPT);
    this.finishScript = defineScript(redis, 'replayFinish', FINISH);
  }

  private keys(id: string) {
    const tag = `{${this.prefix}:r:${id}}`;
    return { meta: `${tag}:meta`, log: `${tag}:log`, ends: `${tag}:ends`, seats: `${tag}:seats` };
  }

  private get index() {
    const tag = `{${this.prefix}:index}`;
    return { all: `${tag}:all`, public: `${tag}:public` };
  }

  async create(header: ReplayHeader, epoch: string, now: number): Promise<void> {
    const k = this.keys(header.replayId);
    await this.createScript([k.meta], [JSON.stringify(header), epoch, now, this.opts.maxAgeMs]);
    await this.redis.zadd(this.index.all, now, header.replayId);
    if (header.visibility === 'public') await this.redis.zadd(this.index.public, now, header.replayId);
    await this.prune(now);
  }

  async append(replayId: string, epoch: string, chunk: ReplayChunk, seats: readonly ReplaySeat[]): Promise<AppendOutcome> {
    const k = this.keys(replayId);
    const seatArgs = seats.flatMap((s) => [seatKey(s), JSON.stringify(s)]);
    const args = [epoch, chunk.fromTick, chunk.toTick, Buffer.from(chunk.bytes), this.opts.maxAgeMs, ...seatArgs];
    return this.appendScript([k.meta, k.log, k.ends, k.seats], args);
  }

  async adopt(replayId: string, epoch: string, keepTo: number, chunk: ReplayChunk | null): Promise<AdoptOutcome> {
    const k = this.keys(replayId);
    const args: ScriptArg[] = [epoch, keepTo, this.opts.maxAgeMs];
    if (chunk) args.push(Buffer.from(chunk.bytes), chunk.fromTick, chunk.toTick);
    return this.adoptScript([k.meta, k.log, k.ends, k.seats], args);
  }

  async finish(replayId: string, epoch: string, end: ReplayEnd, endedAt: number): Promise<AppendOutcome> {
    return this.finishScript([this.keys(replayId).meta], [epoch, JSON.stringify(end), end.tick, endedAt]);
  }

  async get(replayId: string): Promise<StoredReplay | null> {
    const k = this.keys(replayId);
    // One MULTI on one slot: the log and its chunk ends are read as of the same moment.
    const res = await this.redis.multi().hgetall(k.meta).lrangeBuffer(k.log, 0, -1).lrange(k.ends, 0, -1).hgetall(k.seats).exec();
    if (!res || res.some(([e]) => e)) throw new Error(`reading replay ${replayId} failed`);
    const meta = res[0]![1] as Record<string, string>;
    if (!meta.header) return null;
    const log = res[1]![1] as Buffer[];
    const ends = (res[2]![1] as string[]).map(Number);
    const seats = Object.values(res[3]![1] as Record<string, string>).map((v) => JSON.parse(v) as ReplaySeat);
    let from = 1;
    const chunks: ReplayChunk[] = log.map((bytes, i) => {
      const chunk = { fromTick: from, toTick: ends[i]!, bytes: new Uint8Array(bytes) };
      from = ends[i]! + 1;
      return chunk;
    });
    const endedAt = meta.endedAt ? Number(meta.endedAt) : null;
    return {
      replay: { header: withSeats(JSON.parse(meta.header) as ReplayHeader, seats, endedAt), chunks, end: meta.end ? (JSON.parse(meta.end) as ReplayEnd) : null },
      guestIds: [...new Set(seats.flatMap((s) => (s.guestId === null ? [] : [s.guestId])))],
    };
  }

  async list(limit: number, now: number): Promise<ReplaySummary[]> {
    const ids = await this.redis.zrevrangebyscore(this.index.public, '+inf', now - this.opts.maxAgeMs, 'LIMIT', 0, limit);
    const rows = await Promise.all(
      ids.map(async (id) => {
        const k = this.keys(id);
        const res = await this.redis.multi().hgetall(k.meta).hgetall(k.seats).exec();
        const meta = res?.[0]?.[1] as Record<string, string> | undefined;
        if (!meta?.header) return null;
        const seats = Object.values((res?.[1]?.[1] ?? {}) as Record<string, string>).map((v) => JSON.parse(v) as ReplaySeat);
        const end = meta.end ? (JSON.parse(meta.end) as ReplayEnd) : null;
        return summaryOf(JSON.parse(meta.header) as ReplayHeader, seats, Number(meta.last), end, meta.endedAt ? Number(meta.endedAt) : null);
      }),
    );
    return rows.filter((r): r is ReplaySummary => r !== null);
  }

  private async prune(now: number): Promise<void> {
    const { all } = this.index;
    const old = await this.redis.zrangebyscore(all, '-inf', now - this.opts.maxAgeMs);
    const excess = await this.redis.zrange(all, '0', String(-(this.opts.maxCount + 1)));
    const gone = [...new Set([...old, ...excess])];
    if (gone.length === 0) return;
    await this.redis.zrem(all, ...gone);
    await this.redis.zrem(this.index.public, ...gone);
    await Promise.all(gone.map((id) => this.redis.del(...Object.values(this.keys(id)))));
  }
}
