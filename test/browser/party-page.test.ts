/**
 * A party through the page, as two friends would use it: A creates a party, B opens A's invite
 * link and joins, A presses Quick play, and both land in the same match. The accessible names
 * used here are the page's contract (button "Create party", the invite field, button "Join party",
 * list "Party members", button "Leave party", region "Leaderboard"). Without the party ticket B
 * would stay in the lobby (nobody queued B), so "both in one match" can only come from it.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedChromium } from '../support/shared-chromium.ts';
import { lobbyReady, openPage, setNickname, shot, waitForScreen } from '../support/page.ts';
import { startServer, type ServerProcess } from '../support/server-process.ts';

interface PartyWindow {
  arena: { state(): { match: { joined: { matchId: string } | null }; lobby: { party: { members: unknown[] } | null } } };
}

describe('a party in the page', () => {
  let server: ServerProcess;
  let browser: BrowserContext;

  beforeAll(async () => {
    // The party of two forms a match at once (mode size 2): no wait, no bots.
    server = await startServer({ TICK_RATE: '30', QUEUE_MAX_PLAYERS: '2', QUEUE_WAIT_MS: '60000', COUNTDOWN_MS: '300' });
    browser = await sharedChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const matchIdOf = (page: Page) => page.evaluate(() => (window as unknown as PartyWindow).arena.state().match.joined?.matchId ?? null);

  it('A creates a party, B joins from the invite link, A presses Quick play, both land in the same match', async () => {
    const a = await openPage(browser, server.url, 'alice');
    const alice = a.page;
    await lobbyReady(alice);
    await setNickname(alice, 'alice');
    expect(await alice.getByRole('region', { name: 'Leaderboard' }).count()).toBe(1);
    await alice.getByRole('button', { name: 'Create party' }).click();
    const invite = alice.getByRole('textbox', { name: 'Party invite link' });
    await invite.waitFor({ timeout: 10_000 });
    const link = await invite.inputValue();
    expect(link).toMatch(new RegExp(`^${server.url}/\\?party=[A-Z2-9]{5}$`));
    const code = link.slice(-5);

    const b = await openPage(browser, link, 'bob');
    const bob = b.page;
    await lobbyReady(bob);
    await setNickname(bob, 'bob');
    expect(await bob.getByRole('textbox', { name: 'Party code' }).inputValue()).toBe(code);
    await bob.getByRole('button', { name: 'Join party' }).click();
    const members = alice.getByRole('list', { name: 'Party members' }).getByRole('listitem');
    await alice.waitForFunction(() => ((window as unknown as PartyWindow).arena.state().lobby.party?.members.length ?? 0) === 2, null, { timeout: 10_000 });
    expect(await members.count()).toBe(2);
    await bob.getByRole('list', { name: 'Party members' }).getByRole('listitem').nth(1).waitFor({ timeout: 10_000 });
    expect(await bob.getByRole('list', { name: 'Party members' }).getByRole('listitem').count()).toBe(2);
    expect(await bob.getByRole('button', { name: 'Leave party' }).isEnabled()).toBe(true);
    await shot(bob, 'party-joined');

    await alice.getByRole('button', { name: 'Quick play' }).click();
    await Promise.all([waitForScreen(alice, 'match'), waitForScreen(bob, 'match')]);
    const [matchA, matchB] = await Promise.all([matchIdOf(alice), matchIdOf(bob)]);
    expect(matchA).not.toBeNull();
    expect(matchB).toBe(matchA);
    await shot(alice, 'party-match');
    for (const p of [a, b]) {
      await p.page.close();
      expect(p.errors).toEqual([]);
    }
  });
});
