/**
 * Everything a node answers over plain HTTP, as one `request` listener: the guest routes
 * (POST /api/guest, /api/guest/renew), the Admin UI's page, and the rest (routes.ts: health,
 * metrics, the API and the game page). socket.io answers its own path first.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GameInfo } from '../../shared/protocol/lobby-events.ts';
import type { TokenService } from '../auth/tokens.ts';
import type { Config } from '../config.ts';
import type { NicknameRegistry } from '../lobby/stores/index.ts';
import type { Logger } from '../log.ts';
import type { Metrics } from '../metrics.ts';
import type { OriginPolicy } from '../net/origin-policy.ts';
import { isAdminUiPath } from './admin-ui-route.ts';
import { createGuestRoute, GUEST_PATH } from './guest-route.ts';
import { createRenewRoute, RENEW_PATH } from './renew-route.ts';
import { isReplaysPath } from './replays-route.ts';
import { LEADERBOARD_PATH } from './leaderboard-route.ts';
import { createRequestHandler, type HealthSource } from './routes.ts';
import type { SecurityHeaders } from './security-headers.ts';

type Route = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;

export interface SiteDeps {
  tokens: TokenService;
  nicknames: NicknameRegistry;
  origins: OriginPolicy;
  addressOf: (req: IncomingMessage) => string;
  /** The Admin UI's page (ADMIN_UI_USER and ADMIN_UI_PASSWORD_HASH), or null. */
  adminRoute: Route | null;
  /** GET /api/replays (replays-route.ts), or null when matches are not recorded. */
  replaysRoute: Route | null;
  /** GET /api/leaderboard (leaderboard-route.ts). */
  leaderboardRoute?: Route;
  security: SecurityHeaders;
  metrics: Metrics;
  log: Logger;
  /** With DEV_TOOLS: the network simulator's live settings. */
  netSim: { latencyMs: number; jitterMs: number } | null;
  health: HealthSource;
  games: () => GameInfo[];
}

type SiteConfig = Pick<Config, 'guestPerMinute' | 'authRenewGraceS' | 'staticDir' | 'metricsListen' | 'metricsToken' | 'socketPath' | 'transports' | 'clientReconnection' | 'devTools'>;

export function createSite(config: SiteConfig, deps: SiteDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const { tokens, nicknames, metrics, log, origins, addressOf } = deps;
  const guestRoute = createGuestRoute({ tokens, nicknames, perMinute: config.guestPerMinute, metrics, log, origins, addressOf });
  const renewRoute = createRenewRoute({ tokens, nicknames, perMinute: config.guestPerMinute, graceS: config.authRenewGraceS, metrics, log, origins, addressOf });
  const handler = createRequestHandler({
    health: deps.health,
    metrics,
    games: deps.games,
    netSim: deps.netSim,
    staticDir: config.staticDir,
    security: deps.security,
    origins,
    log,
    metricsHere: config.metricsListen ? false : { token: config.metricsToken },
    client: { socketPath: config.socketPath, transports: config.transports, reconnection: config.clientReconnection, devTools: config.devTools },
    addressOf,
  });
  // socket.io answers its own path first (engine.io matches `${path}/`); everything else is ours.
  const socketPrefix = `${config.socketPath}/`;
  return (req, res) => {
    if (req.url?.startsWith(socketPrefix)) return;
    const pathname = req.url?.split('?')[0] ?? '';
    if (pathname === GUEST_PATH) return void guestRoute(req, res);
    if (pathname === RENEW_PATH) return void renewRoute(req, res);
    if (deps.adminRoute && isAdminUiPath(pathname)) return void deps.adminRoute(req, res);
    if (deps.replaysRoute && isReplaysPath(pathname)) return void deps.replaysRoute(req, res);
    if (deps.leaderboardRoute && pathname === LEADERBOARD_PATH) return void deps.leaderboardRoute(req, res);
    void handler(req, res);
  };
}
