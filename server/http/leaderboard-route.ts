/**
 * GET /api/leaderboard?mode=M: the mode's best 100 by shown rating, and, with `Authorization:
 * Bearer <token>` (as POST /api/guest/renew takes it), the caller's own row wherever it ranks.
 * An invalid or expired token is not an error here: the board is public, only `me` is left null.
 *
 * Answers {ok: true, mode, top, me, players}; 400 BAD_REQUEST (no mode), 404 UNKNOWN_MODE, 405 for
 * other methods.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ErrorCode, type AckResult } from '../../shared/protocol/errors.ts';
import type { Leaderboard } from '../../shared/protocol/lobby-events.ts';
import type { TokenService } from '../auth/tokens.ts';
import type { Logger } from '../log.ts';
import type { OriginPolicy } from '../net/origin-policy.ts';
import { sendJson } from './origin-guard.ts';

export const LEADERBOARD_PATH = '/api/leaderboard';

export interface LeaderboardRouteDeps {
  /** The board itself (server/net/player-requests.ts): UNKNOWN_MODE for a mode the server does not run. */
  board: (mode: string, guestId: string | null) => Promise<AckResult<Leaderboard>>;
  tokens: Pick<TokenService, 'verify'>;
  origins: OriginPolicy;
  log: Logger;
}

export function createLeaderboardRoute(deps: LeaderboardRouteDeps) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const refuse = (status: number, code: string, message: string) => sendJson(req, res, deps.origins, status, { ok: false, code, message });
    if (req.method !== 'GET') return refuse(405, ErrorCode.BadRequest, `use GET ${LEADERBOARD_PATH}?mode=<mode>`);
    const mode = new URL(req.url ?? '/', 'http://localhost').searchParams.get('mode');
    if (!mode || mode.length > 32) return refuse(400, ErrorCode.BadRequest, 'mode: a mode id (GET /api/games lists them)');
    const header = req.headers.authorization;
    const token = header ? /^Bearer\s+(\S{1,2048})\s*$/i.exec(header)?.[1] : undefined;
    const guest = token ? await deps.tokens.verify(token) : null;
    try {
      const board = await deps.board(mode, guest?.ok ? guest.value.guestId : null);
      if (!board.ok) return refuse(404, board.code, board.message);
      sendJson(req, res, deps.origins, 200, board);
    } catch (error) {
      deps.log.error({ err: error, mode }, 'leaderboard read failed');
      refuse(500, ErrorCode.Internal, 'the leaderboard could not be read, try again');
    }
  };
}
