/**
 * A node's cluster parts, built in the order they depend on each other (REDIS_URL or
 * REDIS_CLUSTER_NODES; without either a node has none of this):
 *
 * 1. `connectCluster`: the Redis connections, the lobby's Redis stores, the node registry, the
 *    node bus and the adapter, plus the match layer's port (`ClusterPort`);
 * 2. `routeMatches`: this node's connections to matches other nodes own, and the ports through
 *    which the lobby and the /match namespace reach those owners;
 * 3. `createNode`: the cluster node itself (leases, checkpoints, adoption, answering other nodes).
 *
 * The one loop in the graph: the cluster node needs the match registry and the matchmaker, and
 * those (with the tick scheduler and placement) need answers from the node: hold the ticks after
 * a stall, checkpoint a new match, release a lease, place a group on another node. They are built
 * on the port, and `createNode` binds the node to it in the same synchronous step that builds it,
 * before the server listens, so nothing ever asks the port an unbound question.
 */
import { createShardedAdapter } from '@socket.io/redis-adapter';
import type { Config } from '../config.ts';
import type { Logger } from '../log.ts';
import type { LobbyStores, QueueEntry } from '../lobby/stores/index.ts';
import type { RemoteMatchPort } from '../lobby/placement.ts';
import type { GameRegistry } from '../match/game-registry.ts';
import type { MatchHost } from '../match/match-host.ts';
import type { MatchRegistry } from '../match/match-registry.ts';
import type { Metrics } from '../metrics.ts';
import type { MatchRouting } from '../net/match-namespace.ts';
import type { MatchNamespace } from '../net/types.ts';
import { ClusterNode } from './cluster-node.ts';
import { NodeBus, type BusRefusal } from './node-bus.ts';
import { RedisNodeRegistry } from './node-registry.ts';
import { connectRedis, type RedisConnections } from './redis-connect.ts';
import { createRedisStores } from './redis-stores.ts';
import { relayKillcam } from './killcam-relay.ts';
import { RemoteMatches, unavailable } from './remote-matches.ts';

/** What the match layer asks of the cluster node (see the opening comment). */
export interface ClusterPort {
  /** The scheduler's hold: true while this node's leases are unchecked after a stall. */
  hold(): boolean;
  /** The match's lease and a checkpoint now (a new match, a claimed seat). */
  persist(host: MatchHost): Promise<void>;
  /** The match is gone from this node: its lease goes too. */
  disposed(host: MatchHost): void;
  /** Opens the group's match on a better node; true when another node did. */
  placeElsewhere(mode: string, group: QueueEntry[]): Promise<boolean>;
}

export interface ClusterLink {
  redis: RedisConnections;
  /** The lobby's Redis stores, or the ones the caller gave. */
  stores: LobbyStores;
  nodes: RedisNodeRegistry;
  bus: NodeBus;
  port: ClusterPort;
  /** The socket.io adapter that carries room events, chat and lobby notices between the nodes. */
  adapter: ReturnType<typeof createShardedAdapter>;
  /** Binds the port; once only (createNode does it). */
  bind(node: ClusterNode): void;
  close(): Promise<void>;
}

export interface ClusterLinkDeps {
  metrics: Metrics;
  log: Logger;
  clock: () => number;
  /** Stores to use instead of Redis ones (tests). */
  stores?: LobbyStores;
}

export function connectCluster(config: Pick<Config, 'nodeId'> & { redis: NonNullable<Config['redis']> }, deps: ClusterLinkDeps): ClusterLink {
  const { metrics, log } = deps;
  const redis = connectRedis(config.redis, config.nodeId);
  const lobby = lobbyStores(redis, deps.stores, log);
  // One node registry for the cluster node's heartbeats and the lobby's online count.
  const nodes = new RedisNodeRegistry(redis.commands, { leaseMs: 2500 });
  const bus = new NodeBus({
    nodeId: config.nodeId,
    publisher: redis.publisher,
    subscriber: redis.subscriber(),
    clock: deps.clock,
    onError: (e) => log.debug({ err: e }, 'node bus'),
    onPublish: (kind, n) => metrics.clusterPublishBytes.inc({ kind }, n),
    onInputRelayed: (ms) => metrics.inputRelayLatency.observe(ms / 1000),
    onRefused: (refusal) => refused(refusal, metrics, log),
  });
  // The sharded adapter (Redis 7 SPUBLISH/SSUBSCRIBE, dynamic: a node subscribes only to the rooms
  // it has sockets in).
  const adapterPub = redis.adapterPublisher((n) => metrics.clusterPublishBytes.inc({ kind: 'adapter' }, n));
  const adapter = createShardedAdapter(adapterPub, redis.adapterSubscriber(), { subscriptionMode: 'dynamic' });

  let node: ClusterNode | null = null;
  const port: ClusterPort = {
    // Before createNode binds it (nothing runs then) the port answers as a single node would.
    hold: () => node?.hold() ?? false,
    persist: async (host) => node?.persist(host),
    disposed: (host) => node?.hooks.disposed(host),
    placeElsewhere: async (mode, group) => (node ? node.placeElsewhere(mode, group) : false),
  };
  return {
    redis,
    stores: lobby.stores,
    nodes,
    bus,
    port,
    adapter,
    bind(bound) {
      if (node) throw new Error('the cluster port is bound already');
      node = bound;
    },
    close: async () => {
      bus.close();
      lobby.close();
      await redis.close();
    },
  };
}

/** The lobby's stores in Redis, unless the caller brought its own (which it closes itself). */
function lobbyStores(redis: RedisConnections, given: LobbyStores | undefined, log: Logger): { stores: LobbyStores; close(): void } {
  if (given) return { stores: given, close: () => undefined };
  const own = createRedisStores(redis.commands, { onError: (e) => log.warn({ err: e }, 'lobby stores') });
  return { stores: own, close: () => own.close() };
}

/** A refused bus message: counted by frame and kind, logged with the refusal `code` (throttled, log.ts). */
function refused(refusal: BusRefusal, metrics: Metrics, log: Logger): void {
  metrics.busRefused.inc({ frame: refusal.frame, kind: refusal.kind });
  log.warn({ code: 'BUS_REFUSED', frame: refusal.frame, kind: refusal.kind, from: refusal.from, reason: refusal.reason }, 'refused a node bus message');
}

export interface MatchRoutes {
  remote: RemoteMatches;
  /** The lobby's way to seat guests in matches other nodes own. */
  lobby: RemoteMatchPort;
  /** The /match namespace's way to matches other nodes own. */
  match: MatchRouting;
}

export function routeMatches(
  link: ClusterLink,
  deps: { nodeId: string; nsp: MatchNamespace; games: GameRegistry; metrics: Metrics; log: Logger; keyframeEveryTicks: number; spectatorDelayTicks?: number },
): MatchRoutes {
  const { bus, stores } = link;
  const remote = new RemoteMatches({ ...deps, bus });
  const locate = (matchId: string) => stores.directory.get(matchId);
  return {
    remote,
    lobby: {
      nodeId: deps.nodeId,
      locate,
      claim: (node, matchId, guest) => bus.request(node, 'claim', { matchId, guest: { guestId: guest.guestId, nickname: guest.nickname } }),
      release: async (node, matchId, guestId) => void (await bus.request(node, 'release', { matchId, guestId })),
    },
    match: {
      nodeId: deps.nodeId,
      locate,
      remote,
      ask: (node, { matchId, guestId }) => bus.request(node, 'start', { matchId: matchId ?? '', guestId }).catch((e: unknown) => unavailable(e)),
      killcam: (node, body) => relayKillcam(() => bus.request(node, 'killcam', body), { owner: node, matchId: body.matchId, log: deps.log }),
    },
  };
}

export interface NodeDeps {
  config: Pick<Config, 'nodeId' | 'publicUrl' | 'deadNodePollMs'>;
  routes: MatchRoutes;
  registry: MatchRegistry;
  nsp: MatchNamespace;
  metrics: Metrics;
  log: Logger;
  /** Players connected to this node. */
  players: () => number;
  /** Opens a quick-play match here for a group another node popped. */
  openGroup: (mode: string, group: QueueEntry[]) => Promise<string | null>;
  /** Resolves when the lobby stores know of every change this node made to the match. */
  settled: (matchId: string) => Promise<void>;
}

/** Builds the cluster node and binds the port to it (see the opening comment). */
export function createNode(link: ClusterLink, deps: NodeDeps): ClusterNode {
  const node = new ClusterNode({
    nodeId: deps.config.nodeId,
    publicUrl: deps.config.publicUrl,
    deadNodePollMs: deps.config.deadNodePollMs,
    redis: link.redis,
    bus: link.bus,
    stores: link.stores,
    nodes: link.nodes,
    registry: deps.registry,
    remote: deps.routes.remote,
    nsp: deps.nsp,
    metrics: deps.metrics,
    log: deps.log,
    players: deps.players,
    openGroup: deps.openGroup,
    settled: deps.settled,
  });
  link.bind(node);
  return node;
}
