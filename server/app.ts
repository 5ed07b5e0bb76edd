/**
 * Assembles one game server node from its parts, each built in the order the next needs it:
 * the cluster link (only with Redis), the socket.io server, the matches, the lobby, the two
 * namespaces, the HTTP site, and the node's lifecycle (listen, drain, close). Everything is
 * created here and passed down: no module state, so a test can run several servers in one process.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Namespace, Server } from 'socket.io';
import { createTokenService } from './auth/tokens.ts';
import { monotonicClock, type Clock } from './clock.ts';
import { connectCluster, createNode, routeMatches } from './cluster/wiring.ts';
import type { AnyGame } from '../shared/game/game-definition.ts';
import type { Config } from './config.ts';
import { GAMES } from './games.ts';
import { createAdminUiRoute } from './http/admin-ui-route.ts';
import { createMetricsServer } from './http/metrics-route.ts';
import { createSecurityHeaders, type SecurityHeaders } from './http/security-headers.ts';
import { createReplaysRoute } from './http/replays-route.ts';
import { KILLCAM_KEEP_S, KillcamBudget } from './replay/killcams.ts';
import { WorkerSpectators } from './replay/spectator-engine.ts';
import { createLeaderboardRoute } from './http/leaderboard-route.ts';
import { createSite } from './http/site.ts';
import { ChatGate } from './lobby/chat.ts';
import { createDirectorySync } from './lobby/directory-sync.ts';
import { LobbyService } from './lobby/lobby-service.ts';
import { MatchRatings } from './lobby/match-ratings.ts';
import { PartyService } from './lobby/party-service.ts';
import { attachPlayerRequests, leaderboard, partyPort } from './net/player-requests.ts';
import { Matchmaker } from './lobby/matchmaker.ts';
import { Placement } from './lobby/placement.ts';
import { createMemoryStores, type LobbyStores } from './lobby/stores/index.ts';
import { createLogger, type Logger } from './log.ts';
import { GameRegistry } from './match/game-registry.ts';
import { MatchRegistry } from './match/match-registry.ts';
import { TickScheduler } from './match/scheduler.ts';
import { RedisReplayStore } from './cluster/redis-replay-store.ts';
import { MemoryReplayStore, type ReplayStore } from './replay/replay-store.ts';
import { createMetrics, type Metrics } from './metrics.ts';
import { countDisconnects } from './net/disconnect-stats.ts';
import { startListFeed } from './net/list-feed.ts';
import { attachLobbyNamespace, guestRoom, notifyMatched } from './net/lobby-namespace.ts';
import { attachMatchNamespace } from './net/match-namespace.ts';
import { matchRoomPorts } from './net/match-room.ts';
import { installNetSim } from './net/net-sim.ts';
import { startOnlineFeed } from './net/online-feed.ts';
import { createSocketServer } from './net/socket-server.ts';
import { ADMIN_NAMESPACE, installAdminUi } from './ops/admin-ui.ts';

export interface GameServer {
  http: HttpServer;
  io: Server;
  /** Response headers by path: a section of the site (the Admin UI) may register its own set. */
  security: SecurityHeaders;
  metrics: Metrics;
  log: Logger;
  registry: MatchRegistry;
  /** Where matches are recorded (REPLAYS); null when they are not. */
  replays: ReplayStore | null;
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
  let accepting = true;
  const isAccepting = (): boolean => accepting;

  // Cluster mode (REDIS_URL or REDIS_CLUSTER_NODES): the lobby's state lives in Redis and the
  // nodes talk through it; without it, one node with everything in memory.
  const cluster = config.redis ? connectCluster({ nodeId: config.nodeId, redis: config.redis }, { metrics, log, clock, ...(opts.stores && { stores: opts.stores }) }) : null;
  const stores = cluster?.stores ?? opts.stores ?? createMemoryStores();

  const scheduler = new TickScheduler({
    tickRate: config.tickRate,
    clock,
    onTick: ({ durationMs, latenessMs }) => {
      metrics.tickDuration.observe(durationMs / 1000);
      metrics.tickLateness.observe(latenessMs / 1000);
    },
    onSkip: (n) => metrics.ticksSkipped.inc(n),
    onError: (error) => log.error({ err: error }, 'tick failed'),
    hold: () => cluster?.port.hold() ?? false,
  });

  // Sockets. Guests' tokens come from POST /api/guest; without a configured secret they only need
  // to outlive this process (config refuses this with REDIS_URL).
  const http = createServer();
  const secret = config.authSecret === null ? randomBytes(32) : new TextEncoder().encode(config.authSecret);
  const tokens = createTokenService({ secret, ttlS: config.authTokenTtlS });
  // DEV_TOOLS: the simulator is installed (at 0 ms unless configured) so /api/dev/netsim can change it.
  const netSim = config.netSim ?? (config.devTools ? { latencyMs: 0, jitterMs: 0 } : null);
  const sockets = createSocketServer(http, config, {
    tokens,
    metrics,
    log,
    accepting: isAccepting,
    ...(cluster && { adapter: cluster.adapter }),
    instrument: (io) => {
      // The socket.io Admin UI (ADMIN_UI_USER and ADMIN_UI_PASSWORD_HASH): see ops/admin-ui.ts.
      const adminUi = config.adminUi ? installAdminUi(io, { config: config.adminUi, nodeId: config.nodeId, metrics, log, redis: cluster?.redis.commands ?? null }) : null;
      if (netSim) {
        installNetSim(io, netSim);
        log.warn(netSim, 'network simulator on: every packet is delayed');
      }
      return { adminUi };
    },
  });
  const { io } = sockets;
  const { adminUi } = sockets.instrumented;

  // Matches: the games, the matches this node runs, and the lobby stores kept in step with them.
  const games = new GameRegistry(opts.games ?? GAMES, config);
  const sync = createDirectorySync({ stores, nodeId: config.nodeId, log });
  // Ratings: public matches' results, computed here on the node that ran the match, never sent by a client.
  const ratings = new MatchRatings({ stores, log, notify: (guestId, change) => sockets.lobby.to(guestRoom(guestId)).emit('rating', change) });
  const keyframeEveryTicks = Math.max(1, Math.round(config.keyframeIntervalS * config.tickRate));
  const spectatorDelayTicks = Math.round(config.spectatorDelayS * config.tickRate);
  const routes = cluster ? routeMatches(cluster, { nodeId: config.nodeId, nsp: sockets.match, games, metrics, log, keyframeEveryTicks, spectatorDelayTicks }) : null;
  // Replays: every match's input log, in Redis beside the lobby's state in a cluster (an adopted
  // match extends its replay there), in memory alone.
  const retention = { maxCount: config.replayMaxCount, maxAgeMs: config.replayMaxAgeS * 1000 };
  const replayStore: ReplayStore | null = !config.replays ? null : cluster ? new RedisReplayStore(cluster.redis.commands, retention) : new MemoryReplayStore(retention);
  // Delayed spectators watch a re-simulation of the recording, run on a worker thread of its own.
  const spectatorEngine = replayStore && spectatorDelayTicks > 0 ? new WorkerSpectators(log, opts.games ?? GAMES) : null;
  const registry = new MatchRegistry({
    games,
    replays: replayStore && {
      store: replayStore,
      log,
      now: Date.now,
      checkpointEveryTicks: 10 * config.tickRate,
      flushEveryTicks: config.tickRate,
      killcams: { keepTicks: KILLCAM_KEEP_S * config.tickRate, budget: new KillcamBudget() },
      ...(spectatorDelayTicks > 0 && { spectators: { keepTicks: spectatorDelayTicks } }),
    },
    spectatorEngine,
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
      spectatorDelayS: config.spectatorDelayS,
    },
    ports: (matchId) => matchRoomPorts(sockets.match, matchId, cluster?.bus ?? null),
    hooks: {
      changed: (host) => {
        sync.changed(host);
        ratings.changed(host);
      },
      seatReleased: (host, guestId, reason) => {
        ratings.seatReleased(host, guestId);
        sync.seatReleased(host, guestId, reason);
      },
      ended: (host) => {
        ratings.ended(host);
        sync.ended(host);
      },
      disposed: (host) => {
        ratings.disposed(host);
        sync.disposed(host);
        cluster?.port.disposed(host);
      },
    },
  });

  // The lobby: placement, quick play and the requests players make.
  const parties = new PartyService({ stores, port: partyPort(sockets.lobby), graceMs: config.reconnectGraceMs, now: clock, log });
  const placement = new Placement({ stores, registry, sync, log, ...(cluster && { persist: cluster.port.persist }) });
  const matchmaker = new Matchmaker({
    queue: stores.queue,
    games,
    placement,
    botFill: config.botFill,
    queueWaitMs: config.queueWaitMs,
    // One node: every entry is on it, so the rule would change nothing.
    nodeWaitMs: cluster ? config.queueNodeWaitMs : 0,
    ratingWindow: config.queueRatingWindow,
    now: clock,
    log,
    notify: (guestId, seat) => notifyMatched(sockets.lobby, guestId, seat),
    accepting: isAccepting,
    popped: (group) => {
      for (const code of new Set(group.flatMap((e) => (e.party === undefined ? [] : [e.party])))) void parties.unqueued(code);
    },
    placeElsewhere: cluster ? cluster.port.placeElsewhere : null,
  });
  const node = cluster && routes
    ? createNode(cluster, {
        config,
        routes,
        registry,
        nsp: sockets.match,
        metrics,
        log,
        players: sockets.connections,
        openGroup: (mode, group) => matchmaker.formHere(mode, group),
        settled: (matchId) => sync.settled(matchId),
      })
    : null;
  const service = new LobbyService({
    nodeId: config.nodeId,
    remote: routes?.lobby ?? null,
    stores,
    registry,
    placement,
    matchmaker,
    parties,
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
    if (!cluster) return { players: sockets.connections(), nodes: 1 };
    const nodes = await cluster.nodes.list();
    return { players: nodes.reduce((n, entry) => n + entry.load.players, 0), nodes: nodes.length };
  };

  // The two namespaces, side by side (server/net).
  attachLobbyNamespace(sockets.lobby, {
    greet: (socket) => online?.greet(socket),
    service,
    directory: stores.directory,
    chat,
    games,
    maxPlayersPerMatch: config.maxPlayersPerMatch,
    packetsPerSecond: config.packetsPerSecond,
    metrics,
    log,
    moreRequests: (on, guest) => attachPlayerRequests(on, guest, { nsp: sockets.lobby, parties, stores, games, chat }),
  });
  attachMatchNamespace(sockets.match, { config, registry, routing: routes?.match ?? null, seats: stores.seats, sync, chat, metrics, log, clock });
  for (const nsp of [sockets.lobby, sockets.match]) countDisconnects(nsp as unknown as Namespace, { metrics, log, addressOf: sockets.addressOf });
  let stopFeed: (() => void) | null = null;

  metrics.beforeScrape(async () => {
    // At once: in a cluster each size is a Redis round trip, one a mode, on every scrape.
    const modes = [...games.modeIds()];
    const sizes = await Promise.all(modes.map((mode) => stores.queue.size(mode)));
    modes.forEach((mode, i) => metrics.queuePlayers.set({ mode }, sizes[i]!));
    const byState = new Map<string, number>(['waiting', 'countdown', 'playing', 'ended'].map((s) => [s, 0]));
    for (const host of registry.all()) byState.set(host.state, (byState.get(host.state) ?? 0) + 1);
    for (const [state, n] of byState) metrics.matchesByState.set({ state }, n);
  });

  // HTTP: the guest routes, the Admin UI's page, the API and the game page.
  const security = createSecurityHeaders({ publicUrl: config.publicUrl });
  const adminRoute = config.adminUi
    ? createAdminUiRoute({ socketPath: io.path(), namespace: ADMIN_NAMESPACE, wsOnly: !(io.engine.opts.transports ?? ['polling']).includes('polling') })
    : null;
  http.on(
    'request',
    createSite(config, {
      tokens,
      nicknames: stores.nicknames,
      origins: sockets.origins,
      addressOf: sockets.admission.addressOf,
      adminRoute,
      leaderboardRoute: createLeaderboardRoute({ board: (mode, guestId) => leaderboard(stores, games, mode, guestId), tokens, origins: sockets.origins, log }),
      replaysRoute: replayStore && createReplaysRoute({ store: replayStore, tokens, origins: sockets.origins, log, now: Date.now }),
      security,
      metrics,
      log,
      netSim: config.devTools ? netSim : null,
      health: {
        nodeId: config.nodeId,
        players: sockets.connections,
        matches: () => registry.size,
        // In a cluster, ready once this node hears its bus too (other nodes' answers come there)
        // and is in the node registry (other nodes place its players' matches by it).
        ready: () => accepting && (cluster === null || (cluster.redis.ready() && cluster.bus.isListening && node?.listed === true)),
        cluster: () => node?.status() ?? null,
      },
      games: () => games.catalogue(),
    }),
  );
  const metricsServer = config.metricsListen ? createMetricsServer(metrics, config.metricsToken) : null;

  return {
    http,
    io: io as unknown as Server,
    security,
    metrics,
    log,
    registry,
    replays: replayStore,
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
          node?.start();
          stopFeed = startListFeed(sockets.lobby, stores.directory);
          online = startOnlineFeed(sockets.lobby, countOnline);
          resolve(http.address() as AddressInfo);
        });
      });
    },
    drain: async (timeoutMs) => {
      accepting = false;
      const deadline = Date.now() + timeoutMs;
      log.info({ matches: registry.size, timeoutMs }, 'draining: no new players, waiting for matches to finish');
      // In a cluster, running matches move to the other nodes at once (their players follow).
      if (node) log.info({ moved: await node.handOver(deadline) }, 'matches handed over to the other nodes');
      while (registry.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      const cutShort = registry.size;
      if (cutShort > 0) log.warn({ matches: cutShort }, 'drain timed out: closing matches still running');
      return cutShort;
    },
    close: async () => {
      accepting = false;
      scheduler.stop();
      matchmaker.stop();
      placement.close();
      sync.close();
      parties.close();
      node?.stop();
      stopFeed?.();
      online?.stop();
      registry.disposeAll();
      await spectatorEngine?.close();
      await new Promise<void>((resolve) => io.close(() => resolve()));
      if (metricsServer?.listening) await new Promise<void>((resolve) => metricsServer.close(() => resolve()));
      await adminUi?.close();
      await cluster?.close();
    },
  };
}
