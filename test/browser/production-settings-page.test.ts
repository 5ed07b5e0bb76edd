/**
 * The game page under its Content-Security-Policy: Chromium loads the lobby, quick-plays
 * into a bot-filled match of each game and plays it for a moment, and the page reports no CSP
 * violation (`securitypolicyviolation` events, recorded from before the first script runs) and no
 * console error. A policy that forgot a source the page needs (the inline style's hash, data:
 * textures, the WebSocket) fails here: Chromium blocks it and fires the event.
 *
 * Then a page of another origin (http://localhost:PORT asking http://127.0.0.1:PORT: two origins
 * for the browser, one server) tries what the game page does: it is refused at POST /api/guest,
 * at the polling handshake and at the WebSocket upgrade, and can read ORIGIN_REFUSED where the
 * browser lets it (the HTTP answers); the same requests to its own origin succeed.
 */
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedChromium } from '../support/shared-chromium.ts';
import { chooseGame, lobbyReady, openPage, setNickname, waitForPlaying } from '../support/page.ts';
import { startServer, type ServerProcess } from '../support/server-process.ts';

interface Violation {
  directive: string;
  blocked: string;
  sample: string;
}

describe('the game page under its security headers', () => {
  let server: ServerProcess;
  let browser: BrowserContext;

  beforeAll(async () => {
    server = await startServer({ TICK_RATE: '20', QUEUE_WAIT_MS: '300', COUNTDOWN_MS: '300', BOT_FILL: 'on' });
    browser = await sharedChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('loads, plays Arena and Cycles, and violates nothing', async () => {
    const res = await fetch(server.url);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");

    await browser.addInitScript(() => {
      const seen: { directive: string; blocked: string; sample: string }[] = [];
      (window as unknown as { cspViolations: typeof seen }).cspViolations = seen;
      document.addEventListener('securitypolicyviolation', (e) => seen.push({ directive: e.violatedDirective, blocked: e.blockedURI, sample: e.sample }));
    });
    const { page, errors } = await openPage(browser, server.url, 'csp');
    await lobbyReady(page);
    await setNickname(page, 'csp');
    for (const [game, mode] of [
      ['Arena', 'Free for all'],
      ['Cycles', 'Light cycles'],
    ] as const) {
      await chooseGame(page, game, mode);
      await page.getByRole('button', { name: 'Quick play' }).click();
      await waitForPlaying(page, 60_000);
      await page.waitForFunction(() => (window as unknown as { arena: { snapshotsReceived: number } }).arena.snapshotsReceived > 20, null, { timeout: 30_000 });
      await page.mouse.move(600, 400);
      await page.keyboard.down('D');
      await page.waitForTimeout(500);
      await page.keyboard.up('D');
      await page.getByRole('button', { name: 'Leave match' }).click();
      await lobbyReady(page);
    }
    const violations = await page.evaluate(() => (window as unknown as { cspViolations: Violation[] }).cspViolations);
    expect(violations).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('refuses a page of another origin, which can read why', async () => {
    const other = server.url.replace('127.0.0.1', 'localhost');
    const page = await browser.newPage();
    // Any document of the other origin will do: this one has no scripts of its own.
    await page.goto(`${other}/api/games`);
    const seen = await page.evaluate(async (target) => {
      const guest = (base: string) =>
        fetch(`${base}/api/guest`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ nickname: 'stranger' }) }).then(async (r) => ({
          status: r.status,
          code: ((await r.json()) as { code?: string }).code ?? null,
        }));
      const handshake = (base: string) => fetch(`${base}/socket.io/?EIO=4&transport=polling`).then(async (r) => ({ status: r.status, text: await r.text() }));
      const websocket = (base: string) =>
        new Promise<string>((resolve) => {
          const ws = new WebSocket(`${base.replace('http', 'ws')}/socket.io/?EIO=4&transport=websocket`);
          ws.onopen = () => {
            ws.close();
            resolve('open');
          };
          ws.onerror = () => resolve('error');
        });
      return {
        foreign: { guest: await guest(target), handshake: await handshake(target), websocket: await websocket(target) },
        own: { guest: await guest(location.origin), handshake: (await handshake(location.origin)).status, websocket: await websocket(location.origin) },
      };
    }, server.url);
    expect(seen.foreign.guest).toEqual({ status: 403, code: 'ORIGIN_REFUSED' });
    expect(seen.foreign.handshake).toEqual({ status: 403, text: '{"code":4,"message":"ORIGIN_REFUSED"}' });
    expect(seen.foreign.websocket).toBe('error');
    expect(seen.own).toEqual({ guest: { status: 200, code: null }, handshake: 200, websocket: 'open' });
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/^game_origin_refused_total\{route="\/api\/guest"\} 1$/m);
    expect(metrics).toMatch(/^game_origin_refused_total\{route="socket.io"\} 2$/m);
    await page.close();
  });
});
