/**
 * The page a player opens: served by the game server, it connects over socket.io, joins a
 * match and draws the snapshots it receives. Screenshots land in test-results/ to look at.
 */
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext } from 'playwright-core';
import { launchChromium } from '../support/chromium.ts';
import { startServer, type ServerProcess } from '../support/server-process.ts';

describe('the game page in Chromium', () => {
  let server: ServerProcess;
  let browser: BrowserContext;

  beforeAll(async () => {
    // Two quick players make a full match at once, and the countdown is short.
    server = await startServer({ TICK_RATE: '30', QUEUE_MAX_PLAYERS: '2', QUEUE_WAIT_MS: '60000', COUNTDOWN_MS: '300' });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('connects, joins a match and renders what two players do', async () => {
    const errors: string[] = [];
    const open = async (name: string) => {
      const page = await browser.newPage();
      page.on('pageerror', (e) => errors.push(`${name}: ${e.message}`));
        await page.goto(`${server.url}/?name=${name}`);
      return page;
    };
    const playing = (page: Awaited<ReturnType<typeof open>>) =>
      page.waitForFunction(() => document.getElementById('status')?.dataset.state === 'playing', null, { timeout: 30_000 });
    const alice = await open('alice');
    const bob = await open('bob');
    await Promise.all([playing(alice), playing(bob)]);
    await alice.waitForFunction(() => (window as unknown as { arena: { snapshotsReceived: number } }).arena.snapshotsReceived > 30);

    // Bob walks right holding the key; Alice's page must see him move.
    const bobX = () =>
      alice.evaluate(() => {
        const a = (window as unknown as { arena: { latest: { players: { id: number; x: number }[] }; roster: { id: number; nickname: string }[] } }).arena;
        const id = a.roster.find((r) => r.nickname === 'bob')!.id;
        return a.latest.players.find((p) => p.id === id)!.x;
      });
    await alice.waitForFunction(() => (window as unknown as { arena: { roster: unknown[] } }).arena.roster.length === 2);
    const before = await bobX();
    await bob.bringToFront();
    await bob.mouse.move(640, 430);
    await bob.keyboard.down('D');
    await bob.waitForTimeout(600);
    await bob.keyboard.up('D');
    await alice.waitForTimeout(300);
    const after = await bobX();
    expect(Math.abs(after - before)).toBeGreaterThan(20);

    const status = await alice.textContent('#status');
    expect(status).toMatch(/in match .+ as alice/);
    expect(await alice.textContent('#net')).toMatch(/ping \d+ ms/);
    mkdirSync('test-results', { recursive: true });
    await alice.screenshot({ path: 'test-results/game-page.png' });
    expect(errors).toEqual([]);
  });
});
