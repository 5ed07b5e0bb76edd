/**
 * Assembles one game server node: HTTP routes, socket.io with the binary wire parser, the tick
 * scheduler and the match registry. Everything is created here and passed down: no module
 * state, so a test can run several servers in one process.
 */
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import type { MatchClientEvents, MatchServerEvents } from '../shared/protocol/events.ts';
import { wireParser } from '../shared/protocol/wire.ts';
import { monotonicClock, type Clock } from './clock.ts';
import type { Config } from './config.ts';
import { createRequestHandler } from './http/routes.ts';
import { createLogger, type Logger } from './log.ts';
import { GUEST_PATH } from './auth/guest-route.ts';
import { createLobby } from './lobby/lobby.ts';
import type { MatchRegistry } from './match/match-registry.ts';
import { TickScheduler } from './match/scheduler.ts';
import { createMetrics, type Metrics } from './metrics.ts';
import { jsonBaselineParser } from './net/json-baseline.ts';
import { installNetSim } from './net/net-sim.ts';
import type { MatchSocketData } from './net/types.ts';

export interface GameServer {
  http: HttpServer;
  io: Server;
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

export function createGameServer(config: Config, opts: { clock?: Clock; log?: Logger } = {}): GameServer {
  const clock = opts.clock ?? monotonicClock;
  const log = opts.log ?? createLogger(config);
  const metrics = createMetrics();
  let accepting = true;

  const scheduler = new TickScheduler({
    tickRate: config.tickRate,
    clock,
    onTick: ({ durationMs, latenessMs }) => {
      metrics.tickDuration.observe(durationMs / 1000);
      metrics.tickLateness.observe(latenessMs / 1000);
    },
    onSkip: (n) => metrics.ticksSkipped.inc(n),
    onError: (error) => log.error({ err: error }, 'tick failed'),
  });

  const http = createServer();
  const io = new Server<MatchClientEvents, MatchServerEvents, {}, MatchSocketData>(http, {
    // WIRE_FORMAT=json: the plain-JSON baseline, only for measuring against (net/json-baseline.ts).
    parser: config.wireFormat === 'json' ? jsonBaselineParser : wireParser,
    maxHttpBufferSize: config.maxPayloadBytes,
    serveClient: false,
    cors: { origin: true },
  });
  if (config.netSim) {
    installNetSim(io, config.netSim);
    log.warn(config.netSim, 'network simulator on: every packet is delayed');
  }
  // Auth, lobby, matchmaking and the /match handlers (server/lobby/lobby.ts).
  const lobby = createLobby({ io: io as unknown as Server, config, scheduler, metrics, log, clock, accepting: () => accepting });
  const registry = lobby.registry;

  const updateConnected = (): void => metrics.playersConnected.set(io.engine.clientsCount);
  io.engine.on('connection', (conn: { once(ev: string, fn: () => void): void }) => {
    updateConnected();
    conn.once('close', () => setImmediate(updateConnected));
  });

  const handler = createRequestHandler({
    health: {
      nodeId: config.nodeId,
      players: () => io.engine.clientsCount,
      matches: () => registry.size,
      ready: () => accepting,
    },
    metrics,
    staticDir: config.staticDir,
  });
  // socket.io answers its own path first; everything else is ours.
  http.on('request', (req, res) => {
    if (req.url?.startsWith('/socket.io/')) return;
    if (req.url?.split('?')[0] === GUEST_PATH) return void lobby.guestRoute(req, res);
    void handler(req, res);
  });

  return {
    http,
    io,
    metrics,
    log,
    registry,
    listen: () =>
      new Promise((resolve, reject) => {
        http.once('error', reject);
        http.listen(config.port, config.host, () => {
          scheduler.start();
          lobby.start();
          resolve(http.address() as AddressInfo);
        });
      }),
    drain: async (timeoutMs) => {
      accepting = false;
      const deadline = Date.now() + timeoutMs;
      log.info({ matches: registry.size, timeoutMs }, 'draining: no new players, waiting for matches to finish');
      while (registry.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      const cutShort = registry.size;
      if (cutShort > 0) log.warn({ matches: cutShort }, 'drain timed out: closing matches still running');
      return cutShort;
    },
    close: async () => {
      accepting = false;
      scheduler.stop();
      lobby.stop();
      registry.disposeAll();
      await new Promise<void>((resolve) => io.close(() => resolve()));
    },
  };
}
