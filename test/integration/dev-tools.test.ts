/**
 * DEV_TOOLS: the network simulator is changed while the server runs (the page's net graph has
 * the controls). A clock round trip measured before and after 100 ms each way is added must grow
 * by about 200 ms; without DEV_TOOLS the route does not exist.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectPlayer } from '../support/lobby.ts';
import { startServer, type ServerProcess } from '../support/server-process.ts';

describe('development tools', () => {
  let dev: ServerProcess;
  let prod: ServerProcess;
  beforeAll(async () => {
    [dev, prod] = await Promise.all([startServer({ DEV_TOOLS: 'on' }), startServer({})]);
  });
  afterAll(async () => {
    await Promise.all([dev?.stop(), prod?.stop()]);
  });

  it('reads and sets the network simulator live, and refuses bad values', async () => {
    const api = `${dev.url}/api/dev/netsim`;
    expect(await (await fetch(api)).json()).toEqual({ ok: true, latencyMs: 0, jitterMs: 0 });
    const player = await connectPlayer(dev.url, 'netdev');
    const view = player.openMatch();
    await view.conn.connected();
    const rtt = async () => Math.min(...(await Promise.all([1, 2, 3].map(() => view.conn.syncClock()))));
    const before = await rtt();
    const set = await fetch(api, { method: 'POST', body: JSON.stringify({ latencyMs: 100 }) });
    expect(await set.json()).toEqual({ ok: true, latencyMs: 100, jitterMs: 0 });
    const after = await rtt();
    expect(after - before).toBeGreaterThan(180);
    expect((await fetch(api, { method: 'POST', body: JSON.stringify({ latencyMs: -5 }) })).status).toBe(400);
    expect((await fetch(api, { method: 'POST', body: 'not json' })).status).toBe(400);
    player.close();
    expect((await fetch(`${prod.url}/api/dev/netsim`)).status).toBe(404);
  });
});
