/**
 * Watching a replay in the page: Alice plays a 3-second private Arena match against Bob (a
 * headless player walking right), presses "Watch replay" on the results, and the page fetches
 * the private file with her token, re-simulates it and draws it with the match's own scene. She
 * speeds it up, seeks (to the nearest checkpoint, then re-simulated), follows Bob (the camera
 * centres on him) and plays to the end, where every player stands exactly where the match's last
 * snapshot put them: without a deterministic re-simulation in the browser they would not. A
 * hostile file from the lobby's list then gives a clear error and the page carries on.
 * Screenshots land in test-results/ to look at.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Button } from '../../shared/games/arena/sim/index.ts';
import { REPLAY_FORMAT_VERSION, REPLAY_ZLIB } from '../../shared/replay/replay-format.ts';
import { connectPlayer, type TestPlayer } from '../support/lobby.ts';
import { lobbyReady, openPage, setNickname, shot, waitForScreen } from '../support/page.ts';
import { sharedChromium } from '../support/shared-chromium.ts';
import { startServer, type ServerProcess } from '../support/server-process.ts';

interface Pose {
  id: number;
  x: number;
  y: number;
  alive: boolean;
}
interface ReplayWindow {
  arena: {
    screen: string;
    latest: { tick: number; players: Pose[] } | null;
    info: { slot: number } | null;
    replay: { tick: number; lastTick: number; playing: boolean; speed: number; follow: number | null; latest: { tick: number; players: Pose[] } | null } | null;
    worldToScreen(x: number, y: number): { x: number; y: number } | null;
  };
}

const replayOf = (page: Page) => page.evaluate(() => (window as unknown as ReplayWindow).arena.replay);

describe('the replay viewer in Chromium', () => {
  let server: ServerProcess;
  let browser: BrowserContext;
  let bob: TestPlayer | null = null;
  let walking: ReturnType<typeof setInterval> | null = null;

  beforeAll(async () => {
    server = await startServer({ TICK_RATE: '30', COUNTDOWN_MS: '300' });
    browser = await sharedChromium();
  });
  afterAll(async () => {
    if (walking) clearInterval(walking);
    bob?.close();
    await browser?.close();
    await server?.stop();
  });

  it('watches a match again: plays, seeks, follows, ends where the match ended', { timeout: 90_000 }, async () => {
    const { page, errors } = await openPage(browser, server.url, 'alice');
    await lobbyReady(page);
    await setNickname(page, 'alice');
    await page.getByRole('spinbutton', { name: 'Time limit in seconds (0: none)' }).fill('3');
    await page.getByRole('button', { name: 'Create private match' }).click();
    await waitForScreen(page, 'queue');
    const code = await page.evaluate(() => (window as unknown as { arena: { state(): { match: { joined: { code: string | null } | null } } } }).arena.state().match.joined!.code!);
    bob = await connectPlayer(server.url, 'bob');
    const seat = await bob.lobby.joinByCode(code);
    if (!seat.ok) throw new Error(`bob could not join by code: ${seat.code}`);
    const bobView = bob.openMatch();
    const joined = await bobView.conn.join(seat.matchId);
    if (!joined.ok) throw new Error(`bob could not join: ${joined.code}`);
    let clientTick = 0;
    walking = setInterval(() => bobView.conn.sendInput({ buttons: Button.Right, aim: 0, clientTick: ++clientTick }), 33);

    await waitForScreen(page, 'results', 30_000);
    clearInterval(walking);
    walking = null;
    // Where the match left everyone: its last snapshot on Alice's page.
    const final = await page.evaluate(() => (window as unknown as ReplayWindow).arena.latest!);
    const aliceSlot = await page.evaluate(() => (window as unknown as ReplayWindow).arena.info!.slot);

    await page.getByRole('button', { name: 'Watch replay' }).click();
    await waitForScreen(page, 'replay');
    await page.waitForFunction(() => ((window as unknown as ReplayWindow).arena.replay?.tick ?? 0) > 15, null, { timeout: 20_000 });
    expect(await page.evaluate(() => document.getElementById('game')!.dataset.drawing)).toBe('arena-replay');
    const opened = (await replayOf(page))!;
    expect(opened.lastTick).toBeGreaterThanOrEqual(final.tick);
    await shot(page, 'replay-page');

    // Pause holds the position; a seek re-simulates to the tick asked for.
    await page.getByRole('button', { name: 'Pause' }).click();
    const paused = (await replayOf(page))!;
    await page.waitForTimeout(200);
    expect((await replayOf(page))!.tick).toBe(paused.tick);
    const target = Math.floor(opened.lastTick * 0.6);
    await page.getByRole('slider', { name: 'Replay position' }).fill(String(target));
    await page.waitForFunction((t) => (window as unknown as ReplayWindow).arena.replay?.tick === t, target);
    const sought = (await replayOf(page))!;
    expect(sought.latest!.tick).toBe(target);

    // Follow Bob: the camera centres on him (the 1600 px map is wider than the window).
    await page.getByRole('combobox', { name: 'Follow' }).selectOption({ label: 'bob' });
    await page.waitForFunction((slot) => (window as unknown as ReplayWindow).arena.replay?.follow === slot, joined.slot);
    await page.getByRole('radio', { name: '4×' }).click();
    await page.getByRole('button', { name: 'Play' }).click();
    await page.waitForFunction(() => (window as unknown as ReplayWindow).arena.replay?.playing === false, null, { timeout: 20_000 });
    const end = (await replayOf(page))!;
    expect(end.speed).toBe(4);
    expect(end.tick).toBe(end.lastTick);
    const bobAt = end.latest!.players.find((p) => p.id === joined.slot)!;
    const viewport = page.viewportSize()!;
    // Zoom 1 (the whole map would be drawn at 0.77), and the camera eases onto Bob, centred as
    // far as its bounds (the 1600 × 1000 map and 40 px around it) let it.
    const clamp = (v: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, v));
    const want = { x: bobAt.x - clamp(bobAt.x - viewport.width / 2, -40, 1640 - viewport.width), y: bobAt.y - clamp(bobAt.y - viewport.height / 2, -40, 1040 - viewport.height) };
    await page.waitForFunction(
      ({ bob, want }) => {
        const at = (window as unknown as ReplayWindow).arena.worldToScreen(bob.x, bob.y);
        return at !== null && Math.abs(at.x - want.x) < 20 && Math.abs(at.y - want.y) < 20;
      },
      { bob: bobAt, want },
      { timeout: 10_000 },
    );
    const [at, beside] = await page.evaluate(({ x, y }) => {
      const a = (window as unknown as ReplayWindow).arena;
      return [a.worldToScreen(x, y)!, a.worldToScreen(x + 100, y)!];
    }, bobAt);
    expect(beside.x - at.x).toBeCloseTo(100, 0);
    await shot(page, 'replay-page-follow');

    // The re-simulated end is the match's end, pose for pose.
    const bySlot = (ps: Pose[]) => Object.fromEntries(ps.map((p) => [p.id, { x: p.x, y: p.y, alive: p.alive }]));
    expect(end.latest!.tick).toBe(final.tick);
    expect(bySlot(end.latest!.players)).toEqual(bySlot(final.players));
    expect(bySlot(end.latest!.players)[aliceSlot]).toBeDefined();

    // A hostile file, offered by the lobby's list: a clear error, and the page carries on.
    await page.getByRole('button', { name: 'Back to lobby' }).click();
    await waitForScreen(page, 'lobby');
    const fake = 'A'.repeat(22);
    await page.route('**/api/replays?limit=*', (route) =>
      route.fulfill({
        contentType: 'application/json',
        body: JSON.stringify({ ok: true, replays: [{ replayId: fake, matchId: 'm', game: 'arena', mode: 'ffa', createdAt: Date.now(), endedAt: null, ticks: 90, tickRate: 30, players: [{ nickname: 'mallory', bot: false }], running: false }] }),
      }),
    );
    await page.route(`**/api/replays/${fake}`, (route) => route.fulfill({ contentType: 'application/octet-stream', body: Buffer.concat([Buffer.from('ARPL'), Buffer.from([REPLAY_FORMAT_VERSION, REPLAY_ZLIB]), Buffer.from('x'.repeat(300))]) }));
    const list = page.getByRole('region', { name: 'Recent replays' });
    await list.getByRole('button', { name: 'Refresh' }).click();
    await list.getByText('mallory').waitFor();
    await shot(page, 'replay-lobby-list');
    await list.getByRole('button', { name: 'Watch' }).first().click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/compressed body is damaged/);
    await shot(page, 'replay-page-hostile');
    await page.getByRole('button', { name: 'Back to lobby' }).click();
    await lobbyReady(page);
    expect(errors).toEqual([]);
  });
});
