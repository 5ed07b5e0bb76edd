/**
 * Hit rate on the real page at 0 ms and at 150 ± 30 ms round trip: lag compensation as a player
 * feels it. Alice (Chromium) plays a practice match (damage 0: Bob never dies, so every shot has
 * a living target). Bob (a scripted Node player) walks to and fro at full speed along an open
 * lane in Alice's sight. Alice's hand: the mouse follows where Bob is drawn, led by the speed he
 * is drawn walking at (window.arena.rendered and worldToScreen, as a player leads a runner), and
 * clicks about three times a second while he walks straight (a shot across his turn misses at
 * any latency). Shots are counted from Alice's projectiles in the snapshots and hits from the
 * server's hit events, both as the page received them (window.arena.hits). The server's network
 * simulator (DEV_TOOLS: /api/dev/netsim) switches between 0 ms and 60 ms + 0-30 ms of jitter
 * each way (a round trip of 120-180 ms) in the same match: 0 ms, 150 ms, 0 ms blocks, so a
 * machine that slows down during the run weighs on both rates alike.
 *
 * The claim: the rate at 150 ms is within 15 % of the rate at 0 ms. The counterfactual, measured
 * once with the rewind capped at the old 0.25 s (rules.maxLagCompensationS): a 150 ms shot asks
 * for 11-21 ticks of rewind (medians of runs on a busy machine) and gets 8, so Bob is judged 3-13
 * ticks (22-95 px) from where Alice saw him; 3 of 60 shots hit at 150 ms (24 of 58 at 0 ms on
 * that loaded machine, where a busy page's render delay alone outgrew 8 ticks), against 0.83-0.98
 * at both latencies with the 1 s cap. Figures in BENCHMARKS.md, "Hit rate on the page at 0 and
 * 150 ms".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { sharedChromium } from '../support/shared-chromium.ts';
import { Button, firstWallHit } from '../../shared/games/arena/sim/index.ts';
import type { ArenaSetup } from '../../shared/games/arena/index.ts';
import { connectPlayer, type MatchView, type TestPlayer } from '../support/lobby.ts';
import { lobbyReady, openPage, setNickname, shot, waitForPlaying, waitForScreen, type GamePage } from '../support/page.ts';
import { startServer, type ServerProcess } from '../support/server-process.ts';
import { waitFor } from '../support/wait.ts';

/**
 * Clicks per latency (half of the 0 ms ones before the 150 ms block, half after). On a quiet
 * machine both rates are near 1 (60 of 60 and 40 of 40 at each latency), and 30 a side put the
 * 15 % margin about 4 standard errors of the difference away; at 0.8 (a machine loaded 6x over its
 * cores, where one run in six failed at 48 a side with 0.90 against 0.75) about 1.3. The file runs
 * alone (vitest.config.ts, TIMED_PAGES), so its machine is not the loaded one. The old cap's drop
 * (to 0.05) is many times the margin. Each click waits for Bob to walk straight (about 0.6 s a
 * click), so every 10 clicks a side cost the suite ~12 s.
 */
const SHOTS = 30;
/** Between clicks: the gun fires every 8 ticks (267 ms); the rest absorbs a busy page's late timers. */
const CLICK_EVERY_MS = 330;
const ONE_WAY_150 = { latencyMs: 60, jitterMs: 30 };
/** Half-length of Bob's lane (px): about two seconds a leg at 220 px/s. */
const LANE_HALF = 200;

interface Tally {
  shots: number;
  hits: number;
  blocked: number;
  rewinds: number[];
}

type HitsWindow = { arena: { hits: Tally & { recentRewinds: number[] }; info: { slot: number }; latest: { tick: number; projectiles: { ownerId: number }[] } | null } };

describe('hit rate on the page at 0 ms and at 150 ± 30 ms round trip', () => {
  let server: ServerProcess;
  let browser: BrowserContext;
  let bob: TestPlayer | null = null;
  let walking: ReturnType<typeof setInterval> | null = null;

  beforeAll(async () => {
    server = await startServer({ TICK_RATE: '30', DEV_TOOLS: 'on', COUNTDOWN_MS: '300' });
    browser = await sharedChromium();
  });
  afterAll(async () => {
    if (walking) clearInterval(walking);
    bob?.close();
    await browser?.close();
    await server?.stop();
  });

  async function netsim(body: { latencyMs: number; jitterMs: number }): Promise<void> {
    const res = await fetch(`${server.url}/api/dev/netsim`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(res.status).toBe(200);
  }

  it('hits as often at 150 ms as at 0 ms when aiming at what the page draws', { timeout: 240_000 }, async () => {
    // Alice creates a two-player practice match from the lobby, Bob joins by its code.
    const alice: GamePage = await openPage(browser, server.url, 'alice');
    const page = alice.page;
    await lobbyReady(page);
    await setNickname(page, 'alice');
    await page.getByRole('spinbutton', { name: 'Damage per hit (0: practice, nobody is hurt)' }).fill('0');
    await page.getByRole('button', { name: 'Create private match' }).click();
    await waitForScreen(page, 'queue');
    const code = await page.evaluate(() => (window as unknown as { arena: { state(): { match: { joined: { code: string | null } | null } } } }).arena.state().match.joined!.code!);
    bob = await connectPlayer(server.url, 'bob');
    const seat = await bob.lobby.joinByCode(code);
    if (!seat.ok) throw new Error(`bob could not join by code: ${seat.code}`);
    const bobView = bob.openMatch();
    const joined = await bobView.conn.join(seat.matchId);
    if (!joined.ok) throw new Error(`bob could not join: ${joined.code}`);
    await waitForPlaying(page);
    expect(joined.setup.rules.projectileDamage).toBe(0);

    // Bob walks to a lane Alice sees end to end, then paces it at full speed.
    const me = await page.evaluate(() => (window as unknown as HitsWindow).arena.info.slot);
    await waitFor(() => bobView.snapshots.at(-1)?.players.some((p) => p.id === me), 'both players in the snapshots');
    const first = bobView.snapshots.at(-1)!;
    const aliceAt = first.players.find((p) => p.id === me)!;
    const bobAt = first.players.find((p) => p.id === joined.slot)!;
    // The camera glides after Alice from where it was when she spawned: wait for it to rest.
    await page.waitForFunction(
      () => {
        const w = window as unknown as { arena: { screenToWorld(x: number, y: number): { x: number; y: number } | null }; lastCamera?: { x: number; y: number } };
        const now = w.arena.screenToWorld(0, 0);
        const last = w.lastCamera;
        w.lastCamera = now ?? undefined;
        return now !== null && last !== undefined && Math.hypot(now.x - last.x, now.y - last.y) < 0.5;
      },
      null,
      { polling: 200, timeout: 10_000 },
    );
    const view = await page.evaluate(() => {
      const a = (window as unknown as { arena: { screenToWorld(x: number, y: number): { x: number; y: number } | null } }).arena;
      // The top bar and the chat box at the bottom left sit over the canvas.
      const from = a.screenToWorld(40, 70)!;
      const to = a.screenToWorld(window.innerWidth - 40, window.innerHeight - 130)!;
      return { x0: from.x, y0: from.y, x1: to.x, y1: to.y };
    });
    const lane = chooseLane(joined.setup, aliceAt, bobAt, view);
    walking = walkLane(bobView, joined.slot, lane);
    await waitFor(() => {
      const p = bobView.snapshots.at(-1)!.players.find((q) => q.id === joined.slot)!;
      return Math.abs(p.y - lane.y) < 40 && p.x >= lane.x0 && p.x <= lane.x1;
    }, 'bob on his lane', 15_000);

    // The page has drawn 0 ms snapshots since the match began: its interpolation is settled.
    await page.evaluate(startAiming, { me, lane });
    const block = (count: number, screenshot?: string) => shootBlock({ page, me, count, serverUrl: server.url, screenshot });
    const at0a = await block(SHOTS / 2);
    await netsim(ONE_WAY_150);
    await settle(page);
    // Mid-block, a screenshot after a hit: the marker over Bob (look at it).
    const at150 = await block(SHOTS, 'hit-rate-150ms');
    await netsim({ latencyMs: 0, jitterMs: 0 });
    await settle(page);
    const at0b = await block(SHOTS / 2);

    const at0: Tally = { shots: at0a.shots + at0b.shots, hits: at0a.hits + at0b.hits, blocked: at0a.blocked + at0b.blocked, rewinds: [...at0a.rewinds, ...at0b.rewinds] };
    const rate0 = at0.hits / at0.shots;
    const rate150 = at150.hits / at150.shots;
    const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)] ?? NaN;
    console.log(
      `hit rate: 0 ms ${at0.hits}/${at0.shots} = ${rate0.toFixed(3)} (${at0a.hits}/${at0a.shots} before, ${at0b.hits}/${at0b.shots} after), ` +
        `150 ± 30 ms ${at150.hits}/${at150.shots} = ${rate150.toFixed(3)}, ratio ${(rate150 / rate0).toFixed(3)}; ` +
        `median rewind of hits ${median(at0.rewinds)} and ${median(at150.rewinds)} ticks; blocked ${at0.blocked} and ${at150.blocked}`,
    );

    // A click becomes a shot unless a busy page sent it so soon after a late one that the gun was
    // still cooling down (up to 4 in 60 on a machine loaded 6x over its cores).
    expect(at0.shots).toBeGreaterThanOrEqual(SHOTS * 0.9);
    expect(at150.shots).toBeGreaterThanOrEqual(SHOTS * 0.9);
    // The aim is good enough that the comparison means something.
    expect(rate0).toBeGreaterThan(0.7);
    expect(Math.abs(rate150 - rate0)).toBeLessThanOrEqual(0.15 * rate0);
    expect(alice.errors).toEqual([]);
  });
});

/** The world rectangle Alice's page draws, less the HUD's strips along its edges. */
interface View {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/**
 * A horizontal stretch of a wall-free band, in Alice's sight and on her screen, that Bob reaches
 * quickest; as long as one can be found (up to LANE_HALF each side of its middle).
 */
function chooseLane(setup: ArenaSetup, alice: { x: number; y: number }, bob: { x: number; y: number }, view: View): { y: number; x0: number; x1: number } {
  const { map, rules } = setup;
  // Between the cover bars and the pillars (map.ts): y 236-384 and 616-764 are open end to end.
  const bands = [310, 690];
  // Room for the projectile and for Bob's overshoot at the lane's ends (he sees himself late).
  const pad = rules.projectileRadius + 8;
  const overshoot = 40;
  for (let half = LANE_HALF; half >= 60; half -= 20) {
    let best: { y: number; x0: number; x1: number; cost: number } | null = null;
    for (const y of bands) {
      for (let cx = half + 20; cx <= map.width - half - 20; cx += 10) {
        const x0 = cx - half;
        const x1 = cx + half;
        let ok = Math.abs(y - alice.y) >= 120;
        const edge = rules.playerRadius;
        for (let x = Math.max(edge, x0 - overshoot); ok && x <= Math.min(map.width - edge, x1 + overshoot); x += 8) {
          // On screen, clear of the HUD, and a clear line of fire.
          if (x < view.x0 || x > view.x1 || y < view.y0 || y > view.y1) ok = false;
          else if (firstWallHit(alice, { x, y }, map.walls, pad) !== null) ok = false;
        }
        if (!ok) continue;
        const cost = Math.abs(bob.y - y) + Math.max(0, x0 - bob.x, bob.x - x1) + 0.01 * Math.abs(cx - alice.x);
        if (!best || cost < best.cost) best = { y, x0, x1, cost };
      }
    }
    if (best) return best;
  }
  throw new Error(`no open lane in sight of Alice at ${alice.x},${alice.y} within ${JSON.stringify(view)}`);
}

/**
 * Bob's legs, one input per tick: up or down to the lane (every spawn has an open column to both
 * bands), then to and fro between its ends.
 */
function walkLane(view: MatchView, slot: number, lane: { y: number; x0: number; x1: number }): ReturnType<typeof setInterval> {
  // He sees himself a few ticks late, so he stops near the lane's line rather than on it (the
  // band is 148 px high) and never turns back to it.
  let onLane = false;
  let heading = Button.Right;
  return setInterval(() => {
    const p = view.snapshots.at(-1)?.players.find((q) => q.id === slot);
    if (!p) return;
    onLane ||= Math.abs(p.y - lane.y) < 16;
    if (onLane) {
      if (p.x >= lane.x1) heading = Button.Left;
      else if (p.x <= lane.x0) heading = Button.Right;
    }
    const buttons = onLane ? heading : p.y < lane.y ? Button.Down : Button.Up;
    view.conn.sendInput({ buttons, aim: 0, clientTick: 0 });
  }, 1000 / 30);
}

/**
 * After a change of latency: the page's interpolation judges jitter over its last 60 snapshots,
 * so 60 more (2 s) give it the new network's measure.
 */
async function settle(page: Page): Promise<void> {
  const from = await page.evaluate(() => (window as unknown as { arena: { snapshotsReceived: number } }).arena.snapshotsReceived);
  await page.waitForFunction((n) => (window as unknown as { arena: { snapshotsReceived: number } }).arena.snapshotsReceived >= n, from + 60, { timeout: 20_000 });
}

/**
 * `count` clicks at Bob, then what the server confirmed of them once every projectile has landed
 * or expired.
 */
async function shootBlock({ page, me, count, serverUrl, screenshot }: { page: Page; me: number; count: number; serverUrl: string; screenshot?: string | undefined }): Promise<Tally> {
  const before = await page.evaluate(() => (window as unknown as HitsWindow).arena.hits);
  const started = Date.now();
  const clicking = page.evaluate(clickAtBob, { count, everyMs: CLICK_EVERY_MS });
  if (screenshot) {
    await page.waitForFunction((n) => (window as unknown as HitsWindow).arena.hits.hits > n, before.hits + 3, { timeout: 60_000 });
    await shot(page, screenshot);
  }
  const problem = await clicking;
  if (problem) {
    await shot(page, 'hit-rate-no-aim');
    throw new Error(`cannot aim at Bob: ${problem}`);
  }
  const clicked = Date.now();
  const lastClick = await page.evaluate(() => (window as unknown as HitsWindow).arena.latest!.tick);
  // The last click's shot is in a snapshot within its round trip (~10 ticks at 150 ms, with a busy
  // page's queueing); then every projectile of Alice's must have hit or expired.
  await page.waitForFunction(
    ({ me, tick }) => {
      const s = (window as unknown as HitsWindow).arena.latest!;
      return s.tick > tick + 20 && !s.projectiles.some((p) => p.ownerId === me);
    },
    { me, tick: lastClick },
    { timeout: 15_000 },
  );
  const after = await page.evaluate(() => (window as unknown as HitsWindow).arena.hits);
  const dropped = (await (await fetch(`${serverUrl}/metrics`)).text()).split('\n').filter((l) => l.startsWith('game_inputs_dropped')).join(' ');
  const hits = after.hits - before.hits;
  console.log(`${count} clicks in ${clicked - started} ms, landed after ${Date.now() - clicked} ms more: ${after.shots - before.shots} shots, ${hits} hits; ${dropped}`);
  return { shots: after.shots - before.shots, hits, blocked: after.blocked - before.blocked, rewinds: after.recentRewinds.slice(-Math.min(hits, after.recentRewinds.length)) };
}

/**
 * Runs in the page: Alice's hand on the mouse. Every few milliseconds the pointer moves to where
 * Bob is drawn, led by the speed he is drawn walking at, so that the projectile's k-th tick of
 * flight, which the server judges against Bob k ticks after the tick Alice was drawing, meets him.
 * The mouse events are the page's own (dispatched on the canvas, which is what Phaser listens
 * to): driven from outside, each would be a protocol round trip old by the time it arrived, and
 * on a loaded machine that is 100-500 ms of Bob's walk.
 */
function startAiming({ me, lane }: { me: number; lane: { x0: number; x1: number } }): void {
  type P = { id: number; x: number; y: number };
  const w = window as unknown as {
    arena: {
      rendered(ms: number): { players: P[] };
      worldToScreen(x: number, y: number): { x: number; y: number } | null;
      info: { setup: { rules: { projectileSpeed: number; tickRate: number; playerRadius: number; projectileRadius: number; playerSpeed: number } } };
    };
    aim?: { problem: string | null; ready: boolean; screen: { x: number; y: number } | null; seen: { t: number; x: number; y: number }[] };
  };
  const state = { problem: null as string | null, ready: false, screen: null as { x: number; y: number } | null, seen: [] as { t: number; x: number; y: number }[] };
  w.aim = state;
  const canvas = document.querySelector('canvas')!;
  setInterval(() => {
    const arena = w.arena;
    const players = arena.rendered(0).players;
    const bob = players.find((p) => p.id !== me);
    const mine = players.find((p) => p.id === me);
    if (!bob || !mine) return void (state.problem = 'Bob or Alice is not drawn');
    const t = performance.now();
    state.seen.push({ t, x: bob.x, y: bob.y });
    while (state.seen.length > 2 && t - state.seen[1]!.t >= 60) state.seen.shift();
    const old = state.seen[0]!;
    const { projectileSpeed, tickRate, playerRadius, projectileRadius, playerSpeed } = arena.info.setup.rules;
    const tickMs = 1000 / tickRate;
    let [vx, vy] = t > old.t ? [((bob.x - old.x) / (t - old.t)) * tickMs, ((bob.y - old.y) / (t - old.t)) * tickMs] : [0, 0];
    // A drawn jump (the buffer ran dry, then caught up) is not a speed: nobody runs faster than playerSpeed.
    const speed = Math.hypot(vx, vy);
    const most = playerSpeed / tickRate;
    if (speed > most) [vx, vy] = [(vx * most) / speed, (vy * most) / speed];
    const perTick = projectileSpeed / tickRate;
    const muzzle = playerRadius + projectileRadius + 2;
    let k = 0;
    for (let i = 0; i < 20; i++) k = Math.max(0, (Math.hypot(bob.x + vx * k - mine.x, bob.y + vy * k - mine.y) - muzzle) / perTick);
    const screen = arena.worldToScreen(bob.x + vx * k, bob.y + vy * k);
    if (!screen) return void (state.problem = 'the page draws no match');
    state.problem = null;
    state.screen = screen;
    // Fire when Bob walks at full speed and stays on his heading for the whole flight: a player
    // cannot see a turn coming, and a shot across one misses at any latency alike.
    const ahead = vx > 0 ? lane.x1 - bob.x : bob.x - lane.x0;
    state.ready = Math.abs(vx) > most * 0.9 && ahead > k * most + 20;
    canvas.dispatchEvent(new MouseEvent('mousemove', { clientX: screen.x, clientY: screen.y, bubbles: true }));
  }, 10);
}

/**
 * Runs in the page: `count` clicks at least CLICK_EVERY_MS apart, each when Bob can be hit (see
 * startAiming); a problem aiming, or null.
 */
async function clickAtBob({ count, everyMs }: { count: number; everyMs: number }): Promise<string | null> {
  const w = window as unknown as { aim: { problem: string | null; ready: boolean; screen: { x: number; y: number } | null } };
  const canvas = document.querySelector('canvas')!;
  let next = performance.now();
  for (let i = 0; i < count; i++) {
    await new Promise((r) => setTimeout(r, Math.max(0, next - performance.now())));
    const waitFrom = performance.now();
    while (!w.aim.ready && !w.aim.problem && performance.now() - waitFrom < 5000) await new Promise((r) => setTimeout(r, 5));
    if (w.aim.problem) return w.aim.problem;
    if (!w.aim.ready) return 'Bob is not walking his lane';
    next = performance.now() + everyMs;
    // The button events carry the pointer's place too (Phaser moves the pointer to it).
    const { x: clientX, y: clientY } = w.aim.screen!;
    const under = document.elementFromPoint(clientX, clientY);
    if (under !== canvas) return `${under?.tagName}.${under?.className} covers the aim at ${clientX},${clientY}`;
    canvas.dispatchEvent(new MouseEvent('mousedown', { clientX, clientY, button: 0, buttons: 1, bubbles: true }));
    canvas.dispatchEvent(new MouseEvent('mouseup', { clientX, clientY, button: 0, buttons: 0, bubbles: true }));
  }
  return null;
}
