/**
 * The origin check of the state-changing HTTP routes (POST /api/guest, POST /api/dev/netsim): a
 * page of a refused origin gets 403 ORIGIN_REFUSED, a log line and a count. Requests without an
 * Origin header (bots, tools) are not pages and pass.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ErrorCode } from '../../shared/protocol/errors.ts';
import type { Logger } from '../log.ts';
import type { Metrics, OriginRoute } from '../metrics.ts';
import { reflectableOrigin, type OriginPolicy } from '../net/origin-policy.ts';
import { BASE_HEADERS } from './security-headers.ts';

export interface OriginGuardDeps {
  origins: OriginPolicy;
  metrics: Metrics;
  log: Logger;
  addressOf: (req: IncomingMessage) => string;
}

/** Answers ORIGIN_REFUSED when a page of a refused origin sends a state-changing request; true if it did. */
export function refuseForeignOrigin(
  req: IncomingMessage,
  res: ServerResponse,
  route: OriginRoute,
  deps: OriginGuardDeps,
): boolean {
  if (deps.origins.judge(req.headers) !== 'refused') return false;
  deps.metrics.originRefused.inc({ route });
  deps.metrics.protocolErrors.inc({ code: ErrorCode.OriginRefused });
  deps.log.info({ route, origin: String(req.headers.origin).slice(0, 100), address: deps.addressOf(req), code: ErrorCode.OriginRefused }, 'request refused');
  const body = JSON.stringify({ ok: false, code: ErrorCode.OriginRefused, message: 'pages from another origin may not use this server (CORS_ORIGINS)' });
  // The refused page may read its refusal (and so show the code); it learns nothing else.
  const origin = reflectableOrigin(req.headers.origin);
  res.writeHead(403, {
    ...BASE_HEADERS,
    ...(origin !== null && { 'access-control-allow-origin': origin }),
    vary: 'Origin',
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
  return true;
}
