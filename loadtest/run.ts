/**
 * One load-test run: check every node answers, start the bots spread over the ramp-up and over
 * the nodes, measure for the requested window, then close every socket and build the report.
 *
 * Timeline: [ramp-up: bots start one after another] [window: `durationS` of measurement].
 * Window figures (percentiles, rates, bytes, server CPU) cover the window only, so connection
 * storms and first keyframes do not blur the steady state; errors, disconnects and reconnects
 * count over the whole run. The timeline has one point per second of both phases.
 */
import { availableParallelism, cpus } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Bot, type BotBehaviour, type WireFormat } from './bot.ts';
import { skillOf } from './bot-skill.ts';
import { checkBotInternals } from './internals/bot-internals.ts';
import { probeDirectWrites } from './internals/node-net.ts';
import { latency, medianAndMin, r2, REPORT_SCHEMA, type Report, type ServerFigures, type TimelinePoint } from './report.ts';
import { RunStats } from './run-stats.ts';
import { ServerProbe, serverInterval, type ServerSample } from './server-probe.ts';
import { busyCorePercent, readCpuTimes } from './host-load.ts';
import { TimerQueue } from './timer-queue.ts';
import { getConnectionConfig } from '../shared/client/connection-options.ts';
import { GAMES } from '../shared/games/index.ts';
import { RawBot } from './raw/raw-bot.ts';
import { TickScheduler } from './raw/tick-scheduler.ts';
import { judgeRun } from './run-validity.ts';

export interface RunOptions {
  urls: string[];
  bots: number;
  durationS: number;
  rampUpS: number;
  /** After ramp-up, let matches start and settle this long before measuring. */
  warmupS: number;
  seed: number;
  behaviour: BotBehaviour;
  /** Full bots' skills spread evenly over this range (bot-skill.ts); absent or null: all 1. */
  skillMix?: { lo: number; hi: number } | null;
  light: boolean;
  /** Light runs: one bot in this many decodes every snapshot, to measure input-to-ack. */
  sampleEvery: number;
  /**
   * Light runs: 'raw' bots speak WebSocket and engine.io themselves on a plain socket
   * (loadtest/raw/); 'sdk' bots run on socket.io-client and read their snapshots off ws's socket.
   * Several URLs (failover) always take the SDK bots.
   */
  lightWire: 'raw' | 'sdk';
  /** Raw light bots decode one keyframe in this many. */
  keyframeEvery: number;
  wire: WireFormat;
  mode: string;
  matchSize: number | null;
  pingIntervalS: number;
  /** Raw light bots: one in this many runs the clock round trip (default 1, every bot). */
  clockEvery?: number;
  /** Raw light bots: what paces their inputs (default 'timer': the shared tick scheduler). */
  inputClock?: 'snapshot' | 'half-tick' | 'timer';
  /** Raw light bots: frames through socket.write ('stream', default) or straight to the TCP handle. */
  rawWrites?: 'direct' | 'stream';
  timeoutS: number;
  /**
   * Seconds between the timeline's scrapes of each node's /metrics (default 1; 0: only the
   * window's first and last). A scrape costs the node CPU (prom-client renders every series), so
   * comparing node counts at one scrape a second charges more nodes more.
   */
  scrapeEveryS?: number;
  label: string | null;
}

export interface Progress {
  elapsedS: number;
  totalS: number;
  phase: 'ramp' | 'measure';
  bots: number;
  connected: number;
  inMatch: number;
  snapshotHz: number | null;
  rttP50: number | null;
  rttP99: number | null;
  downBytesPerBotPerSec: number | null;
  errors: number;
  disconnects: number;
  serverCpu: (number | null)[];
}

const RUN_OPTION_KEYS: readonly (keyof RunOptions)[] = [
  'bots', 'durationS', 'rampUpS', 'warmupS', 'mode', 'matchSize', 'behaviour', 'seed', 'light', 'lightWire', 'keyframeEvery', 'sampleEvery', 'wire', 'pingIntervalS', 'clockEvery', 'inputClock', 'rawWrites', 'timeoutS', 'scrapeEveryS', 'label',
];

/** The run's own options for the report (a caller may pass an object with more in it). */
function runOptionsOf(opts: RunOptions): Record<string, unknown> {
  return Object.fromEntries(RUN_OPTION_KEYS.map((k) => [k, opts[k]]));
}

export class RunError extends Error {
  constructor(
    readonly code: 'UNREACHABLE' | 'BAD_MODE' | 'NO_CONNECTION',
    message: string,
  ) {
    super(message);
  }
}

const SAMPLE_MS = 1000;
const now = (): number => performance.now();
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A bot's seed: spread so neighbouring bots do not play alike. */
export const botSeed = (seed: number, index: number): number => (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) + Math.imul(index + 1, 0xc2b2ae35)) >>> 0;

/** Resolves after `ms`, or as soon as `signal` aborts. */
function sleepUnless(ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return sleep(ms);
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * `endEarly`: aborting it ends the measured window before `durationS` is up (a caller that has
 * seen what it waited for), and the report covers the window so far. The window still lasts at
 * least a second, so its rates are rates.
 */
export async function runLoadTest(opts: RunOptions, onProgress?: (p: Progress) => void, endEarly?: AbortSignal): Promise<Report> {
  // A node whose /metrics is behind METRICS_TOKEN: the same variable in the load test's environment.
  const probes = opts.urls.map((url) => new ServerProbe(url, opts.timeoutS * 1000, process.env.METRICS_TOKEN || null));
  const nodeIds = await Promise.all(
    probes.map(async (p) => {
      try {
        return (await p.health()).nodeId;
      } catch (error) {
        const reason = error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error);
        throw new RunError('UNREACHABLE', `cannot reach ${p.url}: ${reason}`);
      }
    }),
  );

  const notes: string[] = [];
  // The ws, engine.io-client and Node members the bots reach past those libraries' APIs.
  const internals = checkBotInternals((line) => {
    console.error(`loadtest: ${line}`);
    notes.push(line);
  });
  for (const probe of probes) {
    let offered: Awaited<ReturnType<ServerProbe['modes']>>;
    try {
      offered = await probe.modes();
    } catch (error) {
      throw new RunError('UNREACHABLE', `${probe.url} did not list its games: ${error instanceof Error ? error.message : String(error)}`);
    }
    const mode = offered.find((m) => m.id === opts.mode);
    if (!mode) {
      throw new RunError('BAD_MODE', `${probe.url} has no quick-play mode "${opts.mode}" (it offers: ${offered.map((m) => `${m.id} (${m.game})`).join(', ')})`);
    }
    if (opts.matchSize !== null && opts.matchSize !== mode.maxPlayers) {
      notes.push(`--match-size ${opts.matchSize}, but mode "${mode.id}" on ${probe.url} seats ${mode.maxPlayers} (server setting QUEUE_MAX_PLAYERS / MAX_PLAYERS_PER_MATCH)`);
    }
  }

  const stats = new RunStats();
  const timers = new TimerQueue(now);
  // Raw bots speak plain ws:// on one node; TLS and failover across nodes stay with the SDK bots.
  const raw = opts.light && opts.wire === 'binary' && opts.lightWire === 'raw' && opts.urls.length === 1 && opts.urls[0]!.startsWith('http:');
  // One scheduler per tick rate for every raw bot, ten steps a tick: their writes spread over it.
  const schedulers = new Map<number, TickScheduler>();
  const schedulerFor = (tickRate: number): TickScheduler => {
    let s = schedulers.get(tickRate);
    if (!s) {
      s = new TickScheduler({ periodMs: 1000 / tickRate, slices: 10, now, late: (ms) => stats.tickLateSample(ms), missed: (n) => stats.inputSkipped(n) });
      schedulers.set(tickRate, s);
    }
    return s;
  };
  const socketPath = raw ? ((await getConnectionConfig(opts.urls[0]!, { timeoutMs: opts.timeoutS * 1000 }))?.socketPath ?? '/socket.io') : '/socket.io';
  // Every raw connection's reads land here, one at a time (the event loop runs one callback at a time).
  const readBuffer = raw ? Buffer.allocUnsafe(64 * 1024) : new Uint8Array(0);
  const directWrites =
    raw && opts.rawWrites === 'direct'
      ? probeDirectWrites((line) => {
          console.error(`loadtest: ${line}`);
          notes.push(line);
        })
      : null;
  const bots: (Bot | RawBot)[] = Array.from({ length: opts.bots }, (_, i) =>
    raw
      ? new RawBot(
          {
            index: i,
            url: opts.urls[0]!,
            path: socketPath,
            nickname: `bot-${i}`,
            seed: botSeed(opts.seed, i),
            behaviour: opts.behaviour,
            mode: opts.mode,
            decodeAll: i % opts.sampleEvery === 0,
            keyframeEvery: opts.keyframeEvery,
            pingIntervalMs: i % (opts.clockEvery ?? 1) === 0 ? opts.pingIntervalS * 1000 : null,
            requestTimeoutMs: opts.timeoutS * 1000,
            inputClock: opts.inputClock ?? 'timer',
          },
          { stats, timers, scheduler: schedulerFor, now, games: GAMES, readBuffer, directWrites },
        )
      : new Bot(
          {
            index: i,
            url: opts.urls[i % opts.urls.length]!,
            urls: opts.urls,
            nickname: `bot-${i}`,
            seed: botSeed(opts.seed, i),
            behaviour: opts.behaviour,
            wire: opts.wire,
            decodeAll: !opts.light || i % opts.sampleEvery === 0,
            skill: skillOf(i, opts.bots, opts.skillMix ?? null),
            mode: opts.mode,
            pingIntervalMs: opts.pingIntervalS * 1000,
            requestTimeoutMs: opts.timeoutS * 1000,
          },
          { stats, timers, now, internals },
        ),
  );

  const startedAt = new Date();
  const t0 = now();
  const rampMs = opts.rampUpS * 1000;
  const windowStart = t0 + rampMs + opts.warmupS * 1000;
  const windowEnd = windowStart + opts.durationS * 1000;
  const totalS = opts.rampUpS + opts.warmupS + opts.durationS;
  bots.forEach((bot, i) => timers.at(t0 + (opts.bots > 1 ? (rampMs * i) / opts.bots : 0), () => bot.start()));

  const timeline: TimelinePoint[] = [];
  const lastSample: (ServerSample | null)[] = probes.map(() => null);
  const pending: Promise<void>[] = [];
  const busy = probes.map(() => false);
  const scrape = (point: TimelinePoint | null): void => {
    probes.forEach((probe, i) => {
      if (busy[i]) return; // a slow node is not asked again before it answered
      busy[i] = true;
      pending.push(
        probe.sample(now).then((sample) => {
          busy[i] = false;
          if (!sample) return;
          const prev = lastSample[i];
          lastSample[i] = sample;
          if (!point || !prev) return;
          const f = serverInterval(prev, sample);
          point.server[i] = {
            url: probe.url,
            tickMs: f.tickMs,
            cpuPercent: f.cpuPercent,
            rssMB: f.rssMB,
            eventLoopLagMaxMs: f.eventLoopLagMaxMs,
            gcMsPerSec: f.gcMsPerSec,
          };
        }),
      );
    });
  };
  if ((opts.scrapeEveryS ?? 1) > 0) scrape(null);

  const traffic = (): { bytesIn: number; bytesOut: number; framesIn: number } => {
    let bytesIn = 0;
    let bytesOut = 0;
    let framesIn = 0;
    for (const b of bots) {
      bytesIn += b.meter.bytesIn;
      bytesOut += b.meter.bytesOut;
      framesIn += b.meter.framesIn;
    }
    return { bytesIn, bytesOut, framesIn };
  };

  // The load generator watches its own event loop: a stalled generator reports gaps it caused.
  const secondLoop = monitorEventLoopDelay({ resolution: 1 });
  const windowLoop = monitorEventLoopDelay({ resolution: 1 });
  secondLoop.enable();
  let lastTraffic = traffic();
  let lastCpu = process.cpuUsage();
  let lastHost = readCpuTimes();
  const machineCores = cpus().length;
  let lastAt = t0;
  let connectedInWindow = 0;
  let inMatchInWindow = 0;
  let measuredS = 0;
  let windowSeconds = 0;
  const scrapeEvery = opts.scrapeEveryS ?? 1;
  let seconds = 0;
  const sampleSecond = (): void => {
    const at = now();
    const elapsed = (at - lastAt) / 1000;
    lastAt = at;
    const s = stats.takeSecond();
    const t = traffic();
    const cpu = process.cpuUsage();
    const host = readCpuTimes();
    const connected = bots.filter((b) => b.connected).length;
    const inMatch = bots.filter((b) => b.inMatch).length;
    const perBot = (bytes: number): number | null => (connected > 0 && elapsed > 0 ? Math.round(bytes / connected / elapsed) : null);
    const rtt = latency(s.rtt);
    const gap = latency(s.gap);
    const ack = latency(s.inputAck);
    // A second belongs to the window when most of it lies inside.
    const phase = at > windowStart + SAMPLE_MS / 2 ? 'measure' : 'ramp';
    if (phase === 'measure') {
      connectedInWindow += connected;
      inMatchInWindow += inMatch * elapsed;
      measuredS += elapsed;
      windowSeconds += 1;
    }
    const point: TimelinePoint = {
      t: Math.round((at - t0) / 100) / 10,
      phase,
      connected,
      inMatch,
      snapshotHz: inMatch > 0 && elapsed > 0 ? r2(s.snapshots / inMatch / elapsed) : null,
      rttMs: { p50: rtt.p50, p95: rtt.p95, p99: rtt.p99 },
      snapshotGapMs: { p50: gap.p50, p99: gap.p99, max: gap.max },
      inputToAckMs: { p50: ack.p50, p99: ack.p99 },
      downBytesPerBotPerSec: perBot(t.bytesIn - lastTraffic.bytesIn),
      upBytesPerBotPerSec: perBot(t.bytesOut - lastTraffic.bytesOut),
      errors: s.errors,
      disconnects: s.disconnects,
      reconnects: s.reconnects,
      loadgenCpuPercent: elapsed > 0 ? r2(((cpu.user - lastCpu.user + cpu.system - lastCpu.system) / 1000 / (elapsed * 1000)) * 100) : null,
      loadgenEventLoopMaxMs: r2(secondLoop.count > 0 ? secondLoop.max / 1e6 : null),
      machineBusyPercent: r2(busyCorePercent(lastHost, host, machineCores)),
      server: probes.map((p) => ({ url: p.url, tickMs: { p50: null, p99: null }, cpuPercent: null, rssMB: null, eventLoopLagMaxMs: null, gcMsPerSec: null })),
    };
    secondLoop.reset();
    timeline.push(point);
    lastTraffic = t;
    lastCpu = cpu;
    lastHost = host;
    seconds += 1;
    if (scrapeEvery > 0 && seconds % scrapeEvery === 0) scrape(point);
    onProgress?.({
      elapsedS: (at - t0) / 1000,
      totalS,
      phase,
      bots: opts.bots,
      connected,
      inMatch,
      snapshotHz: point.snapshotHz,
      rttP50: rtt.p50,
      rttP99: rtt.p99,
      downBytesPerBotPerSec: point.downBytesPerBotPerSec,
      errors: stats.errors,
      disconnects: stats.disconnects,
      serverCpu: timeline.length > 1 ? timeline[timeline.length - 2]!.server.map((x) => x.cpuPercent) : [],
    });
  };
  const sampler = setInterval(sampleSecond, SAMPLE_MS);

  // ---- window start ----
  await sleep(Math.max(0, windowStart - now()));
  stats.measuring = true;
  windowLoop.enable();
  const startHost = readCpuTimes();
  const startTraffic = traffic();
  const startCpu = process.cpuUsage();
  const startScrapes = await Promise.all(probes.map((p) => p.sample(now)));

  // ---- window end ----
  await sleepUnless(Math.max(0, windowEnd - now()), endEarly);
  await sleep(Math.max(0, windowStart + SAMPLE_MS - now()));
  stats.measuring = false;
  windowLoop.disable();
  secondLoop.disable();
  const windowS = (now() - windowStart) / 1000;
  const endTraffic = traffic();
  const endCpu = process.cpuUsage();
  const endHost = readCpuTimes();
  const failover = stats.failover.figures(now());
  const endScrapes = await Promise.all(probes.map((p) => p.sample(now)));
  const connected = bots.filter((b) => b.connected).length;
  const inMatch = bots.filter((b) => b.inMatch).length;
  clearInterval(sampler);

  // ---- shut down: every socket closed before the report is returned ----
  stats.live = false;
  timers.stop();
  for (const sch of schedulers.values()) sch.stop();
  for (const b of bots) b.stop();
  await Promise.allSettled(pending);
  await sleep(100);

  const avgConnected = windowSeconds > 0 ? connectedInWindow / windowSeconds : connected;
  const perBotPerSec = (bytes: number): number | null => (avgConnected > 0 && windowS > 0 ? Math.round(bytes / avgConnected / windowS) : null);
  const server: ServerFigures[] = probes.map((p, i) => {
    const before = startScrapes[i] ?? null;
    const after = endScrapes[i] ?? null;
    if (!before || !after) return { url: p.url, nodeId: nodeIds[i] ?? null, tickMs: { p50: null, p99: null }, cpuPercent: null, rssMB: null };
    // The longest stall of the window is the worst of the per-second scrapes inside it.
    const lags = timeline.filter((t) => t.phase === 'measure').map((t) => t.server[i]?.eventLoopLagMaxMs ?? null).filter((v): v is number => v !== null);
    const figures = serverInterval(before, after);
    return { url: p.url, nodeId: nodeIds[i] ?? null, ...figures, eventLoopLagMaxMs: lags.length > 0 ? Math.max(...lags) : figures.eventLoopLagMaxMs };
  });
  const crossNode = [...stats.matches.values()].filter((urls) => urls.size > 1).length;
  const rtt = latency(stats.rtt);
  const gap = latency(stats.gap);
  const ack = latency(stats.inputAck);
  const mem = process.memoryUsage();
  const loadgenCpu = r2(((endCpu.user - startCpu.user + endCpu.system - startCpu.system) / 1000 / (windowS * 1000)) * 100);
  const machineBusy = busyCorePercent(startHost, endHost, machineCores);
  const serversCpu = server.reduce((a, s) => a + (s.cpuPercent ?? 0), 0);
  notes.push(...stats.notes.values());
  const report: Report = {
    bots: opts.bots,
    connected,
    durationS: r2(windowS)!,
    matches: stats.matches.size,
    crossNodeMatches: crossNode,
    snapshotRateHz: medianAndMin(bots.map((b) => b.windowSnapshots / windowS)),
    downBytesPerBotPerSec: perBotPerSec(endTraffic.bytesIn - startTraffic.bytesIn),
    upBytesPerBotPerSec: perBotPerSec(endTraffic.bytesOut - startTraffic.bytesOut),
    framesPerSnapshot: stats.snapshots > 0 ? Math.round(((endTraffic.framesIn - startTraffic.framesIn) / stats.snapshots) * 1000) / 1000 : null,
    rttMs: rtt,
    snapshotGapMs: { p50: gap.p50, p99: gap.p99, max: gap.max },
    inputToAckMs: { p50: ack.p50, p99: ack.p99 },
    errors: stats.errors,
    disconnects: stats.disconnects,
    reconnects: stats.reconnects,
    server,
    failover,
    schema: REPORT_SCHEMA,
    label: opts.label,
    startedAt: startedAt.toISOString(),
    urls: opts.urls,
    options: runOptionsOf(opts),
    rampUpS: opts.rampUpS,
    warmupS: opts.warmupS,
    tickRateHz: stats.tickRate,
    serverCpuMsPer1000BotSeconds: server.every((s) => s.cpuPercent !== null) && opts.bots > 0
      ? Math.round((server.reduce((a, s) => a + s.cpuPercent!, 0) * 10_000) / opts.bots)
      : null,
    everConnected: bots.filter((b) => b.everConnected).length,
    inMatch,
    played: bots.filter((b) => b.played).length,
    inputs: stats.inputs,
    // Bots in a match on average over the sampled seconds, times the whole window.
    inputsPerBotSecond: inMatchInWindow > 0 && measuredS > 0 ? r2(stats.inputs / ((inMatchInWindow / measuredS) * windowS)) : null,
    inputsSkipped: stats.inputsSkipped,
    snapshots: stats.snapshots,
    inputToAckSamples: stats.inputAck.count,
    errorsByKind: Object.fromEntries(stats.errorsByKind),
    notes,
    valid: true,
    invalidReasons: [],
    loadgen: {
      pid: process.pid,
      node: process.version,
      cores: availableParallelism(),
      cpuPercent: loadgenCpu,
      rssMB: Math.round(mem.rss / 2 ** 20),
      usPerBotSecond: avgConnected > 0 && windowS > 0 ? Math.round((endCpu.user - startCpu.user + endCpu.system - startCpu.system) / avgConnected / windowS) : null,
      tickLateMs: raw ? { p50: r2(stats.tickLate.quantile(0.5)), p99: r2(stats.tickLate.quantile(0.99)), max: r2(stats.tickLate.count ? stats.tickLate.max : null) } : null,
      eventLoopDelayMs: {
        p99: r2(windowLoop.count > 0 ? windowLoop.percentile(99) / 1e6 : null),
        max: r2(windowLoop.count > 0 ? windowLoop.max / 1e6 : null),
      },
    },
    machine: {
      cores: machineCores,
      busyPercent: r2(machineBusy),
      // Whatever else ran: kernel networking not charged to either process, and other programs.
      // A node whose CPU is unknown (its /metrics did not answer: a saturated server) would be
      // counted as other work, and the verdict would blame the machine for the server's load.
      otherPercent: machineBusy === null || server.some((s) => s.cpuPercent === null) ? null : r2(Math.max(0, machineBusy - serversCpu - (loadgenCpu ?? 0))),
    },
    timeline,
  };
  const verdict = judgeRun({
    loadgenCpuPercent: report.loadgen.cpuPercent,
    inputsPerBotSecond: report.inputsPerBotSecond ?? null,
    tickRateHz: report.tickRateHz,
    tickLateP99Ms: report.loadgen.tickLateMs?.p99 ?? null,
    eventLoopDelayP99Ms: report.loadgen.eventLoopDelayMs.p99,
    machineOtherPercent: report.machine.otherPercent,
  });
  report.valid = verdict.valid;
  report.invalidReasons = verdict.reasons;
  for (const s of server) {
    if (s.restarted) notes.push(`${s.url} restarted during the window: its CPU and tick figures cover only the new process`);
  }
  const loop = report.loadgen.eventLoopDelayMs;
  if ((loop.p99 ?? 0) > 20 || (report.loadgen.cpuPercent ?? 0) > 90 * report.loadgen.cores) {
    report.notes.push(
      `the load generator was near its limit (cpu ${report.loadgen.cpuPercent}% of ${report.loadgen.cores} core(s), event-loop delay p99 ${loop.p99} ms): gaps and latencies include its own delays; use --light, fewer bots per process or more cores`,
    );
  }
  if (report.machine.otherPercent !== null && report.machine.otherPercent > 15) {
    report.notes.push(
      `the machine was busy with something else during the window (${report.machine.otherPercent}% of one core that was neither the bots nor the nodes): figures may be off`,
    );
  }
  if (report.everConnected === 0) {
    const why = notes[0] ?? 'no bot could connect';
    throw Object.assign(new RunError('NO_CONNECTION', `no bot could connect: ${why}`), { report });
  }
  return report;
}
