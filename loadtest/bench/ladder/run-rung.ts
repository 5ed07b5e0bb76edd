/**
 * Runs rungs: each server pinned to one core, its bots to the other, a warm-up, then a
 * measured window. Server CPU is read from /proc/PID/stat at both ends of the window (all
 * threads, user + system); the machine's busy time over the same window shows what else ran.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { busyCorePercent, readCpuTimes } from '../../host-load.ts';
import type { Report } from '../../report.ts';
import { sleep, spawnPinned, type Child } from './children.ts';
import { processCpuMs, processRssMB } from './proc-cpu.ts';

export const RUNG_NAMES: Record<number, string> = {
  1: 'raw ws',
  2: 'engine.io',
  3: 'socket.io, default parser',
  4: 'socket.io, wire parser, rooms',
  5: '4 + Arena game work',
  6: 'real server + load test',
};

export interface LadderOptions {
  bots: number;
  seconds: number;
  warmupS: number;
  tickRate: number;
  port: number;
  serverCore: number;
  botCore: number;
  /** Directory for --cpu-prof profiles of the server, or null. */
  cpuProfDir: string | null;
  /** Directory for `perf record` data of the server over the window, or null. */
  perfDir: string | null;
  /** Extra node flags for the server process (e.g. --max-semi-space-size=16). */
  serverNodeFlags: string[];
  /** A second of the window counts as quiet when everything else used less than this (% of one core). */
  quietOtherPercent: number;
  /** Extra options for rung 6's load test (e.g. --ping-interval 5). */
  loadtestArgs: string[];
  /** Extra environment for the real server (rung 6 ablations). */
  serverEnv: Record<string, string>;
  /** Scratch directory for rung 6's load-test report. */
  outDir: string;
}

/**
 * A rung, optionally a variant: extra environment for its server, and for rung 6 extra load-test
 * options (A/B variants of the real server, ablations).
 */
export interface RungSpec {
  rung: number;
  env: Record<string, string>;
  loadtestArgs: string[];
  /** "6", or "6@KEY=VALUE+--loadtest-option=VALUE" for a variant. */
  label: string;
}

/** Parses "6" or "6@KEY=VALUE+KEY=VALUE+--option=VALUE". */
export function parseRungSpec(token: string): RungSpec | null {
  const [head, vars] = token.split('@', 2) as [string, string | undefined];
  const rung = Number(head);
  if (!Number.isInteger(rung) || rung < 1 || rung > 6) return null;
  const env: Record<string, string> = {};
  const loadtestArgs: string[] = [];
  for (const kv of (vars ?? '').split('+').filter(Boolean)) {
    const eq = kv.indexOf('=');
    if (kv.startsWith('--')) {
      loadtestArgs.push(...(eq > 0 ? [kv.slice(0, eq), kv.slice(eq + 1)] : [kv]));
      continue;
    }
    if (eq <= 0) return null;
    env[kv.slice(0, eq)] = kv.slice(eq + 1);
  }
  return { rung, env, loadtestArgs, label: token };
}

export interface RungResult {
  round: number;
  rung: number;
  /** The rung as given on the command line (with its variant). */
  label: string;
  name: string;
  ok: boolean;
  error?: string;
  windowS: number;
  serverCpuPercent: number;
  cpuMsPer1000BotS: number;
  downBytesPerBotPerSec: number | null;
  upBytesPerBotPerSec: number | null;
  framesPerTick: number | null;
  inputsPerBotPerSec: number | null;
  tickMsP50: number | null;
  tickMsP99: number | null;
  serverRssMB: number | null;
  botsCpuPercent: number | null;
  botsLoopDelayP99Ms: number | null;
  /** Whole machine, % of one core (2 cores fully busy = 200). */
  machineBusyPercent: number | null;
  /** Machine busy time not spent by the server or the bots, % of one core. */
  otherPercent: number | null;
  /**
   * The same CPU figure over only the seconds of the window in which everything else on the
   * machine used less than `quietOtherPercent` of a core (null when there were fewer than 5).
   */
  quiet: { seconds: number; cpuMsPer1000BotS: number | null };
  /** Profile file and the window inside it (seconds since the process started). */
  profile: { dir: string; name: string; fromS: number; toS: number } | null;
  /** Rung 6: the load test's own figures for the same run. */
  loadtest?: Pick<Report, 'connected' | 'snapshotRateHz' | 'snapshotGapMs' | 'inputToAckMs' | 'framesPerSnapshot' | 'errors' | 'disconnects'> & {
    serverCpuPercentFromMetrics: number | null;
  };
}

interface Mark {
  t: number;
  serverCpu: number | null;
  botsCpu: number | null;
}

/** One reading per second for every rung measured together, and the machine's, at the same instants. */
interface Marks {
  t: number[];
  machine: ReturnType<typeof readCpuTimes>[];
  perRung: Mark[][];
}

async function measure(pairs: { server: Child; bots: Child }[], seconds: number): Promise<Marks> {
  const marks: Marks = { t: [], machine: [], perRung: pairs.map(() => []) };
  const take = (): void => {
    const t = performance.now();
    marks.t.push(t);
    marks.machine.push(readCpuTimes());
    pairs.forEach((p, i) => marks.perRung[i]!.push({ t, serverCpu: processCpuMs(p.server.pid), botsCpu: processCpuMs(p.bots.pid) }));
  };
  take();
  const start = marks.t[0]!;
  for (let i = 1; i <= seconds; i++) {
    await sleep(Math.max(0, start + i * 1000 - performance.now()));
    take();
  }
  return marks;
}

/** CPU (ms) all measured servers and bots used between marks i-1 and i. */
function ownMs(marks: Marks, i: number): number {
  let ms = 0;
  for (const m of marks.perRung) ms += (m[i]!.serverCpu ?? NaN) - (m[i - 1]!.serverCpu ?? NaN) + ((m[i]!.botsCpu ?? NaN) - (m[i - 1]!.botsCpu ?? NaN));
  return ms;
}

/**
 * Server CPU per 1,000 bot-seconds over the seconds when the rest of the machine (not our
 * servers, not our bots) was quiet.
 */
function quietFigure(marks: Marks, rungIndex: number, bots: number, quietOtherPercent: number): RungResult['quiet'] {
  let ms = 0;
  let s = 0;
  const mine = marks.perRung[rungIndex]!;
  for (let i = 1; i < marks.t.length; i++) {
    const dt = (marks.t[i]! - marks.t[i - 1]!) / 1000;
    const server = (mine[i]!.serverCpu ?? NaN) - (mine[i - 1]!.serverCpu ?? NaN);
    const machine = busyCorePercent(marks.machine[i - 1]!, marks.machine[i]!, 2);
    const own = ownMs(marks, i);
    if (machine === null || !Number.isFinite(server) || !Number.isFinite(own)) continue;
    if (machine - own / 10 / dt >= quietOtherPercent) continue;
    ms += server;
    s += dt;
  }
  return { seconds: Number(s.toFixed(1)), cpuMsPer1000BotS: s >= 5 ? Math.round((ms / (bots * s)) * 1000) : null };
}

async function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

const round1 = (v: number | null | undefined, d = 1): number | null => (v === null || v === undefined ? null : Number(v.toFixed(d)));

/**
 * How to start a server: node flags, script path and working directory. With --perf the
 * server runs in its own directory under the perf dir, because V8's `--perf-prof` writes its
 * JIT dump (code addresses with timestamps, so `perf inject --jit` names moved and collected
 * code correctly; the plain /tmp/perf-PID.map names reused addresses wrongly) to the cwd.
 */
function serverCommand(
  opts: LadderOptions,
  profileName: string | null,
  runName: string,
  script: string,
  scriptArgs: string[],
  tree: string | null,
): { argv: string[]; cwd?: string } {
  const prof = opts.cpuProfDir && profileName ? ['--cpu-prof', `--cpu-prof-dir=${resolve(opts.cpuProfDir)}`, `--cpu-prof-name=${profileName}`] : [];
  const scriptPath = resolve(tree ?? '.', script);
  const perf = opts.perfDir ? ['--perf-prof', '--interpreted-frames-native-stack'] : [];
  let cwd = tree ? resolve(tree) : undefined;
  if (opts.perfDir) {
    cwd = resolve(opts.perfDir, runName);
    mkdirSync(cwd, { recursive: true });
  }
  return { argv: ['node', ...prof, ...perf, ...opts.serverNodeFlags, '--import', import.meta.resolve('tsx'), scriptPath, ...scriptArgs], cwd };
}

/**
 * V8's sampling thread lives in the server process and so on the server's core: while the main
 * thread is busy it rarely gets to run, and the profile is nearly all idle. Moving just that
 * thread to the bots' core lets it sample the busy moments.
 */
function unpinSampler(server: Child, core: number): void {
  for (const tid of readdirSync(`/proc/${server.pid}/task`)) {
    let comm = '';
    try {
      comm = readFileSync(`/proc/${server.pid}/task/${tid}/comm`, 'utf8').trim();
    } catch {
      continue;
    }
    if (comm === 'v8:ProfEvntProc') spawnSync('taskset', ['-p', '-c', String(core), tid], { stdio: 'ignore' });
  }
}

/** `perf record` of the server for the window, itself on the bots' core. */
export function startPerf(opts: Pick<LadderOptions, 'perfDir' | 'botCore' | 'seconds'>, server: Child, name: string): Child | null {
  if (!opts.perfDir) return null;
  return spawnPinned(`perf(${name})`, opts.botCore, [
    'perf',
    'record',
    '-k',
    'mono',
    '-e',
    'cpu-clock',
    '-F',
    '997',
    '-g',
    '-p',
    String(server.pid),
    '-o',
    join(resolve(opts.perfDir, name), 'perf.data'),
    '--',
    'sleep',
    String(opts.seconds),
  ]);
}

/** Once the server has exited: merges its JIT dump into the samples (perf.jit.data). */
export function injectJit(opts: Pick<LadderOptions, 'perfDir'>, name: string): void {
  if (!opts.perfDir) return;
  const dir = resolve(opts.perfDir, name);
  spawnSync('perf', ['inject', '--jit', '-i', 'perf.data', '-o', 'perf.jit.data'], { cwd: dir, stdio: 'ignore', timeout: 120_000 });
}

type Common = Omit<RungResult, 'downBytesPerBotPerSec' | 'upBytesPerBotPerSec' | 'framesPerTick' | 'inputsPerBotPerSec' | 'tickMsP50' | 'tickMsP99' | 'botsLoopDelayP99Ms'>;

function figures(round: number, spec: RungSpec, opts: LadderOptions, run: Running, marks: Marks, index: number): Common {
  const mine = marks.perRung[index]!;
  const a = mine[0]!;
  const b = mine[mine.length - 1]!;
  const windowS = (b.t - a.t) / 1000;
  const serverMs = (b.serverCpu ?? NaN) - (a.serverCpu ?? NaN);
  const botsMs = (b.botsCpu ?? NaN) - (a.botsCpu ?? NaN);
  const machine = busyCorePercent(marks.machine[0]!, marks.machine[marks.machine.length - 1]!, 2);
  let ownAll = 0;
  for (let i = 1; i < marks.t.length; i++) ownAll += ownMs(marks, i);
  const serverPct = (serverMs / 1000 / windowS) * 100;
  const botsPct = (botsMs / 1000 / windowS) * 100;
  return {
    round,
    rung: spec.rung,
    label: spec.label,
    name: RUNG_NAMES[spec.rung]!,
    ok: Number.isFinite(serverMs),
    windowS: round1(windowS, 2)!,
    serverCpuPercent: round1(serverPct)!,
    cpuMsPer1000BotS: Math.round((serverMs / (opts.bots * windowS)) * 1000),
    serverRssMB: round1(processRssMB(run.server.pid)),
    botsCpuPercent: round1(botsPct),
    machineBusyPercent: round1(machine),
    otherPercent: machine === null ? null : round1(machine - (ownAll / 1000 / windowS) * 100),
    quiet: quietFigure(marks, index, opts.bots, opts.quietOtherPercent),
    profile:
      opts.cpuProfDir && run.profileName
        ? { dir: opts.cpuProfDir, name: run.profileName, fromS: round1((a.t - run.server.spawnedAt) / 1000, 1)!, toS: round1((b.t - run.server.spawnedAt) / 1000, 1)! }
        : null,
  };
}

/** A rung whose server and bots are up: measure it, then finish it. */
interface Running {
  spec: RungSpec;
  server: Child;
  bots: Child;
  profileName: string | null;
  /** Resolves once the rung is in its steady state (connected, warmed up). */
  ready: Promise<void>;
  /** Called at the start of the window. */
  begin(): Promise<void>;
  /** Called right at its end, before anything is stopped: reads the rung's own counters. */
  end(): Promise<void>;
  /** Called at its end: the rung's figures; stops its processes. */
  finish(marks: Marks, index: number): Promise<RungResult>;
  /** Stops everything (after a failure). */
  abort(): Promise<void>;
}

/** Rungs 1-5: our rung server and our minimal bots. */
async function startOwnRung(round: number, spec: RungSpec, opts: LadderOptions, port: number): Promise<Running> {
  const rung = spec.rung;
  const url = `http://127.0.0.1:${port}`;
  const runName = `ladder-rung${labelSlug(spec.label)}-round${round}`;
  const profileName = opts.cpuProfDir ? `${runName}.cpuprofile` : null;
  const cmd = serverCommand(
    opts,
    profileName,
    runName,
    'loadtest/bench/ladder/server.ts',
    ['--rung', String(rung), '--port', String(port), '--tick-rate', String(opts.tickRate)],
    null,
  );
  const server = spawnPinned(`server(rung ${spec.label})`, opts.serverCore, cmd.argv, opts.serverEnv, cmd.cwd);
  try {
    await server.nextLine('ready', 30_000);
  } catch (error) {
    await server.stop();
    throw error;
  }
  const bots = spawnPinned(`bots(rung ${spec.label})`, opts.botCore, [
    'node',
    '--import',
    'tsx',
    'loadtest/bench/ladder/bots.ts',
    '--rung',
    String(rung),
    '--url',
    url,
    '--bots',
    String(opts.bots),
  ]);
  let s0: Record<string, unknown> = {};
  let b0: Record<string, unknown> = {};
  let s1: Record<string, unknown> = {};
  let b1: Record<string, unknown> = {};
  let perf: Child | null = null;
  const abort = async (): Promise<void> => {
    await perf?.stop('SIGINT', 10_000);
    await bots.stop();
    await server.stop();
  };
  const running: Running = {
    spec,
    server,
    bots,
    profileName,
    ready: (async () => {
      await bots.nextLine('ready', 30_000);
      if (opts.cpuProfDir) unpinSampler(server, opts.botCore);
      await sleep(opts.warmupS * 1000);
    })(),
    async begin() {
      [s0, b0] = await Promise.all([server.sample('cpu'), bots.sample('statesIn')]);
      perf = startPerf(opts, server, runName);
    },
    async end() {
      [s1, b1] = await Promise.all([server.sample('cpu'), bots.sample('statesIn')]);
    },
    async finish(marks, index) {
      await perf?.stop('SIGINT', 10_000);
      const f = figures(round, spec, opts, running, marks, index);
      await bots.stop();
      await server.stop();
      injectJit(opts, runName);
      const per = (k: string, from: Record<string, unknown>, to: Record<string, unknown>): number =>
        ((to[k] as number) - (from[k] as number)) / (opts.bots * f.windowS);
      return {
        ...f,
        downBytesPerBotPerSec: Math.round(per('bytesIn', b0, b1)),
        upBytesPerBotPerSec: Math.round(per('bytesOut', b0, b1)),
        framesPerTick: round1(per('framesIn', b0, b1) / opts.tickRate, 3),
        inputsPerBotPerSec: round1(per('inputs', s0, s1), 2),
        tickMsP50: round1(s1.tickMsP50 as number | null, 3),
        tickMsP99: round1(s1.tickMsP99 as number | null, 3),
        botsLoopDelayP99Ms: round1(b1.loopDelayP99Ms as number, 1),
      };
    },
    abort,
  };
  return running;
}

/** Rung 6: server/main.ts under the real load test, as loadtest/bench/arena-16.sh runs it. */
/** The real server as every benchmark runs it: 16-player matches, one seed, no guest limit, quiet logs, no drain wait. */
export const REAL_SERVER_ENV = {
  HOST: '127.0.0.1',
  TICK_RATE: '20',
  MAX_PLAYERS_PER_MATCH: '16',
  MATCH_SEED: '1',
  GUEST_PER_MINUTE: '1000000',
  LOG_LEVEL: 'warn',
  WIRE_FORMAT: 'binary',
  DRAIN_TIMEOUT_MS: '0',
};

async function startRealServer(round: number, spec: RungSpec, opts: LadderOptions, port: number): Promise<Running> {
  const url = `http://127.0.0.1:${port}`;
  const runName = `ladder-rung${labelSlug(spec.label)}-round${round}`;
  const profileName = opts.cpuProfDir ? `${runName}.cpuprofile` : null;
  // LADDER_TREE=DIR: run the real server from another checkout of this repository (e.g. the
  // commit before a change, exported under loadtest-out/) to A/B two versions side by side.
  const tree = spec.env.LADDER_TREE ?? null;
  const cmd = serverCommand(opts, profileName, runName, 'server/main.ts', [], tree);
  const server = spawnPinned(
    `server(rung ${spec.label})`,
    opts.serverCore,
    cmd.argv,
    {
      ...REAL_SERVER_ENV,
      PORT: String(port),
      TICK_RATE: String(opts.tickRate),
      ...opts.serverEnv,
    },
    cmd.cwd,
  );
  const reportPath = join(opts.outDir, `${runName}.json`);
  const deadline = performance.now() + 30_000;
  for (;;) {
    const up = await fetch(`${url}/healthz`).then((r) => r.ok, () => false);
    if (up) break;
    if (performance.now() > deadline || server.proc.exitCode !== null) {
      await server.stop();
      throw new Error(`the real server did not start:\n${server.stderrTail()}`);
    }
    await sleep(100);
  }
  const rampS = Math.max(2, Math.ceil(opts.bots / 100));
  // Matches form as bots queue and count down 3 s, and the real server's code takes ~10-15 s of
  // traffic before V8 stops optimising it (perf: its compiler threads busy for the first ~5 s
  // of a window opened 9 s after start): the load test's warm-up covers both.
  const warmupS = Math.max(10, opts.warmupS + 4);
  const bots = spawnPinned(`loadtest(rung ${spec.label})`, opts.botCore, [
    'node',
    '--max-old-space-size=4096',
    '--import',
    'tsx',
    'loadtest/cli.ts',
    '--url',
    url,
    '--bots',
    String(opts.bots),
    // Long enough to cover our window even when other rungs measured with it start later.
    '--duration',
    String(opts.seconds + 15),
    '--ramp-up',
    String(rampS),
    '--warmup',
    String(warmupS),
    '--label',
    `ladder-rung${spec.label}`,
    '--report',
    reportPath,
    '--quiet',
    ...opts.loadtestArgs,
    ...spec.loadtestArgs,
  ]);
  const exited = new Promise<number | null>((resolve) => bots.proc.once('exit', (code) => resolve(code)));
  let perf: Child | null = null;
  const abort = async (): Promise<void> => {
    await perf?.stop('SIGINT', 10_000);
    await bots.stop('SIGINT');
    await server.stop('SIGTERM', 10_000);
  };
  const running: Running = {
    spec,
    server,
    bots,
    profileName,
    // ~1 s to start tsx, then ramp-up and warm-up; our window sits inside the load test's.
    ready: (async () => {
      if (opts.cpuProfDir) unpinSampler(server, opts.botCore);
      await sleep((1.5 + rampS + warmupS) * 1000);
    })(),
    async begin() {
      perf = startPerf(opts, server, runName);
    },
    async end() {},
    async finish(marks, index) {
      await perf?.stop('SIGINT', 10_000);
      const f = figures(round, spec, opts, running, marks, index);
      const code = await Promise.race([exited, sleep(40_000).then(() => 'timeout' as const)]);
      // DRAIN_TIMEOUT_MS=0: SIGTERM closes at once and exits normally (profiles are written).
      await server.stop('SIGTERM', 10_000);
      injectJit(opts, runName);
      if (code === 'timeout') {
        await bots.stop('SIGINT');
        throw new Error('the load test did not finish in time');
      }
      const report = JSON.parse(await readFile(reportPath, 'utf8')) as Report;
      await rm(reportPath, { force: true });
      const rate = report.snapshotRateHz.p50 ?? opts.tickRate;
      return {
        ...f,
        downBytesPerBotPerSec: report.downBytesPerBotPerSec,
        upBytesPerBotPerSec: report.upBytesPerBotPerSec,
        framesPerTick: report.framesPerSnapshot === null ? null : round1((report.framesPerSnapshot * rate) / opts.tickRate, 3),
        inputsPerBotPerSec: null,
        tickMsP50: report.server[0]?.tickMs.p50 ?? null,
        tickMsP99: report.server[0]?.tickMs.p99 ?? null,
        botsLoopDelayP99Ms: null,
        loadtest: {
          connected: report.connected,
          snapshotRateHz: report.snapshotRateHz,
          snapshotGapMs: report.snapshotGapMs,
          inputToAckMs: report.inputToAckMs,
          framesPerSnapshot: report.framesPerSnapshot,
          errors: report.errors,
          disconnects: report.disconnects,
          serverCpuPercentFromMetrics: report.server[0]?.cpuPercent ?? null,
        },
      };
    },
    abort,
  };
  return running;
}

function failed(round: number, spec: RungSpec, error: unknown): RungResult {
  const message = error instanceof Error ? error.message.split('\n')[0]! : String(error);
  return { round, rung: spec.rung, label: spec.label, name: RUNG_NAMES[spec.rung]!, ok: false, error: message } as RungResult;
}

/**
 * Runs rungs in one window. One rung: the plain sequential ladder. Several: they run at the
 * same time, each server on the server core and each bot process on the bots' core (ports
 * base, base+1, …), so every rung meets the same machine at the same moment: for A/B
 * comparisons on a machine others use, at the price of the rungs sharing their cores.
 */
export async function runTogether(round: number, specs: RungSpec[], opts: LadderOptions): Promise<RungResult[]> {
  const ports = specs.map((_, i) => opts.port + i);
  for (const port of ports) {
    if (!(await portIsFree(port))) throw new Error(`port ${port} is taken: stop what uses it or pass --port`);
  }
  const started = await Promise.allSettled(
    specs.map((spec, i) => {
      const withEnv = { ...opts, serverEnv: { ...opts.serverEnv, ...spec.env } };
      return spec.rung === 6 ? startRealServer(round, spec, withEnv, ports[i]!) : startOwnRung(round, spec, withEnv, ports[i]!);
    }),
  );
  const running = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const readiness = await Promise.allSettled(running.map((r) => r.ready));
  const failures = new Map<RungSpec, unknown>();
  started.forEach((s, i) => s.status === 'rejected' && failures.set(specs[i]!, s.reason));
  readiness.forEach((s, i) => s.status === 'rejected' && failures.set(running[i]!.spec, s.reason));
  const live = running.filter((r) => !failures.has(r.spec));
  await Promise.all(running.filter((r) => failures.has(r.spec)).map((r) => r.abort()));
  const results = new Map<RungSpec, RungResult>();
  if (live.length > 0) {
    try {
      await Promise.all(live.map((r) => r.begin()));
      const marks = await measure(live, opts.seconds);
      await Promise.all(live.map((r) => r.end()));
      const done = await Promise.allSettled(live.map((r, i) => r.finish(marks, i)));
      done.forEach((d, i) => results.set(live[i]!.spec, d.status === 'fulfilled' ? d.value : failed(round, live[i]!.spec, d.reason)));
    } catch (error) {
      await Promise.all(live.map((r) => r.abort()));
      for (const r of live) results.set(r.spec, failed(round, r.spec, error));
    }
  }
  return specs.map((spec) => results.get(spec) ?? failed(round, spec, failures.get(spec)));
}

/** File-name-safe form of a rung label. */
export const labelSlug = (label: string): string => label.replace(/[^\w.-]+/g, '_');
