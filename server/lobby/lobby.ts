/**
 * Wires the way players get into matches: guest tokens and the handshake check on /lobby and
 * /match, the lobby's stores, the match registry with its hooks into them, matchmaking, and both
 * namespaces' handlers. app.ts calls this once per server; nothing here is module state.
 */
import { randomBytes } from 'node:crypto';
import type { Server } from 'socket.io';
import { Namespaces } from '../../shared/protocol/events.ts';
import { createGuestRoute } from '../auth/guest-route.ts';
import { requireGuest } from '../auth/handshake.ts';
import { createTokenService } from '../auth/tokens.ts';
import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import type { Logger } from '../log.ts';
import type { TickScheduler } from '../match/scheduler.ts';
import { MatchRegistry } from '../match/match-registry.ts';
import type { Metrics } from '../metrics.ts';
import { attachMatchNamespace } from '../net/match-namespace.ts';
import type { LobbyNamespace, MatchNamespace } from '../net/types.ts';
import { createBot } from './bots/bot-factory.ts';
import { ChatGate } from './chat.ts';
import { createDirectorySync } from './directory-sync.ts';
import { startListFeed } from './list-feed.ts';
import { attachLobbyNamespace, notifyMatched } from './lobby-namespace.ts';
import { LobbyService } from './lobby-service.ts';
import { Matchmaker } from './matchmaker.ts';
import { buildModes } from './modes.ts';
import { Placement } from './placement.ts';
import { createMemoryStores, type LobbyStores } from './stores/index.ts';

export interface LobbyDeps {
  io: Server;
  config: Config;
  scheduler: TickScheduler;
  metrics: Metrics;
  log: Logger;
  clock: Clock;
  accepting: () => boolean;
  /** Defaults to the in-memory stores (one node). */
  stores?: LobbyStores;
}

export function createLobby(deps: LobbyDeps) {
  const { io, config, metrics, log, clock } = deps;
  const stores = deps.stores ?? createMemoryStores();
  // Without a configured secret, tokens only need to outlive this process (config refuses this with REDIS_URL).
  const secret = config.authSecret === null ? randomBytes(32) : new TextEncoder().encode(config.authSecret);
  const tokens = createTokenService({ secret, ttlS: config.authTokenTtlS });
  const guard = requireGuest(tokens, { metrics, log });

  const matchNsp = io.of(Namespaces.match) as unknown as MatchNamespace;
  const lobbyNsp = io.of(Namespaces.lobby) as unknown as LobbyNamespace;
  matchNsp.use(guard);
  lobbyNsp.use(guard);

  const sync = createDirectorySync({ stores, nodeId: config.nodeId, log });
  const registry = new MatchRegistry(config, {
    nsp: matchNsp,
    scheduler: deps.scheduler,
    metrics,
    log,
    hooks: sync,
    createBot,
    now: clock,
  });
  const modes = buildModes(config);
  const placement = new Placement({ stores, registry, sync, log });
  const matchmaker = new Matchmaker({
    queue: stores.queue,
    modes,
    placement,
    botFill: config.botFill,
    queueWaitMs: config.queueWaitMs,
    now: clock,
    log,
    notify: (guestId, seat) => notifyMatched(lobbyNsp, guestId, seat),
    accepting: deps.accepting,
  });
  const service = new LobbyService({
    stores,
    registry,
    placement,
    matchmaker,
    sync,
    modes,
    maxPlayersPerMatch: config.maxPlayersPerMatch,
    now: clock,
    log,
    accepting: deps.accepting,
  });
  const chat = new ChatGate({ maxLength: config.chatMaxLength, burst: config.chatBurst, intervalMs: config.chatIntervalMs, now: clock });

  attachLobbyNamespace(lobbyNsp, {
    service,
    directory: stores.directory,
    chat,
    modes,
    maxPlayersPerMatch: config.maxPlayersPerMatch,
    packetsPerSecond: config.packetsPerSecond,
    metrics,
    log,
  });
  attachMatchNamespace(matchNsp, { config, registry, seats: stores.seats, sync, chat, metrics, log, clock });
  const stopFeed = startListFeed(lobbyNsp, stores.directory);

  metrics.beforeScrape(async () => {
    for (const mode of modes.keys()) metrics.queuePlayers.set({ mode }, await stores.queue.size(mode));
    const byState = new Map<string, number>(['waiting', 'countdown', 'playing', 'ended'].map((s) => [s, 0]));
    for (const host of registry.all()) byState.set(host.state, (byState.get(host.state) ?? 0) + 1);
    for (const [state, n] of byState) metrics.matchesByState.set({ state }, n);
  });

  const guestRoute = createGuestRoute({ tokens, nicknames: stores.nicknames, perMinute: config.guestPerMinute, metrics, log });

  return {
    registry,
    guestRoute,
    start: () => matchmaker.start(),
    stop: () => {
      matchmaker.stop();
      stopFeed();
    },
  };
}

export type Lobby = ReturnType<typeof createLobby>;
