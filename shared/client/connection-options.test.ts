/**
 * The reconnection policy a server advertises: read defensively from GET /api/config, and turned
 * into socket.io's Manager options so that a client really gives up after the last attempt.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { getConnectionConfig, parseReconnectionPolicy, reconnectionOptions } from './connection-options.ts';
import { createManager } from './lobby-client.ts';

const POLICY = { delayMs: 1000, delayMaxMs: 5000, randomization: 0.5, attempts: 10 };

describe('reconnection policy', () => {
  it('reads a sane policy and refuses anything else', () => {
    expect(parseReconnectionPolicy(POLICY)).toEqual(POLICY);
    expect(parseReconnectionPolicy({ ...POLICY, attempts: null })).toEqual({ ...POLICY, attempts: null });
    for (const bad of [
      null,
      [],
      'fast',
      { ...POLICY, delayMs: -1 },
      { ...POLICY, delayMs: 1.5 },
      { ...POLICY, delayMaxMs: 500 }, // below the first delay
      { ...POLICY, randomization: 2 },
      { ...POLICY, randomization: Number.NaN },
      { ...POLICY, attempts: 0 },
      { ...POLICY, attempts: 'many' },
      { ...POLICY, delayMs: undefined },
    ]) {
      expect(parseReconnectionPolicy(bad)).toBeNull();
    }
  });

  it("maps onto socket.io's Manager options (null attempts: forever)", () => {
    expect(reconnectionOptions(POLICY)).toEqual({ reconnection: true, reconnectionDelay: 1000, reconnectionDelayMax: 5000, randomizationFactor: 0.5, reconnectionAttempts: 10 });
    expect(reconnectionOptions({ ...POLICY, attempts: null }).reconnectionAttempts).toBe(Infinity);
  });

  it('gives up after the last attempt: reconnect_failed, and no more tries', async () => {
    // A port nobody listens on: every attempt fails at once.
    const dead = createServer();
    await new Promise<void>((r) => dead.listen(0, '127.0.0.1', r));
    const port = (dead.address() as AddressInfo).port;
    await new Promise<void>((r) => dead.close(() => r()));
    const manager = createManager(`http://127.0.0.1:${port}`, { ...reconnectionOptions({ delayMs: 5, delayMaxMs: 20, randomization: 0, attempts: 3 }), transports: ['websocket'] });
    const attempts: number[] = [];
    manager.on('reconnect_attempt', (n) => attempts.push(n));
    const failed = new Promise<void>((resolve) => manager.on('reconnect_failed', resolve));
    manager.socket('/lobby').connect();
    await failed;
    await new Promise((r) => setTimeout(r, 100));
    expect(attempts).toEqual([1, 2, 3]);
    manager.engine?.close();
  });
});

describe('getConnectionConfig', () => {
  let server: Server | null = null;
  afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));
  const serving = async (body: unknown): Promise<string> => {
    server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body)));
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };

  it("returns the server's policy with its path and transports", async () => {
    const url = await serving({ socketPath: '/rt', transports: ['websocket'], reconnection: POLICY, devTools: true });
    expect(await getConnectionConfig(url)).toEqual({ socketPath: '/rt', transports: ['websocket'], reconnection: POLICY, devTools: true });
  });

  it('keeps the rest when the policy is missing or bad (an older server, a typo)', async () => {
    const url = await serving({ socketPath: '/socket.io', transports: ['polling', 'websocket'], reconnection: { delayMs: 'soon' } });
    // No devTools (an older server), or not exactly true: the page offers no development tools.
    expect(await getConnectionConfig(url)).toEqual({ socketPath: '/socket.io', transports: ['polling', 'websocket'], reconnection: null, devTools: false });
  });
});
