/**
 * A private match through the page, driven as two players would through the accessible names the
 * page promises (the contract these tests rely on): created in one page and joined from its
 * invite link in another, lobby and match chat, play, the scoreboard, the results, "Play again"
 * and "Back to lobby". Each screen is saved in test-results/.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedChromium } from '../support/shared-chromium.ts';
import { lobbyReady, openPage, setNickname, shot, waitForPlaying, waitForScreen, type ArenaWindow } from '../support/page.ts';
import { startServer, type ServerProcess } from '../support/server-process.ts';

const TIME_LIMIT_S = 12;

describe('a private match from the lobby to the results', () => {
  let server: ServerProcess;
  let browser: BrowserContext;

  beforeAll(async () => {
    // "Play again" queues B, who cancels within the 4 s a lone quick player waits.
    server = await startServer({ TICK_RATE: '30', QUEUE_WAIT_MS: '4000', COUNTDOWN_MS: '1500', ENDED_LINGER_MS: '20000' });
    browser = await sharedChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const arenaState = (page: Page) => page.evaluate(() => (window as unknown as ArenaWindow).arena.state());

  it('A creates a private match, B joins from the invite link, they chat and play, and both see the results', async () => {
    const a = await openPage(browser, server.url, 'alice');
    const b = await openPage(browser, server.url, 'bob');
    const [alice, bob] = [a.page, b.page];
    await lobbyReady(alice);
    await setNickname(alice, 'alice');
    await lobbyReady(bob);
    await setNickname(bob, 'bob');

    // Lobby chat: A writes, B reads.
    await alice.getByRole('textbox', { name: 'Chat message' }).fill('hello from alice');
    await alice.getByRole('textbox', { name: 'Chat message' }).press('Enter');
    await bob.getByRole('region', { name: 'Lobby chat' }).getByText('hello from alice').waitFor({ timeout: 10_000 });

    // A: a two-player private match with a short time limit.
    await alice.getByRole('spinbutton', { name: 'Time limit in seconds (0: none)' }).fill(String(TIME_LIMIT_S));
    await alice.getByRole('button', { name: 'Create private match' }).click();
    await waitForScreen(alice, 'queue');
    const code = (await arenaState(alice)).match.joined!.code!;
    expect(code).toMatch(/^[A-Z2-9]{5}$/);
    const link = await alice.getByRole('textbox', { name: 'Invite link' }).inputValue();
    expect(link).toBe(`${server.url}/?code=${code}`);
    await shot(alice, 'private-waiting');

    // B opens the invite link in the same tab (the tab keeps its sign-in) and joins.
    await bob.goto(link);
    await lobbyReady(bob);
    expect(await bob.getByRole('textbox', { name: 'Match code' }).inputValue()).toBe(code);
    await shot(bob, 'invite-link');
    await bob.getByRole('form', { name: 'Join by code' }).getByRole('button', { name: 'Join' }).click();
    await Promise.all([waitForPlaying(alice), waitForPlaying(bob)]);

    // Both play: B walks, A's page sees B move.
    const bobX = () =>
      alice.evaluate(() => {
        const a = (window as unknown as ArenaWindow).arena;
        const id = a.roster.find((r) => r.nickname === 'bob')!.slot;
        return a.latest!.players.find((p) => p.id === id)!.x;
      });
    await alice.waitForFunction(() => (window as unknown as ArenaWindow).arena.roster.length === 2);
    const before = await bobX();
    await bob.bringToFront();
    await bob.mouse.move(640, 430);
    const key = before < 800 ? 'D' : 'A';
    await bob.keyboard.down(key);
    await bob.waitForTimeout(700);
    await bob.keyboard.up(key);
    await alice.waitForFunction(
      ([id, x0]) => {
        const a = (window as unknown as ArenaWindow).arena;
        const slot = a.roster.find((r) => r.nickname === id)!.slot;
        return Math.abs(a.latest!.players.find((p) => p.id === slot)!.x - (x0 as number)) > 20;
      },
      ['bob', before] as const,
      { timeout: 5_000 },
    );
    // A shoots (the HUD and the scene draw it), then writes in the match chat.
    await alice.bringToFront();
    await alice.mouse.move(700, 300);
    await alice.mouse.down();
    // A shot of hers in flight (the page is slow on a busy machine: wait for it, not for time).
    await alice.waitForFunction(
      () => {
        const a = (window as unknown as { arena: { info: { slot: number }; latest: { projectiles: { ownerId: number }[] } } }).arena;
        return a.latest.projectiles.some((p) => p.ownerId === a.info.slot);
      },
      null,
      { timeout: 10_000 },
    );
    await alice.waitForTimeout(150);
    await shot(alice, 'match-private');
    await alice.mouse.up();
    await alice.keyboard.press('Enter');
    await alice.keyboard.type('gg bob');
    await alice.keyboard.press('Enter');
    await bob.getByRole('region', { name: 'Match chat' }).getByText('gg bob').waitFor({ timeout: 10_000 });
    await bob.keyboard.down('Tab');
    await bob.getByRole('region', { name: 'Scoreboard' }).waitFor({ timeout: 5_000 });
    await shot(bob, 'scoreboard');
    await bob.keyboard.up('Tab');

    // The time limit ends the match: the results rank both, with K/D.
    await Promise.all([waitForScreen(alice, 'results', (TIME_LIMIT_S + 20) * 1000), waitForScreen(bob, 'results', (TIME_LIMIT_S + 20) * 1000)]);
    const results = alice.getByRole('region', { name: 'Results' });
    expect(await results.getByRole('columnheader', { name: 'K/D' }).count()).toBe(1);
    expect(await results.getByRole('row').count()).toBe(3); // header + two players
    expect(await results.getByRole('cell', { name: 'alice' }).count()).toBe(1);
    expect(await results.getByRole('cell', { name: 'bob' }).count()).toBe(1);
    await shot(alice, 'results');

    await alice.getByRole('button', { name: 'Back to lobby' }).click();
    await waitForScreen(alice, 'lobby');
    // Play again queues B for the same mode; B changes its mind.
    await bob.getByRole('button', { name: 'Play again' }).click();
    await waitForScreen(bob, 'queue');
    await bob.getByRole('button', { name: 'Cancel' }).click();
    await waitForScreen(bob, 'lobby');
    await alice.close();
    await bob.close();
    expect([...a.errors, ...b.errors]).toEqual([]);
  });
});
