/**
 * The load-test report: the JSON every other check reads (its field names are a contract: scripts and BENCHMARKS.md read them), plus a
 * per-second timeline for the HTML charts. Latencies in ms, sizes in bytes, rates per second.
 * A figure nobody could measure (no samples) is null, never 0.
 */
import { LOST_AFTER_MS, type FailoverFigures } from './failover-stats.ts';
import type { Histogram } from './histogram.ts';
import type { ServerInterval } from './server-probe.ts';

export const REPORT_SCHEMA = 'arena-loadtest/1';

export interface ServerFigures extends Partial<ServerInterval> {
  url: string;
  nodeId: string | null;
  tickMs: { p50: number | null; p99: number | null };
  cpuPercent: number | null;
  rssMB: number | null;
}

export interface TimelinePoint {
  /** Seconds since the first bot started. */
  t: number;
  phase: 'ramp' | 'measure';
  connected: number;
  inMatch: number;
  /** Snapshots received per in-match bot per second. */
  snapshotHz: number | null;
  rttMs: { p50: number | null; p95: number | null; p99: number | null };
  snapshotGapMs: { p50: number | null; p99: number | null; max: number | null };
  inputToAckMs: { p50: number | null; p99: number | null };
  downBytesPerBotPerSec: number | null;
  upBytesPerBotPerSec: number | null;
  errors: number;
  disconnects: number;
  reconnects: number;
  loadgenCpuPercent: number | null;
  /** Longest event-loop stall of the load generator in this second (ms): above a few ms its figures are suspect. */
  loadgenEventLoopMaxMs: number | null;
  /** The whole machine's busy time this second, % of one core (all cores busy = cores × 100). */
  machineBusyPercent: number | null;
  server: {
    url: string;
    tickMs: { p50: number | null; p99: number | null };
    cpuPercent: number | null;
    rssMB: number | null;
    eventLoopLagMaxMs: number | null;
    gcMsPerSec: number | null;
  }[];
}

export interface Report {
  bots: number;
  /** Bots whose socket was connected when the measured window closed. */
  connected: number;
  /** Length of the measured window (after ramp-up), seconds. */
  durationS: number;
  matches: number;
  crossNodeMatches: number;
  snapshotRateHz: { p50: number | null; min: number | null };
  downBytesPerBotPerSec: number | null;
  upBytesPerBotPerSec: number | null;
  framesPerSnapshot: number | null;
  rttMs: { p50: number | null; p95: number | null; p99: number | null; max: number | null };
  snapshotGapMs: { p50: number | null; p99: number | null; max: number | null };
  inputToAckMs: { p50: number | null; p99: number | null };
  errors: number;
  disconnects: number;
  reconnects: number;
  server: ServerFigures[];
  /**
   * Bots put out of their match by a failure (their node died, their match moved) over the whole
   * run, and how long until they played again: failover-stats.ts defines each figure.
   */
  failover: FailoverFigures;

  schema: typeof REPORT_SCHEMA;
  label: string | null;
  startedAt: string;
  urls: string[];
  options: Record<string, unknown>;
  rampUpS: number;
  /** Seconds between the end of ramp-up and the start of the measured window. */
  warmupS: number;
  /** Server tick rate the bots were told when they joined. */
  tickRateHz: number | null;
  /** Server CPU (all nodes) per 1,000 bot-seconds, ms: CPU cost per player independent of the bot count. */
  serverCpuMsPer1000BotSeconds: number | null;
  /** Bots that connected at least once. */
  everConnected: number;
  /** Bots in a match when the window closed. */
  inMatch: number;
  /** Bots that sent inputs the server applied (full bots: acknowledged; light bots: sent while in a match). */
  played: number;
  inputs: number;
  /** Inputs sent per in-match bot-second over the window (the tick rate when every bot sent on every tick). */
  inputsPerBotSecond?: number | null;
  /** Ticks bots sent no input for (woke too late for the tick, or drained a backlog); the server repeated their last buttons. */
  inputsSkipped: number;
  snapshots: number;
  inputToAckSamples: number;
  errorsByKind: Record<string, number>;
  notes: string[];
  /**
   * False when the load generator was the limit (run-validity.ts): its figures then describe
   * the generator, not the server. Reports written before this field existed have none.
   */
  valid?: boolean;
  invalidReasons?: string[];
  loadgen: {
    pid: number;
    node: string;
    cores: number;
    cpuPercent: number | null;
    rssMB: number;
    /** The generator's user + system CPU per connected bot-second over the window, µs. */
    usPerBotSecond?: number | null;
    /** How late the raw bots' tick scheduler ran its steps (null: no raw bots). */
    tickLateMs?: { p50: number | null; p99: number | null; max: number | null } | null;
    /** The bots' own event loop over the window: stalls here show up as gaps and RTT that the server did not cause. */
    eventLoopDelayMs: { p99: number | null; max: number | null };
  };
  /**
   * The machine over the window (Linux): busy time of all cores in % of one core, and what was
   * neither the load generator nor a node on this machine (kernel networking, other programs).
   * A large `otherPercent` means something else competed for the cores during the run.
   */
  machine: { cores: number; busyPercent: number | null; otherPercent: number | null };
  timeline: TimelinePoint[];
}

export const r2 = (v: number | null | undefined): number | null => (v === null || v === undefined || !Number.isFinite(v) ? null : Math.round(v * 100) / 100);

export function latency(h: Histogram): { p50: number | null; p95: number | null; p99: number | null; max: number | null } {
  return { p50: r2(h.quantile(0.5)), p95: r2(h.quantile(0.95)), p99: r2(h.quantile(0.99)), max: r2(h.count ? h.max : null) };
}

/** Median and minimum of per-bot values. */
export function medianAndMin(values: number[]): { p50: number | null; min: number | null } {
  if (values.length === 0) return { p50: null, min: null };
  const sorted = [...values].sort((a, b) => a - b);
  return { p50: r2(sorted[Math.floor((sorted.length - 1) / 2)]!), min: r2(sorted[0]!) };
}

/** The one-line verdict printed after a run. */
export function summaryLines(r: Report): string[] {
  const f = (v: number | null, unit = ''): string => (v === null ? 'n/a' : `${v}${unit}`);
  const lines = [
    `bots ${r.bots}, connected ${r.connected}, in match ${r.inMatch}, played ${r.played}, matches ${r.matches} (cross-node ${r.crossNodeMatches}), window ${r.durationS} s`,
    `snapshots ${f(r.snapshotRateHz.p50)} Hz p50 (min ${f(r.snapshotRateHz.min)}), gap p50 ${f(r.snapshotGapMs.p50)} p99 ${f(r.snapshotGapMs.p99)} max ${f(r.snapshotGapMs.max)} ms, frames/snapshot ${f(r.framesPerSnapshot)}`,
    `down ${f(r.downBytesPerBotPerSec)} B/s/bot, up ${f(r.upBytesPerBotPerSec)} B/s/bot`,
    `rtt p50 ${f(r.rttMs.p50)} p95 ${f(r.rttMs.p95)} p99 ${f(r.rttMs.p99)} max ${f(r.rttMs.max)} ms, input→ack p50 ${f(r.inputToAckMs.p50)} p99 ${f(r.inputToAckMs.p99)} ms (${r.inputs} inputs, ${r.inputsSkipped} ticks skipped)`,
    `errors ${r.errors}, disconnects ${r.disconnects}, reconnects ${r.reconnects}`,
    failoverLine(r),
    ...r.server.map(
      (s) =>
        `server ${s.nodeId ?? '?'} (${s.url}): tick p50 ${f(s.tickMs.p50)} p99 ${f(s.tickMs.p99)} ms, cpu ${f(s.cpuPercent, '%')}, rss ${f(s.rssMB)} MB, gc ${f(s.gcMsPerSec ?? null)} ms/s, event-loop stall max ${f(s.eventLoopLagMaxMs ?? null)} ms`,
    ),
    `load generator: cpu ${f(r.loadgen.cpuPercent, '%')} of one core (${f(r.loadgen.usPerBotSecond ?? null)} µs per bot-second), ${f(r.inputsPerBotSecond ?? null)} inputs per bot-second, tick lateness p99 ${f(r.loadgen.tickLateMs?.p99 ?? null)} ms, rss ${r.loadgen.rssMB} MB, ${r.loadgen.cores} core(s) available, event-loop delay p99 ${f(r.loadgen.eventLoopDelayMs.p99)} max ${f(r.loadgen.eventLoopDelayMs.max)} ms`,
  ];
  lines.push(`machine: ${r.machine.cores} cores, busy ${f(r.machine.busyPercent, '%')} of one core, of which neither bots nor server ${f(r.machine.otherPercent, '%')}`);
  for (const [kind, n] of Object.entries(r.errorsByKind)) lines.push(`  error ${kind}: ${n}`);
  for (const note of r.notes) lines.push(`  note: ${note}`);
  if (r.valid === false) lines.unshift(`NOT A VALID RUN (the load generator was the limit, not the server): ${(r.invalidReasons ?? []).join('; ')}`);
  return lines;
}

/** The CLI summary's failover line. */
export function failoverLine(r: Pick<Report, 'failover'>): string {
  const f = r.failover;
  // Reports written before the failover figures existed have none.
  if (!f || f.botsDropped === 0) return `failover: no bot was put out of its match${f?.urlSwitches ? ` (${f.urlSwitches} moves to another --url)` : ''}`;
  const ms = (v: number | null): string => (v === null ? 'n/a' : `${v} ms`);
  const refused = f.causes.refused ? `, ${f.causes.refused} refused while seated` : '';
  const relocated = f.causes.relocated ? `, ${f.causes.relocated} moved their connection off a leaving node` : '';
  return (
    `failover: ${f.botsDropped} bots put out of their match (${f.causes.disconnected} disconnected, ${f.causes.matchMoved} match moved${refused}${relocated}), ` +
    `${f.botsBack} back within ${LOST_AFTER_MS / 1000} s (p50 ${ms(f.backInMatchMs.p50)}, max ${ms(f.backInMatchMs.max)}), ${f.botsLost} lost` +
    `${gapText(f)}` +
    `${pendingText(f)}, ${f.urlSwitches} moves to another --url`
  );
}

/** The snapshot gap the moved bots saw; reports written before it existed have none. */
export function gapText(f: FailoverFigures): string {
  const g = f.gapDuringMoveMs;
  if (!g || g.max === null) return '';
  const causes = Object.entries(f.gapByCauseMs ?? {});
  const split = causes.length > 1 ? ` (${causes.map(([cause, c]) => `${cause} ${c!.n}: p50 ${c!.p50} ms, max ${c!.max} ms`).join('; ')})` : '';
  return `, snapshot gap during the move p50 ${g.p50} ms, p99 ${g.p99} ms, max ${g.max} ms${split}`;
}

/** The pending drops, split when some are bots seated on the server but idle on their side. */
export function pendingText(f: FailoverFigures): string {
  if (!f.botsPending) return '';
  const seated = f.botsSeatedIdle ?? 0;
  if (seated === 0) return `, ${f.botsPending} too recent to tell`;
  return `, ${f.botsPending} pending (${f.botsPending - seated} too recent to tell, ${seated} seated on the server but idle)`;
}
