/**
 * The net graph's feed: it counts the bytes each connection's engine sends and receives, takes the
 * server's tick time from its once-a-second `server_tick` push (asked for only while the graph is
 * open: a player who never opens it pays no bytes for it), syncs the clock (the RTT) once a
 * second while a match is on, and closes a one-second window of NetStats each second. Nothing here
 * asks the server over HTTP: everything the graph shows comes down the match connection.
 */
import { frameBytes } from '../../../shared/client/byte-counter.ts';
import type { ServerTick } from '../../../shared/protocol/events.ts';
import type { NetStats } from './net-stats.ts';

/** What the feed needs of a connection: its engine's packets, and a clock sync on /match. */
export interface FeedClient {
  manager: { engine?: unknown; on(event: 'open', fn: () => void): unknown };
  match: { socket: { connected: boolean }; syncClock(): Promise<number>; watchServerTick(on: boolean): unknown };
}

interface EngineLike {
  on(event: 'packet' | 'packetCreate', fn: (packet: { type: string; data?: unknown }) => void): void;
}

export interface NetGraphFeedDeps {
  stats: NetStats;
  /** True while a match is shown (the RTT is only measured then). */
  inMatch: () => boolean;
  /** Page time in ms (performance.now). */
  now?: () => number;
  setInterval?: (fn: () => void, ms: number) => unknown;
  clearInterval?: (handle: unknown) => void;
}

/** Bytes a packet takes in its WebSocket frame (text: one type character before the data). */
export function packetBytes(packet: { type: string; data?: unknown }, fromClient: boolean): number {
  const d = packet.data;
  const payload =
    d instanceof ArrayBuffer ? d.byteLength : ArrayBuffer.isView(d) ? d.byteLength : typeof d === 'string' ? 1 + d.length : 1;
  return frameBytes(payload, fromClient);
}

export class NetGraphFeed {
  private client: FeedClient | null = null;
  private watching = false;
  private ticker: unknown = null;
  private readonly now: () => number;

  constructor(private readonly deps: NetGraphFeedDeps) {
    this.now = deps.now ?? (() => performance.now());
  }

  get stats(): NetStats {
    return this.deps.stats;
  }

  /** Starts the once-a-second window. */
  start(): void {
    const every = this.deps.setInterval ?? ((fn, ms) => setInterval(fn, ms));
    this.ticker ??= every(() => this.everySecond(), 1000);
  }

  stop(): void {
    if (this.ticker !== null) (this.deps.clearInterval ?? ((h) => clearInterval(h as ReturnType<typeof setInterval>)))(this.ticker);
    this.ticker = null;
  }

  /** The graph opened or closed: the server's tick time is sent while it is open. */
  watch(open: boolean): void {
    if (open === this.watching) return;
    this.watching = open;
    this.client?.match.watchServerTick(open);
  }

  /** A new connection (or none): its bytes are counted from now on, on every engine it opens. */
  attach(client: FeedClient | null): void {
    this.client = client;
    if (!client) return;
    if (this.watching) client.match.watchServerTick(true);
    const countBytes = (): void => {
      const engine = client.manager.engine as EngineLike | undefined;
      engine?.on('packet', (p) => this.client === client && this.deps.stats.down(packetBytes(p, false)));
      engine?.on('packetCreate', (p) => this.client === client && this.deps.stats.up(packetBytes(p, true)));
    };
    countBytes();
    client.manager.on('open', countBytes);
  }

  /** The server's push: this match's tick time over the last second. */
  serverTick(tick: ServerTick): void {
    this.deps.stats.setServerTick(tick.meanMs, this.now());
  }

  /** The match connection dropped: the silence across it is not the network's worst gap. */
  dropped(): void {
    this.deps.stats.resetGap();
  }

  /** Measures the RTT now (a match was just joined: the HUD's ping needs no wait). */
  async ping(): Promise<void> {
    const match = this.client?.match;
    if (!match?.socket.connected) return;
    try {
      this.deps.stats.setRtt(await match.syncClock());
    } catch {
      // No answer in time: the graph shows the last RTT and the snapshot gap shows the trouble.
    }
  }

  private everySecond(): void {
    this.deps.stats.sample(this.now());
    if (this.deps.inMatch()) void this.ping();
  }
}
