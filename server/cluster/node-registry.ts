/**
 * Which game nodes are alive, and how loaded: what matchmaking needs to place a match near its
 * players and what failover needs to notice a dead owner. A node holds a lease that it renews
 * with each heartbeat; a node that stops heartbeating (crashed, partitioned, paused) drops out of
 * the list when its lease runs out, with nobody having to declare it dead.
 *
 * Redis: one key per node set with PX (the lease is the key's TTL, so Redis' clock is the only
 * one that counts), plus an index set to enumerate them; both under the `{p:node}` tag.
 */
import type { Clock } from '../clock.ts';
import type { LobbyKeys } from './redis-keys.ts';
import { lobbyKeys } from './redis-keys.ts';
import { defineScript, type RedisClient, type Script } from './redis-script.ts';

export interface NodeInfo {
  /** Where players can reach this node directly, if they can. */
  url?: string;
  load: { players: number; matches: number };
  /** Epoch ms. */
  startedAt: number;
}

export interface LiveNode extends NodeInfo {
  nodeId: string;
}

export interface NodeRegistry {
  /** Announces the node, or replaces its record, with a fresh lease. */
  register(nodeId: string, info: NodeInfo): Promise<void>;
  /**
   * Renews the lease and updates the info. False when the lease had already run out: others may
   * have counted the node dead (and adopted its matches), so it has to register again rather than
   * carry on as if nothing happened.
   */
  heartbeat(nodeId: string, info: NodeInfo): Promise<boolean>;
  /** Nodes whose lease is running, by nodeId. */
  list(): Promise<LiveNode[]>;
  /** Withdraws the node at once (a clean shutdown), without waiting for its lease to run out. */
  remove(nodeId: string): Promise<void>;
}

export class MemoryNodeRegistry implements NodeRegistry {
  private readonly nodes = new Map<string, { node: LiveNode; expiresAt: number }>();

  constructor(private readonly opts: { leaseMs: number; now: Clock }) {}

  async register(nodeId: string, info: NodeInfo): Promise<void> {
    this.nodes.set(nodeId, { node: record(nodeId, info), expiresAt: this.opts.now() + this.opts.leaseMs });
  }

  async heartbeat(nodeId: string, info: NodeInfo): Promise<boolean> {
    if (!this.alive(nodeId)) return false;
    await this.register(nodeId, info);
    return true;
  }

  async list(): Promise<LiveNode[]> {
    return [...this.nodes.keys()]
      .filter((id) => this.alive(id))
      .sort()
      .map((id) => structuredClone(this.nodes.get(id)!.node));
  }

  async remove(nodeId: string): Promise<void> {
    this.nodes.delete(nodeId);
  }

  private alive(nodeId: string): boolean {
    const held = this.nodes.get(nodeId);
    if (held && held.expiresAt <= this.opts.now()) this.nodes.delete(nodeId);
    return this.nodes.has(nodeId);
  }
}

// KEYS: node key, index. ARGV: nodeId, record JSON, leaseMs, mode ('register' or 'renew').
const PUT = `
if ARGV[4] == 'renew' then
  if not redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3], 'XX') then return 0 end
else
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
end
redis.call('SADD', KEYS[2], ARGV[1])
return 1
`;

// KEYS: index. ARGV: the node keys' prefix (same tag, so same slot as the index). The records of
// the nodes whose lease runs, in index order; ids whose record lapsed leave the index.
const LIST = `
local records = {}
for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local record = redis.call('GET', ARGV[1] .. id)
  if record then records[#records + 1] = record else redis.call('SREM', KEYS[1], id) end
end
return records
`;

// KEYS: node key, index. ARGV: nodeId.
const REMOVE = `
redis.call('DEL', KEYS[1])
redis.call('SREM', KEYS[2], ARGV[1])
return 0
`;

export class RedisNodeRegistry implements NodeRegistry {
  private readonly keys: LobbyKeys['node'];
  private readonly putScript: Script<0 | 1>;
  private readonly listScript: Script<string[]>;
  private readonly removeScript: Script<number>;

  constructor(
    private readonly redis: RedisClient,
    private readonly opts: { leaseMs: number; prefix?: string },
  ) {
    this.keys = lobbyKeys(opts.prefix).node;
    this.putScript = defineScript(redis, 'lobbyNodePut', PUT);
    this.listScript = defineScript(redis, 'lobbyNodeList', LIST);
    this.removeScript = defineScript(redis, 'lobbyNodeRemove', REMOVE);
  }

  async register(nodeId: string, info: NodeInfo): Promise<void> {
    await this.put(nodeId, info, 'register');
  }

  async heartbeat(nodeId: string, info: NodeInfo): Promise<boolean> {
    return (await this.put(nodeId, info, 'renew')) === 1;
  }

  /**
   * One script (the index and the records share a tag, so a slot): every node reads the registry
   * twice a second and more, and SMEMBERS then MGET were two round trips each time.
   */
  async list(): Promise<LiveNode[]> {
    const records = await this.listScript([this.keys.index], [this.keys.node('')]);
    return records.map((json) => JSON.parse(json) as LiveNode).sort((a, b) => (a.nodeId < b.nodeId ? -1 : a.nodeId > b.nodeId ? 1 : 0));
  }

  async remove(nodeId: string): Promise<void> {
    await this.removeScript([this.keys.node(nodeId), this.keys.index], [nodeId]);
  }

  private put(nodeId: string, info: NodeInfo, mode: 'register' | 'renew'): Promise<0 | 1> {
    return this.putScript(
      [this.keys.node(nodeId), this.keys.index],
      [nodeId, JSON.stringify(record(nodeId, info)), Math.max(1, Math.round(this.opts.leaseMs)), mode],
    );
  }
}

function record(nodeId: string, info: NodeInfo): LiveNode {
  const node: LiveNode = { nodeId, load: { players: info.load.players, matches: info.load.matches }, startedAt: info.startedAt };
  if (info.url !== undefined) node.url = info.url;
  return node;
}
