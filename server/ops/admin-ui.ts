/**
 * Instruments the socket.io server for the Admin UI (@socket.io/admin-ui): an `/admin`
 * namespace behind the login gate (admin-auth.ts), which the UI served at /admin/
 * (http/admin-ui-route.ts) connects to. Installed only when ADMIN_UI_USER and
 * ADMIN_UI_PASSWORD_HASH are set; otherwise there is no `/admin` namespace at all and socket.io
 * refuses it ("Invalid namespace").
 *
 * Many nodes: the package sends its statistics by broadcasting to the admin namespace, lists
 * sockets with `fetchSockets()` and acts with `socketsJoin/Leave` and `disconnectSockets`. The
 * sharded Redis adapter of @socket.io/redis-adapter 8.3 extends socket.io-adapter's
 * ClusterAdapter, which carries all of these between the nodes (the package never calls
 * `serverSideEmit`). So a UI connected to any node sees every node (one row per NODE_ID in
 * "Servers"), and with ADMIN_UI_MODE=development every socket and room of the cluster.
 */
import { instrument } from '@socket.io/admin-ui';
import { Counter } from 'prom-client';
import type { Server } from 'socket.io';
import { Encoder } from 'socket.io-parser';
import type { RedisClient } from '../cluster/redis-script.ts';
import type { AdminUiConfig } from '../config.ts';
import type { Logger } from '../log.ts';
import type { Metrics } from '../metrics.ts';
import { ADMIN_AUTH_FAILURE_REASONS, adminAuthGate, sendSession } from './admin-auth.ts';
import { MemoryAdminSessions, RedisAdminSessions } from './admin-sessions.ts';
import { EventTally } from './event-tally.ts';
import { createPasswordChecker } from './password-check.ts';

export const ADMIN_NAMESPACE = '/admin';

export interface AdminUiDeps {
  config: AdminUiConfig;
  nodeId: string;
  metrics: Metrics;
  log: Logger;
  /** The cluster's command connection: sessions are shared by the nodes. Null: one node. */
  redis: RedisClient | null;
}

export interface AdminUi {
  close(): Promise<void>;
}

/**
 * Call after `io.adapter(...)`: the admin namespace's adapter is adjusted below, and setting
 * another adapter afterwards would replace it.
 */
export function installAdminUi(io: Server, deps: AdminUiDeps): AdminUi {
  const { config, log } = deps;
  const failures = new Counter({
    name: 'game_admin_auth_failures_total',
    help: 'Admin UI logins refused, by reason (bad_credentials, login_required, rate_limited, busy)',
    labelNames: ['reason'] as const,
    registers: [deps.metrics.registry],
  });
  for (const reason of ADMIN_AUTH_FAILURE_REASONS) failures.inc({ reason }, 0);
  const logins = new Counter({ name: 'game_admin_logins_total', help: 'Admin UI logins with the password', registers: [deps.metrics.registry] });

  const sessions = deps.redis
    ? new RedisAdminSessions(deps.redis, (error) => log.warn({ err: error }, 'admin UI sessions: redis'))
    : new MemoryAdminSessions();
  const passwords = createPasswordChecker();
  const nsp = io.of(ADMIN_NAMESPACE);
  // Registered before instrument() adds its own middleware, so it runs first.
  nsp.use(
    adminAuthGate({
      user: config.user,
      passwordHash: config.passwordHash,
      sessions,
      passwords,
      log,
      onFailure: (reason) => failures.inc({ reason }),
      onLogin: () => logins.inc(),
    }),
  );
  nsp.on('connection', (socket) => sendSession(socket));

  // The UI speaks socket.io's default parser; this server's wire parser sends its own binary
  // frames and refuses binary anywhere but as an event's sole argument. The package forwards
  // every packet of every socket to the UI in development mode (`event_sent` with the binary
  // snapshot inside its arguments), which the wire parser would throw on, inside the snapshot
  // broadcast of a match. What the namespace broadcasts is therefore encoded by the default
  // encoder, which the UI decodes (binary as attachments). Direct emits to an admin socket
  // (config, session, the socket list) are JSON, which both parsers write alike.
  (nsp.adapter as unknown as { encoder: Encoder }).encoder = new Encoder();

  instrument(io as unknown as Parameters<typeof instrument>[0], {
    namespaceName: ADMIN_NAMESPACE,
    // The gate above already checked the password and put a session id in its place; the
    // package's own check then only finds that session in the store: a second lock.
    auth: { type: 'basic', username: config.user, password: config.passwordHash },
    readonly: config.readonly,
    mode: config.mode,
    serverId: deps.nodeId,
    store: sessions as unknown as NonNullable<Parameters<typeof instrument>[1]['store']>,
  });
  // The package's per-packet counters, on every socket of the server, read `io._eventBuffer`
  // at each packet: a cheaper tally with the same contract takes its place (event-tally.ts).
  const counted = io as unknown as { _eventBuffer?: { push?: unknown } };
  if (typeof counted._eventBuffer?.push === 'function') counted._eventBuffer = new EventTally();
  else log.warn('admin UI: the package no longer keeps io._eventBuffer; its own packet counting stays in place');
  log.info({ path: `${ADMIN_NAMESPACE}/`, readonly: config.readonly, mode: config.mode }, 'admin UI on');
  if (config.mode === 'development') {
    log.warn('admin UI in development mode: every packet of every socket is also sent to the admin namespace');
  }
  return { close: () => passwords.close() };
}
