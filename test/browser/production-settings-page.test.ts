/**
 * The game page under its Content-Security-Policy (issue 11): Chromium loads the lobby, quick-plays
 * into a bot-filled match of each game and plays it for a moment, and the page reports no CSP
 * violation (`securitypolicyviolation` events, recorded from before the first script runs) and no
 * console error. A policy that forgot a source the page needs (the inline style's hash, data:
 * textures, the WebSocket) fails here: Chromium blocks it and fires the event.
 */
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/chromium.ts';
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
    browser = await launchChromium();
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
});
