/**
 * A game is `shared/games/<id>/` + `game/src/games/<id>/` + one line in each list, and nothing
 * else: the Dots fixture (test/fixtures/dots/), registered only by this test's server entry and
 * this test's build of the page, is chosen in the lobby, played with the arrow keys against a
 * server bot, drawn by its own scene (the own dot's colour is on screen where the snapshot puts
 * it), and ends on the results screen with the game's own column. Had the page
 * a second place that names games (the scene picked by id, the session's netcode, the results'
 * columns), Dots would be drawn as another game, send another game's inputs (refused by the
 * server: the dot would never move), or end on another game's table. (A game the page has no
 * module for is refused with a sentence that names it: game/src/app/lobby-commands.test.ts and
 * match-flow.test.ts.)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slotColor } from '../../game/src/phaser/textures.ts';
import { buildPageWith } from '../support/fixture-page.ts';
import { chooseGame, lobbyReady, openPage, shot, waitForPlaying, waitForScreen } from '../support/page.ts';
import { startServer, type ServerProcess } from '../support/server-process.ts';
import { sharedChromium } from '../support/shared-chromium.ts';

interface DotsWindow {
  arena: {
    info: { game: string; slot: number } | null;
    latest: { players: { id: number; x: number; y: number }[] } | null;
    worldToScreen(x: number, y: number): { x: number; y: number } | null;
  };
}

const LIST = fileURLToPath(new URL('../fixtures/dots/page-games.ts', import.meta.url));

describe('a game added by its two folders and a line in each list', () => {
  let server: ServerProcess;
  let browser: BrowserContext;
  const dir = mkdtempSync(join(tmpdir(), 'fixture-page-'));

  beforeAll(async () => {
    // The page builds while the server starts (it reads STATIC_DIR per request).
    [server] = await Promise.all([
      startServer({ STATIC_DIR: dir, TICK_RATE: '20', QUEUE_WAIT_MS: '100', COUNTDOWN_MS: '100' }, { entry: 'test/fixtures/dots/server.ts' }),
      buildPageWith(LIST, dir),
    ]);
    browser = await sharedChromium({ viewport: { width: 1280, height: 720 } });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('plays a Dots match on the page: its scene, its keys, its results', async () => {
    const { page, errors } = await openPage(browser, server.url, 'dora');
    await lobbyReady(page);
    await chooseGame(page, 'Dots', 'Dots duel');
    await page.getByRole('button', { name: 'Quick play' }).click();
    await waitForPlaying(page);
    expect(await page.evaluate(() => (window as unknown as DotsWindow).arena.info?.game)).toBe('dots');
    expect(await page.evaluate(() => document.getElementById('game')!.dataset.drawing)).toBe('dots');
    await expect.poll(() => page.textContent('.hint-bar')).toContain('Arrows walk');

    // Walk towards the far side: the server moves the dot (a wrong game's input would be refused).
    const me = () =>
      page.evaluate(() => {
        const a = (window as unknown as DotsWindow).arena;
        return a.latest!.players.find((p) => p.id === a.info!.slot)!;
      });
    const start = await me();
    const [key, step] = start.x < 6 ? (['ArrowRight', 1] as const) : (['ArrowLeft', -1] as const);
    await page.keyboard.down(key);
    await page.waitForFunction(
      ([x0, dx]) => {
        const a = (window as unknown as DotsWindow).arena;
        const p = a.latest?.players.find((q) => q.id === a.info!.slot);
        return p !== undefined && (p.x - x0) * dx >= 2;
      },
      [start.x, step] as const,
      { timeout: 5_000 },
    );
    await page.keyboard.up(key);

    // Drawn by its scene: the own dot's colour at the cell the latest snapshot gives it.
    const slot = await page.evaluate(() => (window as unknown as DotsWindow).arena.info!.slot);
    let drawn: number[] = [];
    await expect
      .poll(
        async () => {
          const p = await me();
          const at = await page.evaluate(([x, y]) => (window as unknown as DotsWindow).arena.worldToScreen(x, y), [p.x, p.y] as const);
          if (!at) return 'no cell';
          const png = await page.screenshot({ clip: { x: Math.round(at.x) - 1, y: Math.round(at.y) - 1, width: 3, height: 3 } });
          drawn = await page.evaluate(async (b64) => {
            const img = new Image();
            img.src = `data:image/png;base64,${b64}`;
            await img.decode();
            const c = document.createElement('canvas');
            c.width = img.width;
            c.height = img.height;
            const ctx = c.getContext('2d')!;
            ctx.drawImage(img, 0, 0);
            return [...ctx.getImageData(1, 1, 1, 1).data.slice(0, 3)];
          }, png.toString('base64'));
          return drawn.join(',');
        },
        { timeout: 5_000 },
      )
      .toBe([(slotColor(slot) >> 16) & 255, (slotColor(slot) >> 8) & 255, slotColor(slot) & 255].join(','));
    await shot(page, 'fixture-dots-match');

    // The mode's time limit (2 s) ends it: the game's own column, the framework's reason.
    await waitForScreen(page, 'results', 15_000);
    const results = page.getByRole('region', { name: 'Results' });
    await expect.poll(() => results.getByRole('columnheader').allTextContents()).toEqual(['#', 'Player', 'Coins']);
    expect(await results.textContent()).toMatch(/Dots · Dots duel · Time is up/);

    expect(errors).toEqual([]);
  });
});
