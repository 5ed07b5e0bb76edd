/**
 * The socket.io server of a node, before any namespace handler: who may connect (origins, the
 * per-address cap, the guest token at each namespace's handshake), the wire parser, the engine's
 * CORS and headers, the adapter between nodes, the guards under the namespaces (packet budgets,
 * send-buffer cap), the refused main namespace, and the connection figures in /metrics.
 */
import type { IncomingMessage, Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import { ErrorCode, type WireError } from '../../shared/protocol/errors.ts';
import { Namespaces, type MatchClientEvents, type MatchServerEvents } from '../../shared/protocol/events.ts';
import { requireGuest } from '../auth/handshake.ts';
import type { TokenService } from '../auth/tokens.ts';
import type { Logger } from '../log.ts';
import type { Metrics } from '../metrics.ts';
import { createAdmission, type Admission, type EngineConnection } from './admission.ts';
import { engineCors } from './engine-cors.ts';
import { installEngineGuard } from './engine-guard.ts';
import { jsonBaselineParser } from './json-baseline.ts';
import { closeMainNamespace } from './main-namespace.ts';
import type { ProxyTrust } from './client-address.ts';
import { createOriginPolicy, type OriginList, type OriginPolicy } from './origin-policy.ts';
import { installSendBufferCap } from './send-buffer-cap.ts';
import { createNegotiatingParser } from './wire-negotiation.ts';
import { directPathsOf } from './internals/direct-paths.ts';
import type { LobbyNamespace, MatchNamespace, MatchSocketData } from './types.ts';

export interface SocketServerDeps<I> {
  tokens: TokenService;
  metrics: Metrics;
  log: Logger;
  /** The cluster's adapter (room events between nodes); the in-memory one on a single node. */
  adapter?: Parameters<Server['adapter']>[0];
  /** False while the node drains: new lobby connections are refused. */
  accepting: () => boolean;
  /**
   * Runs after the adapter, before the namespaces and guards: the Admin UI must see the adapter,
   * and the network simulator wraps each connection before the guards count its packets.
   */
  instrument: (io: Server) => I;
}

export interface SocketServer<I> {
  io: Server<MatchClientEvents, MatchServerEvents, {}, MatchSocketData>;
  lobby: LobbyNamespace;
  match: MatchNamespace;
  origins: OriginPolicy;
  admission: Admission;
  /** What `instrument` returned. */
  instrumented: I;
  /** The client's address (behind trusted proxies, the one they name). */
  addressOf(socket: { conn: { request: IncomingMessage } }): string;
  /** Engine.io connections open on this node (both namespaces ride one). */
  connections(): number;
}

/** The settings read here (server/config.ts documents each). */
export interface SocketServerConfig {
  corsOrigins: OriginList;
  publicUrl: string | null;
  trustProxy: ProxyTrust;
  maxConnectionsPerAddress: number;
  wireFormat: 'binary' | 'json';
  maxPayloadBytes: number;
  socketPath: string;
  transports: ('polling' | 'websocket')[];
  pingIntervalMs: number;
  pingTimeoutMs: number;
  connectTimeoutMs: number;
  maxConnections: number;
  packetsPerSecond: number;
  sendBufferCapBytes: number;
}

export function createSocketServer<I>(http: HttpServer, config: SocketServerConfig, deps: SocketServerDeps<I>): SocketServer<I> {
  const { metrics, log } = deps;
  // Who may connect: pages of allowed origins (or none: bots, tools), within the per-address cap.
  const origins = createOriginPolicy({ corsOrigins: config.corsOrigins, publicUrl: config.publicUrl });
  const admission = createAdmission({ origins, trust: config.trustProxy, maxPerAddress: config.maxConnectionsPerAddress, metrics, log });
  // Standard socket.io encoding unless a connection asks for the compact wire (wire-negotiation.ts).
  const negotiating = config.wireFormat === 'json' ? null : createNegotiatingParser();
  const io = new Server<MatchClientEvents, MatchServerEvents, {}, MatchSocketData>(http, {
    // WIRE_FORMAT=json: the plain-JSON baseline, only for measuring against (net/json-baseline.ts).
    parser: negotiating ?? jsonBaselineParser,
    maxHttpBufferSize: config.maxPayloadBytes,
    serveClient: false,
    path: config.socketPath,
    transports: config.transports,
    pingInterval: config.pingIntervalMs,
    pingTimeout: config.pingTimeoutMs,
    connectTimeout: config.connectTimeoutMs,
    allowRequest: (req, callback) => admission.allowRequest(req, callback),
  });
  negotiating?.attach(io as unknown as Server, (line) => log.warn(line));
  // CORS for long-polling, decided with the request in hand (engine-cors.ts).
  io.engine.use(engineCors(origins));
  // Polling answers carry player-written text (chat): no browser may sniff them into HTML.
  io.engine.on('headers', (headers: Record<string, string>) => {
    headers['X-Content-Type-Options'] = 'nosniff';
  });
  if (deps.adapter) io.adapter(deps.adapter);
  const instrumented = deps.instrument(io as unknown as Server);

  const match = io.of(Namespaces.match) as unknown as MatchNamespace;
  const lobby = io.of(Namespaces.lobby) as unknown as LobbyNamespace;
  const addressOf = (socket: { conn: { request: IncomingMessage } }): string => admission.addressOf(socket.conn.request);
  // A new lobby connection is refused while draining or full; /match stays open to the players
  // of the matches running here (they come back to their seats).
  const admit = (): WireError | null =>
    !deps.accepting()
      ? { code: ErrorCode.ServerDraining, message: 'this node is shutting down: connect to another one' }
      : io.engine.clientsCount > config.maxConnections
        ? { code: ErrorCode.ServerFull, message: 'this node is full: try another one, or again in a minute' }
        : null;
  match.use(requireGuest(deps.tokens, { metrics, log, addressOf }));
  lobby.use(requireGuest(deps.tokens, { metrics, log, addressOf, admit }));
  closeMainNamespace(io.of('/'), { metrics, log, namespaces: [Namespaces.lobby, Namespaces.match] });
  // Under the namespaces' packet guards: one connection carries both namespaces, each with its own
  // budget, so the connection's engine.io packets get three budgets' worth.
  installEngineGuard(io, { packetsPerSecond: config.packetsPerSecond * 3, namespaces: [Namespaces.lobby, Namespaces.match], metrics, log });
  installSendBufferCap(io, { maxBytes: config.sendBufferCapBytes, metrics, log });
  // The engine.io and ws members the /match direct paths reach, checked before any connection.
  directPathsOf(io, (line) => log.warn(line));

  const updateConnected = (): void => metrics.playersConnected.set(io.engine.clientsCount);
  io.engine.on('connection', (conn: EngineConnection) => {
    admission.track(conn);
    updateConnected();
    conn.once('close', () => setImmediate(updateConnected));
  });
  return { io, lobby, match, origins, admission, instrumented, addressOf, connections: () => io.engine.clientsCount };
}
