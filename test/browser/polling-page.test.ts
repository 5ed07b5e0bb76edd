/**
 * The page behind a network that passes no WebSocket: the server takes long-polling only
 * (`TRANSPORTS=polling`) on another path (`SOCKET_PATH=/rt`). The page learns both from
 * `GET /api/config`, signs in, quick-plays (bots fill the match) and plays: snapshots keep
 * arriving and its own player moves when a key is held, with not one WebSocket opened.
 *
 * What would fail: a page that forced WebSocket (the SDK did) or kept socket.io's default path
 * never gets past signing in here.
 */
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedChromium } from '../support/shared-chromium.ts';
import { lobbyReady, openPage, setNickname, shot, waitForPlaying, type ArenaWindow } from '../support/page.ts';
import { startServer, type ServerProcess } from '../support/server-process.ts';

describe('the page on long-polling only', () => {
  let server: ServerProcess;
  let browser: BrowserContext;

  beforeAll(async () => {
    server = await startServer({
      SOCKET_PATH: '/rt',
      TRANSPORTS: 'polling',
      TICK_RATE: '20',
      QUEUE_MIN_PLAYERS: '2',
      QUEUE_WAIT_MS: '300',
      BOT_FILL: 'on',
      COUNTDOWN_MS: '300',
    });
    browser = await sharedChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('reads SOCKET_PATH and TRANSPORTS from the server and plays a match over polling', async () => {
    const { page, errors } = await openPage(browser, server.url, 'poller');
    const websockets: string[] = [];
    const polls: string[] = [];
    page.on('websocket', (ws) => websockets.push(ws.url()));
    page.on('request', (r) => {
      // The page's handshake also asks for the compact wire (`wire=compact`, before or after these).
      if (r.url().includes('/rt/?') && r.url().includes('EIO=4&transport=polling')) polls.push(r.method());
    });
    await lobbyReady(page);
    await setNickname(page, 'poller');
    await page.getByRole('button', { name: 'Quick play' }).click();
    await waitForPlaying(page);
    await page.waitForFunction(() => (window as unknown as ArenaWindow).arena.snapshotsReceived > 40, null, { timeout: 20_000 });

    const me = () =>
      page.evaluate(() => {
        const a = (window as unknown as ArenaWindow).arena;
        const p = a.latest!.players.find((x) => x.id === a.info!.slot)!;
        return { x: p.x, y: p.y, alive: p.alive };
      });
    const before = await me();
    await page.mouse.move(640, 430);
    await page.keyboard.down('D');
    await page.waitForTimeout(800);
    await page.keyboard.up('D');
    await page.waitForTimeout(300);
    const after = await me();
    expect(after.x !== before.x || after.y !== before.y || !after.alive).toBe(true);
    await shot(page, 'polling-page');

    expect(websockets).toEqual([]);
    expect(polls.filter((m) => m === 'GET').length).toBeGreaterThan(20);
    expect(polls.filter((m) => m === 'POST').length).toBeGreaterThan(10);
    expect(errors).toEqual([]);
  });
});
