import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

describe('loadConfig', () => {
  it('has working defaults with an empty environment', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ port: 3000, host: '0.0.0.0', tickRate: 30, snapshotEvery: 1, matchSeed: null, netSim: null });
  });

  it('names every bad variable in one error', () => {
    try {
      loadConfig({ PORT: 'eighty', TICK_RATE: '0', LOG_LEVEL: 'loud', MAX_PLAYERS_PER_MATCH: '65' });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      const problems = (e as ConfigError).problems.join('\n');
      for (const name of ['PORT', 'TICK_RATE', 'LOG_LEVEL', 'MAX_PLAYERS_PER_MATCH']) expect(problems).toContain(name);
    }
  });

  it('switches the network simulator on only when asked', () => {
    expect(loadConfig({ NET_SIM_LATENCY_MS: '50' }).netSim).toEqual({ latencyMs: 50, jitterMs: 0 });
  });

  // --- socket.io Admin UI ---
  describe('admin UI', () => {
    // bcryptjs.hashSync('secret', 4): a real hash, so the format check is tried on the real thing.
    const HASH = '$2a$04$E1lUvcg5mSj6xsxvc8QqY.oAjPQhIdynvL.R970BM0ToacQ5SsLwW';
    const problemsOf = (env: Record<string, string>): string => {
      try {
        loadConfig(env);
      } catch (e) {
        return (e as ConfigError).problems.join('\n');
      }
      return '';
    };

    it('is off by default', () => {
      expect(loadConfig({}).adminUi).toBeNull();
    });

    it('is on, read-only and in production mode with a user and a hash', () => {
      expect(loadConfig({ ADMIN_UI_USER: 'ops', ADMIN_UI_PASSWORD_HASH: HASH }).adminUi).toEqual({
        user: 'ops',
        passwordHash: HASH,
        readonly: true,
        mode: 'production',
      });
    });

    it('takes the read-only and mode switches', () => {
      const c = loadConfig({ ADMIN_UI_USER: 'ops', ADMIN_UI_PASSWORD_HASH: HASH, ADMIN_UI_READONLY: 'off', ADMIN_UI_MODE: 'development' });
      expect(c.adminUi).toMatchObject({ readonly: false, mode: 'development' });
    });

    it('accepts the $2a$, $2b$ and $2y$ variants', () => {
      for (const v of ['2a', '2b', '2y']) {
        expect(loadConfig({ ADMIN_UI_USER: 'ops', ADMIN_UI_PASSWORD_HASH: `$${v}${HASH.slice(3)}` }).adminUi?.passwordHash).toBe(`$${v}${HASH.slice(3)}`);
      }
    });

    it('refuses one without the other', () => {
      expect(problemsOf({ ADMIN_UI_USER: 'ops' })).toContain('ADMIN_UI_USER is set without ADMIN_UI_PASSWORD_HASH');
      expect(problemsOf({ ADMIN_UI_PASSWORD_HASH: HASH })).toContain('ADMIN_UI_PASSWORD_HASH is set without ADMIN_UI_USER');
    });

    it('refuses a hash that is not bcrypt, without echoing it', () => {
      const plain = problemsOf({ ADMIN_UI_USER: 'ops', ADMIN_UI_PASSWORD_HASH: 'hunter2-my-password' });
      expect(plain).toContain('ADMIN_UI_PASSWORD_HASH: expected a bcrypt hash');
      expect(plain).not.toContain('hunter2');
      // What a shell does to an unquoted "$2b$10$…": the $-words vanish and the rest is short.
      expect(problemsOf({ ADMIN_UI_USER: 'ops', ADMIN_UI_PASSWORD_HASH: HASH.slice(7) })).toContain('got 53 characters');
      expect(problemsOf({ ADMIN_UI_USER: 'ops', ADMIN_UI_PASSWORD_HASH: HASH.replace('$04$', '$32$') })).toContain('ADMIN_UI_PASSWORD_HASH');
      expect(problemsOf({ ADMIN_UI_USER: 'ops', ADMIN_UI_PASSWORD_HASH: `${HASH}x` })).toContain('ADMIN_UI_PASSWORD_HASH');
    });

    it('refuses a bad user name and bad switches, each by name', () => {
      const p = problemsOf({ ADMIN_UI_USER: 'two words', ADMIN_UI_PASSWORD_HASH: HASH, ADMIN_UI_READONLY: 'maybe', ADMIN_UI_MODE: 'debug' });
      for (const name of ['ADMIN_UI_USER', 'ADMIN_UI_READONLY', 'ADMIN_UI_MODE']) expect(p).toContain(name);
    });

    it('names a switch set while the admin UI is off', () => {
      expect(problemsOf({ ADMIN_UI_MODE: 'development' })).toContain('ADMIN_UI_MODE is set but the admin UI is off');
    });
  });
});

describe('production settings', () => {
  const problemsOf = (env: Record<string, string>): string => {
    try {
      loadConfig(env);
    } catch (e) {
      if (e instanceof ConfigError) return e.problems.join('\n');
      throw e;
    }
    return '';
  };

  it("defaults to socket.io's own settings, this origin only, and trusting no proxy", () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      socketPath: '/socket.io',
      corsOrigins: { kind: 'list', origins: [] },
      pingIntervalMs: 25_000,
      pingTimeoutMs: 20_000,
      connectTimeoutMs: 45_000,
      transports: ['websocket', 'polling'],
      trustProxy: { kind: 'none' },
      maxConnectionsPerAddress: 0,
      metricsToken: null,
      metricsListen: null,
      clientReconnection: { delayMs: 250, delayMaxMs: 5_000, randomization: 0.5, attempts: 10 },
    });
  });

  it('reads every setting', () => {
    const c = loadConfig({
      SOCKET_PATH: '/rt/',
      CORS_ORIGINS: 'https://play.example.com, http://localhost:5173',
      PING_INTERVAL_MS: '10000',
      PING_TIMEOUT_MS: '5000',
      CONNECT_TIMEOUT_MS: '8000',
      TRANSPORTS: 'websocket, polling',
      TRUST_PROXY: 'loopback,10.0.0.0/8',
      MAX_CONNECTIONS_PER_ADDRESS: '8',
      METRICS_TOKEN: 'a-long-enough-token',
      METRICS_PORT: '9100',
    });
    expect(c).toMatchObject({
      socketPath: '/rt',
      corsOrigins: { kind: 'list', origins: ['https://play.example.com', 'http://localhost:5173'] },
      pingIntervalMs: 10_000,
      pingTimeoutMs: 5_000,
      connectTimeoutMs: 8_000,
      transports: ['websocket', 'polling'],
      trustProxy: { kind: 'cidrs' },
      maxConnectionsPerAddress: 8,
      metricsToken: 'a-long-enough-token',
      metricsListen: { host: '127.0.0.1', port: 9100 },
    });
    expect(loadConfig({ CORS_ORIGINS: '*' }).corsOrigins).toEqual({ kind: 'any' });
    expect(
      loadConfig({ CLIENT_RECONNECT_DELAY_MS: '250', CLIENT_RECONNECT_DELAY_MAX_MS: '8000', CLIENT_RECONNECT_RANDOMIZATION: '0', CLIENT_RECONNECT_ATTEMPTS: '0' })
        .clientReconnection,
    ).toEqual({ delayMs: 250, delayMaxMs: 8_000, randomization: 0, attempts: null });
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toEqual({ kind: 'hops', hops: 2 });
  });

  it.each([
    ['SOCKET_PATH', 'socket.io'],
    ['SOCKET_PATH', '/a b'],
    ['SOCKET_PATH', '/a//b'],
    ['SOCKET_PATH', '/../x'],
    ['SOCKET_PATH', '/'],
    ['SOCKET_PATH', '/api/socket'],
    ['SOCKET_PATH', '/metrics'],
    ['CORS_ORIGINS', 'play.example.com'],
    ['CORS_ORIGINS', 'https://play.example.com/lobby'],
    ['CORS_ORIGINS', '*,https://play.example.com'],
    ['PING_INTERVAL_MS', '10'],
    ['PING_TIMEOUT_MS', 'soon'],
    ['CONNECT_TIMEOUT_MS', '99999999'],
    ['TRANSPORTS', ''],
    ['TRANSPORTS', 'webtransport'],
    ['TRANSPORTS', 'websocket,websocket'],
    ['TRANSPORTS', ','],
    ['TRUST_PROXY', 'nginx'],
    ['TRUST_PROXY', '10.0.0.0/40'],
    ['MAX_CONNECTIONS_PER_ADDRESS', '-1'],
    ['METRICS_TOKEN', 'short'],
    ['METRICS_TOKEN', 'has a space in it, long'],
    ['METRICS_PORT', '70000'],
    ['METRICS_HOST', '127.0.0.1'],
    ['PUBLIC_URL', 'game.example.com'],
    ['CLIENT_RECONNECT_DELAY_MS', '-5'],
    ['CLIENT_RECONNECT_DELAY_MAX_MS', '10'],
    ['CLIENT_RECONNECT_RANDOMIZATION', '1.5'],
    ['CLIENT_RECONNECT_RANDOMIZATION', 'NaN'],
    ['CLIENT_RECONNECT_ATTEMPTS', '2.5'],
  ])('refuses %s=%j with a problem naming it', (name, value) => {
    expect(problemsOf({ [name]: value })).toContain(name);
  });

  it('refuses /metrics on the game port twice', () => {
    expect(problemsOf({ PORT: '3000', METRICS_PORT: '3000' })).toContain('METRICS_PORT');
  });
});
