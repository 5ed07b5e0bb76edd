/**
 * POST /api/guest/renew with `Authorization: Bearer <token>`: a fresh token for the same guest
 * (same guestId, same nickname), so a player whose token runs out keeps its seat and its name.
 * The SDK calls it before the token expires, and when a handshake is refused with AUTH_EXPIRED.
 *
 * Takes a token expired at most RENEW_GRACE_S ago (a laptop that slept through the expiry comes
 * back as itself), never a forged one. Rate-limited per address like POST /api/guest: a stolen
 * token would otherwise mint tokens as fast as it is asked. Answers
 * 200 {ok: true, token, guestId, nickname, expiresAt, expiresInS} or 4xx {ok: false, code, message}.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ErrorCode } from '../../shared/protocol/errors.ts';
import { KeyedRateLimiter } from '../lobby/rate-limit.ts';
import type { GuestRouteDeps } from './guest-route.ts';
import { readBody } from './body.ts';
import { closeAfterAnswer } from './close-after-answer.ts';
import { answerPreflight, refuseForeignOrigin, sendJson } from './origin-guard.ts';

export const RENEW_PATH = '/api/guest/renew';
/** How long after its expiry a token may still be renewed, unless AUTH_RENEW_GRACE_S says otherwise. */
export const RENEW_GRACE_S = 24 * 3600;
/** A renewal carries no body; anything bigger than this is not one. */
const MAX_BODY_BYTES = 1024;

/**
 * What the guest route needs (same stores, same origin policy and client address); `perMinute`
 * is the renewals per client address per minute, the guest route's budget.
 */
export interface RenewRouteDeps extends GuestRouteDeps {
  /** Epoch ms (tests). */
  now?: () => number;
  graceS?: number;
}

/** The token of an `Authorization: Bearer …` header, or undefined (AUTH_MISSING). */
function bearer(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  // A header that is there but not a bearer token is a malformed token, not a missing one.
  return match ? match[1] : header.slice(0, 2048) || undefined;
}


export function createRenewRoute(deps: RenewRouteDeps) {
  const now = deps.now ?? Date.now;
  const graceS = deps.graceS ?? RENEW_GRACE_S;
  const limiter = new KeyedRateLimiter({ burst: deps.perMinute, intervalMs: 60_000 / deps.perMinute });

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const refuse = (res: ServerResponse, status: number, code: ErrorCode, message: string, address: string): void => {
      deps.metrics.protocolErrors.inc({ code });
      deps.log.info({ address, code }, 'token renewal refused');
      sendJson(req, res, deps.origins, status, { ok: false, code, message });
    };
    if (req.method === 'OPTIONS') return answerPreflight(req, res, 'authorization, content-type');
    closeAfterAnswer(res);
    if (refuseForeignOrigin(req, res, RENEW_PATH, deps)) return;
    const address = deps.addressOf(req);
    if (req.method !== 'POST') return refuse(res, 405, ErrorCode.BadRequest, `use POST ${RENEW_PATH} with Authorization: Bearer <token>`, address);
    if (!limiter.take(address, now())) return refuse(res, 429, ErrorCode.RateLimited, 'too many token renewals from this address', address);
    // A renewal carries its token in a header; a body, if any, is read only to be bounded.
    if ((await readBody(req, MAX_BODY_BYTES).catch(() => null)) === null) {
      res.setHeader('connection', 'close');
      res.on('finish', () => req.destroy());
      return refuse(res, 413, ErrorCode.BadRequest, `a renewal has no body (at most ${MAX_BODY_BYTES} bytes are read)`, address);
    }
    const verified = await deps.tokens.verifyForRenewal(bearer(req), graceS);
    if (!verified.ok) return refuse(res, 401, verified.code as ErrorCode, verified.message, address);
    const { guestId, nickname: held } = verified.value;
    const at = now();
    // The name stays held as long as the new token lives. Taken by someone else meanwhile (only
    // possible once the old token had expired), the registry gives this guest a suffixed variant.
    const nickname = await deps.nicknames.claim(held, guestId, at + deps.tokens.ttlS * 1000, at);
    if (nickname === null) return refuse(res, 409, ErrorCode.BadNickname, 'this nickname and all its variants are taken', address);
    const { token, expiresAt } = await deps.tokens.issue({ guestId, nickname });
    deps.log.info({ guestId, nickname, address, renamed: nickname !== held }, 'guest token renewed');
    // Rounded down: the client renews a little early rather than late.
    sendJson(req, res, deps.origins, 200, { ok: true, token, guestId, nickname, expiresAt, expiresInS: Math.floor((expiresAt - at) / 1000) });
  };
}
