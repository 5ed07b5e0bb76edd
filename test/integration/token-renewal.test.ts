/**
 * Guest tokens over time: the server refuses an expired token at every handshake (a reconnect
 * included), POST /api/guest/renew trades a token for a fresh one of the same guest, and the SDK
 * renews before expiry and after an AUTH_EXPIRED refusal, so a player whose token ran out while
 * it was offline comes back to its own seat.
 *
 * Old tokens are minted here with the servers' AUTH_SECRET and a clock moved back (the shortest
 * AUTH_TOKEN_TTL_S is 60 s; nobody waits for it). What would fail: before the renew route the SDK
 * answered AUTH_EXPIRED with a brand-new guest, whose `join {}` finds no seat (NO_SEAT).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { GuestSession } from '../../shared/client/auth.ts';
import { LobbyClient } from '../../shared/client/lobby-client.ts';
import { MatchConnection } from '../../shared/client/match-connection.ts';
import { PlayerClient } from '../../shared/client/player-client.ts';
import type { ArenaInput, ArenaSetup } from '../../shared/games/arena/index.ts';
import type { Snapshot } from '../../shared/games/arena/snapshot.ts';
import { createTokenService, newGuestId } from '../../server/auth/tokens.ts';
import { GAMES, guest } from '../support/lobby.ts';
import { startServer, type ServerProcess } from '../support/server-process.ts';
import { startProxy, type TcpProxy } from '../support/tcp-proxy.ts';
import { sleep, waitFor } from '../support/wait.ts';

const SECRET = randomBytes(24).toString('hex');
const TTL_S = 60;

/** A token of a guest, issued `ageMs` ago by a server with this suite's secret and TTL. */
async function oldToken(nickname: string, ageMs: number, guestId = newGuestId()): Promise<GuestSession> {
  const tokens = createTokenService({ secret: new TextEncoder().encode(SECRET), ttlS: TTL_S, now: () => Date.now() - ageMs });
  const { token, expiresAt } = await tokens.issue({ guestId, nickname });
  return { token, guestId, nickname, expiresAt };
}

async function renew(url: string, authorization: string | null, method = 'POST', extra: Record<string, string> = {}): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${url}/api/guest/renew`, { method, headers: { ...extra, ...(authorization !== null && { authorization }) } });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('guest tokens: expiry and renewal', () => {
  let server: ServerProcess;
  const closers: (() => unknown)[] = [];
  beforeAll(async () => {
    server = await startServer({
      AUTH_SECRET: SECRET,
      AUTH_TOKEN_TTL_S: String(TTL_S),
      GUEST_PER_MINUTE: '40',
      TICK_RATE: '20',
      QUEUE_MIN_PLAYERS: '2',
      QUEUE_MAX_PLAYERS: '2',
      QUEUE_WAIT_MS: '300',
      BOT_FILL: 'on',
      COUNTDOWN_MS: '200',
    });
  });
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('renews a token for the same guest and nickname; within the grace even once expired; never a forged one', async () => {
    const ada = await guest(server.url, 'Ada');
    const fresh = await renew(server.url, `Bearer ${ada.token}`);
    expect(fresh.status).toBe(200);
    expect(fresh.body).toMatchObject({ ok: true, guestId: ada.guestId, nickname: 'Ada' });
    expect(fresh.body.expiresInS).toBeGreaterThanOrEqual(TTL_S - 1);
    expect(fresh.body.expiresInS).toBeLessThanOrEqual(TTL_S);
    // The new token is a working one: the lobby takes it as the same guest.
    const lobby = new LobbyClient(server.url, {}, { token: fresh.body.token as string, socket: { reconnection: false } });
    closers.push(() => lobby.close());
    expect(await lobby.ready()).toMatchObject({ ok: true, guestId: ada.guestId, nickname: 'Ada' });

    // Expired two hours ago: inside the 24 h grace.
    const slept = await oldToken('Bea', 2 * 3600_000);
    expect(slept.expiresAt).toBeLessThan(Date.now());
    expect((await renew(server.url, `Bearer ${slept.token}`)).body).toMatchObject({ ok: true, guestId: slept.guestId, nickname: 'Bea' });

    // Expired 25 hours ago, forged, missing, not a bearer token, wrong method.
    const ancient = await oldToken('Cy', 25 * 3600_000);
    expect(await renew(server.url, `Bearer ${ancient.token}`)).toMatchObject({ status: 401, body: { ok: false, code: 'AUTH_EXPIRED' } });
    const forger = createTokenService({ secret: new TextEncoder().encode('f'.repeat(48)), ttlS: TTL_S });
    const forged = await forger.issue({ guestId: ada.guestId, nickname: 'Ada' });
    expect(await renew(server.url, `Bearer ${forged.token}`)).toMatchObject({ status: 401, body: { ok: false, code: 'AUTH_INVALID' } });
    expect(await renew(server.url, null)).toMatchObject({ status: 401, body: { ok: false, code: 'AUTH_MISSING' } });
    expect(await renew(server.url, 'Basic YWRhOmFkYQ==')).toMatchObject({ status: 401, body: { ok: false, code: 'AUTH_INVALID' } });
    expect(await renew(server.url, `Bearer ${ada.token}`, 'GET')).toMatchObject({ status: 405, body: { ok: false, code: 'BAD_REQUEST' } });
    // A page of another origin may not renew (CORS_ORIGINS defaults to the server's own), as for /api/guest.
    expect(await renew(server.url, `Bearer ${ada.token}`, 'POST', { origin: 'http://elsewhere.example' })).toMatchObject({ status: 403, body: { ok: false, code: 'ORIGIN_REFUSED' } });
    expect(await renew(server.url, `Bearer ${ada.token}`, 'POST', { origin: server.url })).toMatchObject({ status: 200, body: { ok: true, guestId: ada.guestId } });
  });

  it('refuses an expired token at the handshake of both namespaces', async () => {
    const stale = await oldToken('Dee', 2 * 3600_000);
    const lobby = new LobbyClient(server.url, {}, { token: stale.token, socket: { reconnection: false } });
    closers.push(() => lobby.close());
    expect(await lobby.ready()).toMatchObject({ ok: false, code: 'AUTH_EXPIRED' });
    const match = new MatchConnection(server.url, {}, { games: GAMES, token: stale.token, socket: { reconnection: false } });
    closers.push(() => match.close());
    await expect(match.connected()).rejects.toMatchObject({ message: 'AUTH_EXPIRED', data: { code: 'AUTH_EXPIRED' } });
  });

  it('resumes with a token that expired while the player was away: renewed for the same guest', async () => {
    const away = await oldToken('Hal', 3 * 3600_000);
    const renewed: GuestSession[] = [];
    const res = await PlayerClient.resume({ url: server.url, nickname: 'Hal', games: GAMES, connection: { reconnection: false }, tokenRenewed: (g) => renewed.push(g) }, away);
    if (!res.ok) throw new Error(`${res.code} ${res.message}`);
    closers.push(() => res.value.close());
    expect(res.value.lobby.session).toMatchObject({ guestId: away.guestId, nickname: 'Hal' });
    expect(renewed.map((g) => g.guestId)).toEqual([away.guestId]);
  });

  /**
   * A player in a bot-filled duel through a proxy the test can cut; its token expires in `lifeMs`.
   * `cleanUp` is the calling test's own (the two tests that use this run side by side).
   */
  async function seatedPlayer(nickname: string, lifeMs: number, renewAhead: boolean, cleanUp: (fn: () => void | Promise<void>) => void) {
    const proxy: TcpProxy = await startProxy(server.port);
    cleanUp(async () => void (await proxy.close()));
    const session = await oldToken(nickname, TTL_S * 1000 - lifeMs);
    const seen = { refusals: [] as string[], renewed: [] as GuestSession[], rejoined: [] as { ok: boolean; slot?: number; code?: string }[], snapshots: 0 };
    const res = await PlayerClient.resume<Snapshot, ArenaInput, ArenaSetup>(
      {
        url: proxy.url,
        nickname,
        games: GAMES,
        renewAhead,
        connection: { reconnectionDelay: 200, reconnectionDelayMax: 400 },
        match: {
          snapshot: () => void (seen.snapshots += 1),
          rejoined: (r) => seen.rejoined.push(r.ok ? { ok: true, slot: r.slot } : { ok: false, code: r.code }),
        },
        tokenRenewed: (g) => seen.renewed.push(g),
      },
      session,
    );
    if (!res.ok) throw new Error(`${nickname}: ${res.code} ${res.message}`);
    const client = res.value;
    cleanUp(() => void client.close());
    client.match.socket.on('connect_error', (e: Error & { data?: { code?: string } }) => seen.refusals.push(e.data?.code ?? e.message));
    const info = await client.enter({ kind: 'quickplay', mode: 'duel', queueTimeoutMs: 15_000 });
    if (!info.ok) throw new Error(`${nickname} enter: ${info.code} ${info.message}`);
    return { proxy, session, seen, client, info };
  }

  // The two tests that wait out a token's 8 s of life run side by side. Fay queues once Eve has her
  // seat: queued at the same moment they would meet each other instead of bots, and one's drop
  // would end the other's match.
  let eveSeated!: () => void;
  const eveInMatch = new Promise<void>((resolve) => (eveSeated = resolve));

  it.concurrent('after a drop outlasting the token: the reconnect is refused AUTH_EXPIRED, the SDK renews it and retakes the same seat', async ({ expect, onTestFinished }) => {
    // 8 s of life: seating the player must not outlast the token on a busy machine.
    const { proxy, session, seen, client, info } = await seatedPlayer('Eve', 8000, false, onTestFinished).finally(() => eveSeated());
    proxy.cut();
    await waitFor(() => Date.now() > session.expiresAt + 500, 'the token to expire', 10_000);
    await sleep(300);
    proxy.restore();
    await waitFor(() => seen.rejoined.length > 0, 'the rejoin', 20_000);
    expect(seen.refusals).toContain('AUTH_EXPIRED');
    expect(seen.renewed.map((g) => g.guestId)).toEqual([session.guestId]);
    expect(client.guest).toMatchObject({ guestId: session.guestId, nickname: 'Eve' });
    expect(seen.rejoined[0]).toEqual({ ok: true, slot: info.slot });
    const before = seen.snapshots;
    await waitFor(() => seen.snapshots > before + 10, 'snapshots in the retaken seat', 10_000);
  });

  it.concurrent('renews ahead of expiry without a drop, so a later reconnect presents a valid token at once', async ({ expect, onTestFinished }) => {
    await eveInMatch;
    const { proxy, session, seen, client, info } = await seatedPlayer('Fay', 8000, true, onTestFinished);
    // Due at 80 % of the ~8 s left.
    await waitFor(() => seen.renewed.length > 0, 'the renewal ahead of expiry', 15_000);
    expect(Date.now()).toBeLessThan(session.expiresAt);
    expect(seen.renewed[0]).toMatchObject({ guestId: session.guestId, nickname: 'Fay' });
    expect(client.match.socket.connected).toBe(true);
    await waitFor(() => Date.now() > session.expiresAt + 200, 'the first token to expire', 10_000);
    proxy.cut();
    await sleep(300);
    proxy.restore();
    await waitFor(() => seen.rejoined.length > 0, 'the rejoin', 20_000);
    expect(seen.refusals.filter((c) => c.startsWith('AUTH_'))).toEqual([]);
    expect(seen.rejoined[0]).toEqual({ ok: true, slot: info.slot });
  });

  it('reconnect() leaves a connect attempt under way alone: one CONNECT, one socket on the server', async () => {
    // A late refusal of an old token calls reconnect() while the new token's attempt is out. A
    // second CONNECT would open a second /match socket (two 'connect's here), or, once the first is
    // admitted, make socket.io close the whole connection (not connected here).
    const res = await PlayerClient.resume({ url: server.url, nickname: 'Ivy', games: GAMES, connection: { reconnection: false } }, await oldToken('Ivy', 0));
    if (!res.ok) throw new Error(`${res.code} ${res.message}`);
    const client = res.value;
    closers.push(() => client.close());
    await client.match.connected();
    let connects = 0;
    client.match.socket.on('connect', () => void (connects += 1));
    client.match.socket.disconnect();
    // The server handles a DISCONNECT a tick late: a CONNECT on its heels would meet the old socket.
    await sleep(200);
    client.match.socket.connect();
    client.reconnect();
    await waitFor(() => connects > 0, 'the reconnect');
    await sleep(500);
    expect(connects).toBe(1);
    expect(client.match.socket.connected).toBe(true);
  });

  it('rate-limits renewals per address like new guests', async () => {
    const gus = await guest(server.url, 'Gus');
    const statuses: number[] = [];
    for (let i = 0; i < 45; i++) statuses.push((await renew(server.url, `Bearer ${gus.token}`)).status);
    expect(statuses).toContain(429);
    const limited = await renew(server.url, `Bearer ${gus.token}`);
    expect(limited).toMatchObject({ status: 429, body: { ok: false, code: 'RATE_LIMITED' } });
  });
});
