/**
 * Where replays live while they are recorded and after: one interface, in memory by default
 * (one node), in Redis with REDIS_URL / REDIS_CLUSTER_NODES (server/cluster/redis-replay-store.ts).
 * Both keep the promises of replay-store-contract.ts.
 *
 * Verbs: `create` a replay (its header, and the writer's epoch), `append` the next chunk of its
 * log (only the writer holding the epoch, only the chunk that starts where the log ends),
 * `adopt` it on another node after a failover (cut the log back to the last tick the match's
 * checkpoint covers, add what that checkpoint carried, and take the epoch: the old writer's
 * appends are refused from then on), `finish` it with the results, `get` it whole, `list` the
 * recent public ones, and retention: at most `maxCount` replays, none older than `maxAgeMs`.
 */
import type { Replay, ReplayChunk, ReplayEnd, ReplayHeader, ReplaySummary } from '../../shared/replay/replay-format.ts';

export interface ReplaySeat {
  slot: number;
  nickname: string;
  /** Null for a server bot. */
  guestId: string | null;
}

export type { ReplaySummary };

export interface StoredReplay {
  replay: Replay;
  /** Guests who held a seat: who may fetch a private replay. */
  guestIds: string[];
}

/** 'stale': another writer took the replay over (failover); 'order': the chunk does not start where the log ends. */
export type AppendOutcome = 'ok' | 'missing' | 'stale' | 'order';
/** 'gap': the stored log ends before the tick the adopter continues from. */
export type AdoptOutcome = 'ok' | 'missing' | 'gap';

export interface ReplayRetention {
  maxCount: number;
  maxAgeMs: number;
}

/**
 * In memory, also a bound on the bytes kept, oldest replays first: 200 five-minute 16-player
 * matches would be ~300 MB of logs and checkpoints in the server's heap.
 */
export const MEMORY_REPLAY_BYTES = 128 * 1024 * 1024;

export interface ReplayStore {
  create(header: ReplayHeader, epoch: string, now: number): Promise<void>;
  append(replayId: string, epoch: string, chunk: ReplayChunk, seats: readonly ReplaySeat[]): Promise<AppendOutcome>;
  adopt(replayId: string, epoch: string, keepTo: number, chunk: ReplayChunk | null): Promise<AdoptOutcome>;
  finish(replayId: string, epoch: string, end: ReplayEnd, endedAt: number): Promise<AppendOutcome>;
  get(replayId: string): Promise<StoredReplay | null>;
  /** Public replays, newest first, finished or still recording. */
  list(limit: number, now: number): Promise<ReplaySummary[]>;
}

interface MemoryEntry {
  header: ReplayHeader;
  epoch: string;
  chunks: ReplayChunk[];
  seats: Map<string, ReplaySeat>;
  end: ReplayEnd | null;
  createdAt: number;
  bytes: number;
}

export const seatKey = (s: ReplaySeat): string => (s.guestId === null ? `bot:${s.slot}` : `g:${s.guestId}:${s.slot}`);

/** The header as served: its players are everyone who sat in the match, by slot. */
export function withSeats(header: ReplayHeader, seats: Iterable<ReplaySeat>, endedAt: number | null): ReplayHeader {
  const players = [...seats].map((s) => ({ slot: s.slot, nickname: s.nickname, bot: s.guestId === null })).sort((a, b) => a.slot - b.slot || a.nickname.localeCompare(b.nickname));
  return { ...header, players, endedAt };
}

export function summaryOf(header: ReplayHeader, seats: Iterable<ReplaySeat>, lastTick: number, end: ReplayEnd | null, endedAt: number | null): ReplaySummary {
  return {
    replayId: header.replayId,
    matchId: header.matchId,
    game: header.game,
    mode: header.mode,
    createdAt: header.createdAt,
    endedAt,
    ticks: lastTick,
    tickRate: header.tickRate,
    players: [...seats].map((s) => ({ nickname: s.nickname, bot: s.guestId === null })),
    running: end === null,
  };
}

export class MemoryReplayStore implements ReplayStore {
  private readonly replays = new Map<string, MemoryEntry>();
  private readonly endedAt = new Map<string, number>();
  private bytes = 0;

  constructor(
    private readonly retention: ReplayRetention,
    private readonly maxBytes = MEMORY_REPLAY_BYTES,
  ) {}

  async create(header: ReplayHeader, epoch: string, now: number): Promise<void> {
    this.replays.set(header.replayId, { header, epoch, chunks: [], seats: new Map(), end: null, createdAt: now, bytes: 0 });
    this.prune(now);
  }

  async append(replayId: string, epoch: string, chunk: ReplayChunk, seats: readonly ReplaySeat[]): Promise<AppendOutcome> {
    const e = this.replays.get(replayId);
    if (!e) return 'missing';
    if (e.epoch !== epoch) return 'stale';
    if (chunk.fromTick !== lastTick(e) + 1 || chunk.toTick < chunk.fromTick) return 'order';
    e.chunks.push(copyChunk(chunk));
    this.grow(e, chunk.bytes.length);
    for (const s of seats) e.seats.set(seatKey(s), { ...s });
    if (this.bytes > this.maxBytes) this.prune(e.createdAt);
    return 'ok';
  }

  async adopt(replayId: string, epoch: string, keepTo: number, chunk: ReplayChunk | null): Promise<AdoptOutcome> {
    const e = this.replays.get(replayId);
    if (!e) return 'missing';
    const keep = e.chunks.filter((c) => c.toTick <= keepTo);
    if (lastTickOf(keep) !== keepTo) return 'gap';
    if (chunk && chunk.fromTick !== keepTo + 1) return 'gap';
    e.chunks = chunk ? [...keep, copyChunk(chunk)] : keep;
    this.grow(e, e.chunks.reduce((n, c) => n + c.bytes.length, 0) - e.bytes);
    e.epoch = epoch;
    e.end = null;
    this.endedAt.delete(replayId);
    return 'ok';
  }

  async finish(replayId: string, epoch: string, end: ReplayEnd, endedAt: number): Promise<AppendOutcome> {
    const e = this.replays.get(replayId);
    if (!e) return 'missing';
    if (e.epoch !== epoch) return 'stale';
    if (end.tick !== lastTick(e)) return 'order';
    e.end = end;
    this.endedAt.set(replayId, endedAt);
    return 'ok';
  }

  async get(replayId: string): Promise<StoredReplay | null> {
    const e = this.replays.get(replayId);
    if (!e) return null;
    const endedAt = this.endedAt.get(replayId) ?? null;
    return {
      replay: { header: withSeats(e.header, e.seats.values(), endedAt), chunks: e.chunks.map(copyChunk), end: e.end },
      guestIds: [...new Set([...e.seats.values()].flatMap((s) => (s.guestId === null ? [] : [s.guestId])))],
    };
  }

  async list(limit: number, now: number): Promise<ReplaySummary[]> {
    this.prune(now);
    const out: ReplaySummary[] = [];
    for (const e of [...this.replays.values()].reverse()) {
      if (out.length >= limit) break;
      if (e.header.visibility !== 'public') continue;
      out.push(summaryOf(e.header, e.seats.values(), lastTick(e), e.end, this.endedAt.get(e.header.replayId) ?? null));
    }
    return out;
  }

  private grow(e: MemoryEntry, by: number): void {
    e.bytes += by;
    this.bytes += by;
  }

  private prune(now: number): void {
    // Map order is creation order: the oldest come first. The newest always stays.
    for (const [id, e] of this.replays) {
      const over = this.replays.size > this.retention.maxCount || e.createdAt <= now - this.retention.maxAgeMs || (this.bytes > this.maxBytes && this.replays.size > 1);
      if (!over) break;
      this.replays.delete(id);
      this.endedAt.delete(id);
      this.bytes -= e.bytes;
    }
  }
}

const lastTickOf = (chunks: readonly ReplayChunk[]): number => chunks.at(-1)?.toTick ?? 0;
const lastTick = (e: MemoryEntry): number => lastTickOf(e.chunks);
const copyChunk = (c: ReplayChunk): ReplayChunk => ({ fromTick: c.fromTick, toTick: c.toTick, bytes: c.bytes.slice() });
