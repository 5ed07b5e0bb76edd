/**
 * What a node says about itself: /healthz for its id, /metrics (Prometheus text) for tick
 * time, CPU and memory. The load test scrapes each node once a second; figures between two
 * scrapes come from counter and histogram differences, so the server's history before the run
 * does not leak into the report.
 */
import type { GameInfo } from '../shared/protocol/lobby-events.ts';
import { histogramQuantile, parsePrometheusText, scalar, sumOf, type Scrape } from './prom-text.ts';

export interface ServerSample {
  /** Local time of the scrape (ms, performance clock). */
  at: number;
  scrape: Scrape;
}

/** A node's figures over an interval (between two scrapes). */
export interface ServerInterval {
  tickMs: { p50: number | null; p99: number | null };
  tickLatenessMs: { p50: number | null; p99: number | null };
  ticks: number;
  ticksSkipped: number;
  cpuPercent: number | null;
  rssMB: number | null;
  playersConnected: number | null;
  matchesActive: number | null;
  snapshotBytesPerSec: number;
  slowConsumerSkips: number;
  protocolErrors: number;
  /** Longest event-loop stall prom-client saw since its previous scrape (ms, 10 ms resolution). */
  eventLoopLagMaxMs: number | null;
  /** Garbage collection time per second of the interval (ms/s, all kinds). */
  gcMsPerSec: number | null;
  /** The node restarted between the two scrapes: its counters started over, interval figures are unknown. */
  restarted: boolean;
}

export interface Health {
  nodeId: string;
  players?: number;
  matches?: number;
}

const round = (v: number | null, digits = 2): number | null => (v === null ? null : Number(v.toFixed(digits)));

export class ServerProbe {
  constructor(
    readonly url: string,
    private readonly timeoutMs = 3000,
    /** The nodes' METRICS_TOKEN, when /metrics is behind one. */
    private readonly metricsToken: string | null = null,
  ) {}

  /** Throws with a readable reason when the node does not answer. */
  async health(): Promise<Health> {
    const res = await fetch(new URL('/healthz', this.url), { signal: AbortSignal.timeout(this.timeoutMs) });
    if (!res.ok) throw new Error(`GET /healthz answered ${res.status}`);
    const body = (await res.json()) as Partial<Health>;
    if (typeof body.nodeId !== 'string') throw new Error('GET /healthz has no nodeId: is this a game server?');
    return body as Health;
  }

  /**
   * The quick-play modes a node offers (GET /api/games), asked once before a run so a mistyped
   * mode fails fast instead of as thousands of refused requests.
   */
  async modes(): Promise<{ id: string; game: string; maxPlayers: number }[]> {
    const res = await fetch(new URL('/api/games', this.url), { signal: AbortSignal.timeout(this.timeoutMs) });
    if (!res.ok) throw new Error(`GET /api/games answered ${res.status}`);
    const games = (await res.json()) as GameInfo[];
    return games.flatMap((g) => g.modes.map((m) => ({ id: m.id, game: g.id, maxPlayers: m.maxPlayers })));
  }

  /** One scrape, or null when the node did not answer in time (counted, never fatal). */
  async sample(now: () => number): Promise<ServerSample | null> {
    try {
      const res = await fetch(new URL('/metrics', this.url), {
        signal: AbortSignal.timeout(this.timeoutMs),
        ...(this.metricsToken !== null && { headers: { authorization: `Bearer ${this.metricsToken}` } }),
      });
      if (!res.ok) return null;
      const text = await res.text();
      return { at: now(), scrape: parsePrometheusText(text) };
    } catch {
      return null;
    }
  }
}

/** Figures between two scrapes of one node (`before` null: since the node started). */
export function serverInterval(before: ServerSample | null, after: ServerSample): ServerInterval {
  const a = after.scrape;
  const started = (s: Scrape): number | undefined => scalar(s, 'process_start_time_seconds');
  const restarted = before !== null && started(before.scrape) !== started(a);
  // After a restart the only honest baseline is the new process's own start.
  const b = restarted ? null : (before?.scrape ?? null);
  before = restarted ? null : before;
  const diff = (name: string): number => sumOf(a, name) - (b ? sumOf(b, name) : 0);
  const seconds = before ? (after.at - before.at) / 1000 : null;
  const cpu = before && seconds && seconds > 0 ? (diff('process_cpu_seconds_total') / seconds) * 100 : null;
  const rss = scalar(a, 'process_resident_memory_bytes');
  const ms = (v: number | null): number | null => (v === null ? null : v * 1000);
  return {
    tickMs: {
      p50: round(ms(histogramQuantile(b, a, 'game_tick_duration_seconds', 0.5)), 3),
      p99: round(ms(histogramQuantile(b, a, 'game_tick_duration_seconds', 0.99)), 3),
    },
    tickLatenessMs: {
      p50: round(ms(histogramQuantile(b, a, 'game_tick_lateness_seconds', 0.5)), 3),
      p99: round(ms(histogramQuantile(b, a, 'game_tick_lateness_seconds', 0.99)), 3),
    },
    ticks: diff('game_tick_duration_seconds_count'),
    ticksSkipped: diff('game_ticks_skipped_total'),
    cpuPercent: round(cpu, 1),
    rssMB: rss === undefined ? null : round(rss / 2 ** 20, 1),
    playersConnected: scalar(a, 'game_players_connected') ?? null,
    matchesActive: scalar(a, 'game_matches_active') ?? null,
    snapshotBytesPerSec: seconds && seconds > 0 ? Math.round(diff('game_snapshot_bytes_total') / seconds) : 0,
    slowConsumerSkips: diff('game_slow_consumer_skips_total'),
    protocolErrors: diff('game_protocol_errors_total'),
    eventLoopLagMaxMs: round(ms(scalar(a, 'nodejs_eventloop_lag_max_seconds') ?? null), 1),
    gcMsPerSec: seconds && seconds > 0 ? round((diff('nodejs_gc_duration_seconds_sum') * 1000) / seconds, 1) : null,
    restarted,
  };
}
