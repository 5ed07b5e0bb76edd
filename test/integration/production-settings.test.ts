/**
 * The production settings against real server processes: configuration errors stop the
 * process naming the variable; pages of another origin are refused (POST /api/guest, the polling
 * handshake, the WebSocket upgrade) with ORIGIN_REFUSED while this origin, listed origins and
 * clients without an Origin work; limits key on the real client address behind a trusted proxy
 * and ignore X-Forwarded-For from anyone else; the per-address connection cap; METRICS_TOKEN and
 * METRICS_PORT; security headers; disconnects counted by reason; SOCKET_PATH, TRANSPORTS and the
 * ping settings reach socket.io.
 *
 * Each refusal is checked beside the request that differs from it only in the thing refused
 * (the origin, the address, the token), so a test cannot pass because everything is refused.
 */
import { spawn } from 'node:child_process';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { fileURLToPath } from 'node:url';
import { io as connectSocket, type Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTokenService, newGuestId } from '../../server/auth/tokens.ts';
import { startServer, type ServerProcess } from '../support/server-process.ts';
import { eventually, waitFor } from '../support/wait.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TOKEN = 'metrics-token-0123456789';
const ALLOWED = 'http://allowed.example';
const EVIL = 'http://evil.example';

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** One HTTP request with exactly these headers (fetch would not send Origin as given). */
function send(url: string, opts: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: opts.method ?? 'GET', headers: opts.headers ?? {} }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** A WebSocket handshake (engine.io transport=websocket, no session): the status, or 101. */
function upgrade(base: string, path: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${base}${path}/?EIO=4&transport=websocket`, {
      headers: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==', ...headers },
    });
    req.on('upgrade', (res, socket) => {
      socket.destroy();
      resolve({ status: res.statusCode!, headers: res.headers, body: '' });
    });
    req.on('response', (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Ends a long-polling session a raw handshake opened (engine.io close packet), so it does not wait out its ping timeout. */
async function closeSession(base: string, path: string, handshake: Answer): Promise<void> {
  const sid = /"sid":"([^"]+)"/.exec(handshake.body)?.[1];
  if (sid) await send(`${base}${path}/?EIO=4&transport=polling&sid=${sid}`, { method: 'POST', headers: { 'content-type': 'text/plain;charset=UTF-8' }, body: '1' });
}

const guestPost = (url: string, headers: Record<string, string> = {}, nickname = 'pat') =>
  send(`${url}/api/guest`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ nickname }) });

/** One series of /metrics, 0 when absent. */
async function metric(url: string, series: string, token: string | null = TOKEN): Promise<number> {
  const res = await send(`${url}/metrics`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  expect(res.status).toBe(200);
  const line = res.body.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

/** An engine.io connection on the main namespace (no auth there): connects, or says why not. */
/** The servers' secret, so this suite can mint guest tokens without spending the guest route's budget. */
const SECRET = 's'.repeat(48);
const minter = createTokenService({ secret: new TextEncoder().encode(SECRET), ttlS: 3600 });

/**
 * A guest's socket.io client on /lobby: engine.io's admission (origin, per-address cap) decides
 * at the handshake, before any namespace; admitted, the client joins the lobby (the main
 * namespace serves nothing and refuses everyone).
 */
function openSocket(url: string, path: string, opts: { transports?: ('polling' | 'websocket')[]; headers?: Record<string, string> } = {}) {
  const socket: Socket = connectSocket(new URL('/lobby', url).toString(), {
    auth: (cb: (data: object) => void) => void minter.issue({ guestId: newGuestId(), nickname: 'cap' }).then(({ token }) => cb({ token })),
    path,
    transports: opts.transports ?? ['websocket'],
    reconnection: false,
    forceNew: true,
    timeout: 10_000,
    ...(opts.headers && { extraHeaders: opts.headers }),
  });
  const outcome = new Promise<{ ok: true } | { ok: false; message: string; status: unknown; body: string }>((resolve) => {
    socket.once('connect', () => resolve({ ok: true }));
    socket.once('connect_error', (err: Error & { description?: unknown; context?: { responseText?: string } }) => {
      const description = err.description as { message?: string } | number | undefined;
      resolve({
        ok: false,
        message: err.message,
        status: typeof description === 'object' ? description?.message : description,
        body: err.context?.responseText ?? '',
      });
    });
  });
  return { socket, outcome };
}

describe('configuration errors', () => {
  it('stop the process with a message naming each bad variable', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      cwd: ROOT,
      env: { ...process.env, HOST: '127.0.0.1', PORT: '0', CORS_ORIGINS: 'evil.example', TRANSPORTS: 'carrier-pigeon', TRUST_PROXY: '10.0.0.0/99', SOCKET_PATH: 'socket' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).not.toBe(0);
    for (const name of ['CORS_ORIGINS', 'TRANSPORTS', 'TRUST_PROXY', 'SOCKET_PATH']) expect(stderr).toContain(name);
    expect(stderr).toContain('invalid configuration');
  });
});

describe('a node in public (trusted loopback proxy, listed origin, caps, metrics token, /rt path)', () => {
  let server: ServerProcess;
  let url: string;
  const sockets: Socket[] = [];
  const open = (opts: Parameters<typeof openSocket>[2] = {}) => {
    const s = openSocket(url, '/rt', opts);
    sockets.push(s.socket);
    return s.outcome;
  };

  beforeAll(async () => {
    server = await startServer({
      AUTH_SECRET: SECRET,
      TRUST_PROXY: 'loopback',
      CORS_ORIGINS: ALLOWED,
      GUEST_PER_MINUTE: '2',
      MAX_CONNECTIONS_PER_ADDRESS: '2',
      METRICS_TOKEN: TOKEN,
      SOCKET_PATH: '/rt',
      PING_INTERVAL_MS: '5000',
      CLIENT_RECONNECT_DELAY_MS: '500',
      CLIENT_RECONNECT_ATTEMPTS: '4',
      PING_TIMEOUT_MS: '4000',
    });
    url = server.url;
  });
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.disconnect();
    // Every connection of a test is gone before the next (the cap counts them).
    await eventually(async () => (await metric(url, 'game_players_connected')) === 0, 'connections closed');
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('tells clients where socket.io listens, and serves socket.io only there', async () => {
    const config = JSON.parse((await send(`${url}/api/config`)).body) as { socketPath: string; transports: string[] };
    expect(config).toEqual({
      socketPath: '/rt',
      transports: ['websocket', 'polling'],
      reconnection: { delayMs: 500, delayMaxMs: 5000, randomization: 0.5, attempts: 4 },
      devTools: false,
    });
    const handshake = await send(`${url}/rt/?EIO=4&transport=polling`);
    expect(handshake.status).toBe(200);
    // The ping settings reach engine.io's handshake.
    expect(handshake.body).toMatch(/"pingInterval":5000,"pingTimeout":4000/);
    expect(handshake.headers['x-content-type-options']).toBe('nosniff');
    await closeSession(url, '/rt', handshake);
    expect((await send(`${url}/socket.io/?EIO=4&transport=polling`)).status).toBe(404);
  });

  it('refuses a page of another origin at POST /api/guest, logs and counts it', async () => {
    const before = await metric(url, 'game_origin_refused_total{route="/api/guest"}');
    const refused = await guestPost(url, { origin: EVIL, 'x-forwarded-for': '198.51.100.1' });
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.body)).toMatchObject({ ok: false, code: 'ORIGIN_REFUSED' });
    // The refused page may read why (its fetch shows the code rather than a CORS failure).
    expect(refused.headers['access-control-allow-origin']).toBe(EVIL);
    expect(await metric(url, 'game_origin_refused_total{route="/api/guest"}')).toBe(before + 1);
    await waitFor(() => server.logs.find((l) => l.msg === 'request refused' && l.code === 'ORIGIN_REFUSED' && l.address === '198.51.100.1'), 'the refusal logged with the forwarded address');

    // The same request from this origin, a listed origin, or no page at all is served.
    const own = await guestPost(url, { origin: url, 'x-forwarded-for': '198.51.100.2' });
    expect(own.status).toBe(200);
    const listed = await guestPost(url, { origin: ALLOWED, 'x-forwarded-for': '198.51.100.3' });
    expect(listed.status).toBe(200);
    expect(listed.headers['access-control-allow-origin']).toBe(ALLOWED);
    expect((await guestPost(url, { 'x-forwarded-for': '198.51.100.4' })).status).toBe(200);
  });

  it('refuses the polling handshake and the WebSocket upgrade of a page of another origin', async () => {
    const before = await metric(url, 'game_origin_refused_total{route="socket.io"}');
    const polling = await send(`${url}/rt/?EIO=4&transport=polling`, { headers: { origin: EVIL } });
    expect(polling.status).toBe(403);
    expect(JSON.parse(polling.body)).toEqual({ code: 4, message: 'ORIGIN_REFUSED' });
    // The refused page may read its refusal (that is how its connect_error can name the code).
    expect(polling.headers['access-control-allow-origin']).toBe(EVIL);
    const ws = await upgrade(url, '/rt', { origin: EVIL });
    expect(ws.status).toBe(400);
    expect(ws.body).toBe('ORIGIN_REFUSED');
    // socket.io-client over WebSocket (Node can set Origin there) gets connect_error.
    const client = await open({ headers: { origin: EVIL } });
    expect(client).toMatchObject({ ok: false, message: 'websocket error', status: expect.stringContaining('400') });
    expect(await metric(url, 'game_origin_refused_total{route="socket.io"}')).toBe(before + 3);
    await waitFor(() => server.logs.some((l) => l.msg === 'connection refused' && l.code === 'ORIGIN_REFUSED'), 'the refusal logged');

    // This origin, the listed one and no Origin at all connect.
    const own = await send(`${url}/rt/?EIO=4&transport=polling`, { headers: { origin: url } });
    expect(own.status).toBe(200);
    await closeSession(url, '/rt', own);
    const listed = await send(`${url}/rt/?EIO=4&transport=polling`, { headers: { origin: ALLOWED, 'x-forwarded-for': '198.51.100.5' } });
    expect(listed.status).toBe(200);
    expect(listed.headers['access-control-allow-origin']).toBe(ALLOWED);
    await closeSession(url, '/rt', listed);
    expect((await upgrade(url, '/rt', { origin: ALLOWED, 'x-forwarded-for': '198.51.100.6' })).status).toBe(101);
    expect(await open({ headers: { origin: ALLOWED, 'x-forwarded-for': '198.51.100.7' } })).toEqual({ ok: true });
  });

  it('rate-limits new guests per forwarded address behind the trusted proxy', async () => {
    // GUEST_PER_MINUTE=2: the third from one client address is refused, another address is not.
    const from = (address: string, n: string) => guestPost(url, { 'x-forwarded-for': address }, n);
    expect((await from('203.0.113.10', 'ann')).status).toBe(200);
    expect((await from('203.0.113.10', 'ann')).status).toBe(200);
    const third = await from('203.0.113.10', 'ann');
    expect(third.status).toBe(429);
    expect(JSON.parse(third.body)).toMatchObject({ code: 'RATE_LIMITED' });
    expect((await from('203.0.113.11', 'bob')).status).toBe(200);
    // A spoofed entry left of the proxy's is not the key: the client is still 203.0.113.10.
    expect((await guestPost(url, { 'x-forwarded-for': '1.2.3.4, 203.0.113.10' })).status).toBe(429);
    await waitFor(() => server.logs.some((l) => l.msg === 'guest created' && l.address === '203.0.113.11'), 'the guest logged with its forwarded address');
  });

  it('caps connections per address across both transports, and frees a place on close', async () => {
    const addr = { 'x-forwarded-for': '203.0.113.20' };
    expect(await open({ transports: ['polling'], headers: addr })).toEqual({ ok: true });
    expect(await open({ transports: ['websocket'], headers: addr })).toEqual({ ok: true });
    const before = await metric(url, 'game_protocol_errors_total{code="TOO_MANY_CONNECTIONS"}');
    // The third from that address is refused on either transport...
    const polling = await send(`${url}/rt/?EIO=4&transport=polling`, { headers: addr });
    expect(polling.status).toBe(403);
    expect(JSON.parse(polling.body)).toMatchObject({ message: 'TOO_MANY_CONNECTIONS' });
    const ws = await open({ transports: ['websocket'], headers: addr });
    expect(ws).toMatchObject({ ok: false, status: expect.stringContaining('400') });
    expect((await upgrade(url, '/rt', addr)).body).toBe('TOO_MANY_CONNECTIONS');
    expect(await metric(url, 'game_protocol_errors_total{code="TOO_MANY_CONNECTIONS"}')).toBe(before + 3);
    // ...while another address connects.
    expect(await open({ headers: { 'x-forwarded-for': '203.0.113.21' } })).toEqual({ ok: true });
    // One of the two closes: its place is free again.
    sockets[0]!.disconnect();
    await eventually(async () => (await open({ headers: addr })).ok, 'a place freed', 10_000);
  });

  it('keeps /metrics behind METRICS_TOKEN', async () => {
    expect((await send(`${url}/metrics`)).status).toBe(401);
    const wrong = await send(`${url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}x` } });
    expect(wrong.status).toBe(401);
    expect(wrong.headers['www-authenticate']).toMatch(/^Bearer/);
    expect((await send(`${url}/metrics`, { headers: { authorization: `Basic ${TOKEN}` } })).status).toBe(401);
    const right = await send(`${url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(right.status).toBe(200);
    // Labelled counters exist at 0 before anything happened.
    expect(right.body).toMatch(/^game_snapshot_bytes_total\{kind="key"\} 0$/m);
    expect(right.body).toMatch(/^game_disconnects_total\{namespace="\/match",reason="ping timeout"\} 0$/m);
    expect(right.body).toMatch(/^game_inputs_dropped_total\{reason="replayed"\} 0$/m);
  });

  it('sends security headers with the page and its files', async () => {
    const page = await send(`${url}/`);
    expect(page.status).toBe(200);
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toMatch(/style-src 'self' 'sha256-[A-Za-z0-9+/=]+'/);
    expect(csp).toContain(`connect-src 'self' ws://127.0.0.1:${server.port} wss://127.0.0.1:${server.port}`);
    expect(csp).not.toContain('unsafe-inline');
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    const script = /src="\.\/(assets\/[^"]+\.js)"/.exec(page.body)![1]!;
    const asset = await send(`${url}/${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers['x-content-type-options']).toBe('nosniff');
    expect((await send(`${url}/api/games`)).headers['x-content-type-options']).toBe('nosniff');
  });

  it('counts disconnects by namespace and reason', async () => {
    const series = (reason: string) => `game_disconnects_total{namespace="/lobby",reason="${reason}"}`;
    const clientLeft = await metric(url, series('client namespace disconnect'));
    const transportClosed = await metric(url, series('transport close'));
    const token = (JSON.parse((await guestPost(url, { 'x-forwarded-for': '203.0.113.30' }, 'leaver')).body) as { token: string }).token;
    const lobby = (address: string) =>
      connectSocket(`${url}/lobby`, { path: '/rt', transports: ['websocket'], reconnection: false, forceNew: true, auth: { token }, extraHeaders: { 'x-forwarded-for': address } });
    // One leaves the lobby politely, the other's connection just goes away.
    const polite = lobby('203.0.113.31');
    const abrupt = lobby('203.0.113.32');
    await Promise.all([polite, abrupt].map((s) => new Promise((r) => s.once('connect', () => r(null)))));
    polite.disconnect();
    abrupt.io.engine.close();
    await eventually(async () => (await metric(url, series('client namespace disconnect'))) === clientLeft + 1, 'the polite disconnect counted');
    await eventually(async () => (await metric(url, series('transport close'))) === transportClosed + 1, 'the abrupt disconnect counted');
    // The line comes over the child's stdout, which can arrive after the metric's HTTP answer.
    await waitFor(() => server.logs.some((l) => l.msg === 'disconnected' && l.reason === 'transport close' && l.address === '203.0.113.32' && l.nsp === '/lobby'),
      'the abrupt disconnect logged with its address',
    );
  });
});

describe('a node behind an untrusted peer, any origin, WebSocket only, metrics on their own port', () => {
  let server: ServerProcess;
  let url: string;
  let metricsUrl: string;

  beforeAll(async () => {
    server = await startServer({
      AUTH_SECRET: SECRET,
      // The test's connections come from 127.0.0.1, which is not in this list: not a proxy.
      TRUST_PROXY: '10.0.0.0/8',
      CORS_ORIGINS: '*',
      GUEST_PER_MINUTE: '2',
      TRANSPORTS: 'websocket',
      METRICS_PORT: '0',
    });
    url = server.url;
    const listening = await waitFor(() => server.logs.find((l) => l.msg === 'metrics listening'), 'the metrics listener');
    metricsUrl = `http://127.0.0.1:${listening.port as number}`;
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('ignores X-Forwarded-For from a peer it does not trust', async () => {
    // Each request claims another address; all come from 127.0.0.1, which is what counts.
    expect((await guestPost(url, { 'x-forwarded-for': '203.0.113.40' }, 'a')).status).toBe(200);
    expect((await guestPost(url, { 'x-forwarded-for': '203.0.113.41' }, 'b')).status).toBe(200);
    const third = await guestPost(url, { 'x-forwarded-for': '203.0.113.42' }, 'c');
    expect(third.status).toBe(429);
    expect(server.logs.filter((l) => l.msg === 'guest created').map((l) => l.address)).toEqual(['127.0.0.1', '127.0.0.1']);
  });

  it('takes pages of any origin when CORS_ORIGINS is *', async () => {
    expect((await upgrade(url, '/socket.io', { origin: EVIL })).status).toBe(101);
    const { socket, outcome } = openSocket(url, '/socket.io', { headers: { origin: EVIL } });
    expect(await outcome).toEqual({ ok: true });
    socket.disconnect();
  });

  it('refuses polling when TRANSPORTS=websocket', async () => {
    const polling = await send(`${url}/socket.io/?EIO=4&transport=polling`);
    expect(polling.status).toBe(400);
    expect(JSON.parse(polling.body)).toMatchObject({ message: 'Transport unknown' });
  });

  it('serves /metrics on METRICS_PORT only', async () => {
    expect((await send(`${url}/metrics`)).status).toBe(404);
    const res = await send(`${metricsUrl}/metrics`);
    expect(res.status).toBe(200);
    expect(res.body).toContain('game_players_connected');
    expect((await send(`${metricsUrl}/`)).status).toBe(404);
  });
});
