/**
 * CORS for socket.io's HTTP long-polling (an engine.io middleware, in place of its `cors`
 * option, which decides without seeing the request and so cannot tell this node's own origin
 * by its Host). What a page may *do* is decided by admission.ts (allowRequest); these headers
 * only decide what a page may *read*:
 * - an allowed cross-origin page reads the polling answers it needs;
 * - a refused page reads its refusal (the 403 whose body names ORIGIN_REFUSED), so its
 *   connect_error can say why; it never gets a session, so there is nothing else to read.
 * A same-origin page needs no headers; a request without Origin is not from a page.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { reflectableOrigin, type OriginPolicy } from './origin-policy.ts';

export function engineCors(origins: OriginPolicy) {
  return (req: IncomingMessage, res: ServerResponse, next: (err?: Error) => void): void => {
    const origin = req.headers.origin;
    // Not a page, or a WebSocket upgrade (CORS does not govern WebSocket; allowRequest does).
    if (typeof origin !== 'string' || req.headers.upgrade !== undefined) return next();
    const verdict = origins.judge(req.headers);
    const handshake = !/[?&]sid=/.test(req.url ?? '');
    const allow = verdict === 'allowed' ? origins.allowOriginHeader(req.headers) : handshake ? reflectableOrigin(origin) : null;
    if (allow !== null) res.setHeader('access-control-allow-origin', allow);
    res.setHeader('vary', 'Origin');
    if (req.method === 'OPTIONS' && verdict === 'allowed') {
      // Preflight (a client with extra headers): answered here; engine.io never sees it.
      res.writeHead(204, {
        'access-control-allow-methods': 'GET, POST',
        'access-control-allow-headers': String(req.headers['access-control-request-headers'] ?? 'content-type').slice(0, 200),
        'access-control-max-age': '600',
        'content-length': '0',
      });
      res.end();
      return;
    }
    next();
  };
}
