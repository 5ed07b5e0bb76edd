/**
 * POST /api/guest {"nickname": "…"}: a guest identity for this nickname (or a suffixed variant
 * when it is taken) and the signed token that proves it. Answers
 * 200 {ok: true, token, guestId, nickname, expiresAt} or 4xx {ok: false, code, message}.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ErrorCode } from '../../shared/protocol/errors.ts';
import { normalizeNickname } from '../../shared/protocol/lobby-rules.ts';
import type { Logger } from '../log.ts';
import type { Metrics } from '../metrics.ts';
import { KeyedRateLimiter } from '../lobby/rate-limit.ts';
import type { NicknameRegistry } from '../lobby/stores/index.ts';
import { newGuestId, type TokenService } from '../auth/tokens.ts';
import type { OriginPolicy } from '../net/origin-policy.ts';
import { readBody } from './body.ts';
import { closeAfterAnswer } from './close-after-answer.ts';
import { answerPreflight, refuseForeignOrigin, sendJson } from './origin-guard.ts';

export const GUEST_PATH = '/api/guest';
const MAX_BODY_BYTES = 1024;

export interface GuestRouteDeps {
  tokens: TokenService;
  nicknames: NicknameRegistry;
  /** New guests per client address per minute (also the burst). */
  perMinute: number;
  metrics: Metrics;
  log: Logger;
  /** Pages of other origins are refused (CORS_ORIGINS); requests without an Origin are not pages. */
  origins: OriginPolicy;
  /** The real client address: the rate limit's key (behind a trusted proxy, the forwarded one). */
  addressOf: (req: IncomingMessage) => string;
}



export function createGuestRoute(deps: GuestRouteDeps) {
  const limiter = new KeyedRateLimiter({ burst: deps.perMinute, intervalMs: 60_000 / deps.perMinute });
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const refuse = (status: number, code: ErrorCode, message: string): void => {
      deps.metrics.protocolErrors.inc({ code });
      sendJson(req, res, deps.origins, status, { ok: false, code, message });
    };
    if (req.method === 'OPTIONS') return answerPreflight(req, res, 'content-type');
    closeAfterAnswer(res);
    if (refuseForeignOrigin(req, res, GUEST_PATH, deps)) return;
    if (req.method !== 'POST') return refuse(405, ErrorCode.BadRequest, `use POST ${GUEST_PATH}`);
    const address = deps.addressOf(req);
    if (!limiter.take(address, Date.now())) return refuse(429, ErrorCode.RateLimited, 'too many new guests from this address');
    const body = await readBody(req, MAX_BODY_BYTES);
    if (body === null) {
      res.setHeader('connection', 'close');
      res.on('finish', () => req.destroy());
      return refuse(413, ErrorCode.BadRequest, `body larger than ${MAX_BODY_BYTES} bytes`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return refuse(400, ErrorCode.BadRequest, 'body must be JSON: {"nickname": "…"}');
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      return refuse(400, ErrorCode.BadRequest, 'body must be a JSON object: {"nickname": "…"}');
    }
    const wanted = normalizeNickname((parsed as Record<string, unknown>).nickname);
    if (!wanted.ok) return refuse(400, ErrorCode.BadNickname, wanted.message);

    const guestId = newGuestId();
    const now = Date.now();
    // The name is held as long as the token that carries it is valid.
    const nickname = await deps.nicknames.claim(wanted.value, guestId, now + deps.tokens.ttlS * 1000, now);
    if (nickname === null) return refuse(409, ErrorCode.BadNickname, 'this nickname and all its variants are taken');
    const { token, expiresAt } = await deps.tokens.issue({ guestId, nickname });
    deps.log.info({ guestId, nickname, address }, 'guest created');
    sendJson(req, res, deps.origins, 200, { ok: true, token, guestId, nickname, expiresAt });
  };
}
