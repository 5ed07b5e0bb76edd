/**
 * Configuration from the environment, validated once at start. Every variable is listed in
 * README.md ("Configuration"); a bad value stops the process with a message naming it.
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { LogLevel } from './log.ts';
import { parseProxyTrust, type ProxyTrust } from './net/client-address.ts';
import { parseOriginList, type OriginList } from './net/origin-policy.ts';
import type { ReconnectionPolicy } from '../shared/client/connection-options.ts';

export interface Config {
  host: string;
  port: number;
  nodeId: string;
  logLevel: LogLevel;
  tickRate: number;
  snapshotEvery: number;
  keyframeIntervalS: number;
  maxPlayersPerMatch: number;
  inputQueueSize: number;
  maxPayloadBytes: number;
  packetsPerSecond: number;
  /**
   * Bytes the server may hold for one connection that does not read before closing it
   * (net/send-buffer-cap.ts). The default, 1 MiB, is what an honest client never has waiting:
   * ~30 s of a 16-player match's snapshots, or a long public list.
   */
  sendBufferCapBytes: number;
  staticDir: string;
  /** Fixed seed for the first match (then +1 per match): reproducible matches for tests and load runs. */
  matchSeed: number | null;
  /** On SIGTERM, how long running matches may go on before the node closes anyway. */
  drainTimeoutMs: number;
  /** HS256 secret for guest tokens; null: a random one per process (single node only). */
  authSecret: string | null;
  authTokenTtlS: number;
  /** How long after its expiry a guest token may still be renewed (POST /api/guest/renew) for the same guest. */
  authRenewGraceS: number;
  /** New guests (POST /api/guest) per client address per minute. */
  guestPerMinute: number;
  /** How long a seat waits for its player to arrive, or to come back after a drop. */
  reconnectGraceMs: number;
  /** Operator overrides of every quick-play mode's group sizes (within each mode's own range); null: the mode's. */
  queueMinPlayers: number | null;
  queueMaxPlayers: number | null;
  /** Spectators one match takes. */
  maxSpectators: number;
  /** Spectators of a public match see it this many seconds behind the players (0: live). */
  spectatorDelayS: number;
  /** Connections this node takes; beyond, new lobby connections are refused with SERVER_FULL. */
  maxConnections: number;
  /** Development tools: GET/POST /api/dev/netsim changes the network simulator at run time. */
  devTools: boolean;
  /** A quick-play group smaller than the maximum forms once its oldest player waited this long. */
  queueWaitMs: number;
  /** In a cluster: how long a full quick-play group that mixes nodes waits for one of a single node. */
  queueNodeWaitMs: number;
  /**
   * Quick play groups players whose matchmaking ratings are within `base` points of the group's
   * first ticket, widening by `perSecond` points for each second it waited; null: first come,
   * first served.
   */
  queueRatingWindow: { base: number; perSecond: number } | null;
  /** Fill a quick-play match formed short of its minimum with server-side bots. */
  botFill: boolean;
  countdownMs: number;
  /** How long an ended match stays so its players can read the results. */
  endedLingerMs: number;
  /** Every match is recorded (its input log, GET /api/replays); off: none is. */
  replays: boolean;
  /** Replays kept: the newest this many, none older than replayMaxAgeS. */
  replayMaxCount: number;
  replayMaxAgeS: number;
  chatMaxLength: number;
  chatBurst: number;
  chatIntervalMs: number;
  /** Network simulator (development and tests): one-way latency and jitter added per packet. */
  netSim: { latencyMs: number; jitterMs: number } | null;
  /**
   * 'binary': the wire parser and binary snapshots. 'json': the plain-JSON baseline (socket.io's
   * default parser, full JSON snapshots) kept to measure the binary protocol against.
   */
  wireFormat: 'binary' | 'json';
  /**
   * Cluster mode: the Redis that joins the nodes (REDIS_URL) or the nodes of a Redis Cluster
   * (REDIS_CLUSTER_NODES); null runs one node alone, everything in memory.
   */
  redis: { url: string } | { clusterNodes: { host: string; port: number }[] } | null;
  /** Where players can reach this node directly (node registry, operators); optional. Its origin is this node's own. */
  publicUrl: string | null;
  /** Cluster: how often to ask Redis which nodes are connected, to adopt a crashed node's matches at once; 0: leases only. */
  deadNodePollMs: number;
  /** socket.io's path (engine.io requests and upgrades), without a trailing slash. */
  socketPath: string;
  /** Pages from other origins that may connect: '*' (any, only when set so), or a list beside this node's own origin. */
  corsOrigins: OriginList;
  pingIntervalMs: number;
  pingTimeoutMs: number;
  connectTimeoutMs: number;
  /** engine.io transports, in the order clients should try them. */
  transports: ('polling' | 'websocket')[];
  /** How clients should reconnect after a drop (advertised at GET /api/config; attempts null: forever). */
  clientReconnection: ReconnectionPolicy;
  /** Whose X-Forwarded-For is believed (net/client-address.ts). */
  trustProxy: ProxyTrust;
  /** engine.io connections one client address may hold (both transports); 0: no cap. */
  maxConnectionsPerAddress: number;
  /** Bearer token /metrics asks for; null: open. */
  metricsToken: string | null;
  /** A separate listener for /metrics only (then the game port has none); null: on the game port. */
  metricsListen: { host: string; port: number } | null;
  // --- socket.io Admin UI: one block, kept together ---
  /**
   * The socket.io Admin UI at /admin/ and its `/admin` namespace; null (the default) when
   * ADMIN_UI_USER and ADMIN_UI_PASSWORD_HASH are not set: no page, no namespace.
   */
  adminUi: AdminUiConfig | null;
}

export interface AdminUiConfig {
  user: string;
  /** bcrypt hash of the operator's password ($2a$, $2b$ or $2y$). */
  passwordHash: string;
  /** Read-only (the default): the operator sees, but cannot make sockets join, leave or disconnect. */
  readonly: boolean;
  /**
   * 'production' (the default): server statistics, namespaces and socket counts of every node.
   * 'development': also every socket, room and event, which costs work on every packet.
   */
  mode: 'production' | 'development';
}

/** Paths the http routes answer: SOCKET_PATH may not shadow them. */
const ROUTE_PREFIXES = ['/api', '/healthz', '/readyz', '/metrics', '/assets', '/admin', '/index.html', '/favicon.svg'];

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
  }
}

type Env = Record<string, string | undefined>;

export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = [];
  const int = (name: string, def: number, min: number, max: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return def;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      problems.push(`${name}=${JSON.stringify(raw)}: expected an integer from ${min} to ${max}`);
      return def;
    }
    return n;
  };
  const oneOf = <T extends string>(name: string, def: T, allowed: readonly T[]): T => {
    const raw = env[name];
    if (raw === undefined || raw === '') return def;
    if (!(allowed as readonly string[]).includes(raw)) {
      problems.push(`${name}=${JSON.stringify(raw)}: expected one of ${allowed.join(', ')}`);
      return def;
    }
    return raw as T;
  };

  const fraction = (name: string, def: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return def;
    const n = Number(raw);
    if (!(n >= 0 && n <= 1)) {
      problems.push(`${name}=${JSON.stringify(raw)}: expected a number from 0 to 1`);
      return def;
    }
    return n;
  };
  const onOff = (name: string, def: boolean): boolean => {
    const raw = env[name];
    if (raw === undefined || raw === '') return def;
    if (['on', 'true', '1', 'yes'].includes(raw.toLowerCase())) return true;
    if (['off', 'false', '0', 'no'].includes(raw.toLowerCase())) return false;
    problems.push(`${name}=${JSON.stringify(raw)}: expected on or off`);
    return def;
  };

  const maxPlayersPerMatch = int('MAX_PLAYERS_PER_MATCH', 16, 1, 64);
  const optionalInt = (name: string, min: number, max: number): number | null => (env[name] ? int(name, min, min, max) : null);
  const queueMaxPlayers = optionalInt('QUEUE_MAX_PLAYERS', 1, 64);
  const config: Config = {
    host: env.HOST || '0.0.0.0',
    port: int('PORT', 3000, 0, 65535),
    nodeId: env.NODE_ID || `${hostname()}-${process.pid}-${randomBytes(2).toString('hex')}`,
    logLevel: oneOf('LOG_LEVEL', 'info', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    tickRate: int('TICK_RATE', 30, 1, 120),
    snapshotEvery: int('SNAPSHOT_EVERY', 1, 1, 30),
    keyframeIntervalS: int('KEYFRAME_INTERVAL_S', 1, 1, 60),
    maxPlayersPerMatch,
    inputQueueSize: int('INPUT_QUEUE_SIZE', 8, 1, 128),
    maxPayloadBytes: int('MAX_PAYLOAD_BYTES', 4096, 256, 1_048_576),
    packetsPerSecond: int('PACKETS_PER_SECOND', 120, 10, 10_000),
    sendBufferCapBytes: int('SEND_BUFFER_CAP_BYTES', 1024 * 1024, 64 * 1024, 256 * 1024 * 1024),
    staticDir: env.STATIC_DIR || 'dist/game',
    matchSeed: env.MATCH_SEED ? int('MATCH_SEED', 0, 0, 0xffffffff) : null,
    authSecret: env.AUTH_SECRET || null,
    authTokenTtlS: int('AUTH_TOKEN_TTL_S', 86_400, 60, 30 * 86_400),
    authRenewGraceS: int('AUTH_RENEW_GRACE_S', 86_400, 0, 30 * 86_400),
    guestPerMinute: int('GUEST_PER_MINUTE', 600, 1, 1_000_000),
    reconnectGraceMs: int('RECONNECT_GRACE_MS', 30_000, 100, 3_600_000),
    queueMinPlayers: optionalInt('QUEUE_MIN_PLAYERS', 1, 64),
    queueMaxPlayers,
    maxSpectators: int('MAX_SPECTATORS', 32, 0, 1000),
    spectatorDelayS: int('SPECTATOR_DELAY_S', 3, 0, 60),
    maxConnections: int('MAX_CONNECTIONS', 20_000, 1, 1_000_000),
    devTools: onOff('DEV_TOOLS', false),
    queueWaitMs: int('QUEUE_WAIT_MS', 10_000, 0, 600_000),
    queueNodeWaitMs: int('QUEUE_NODE_WAIT_MS', 2_000, 0, 600_000),
    botFill: onOff('BOT_FILL', true),
    queueRatingWindow: ((base, perSecond) => (base === 0 ? null : { base, perSecond }))(int('QUEUE_RATING_WINDOW', 100, 0, 100_000), int('QUEUE_RATING_WIDEN', 50, 0, 100_000)),
    countdownMs: int('COUNTDOWN_MS', 3_000, 0, 60_000),
    endedLingerMs: int('ENDED_LINGER_MS', 5_000, 0, 600_000),
    replays: onOff('REPLAYS', true),
    replayMaxCount: int('REPLAY_MAX_COUNT', 200, 1, 100_000),
    replayMaxAgeS: int('REPLAY_MAX_AGE_S', 7 * 86_400, 60, 365 * 86_400),
    chatMaxLength: int('CHAT_MAX_LENGTH', 200, 1, 500),
    chatBurst: int('CHAT_BURST', 5, 1, 100),
    chatIntervalMs: int('CHAT_INTERVAL_MS', 1_000, 10, 600_000),
    netSim: null,
    drainTimeoutMs: int('DRAIN_TIMEOUT_MS', 30_000, 0, 3_600_000),
    wireFormat: oneOf('WIRE_FORMAT', 'binary', ['binary', 'json'] as const),
    redis: null,
    publicUrl: env.PUBLIC_URL || null,
    deadNodePollMs: int('DEAD_NODE_POLL_MS', 150, 0, 60_000),
    socketPath: '/socket.io',
    corsOrigins: { kind: 'list', origins: [] },
    // socket.io's own defaults.
    pingIntervalMs: int('PING_INTERVAL_MS', 25_000, 1_000, 600_000),
    pingTimeoutMs: int('PING_TIMEOUT_MS', 20_000, 1_000, 600_000),
    connectTimeoutMs: int('CONNECT_TIMEOUT_MS', 45_000, 1_000, 600_000),
    // WebSocket first: a cold page is in the lobby about 0.8x sooner than over polling's handshake
    // and upgrade (BENCHMARKS.md, "Game page cold load"); a client given both falls back to
    // polling when the WebSocket is refused (createManager's tryAllTransports).
    transports: ['websocket', 'polling'],
    // socket.io's delays; a bounded number of attempts (about 40 s with these delays, beyond
    // the seat's RECONNECT_GRACE_MS), so a page can say it gave up instead of spinning forever.
    clientReconnection: {
      // Short first: a player whose node died is taken by another at once (the front routes it).
      delayMs: int('CLIENT_RECONNECT_DELAY_MS', 250, 0, 600_000),
      delayMaxMs: int('CLIENT_RECONNECT_DELAY_MAX_MS', 5_000, 0, 600_000),
      randomization: fraction('CLIENT_RECONNECT_RANDOMIZATION', 0.5),
      attempts: int('CLIENT_RECONNECT_ATTEMPTS', 10, 0, 1_000_000) || null,
    },
    trustProxy: { kind: 'none' },
    maxConnectionsPerAddress: int('MAX_CONNECTIONS_PER_ADDRESS', 0, 0, 1_000_000),
    metricsToken: env.METRICS_TOKEN || null,
    metricsListen: null,
    adminUi: null,
  };
  if (config.clientReconnection.delayMaxMs < config.clientReconnection.delayMs) {
    problems.push(
      `CLIENT_RECONNECT_DELAY_MAX_MS=${config.clientReconnection.delayMaxMs}: at least CLIENT_RECONNECT_DELAY_MS (${config.clientReconnection.delayMs})`,
    );
  }
  if (env.PUBLIC_URL) {
    let url: URL | null = null;
    try {
      url = new URL(env.PUBLIC_URL);
    } catch {
      // reported below
    }
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.username || url.password) {
      problems.push(`PUBLIC_URL=${JSON.stringify(env.PUBLIC_URL)}: expected an http(s) URL such as https://game.example.com`);
    }
  }
  if (env.SOCKET_PATH) {
    // A trailing slash is how engine.io matches anyway; one is taken off, so "/rt/" and "/rt" agree.
    const path = env.SOCKET_PATH.length > 1 ? env.SOCKET_PATH.replace(/\/$/, '') : env.SOCKET_PATH;
    if (!/^(\/[A-Za-z0-9._~-]+)+$/.test(path) || path.split('/').some((seg) => seg === '.' || seg === '..')) {
      problems.push(`SOCKET_PATH=${JSON.stringify(env.SOCKET_PATH)}: expected a path such as /socket.io (starts with /, segments of letters, digits, '.', '_', '~', '-')`);
    } else if (ROUTE_PREFIXES.some((r) => path === r || path.startsWith(`${r}/`) || r.startsWith(`${path}/`))) {
      problems.push(`SOCKET_PATH=${JSON.stringify(env.SOCKET_PATH)}: overlaps the server's own routes (${ROUTE_PREFIXES.join(', ')})`);
    } else config.socketPath = path;
  }
  if (env.CORS_ORIGINS !== undefined && env.CORS_ORIGINS !== '') {
    const origins = parseOriginList(env.CORS_ORIGINS);
    if (origins.ok) config.corsOrigins = origins.value;
    else problems.push(`CORS_ORIGINS=${JSON.stringify(env.CORS_ORIGINS)}: ${origins.message}`);
  }
  if (env.TRANSPORTS !== undefined && env.TRANSPORTS !== '') {
    const names = env.TRANSPORTS.split(',').map((t) => t.trim().toLowerCase());
    const unknown = names.filter((n) => n !== 'polling' && n !== 'websocket');
    if (unknown.length > 0 || names.length === 0) {
      problems.push(`TRANSPORTS=${JSON.stringify(env.TRANSPORTS)}: expected polling, websocket or both (comma-separated)`);
    } else if (new Set(names).size !== names.length) {
      problems.push(`TRANSPORTS=${JSON.stringify(env.TRANSPORTS)}: a transport is named twice`);
    } else config.transports = names as ('polling' | 'websocket')[];
  } else if (env.TRANSPORTS === '') {
    problems.push('TRANSPORTS="": at least one of polling, websocket');
  }
  if (env.TRUST_PROXY !== undefined) {
    const trust = parseProxyTrust(env.TRUST_PROXY);
    if (trust.ok) config.trustProxy = trust.value;
    else problems.push(`TRUST_PROXY=${JSON.stringify(env.TRUST_PROXY)}: ${trust.message} (expected a hop count, or addresses/CIDR blocks such as loopback,10.0.0.0/8)`);
  }
  if (config.metricsToken !== null && (config.metricsToken.length < 16 || !/^[\x21-\x7e]+$/.test(config.metricsToken))) {
    problems.push('METRICS_TOKEN: at least 16 printable characters, no spaces');
  }
  if (env.METRICS_PORT) {
    const port = int('METRICS_PORT', 0, 0, 65535);
    const host = env.METRICS_HOST || '127.0.0.1';
    if (!/^[\w.:-]{1,253}$/.test(host)) problems.push(`METRICS_HOST=${JSON.stringify(host)}: expected an address or host name`);
    else if (port !== 0 && port === config.port) problems.push(`METRICS_PORT=${port}: the game's PORT already; choose another (or unset it for /metrics on the game port)`);
    else config.metricsListen = { host, port };
  } else if (env.METRICS_HOST) {
    problems.push('METRICS_HOST: only with METRICS_PORT');
  }
  if (env.REDIS_URL && env.REDIS_CLUSTER_NODES) problems.push('REDIS_URL and REDIS_CLUSTER_NODES: set one, not both');
  else if (env.REDIS_URL) {
    if (!/^rediss?:\/\/[^\s]+$/.test(env.REDIS_URL)) problems.push(`REDIS_URL=${JSON.stringify(env.REDIS_URL)}: expected redis://host:port`);
    else config.redis = { url: env.REDIS_URL };
  } else if (env.REDIS_CLUSTER_NODES) {
    const nodes = env.REDIS_CLUSTER_NODES.split(',').map((s) => s.trim()).filter(Boolean).map((hp) => {
      const m = /^([\w.-]+|\[[0-9a-fA-F:]+\]):(\d{1,5})$/.exec(hp);
      return m ? { host: m[1]!.replace(/^\[|\]$/g, ''), port: Number(m[2]) } : null;
    });
    if (nodes.length === 0 || nodes.some((n) => n === null || n.port > 65535)) {
      problems.push(`REDIS_CLUSTER_NODES=${JSON.stringify(env.REDIS_CLUSTER_NODES)}: expected host:port,host:port,…`);
    } else config.redis = { clusterNodes: nodes as { host: string; port: number }[] };
  }
  const latencyMs = int('NET_SIM_LATENCY_MS', 0, 0, 5000);
  const jitterMs = int('NET_SIM_JITTER_MS', 0, 0, 5000);
  if (latencyMs > 0 || jitterMs > 0) config.netSim = { latencyMs, jitterMs };
  if (!/^[\w.-]{1,64}$/.test(config.nodeId)) problems.push(`NODE_ID=${JSON.stringify(config.nodeId)}: letters, digits, '.', '_', '-' only`);
  if (config.queueMaxPlayers !== null && config.queueMaxPlayers > config.maxPlayersPerMatch) {
    problems.push(`QUEUE_MAX_PLAYERS=${config.queueMaxPlayers}: at most MAX_PLAYERS_PER_MATCH (${config.maxPlayersPerMatch})`);
  }
  if (config.queueMinPlayers !== null && config.queueMinPlayers > (config.queueMaxPlayers ?? config.maxPlayersPerMatch)) {
    problems.push(`QUEUE_MIN_PLAYERS=${config.queueMinPlayers}: at most QUEUE_MAX_PLAYERS (${config.queueMaxPlayers ?? config.maxPlayersPerMatch})`);
  }
  if (config.authSecret !== null && config.authSecret.length < 32) problems.push('AUTH_SECRET: at least 32 characters');
  // Every node must verify every other node's tokens, so a per-process random secret cannot work.
  if ((env.REDIS_URL || env.REDIS_CLUSTER_NODES) && config.authSecret === null) {
    problems.push('AUTH_SECRET is required when REDIS_URL or REDIS_CLUSTER_NODES is set');
  }
  config.adminUi = adminUiConfig(env, problems, { onOff, oneOf });
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

// --- socket.io Admin UI ---
// "$2b$" + two-digit cost + "$" + 22 characters of salt and 31 of hash (bcrypt's own base64).
const BCRYPT_HASH = /^\$2[aby]\$(0[4-9]|[12]\d|3[01])\$[./A-Za-z0-9]{53}$/;

function adminUiConfig(
  env: Env,
  problems: string[],
  read: {
    onOff(name: string, def: boolean): boolean;
    oneOf<T extends string>(name: string, def: T, allowed: readonly T[]): T;
  },
): AdminUiConfig | null {
  const user = env.ADMIN_UI_USER ?? '';
  const hash = env.ADMIN_UI_PASSWORD_HASH ?? '';
  const readonly = read.onOff('ADMIN_UI_READONLY', true);
  const mode = read.oneOf('ADMIN_UI_MODE', 'production', ['production', 'development'] as const);
  if (user === '' && hash === '') {
    // A switch for a UI that is off is a mistake worth naming (a typo in the other two names).
    for (const name of ['ADMIN_UI_READONLY', 'ADMIN_UI_MODE']) {
      if (env[name]) problems.push(`${name} is set but the admin UI is off: set ADMIN_UI_USER and ADMIN_UI_PASSWORD_HASH too`);
    }
    return null;
  }
  const before = problems.length;
  if (user === '') problems.push('ADMIN_UI_PASSWORD_HASH is set without ADMIN_UI_USER: set both to turn the admin UI on, or neither');
  else if (user.length > 64 || !/^[\x21-\x7e]+$/.test(user)) {
    problems.push(`ADMIN_UI_USER=${JSON.stringify(user.slice(0, 80))}: 1 to 64 printable ASCII characters, no spaces`);
  }
  if (hash === '') problems.push('ADMIN_UI_USER is set without ADMIN_UI_PASSWORD_HASH: set both to turn the admin UI on, or neither');
  else if (!BCRYPT_HASH.test(hash)) {
    // Most often a shell or docker-compose ate the "$…" parts: say so instead of only "invalid".
    problems.push(
      `ADMIN_UI_PASSWORD_HASH: expected a bcrypt hash, $2b$NN$ and 53 characters (60 in all), got ${hash.length} characters` +
        // Never echo the value: it may be the plain password put in the wrong variable.
        `${/^\$2[aby]\$\d\d\$/.test(hash) ? '' : ' not starting with $2b$NN$'}. Make one with: node -e "console.log(require('bcryptjs').hashSync(process.argv[1], 10))" 'your password'.` +
        ' Quote it in single quotes in a shell, and write each $ as $$ in docker-compose.yml',
    );
  }
  if (problems.length > before) return null;
  return { user, passwordHash: hash, readonly, mode };
}
