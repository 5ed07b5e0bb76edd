/**
 * The socket.io Admin UI's server side, driven as the UI drives it: a socket.io client with the
 * default parser on the `/admin` namespace, `auth: { username, password }` or `{ sessionId }`.
 *
 * - Off by default: /admin/ is 404 and the namespace does not exist.
 * - A wrong password gets "invalid credentials" (the message the UI shows), a log line and a
 *   count; a flood of attempts from one address is cut off before any bcrypt work.
 * - Read-only by default: the package registers no join/leave/disconnect handlers, so the
 *   operator's "disconnect" does nothing; with ADMIN_UI_READONLY=off it disconnects.
 * - Development mode forwards every packet, binary snapshots included, to the UI. Without the
 *   default encoder on the admin namespace (ops/admin-ui.ts) this server's wire parser throws on
 *   the first snapshot (binary inside an argument list) inside the match's broadcast.
 * - Two nodes on one redis-server, and on a 3-shard Redis Cluster: a UI connected to node1 sees
 *   node2's statistics and sockets, and its session works on node2.
 */
import bcrypt from 'bcryptjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as connect, type Socket } from 'socket.io-client';
import { MatchConnection } from '../../shared/client/match-connection.ts';
import { bareMatchSocket, GAMES, privateMatchSeats } from '../support/lobby.ts';
import { startCluster, type TestCluster } from '../support/cluster.ts';
import { REDIS_BACKENDS, type RedisBackend } from '../support/redis.ts';
import { startServer, type ServerProcess } from '../support/server-process.ts';
import { waitFor } from '../support/wait.ts';

const PASSWORD = 'correct horse battery staple';
// Cost 4: the tests check the plumbing, not bcrypt's cost (operators use 10 or more).
const HASH = bcrypt.hashSync(PASSWORD, 4);
const ADMIN_ENV = { ADMIN_UI_USER: 'ops', ADMIN_UI_PASSWORD_HASH: HASH };

interface ServerStats {
  serverId: string;
  clientsCount: number;
  aggregatedEvents: { timestamp: number; type: string; subType?: string; count: number }[];
  namespaces: { name: string; socketsCount: number }[];
}

interface SerializedSocket {
  id: string;
  nsp: string;
  rooms: string[];
  data: Record<string, unknown>;
}

interface AdminView {
  socket: Socket;
  sessions: string[];
  features: string[];
  stats: ServerStats[];
  allSockets: SerializedSocket[] | null;
  connected: SerializedSocket[];
  sent: { nsp: string; id: string; args: unknown[] }[];
}

/** Connects like the UI; resolves with what the UI would show, or the connect_error. */
function admin(url: string, auth: Record<string, unknown>): Promise<{ ok: true; view: AdminView } | { ok: false; message: string; data: unknown }> {
  const socket = connect(`${url}/admin`, { auth, reconnection: false, transports: ['websocket'], forceNew: true });
  const view: AdminView = { socket, sessions: [], features: [], stats: [], allSockets: null, connected: [], sent: [] };
  socket.on('session', (id: string) => view.sessions.push(id));
  socket.on('config', (c: { supportedFeatures: string[] }) => (view.features = c.supportedFeatures));
  socket.on('server_stats', (s: ServerStats) => view.stats.push(s));
  socket.on('all_sockets', (list: SerializedSocket[]) => (view.allSockets = list));
  socket.on('socket_connected', (s: SerializedSocket) => view.connected.push(s));
  socket.on('event_sent', (nsp: string, id: string, args: unknown[]) => view.sent.push({ nsp, id, args }));
  return new Promise((resolve) => {
    socket.once('connect', () => resolve({ ok: true, view }));
    socket.once('connect_error', (e: Error & { data?: unknown }) => {
      socket.close();
      resolve({ ok: false, message: e.message, data: e.data });
    });
  });
}

async function login(url: string, auth: Record<string, unknown> = { username: 'ops', password: PASSWORD }): Promise<AdminView> {
  const res = await admin(url, auth);
  if (!res.ok) throw new Error(`admin login refused: ${res.message}`);
  return res.view;
}


async function metric(url: string, line: string): Promise<number | null> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const found = text.split('\n').find((l) => l.startsWith(`${line} `));
  return found === undefined ? null : Number(found.slice(line.length + 1));
}

const latestFrom = (view: AdminView, serverId: string) => view.stats.filter((s) => s.serverId === serverId).at(-1);

describe('admin UI off (the default)', () => {
  let server: ServerProcess;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server?.stop());

  it('has no page and no namespace', async () => {
    for (const path of ['/admin', '/admin/', '/admin/preset.js', '/admin/js/app.0d7d7845.js']) {
      expect((await fetch(`${server.url}${path}`, { redirect: 'manual' })).status, path).toBe(404);
    }
    const res = await admin(server.url, { username: 'ops', password: PASSWORD });
    expect(res).toMatchObject({ ok: false, message: 'Invalid namespace' });
  });
});

describe('admin UI on, one node, defaults (read-only, production mode)', () => {
  let server: ServerProcess;
  const open: Socket[] = [];
  beforeAll(async () => {
    server = await startServer({ ...ADMIN_ENV, NODE_ID: 'solo' });
  });
  afterAll(async () => {
    for (const s of open) s.close();
    await server?.stop();
  });

  it('refuses a wrong password with the message the UI shows, and logs and counts it', async () => {
    const res = await admin(server.url, { username: 'ops', password: 'wrong' });
    expect(res).toEqual({ ok: false, message: 'invalid credentials', data: { code: 'ADMIN_AUTH_INVALID', message: 'invalid credentials' } });
    // The right password under another name is just as wrong.
    expect(await admin(server.url, { username: 'root', password: PASSWORD })).toMatchObject({ ok: false, message: 'invalid credentials' });
    expect(await metric(server.url, 'game_admin_auth_failures_total{reason="bad_credentials"}')).toBe(2);
    // Log lines come over the child's stdout, which can trail the answers.
    await waitFor(() => server.logs.filter((l) => l.msg === 'admin UI login refused' && l.reason === 'bad_credentials').length === 2, 'both refusals logged');
    // The password never reaches a log line.
    expect(JSON.stringify(server.logs)).not.toContain('wrong');
  });

  it('asks for a login when there is neither a password nor a live session', async () => {
    expect(await admin(server.url, {})).toMatchObject({ ok: false, message: 'login required' });
    expect(await admin(server.url, { sessionId: 'f'.repeat(32) })).toMatchObject({ ok: false, message: 'login required' });
    expect(await metric(server.url, 'game_admin_auth_failures_total{reason="login_required"}')).toBe(2);
  });

  it('lets the operator in, lists /match with its sockets, and gives a session for the next visit', async () => {
    open.push(await bareMatchSocket(server.url, 'm1'), await bareMatchSocket(server.url, 'm2'));
    const view = await login(server.url);
    open.push(view.socket);
    await waitFor(() => view.sessions.length === 1 && view.features.length > 0 && view.stats.length > 0, 'session, config and stats');
    const stats = latestFrom(view, 'solo')!;
    expect(stats.namespaces).toContainEqual({ name: '/match', socketsCount: 2 });
    // The charts' per-second counts (kept by ops/event-tally.ts in place of the package's).
    await waitFor(() => view.stats.some((s) => s.aggregatedEvents.some((e) => e.type === 'packetsOut' && e.count > 0 && e.timestamp % 1000 === 0)), 'packet counts');
    expect(view.stats.flatMap((s) => s.aggregatedEvents).some((e) => e.type === 'rawConnection')).toBe(true);
    // Read-only and production mode: aggregated numbers only, no actions, no per-packet events.
    expect(view.features).toEqual(['AGGREGATED_EVENTS']);
    expect(await metric(server.url, 'game_admin_logins_total')).toBe(1);

    // A reload of the page comes back with the session id alone.
    const again = await login(server.url, { sessionId: view.sessions[0] });
    open.push(again.socket);
    await waitFor(() => again.stats.length > 0, 'stats after a reload');
  });

  it('does nothing when a read-only operator asks to disconnect sockets', async () => {
    const player = await bareMatchSocket(server.url, 'm3');
    open.push(player);
    const view = await login(server.url);
    open.push(view.socket);
    view.socket.emit('_disconnect', '/match', false);
    // The next statistics (every 2 s) come after the request was handled: the player is still on.
    const seen = view.stats.length;
    await waitFor(() => view.stats.length > seen + 1, 'two more statistics', 10_000);
    expect(player.connected).toBe(true);
  });

  it('cuts a flood of attempts from one address off before checking the password', async () => {
    // 5 attempts at once, then 1 per 12 s (per address): whatever the tests above left in the
    // bucket, at most 5 of these 12 reach the password check, and none gets in.
    const answers: string[] = [];
    for (let i = 0; i < 12; i++) {
      const res = await admin(server.url, { username: 'ops', password: `guess${i}` });
      answers.push(res.ok ? 'in' : res.message);
    }
    expect(answers).not.toContain('in');
    expect(answers.at(-1)).toMatch(/^too many login attempts/);
    // Even the right password waits its turn now.
    expect(await admin(server.url, { username: 'ops', password: PASSWORD })).toMatchObject({ ok: false, data: { code: 'ADMIN_RATE_LIMITED' } });
    expect(await metric(server.url, 'game_admin_auth_failures_total{reason="rate_limited"}')).toBeGreaterThanOrEqual(8);
  });
});

describe('admin UI in development mode, not read-only: every socket, event and action', () => {
  let server: ServerProcess;
  const closers: (() => void)[] = [];
  beforeAll(async () => {
    server = await startServer({ ...ADMIN_ENV, NODE_ID: 'dev', ADMIN_UI_MODE: 'development', ADMIN_UI_READONLY: 'off', COUNTDOWN_MS: '0', TICK_RATE: '20' });
  });
  afterAll(async () => {
    for (const close of closers) close();
    await server?.stop();
  });

  it('shows the match sockets and their binary snapshots while the match goes on', async () => {
    const seats = await privateMatchSeats(server.url, ['one', 'two']);
    const view = await login(server.url);
    closers.push(() => view.socket.close());
    let snapshots = 0;
    const players = seats.tokens.map((token) => new MatchConnection(server.url, { snapshot: () => void snapshots++ }, { token, games: GAMES }));
    for (const p of players) closers.push(() => p.close());
    for (const p of players) expect((await p.join(seats.matchId)).ok).toBe(true);

    await waitFor(() => view.sent.filter((e) => e.nsp === '/match').length > 20, 'the /match snapshots forwarded to the UI', 20_000);
    const snapshot = view.sent.find((e) => e.nsp === '/match' && e.args.some((a) => a instanceof ArrayBuffer || ArrayBuffer.isView(a)));
    expect(snapshot, 'a forwarded event carrying binary').toBeDefined();
    // The players' own streams were not broken by the forwarding.
    const before = snapshots;
    await waitFor(() => snapshots > before + 20, 'the match to keep sending snapshots', 20_000);

    // A fresh UI gets the full list, with each match socket in its match's room.
    const fresh = await login(server.url);
    closers.push(() => fresh.socket.close());
    const list = await waitFor(() => fresh.allSockets ?? undefined, 'all_sockets');
    const inMatch = list.filter((s) => s.nsp === '/match' && s.data.matchId === seats.matchId);
    expect(inMatch).toHaveLength(2);
    expect(view.features).toEqual(expect.arrayContaining(['ALL_EVENTS', 'MDISCONNECT', 'MJOIN']));
  });

  it('disconnects sockets when the operator asks', async () => {
    const player = await bareMatchSocket(server.url, 'kicked');
    const reasons: string[] = [];
    player.on('disconnect', (reason) => reasons.push(reason));
    const view = await login(server.url);
    closers.push(() => view.socket.close());
    view.socket.emit('_disconnect', '/match', false, player.id);
    await waitFor(() => reasons.length > 0, 'the disconnect');
    expect(reasons).toEqual(['io server disconnect']);
  });
});


describe.each(REDIS_BACKENDS)('admin UI on two nodes joined by %s', (_name, startBackend) => {
  let backend: RedisBackend;
  let cluster: TestCluster;
  const open: Socket[] = [];
  beforeAll(async () => {
    backend = await startBackend();
    cluster = await startCluster(backend.env, 2, { ...ADMIN_ENV, ADMIN_UI_MODE: 'development' });
  });
  afterAll(async () => {
    for (const s of open) s.close();
    await cluster?.stop();
    await backend?.stop();
  });

  it('shows both nodes and the sockets of both to a UI connected to one', async () => {
    const [node1, node2] = cluster.nodes as [ServerProcess, ServerProcess];
    open.push(await bareMatchSocket(node2.url, 'far'));
    const view = await login(node1.url);
    open.push(view.socket);
    await waitFor(() => latestFrom(view, 'node1') && latestFrom(view, 'node2'), 'statistics from node1 and node2', 15_000);
    expect(latestFrom(view, 'node2')!.namespaces).toContainEqual({ name: '/match', socketsCount: 1 });
    const list = await waitFor(() => view.allSockets ?? undefined, 'all_sockets', 15_000);
    expect(list.filter((s) => s.nsp === '/match')).toHaveLength(1);

    // A socket arriving on node2 is announced to the UI on node1 as it happens.
    const late = await bareMatchSocket(node2.url, 'later');
    open.push(late);
    await waitFor(() => view.connected.some((s) => s.id === late.id && s.nsp === '/match'), 'socket_connected from node2');
  });

  it('shares the session: signed in on node1, a reload through node2 needs no password', async () => {
    const [node1, node2] = cluster.nodes as [ServerProcess, ServerProcess];
    const view = await login(node1.url);
    open.push(view.socket);
    const sessionId = await waitFor(() => view.sessions[0], 'a session id');
    const there = await admin(node2.url, { sessionId });
    expect(there.ok).toBe(true);
    if (there.ok) open.push(there.view.socket);
  });
});
