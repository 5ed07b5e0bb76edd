/**
 * Prometheus metrics, one registry per server instance (no global state, so tests can run two
 * servers in one process). Labels never name a socket or player: cardinality stays fixed.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { ErrorCode } from '../shared/protocol/errors.ts';

/**
 * socket.io's disconnect reasons (Socket#disconnect's `reason`, socket.io 4.8). Anything else
 * counts as 'other', so the label set stays fixed whatever a future version or a bug reports.
 */
export const DISCONNECT_REASONS = [
  'transport close',
  'ping timeout',
  'server namespace disconnect',
  'client namespace disconnect',
  'transport error',
  'parse error',
  'forced close',
  'server shutting down',
  'forced server close',
  'other',
] as const;
export type DisconnectReason = (typeof DISCONNECT_REASONS)[number];

/** Namespaces the game serves: the label values of per-namespace counters. */
export const NAMESPACE_LABELS = ['/lobby', '/match'] as const;

/** Where an Origin can be refused: the socket.io handshake and the state-changing HTTP routes. */
export const ORIGIN_ROUTES = ['socket.io', '/api/guest', '/api/guest/renew', '/api/dev/netsim'] as const;
export type OriginRoute = (typeof ORIGIN_ROUTES)[number];

/** Codes the client itself makes up (timeouts, unknown games): never counted by the server. */
const CLIENT_SIDE_CODES: ReadonlySet<string> = new Set([ErrorCode.UnknownGame, ErrorCode.GameLoadFailed, ErrorCode.Timeout, ErrorCode.Unavailable]);

export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  // Gauges read from stores (which may be remote later) are refreshed once per scrape, not
  // kept up to date on every change.
  const refreshers: (() => Promise<void> | void)[] = [];
  const metrics = {
    registry,
    /** Registers work to run before each scrape (reading queue sizes, counting matches). */
    beforeScrape(refresh: () => Promise<void> | void): void {
      refreshers.push(refresh);
    },
    async scrape(): Promise<string> {
      await Promise.all(refreshers.map((r) => r()));
      return registry.metrics();
    },
    queuePlayers: new Gauge({
      name: 'game_queue_players',
      help: 'Players waiting in a quick-play queue, by mode',
      labelNames: ['mode'] as const,
      registers: [registry],
    }),
    matchesByState: new Gauge({
      name: 'game_matches',
      help: 'Matches on this node by lifecycle state',
      labelNames: ['state'] as const,
      registers: [registry],
    }),
    tickDuration: new Histogram({
      name: 'game_tick_duration_seconds',
      help: 'Time one match tick takes: inputs, simulation step, snapshot encode and broadcast',
      // Fine below 1 ms, where a 16-player match's tick lives (budget p50 0.15 ms): the p50 is interpolated within a bucket.
      buckets: [0.00005, 0.0001, 0.00015, 0.0002, 0.00025, 0.0003, 0.0004, 0.0005, 0.00075, 0.001, 0.002, 0.004, 0.008, 0.016, 0.033, 0.066],
      registers: [registry],
    }),
    tickLateness: new Histogram({
      name: 'game_tick_lateness_seconds',
      help: 'How late a tick started against its schedule',
      buckets: [0.0005, 0.001, 0.002, 0.004, 0.008, 0.016, 0.033, 0.066, 0.133],
      registers: [registry],
    }),
    ticksSkipped: new Counter({
      name: 'game_ticks_skipped_total',
      help: 'Ticks dropped because the process fell more than two ticks behind',
      registers: [registry],
    }),
    playersConnected: new Gauge({ name: 'game_players_connected', help: 'Connected clients', registers: [registry] }),
    matchesActive: new Gauge({ name: 'game_matches_active', help: 'Matches running on this node', registers: [registry] }),
    snapshotBytes: new Counter({
      name: 'game_snapshot_bytes_total',
      help: 'Snapshot payload bytes sent to clients (payload size times recipients)',
      labelNames: ['kind'] as const,
      registers: [registry],
    }),
    snapshotsEncoded: new Counter({
      name: 'game_snapshots_encoded_total',
      help: 'Snapshots encoded (once per match per snapshot tick, plus personal keyframes)',
      labelNames: ['kind'] as const,
      registers: [registry],
    }),
    inputsDropped: new Counter({
      name: 'game_inputs_dropped_total',
      help: 'Inputs not applied: queue overflow (oldest dropped) or replayed sequence numbers',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    protocolErrors: new Counter({
      name: 'game_protocol_errors_total',
      help: 'Packets refused, by error code',
      labelNames: ['code'] as const,
      registers: [registry],
    }),
    clusterPublishBytes: new Counter({
      name: 'game_cluster_publish_bytes_total',
      help: 'Bytes this node published to Redis for other nodes (match streams, relayed inputs, requests), by kind',
      labelNames: ['kind'] as const,
      registers: [registry],
    }),
    inputRelayLatency: new Histogram({
      name: 'game_input_relay_seconds',
      help: 'From a player input leaving its node to reaching the match owner (nodes clocks are assumed in sync)',
      buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05],
      registers: [registry],
    }),
    busRefused: new Counter({
      name: 'game_cluster_bus_refused_total',
      help: 'Node bus messages refused as malformed (by frame, and the request or notice kind they named; "unknown" otherwise)',
      labelNames: ['frame', 'kind'] as const,
      registers: [registry],
    }),
    failovers: new Counter({ name: 'game_failovers_total', help: 'Matches this node adopted from a node that was gone', registers: [registry] }),
    checkpoints: new Counter({ name: 'game_checkpoints_total', help: 'Match checkpoints written (with the lease renewal)', registers: [registry] }),
    spectatorFeedFaults: new Counter({
      name: 'game_spectator_feed_faults_total',
      help: "Faults of spectators' re-simulations (a damaged chunk, a state that differs from a checkpoint, a gap in the log, the worker gone), by kind: each restarts the feed from the recording",
      labelNames: ['kind'] as const,
      registers: [registry],
    }),
    slowConsumers: new Counter({
      name: 'game_slow_consumer_skips_total',
      help: 'Times a client was taken off the delta stream because its socket could not keep up',
      registers: [registry],
    }),
    disconnects: new Counter({
      name: 'game_disconnects_total',
      help: "Sockets disconnected, by namespace and socket.io's reason",
      labelNames: ['namespace', 'reason'] as const,
      registers: [registry],
    }),
    originRefused: new Counter({
      name: 'game_origin_refused_total',
      help: 'Requests from a page of an origin this node does not take (CORS_ORIGINS), by route',
      labelNames: ['route'] as const,
      registers: [registry],
    }),
    slowConsumerDisconnects: new Counter({
      name: 'game_slow_consumer_disconnects_total',
      help: 'Connections closed because the server held more for them than the send-buffer cap (a client that stopped reading)',
      registers: [registry],
    }),
  };
  // Every known label starts at 0, so a rate() or an alert sees the series before the first event.
  for (const kind of ['key', 'delta']) metrics.snapshotBytes.inc({ kind }, 0);
  for (const kind of ['key', 'delta', 'json']) metrics.snapshotsEncoded.inc({ kind }, 0);
  for (const reason of ['overflow', 'replayed']) metrics.inputsDropped.inc({ reason }, 0);
  for (const code of Object.values(ErrorCode)) if (!CLIENT_SIDE_CODES.has(code)) metrics.protocolErrors.inc({ code }, 0);
  for (const kind of ['adapter', 'stream', 'input', 'control']) metrics.clusterPublishBytes.inc({ kind }, 0);
  for (const namespace of NAMESPACE_LABELS) for (const reason of DISCONNECT_REASONS) metrics.disconnects.inc({ namespace, reason }, 0);
  for (const route of ORIGIN_ROUTES) metrics.originRefused.inc({ route }, 0);
  for (const state of ['waiting', 'countdown', 'playing', 'ended']) metrics.matchesByState.set({ state }, 0);
  return metrics;
}

export type Metrics = ReturnType<typeof createMetrics>;
