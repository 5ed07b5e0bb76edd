/**
 * Plain HTTP: health, readiness, metrics, what clients need to connect, and the game page.
 * socket.io handles its own path. A state-changing request from a page of a refused origin is
 * refused (ORIGIN_REFUSED, 403): reading is harmless, the browser hides the answer from it anyway.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ConnectionConfig } from '../../shared/client/connection-options.ts';
import type { GameInfo } from '../../shared/protocol/lobby-events.ts';
import type { Logger } from '../log.ts';
import type { Metrics } from '../metrics.ts';
import type { OriginPolicy } from '../net/origin-policy.ts';
import { METRICS_PATH, serveMetrics } from './metrics-route.ts';
import { refuseForeignOrigin } from './origin-guard.ts';
import { BASE_HEADERS, type SecurityHeaders } from './security-headers.ts';
import { staticFiles } from './static-files.ts';

export interface HealthSource {
  nodeId: string;
  players: () => number;
  matches: () => number;
  ready: () => boolean;
  /** In a cluster: Redis, the matches this node owns, its players in matches other nodes own. */
  cluster?: () => { redis: string; matchesOwned: number; remotePlayers: number } | null;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...BASE_HEADERS, 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export interface RouteDeps {
  health: HealthSource;
  metrics: Metrics;
  games: () => GameInfo[];
  /** With DEV_TOOLS: the network simulator's live settings, read and changed at /api/dev/netsim. */
  netSim?: { latencyMs: number; jitterMs: number } | null;
  staticDir: string;
  security: SecurityHeaders;
  origins: OriginPolicy;
  log: Logger;
  /** /metrics on this port (with its token, if any), or false when METRICS_PORT serves it. */
  metricsHere: { token: string | null } | false;
  /** GET /api/config: what a client needs to connect (socket.io's path, the transports to try, how to reconnect). */
  client: ConnectionConfig;
  /** The real client address of a request (logs). */
  addressOf: (req: IncomingMessage) => string;
}

/** Reads a small JSON body (at most 1 KB). */
async function readJson(req: IncomingMessage): Promise<unknown> {
  let body = '';
  for await (const chunk of req) {
    body += String(chunk);
    if (body.length > 1024) throw new Error('body too large');
  }
  return JSON.parse(body) as unknown;
}

export function createRequestHandler(deps: RouteDeps) {
  const serveStatic = staticFiles(deps.staticDir, deps.security, { pageConfig: deps.client });
  const metricsRoute = deps.metricsHere ? serveMetrics(deps.metrics, deps.metricsHere.token) : null;
  const clientConfig = deps.client;
  const startedAt = Date.now();
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
    try {
      if (req.method === 'GET' && pathname === '/healthz') {
        const ready = deps.health.ready();
        return json(res, 200, {
          status: ready ? 'ok' : 'draining',
          nodeId: deps.health.nodeId,
          players: deps.health.players(),
          matches: deps.health.matches(),
          uptimeS: Math.round((Date.now() - startedAt) / 1000),
          cluster: deps.health.cluster?.() ?? null,
        });
      }
      if (req.method === 'GET' && pathname === '/readyz') {
        const ready = deps.health.ready();
        // The id lets a front route a client's hint (`?node=…`, MatchInfo.node) to this node.
        return json(res, ready ? 200 : 503, { ready, nodeId: deps.health.nodeId });
      }
      if (req.method === 'GET' && pathname === '/api/games') {
        // What a lobby screen offers: each game with its modes (player ranges) and its options.
        return json(res, 200, deps.games());
      }
      if (req.method === 'GET' && pathname === '/api/config') return json(res, 200, clientConfig);
      if (pathname === '/api/dev/netsim' && deps.netSim) {
        const sim = deps.netSim;
        if (req.method === 'POST') {
          if (refuseForeignOrigin(req, res, '/api/dev/netsim', deps)) return;
          let body: unknown;
          try {
            body = await readJson(req);
          } catch {
            return json(res, 400, { ok: false, code: 'BAD_REQUEST', message: 'expected a JSON object { latencyMs, jitterMs }' });
          }
          const b = (body ?? {}) as Record<string, unknown>;
          const ms = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 2000;
          if ((b.latencyMs !== undefined && !ms(b.latencyMs)) || (b.jitterMs !== undefined && !ms(b.jitterMs))) {
            return json(res, 400, { ok: false, code: 'BAD_REQUEST', message: 'latencyMs and jitterMs: integers from 0 to 2000' });
          }
          if (b.latencyMs !== undefined) sim.latencyMs = b.latencyMs as number;
          if (b.jitterMs !== undefined) sim.jitterMs = b.jitterMs as number;
        } else if (req.method !== 'GET') {
          return json(res, 405, { ok: false, code: 'BAD_REQUEST', message: 'GET or POST' });
        }
        // Each way: the round trip gains twice this.
        return json(res, 200, { ok: true, latencyMs: sim.latencyMs, jitterMs: sim.jitterMs });
      }
      if (req.method === 'GET' && pathname === METRICS_PATH && metricsRoute) return await metricsRoute(req, res);
      if (await serveStatic(req, res, pathname)) return;
      json(res, 404, { error: 'NOT_FOUND', message: `no route for ${req.method} ${pathname}` });
    } catch (error) {
      json(res, 500, { error: 'INTERNAL', message: error instanceof Error ? error.message : 'internal error' });
    }
  };
}
