/**
 * SIGTERM drains: the node stops taking players and says so, lets a running match go on until
 * the drain timeout, then exits cleanly.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { MatchConnection } from '../../shared/client/match-connection.ts';
import { PlayerClient } from '../../shared/client/player-client.ts';
import { connectPlayer, GAMES, privateMatchSeats } from '../support/lobby.ts';
import { startServer, type ServerProcess } from '../support/server-process.ts';
import { sleep, waitFor } from '../support/wait.ts';

describe('draining on SIGTERM', () => {
  let server: ServerProcess;
  afterAll(() => server?.stop());

  it('refuses new players, keeps the running match going, then exits 0', async () => {
    server = await startServer({ DRAIN_TIMEOUT_MS: '1500', COUNTDOWN_MS: '0' });
    const seats = await privateMatchSeats(server.url, ['one', 'two']);
    let snapshots = 0;
    const playing = seats.tokens.map((token) => new MatchConnection(server.url, { snapshot: () => void snapshots++ }, { token, games: GAMES }));
    for (const c of playing) expect((await c.join(seats.matchId)).ok).toBe(true);
    const latecomer = await connectPlayer(server.url, 'late');
    await waitFor(() => snapshots > 10, 'snapshots');

    const exited = new Promise<number | null>((resolve) => server.child.once('exit', (code) => resolve(code)));
    const startedAt = Date.now();
    server.child.kill('SIGTERM');
    await waitFor(() => server.logs.some((l) => l.msg?.toString().startsWith('draining')), 'drain to start');

    expect((await fetch(`${server.url}/readyz`)).status).toBe(503);
    expect(await (await fetch(`${server.url}/healthz`)).json()).toMatchObject({ status: 'draining' });
    const refused = await latecomer.lobby.createPrivate({});
    expect(refused).toMatchObject({ ok: false, code: 'SERVER_DRAINING' });
    // A new lobby connection is refused at the handshake, with the same code.
    const newcomer = await PlayerClient.connect({ url: server.url, nickname: 'newcomer', games: GAMES, connection: { reconnection: false } });
    expect(newcomer).toMatchObject({ ok: false, code: 'SERVER_DRAINING' });
    const before = snapshots;
    await sleep(300);
    expect(snapshots - before).toBeGreaterThan(5); // the running match goes on

    expect(await exited).toBe(0);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(1400);
    latecomer.close();
    for (const c of playing) c.close();
  });
});
