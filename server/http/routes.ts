/** Plain HTTP: health, readiness, metrics and the game page. socket.io handles its own path. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GameInfo } from '../../shared/protocol/lobby-events.ts';
import type { Metrics } from '../metrics.ts';
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
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export function createRequestHandler(deps: { health: HealthSource; metrics: Metrics; games: () => GameInfo[]; staticDir: string }) {
  const serveStatic = staticFiles(deps.staticDir);
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
        return json(res, ready ? 200 : 503, { ready });
      }
      if (req.method === 'GET' && pathname === '/api/games') {
        // What a lobby screen offers: each game with its modes (player ranges) and its options.
        return json(res, 200, deps.games());
      }
      if (req.method === 'GET' && pathname === '/metrics') {
        const body = await deps.metrics.scrape();
        res.writeHead(200, { 'content-type': deps.metrics.registry.contentType });
        res.end(body);
        return;
      }
      if (await serveStatic(req, res, pathname)) return;
      json(res, 404, { error: 'NOT_FOUND', message: `no route for ${req.method} ${pathname}` });
    } catch (error) {
      json(res, 500, { error: 'INTERNAL', message: error instanceof Error ? error.message : 'internal error' });
    }
  };
}
