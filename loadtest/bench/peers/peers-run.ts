/**
 * One window of one implementation of the peer benchmark: its server pinned to one core, its
 * bots to the other, a warm-up, then the window. Server CPU is read from /proc/PID/stat at both
 * ends (all threads, user + system), the bots' counters by their `sample` lines, the machine's
 * busy time alongside to show what else ran. `arena` is the ladder's rung 6 (server/main.ts under
 * the project's load test, ladder/run-rung.ts), measured the same way.
 */
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { busyCorePercent, readCpuTimes } from '../../host-load.ts';
import { sleep, spawnPinned, type Child } from '../ladder/children.ts';
import { processCpuMs, processRssMB } from '../ladder/proc-cpu.ts';
import { injectJit, parseRungSpec, REAL_SERVER_ENV, runTogether, startPerf, type LadderOptions } from '../ladder/run-rung.ts';
import type { MeterSample } from './bot-meter.ts';
import { shortfallOf, type Impl, type PeerRun } from './peers-report.ts';

export interface PeersContext {
  bots: number;
  seconds: number;
  warmupS: number;
  seed: number;
  /** 0: a free loopback port for each run. */
  port: number;
  serverNodeFlags: string[];
  serverCore: number;
  botCore: number;
  /** Scratch directory (the arena run's load-test report). */
  outDir: string;
  /** Directory for `perf record` data of each server over its window (as the ladder's --perf), or null. */
  perfDir: string | null;
}

const TSX = ['--import', import.meta.resolve('tsx')];
const DIR = 'loadtest/bench/peers';

/** The real server's environment for a benchmark: no rate limits in the way, quiet logs. */

interface Own {
  server: { script: string; args: (port: number) => string[]; env: (port: number) => Record<string, string> };
  bots: string;
  /** How long the bots may take to be all in rooms and receiving state. */
  readyMs: number;
}

const OWN: Record<Exclude<Impl, 'arena'>, Own> = {
  ws: { server: { script: `${DIR}/ws-server.ts`, args: (p) => ['--port', String(p)], env: () => ({}) }, bots: `${DIR}/ws-bots.ts`, readyMs: 30_000 },
  colyseus: { server: { script: `${DIR}/colyseus-server.ts`, args: (p) => ['--port', String(p)], env: () => ({}) }, bots: `${DIR}/colyseus-bots.ts`, readyMs: 60_000 },
  parity: {
    // No server bots: every seat is a benchmark bot, and matches form at exactly 16.
    server: { script: `${DIR}/parity-server.ts`, args: () => [], env: (p) => ({ ...REAL_SERVER_ENV, PORT: String(p), BOT_FILL: 'off' }) },
    bots: `${DIR}/parity-bots.ts`,
    readyMs: 90_000,
  },
};

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export async function runImpl(impl: Impl, round: number, ctx: PeersContext): Promise<PeerRun> {
  try {
    return impl === 'arena' ? await runArena(round, ctx) : await runOwn(impl, round, ctx);
  } catch (error) {
    return { impl, round, ok: false, error: error instanceof Error ? error.message.split('\n').slice(0, 3).join(' | ') : String(error) };
  }
}

async function runOwn(impl: Exclude<Impl, 'arena'>, round: number, ctx: PeersContext): Promise<PeerRun> {
  const own = OWN[impl];
  const port = ctx.port || (await freePort());
  const url = `http://127.0.0.1:${port}`;
  // With --perf the server runs in its own directory: V8's --perf-prof writes its JIT dump to the cwd.
  const runName = `peers-${impl}-round${round}`;
  const cwd = ctx.perfDir ? resolve(ctx.perfDir, runName) : undefined;
  if (cwd) mkdirSync(cwd, { recursive: true });
  const perfFlags = ctx.perfDir ? ['--perf-prof', '--interpreted-frames-native-stack'] : [];
  const server = spawnPinned(
    `${impl} server`,
    ctx.serverCore,
    ['node', ...perfFlags, ...ctx.serverNodeFlags, ...TSX, resolve(own.server.script), ...own.server.args(port)],
    own.server.env(port),
    cwd,
  );
  let bots: Child | null = null;
  let perf: Child | null = null;
  try {
    await server.nextLine('ready', 30_000);
    bots = spawnPinned(`${impl} bots`, ctx.botCore, ['node', ...TSX, resolve(own.bots), '--url', url, '--bots', String(ctx.bots), '--seed', String(ctx.seed)]);
    await bots.nextLine('ready', own.readyMs);
    await sleep(ctx.warmupS * 1000);
    const b0 = (await bots.sample('statesIn')) as unknown as MeterSample;
    const a = mark(server, bots);
    perf = startPerf({ perfDir: ctx.perfDir, botCore: ctx.botCore, seconds: ctx.seconds }, server, runName);
    await sleep(ctx.seconds * 1000);
    const b = mark(server, bots);
    const b1 = (await bots.sample('statesIn')) as unknown as MeterSample;
    if (b1.opened < ctx.bots) throw new Error(`${ctx.bots - b1.opened} bots lost their connection`);
    const windowS = (b.t - a.t) / 1000;
    const serverMs = b.server - a.server;
    const botsMs = b.bots - a.bots;
    const machine = busyCorePercent(a.machine, b.machine, 2);
    const per = (k: keyof MeterSample): number => ((b1[k] as number) - (b0[k] as number)) / (ctx.bots * windowS);
    const pct = (ms: number): number => (ms / 1000 / windowS) * 100;
    const states = round1(per('statesIn'), 2);
    const inputs = round1(per('inputs'), 2);
    return {
      impl,
      round,
      ok: Number.isFinite(serverMs),
      windowS: round1(windowS, 2),
      cpuMsPer1000BotS: Math.round((serverMs / (ctx.bots * windowS)) * 1000),
      serverCpuPercent: round1(pct(serverMs)),
      downBytesPerBotPerSec: Math.round(per('bytesIn')),
      upBytesPerBotPerSec: Math.round(per('bytesOut')),
      statesPerBotPerSec: states,
      inputsPerBotPerSec: inputs,
      shortfall: shortfallOf(states, inputs),
      gapP50Ms: b1.gapP50Ms === null ? null : round1(b1.gapP50Ms),
      gapP99Ms: b1.gapP99Ms === null ? null : round1(b1.gapP99Ms),
      serverRssMB: nullable(processRssMB(server.pid)),
      botsCpuPercent: round1(pct(botsMs)),
      otherPercent: machine === null ? null : round1(machine - pct(serverMs) - pct(botsMs)),
    };
  } finally {
    await perf?.stop('SIGINT', 10_000);
    await bots?.stop();
    await server.stop('SIGTERM', 10_000);
    injectJit({ perfDir: ctx.perfDir }, runName);
  }
}

interface Mark {
  t: number;
  server: number;
  bots: number;
  machine: ReturnType<typeof readCpuTimes>;
}

function mark(server: Child, bots: Child): Mark {
  return { t: performance.now(), server: processCpuMs(server.pid) ?? NaN, bots: processCpuMs(bots.pid) ?? NaN, machine: readCpuTimes() };
}

async function runArena(round: number, ctx: PeersContext): Promise<PeerRun> {
  const opts: LadderOptions = {
    bots: ctx.bots,
    seconds: ctx.seconds,
    // The ladder's real-server rung warms up for max(10, warmup + 4) s: the same warm-up as the others.
    warmupS: Math.max(1, ctx.warmupS - 4),
    tickRate: 20,
    port: ctx.port || (await freePort()),
    serverCore: ctx.serverCore,
    botCore: ctx.botCore,
    cpuProfDir: null,
    perfDir: ctx.perfDir,
    serverNodeFlags: ctx.serverNodeFlags,
    quietOtherPercent: 10,
    loadtestArgs: [],
    serverEnv: {},
    outDir: ctx.outDir,
  };
  const [r] = await runTogether(round, [parseRungSpec('6')!], opts);
  if (!r || !r.ok) return { impl: 'arena', round, ok: false, error: r?.error ?? 'no result' };
  const l = r.loadtest;
  return {
    impl: 'arena',
    round,
    ok: true,
    windowS: r.windowS,
    cpuMsPer1000BotS: r.cpuMsPer1000BotS,
    serverCpuPercent: r.serverCpuPercent,
    downBytesPerBotPerSec: r.downBytesPerBotPerSec,
    upBytesPerBotPerSec: r.upBytesPerBotPerSec,
    statesPerBotPerSec: l?.snapshotRateHz.p50 ?? null,
    inputsPerBotPerSec: null,
    shortfall: shortfallOf(l?.snapshotRateHz.p50 ?? null, null),
    gapP50Ms: l?.snapshotGapMs.p50 ?? null,
    gapP99Ms: l?.snapshotGapMs.p99 ?? null,
    serverRssMB: r.serverRssMB,
    botsCpuPercent: r.botsCpuPercent,
    otherPercent: r.otherPercent,
  };
}

const round1 = (v: number, d = 1): number => Number(v.toFixed(d));
const nullable = (v: number | null): number | null => (v === null ? null : round1(v));
