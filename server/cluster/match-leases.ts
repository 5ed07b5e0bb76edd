/**
 * Who owns a match, with proof: the owner holds a lease (`{match:<id>}:lease`, SET … PX) whose
 * value is its fencing token, and renews it every second in the same script that writes the
 * match's checkpoint (`{match:<id>}:ckpt`). The script writes only while the lease still holds
 * that token, so an owner that was paused, cut off or declared dead cannot overwrite the state of
 * the node that adopted the match: its renewal fails, and it stops.
 *
 * Tokens come from one counter (INCR), so a later owner always has a larger token.
 */
import type { MatchCheckpoint } from '../match/match-host.ts';
import { decodeCheckpoint, encodeCheckpoint } from './checkpoint-codec.ts';
import { defineScript, type RedisClient, type Script } from './redis-script.ts';

const leaseKey = (matchId: string): string => `{match:${matchId}}:lease`;
const checkpointKey = (matchId: string): string => `{match:${matchId}}:ckpt`;
const FENCE_KEY = '{fence}:matches';

/** Renews the lease and writes the checkpoint, only for the holder of the token. */
const RENEW = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
if ARGV[3] ~= '' then redis.call('SET', KEYS[2], ARGV[3], 'PX', ARGV[4]) end
return 1`;

/** Gives the lease up (and the checkpoint, when the match is over), only for its holder. */
const RELEASE = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
if ARGV[2] == '1' then redis.call('DEL', KEYS[2]) end
return 1`;

/** Takes the lease from a node declared dead (or a lapsed one): never from a live holder. */
const SEIZE = `
local v = redis.call('GET', KEYS[1])
if v and string.match(v, '^(.*):[^:]*$') ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
return 1`;

export interface MatchLeasesOptions {
  nodeId: string;
  /** How long a lease lives without renewal: an owner silent this long can be replaced. */
  leaseMs: number;
  /** How long a checkpoint outlives its last write (a match nobody adopts is forgotten). */
  checkpointTtlMs: number;
}

export class MatchLeases {
  private readonly renewScript: Script<number>;
  private readonly releaseScript: Script<number>;
  private readonly seizeScript: Script<number>;
  /** matchId -> this node's token for it */
  private readonly held = new Map<string, string>();

  constructor(
    private readonly redis: RedisClient,
    private readonly opts: MatchLeasesOptions,
  ) {
    this.renewScript = defineScript<number>(redis, 'matchLeaseRenew', RENEW);
    this.releaseScript = defineScript<number>(redis, 'matchLeaseRelease', RELEASE);
    this.seizeScript = defineScript<number>(redis, 'matchLeaseSeize', SEIZE);
  }

  get leaseMs(): number {
    return this.opts.leaseMs;
  }

  holds(matchId: string): boolean {
    return this.held.has(matchId);
  }

  /** Takes the lease if nobody holds it; true when this node owns the match now. */
  async acquire(matchId: string): Promise<boolean> {
    const token = `${this.opts.nodeId}:${await this.redis.incr(FENCE_KEY)}`;
    const ok = await this.redis.set(leaseKey(matchId), token, 'PX', this.opts.leaseMs, 'NX');
    if (ok !== 'OK') return false;
    this.held.set(matchId, token);
    return true;
  }

  /**
   * Takes the lease of a match whose holder, `deadNode`, is known to be dead, without waiting for
   * the lease to run out; also takes a lapsed one. A larger token than the dead node's, so if it
   * was not dead after all, its next renewal fails and it stops (fencing holds).
   */
  async seize(matchId: string, deadNode: string): Promise<boolean> {
    const token = `${this.opts.nodeId}:${await this.redis.incr(FENCE_KEY)}`;
    if ((await this.seizeScript([leaseKey(matchId)], [deadNode, token, this.opts.leaseMs])) !== 1) return false;
    this.held.set(matchId, token);
    return true;
  }

  /**
   * Renews the lease with the match's newest checkpoint. False: another node holds the lease
   * now (this node was too slow or cut off), and this node must stop running the match.
   */
  async renew(matchId: string, checkpoint: MatchCheckpoint | null): Promise<boolean> {
    const token = this.held.get(matchId);
    if (token === undefined) return false;
    const ok = await this.renewScript(
      [leaseKey(matchId), checkpointKey(matchId)],
      [token, this.opts.leaseMs, checkpoint ? encodeCheckpoint(checkpoint) : '', this.opts.checkpointTtlMs],
    );
    if (ok === 1) return true;
    // Our lease ran out. If nobody took it meanwhile (Redis was away), take it back.
    this.held.delete(matchId);
    return this.acquireAgain(matchId, checkpoint);
  }

  /** Gives the lease up: `finished` also deletes the checkpoint (the match is over). */
  async release(matchId: string, finished: boolean): Promise<void> {
    const token = this.held.get(matchId);
    this.held.delete(matchId);
    if (token === undefined) return;
    await this.releaseScript([leaseKey(matchId), checkpointKey(matchId)], [token, finished ? '1' : '0']);
  }

  /** The lease holder's node id, or null when the lease lapsed. */
  async owner(matchId: string): Promise<string | null> {
    const value = await this.redis.get(leaseKey(matchId));
    return value === null ? null : value.slice(0, value.lastIndexOf(':'));
  }

  /**
   * The match's newest checkpoint, or null: none was written (or it expired), or it cannot be
   * read (`unreadable` hears why, so the adopter can say so instead of silently starting over).
   */
  async checkpoint(matchId: string, unreadable?: (message: string) => void): Promise<MatchCheckpoint | null> {
    const bytes = await this.redis.getBuffer(checkpointKey(matchId));
    if (bytes === null) return null;
    const decoded = decodeCheckpoint(bytes);
    if (decoded.ok) return decoded.checkpoint;
    unreadable?.(decoded.message);
    return null;
  }

  /** Forgets a lease without touching Redis (the match was abandoned to another owner). */
  drop(matchId: string): void {
    this.held.delete(matchId);
  }

  private async acquireAgain(matchId: string, checkpoint: MatchCheckpoint | null): Promise<boolean> {
    if (!(await this.acquire(matchId))) return false;
    if (checkpoint) await this.renew(matchId, checkpoint);
    return true;
  }
}
