/**
 * The pure parts of the peer benchmark (peers.ts): its options, the rows of its JSON file, the
 * per-round ratios and their medians, the targets, and the printed table.
 *
 * The JSON file holds `{ rows: [{ impl, cpuMsPer1000BotS: [one value per round, null where the
 * round failed], downBytesPerBotPerSec, gapP99Ms }], ratios, runs, options }`: rows for reading
 * at a glance, ratios as the targets are judged, runs with every figure of every window.
 */
import { parseArgs } from 'node:util';

export const IMPLS = ['ws', 'colyseus', 'parity', 'arena'] as const;
export type Impl = (typeof IMPLS)[number];

export const USAGE = `usage: npm run bench:peers -- [--bots 128] [--seconds 20] [--rounds 3] [--json FILE]
       [--warmup 10] [--impls ws,colyseus,parity,arena] [--port 0] [--seed 1] [--server-node-flags "--cpu-prof"]
       [--perf DIR]

  Runs each implementation of the arena-16 scenario in turn, round after round (ws, colyseus,
  parity, arena, ws, …): server pinned to core 0, bots to core 1, a warm-up, then a window in
  which the server's CPU (user + system, /proc/PID/stat) is read, as ms per 1,000 bot-seconds.
  --port 0 picks a free loopback port for every run. --perf DIR records each server's window with
  \`perf record -g\` (JIT code named); summarise with loadtest/bench/ladder/perf-top.ts.`;

export class UsageError extends Error {}

export interface PeersOptions {
  bots: number;
  seconds: number;
  rounds: number;
  warmupS: number;
  impls: Impl[];
  /** 0: a free port for each run. */
  port: number;
  seed: number;
  json: string | null;
  serverNodeFlags: string[];
  perfDir: string | null;
  help: boolean;
}

export function parsePeersArgs(argv: string[]): PeersOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        bots: { type: 'string', default: '128' },
        seconds: { type: 'string', default: '20' },
        rounds: { type: 'string', default: '3' },
        warmup: { type: 'string', default: '10' },
        impls: { type: 'string', default: IMPLS.join(',') },
        port: { type: 'string', default: '0' },
        seed: { type: 'string', default: '1' },
        json: { type: 'string' },
        'server-node-flags': { type: 'string', default: '' },
        perf: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const int = (name: string, raw: string, min: number, max: number): number => {
    const n = Number(raw);
    if (!/^\d+$/.test(raw) || n < min || n > max) throw new UsageError(`--${name} ${raw}: expected an integer from ${min} to ${max}`);
    return n;
  };
  const impls = values.impls.split(',').map((s) => s.trim());
  for (const impl of impls) if (!(IMPLS as readonly string[]).includes(impl)) throw new UsageError(`--impls: unknown ${JSON.stringify(impl)} (expected ${IMPLS.join(', ')})`);
  if (new Set(impls).size !== impls.length) throw new UsageError('--impls: each implementation once');
  const bots = int('bots', values.bots, 16, 5000);
  if (bots % 16 !== 0) throw new UsageError(`--bots ${bots}: rooms are of 16, so a multiple of 16`);
  const port = int('port', values.port, 0, 65535);
  if (port !== 0 && port < 1024) throw new UsageError(`--port ${port}: 0 or 1024-65535`);
  return {
    bots,
    seconds: int('seconds', values.seconds, 3, 600),
    rounds: int('rounds', values.rounds, 1, 20),
    warmupS: int('warmup', values.warmup, 2, 120),
    impls: impls as Impl[],
    port,
    seed: int('seed', values.seed, 0, 2 ** 31 - 1),
    json: values.json ?? null,
    serverNodeFlags: values['server-node-flags'].split(' ').filter(Boolean),
    perfDir: values.perf ?? null,
    help: values.help,
  };
}

/** One window of one implementation. */
export interface PeerRun {
  impl: Impl;
  round: number;
  ok: boolean;
  error?: string;
  windowS?: number;
  cpuMsPer1000BotS?: number;
  serverCpuPercent?: number;
  downBytesPerBotPerSec?: number | null;
  upBytesPerBotPerSec?: number | null;
  statesPerBotPerSec?: number | null;
  inputsPerBotPerSec?: number | null;
  gapP50Ms?: number | null;
  gapP99Ms?: number | null;
  serverRssMB?: number | null;
  botsCpuPercent?: number | null;
  /** Machine busy time that was neither this server nor its bots (% of one core). */
  otherPercent?: number | null;
  /**
   * What the window fell short of the scenario's load (fewer than 19 states or inputs per
   * bot-second: starved bots, a server behind), or null when it ran the full load. A short
   * window did less work, so its CPU figure flatters its implementation.
   */
  shortfall?: string | null;
}

/** The least a window must carry per bot-second to count as the scenario's full load (20 Hz). */
export const FULL_LOAD_PER_S = 19;

/** Why a window did not carry the full load, or null when it did. */
export function shortfallOf(statesPerBotPerSec: number | null, inputsPerBotPerSec: number | null): string | null {
  const short: string[] = [];
  if (statesPerBotPerSec !== null && statesPerBotPerSec < FULL_LOAD_PER_S) short.push(`${statesPerBotPerSec} states/bot-s`);
  if (inputsPerBotPerSec !== null && inputsPerBotPerSec < FULL_LOAD_PER_S) short.push(`${inputsPerBotPerSec} inputs/bot-s`);
  return short.length ? `short of the full load: ${short.join(', ')} (< ${FULL_LOAD_PER_S})` : null;
}

export interface PeerRow {
  impl: Impl;
  cpuMsPer1000BotS: (number | null)[];
  downBytesPerBotPerSec: number | null;
  gapP99Ms: number | null;
}

export function median(xs: readonly number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

const finite = (xs: readonly (number | null | undefined)[]): number[] => xs.filter((x): x is number => typeof x === 'number' && Number.isFinite(x));
const round2 = (v: number | null): number | null => (v === null ? null : Math.round(v * 100) / 100);

/** One row per implementation; bytes and gap p99 are medians over the rounds that ran. */
export function buildRows(runs: readonly PeerRun[], impls: readonly Impl[], rounds: number): PeerRow[] {
  return impls.map((impl) => {
    const mine = runs.filter((r) => r.impl === impl && r.ok);
    const byRound = Array.from({ length: rounds }, (_, i) => mine.find((r) => r.round === i + 1)?.cpuMsPer1000BotS ?? null);
    const bytes = median(finite(mine.map((r) => r.downBytesPerBotPerSec)));
    const gap = median(finite(mine.map((r) => r.gapP99Ms)));
    return { impl, cpuMsPer1000BotS: byRound, downBytesPerBotPerSec: bytes === null ? null : Math.round(bytes), gapP99Ms: round2(gap) };
  });
}

export interface Ratio {
  /** "parity/colyseus". */
  name: string;
  perRound: (number | null)[];
  median: number | null;
  /** The target the median must not exceed, if there is one. */
  target: number | null;
  met: boolean | null;
  /** Rounds in which both windows carried the full load (see PeerRun.shortfall). */
  fullLoadRounds: number;
}

/** The pairs the benchmark reports, with the targets of the issue. */
export const RATIO_PAIRS: readonly { a: Impl; b: Impl; target: number | null }[] = [
  { a: 'parity', b: 'colyseus', target: 0.8 },
  { a: 'parity', b: 'ws', target: 1.3 },
  { a: 'arena', b: 'colyseus', target: 1.0 },
  { a: 'arena', b: 'ws', target: null },
  { a: 'colyseus', b: 'ws', target: null },
  { a: 'arena', b: 'parity', target: null },
];

/** a/b in each round where both ran, and the median of those (targets are judged on it). */
export function ratios(rows: readonly PeerRow[], runs: readonly PeerRun[] = []): Ratio[] {
  const full = (impl: Impl, round: number): boolean => runs.some((r) => r.impl === impl && r.round === round && r.ok && !r.shortfall);
  const of = (impl: Impl): PeerRow | undefined => rows.find((r) => r.impl === impl);
  const out: Ratio[] = [];
  for (const { a, b, target } of RATIO_PAIRS) {
    const ra = of(a);
    const rb = of(b);
    if (!ra || !rb) continue;
    const perRound = ra.cpuMsPer1000BotS.map((x, i) => {
      const y = rb.cpuMsPer1000BotS[i];
      return x === null || y === null || y === undefined || y === 0 ? null : round2(x / y);
    });
    const m = round2(median(finite(perRound)));
    const fullLoadRounds = perRound.filter((v, i) => v !== null && full(a, i + 1) && full(b, i + 1)).length;
    out.push({ name: `${a}/${b}`, perRound, median: m, target, met: target === null || m === null ? null : m <= target, fullLoadRounds });
  }
  return out;
}

/** The printed summary: one line per implementation, then the ratios. */
export function formatTable(rows: readonly PeerRow[], rs: readonly Ratio[]): string[] {
  const w = [9, 28, 12, 14, 12];
  const line = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join('  ');
  const out = [line(['impl', 'ms / 1000 bot-s (rounds)', 'median', 'down B/bot/s', 'gap p99 ms'])];
  for (const r of rows) {
    const m = median(finite(r.cpuMsPer1000BotS));
    out.push(line([r.impl, r.cpuMsPer1000BotS.map((v) => (v === null ? '-' : String(v))).join(' · '), m === null ? '-' : String(Math.round(m)), String(r.downBytesPerBotPerSec ?? '-'), String(r.gapP99Ms ?? '-')]));
  }
  out.push('');
  for (const r of rs) {
    const verdict = r.target === null ? '' : r.met === null ? `  (target ≤ ${r.target}: not measured)` : `  (target ≤ ${r.target}: ${r.met ? 'met' : 'missed'})`;
    const rounds = r.perRound.filter((v) => v !== null).length;
    out.push(
      `${r.name.padEnd(18)} per round ${r.perRound.map((v) => (v === null ? '-' : v.toFixed(2))).join(' · ')}  median ${r.median === null ? '-' : r.median.toFixed(2)}${verdict}` +
        (r.fullLoadRounds < rounds ? `  [${rounds - r.fullLoadRounds} of ${rounds} rounds short of the full load]` : ''),
    );
  }
  return out;
}
