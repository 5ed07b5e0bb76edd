/**
 * The lobby, driven as a player would through the accessible names the page promises (they are
 * the contract these tests rely on): usable before Phaser loads, one WebSocket, the game chunk's
 * progress and its reload after a failure, a refused token replaced; the live public list showing
 * a quick-play match appear and go; spectating from that list; cancelling quick play. The private
 * match's flow is in private-match-page.test.ts. Each screen is saved in test-results/.
 */
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedChromium } from '../support/shared-chromium.ts';
import { lobbyReady, openPage, setNickname, shot, waitForPlaying, waitForScreen, type ArenaWindow } from '../support/page.ts';
import { startServer, type ServerProcess } from '../support/server-process.ts';

describe('the lobby and the screens around a match', () => {
  let server: ServerProcess;
  let browser: BrowserContext;

  beforeAll(async () => {
    // A lone quick player waits 4 s, long enough to see and cancel the queue, then bots join.
    server = await startServer({ TICK_RATE: '30', QUEUE_WAIT_MS: '4000', COUNTDOWN_MS: '1500', ENDED_LINGER_MS: '20000', SPECTATOR_DELAY_S: '0' });
    browser = await sharedChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('is usable before Phaser loads, names every control, and fits a narrow window', async () => {
    const { page, errors } = await openPage(browser, server.url, 'first');
    await lobbyReady(page);
    const timings = await page.evaluate(() => (window as unknown as ArenaWindow).arena.timings);
    expect(timings.lobbyInteractiveMs).not.toBeNull();
    // The drawing side (Phaser) is a separate chunk: the lobby did not wait for it.
    expect(timings.phaserLoadedBeforeLobby).toBe(false);
    expect(await page.getByRole('textbox', { name: 'Nickname' }).isEditable()).toBe(true);
    expect(await page.getByRole('button', { name: 'Quick play' }).isEnabled()).toBe(true);
    expect(await page.getByRole('button', { name: 'Create private match' }).isEnabled()).toBe(true);
    expect(await page.getByRole('textbox', { name: 'Match code' }).isEditable()).toBe(true);
    expect(await page.getByRole('form', { name: 'Join by code' }).getByRole('button', { name: 'Join' }).count()).toBe(1);
    expect(await page.getByRole('list', { name: 'Public matches' }).count()).toBe(1);
    expect(await page.getByRole('textbox', { name: 'Chat message' }).isEditable()).toBe(true);
    expect(await page.getByRole('radio', { name: 'Cycles', exact: true }).count()).toBe(1);
    // The favicon is served (no 404 in the console), and the online count shows.
    expect((await page.request.get(`${server.url}/favicon.svg`)).status()).toBe(200);
    await page.waitForFunction(() => (window as unknown as ArenaWindow).arena.state().connection.online !== null, null, { timeout: 20_000 });
    await shot(page, 'lobby');

    await page.setViewportSize({ width: 400, height: 780 });
    const box = await page.getByRole('button', { name: 'Quick play' }).boundingBox();
    expect(box).not.toBeNull();
    expect(box!.x).toBeGreaterThanOrEqual(0);
    expect(box!.x + box!.width).toBeLessThanOrEqual(400);
    await shot(page, 'lobby-narrow');
    await page.close();
    expect(errors).toEqual([]);
  });

  it('signs in over one WebSocket: the one its entry module opened early is taken over, not doubled', async () => {
    const page = await browser.newPage();
    const sockets: string[] = [];
    let lobbyConnects = 0;
    page.on('websocket', (ws) => {
      sockets.push(new URL(ws.url()).pathname);
      ws.on('framesent', (f) => typeof f.payload === 'string' && f.payload.startsWith('40/lobby,') && lobbyConnects++);
    });
    await page.goto(server.url);
    await lobbyReady(page);
    // Two would mean socket.io-client opened its own beside the early one instead of taking it over.
    expect(sockets).toEqual(['/socket.io/']);
    // The entry module sends the lobby's CONNECT; a second one from the client would be a second
    // lobby socket on the server.
    expect(lobbyConnects).toBe(1);
    await page.close();
  });

  it("shows the game chunk's progress while a match waits for it, and loads it again after a failure", async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && !/Failed to load resource/.test(m.text()) && errors.push(m.text()));
    // The first request for the game chunk fails (the network dropped); later ones wait until
    // the player is in a match, then come through a slow line.
    let requests = 0;
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    await page.route(/\/assets\/game-view-[^/]+\.js$/, async (route) => {
      if (++requests === 1) return route.abort('connectionreset');
      await gate;
      await route.continue();
    });
    await page.goto(server.url);
    await lobbyReady(page);
    const retry = page.getByRole('button', { name: 'Load the game again' });
    await retry.waitFor({ timeout: 20_000 });
    expect(await page.getByRole('alert').filter({ hasText: 'Couldn’t load the game' }).count()).toBe(1);
    await shot(page, 'game-load-failed');
    await retry.click();
    await page.getByRole('button', { name: 'Create private match' }).click();
    await waitForScreen(page, 'queue');
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 20, downloadThroughput: 250_000, uploadThroughput: 250_000 });
    open();
    const bar = page.getByRole('progressbar', { name: 'Loading the game' });
    await bar.waitFor({ timeout: 20_000 });
    // Part-way: the bar moves before the chunk is complete.
    await page.waitForFunction(
      () => {
        const now = Number(document.querySelector('[role="progressbar"]')?.getAttribute('aria-valuenow'));
        return now > 0 && now < 100;
      },
      null,
      { timeout: 20_000, polling: 20 },
    );
    expect(await page.getByText('Loading the game…').count()).toBe(1);
    await shot(page, 'game-load-progress');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    await bar.waitFor({ state: 'detached', timeout: 30_000 });
    // Loaded and drawing the match the player waits in.
    await page.waitForFunction(() => document.getElementById('game')?.dataset.drawing === 'arena', null, { timeout: 20_000 });
    expect(await retry.count()).toBe(0);
    await page.close();
    expect(errors).toEqual([]);
  });

  it('replaces a refused token by itself', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    // This tab "remembers" a token the server never signed.
    await page.addInitScript(() => {
      if (!sessionStorage.getItem('arena.guest')) {
        sessionStorage.setItem('arena.guest', JSON.stringify({ token: 'forged.token.value', guestId: 'g_x', nickname: 'mallory', expiresAt: Date.now() + 3_600_000 }));
      }
    });
    await page.goto(server.url);
    await lobbyReady(page);
    const stored = await page.evaluate(() => JSON.parse(sessionStorage.getItem('arena.guest') ?? '{}') as { token: string });
    expect(stored.token).not.toBe('forged.token.value');
    await page.close();
    expect(errors).toEqual([]);
  });

  it('a third page sees a public match appear and go, and can spectate it; quick play can be cancelled', async () => {
    const c = await openPage(browser, server.url, 'carol');
    const d = await openPage(browser, server.url, 'dora');
    const [carol, dora] = [c.page, d.page];
    await lobbyReady(carol);
    await setNickname(carol, 'carol');
    await lobbyReady(dora);
    await setNickname(dora, 'dora');
    const list = carol.getByRole('list', { name: 'Public matches' });
    expect(await list.getByRole('listitem').count()).toBe(0);

    // Quick play, then Cancel: back in the lobby, no match made.
    await dora.getByRole('button', { name: 'Quick play' }).click();
    await waitForScreen(dora, 'queue');
    await shot(dora, 'queue');
    await dora.getByRole('button', { name: 'Cancel' }).click();
    await waitForScreen(dora, 'lobby');

    // Quick play again: after the queue wait a bot fills the match; it appears on C's list.
    await dora.getByRole('button', { name: 'Quick play' }).click();
    await waitForPlaying(dora, 30_000);
    await list.getByRole('listitem').first().waitFor({ timeout: 10_000 });
    expect(await list.getByRole('listitem').count()).toBe(1);
    await carol.waitForFunction(() => /playing/.test(document.querySelector('.match-row')?.textContent ?? ''), null, { timeout: 10_000 });
    await shot(carol, 'lobby-list');
    await shot(dora, 'match-quickplay');

    // C watches from the list: snapshots arrive, no input leaves.
    await list.getByRole('listitem').first().getByRole('button', { name: 'Spectate' }).click();
    await waitForScreen(carol, 'match');
    const watched = await carol.evaluate(() => (window as unknown as ArenaWindow).arena.info);
    expect(watched?.role).toBe('spectator');
    await carol.waitForFunction(() => (window as unknown as ArenaWindow).arena.snapshotsReceived > 30, null, { timeout: 10_000 });
    await carol.keyboard.down('D');
    await carol.waitForTimeout(500);
    await carol.keyboard.up('D');
    expect(await carol.evaluate(() => (window as unknown as ArenaWindow).arena.inputsSent)).toBe(0);
    await shot(carol, 'spectating');
    await carol.getByRole('button', { name: 'Back to lobby' }).click();
    await waitForScreen(carol, 'lobby');

    // D leaves: the match is disposed and goes from C's list.
    await dora.getByRole('button', { name: 'Leave match' }).click();
    await waitForScreen(dora, 'lobby');
    await carol.waitForFunction(() => document.querySelectorAll('ul[aria-label="Public matches"] > li').length === 0, null, { timeout: 15_000 });
    await carol.close();
    await dora.close();
    expect([...c.errors, ...d.errors]).toEqual([]);
  });
});
