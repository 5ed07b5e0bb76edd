/**
 * The origin check of the state-changing HTTP routes (POST /api/guest, /api/guest/renew,
 * /api/dev/netsim): a page of a refused origin gets 403 ORIGIN_REFUSED, a log line and a count.
 * Requests without an Origin header (bots, tools) are not pages and pass. Also the two answers
 * those routes share: the CORS preflight and a JSON body with the CORS headers an allowed page needs.
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

/**
 * The CORS preflight of a state-changing route. It changes nothing, so every origin gets one: a
 * refused page then sends its request and reads ORIGIN_REFUSED in the answer, instead of a bare
 * CORS failure.
 */
export function answerPreflight(req: IncomingMessage, res: ServerResponse, allowHeaders: string): void {
  const origin = reflectableOrigin(req.headers.origin);
  res.writeHead(204, {
    ...BASE_HEADERS,
    ...(origin !== null && { 'access-control-allow-origin': origin }),
    vary: 'Origin',
    'access-control-allow-methods': 'POST, OPTIONS',
    'access-control-allow-headers': allowHeaders,
    'access-control-max-age': '600',
  });
  res.end();
}

/** A JSON answer, never cached, readable by an allowed cross-origin page (same-origin needs nothing). */
export function sendJson(req: IncomingMessage, res: ServerResponse, origins: OriginPolicy, status: number, body: object): void {
  const text = JSON.stringify(body);
  const allow = origins.allowOriginHeader(req.headers);
  res.writeHead(status, {
    ...BASE_HEADERS,
    // The answer depends on Origin: a cache must not serve one page's answer to another.
    ...(allow && { 'access-control-allow-origin': allow }),
    vary: 'Origin',
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(text);
}
