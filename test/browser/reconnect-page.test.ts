/**
 * Connection life in the page: the network drops the player's connection in the middle of a
 * match (a TCP proxy between the page and the server cuts every socket and refuses new ones for
 * a while). The page must show "Reconnecting… (attempt n)" with n counting up, never a frozen
 * screen, and once the network is back it must be in the same match, in the same slot, with the
 * score it had: here a death, taken from a scripted opponent before the drop. Without the SDK's
 * rejoin the page would come back to the lobby (or to a fresh slot with 0 deaths).
 */
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addPlayer, arenaMap, Button, createWorld, defaultRules, firstWallHit } from '../../shared/games/arena/sim/index.ts';
import { sharedChromium } from '../support/shared-chromium.ts';
import { connectPlayer, type TestPlayer } from '../support/lobby.ts';
import { lobbyReady, openPage, screenOf, setNickname, shot, waitForPlaying, waitForScreen, type ArenaWindow } from '../support/page.ts';
import { startServer, type ServerProcess } from '../support/server-process.ts';
import { startProxy, type TcpProxy } from '../support/tcp-proxy.ts';
import { sleep } from '../support/wait.ts';

const TICK_RATE = 30;

/** A match seed whose first two players spawn in each other's line of fire, within range. */
function seedWithLineOfFire(): number {
  const rules = defaultRules(TICK_RATE);
  const range = rules.projectileSpeed * rules.projectileLifetimeS * 0.8;
  for (let seed = 1; ; seed++) {
    const world = createWorld({ seed, rules, map: arenaMap() });
    const a = addPlayer(world, 0);
    const b = addPlayer(world, 1);
    if (firstWallHit(a, b, world.map.walls, rules.projectileRadius) === null && Math.hypot(a.x - b.x, a.y - b.y) < range) return seed;
  }
}

describe('the page through a dropped connection', () => {
  let server: ServerProcess;
  let proxy: TcpProxy;
  let browser: BrowserContext;
  let bob: TestPlayer | null = null;

  beforeAll(async () => {
    server = await startServer({ TICK_RATE: String(TICK_RATE), MATCH_SEED: String(seedWithLineOfFire()), COUNTDOWN_MS: '300', BOT_FILL: 'off' });
    proxy = await startProxy(server.port);
    browser = await sharedChromium();
  });
  afterAll(async () => {
    bob?.close();
    await browser?.close();
    await proxy?.close();
    await server?.stop();
  });

  it('shows the reconnect overlay, then is back in the match with its score', async () => {
    // The cut makes the browser log failed WebSocket connections, and failed long-polling requests
    // (the SDK reconnects on polling first, then upgrades): that is the test, not a bug.
    const { page, errors } = await openPage(browser, proxy.url, 'alice', [/WebSocket connection to .* failed/, /ERR_CONNECTION|ERR_EMPTY_RESPONSE|ERR_SOCKET_NOT_CONNECTED/]);
    await lobbyReady(page);
    await setNickname(page, 'alice');
    await page.getByRole('button', { name: 'Create private match' }).click();
    await waitForScreen(page, 'queue');
    const joined = (await page.evaluate(() => (window as unknown as ArenaWindow).arena.state())).match.joined!;

    // Bob (a scripted player, straight to the server) joins by code: the match is full and starts.
    bob = await connectPlayer(server.url, 'bob');
    const seat = await bob.lobby.joinByCode(joined.code!);
    if (!seat.ok) throw new Error(`bob: ${seat.code}`);
    const view = bob.openMatch();
    const res = await view.conn.join(seat.matchId);
    if (!res.ok) throw new Error(`bob join: ${res.code}`);
    await waitForPlaying(page);
    const aliceSlot = await page.evaluate(() => (window as unknown as ArenaWindow).arena.info!.slot);

    // Bob shoots Alice until she has died once.
    const deadline = Date.now() + 15_000;
    for (;;) {
      if (Date.now() > deadline) throw new Error('no kill within 15 s');
      // Bob's own snapshots may lag Alice's page by a tick or two: wait for both players in them.
      const latest = view.snapshots.at(-1);
      const me = latest?.players.find((p) => p.id === res.slot);
      const target = latest?.players.find((p) => p.id === aliceSlot);
      if (!latest || !me || !target) {
        await sleep(1000 / TICK_RATE);
        continue;
      }
      if (target.deaths > 0) break;
      view.conn.sendInput({ buttons: Button.Fire, aim: Math.atan2(target.y - me.y, target.x - me.x), clientTick: latest.tick });
      await sleep(1000 / TICK_RATE);
    }
    view.conn.sendInput({ buttons: 0, aim: 0, clientTick: 0 });
    // Her page: dead, the respawn countdown, the kill in the feed, one death on the HUD.
    await page.waitForFunction(
      (slot) => {
        const s = (window as unknown as { arena: { state(): { match: { hud: { rows: { slot: number; deaths: number | null }[] } | null } } } }).arena.state();
        return s.match.hud?.rows.find((r) => r.slot === slot)?.deaths === 1;
      },
      aliceSlot,
      { timeout: 10_000 },
    );
    await page.getByRole('list', { name: 'Kill feed' }).getByText('bob').first().waitFor({ timeout: 5_000 });
    await shot(page, 'death-respawn');

    // The network drops: the overlay shows, and its attempt number counts up.
    proxy.cut();
    await waitForScreen(page, 'reconnecting', 15_000);
    await page.waitForFunction(() => (window as unknown as ArenaWindow).arena.attempt >= 2, null, { timeout: 20_000 });
    expect(await page.getByRole('alertdialog', { name: 'Reconnecting' }).textContent()).toMatch(/Reconnecting… \(attempt [2-9]\d*\)/);
    await shot(page, 'reconnecting');

    // Back: the same match and slot, the death still counted, fresh snapshots arriving.
    proxy.restore();
    await waitForScreen(page, 'match', 30_000);
    const back = await page.evaluate(() => {
      const a = (window as unknown as ArenaWindow).arena;
      return { matchId: a.info!.matchId, slot: a.info!.slot, received: a.snapshotsReceived };
    });
    expect(back.matchId).toBe(joined.matchId);
    expect(back.slot).toBe(aliceSlot);
    await page.waitForFunction(
      ([slot, before]) => {
        const a = (window as unknown as ArenaWindow).arena;
        const me = a.latest?.players.find((p) => p.id === slot);
        return a.snapshotsReceived > (before as number) + 10 && me?.deaths === 1;
      },
      [aliceSlot, back.received] as const,
      { timeout: 15_000 },
    );
    expect(await page.getByRole('region', { name: 'Scoreboard' }).count()).toBe(0);
    expect(await page.getByLabel('Your score').textContent()).toMatch(/Deaths 1/);
    // Bob was told she was away and is back.
    expect(view.presence.map((p) => p.status)).toEqual(expect.arrayContaining(['away', 'back']));
    await shot(page, 'reconnected');
    expect(errors).toEqual([]);
  });
});

/**
 * A server whose reconnection policy gives up fast (two attempts, 200–400 ms apart): the page
 * follows it (GET /api/config), says "Couldn't reconnect" instead of spinning forever, and its
 * Retry button brings the lobby back with the chat lines sent meanwhile, once each and in order.
 * With socket.io's default policy (infinite attempts) the overlay would never change.
 */
describe('the page when reconnecting gives up', () => {
  let server: ServerProcess;
  let proxy: TcpProxy;
  let browser: BrowserContext;
  let bob: TestPlayer | null = null;

  beforeAll(async () => {
    server = await startServer({ CLIENT_RECONNECT_DELAY_MS: '200', CLIENT_RECONNECT_DELAY_MAX_MS: '400', CLIENT_RECONNECT_ATTEMPTS: '2' });
    proxy = await startProxy(server.port);
    browser = await sharedChromium();
  });
  afterAll(async () => {
    bob?.close();
    await browser?.close();
    await proxy?.close();
    await server?.stop();
  });

  it('shows "Couldn\'t reconnect" after the last attempt, and Retry brings the lobby back with the chat it missed', async () => {
    // The cut also truncates a response in flight (ERR_CONTENT_LENGTH_MISMATCH: the game chunk the
    // idle lobby fetches ahead of a match); the page loads it again when it needs it.
    const { page, errors } = await openPage(browser, proxy.url, 'carol', [/WebSocket connection to .* failed/, /ERR_CONNECTION|ERR_EMPTY_RESPONSE|ERR_SOCKET_NOT_CONNECTED|ERR_CONTENT_LENGTH_MISMATCH/]);
    await lobbyReady(page);
    bob = await connectPlayer(server.url, 'bob');
    await bob.lobby.chat('before the drop');
    const chat = page.getByRole('region', { name: 'Lobby chat' });
    await chat.getByText('before the drop').waitFor({ timeout: 10_000 });

    proxy.cut();
    const gaveUp = page.getByRole('alertdialog', { name: "Couldn't reconnect" });
    await gaveUp.waitFor({ timeout: 15_000 });
    expect(await gaveUp.textContent()).toContain('Couldn’t reconnect');
    expect(await screenOf(page)).toBe('reconnecting');
    await shot(page, 'reconnect-gave-up');
    for (const text of ['missed one', 'missed two']) expect(await bob.lobby.chat(text)).toMatchObject({ ok: true });

    proxy.restore();
    await gaveUp.getByRole('button', { name: 'Retry' }).click();
    await lobbyReady(page);
    await chat.getByText('missed two').waitFor({ timeout: 10_000 });
    expect(await bob.lobby.chat('after')).toMatchObject({ ok: true });
    await chat.getByText('after').waitFor({ timeout: 10_000 });
    const lines = (await chat.getByRole('listitem').allTextContents()).filter((t) => /before the drop|missed|after/.test(t));
    expect(lines.map((t) => /before the drop|missed one|missed two|after/.exec(t)![0])).toEqual(['before the drop', 'missed one', 'missed two', 'after']);
    expect(await page.getByRole('alertdialog').count()).toBe(0);
    await shot(page, 'reconnect-retried');
    expect(errors).toEqual([]);
  });
});
