/**
 * GET /metrics (Prometheus text), optionally behind a bearer token (METRICS_TOKEN), on the game
 * port or on a listener of its own (METRICS_PORT, METRICS_HOST: 127.0.0.1 unless told).
 * The token is compared in constant time: both sides are hashed first, so neither the length
 * nor the first differing byte shows in the answer time.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Metrics } from '../metrics.ts';
import { BASE_HEADERS } from './security-headers.ts';

export const METRICS_PATH = '/metrics';

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/** True when the request carries `Authorization: Bearer <token>`. */
export function bearerMatches(req: IncomingMessage, token: string): boolean {
  const header = req.headers.authorization ?? '';
  const m = /^Bearer[ \t]+(\S{1,1024})[ \t]*$/i.exec(header);
  return timingSafeEqual(digest(m ? m[1]! : ''), digest(token)) && m !== null;
}

export function serveMetrics(metrics: Metrics, token: string | null) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (token !== null && !bearerMatches(req, token)) {
      const body = JSON.stringify({ ok: false, code: 'UNAUTHORIZED', message: 'GET /metrics needs Authorization: Bearer <METRICS_TOKEN>' });
      res.writeHead(401, { ...BASE_HEADERS, 'content-type': 'application/json', 'www-authenticate': 'Bearer realm="metrics"', 'content-length': Buffer.byteLength(body) });
      res.end(body);
      return;
    }
    const body = await metrics.scrape();
    res.writeHead(200, { ...BASE_HEADERS, 'content-type': metrics.registry.contentType, 'cache-control': 'no-store' });
    res.end(body);
  };
}

/** METRICS_PORT: a listener that answers GET /metrics and nothing else. */
export function createMetricsServer(metrics: Metrics, token: string | null): Server {
  const handle = serveMetrics(metrics, token);
  return createServer((req, res) => {
    const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (req.method === 'GET' && pathname === METRICS_PATH) {
      handle(req, res).catch((error: unknown) => {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(error instanceof Error ? error.message : 'internal error');
      });
      return;
    }
    res.writeHead(404, { ...BASE_HEADERS, 'content-type': 'text/plain' });
    res.end(`only GET ${METRICS_PATH} here`);
  });
}
