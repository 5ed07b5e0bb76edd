/**
 * A phone plays: a 360 × 640 touch screen (Chromium's mobile emulation), no mouse, no keyboard.
 * Arena: the virtual stick moves the player, a tap aims and fires. Cycles: a swipe turns, the
 * BOOST button boosts. Fingers go in as CDP touch events, as a phone's touch screen sends them.
 * Screenshots land in test-results/ to look at.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, CDPSession, Page } from 'playwright-core';
import { sharedChromium } from '../support/shared-chromium.ts';
import { chooseGame, lobbyReady, openPage, setNickname, shot, waitForPlaying } from '../support/page.ts';
import { startServer, type ServerProcess } from '../support/server-process.ts';

const PHONE = { viewport: { width: 360, height: 640 }, hasTouch: true, isMobile: true, deviceScaleFactor: 1 };

interface PageArena {
  info: { slot: number; game: string; setup: { map?: { width: number; height: number } } } | null;
  latest: { players: { id: number; x: number; y: number; alive: boolean; dir: number; boosting: boolean }[]; roundState?: string } | null;
  snapshotsReceived: number;
  hits: { shots: number };
}

type Finger = { x: number; y: number; id: number };

/** The fingers on the screen after a change (CDP wants every finger still down, each time). */
async function touch(cdp: CDPSession, type: 'touchStart' | 'touchMove' | 'touchEnd', fingers: Finger[]): Promise<void> {
  await cdp.send('Input.dispatchTouchEvent', { type, touchPoints: fingers.map((f) => ({ x: f.x, y: f.y, id: f.id })) });
}

const me = (page: Page) =>
  page.evaluate(() => {
    const a = (window as unknown as { arena: PageArena }).arena;
    return a.latest?.players.find((p) => p.id === a.info?.slot) ?? null;
  });

describe('the page on a phone', () => {
  let server: ServerProcess;
  let browser: BrowserContext;

  beforeAll(async () => {
    // One person queues: after the short wait the match forms with server bots in the empty seats.
    server = await startServer({ TICK_RATE: '30', QUEUE_WAIT_MS: '300', COUNTDOWN_MS: '300' });
    browser = await sharedChromium(PHONE);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('plays Arena with the virtual stick and taps', async () => {
    const { page, errors } = await openPage(browser, server.url, 'thumb');
    await lobbyReady(page);
    await setNickname(page, 'thumb');
    // The lobby fits the phone's width: the main button is on screen without scrolling sideways.
    const quick = page.getByRole('button', { name: 'Quick play' });
    const box = (await quick.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(360);
    await shot(page, 'phone-lobby-360x640');
    await quick.tap();
    await waitForPlaying(page);
    await page.waitForFunction(() => (window as unknown as { arena: PageArena }).arena.snapshotsReceived > 10);
    const cdp = await browser.newCDPSession(page);

    // The thumb lands in the lower left and pushes toward the middle of the map (never into the
    // outer wall), and holds: the player walks that way.
    await page.waitForFunction(() => {
      const a = (window as unknown as { arena: PageArena }).arena;
      return a.latest?.players.find((p) => p.id === a.info?.slot)?.alive === true;
    });
    const start = (await me(page))!;
    const map = (await page.evaluate(() => (window as unknown as { arena: PageArena }).arena.info!.setup.map))!;
    const sign = start.x < map.width / 2 ? 1 : -1;
    const thumb = { x: 80, y: 540, id: 1 };
    await touch(cdp, 'touchStart', [thumb]);
    for (const step of [15, 30, 45]) await touch(cdp, 'touchMove', [{ ...thumb, x: thumb.x + sign * step }]);
    await page.waitForFunction(
      ([x0, s]) => {
        const a = (window as unknown as { arena: PageArena }).arena;
        const p = a.latest?.players.find((q) => q.id === a.info?.slot);
        return p !== undefined && (p.x - x0) * s > 30;
      },
      [start.x, sign] as const,
      { timeout: 5_000 },
    );
    await shot(page, 'phone-arena-stick-360x640');
    await touch(cdp, 'touchEnd', []);

    // A tap in the upper right aims there and fires once: the server confirms the shot. A bot
    // may have killed the player meanwhile: taps go on until one lands while it lives.
    // Only a wait that timed out means "no shot yet": anything else the page throws fails here.
    const shotsBefore = await page.evaluate(() => (window as unknown as { arena: PageArena }).arena.hits.shots);
    const tapsUntil = Date.now() + 15_000;
    let taps = 0;
    while (Date.now() < tapsUntil) {
      await touch(cdp, 'touchStart', [{ x: 290, y: 220, id: 2 }]);
      await touch(cdp, 'touchEnd', []);
      taps += 1;
      const fired = await page
        .waitForFunction((n) => (window as unknown as { arena: PageArena }).arena.hits.shots > n, shotsBefore, { timeout: 400 })
        .then(
          () => true,
          (e: Error) => {
            if (e.name === 'TimeoutError') return false;
            throw e;
          },
        );
      if (fired) break;
    }
    const after = await page.evaluate(() => {
      const a = (window as unknown as { arena: PageArena }).arena;
      const el = document.elementFromPoint(290, 220);
      const under = el ? `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.className && typeof el.className === 'string' ? `.${el.className.split(' ').join('.')}` : ''}` : 'nothing';
      return { shots: a.hits.shots, alive: a.latest?.players.find((p) => p.id === a.info?.slot)?.alive, under };
    });
    expect(after.shots, `no shot confirmed after ${taps} taps (alive: ${String(after.alive)}; under the tap: ${after.under})`).toBeGreaterThan(shotsBefore);
    // The chat and the HUD's buttons stay on screen at this size.
    const leave = (await page.getByRole('button', { name: 'Leave match' }).boundingBox())!;
    expect(leave.x + leave.width).toBeLessThanOrEqual(360);
    await shot(page, 'phone-arena-360x640');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('plays Cycles with swipes and the BOOST button', async () => {
    const { page, errors } = await openPage(browser, server.url, 'swipe');
    await lobbyReady(page);
    await setNickname(page, 'swipe');
    await chooseGame(page, 'Cycles', 'Light cycles');
    await page.getByRole('button', { name: 'Quick play' }).tap();
    await page.waitForFunction(() => (window as unknown as { arena: PageArena }).arena.info?.game === 'cycles', null, { timeout: 20_000 });
    const liveAndAlive = () => {
      const a = (window as unknown as { arena: PageArena }).arena;
      const p = a.latest?.players.find((q) => q.id === a.info?.slot);
      return a.latest?.roundState === 'live' && p?.alive === true;
    };
    await page.waitForFunction(liveAndAlive, null, { timeout: 20_000 });
    const cdp = await browser.newCDPSession(page);

    // Up 1, Right 2, Down 3, Left 4: swipe a quarter turn (the game ignores a reverse).
    const heading = (await me(page))!.dir;
    const [dx, dy, turned] = heading === 1 || heading === 3 ? [-60, 0, 4] : [0, -60, 1];
    const finger = { x: 180, y: 330, id: 3 };
    await touch(cdp, 'touchStart', [finger]);
    for (const k of [0.33, 0.66, 1]) await touch(cdp, 'touchMove', [{ ...finger, x: finger.x + dx * k, y: finger.y + dy * k }]);
    await touch(cdp, 'touchEnd', []);
    await page.waitForFunction(
      (want) => {
        const a = (window as unknown as { arena: PageArena }).arena;
        return a.latest?.players.find((p) => p.id === a.info?.slot)?.dir === want;
      },
      turned,
      { timeout: 5_000 },
    );

    // The BOOST button sits in the lower right; held, the cycle boosts (while it has energy).
    await page.waitForFunction(liveAndAlive, null, { timeout: 20_000 });
    await touch(cdp, 'touchStart', [{ x: 360 - 28 - 38, y: 640 - 28 - 38, id: 4 }]);
    await page.waitForFunction(
      () => {
        const a = (window as unknown as { arena: PageArena }).arena;
        return a.latest?.players.find((p) => p.id === a.info?.slot)?.boosting === true;
      },
      null,
      { timeout: 5_000 },
    );
    await shot(page, 'phone-cycles-360x640');
    await touch(cdp, 'touchEnd', []);
    expect(errors).toEqual([]);
    await page.close();
  });
});
