/**
 * The killcam, then watching a replay in the page. Alice plays a private Arena match to two kills
 * (one hit kills) against Bob, a headless player driven by the game's bot brain, and stands
 * still. When Bob kills her, her page asks for the killcam and plays the last 4 s before the
 * kill from Bob's seat (the camera on him) during the respawn countdown; she skips it and the
 * match's own scene is back. The second kill ends the match. Then the replay: she
 * presses "Watch replay" on the results, and the page fetches
 * the private file with her token, re-simulates it and draws it with the match's own scene. She
 * speeds it up, seeks (to the nearest checkpoint, then re-simulated), follows Bob (the camera
 * centres on him) and plays to the end, where every player stands exactly where the match's last
 * snapshot put them: without a deterministic re-simulation in the browser they would not. A
 * hostile file from the lobby's list then gives a clear error and the page carries on.
 * Screenshots land in test-results/ to look at.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPLAY_FORMAT_VERSION, REPLAY_ZLIB } from '../../shared/replay/replay-format.ts';
import { huntInput } from '../support/arena-hunter.ts';
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
interface KillcamStatus {
  status: 'off' | 'loading' | 'playing' | 'failed';
  killer: number | null;
  killTick: number | null;
  fromTick: number | null;
  toTick: number | null;
  drawn: number;
  killerAt: { x: number; y: number } | null;
  played: number;
  skipped: number;
}
interface ReplayWindow {
  arena: {
    killcam: KillcamStatus;
    state(): { killcam: { status: string; last: string | null; error: { message: string } | null } };
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

  it('shows the killcam after a death and skips it; then watches the match again: plays, seeks, follows, ends where the match ended', { timeout: 90_000 }, async () => {
    const { page, errors } = await openPage(browser, server.url, 'alice');
    await lobbyReady(page);
    await setNickname(page, 'alice');
    await page.getByRole('spinbutton', { name: 'Time limit in seconds (0: none)' }).fill('20');
    await page.getByRole('spinbutton', { name: 'Kills to win (0: none)' }).fill('2');
    await page.getByRole('spinbutton', { name: 'Damage per hit (0: practice, nobody is hurt)' }).fill('100');
    await page.getByRole('button', { name: 'Create private match' }).click();
    await waitForScreen(page, 'queue');
    const code = await page.evaluate(() => (window as unknown as { arena: { state(): { match: { joined: { code: string | null } | null } } } }).arena.state().match.joined!.code!);
    bob = await connectPlayer(server.url, 'bob');
    const seat = await bob.lobby.joinByCode(code);
    if (!seat.ok) throw new Error(`bob could not join by code: ${seat.code}`);
    const bobView = bob.openMatch();
    const joined = await bobView.conn.join(seat.matchId);
    if (!joined.ok) throw new Error(`bob could not join: ${joined.code}`);
    // Bob hunts Alice along the map's clear lanes (arena-hunter.ts).
    const { map } = joined.setup;
    // Bob holds still (no buttons) while Alice's page is checked between the two kills: on a busy
    // machine that can outlast her respawn, and a second kill then would end the match first.
    let hunting = true;
    walking = setInterval(() => {
      const view = bobView.snapshots.at(-1);
      const me = view?.players.find((p) => p.id === joined.slot);
      const her = view?.players.find((p) => p.id !== joined.slot && p.alive);
      if (!view || !me || !her) return;
      const hunt = huntInput(me, her, map.walls);
      bobView.conn.sendInput({ ...hunt, buttons: hunting ? hunt.buttons : 0, clientTick: view.tick });
    }, 33);

    // Bob kills Alice: her page plays the killcam from his seat during her respawn countdown
    // (2 s, the request and the re-simulation included), with a "Skip" button; she skips it.
    const cam = await page
      .waitForFunction(
        () => {
          const a = (window as unknown as ReplayWindow).arena;
          const k = a.killcam;
          if (k.status !== 'playing' || k.drawn < 3 || !k.killerAt) return false;
          // The scene follows the killer once it draws him (its first frame may come before the
          // interpolation has two snapshots of him): wait for that frame, not for a fixed count.
          const at = a.worldToScreen(k.killerAt.x, k.killerAt.y);
          if (!at || at.x <= 0 || at.y <= 0 || at.x >= window.innerWidth || at.y >= window.innerHeight) return false;
          const region = document.querySelector('[aria-label="Killcam"]');
          const skip = [...(region?.querySelectorAll('button') ?? [])].map((b) => b.textContent);
          return { ...k, drawing: document.getElementById('game')!.dataset.drawing, killerOnScreen: a.worldToScreen(k.killerAt.x, k.killerAt.y), text: region?.textContent ?? '', skip };
        },
        null,
        { timeout: 20_000, polling: 50 },
      )
      .then((h) => h.jsonValue() as Promise<KillcamStatus & { drawing: string; killerOnScreen: { x: number; y: number } | null; text: string; skip: string[] }>)
      .catch(async (e: Error) => {
        const seen = await page.evaluate(() => (window as unknown as ReplayWindow).arena.state().killcam);
        const players = bobView.snapshots.at(-1)?.players.map((p) => ({ id: p.id, x: p.x, y: p.y, alive: p.alive, deaths: p.deaths }));
        throw new Error(`no killcam played (the last one: ${JSON.stringify(seen)}; players ${JSON.stringify(players)}): ${e.message}`);
      });
    hunting = false;
    // Esc, at once: the killcam lasts only what is left of the 2 s countdown, and a click would
    // first wait for the button to hold still over a few frames of a busy page.
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => (window as unknown as ReplayWindow).arena.killcam.skipped === 1, null, { polling: 50 });
    expect(await page.evaluate(() => (window as unknown as ReplayWindow).arena.killcam.status)).toBe('off');
    // The match's own scene is back; the match went on meanwhile.
    await page.waitForFunction(() => document.getElementById('game')!.dataset.drawing === 'arena');
    expect(await page.evaluate(() => (window as unknown as ReplayWindow).arena.screen)).toBe('match');
    hunting = true;

    expect(cam.killer).toBe(joined.slot);
    expect(cam.text).toContain('bob');
    expect(cam.skip).toEqual(['Skip']);
    expect(cam.drawing).toBe('arena-replay');
    // 4 s before the kill (30 Hz), or from the match's start, to just after it.
    expect(cam.fromTick).toBe(Math.max(1, cam.killTick! - 120));
    expect(cam.toTick).toBeGreaterThanOrEqual(cam.killTick!);
    // The camera follows the killer: he is drawn inside the window (it eases after him and stops at the map's edges).
    const vp = page.viewportSize()!;
    expect(cam.killerOnScreen).not.toBeNull();
    expect(cam.killerOnScreen!.x).toBeGreaterThan(0);
    expect(cam.killerOnScreen!.x).toBeLessThan(vp.width);
    expect(cam.killerOnScreen!.y).toBeGreaterThan(0);
    expect(cam.killerOnScreen!.y).toBeLessThan(vp.height);

    // The second kill ends the match: the results end any killcam.
    await waitForScreen(page, 'results', 30_000);
    await page.waitForFunction(() => (window as unknown as ReplayWindow).arena.killcam.status === 'off');
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
