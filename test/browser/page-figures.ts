/**
 * The game page's figures for BENCHMARKS.md: bundle sizes (the lobby's entry chunk against the
 * Phaser chunk), the time until the lobby is interactive (cold and warm cache), and JavaScript
 * milliseconds per frame in a 16-player Arena match (the page quick-plays, server bots fill the
 * other 15 seats). Run after `npm run build:game`:
 *
 *   node --import tsx test/browser/page-figures.ts [--seconds 15] [--json out.json]
 *
 * Frame time is Phaser's step (update and render submission: PRE_STEP to POST_RENDER) per frame,
 * p50/p99; "script per frame" is Chromium's own ScriptDuration over the window (every script:
 * socket handling, decoding, React, Phaser) divided by the frames drawn.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { launchChromium } from '../support/chromium.ts';
import { lobbyReady, waitForPlaying, type ArenaWindow } from '../support/page.ts';
import { startServer } from '../support/server-process.ts';

const args = process.argv.slice(2);
const arg = (name: string, fallback: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1]! : fallback;
};
const SECONDS = Number(arg('seconds', '15'));
const JSON_OUT = arg('json', '');

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * p))]!;
}
const round = (v: number, d = 2) => Math.round(v * 10 ** d) / 10 ** d;

function bundleSizes(): { file: string; role: string; bytes: number; gzip: number }[] {
  const dir = 'dist/game/assets';
  return readdirSync(dir)
    .filter((f) => f.endsWith('.js') || f.endsWith('.css'))
    .map((f) => {
      const body = readFileSync(join(dir, f));
      const role = f.endsWith('.css') ? 'styles' : f.startsWith('game-view') ? 'game chunk (Phaser + scenes)' : 'lobby chunk (entry)';
      return { file: f, role, bytes: statSync(join(dir, f)).size, gzip: gzipSync(body).length };
    });
}

async function lobbyTimes(url: string): Promise<{ cold: number[]; warm: number[]; rendered: number[]; phaserBefore: boolean[] }> {
  const cold: number[] = [];
  const warm: number[] = [];
  const rendered: number[] = [];
  const phaserBefore: boolean[] = [];
  const measure = async (page: import('playwright-core').Page) => {
    await page.goto(url);
    await lobbyReady(page);
    const t = await page.evaluate(() => (window as unknown as ArenaWindow).arena.timings);
    rendered.push(t.lobbyRenderedMs!);
    phaserBefore.push(t.phaserLoadedBeforeLobby!);
    return t.lobbyInteractiveMs!;
  };
  for (let i = 0; i < 3; i++) {
    const browser = await launchChromium(); // a fresh profile: nothing cached
    try {
      cold.push(await measure(await browser.newPage()));
    } finally {
      await browser.close();
    }
  }
  const browser = await launchChromium();
  try {
    await measure(await browser.newPage()); // fills the cache
    for (let i = 0; i < 5; i++) {
      const page = await browser.newPage();
      warm.push(await measure(page));
      await page.close();
    }
  } finally {
    await browser.close();
  }
  return { cold, warm, rendered, phaserBefore };
}

async function frameTimes(url: string): Promise<Record<string, number>> {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.goto(url);
    await lobbyReady(page);
    await page.getByRole('button', { name: 'Quick play' }).click();
    await waitForPlaying(page, 60_000);
    await page.waitForFunction(() => (window as unknown as ArenaWindow).arena.roster.length >= 16, null, { timeout: 30_000 });
    await page.mouse.move(700, 400);
    await page.waitForTimeout(2000); // textures made, camera settled
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    const metric = async () => {
      const { metrics } = (await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] };
      return (name: string) => metrics.find((m) => m.name === name)?.value ?? 0;
    };
    const framesBefore = await page.evaluate(() => (window as unknown as ArenaWindow).arena.frameTimes().length);
    const m0 = await metric();
    const t0 = Date.now();
    // The player holds fire and strafes: projectiles, hits and particles are part of the frame.
    await page.mouse.down();
    for (let i = 0; i < SECONDS; i++) {
      await page.keyboard.down(i % 2 === 0 ? 'D' : 'A');
      await page.waitForTimeout(1000);
      await page.keyboard.up(i % 2 === 0 ? 'D' : 'A');
    }
    await page.mouse.up();
    const m1 = await metric();
    const wallS = (Date.now() - t0) / 1000;
    const times: number[] = await page.evaluate(() => (window as unknown as ArenaWindow).arena.frameTimes());
    const players = await page.evaluate(() => (window as unknown as ArenaWindow).arena.roster.length);
    // The ring keeps 1200 frames; the window's are the newest.
    const drawn = Math.min(times.length, Math.max(1, times.length - framesBefore));
    const inWindow = times.slice(-drawn).sort((a, b) => a - b);
    const scriptMs = (m1('ScriptDuration') - m0('ScriptDuration')) * 1000;
    const taskMs = (m1('TaskDuration') - m0('TaskDuration')) * 1000;
    return {
      players,
      seconds: round(wallS, 1),
      frames: inWindow.length,
      fps: round(inWindow.length / wallS, 1),
      frameStepP50Ms: round(percentile(inWindow, 0.5)),
      frameStepP99Ms: round(percentile(inWindow, 0.99)),
      frameStepMaxMs: round(inWindow.at(-1) ?? Number.NaN),
      scriptPerFrameMs: round(scriptMs / inWindow.length),
      mainThreadBusyPct: round((taskMs / (wallS * 1000)) * 100, 1),
    };
  } finally {
    await browser.close();
  }
}

const sizes = bundleSizes();
const lobbyServer = await startServer();
let lobby: Awaited<ReturnType<typeof lobbyTimes>>;
try {
  lobby = await lobbyTimes(lobbyServer.url);
} finally {
  await lobbyServer.stop();
}
const matchServer = await startServer({ TICK_RATE: '30', QUEUE_MIN_PLAYERS: '16', QUEUE_MAX_PLAYERS: '16', QUEUE_WAIT_MS: '500', BOT_FILL: 'on', COUNTDOWN_MS: '500' });
let frames: Record<string, number>;
try {
  frames = await frameTimes(matchServer.url);
} finally {
  await matchServer.stop();
}
const sorted = (v: number[]) => [...v].sort((a, b) => a - b);
const report = {
  machine: { loadAverage1m: round(loadavg()[0]!), cores: (await import('node:os')).cpus().length },
  bundles: sizes,
  lobbyInteractiveMs: {
    coldP50: round(percentile(sorted(lobby.cold), 0.5), 0),
    coldMax: round(Math.max(...lobby.cold), 0),
    warmP50: round(percentile(sorted(lobby.warm), 0.5), 0),
    warmMax: round(Math.max(...lobby.warm), 0),
    firstRenderP50: round(percentile(sorted(lobby.rendered), 0.5), 0),
    phaserLoadedBeforeLobby: lobby.phaserBefore.some(Boolean),
  },
  match16: frames,
};
console.log(JSON.stringify(report, null, 2));
if (JSON_OUT) writeFileSync(JSON_OUT, JSON.stringify(report, null, 2));
