/**
 * Assembles one game server node: HTTP routes, socket.io with the binary wire parser, the tick
 * scheduler and the match registry. Everything is created here and passed down: no module
 * state, so a test can run several servers in one process.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server, type Namespace } from 'socket.io';
import { ErrorCode, type AckResult } from '../shared/protocol/errors.ts';
import { Namespaces, type MatchClientEvents, type MatchServerEvents } from '../shared/protocol/events.ts';
import { wireParser } from '../shared/protocol/wire.ts';
import { createGuestRoute, GUEST_PATH } from './http/guest-route.ts';
import { createRenewRoute, RENEW_PATH } from './http/renew-route.ts';
import { requireGuest } from './auth/handshake.ts';
import { createTokenService } from './auth/tokens.ts';
import { monotonicClock, type Clock } from './clock.ts';
import type { AnyGame } from '../shared/game/game-definition.ts';
import type { Config } from './config.ts';
import { GAMES } from './games.ts';
import { createRequestHandler } from './http/routes.ts';
import { createAdminUiRoute, isAdminUiPath } from './http/admin-ui-route.ts';
import { ADMIN_NAMESPACE, installAdminUi } from './ops/admin-ui.ts';
import { ChatGate } from './lobby/chat.ts';
import { createDirectorySync } from './lobby/directory-sync.ts';
import { LobbyService } from './lobby/lobby-service.ts';
import { Matchmaker } from './lobby/matchmaker.ts';
import { Placement } from './lobby/placement.ts';
import { createMemoryStores, type LobbyStores } from './lobby/stores/index.ts';
import { createLogger, type Logger } from './log.ts';
import { GameRegistry } from './match/game-registry.ts';
import { MatchRegistry } from './match/match-registry.ts';
import { TickScheduler } from './match/scheduler.ts';
import { createMetrics, type Metrics } from './metrics.ts';
import { jsonBaselineParser } from './net/json-baseline.ts';
import { startListFeed } from './net/list-feed.ts';
import { startOnlineFeed } from './net/online-feed.ts';
import { attachLobbyNamespace, notifyMatched } from './net/lobby-namespace.ts';
import { attachMatchNamespace } from './net/match-namespace.ts';
import { matchRoomPorts } from './net/match-room.ts';
import { installNetSim } from './net/net-sim.ts';
import { createAdmission, type EngineConnection } from './net/admission.ts';
import { countDisconnects } from './net/disconnect-stats.ts';
import { engineCors } from './net/engine-cors.ts';
import { createOriginPolicy } from './net/origin-policy.ts';
import { createMetricsServer } from './http/metrics-route.ts';
import { createSecurityHeaders, type SecurityHeaders } from './http/security-headers.ts';
import { closeMainNamespace } from './net/main-namespace.ts';
import { installEngineGuard } from './net/engine-guard.ts';
import { installSendBufferCap } from './net/send-buffer-cap.ts';
import { createShardedAdapter } from '@socket.io/redis-adapter';
import { ClusterNode } from './cluster/cluster-node.ts';
import { NodeBus } from './cluster/node-bus.ts';
import { RedisNodeRegistry } from './cluster/node-registry.ts';
import { connectRedis, type RedisConnections } from './cluster/redis-connect.ts';
import { createRedisStores } from './cluster/redis-stores.ts';
import { RemoteMatches, unavailable } from './cluster/remote-matches.ts';
import type { RemoteMatchPort } from './lobby/placement.ts';
import type { MatchRouting } from './net/match-namespace.ts';
import type { LobbyNamespace, MatchNamespace, MatchSocketData } from './net/types.ts';

export interface GameServer {
  http: HttpServer;
  io: Server;
  /** Response headers by path: a section of the site (the Admin UI) may register its own set. */
  security: SecurityHeaders;
  metrics: Metrics;
  log: Logger;
  registry: MatchRegistry;
  listen(): Promise<AddressInfo>;
  /**
   * Stops taking players (readyz answers 503, the lobby answers SERVER_DRAINING), lets running
   * matches finish for up to `timeoutMs`, then closes. Resolves with the matches cut short.
   */
  drain(timeoutMs: number): Promise<number>;
  close(): Promise<void>;
}

export interface GameServerOptions {
  clock?: Clock;
  log?: Logger;
  /** The lobby's shared state; defaults to in-memory stores (one node). */
  stores?: LobbyStores;
  /** The games this node runs; defaults to server/games.ts (a benchmark adds its own game here). */
  games?: readonly AnyGame[];
}

export function createGameServer(config: Config, opts: GameServerOptions = {}): GameServer {
  const clock = opts.clock ?? monotonicClock;
  const log = opts.log ?? createLogger(config);
  const metrics = createMetrics();
  // Cluster mode (REDIS_URL or REDIS_CLUSTER_NODES): the lobby's state lives in Redis and the
  // nodes talk through it; without it, one node with everything in memory.
  const redis: RedisConnections | null = config.redis ? connectRedis(config.redis, config.nodeId) : null;
  const redisStores = redis && !opts.stores ? createRedisStores(redis.commands, { onError: (e) => log.warn({ err: e }, 'lobby stores') }) : null;
  const stores = opts.stores ?? redisStores ?? createMemoryStores();
  let accepting = true;
  const isAccepting = (): boolean => accepting;

  const scheduler = new TickScheduler({
    tickRate: config.tickRate,
    clock,
    onTick: ({ durationMs, latenessMs }) => {
      metrics.tickDuration.observe(durationMs / 1000);
      metrics.tickLateness.observe(latenessMs / 1000);
    },
    onSkip: (n) => metrics.ticksSkipped.inc(n),
    onError: (error) => log.error({ err: error }, 'tick failed'),
    hold: () => cluster?.hold() ?? false,
  });

  const http = createServer();
  // Who may connect: pages of allowed origins (or none: bots, tools), within the per-address cap.
  const origins = createOriginPolicy({ corsOrigins: config.corsOrigins, publicUrl: config.publicUrl });
  const admission = createAdmission({ origins, trust: config.trustProxy, maxPerAddress: config.maxConnectionsPerAddress, metrics, log });
  const io = new Server<MatchClientEvents, MatchServerEvents, {}, MatchSocketData>(http, {
    // WIRE_FORMAT=json: the plain-JSON baseline, only for measuring against (net/json-baseline.ts).
    parser: config.wireFormat === 'json' ? jsonBaselineParser : wireParser,
    maxHttpBufferSize: config.maxPayloadBytes,
    serveClient: false,
    path: config.socketPath,
    transports: config.transports,
    pingInterval: config.pingIntervalMs,
    pingTimeout: config.pingTimeoutMs,
    connectTimeout: config.connectTimeoutMs,
    allowRequest: (req, callback) => admission.allowRequest(req, callback),
  });
  // CORS for long-polling, decided with the request in hand (net/engine-cors.ts).
  io.engine.use(engineCors(origins));
  // Polling answers carry player-written text (chat): no browser may sniff them into HTML.
  io.engine.on('headers', (headers: Record<string, string>) => {
    headers['X-Content-Type-Options'] = 'nosniff';
  });
  // The sharded adapter (Redis 7 SPUBLISH/SSUBSCRIBE, dynamic: a node subscribes only to the rooms
  // it has sockets in) carries room events, chat and lobby notices between the nodes.
  if (redis) {
    const adapterPub = redis.adapterPublisher((n) => metrics.clusterPublishBytes.inc({ kind: 'adapter' }, n));
    io.adapter(createShardedAdapter(adapterPub, redis.subscriber(), { subscriptionMode: 'dynamic' }));
  }
  // The socket.io Admin UI (ADMIN_UI_USER and ADMIN_UI_PASSWORD_HASH): after the adapter, see ops/admin-ui.ts.
  const adminUi = config.adminUi ? installAdminUi(io as unknown as Server, { config: config.adminUi, nodeId: config.nodeId, metrics, log, redis: redis?.commands ?? null }) : null;
  const adminRoute = config.adminUi
    ? createAdminUiRoute({ socketPath: io.path(), namespace: ADMIN_NAMESPACE, wsOnly: !(io.engine.opts.transports ?? ['polling']).includes('polling') })
    : null;
  // DEV_TOOLS: the simulator is installed (at 0 ms unless configured) so /api/dev/netsim can change it.
  const netSim = config.netSim ?? (config.devTools ? { latencyMs: 0, jitterMs: 0 } : null);
  if (netSim) {
    installNetSim(io, netSim);
    log.warn(netSim, 'network simulator on: every packet is delayed');
  }

  // Guests: tokens from POST /api/guest, checked at the handshake of both namespaces.
  // Without a configured secret, tokens only need to outlive this process (config refuses this with REDIS_URL).
  const secret = config.authSecret === null ? randomBytes(32) : new TextEncoder().encode(config.authSecret);
  const tokens = createTokenService({ secret, ttlS: config.authTokenTtlS });
  const matchNsp = io.of(Namespaces.match) as unknown as MatchNamespace;
  const lobbyNsp = io.of(Namespaces.lobby) as unknown as LobbyNamespace;
  // A new lobby connection is refused while draining or full; /match stays open to the players
  // of the matches running here (they come back to their seats).
  const socketAddress = (socket: { conn: { request: IncomingMessage } }): string => admission.addressOf(socket.conn.request);
  matchNsp.use(requireGuest(tokens, { metrics, log, addressOf: socketAddress }));
  lobbyNsp.use(
    requireGuest(tokens, {
      metrics,
      log,
      addressOf: socketAddress,
      admit: () =>
        !accepting
          ? { code: ErrorCode.ServerDraining, message: 'this node is shutting down: connect to another one' }
          : io.engine.clientsCount > config.maxConnections
            ? { code: ErrorCode.ServerFull, message: 'this node is full: try another one, or again in a minute' }
            : null,
    }),
  );
  closeMainNamespace(io.of('/'), { metrics, log, namespaces: [Namespaces.lobby, Namespaces.match] });
  // Under the namespaces' packet guards: one connection carries both namespaces, each with its own
  // budget, so the connection's engine.io packets get three budgets' worth.
  installEngineGuard(io, { packetsPerSecond: config.packetsPerSecond * 3, namespaces: [Namespaces.lobby, Namespaces.match], metrics, log });
  installSendBufferCap(io, { maxBytes: config.sendBufferCapBytes, metrics, log });
  const guestRoute = createGuestRoute({
    tokens,
    nicknames: stores.nicknames,
    perMinute: config.guestPerMinute,
    metrics,
    log,
    origins,
    addressOf: admission.addressOf,
  });
  const renewRoute = createRenewRoute({ tokens, nicknames: stores.nicknames, perMinute: config.guestPerMinute, graceS: config.authRenewGraceS, metrics, log, origins, addressOf: admission.addressOf });

  // Matches: the games, the matches this node runs, and the lobby stores kept in step with them.
  const games = new GameRegistry(opts.games ?? GAMES, config);
  const sync = createDirectorySync({ stores, nodeId: config.nodeId, log });
  const keyframeEveryTicks = Math.max(1, Math.round(config.keyframeIntervalS * config.tickRate));
  const bus = redis
    ? new NodeBus({
        nodeId: config.nodeId,
        publisher: redis.publisher,
        subscriber: redis.subscriber(),
        clock,
        onError: (e) => log.debug({ err: e }, 'node bus'),
        onPublish: (kind, n) => metrics.clusterPublishBytes.inc({ kind }, n),
        onInputRelayed: (ms) => metrics.inputRelayLatency.observe(ms / 1000),
      })
    : null;
  const remote = bus ? new RemoteMatches({ nsp: matchNsp, bus, games, metrics, log, keyframeEveryTicks }) : null;
  let cluster: ClusterNode | null = null;
  const registry = new MatchRegistry({
    games,
    scheduler,
    metrics,
    log,
    clock,
    matchSeed: config.matchSeed,
    timing: {
      tickRate: config.tickRate,
      snapshotEvery: config.snapshotEvery,
      keyframeIntervalS: config.keyframeIntervalS,
      countdownMs: config.countdownMs,
      graceMs: config.reconnectGraceMs,
      endedLingerMs: config.endedLingerMs,
      inputQueueSize: config.inputQueueSize,
      maxSpectators: config.maxSpectators,
    },
    ports: (matchId) => matchRoomPorts(matchNsp, matchId, bus),
    hooks: {
      ...sync,
      disposed: (host) => {
        sync.disposed(host);
        cluster?.hooks.disposed(host);
      },
    },
  });

  // The lobby: placement, quick play and the requests players make.
  const placement = new Placement({ stores, registry, sync, log, persist: async (host) => cluster?.persist(host) });
  const matchmaker = new Matchmaker({
    queue: stores.queue,
    games,
    placement,
    botFill: config.botFill,
    queueWaitMs: config.queueWaitMs,
    now: clock,
    log,
    notify: (guestId, seat) => notifyMatched(lobbyNsp, guestId, seat),
    accepting: isAccepting,
    placeElsewhere: bus ? (mode, group) => cluster!.placeElsewhere(mode, group) : null,
  });
  const remotePort: RemoteMatchPort | null = bus
    ? {
        nodeId: config.nodeId,
        locate: (matchId) => stores.directory.get(matchId),
        claim: (node, matchId, guest) => bus.request<number | null>(node, { kind: 'claim', matchId, guest }),
        release: async (node, matchId, guestId) => void (await bus.request(node, { kind: 'release', matchId, guestId })),
      }
    : null;
  const routing: MatchRouting | null =
    bus && remote
      ? {
          nodeId: config.nodeId,
          locate: (matchId) => stores.directory.get(matchId),
          remote,
          ask: (node, body) => bus.request<AckResult>(node, body).catch((e: unknown) => unavailable(e)),
        }
      : null;
  // One node registry for the cluster node's heartbeats and the lobby's online count.
  const nodeRegistry = redis ? new RedisNodeRegistry(redis.commands, { leaseMs: 2500 }) : null;
  if (redis && bus && remote && nodeRegistry) {
    cluster = new ClusterNode({
      nodeId: config.nodeId,
      publicUrl: config.publicUrl,
      redis,
      bus,
      stores,
      nodes: nodeRegistry,
      registry,
      remote,
      nsp: matchNsp,
      metrics,
      log,
      players: () => io.engine.clientsCount,
      openGroup: (mode, group) => matchmaker.formHere(mode, group),
      settled: (matchId) => sync.settled(matchId),
    });
  }
  const service = new LobbyService({
    nodeId: config.nodeId,
    remote: remotePort,
    stores,
    registry,
    placement,
    matchmaker,
    sync,
    games,
    maxPlayersPerMatch: config.maxPlayersPerMatch,
    now: clock,
    log,
    accepting: isAccepting,
  });
  const chat = new ChatGate({ maxLength: config.chatMaxLength, burst: config.chatBurst, intervalMs: config.chatIntervalMs, now: clock });

  // Players online: this node's count, or the cluster's from the node registry.
  let online: ReturnType<typeof startOnlineFeed> | null = null;
  const countOnline = async () => {
    if (!nodeRegistry) return { players: io.engine.clientsCount, nodes: 1 };
    const nodes = await nodeRegistry.list();
    return { players: nodes.reduce((n, node) => n + node.load.players, 0), nodes: nodes.length };
  };

  // The two namespaces, side by side (server/net).
  attachLobbyNamespace(lobbyNsp, {
    greet: (socket) => online?.greet(socket),
    service,
    directory: stores.directory,
    chat,
    games,
    maxPlayersPerMatch: config.maxPlayersPerMatch,
    packetsPerSecond: config.packetsPerSecond,
    metrics,
    log,
  });
  attachMatchNamespace(matchNsp, { config, registry, routing, seats: stores.seats, sync, chat, metrics, log, clock });
  for (const nsp of [lobbyNsp, matchNsp]) countDisconnects(nsp as unknown as Namespace, { metrics, log, addressOf: socketAddress });
  let stopFeed: (() => void) | null = null;

  metrics.beforeScrape(async () => {
    for (const mode of games.modeIds()) metrics.queuePlayers.set({ mode }, await stores.queue.size(mode));
    const byState = new Map<string, number>(['waiting', 'countdown', 'playing', 'ended'].map((s) => [s, 0]));
    for (const host of registry.all()) byState.set(host.state, (byState.get(host.state) ?? 0) + 1);
    for (const [state, n] of byState) metrics.matchesByState.set({ state }, n);
  });

  const updateConnected = (): void => metrics.playersConnected.set(io.engine.clientsCount);
  io.engine.on('connection', (conn: EngineConnection) => {
    admission.track(conn);
    updateConnected();
    conn.once('close', () => setImmediate(updateConnected));
  });

  const security = createSecurityHeaders({ publicUrl: config.publicUrl });
  const handler = createRequestHandler({
    health: {
      nodeId: config.nodeId,
      players: () => io.engine.clientsCount,
      matches: () => registry.size,
      ready: () => accepting && (redis === null || redis.ready()),
      cluster: () => cluster?.status() ?? null,
    },
    metrics,
    games: () => games.catalogue(),
    netSim: config.devTools ? netSim : null,
    staticDir: config.staticDir,
    security,
    origins,
    log,
    metricsHere: config.metricsListen ? false : { token: config.metricsToken },
    client: { socketPath: config.socketPath, transports: config.transports },
    addressOf: admission.addressOf,
  });
  const metricsServer = config.metricsListen ? createMetricsServer(metrics, config.metricsToken) : null;
  // socket.io answers its own path first (engine.io matches `${path}/`); everything else is ours.
  const socketPrefix = `${config.socketPath}/`;
  http.on('request', (req, res) => {
    if (req.url?.startsWith(socketPrefix)) return;
    if (req.url?.split('?')[0] === GUEST_PATH) return void guestRoute(req, res);
    if (req.url?.split('?')[0] === RENEW_PATH) return void renewRoute(req, res);
    if (adminRoute && isAdminUiPath(req.url?.split('?')[0] ?? '')) return void adminRoute(req, res);
    void handler(req, res);
  });

  return {
    http,
    io,
    security,
    metrics,
    log,
    registry,
    listen: async () => {
      if (metricsServer && config.metricsListen) {
        const { host, port } = config.metricsListen;
        await new Promise<void>((resolve, reject) => {
          metricsServer.once('error', reject);
          metricsServer.listen(port, host, () => resolve());
        });
        const bound = metricsServer.address() as AddressInfo;
        log.info({ host: bound.address, port: bound.port }, 'metrics listening');
      }
      return new Promise<AddressInfo>((resolve, reject) => {
        http.once('error', reject);
        http.listen(config.port, config.host, () => {
          scheduler.start();
          matchmaker.start();
          cluster?.start();
          stopFeed = startListFeed(lobbyNsp, stores.directory);
          online = startOnlineFeed(lobbyNsp, countOnline);
          resolve(http.address() as AddressInfo);
        });
      });
    },
    drain: async (timeoutMs) => {
      accepting = false;
      const deadline = Date.now() + timeoutMs;
      log.info({ matches: registry.size, timeoutMs }, 'draining: no new players, waiting for matches to finish');
      // In a cluster, running matches move to the other nodes at once (their players follow).
      if (cluster) log.info({ moved: await cluster.handOver() }, 'matches handed over to the other nodes');
      while (registry.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      const cutShort = registry.size;
      if (cutShort > 0) log.warn({ matches: cutShort }, 'drain timed out: closing matches still running');
      return cutShort;
    },
    close: async () => {
      accepting = false;
      scheduler.stop();
      matchmaker.stop();
      cluster?.stop();
      stopFeed?.();
      online?.stop();
      registry.disposeAll();
      await new Promise<void>((resolve) => io.close(() => resolve()));
      if (metricsServer?.listening) await new Promise<void>((resolve) => metricsServer.close(() => resolve()));
      await adminUi?.close();
      bus?.close();
      redisStores?.close();
      await redis?.close();
    },
  };
}
