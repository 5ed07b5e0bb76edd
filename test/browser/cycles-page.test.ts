/**
 * The second game in a real page: the lobby's Cycles choice queues for Cycles, the server fills the match
 * with its bots, the page switches to the Cycles scene and draws the grid, and an arrow key turns
 * the player's own cycle on the server's word (read back from the snapshots the page received).
 * Without the scene wiring the page would stay on Arena's scene and send Arena inputs, which the
 * server refuses for a Cycles match (BAD_INPUT): the turn would never show.
 * The screenshot lands in test-results/ to look at.
 */
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedChromium } from '../support/shared-chromium.ts';
import { chooseGame, lobbyReady, openPage, setNickname, shot } from '../support/page.ts';
import { startServer, type ServerProcess } from '../support/server-process.ts';

interface PageSession {
  info: { game: string; slot: number } | null;
  latest: { roundState: string; players: { id: number; dir: number; alive: boolean }[] } | null;
}

describe('the Cycles page in Chromium', () => {
  let server: ServerProcess;
  let browser: BrowserContext;

  beforeAll(async () => {
    // One person queues: after the short wait the match forms with server bots in the empty seats.
    server = await startServer({ TICK_RATE: '20', QUEUE_WAIT_MS: '300', COUNTDOWN_MS: '300' });
    browser = await sharedChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('plays a Cycles match against server bots: the scene draws it and the arrow keys steer', async () => {
    const { page, errors } = await openPage(browser, server.url, 'carol');
    await lobbyReady(page);
    await setNickname(page, 'carol');
    await chooseGame(page, 'Cycles', 'Light cycles');
    await page.getByRole('button', { name: 'Quick play' }).click();
    await page.waitForFunction(() => (window as unknown as { arena: PageSession }).arena.info?.game === 'cycles', null, { timeout: 20_000 });
    // A live round where the own cycle is alive (a bot may end a round early: wait for the next).
    const liveAndAlive = () => {
      const a = (window as unknown as { arena: PageSession }).arena;
      const me = a.latest?.players.find((p) => p.id === a.info!.slot);
      return a.latest?.roundState === 'live' && me?.alive === true;
    };
    await page.waitForFunction(liveAndAlive, null, { timeout: 20_000 });

    const dirOnServer = () =>
      page.evaluate(() => {
        const a = (window as unknown as { arena: PageSession }).arena;
        return a.latest!.players.find((p) => p.id === a.info!.slot)!.dir;
      });
    // Up 1, Right 2, Down 3, Left 4: turn a quarter, never into reverse (the game ignores that).
    const heading = await dirOnServer();
    const [key, turned] = heading === 1 || heading === 3 ? (['ArrowLeft', 4] as const) : (['ArrowUp', 1] as const);
    await page.keyboard.press(key);
    await page.waitForFunction(
      (want) => {
        const a = (window as unknown as { arena: PageSession }).arena;
        const me = a.latest?.players.find((p) => p.id === a.info!.slot);
        return me?.dir === want || me?.alive === false;
      },
      turned,
      { timeout: 10_000 },
    );
    const after = await page.evaluate(() => {
      const a = (window as unknown as { arena: PageSession }).arena;
      return a.latest!.players.find((p) => p.id === a.info!.slot)!;
    });
    // Turned as asked (or, rarely, crashed into a bot's trail in the same instant).
    expect(after.dir === turned || !after.alive).toBe(true);

    await shot(page, 'cycles-page');
    // The HUD names the game and the player.
    expect(await page.textContent('#status')).toMatch(/Cycles · Light cycles\s+as carol/);
    expect(errors).toEqual([]);
  });
});
