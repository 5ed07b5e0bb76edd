/**
 * The page a player opens: served by the game server, it signs in from the lobby, quick-plays
 * into a match and draws the snapshots it receives. Screenshots land in test-results/ to look at.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext } from 'playwright-core';
import { sharedChromium } from '../support/shared-chromium.ts';
import { Button, movePlayer } from '../../shared/games/arena/sim/index.ts';
import { connectPlayer, type TestPlayer } from '../support/lobby.ts';
import { lobbyReady, openPage, setNickname, shot, waitForPlaying, waitForScreen, type GamePage } from '../support/page.ts';
import { startServer, type ServerProcess } from '../support/server-process.ts';
import { sleep, waitFor } from '../support/wait.ts';

/** Opens the page, signs in as `name` from the lobby and quick-plays Arena's free for all. */
async function quickPlay(browser: BrowserContext, url: string, name: string): Promise<GamePage> {
  const opened = await openPage(browser, url, name);
  await lobbyReady(opened.page);
  await setNickname(opened.page, name);
  await opened.page.getByRole('button', { name: 'Quick play' }).click();
  return opened;
}

describe('the game page in Chromium', () => {
  let server: ServerProcess;
  let browser: BrowserContext;

  beforeAll(async () => {
    // Two quick players make a full match at once, and the countdown is short.
    server = await startServer({ TICK_RATE: '30', QUEUE_MAX_PLAYERS: '2', QUEUE_WAIT_MS: '60000', COUNTDOWN_MS: '300' });
    browser = await sharedChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('connects, joins a match and renders what two players do', async () => {
    const a = await quickPlay(browser, server.url, 'alice');
    const b = await quickPlay(browser, server.url, 'bob');
    const [alice, bob] = [a.page, b.page];
    await Promise.all([waitForPlaying(alice), waitForPlaying(bob)]);
    await alice.waitForFunction(() => (window as unknown as { arena: { snapshotsReceived: number } }).arena.snapshotsReceived > 30);

    // Bob walks right holding the key; Alice's page must see him move.
    const bobX = () =>
      alice.evaluate(() => {
        const a = (window as unknown as { arena: { latest: { players: { id: number; x: number }[] }; roster: { slot: number; nickname: string }[] } }).arena;
        const id = a.roster.find((r) => r.nickname === 'bob')!.slot;
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

    // The HUD says which match this is and who plays it, and shows the ping.
    const status = await alice.textContent('#status');
    expect(status).toMatch(/Arena · Free for all\s+as alice/);
    await alice.waitForFunction(() => /ping \d+ ms/.test(document.getElementById('net')?.textContent ?? ''), null, { timeout: 10_000 });
    await shot(alice, 'game-page');

    // The net graph: every figure comes down the match connection. The server tick is the
    // match's own push (server_tick), so the page asks nothing over HTTP while the graph is open.
    const asked: string[] = [];
    alice.on('request', (r) => asked.push(new URL(r.url()).pathname));
    await alice.bringToFront();
    await alice.getByRole('button', { name: 'Net graph' }).click();
    const serverTick = alice.getByRole('region', { name: 'Net graph' }).locator('[data-series="serverTick"] .ng-value');
    await alice.waitForFunction(
      () => /^\d+\.\d\d ms$/.test(document.querySelector('[data-series="serverTick"] .ng-value')?.textContent ?? ''),
      null,
      { timeout: 10_000 },
    );
    expect(Number.parseFloat((await serverTick.textContent()) ?? '')).toBeLessThan(1000 / 30);
    await shot(alice, 'net-graph');
    expect(asked.filter((p) => p === '/metrics' || p === '/healthz')).toEqual([]);
    await alice.getByRole('region', { name: 'Net graph' }).getByRole('button', { name: 'Close' }).click();

    // window.arena.worldToScreen: the mouse put where Bob is drawn aims Alice at Bob.
    await alice.bringToFront();
    const drawn = await alice.evaluate(() => {
      type P = { id: number; x: number; y: number };
      const a = (window as unknown as {
        arena: {
          info: { slot: number };
          roster: { slot: number; nickname: string }[];
          rendered: (ms: number) => { players: P[] };
          worldToScreen: (x: number, y: number) => { x: number; y: number } | null;
          screenToWorld: (x: number, y: number) => { x: number; y: number } | null;
        };
      }).arena;
      const bobId = a.roster.find((r) => r.nickname === 'bob')!.slot;
      const players = a.rendered(16).players;
      const bob = players.find((p) => p.id === bobId)!;
      const me = players.find((p) => p.id === a.info.slot)!;
      let screen = a.worldToScreen(bob.x, bob.y)!;
      // The camera follows Alice and the map is larger than the window: when Bob is drawn off
      // screen, or under the HUD (the canvas gets no mouse move there), point at most 150 px from
      // Alice towards him (the same direction, on the canvas).
      const onCanvas = (p: { x: number; y: number }) => document.elementFromPoint(p.x, p.y)?.tagName === 'CANVAS';
      const d = Math.hypot(bob.x - me.x, bob.y - me.y);
      for (const px of [150, 100, 60]) {
        if (onCanvas(screen)) break;
        screen = a.worldToScreen(me.x + ((bob.x - me.x) / d) * px, me.y + ((bob.y - me.y) / d) * px)!;
      }
      // Both ways in one call: the camera follows Alice, so a frame in between would move it.
      const onScreen = a.worldToScreen(bob.x, bob.y)!;
      return { bob, screen, slot: a.info.slot, back: a.screenToWorld(onScreen.x, onScreen.y)! };
    });
    // screenToWorld inverts worldToScreen.
    expect(drawn.back.x).toBeCloseTo(drawn.bob.x, 3);
    expect(drawn.back.y).toBeCloseTo(drawn.bob.y, 3);
    await alice.mouse.move(drawn.screen.x, drawn.screen.y);
    // The aim travels as 1/256 of a turn (0.025 rad) in snapshots.
    await alice.waitForFunction(
      ({ slot, bob }) => {
        const s = (window as unknown as { arena: { latest: { players: { id: number; x: number; y: number; aim: number }[] } } }).arena.latest;
        const me = s.players.find((p) => p.id === slot)!;
        const want = Math.atan2(bob.y - me.y, bob.x - me.x);
        return Math.abs(Math.atan2(Math.sin(me.aim - want), Math.cos(me.aim - want))) < 0.03;
      },
      drawn,
      { timeout: 15_000 },
    );

    // A phone-sized window: the canvas fills it, the camera follows, the HUD wraps.
    await alice.setViewportSize({ width: 420, height: 760 });
    await alice.waitForTimeout(300);
    const leave = await alice.getByRole('button', { name: 'Leave match' }).boundingBox();
    expect(leave!.x + leave!.width).toBeLessThanOrEqual(420);
    await shot(alice, 'game-page-narrow');

    // Reloaded mid-match: the page is seated again at sign-in, before its lobby asked for the
    // games' modules; the SDK holds the match's first frames until Arena's module is in, and the
    // page draws the match from them (no UNKNOWN_GAME, no frozen screen).
    await alice.reload();
    await waitForScreen(alice, 'match');
    await waitForPlaying(alice);
    await alice.waitForFunction(() => {
      const a = (window as unknown as { arena: { snapshotsReceived: number; latest: { players: unknown[] } | null } }).arena;
      return a.snapshotsReceived > 10 && a.latest !== null && a.latest.players.length === 2;
    });
    expect([...a.errors, ...b.errors]).toEqual([]);
  });
});

describe('the game page at 150 ± 30 ms round trip', () => {
  let server: ServerProcess;
  let browser: BrowserContext;
  let bob: TestPlayer | null = null;

  beforeAll(async () => {
    // One way: 60 ms plus up to 30 ms of jitter, both directions: a round trip of 120–180 ms.
    server = await startServer({ TICK_RATE: '30', NET_SIM_LATENCY_MS: '60', NET_SIM_JITTER_MS: '30', QUEUE_MAX_PLAYERS: '2', QUEUE_WAIT_MS: '60000', COUNTDOWN_MS: '300' });
    browser = await sharedChromium();
  });
  afterAll(async () => {
    bob?.close();
    await browser?.close();
    await server?.stop();
  });

  it('moves the own player at once and draws a walking opponent smoothly', async () => {
    const { page, errors } = await quickPlay(browser, server.url, 'alice');
    // Bob is a scripted player (Node): he walks right, then left, one input per tick.
    bob = await connectPlayer(server.url, 'bob');
    const seat = await bob.lobby.findMatch('ffa', 20_000);
    if (!seat.ok) throw new Error(`bob found no match: ${seat.code}`);
    const bobView = bob.openMatch();
    const joined = await bobView.conn.join(seat.matchId);
    if (!joined.ok) throw new Error(`bob could not join: ${joined.code}`);
    await waitForPlaying(page);
    // Bob walks for 2 s in a direction the shared simulation says is open from his spawn.
    const rules = joined.setup.rules;
    await waitFor(() => bobView.snapshots.length > 0, 'bob snapshots');
    const start = bobView.snapshots.at(-1)!.players.find((p) => p.id === joined.slot)!;
    const direction = [Button.Right, Button.Left, Button.Up, Button.Down].find((b) => {
      const p = { x: start.x, y: start.y };
      for (let t = 1; t <= 60; t++) movePlayer(p, b, joined.setup.map, rules, t);
      return Math.hypot(p.x - start.x, p.y - start.y) >= 60 * (rules.playerSpeed / 30) - 1;
    })!;
    void (async () => {
      for (let i = 0; i < 60; i++) {
        bobView.conn.sendInput({ buttons: direction, aim: 0, clientTick: 0 });
        await sleep(1000 / 30);
      }
      bobView.conn.sendInput({ buttons: 0, aim: 0, clientTick: 0 });
    })();

    // 1. Interpolation: sample what the page draws for Bob on every animation frame.
    const frames = await page.evaluate(async (bobId) => {
      const arena = (window as unknown as { arena: { rendered(ms: number): { players: { id: number; x: number; y: number }[] } } }).arena;
      const out: { t: number; x: number; y: number }[] = [];
      const start = performance.now();
      await new Promise<void>((done) => {
        const frame = () => {
          const p = arena.rendered(0).players.find((q) => q.id === bobId);
          if (p) out.push({ t: performance.now(), x: p.x, y: p.y });
          if (performance.now() - start < 1500) requestAnimationFrame(frame);
          else done();
        };
        requestAnimationFrame(frame);
      });
      return out;
    }, joined.slot);
    // SwiftShader draws 10-60 fps depending on the machine's load: enough frames to judge, not a frame rate.
    expect(frames.length).toBeGreaterThan(12);
    // Speed between consecutive frames, from Bob's first visible step to his last.
    const speeds = frames.slice(1).map((f, i) => Math.hypot(f.x - frames[i]!.x, f.y - frames[i]!.y) / ((f.t - frames[i]!.t) / 1000));
    const first = speeds.findIndex((v) => v > 0);
    const last = speeds.length - 1 - [...speeds].reverse().findIndex((v) => v > 0);
    const walkingFrames = speeds.slice(first, last + 1);
    expect(walkingFrames.length).toBeGreaterThan(8);
    // Interpolated, Bob moves at his walking speed on every frame. Drawn from raw snapshots he
    // would stand still on some frames and jump two snapshots on others, as their arrival
    // drifts against the frame clock.
    // Measured: interpolated 218-225 px/s on every frame on a quiet machine; raw snapshots
    // 131-490 px/s, off on most frames. On a loaded 2-core machine (CI with a load test beside
    // it) one frame in five came out off, as snapshots met the network simulator's jitter late
    // and Bob's own Node timers slipped: a quarter still tells interpolation from raw drawing.
    const jerky = walkingFrames.filter((v) => Math.abs(v - rules.playerSpeed) > rules.playerSpeed * 0.25).length;
    console.log(`interpolation: ${jerky} of ${walkingFrames.length} walking frames off Bob's speed by more than 25 %`);
    expect(jerky / walkingFrames.length).toBeLessThan(0.25);

    // 2. Prediction: Alice presses D; her player moves on her screen before any snapshot could
    // carry that input back (150 ms round trip).
    const meId = await page.evaluate(() => (window as unknown as { arena: { info: { slot: number } } }).arena.info.slot);
    const reaction = page.evaluate(async (id) => {
      const arena = (window as unknown as {
        arena: { predictor: { position: { x: number } | null }; latest: { players: { id: number; x: number }[] } };
      }).arena;
      const serverX = () => arena.latest.players.find((p) => p.id === id)!.x;
      const x0 = arena.predictor.position!.x;
      const s0 = serverX();
      const start = performance.now();
      return new Promise<{ ms: number; serverMoved: boolean }>((done) => {
        const frame = () => {
          if (arena.predictor.position!.x !== x0) return done({ ms: performance.now() - start, serverMoved: serverX() !== s0 });
          if (performance.now() - start > 2000) return done({ ms: Infinity, serverMoved: serverX() !== s0 });
          requestAnimationFrame(frame);
        };
        requestAnimationFrame(frame);
      });
    }, meId);
    await page.keyboard.down('D');
    const { ms, serverMoved } = await reaction;
    await page.keyboard.up('D');
    expect(ms).toBeLessThan(2000);
    expect(serverMoved).toBe(false);
    await shot(page, 'game-page-150ms');
    expect(errors).toEqual([]);
  });
});
