/**
 * The socket.io Admin UI as an operator meets it: the node serves the package's built page at
 * /admin/, the page opens its connection modal already pointed at this node (server URL = the
 * page's origin, preset.js), a wrong password shows the UI's own "Invalid credentials", the
 * right one opens the dashboard, which lists the `/match` namespace with the players in it. A
 * reload comes back signed in (the session). Throughout, the page's CSP (its own, set by the
 * /admin/ route) reports no violation: no blocked script, style or connection. Screens are
 * saved in test-results/admin-ui-*.png.
 *
 * Then two nodes on one redis-server in development mode: the UI served by node1 lists both
 * nodes and the /match sockets of both (the sharded adapter carries the package's broadcasts
 * and fetchSockets between the nodes).
 */
import bcrypt from 'bcryptjs';
import type { BrowserContext, Page } from 'playwright-core';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedChromium } from '../support/shared-chromium.ts';
import { startCluster, type TestCluster } from '../support/cluster.ts';
import { startRedis, type RedisServer } from '../support/redis.ts';
import { bareMatchSocket } from '../support/lobby.ts';
import { shot } from '../support/page.ts';
import { startServer, type ServerProcess } from '../support/server-process.ts';
import { waitFor } from '../support/wait.ts';

const PASSWORD = 'correct horse battery staple';


describe('the socket.io Admin UI served at /admin/', () => {
  let server: ServerProcess;
  let browser: BrowserContext;
  const players: Socket[] = [];

  beforeAll(async () => {
    server = await startServer({ ADMIN_UI_USER: 'ops', ADMIN_UI_PASSWORD_HASH: bcrypt.hashSync(PASSWORD, 4), NODE_ID: 'admin-node' });
    browser = await sharedChromium();
    for (const name of ['ada', 'bob', 'cy']) players.push(await bareMatchSocket(server.url, name));
  });
  afterAll(async () => {
    for (const p of players) p.close();
    await browser?.close();
    await server?.stop();
  });

  /** Opens /admin/ recording page errors, console errors and CSP violations. */
  async function openAdmin(): Promise<{ page: Page; errors: string[]; violations: () => Promise<string[]> }> {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.addInitScript(() => {
      const seen: string[] = [];
      (window as unknown as { cspViolations: string[] }).cspViolations = seen;
      document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.violatedDirective} ${e.blockedURI}`));
    });
    await page.goto(`${server.url}/admin/`);
    return { page, errors, violations: () => page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations) };
  }

  it('opens at this node, refuses a wrong password, then shows /match with its players', async () => {
    const { page, errors, violations } = await openAdmin();
    const serverUrl = page.getByLabel('Server URL');
    await serverUrl.waitFor({ timeout: 20_000 });
    // Preset by the node: the operator types a user name and a password, nothing else.
    expect(await serverUrl.inputValue()).toBe(server.url);

    await page.getByLabel('Username').fill('ops');
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Connect' }).click();
    await page.getByText('Invalid credentials').waitFor({ timeout: 20_000 });
    await shot(page, 'admin-ui-wrong-password');
    await waitFor(() => server.logs.some((l) => l.msg === 'admin UI login refused' && l.reason === 'bad_credentials'), 'the refusal logged');

    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Connect' }).click();
    await page.getByLabel('Server URL').waitFor({ state: 'hidden', timeout: 20_000 });
    // The dashboard's namespaces card: /match and its three sockets (statistics come every 2 s).
    const matchRow = page.locator('tr', { has: page.locator('code', { hasText: /^\/match$/ }) });
    await matchRow.waitFor({ timeout: 20_000 });
    await expect.poll(() => matchRow.locator('td').nth(1).textContent(), { timeout: 20_000 }).toBe('3');
    await shot(page, 'admin-ui-dashboard');

    // The servers view names this node.
    await page.goto(`${server.url}/admin/#/servers/`);
    await page.getByText('admin-node').first().waitFor({ timeout: 20_000 });
    await shot(page, 'admin-ui-servers');

    expect(await violations()).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('comes back signed in after a reload', async () => {
    const { page, errors, violations } = await openAdmin();
    // The session id from the login above, kept by the page in localStorage.
    await page.locator('code', { hasText: /^\/match$/ }).first().waitFor({ timeout: 20_000 });
    expect(await page.getByLabel('Password').isVisible()).toBe(false);
    expect(await violations()).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('the Admin UI of two nodes on one redis-server, development mode', () => {
  let redis: RedisServer;
  let cluster: TestCluster;
  let browser: BrowserContext;
  const players: Socket[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    cluster = await startCluster({ REDIS_URL: redis.url }, 2, {
      ADMIN_UI_USER: 'ops',
      ADMIN_UI_PASSWORD_HASH: bcrypt.hashSync(PASSWORD, 4),
      ADMIN_UI_MODE: 'development',
    });
    browser = await sharedChromium();
    players.push(await bareMatchSocket(cluster.nodes[0]!.url, 'near'), await bareMatchSocket(cluster.nodes[1]!.url, 'far'));
  });
  afterAll(async () => {
    for (const p of players) p.close();
    await browser?.close();
    await cluster?.stop();
    await redis?.stop();
  });

  it('shows both nodes and the /match sockets of both', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${cluster.nodes[0]!.url}/admin/`);
    await page.getByLabel('Username').fill('ops');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Connect' }).click();
    await page.getByLabel('Server URL').waitFor({ state: 'hidden', timeout: 20_000 });

    await page.goto(`${cluster.nodes[0]!.url}/admin/#/servers/`);
    await page.getByText('node1').first().waitFor({ timeout: 20_000 });
    await page.getByText('node2').first().waitFor({ timeout: 20_000 });
    await shot(page, 'admin-ui-cluster-servers');

    await page.goto(`${cluster.nodes[0]!.url}/admin/#/sockets/`);
    // The view opens on one namespace; the operator picks /match.
    await page.locator('.v-select', { hasText: 'Select namespace' }).click();
    await page.getByRole('option', { name: '/match' }).click();
    // One socket on node1, one on node2, both listed by the UI connected to node1.
    for (const p of players) await page.getByText(p.id!, { exact: true }).waitFor({ timeout: 20_000 });
    await shot(page, 'admin-ui-cluster-sockets');
    expect(errors).toEqual([]);
    await page.close();
  });
});
