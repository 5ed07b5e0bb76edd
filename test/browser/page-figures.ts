/**
 * The game page's figures for BENCHMARKS.md: bundle sizes (the lobby's entry chunk against the
 * Phaser chunk), bytes over the wire per content coding (what the lobby needs, what a match
 * needs), the time until the lobby is interactive (cold and warm cache), and JavaScript
 * milliseconds per frame in a 16-player Arena match (the page quick-plays, server bots fill the
 * other 15 seats). Run after `npm run build:game`:
 *
 *   node --import tsx test/browser/page-figures.ts [--seconds 15] [--cold-runs 3] [--warm-runs 5] [--phases] [--lobby-only] [--static dist/game] [--json out.json]
 *
 * Bytes over the wire, two ways: the server asked for each of the page's files with
 * `Accept-Encoding: br`, `gzip` and none (status line, headers and body as they crossed the
 * socket), and what Chromium itself fetched on each cold load (CDP's encodedDataLength: headers
 * and body, in the coding Chromium negotiated). "Lobby" is the HTML, the entry and lobby chunks,
 * the styles and the icon; "match" adds the game chunk (Phaser and the scenes) and every chunk loaded on demand (the games' modules).
 *
 * `--phases`: where a cold load's time goes, as medians over the cold runs (ms after navigation
 * start): the HTML, the lobby chunk's bytes, the token and config answers, the lobby chunk run
 * (its first request, GET /api/games), the lobby first in the DOM, the WebSocket created, open, its
 * first frame sent (socket.io's CONNECT) and the session frame, interactive. Measured by an init script that wraps `WebSocket` and watches
 * `#ui`, so only with the flag: the headline figures come from pages with nothing added.
 *
 * Frame time is Phaser's step (update and render submission: PRE_STEP to POST_RENDER) per frame,
 * p50/p99; "script per frame" is Chromium's own ScriptDuration over the window (every script:
 * socket handling, decoding, React, Phaser) divided by the frames drawn.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:net';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { launchChromium } from '../support/chromium.ts';
import { lobbyReady, waitForPlaying, type ArenaWindow } from '../support/page.ts';
import { startServer } from '../support/server-process.ts';

const args = process.argv.slice(2);
const arg = (name: string, fallback: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1]! : fallback;
};
const SECONDS = Number(arg('seconds', '15'));
const COLD_RUNS = Number(arg('cold-runs', '3'));
/** Warm loads after one that fills the cache; 0 skips them (an A/B of cold loads only). */
const WARM_RUNS = Number(arg('warm-runs', '5'));
const LOBBY_ONLY = args.includes('--lobby-only');
/** Another build to serve (an A/B of two builds): the server's STATIC_DIR. */
const STATIC_DIR = arg('static', 'dist/game');
const JSON_OUT = arg('json', '');
const PHASES = args.includes('--phases');
/**
 * Chromium's own byte counts need DevTools' network log on during the cold loads; with it on,
 * Chromium records a JavaScript stack for every request the page starts, and the first request
 * from the lobby's chunk makes V8 re-parse the whole chunk for its source positions (tens of ms on
 * the main thread, seen in a trace as V8.CollectSourcePositions). `--no-network-log` times the cold
 * loads as a visitor without DevTools has them (Chromium's byte counts are then left out).
 */
const NETWORK_LOG = !args.includes('--no-network-log');

/** Page-side probes for `--phases` (runs before the page's own scripts). */
const PHASE_PROBE = `(() => {
  const p = (window.__phases = {});
  const now = () => performance.now();
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...a) {
      super(...a);
      p.wsCreated ??= now();
      this.addEventListener('open', () => (p.wsOpen ??= now()));
      const send = this.send.bind(this);
      this.send = (d) => {
        p.wsFirstSend ??= now();
        return send(d);
      };
      this.addEventListener('message', (e) => {
        p.wsFirstMessage ??= now();
        if (typeof e.data === 'string' && e.data.includes('"session"')) p.wsSession ??= now();
      });
    }
  };
  new MutationObserver((_, o) => {
    const ui = document.getElementById('ui');
    if (ui && ui.firstChild) {
      p.lobbyInDom = now();
      o.disconnect();
    }
  }).observe(document, { childList: true, subtree: true });
})();`;

/** One cold load's phases (ms after navigation start), read once the lobby is interactive. */
const PHASE_READ = `(() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const res = performance.getEntriesByType('resource');
  const find = (re) => res.find((r) => re.test(new URL(r.name).pathname));
  const p = window.__phases;
  const t = window.arena.timings;
  const all = {
    html: nav.responseEnd,
    entryChunk: find(/\\/assets\\/index-[^/]*\\.js$/)?.responseEnd,
    lobbyChunk: find(/\\/assets\\/main-[^/]*\\.js$/)?.responseEnd,
    // a chunk the lobby's imports statically (one more request before it can run)
    lobbyImports: res.filter((r) => /\\/assets\\/(?!index-|main-|game-view-)[^/]*\\.js$/.test(new URL(r.name).pathname) && r.startTime < (p.lobbyInDom ?? Infinity)).reduce((m, r) => Math.max(m, r.responseEnd), 0) || undefined,
    config: find(/^\\/api\\/config$/)?.responseEnd,
    token: find(/^\\/api\\/guest$/)?.responseEnd,
    lobbyChunkRan: find(/^\\/api\\/games$/)?.startTime,
    lobbyInDom: p.lobbyInDom,
    firstFrame: t.lobbyRenderedMs,
    wsCreated: p.wsCreated,
    wsOpen: p.wsOpen,
    wsFirstSend: p.wsFirstSend,
    wsSession: p.wsSession,
    interactive: t.lobbyInteractiveMs,
  };
  return Object.fromEntries(Object.entries(all).filter(([, v]) => typeof v === 'number'));
})()`;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * p))]!;
}
const round = (v: number, d = 2) => Math.round(v * 10 ** d) / 10 ** d;

/** What index.html names (the entry, the lobby's chunks it preloads, styles, icon, the game chunk's meta). */
const htmlRefs = (): string[] => [...readFileSync(join(STATIC_DIR, 'index.html'), 'utf8').matchAll(/(?:src|href|content)="\.\/([^"]+)"/g)].map((m) => `/${m[1]}`);
const LOBBY_REFS = new Set(htmlRefs());
/**
 * A file the page needs: the lobby's (HTML, entry chunk, the chunks index.html preloads, styles,
 * icon), the game chunk, or a chunk loaded on demand (each game's module with its codecs, asked
 * for once the lobby is up; the killcam's and the replay viewer's readers): a match counts all of
 * those, an upper bound (a match of one game needs only its module).
 */
const isGameChunk = (path: string) => /\/assets\/game-view-[^/]*\.js$/.test(path);
const pageFile = (path: string): 'lobby' | 'game' | 'demand' | null =>
  isGameChunk(path)
    ? 'game'
    : path === '/' || path.endsWith('.html') || LOBBY_REFS.has(path) || path.endsWith('/favicon.svg')
      ? 'lobby'
      : /\/assets\/[^/]*\.js$/.test(path)
        ? 'demand'
        : null;

function bundleSizes(): { file: string; role: string; bytes: number; gzip: number; br: number; gzipFile: number | null; brFile: number | null }[] {
  const dir = join(STATIC_DIR, 'assets');
  const size = (f: string) => {
    try {
      return statSync(f).size;
    } catch {
      return null;
    }
  };
  return readdirSync(dir)
    .filter((f) => f.endsWith('.js') || f.endsWith('.css'))
    .map((f) => {
      const body = readFileSync(join(dir, f));
      const role = f.endsWith('.css')
        ? 'styles'
        : f.startsWith('game-view')
          ? 'game chunk (Phaser + scenes)'
          : f.startsWith('main')
            ? 'lobby chunk'
            : f.startsWith('react-dom')
              ? 'lobby chunk (React DOM)'
              : f.startsWith('index')
                ? 'entry chunk'
                : 'other chunk (loaded on demand)';
      return {
        file: f,
        role,
        bytes: statSync(join(dir, f)).size,
        // zlib's defaults, the figure earlier runs reported
        gzip: gzipSync(body).length,
        br: brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
        // the build's own copies, which the server sends
        gzipFile: size(join(dir, `${f}.gz`)),
        brFile: size(join(dir, `${f}.br`)),
      };
    });
}

/** Every byte one GET of `path` took on the socket from the server (status line, headers, body). */
function rawGet(url: string, path: string, acceptEncoding: string | null): Promise<{ bytes: number; encoding: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let bytes = 0;
    let head = '';
    socket.on('data', (d: Buffer) => {
      bytes += d.length;
      if (head.length < 4096) head += d.toString('latin1');
    });
    socket.on('end', () => resolve({ bytes, encoding: /\r\ncontent-encoding: *([^\r]+)/i.exec(head)?.[1] ?? 'identity' }));
    socket.on('error', reject);
    const ae = acceptEncoding === null ? '' : `Accept-Encoding: ${acceptEncoding}\r\n`;
    socket.write(`GET ${path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\n${ae}Connection: close\r\n\r\n`);
  });
}

/** The page's files as the server sends them to a client accepting each coding. */
async function wireBytes(url: string): Promise<Record<string, { lobby: number; match: number; files: Record<string, { bytes: number; encoding: string }> }>> {
  const onDemand = readdirSync(join(STATIC_DIR, 'assets')).flatMap((f) => (f.endsWith('.js') ? [`/assets/${f}`] : []));
  const paths = ['/', ...new Set([...htmlRefs(), ...onDemand])].filter((p) => pageFile(p) !== null);
  const out: Record<string, { lobby: number; match: number; files: Record<string, { bytes: number; encoding: string }> }> = {};
  for (const [name, ae] of [['br (gzip, deflate, br)', 'gzip, deflate, br'], ['gzip', 'gzip'], ['none', null]] as const) {
    const files: Record<string, { bytes: number; encoding: string }> = {};
    let lobby = 0;
    let game = 0;
    for (const p of paths) {
      const r = await rawGet(url, p, ae);
      files[p] = r;
      if (pageFile(p) === 'lobby') lobby += r.bytes;
      else game += r.bytes;
    }
    out[name] = { lobby, match: lobby + game, files };
  }
  return out;
}

interface Fetched {
  path: string;
  encoding: string;
  bytes: number;
}

/** What Chromium fetched for the page's files on a cold load, until the game chunk has loaded. */
async function recordFetches(page: import('playwright-core').Page): Promise<() => Promise<Fetched[]>> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  const seen = new Map<string, { path: string; encoding: string }>();
  const done: Fetched[] = [];
  cdp.on('Network.responseReceived', (e: { requestId: string; response: { url: string; headers: Record<string, string>; fromDiskCache?: boolean; fromPrefetchCache?: boolean } }) => {
    const path = new URL(e.response.url).pathname;
    // The game chunk's import() after the progress bar's fetch is a cache hit: no bytes moved.
    if (pageFile(path) === null || e.response.fromDiskCache || e.response.fromPrefetchCache) return;
    const h = Object.fromEntries(Object.entries(e.response.headers).map(([k, v]) => [k.toLowerCase(), v]));
    seen.set(e.requestId, { path, encoding: h['content-encoding'] ?? 'identity' });
  });
  cdp.on('Network.loadingFinished', (e: { requestId: string; encodedDataLength: number }) => {
    const r = seen.get(e.requestId);
    if (r) done.push({ ...r, bytes: e.encodedDataLength });
  });
  return async () => {
    // The game chunk is fetched after the lobby is up (idle time): wait for it.
    await page.waitForFunction(() => (window as unknown as ArenaWindow).arena.timings.phaserLoadedMs !== null, null, { timeout: 30_000 });
    return done;
  };
}

async function lobbyTimes(url: string): Promise<{ cold: number[]; warm: number[]; rendered: number[]; phaserBefore: boolean[]; fetched: Fetched[][]; phases: Record<string, number>[] }> {
  const phases: Record<string, number>[] = [];
  const cold: number[] = [];
  const warm: number[] = [];
  const rendered: number[] = [];
  const phaserBefore: boolean[] = [];
  const fetched: Fetched[][] = [];
  const measure = async (page: import('playwright-core').Page) => {
    await page.goto(url);
    await lobbyReady(page);
    const t = await page.evaluate(() => (window as unknown as ArenaWindow).arena.timings);
    rendered.push(t.lobbyRenderedMs!);
    phaserBefore.push(t.phaserLoadedBeforeLobby!);
    return t.lobbyInteractiveMs!;
  };
  for (let i = 0; i < COLD_RUNS; i++) {
    const browser = await launchChromium(); // a fresh profile: nothing cached
    try {
      const page = await browser.newPage();
      if (PHASES) await page.addInitScript(PHASE_PROBE);
      const fetches = NETWORK_LOG ? await recordFetches(page) : null;
      cold.push(await measure(page));
      if (PHASES) phases.push((await page.evaluate(PHASE_READ)) as Record<string, number>);
      if (fetches) fetched.push(await fetches());
    } finally {
      await browser.close();
    }
  }
  if (WARM_RUNS === 0) return { cold, warm, rendered, phaserBefore, fetched, phases };
  const browser = await launchChromium();
  try {
    await measure(await browser.newPage()); // fills the cache
    for (let i = 0; i < WARM_RUNS; i++) {
      const page = await browser.newPage();
      warm.push(await measure(page));
      await page.close();
    }
  } finally {
    await browser.close();
  }
  return { cold, warm, rendered, phaserBefore, fetched, phases };
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
const lobbyServer = await startServer({ STATIC_DIR });
let lobby: Awaited<ReturnType<typeof lobbyTimes>>;
let wire: Awaited<ReturnType<typeof wireBytes>>;
try {
  wire = await wireBytes(lobbyServer.url);
  lobby = await lobbyTimes(lobbyServer.url);
} finally {
  await lobbyServer.stop();
}
let frames: Record<string, number> | null = null;
if (!LOBBY_ONLY) {
  const matchServer = await startServer({ STATIC_DIR, TICK_RATE: '30', QUEUE_MIN_PLAYERS: '16', QUEUE_MAX_PLAYERS: '16', QUEUE_WAIT_MS: '500', BOT_FILL: 'on', COUNTDOWN_MS: '500' });
  try {
    frames = await frameTimes(matchServer.url);
  } finally {
    await matchServer.stop();
  }
}
/** Chromium's cold loads: bytes per part of the page, the codings it got, how often each file came. */
const browserWire = lobby.fetched.map((run) => {
  const sum = (part: 'lobby' | 'game' | 'demand') => run.filter((f) => pageFile(f.path) === part).reduce((s, f) => s + f.bytes, 0);
  return {
    lobby: sum('lobby'),
    match: sum('lobby') + sum('game') + sum('demand'),
    encodings: [...new Set(run.map((f) => `${f.path.replace(/-[\w-]{8}\./, '-*.')}: ${f.encoding}`))],
    gameChunkFetches: run.filter((f) => pageFile(f.path) === 'game').length,
  };
});
const sorted = (v: number[]) => [...v].sort((a, b) => a - b);
/** Each phase's median over the runs that saw it, in the order of the first run. */
function medianPhases(runs: Record<string, number>[]): Record<string, number> {
  const names = [...new Set(runs.flatMap((r) => Object.keys(r)))];
  return Object.fromEntries(names.map((n) => [n, round(percentile(sorted(runs.flatMap((r) => (n in r ? [r[n]!] : []))), 0.5), 0)]));
}
const report = {
  machine: { loadAverage1m: round(loadavg()[0]!), cores: (await import('node:os')).cpus().length },
  bundles: sizes,
  wireBytes: Object.fromEntries(Object.entries(wire).map(([k, v]) => [k, { lobby: v.lobby, match: v.match }])),
  wireFiles: wire,
  chromiumColdLoads: browserWire,
  lobbyInteractiveMs: {
    coldP50: round(percentile(sorted(lobby.cold), 0.5), 0),
    coldMax: round(Math.max(...lobby.cold), 0),
    warmP50: round(percentile(sorted(lobby.warm), 0.5), 0),
    warmMax: round(Math.max(...lobby.warm), 0),
    firstRenderP50: round(percentile(sorted(lobby.rendered), 0.5), 0),
    phaserLoadedBeforeLobby: lobby.phaserBefore.some(Boolean),
  },
  ...(PHASES && { coldPhasesP50: medianPhases(lobby.phases), coldPhases: lobby.phases.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, round(v, 0)]))) }),
  match16: frames,
};
console.log(JSON.stringify(report, null, 2));
if (JSON_OUT) writeFileSync(JSON_OUT, JSON.stringify(report, null, 2));
