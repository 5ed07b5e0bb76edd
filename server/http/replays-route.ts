/**
 * GET /api/replays?limit=N: the recent public replays, newest first (finished ones, and running
 * ones up to now), as JSON {ok: true, replays: ReplaySummary[]}.
 * GET /api/replays/<id>: the replay file (server/replay/replay-file.ts), application/octet-stream.
 * A private match's replay goes only to the guests who sat in it: `Authorization: Bearer
 * <token>` as POST /api/guest/renew takes it.
 *
 * Answers 400 BAD_REQUEST (a limit that is not 1..100, an id that cannot be one), 401
 * AUTH_MISSING / AUTH_INVALID / AUTH_EXPIRED (a private replay without a valid token), 403
 * NOT_ALLOWED (someone else's private replay), 404 REPLAY_NOT_FOUND (never recorded, or past the
 * retention), 405 for other methods. Ids are 128 random bits: the list is the only way to find a
 * public one, and a private one's is known only to its players' pages.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ErrorCode } from '../../shared/protocol/errors.ts';
import type { TokenService } from '../auth/tokens.ts';
import type { Logger } from '../log.ts';
import type { OriginPolicy } from '../net/origin-policy.ts';
import { packReplayAsync } from '../replay/replay-file.ts';
import type { ReplayStore } from '../replay/replay-store.ts';
import { sendJson } from './origin-guard.ts';
import { BASE_HEADERS } from './security-headers.ts';

export const REPLAYS_PATH = '/api/replays';
export const REPLAY_NOT_FOUND = 'REPLAY_NOT_FOUND';
const REPLAY_ID = /^[A-Za-z0-9_-]{22}$/;
const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 100;
/**
 * Replay files being built at once (read from the store, compressed off the event loop); more
 * answer 503 with Retry-After: a burst of downloads must not queue up memory or slow the ticks.
 */
const MAX_BUILDING = 4;

export interface ReplaysRouteDeps {
  store: ReplayStore;
  tokens: Pick<TokenService, 'verify'>;
  origins: OriginPolicy;
  log: Logger;
  now: () => number;
}

/** True for the paths this route answers. */
export const isReplaysPath = (pathname: string): boolean => pathname === REPLAYS_PATH || pathname.startsWith(`${REPLAYS_PATH}/`);

function bearer(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match ? match[1] : header.slice(0, 2048);
}

export function createReplaysRoute(deps: ReplaysRouteDeps) {
  let building = 0;
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const refuse = (status: number, code: string, message: string) => sendJson(req, res, deps.origins, status, { ok: false, code, message });
    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(405, ErrorCode.BadRequest, `use GET ${REPLAYS_PATH} or GET ${REPLAYS_PATH}/<id>`);
    try {
      if (url.pathname === REPLAYS_PATH) {
        const raw = url.searchParams.get('limit');
        const limit = raw === null ? DEFAULT_LIMIT : Number(raw);
        if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT || (raw !== null && !/^\d+$/.test(raw))) {
          return refuse(400, ErrorCode.BadRequest, `limit: an integer from 1 to ${MAX_LIMIT}`);
        }
        return sendJson(req, res, deps.origins, 200, { ok: true, replays: await deps.store.list(limit, deps.now()) });
      }
      const id = url.pathname.slice(REPLAYS_PATH.length + 1);
      if (!REPLAY_ID.test(id)) return refuse(400, ErrorCode.BadRequest, 'a replay id is 22 characters of base64url');
      if (building >= MAX_BUILDING) {
        res.setHeader('retry-after', '1');
        return refuse(503, ErrorCode.RateLimited, 'replays are being sent to others: try again in a second');
      }
      building++;
      try {
        await sendReplay(id);
      } finally {
        building--;
      }
      return;
    } catch (error) {
      deps.log.warn({ err: error }, 'replay request failed');
      refuse(503, ErrorCode.Internal, 'replays are not available right now');
    }

    async function sendReplay(id: string): Promise<void> {
      const stored = await deps.store.get(id);
      if (!stored) return refuse(404, REPLAY_NOT_FOUND, 'no replay with this id (never recorded, or no longer kept)');
      if (stored.replay.header.visibility === 'private') {
        const who = await deps.tokens.verify(bearer(req));
        if (!who.ok) return refuse(401, who.code, `a private match's replay: send the token of one of its players (${who.message})`);
        if (!stored.guestIds.includes(who.value.guestId)) {
          deps.log.info({ replayId: id, guestId: who.value.guestId }, 'private replay refused');
          return refuse(403, ErrorCode.NotAllowed, "this private match's replay is for its players only");
        }
      }
      const file = await packReplayAsync(stored.replay);
      const allow = deps.origins.allowOriginHeader(req.headers);
      res.writeHead(200, {
        ...BASE_HEADERS,
        ...(allow && { 'access-control-allow-origin': allow }),
        vary: 'Origin, Authorization',
        'content-type': 'application/octet-stream',
        'content-length': file.length,
        'content-disposition': `attachment; filename="${id}.arpl"`,
        // A running match's replay grows; a private one is personal.
        'cache-control': 'no-store',
      });
      res.end(req.method === 'HEAD' ? undefined : file);
    }
  };
}
