/**
 * The match directory in Redis. Entries are stored as the JSON the node wrote (the store reads no
 * field but `listing.matchId` and, on removal, `visibility`, so the listing can grow freely).
 *
 * Each put or remove is one script: write the entry, INCR the version, append the change to a
 * capped stream keyed by version, and publish it. Because the script is atomic and all directory
 * keys share one slot, publication order is version order, and the stream lets a subscriber that
 * lost its connection replay exactly what it missed (see redis-directory-feed.ts).
 *
 * The publish command is PUBLISH on a standalone server and SPUBLISH on a cluster: a classic
 * PUBLISH on a cluster is broadcast over the cluster bus to every shard, while a sharded channel
 * lives on the shard owning its slot, which is the shard the script already runs on.
 */
import type { DirectoryChange, DirectoryEntry, MatchDirectory } from '../lobby/stores/index.ts';
import { DirectoryFeed } from './redis-directory-feed.ts';
import type { LobbyKeys } from './redis-keys.ts';
import { defineScript, type RedisClient, type Script } from './redis-script.ts';

// KEYS: entries, version, log, channel. ARGV: matchId, entry JSON, publish command, log length.
// The change is assembled by concatenation so the entry's JSON goes out byte for byte as written.
const PUT = `
local existed = redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
local version = redis.call('INCR', KEYS[2])
local change = '{"type":"' .. (existed and 'updated' or 'created') .. '","version":' .. string.format('%d', version) .. ',"entry":' .. ARGV[2] .. '}'
redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[4], string.format('%d-0', version), 'c', change)
redis.call(ARGV[3], KEYS[4], change)
return version
`;

// KEYS: entries, version, log, channel. ARGV: matchId, publish command, log length.
const REMOVE = `
local old = redis.call('HGET', KEYS[1], ARGV[1])
if not old then return false end
redis.call('HDEL', KEYS[1], ARGV[1])
local version = redis.call('INCR', KEYS[2])
local visibility = cjson.decode(old).visibility
local change = '{"type":"removed","version":' .. string.format('%d', version) .. ',"matchId":' .. cjson.encode(ARGV[1]) .. ',"visibility":' .. cjson.encode(visibility) .. '}'
redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[3], string.format('%d-0', version), 'c', change)
redis.call(ARGV[2], KEYS[4], change)
return version
`;

// KEYS: entries, version. One script, so the entries are exactly those at the version returned.
const LIST = `
return {redis.call('GET', KEYS[2]) or '0', redis.call('HVALS', KEYS[1])}
`;

export interface RedisMatchDirectoryOptions {
  /** Publish with SPUBLISH and subscribe with SSUBSCRIBE (Redis Cluster). */
  sharded: boolean;
  /** How many changes the stream keeps for subscribers that reconnect. */
  changeLogLength: number;
  onError(error: Error): void;
}

export class RedisMatchDirectory implements MatchDirectory {
  private readonly putScript: Script<number>;
  private readonly removeScript: Script<number | null>;
  private readonly listScript: Script<[string, string[]]>;
  private readonly feed: DirectoryFeed;
  private readonly publish: string;

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: LobbyKeys['dir'],
    private readonly options: RedisMatchDirectoryOptions,
  ) {
    this.putScript = defineScript(redis, 'lobbyDirectoryPut', PUT);
    this.removeScript = defineScript(redis, 'lobbyDirectoryRemove', REMOVE);
    this.listScript = defineScript(redis, 'lobbyDirectoryList', LIST);
    this.publish = options.sharded ? 'SPUBLISH' : 'PUBLISH';
    this.feed = new DirectoryFeed({ redis, keys, sharded: options.sharded, onError: options.onError });
  }

  async put(entry: DirectoryEntry): Promise<number> {
    const k = this.keys;
    return this.putScript(
      [k.entries, k.version, k.log, k.channel],
      [entry.listing.matchId, JSON.stringify(entry), this.publish, this.options.changeLogLength],
    );
  }

  async remove(matchId: string): Promise<number | null> {
    const k = this.keys;
    return this.removeScript([k.entries, k.version, k.log, k.channel], [matchId, this.publish, this.options.changeLogLength]);
  }

  async get(matchId: string): Promise<DirectoryEntry | null> {
    const json = await this.redis.hget(this.keys.entries, matchId);
    return json === null ? null : (JSON.parse(json) as DirectoryEntry);
  }

  async list(): Promise<{ version: number; entries: DirectoryEntry[] }> {
    const [version, entries] = await this.listScript([this.keys.entries, this.keys.version], []);
    return { version: Number(version), entries: entries.map((json) => JSON.parse(json) as DirectoryEntry) };
  }

  subscribe(listener: (change: DirectoryChange) => void): () => void {
    return this.feed.add(listener);
  }

  /** Closes the subscriber connection, if one is open; listeners hear nothing more. */
  close(): void {
    this.feed.close();
  }
}
