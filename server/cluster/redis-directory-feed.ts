/**
 * Turns the directory's change channel into what MatchDirectory.subscribe promises: every change,
 * once, in version order, on every node, and still after the subscriber's connection drops.
 *
 * Pub/sub alone gives order but not completeness: a message published while a subscriber is
 * disconnected is gone. So every change is also kept in a capped stream keyed by its version
 * (written by the same script that publishes it), and the feed remembers the last version it
 * delivered:
 * - the next version is delivered at once; an older one is a duplicate and dropped;
 * - a newer one reveals a gap: it is held back while the missing versions are read from the stream;
 * - when the connection comes back (ioredis resubscribes by itself), the feed publishes a probe on
 *   the channel and waits for it to come back, which proves the subscription is live again, then
 *   reads the stream from its last version: changes made during the outage arrive, in order,
 *   before any made after it.
 * A subscriber away for longer than the stream reaches back hears about it through onError and
 * carries on from the oldest change kept.
 */
import { randomUUID } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';
import type { DirectoryChange } from '../lobby/stores/index.ts';
import type { LobbyKeys } from './redis-keys.ts';
import type { RedisClient } from './redis-script.ts';

type Listener = (change: DirectoryChange) => void;

export interface DirectoryFeedDeps {
  /** The stores' command connection: baseline version, stream reads and probes go through it. */
  redis: RedisClient;
  keys: LobbyKeys['dir'];
  sharded: boolean;
  onError(error: Error): void;
}

/** A probe not heard back within this is published again (the subscription is not live yet). */
const PROBE_TIMEOUT_MS = 1_000;
/** A catch-up that failed (Redis unreachable) is tried again after this. */
const RETRY_MS = 500;
const READ_BATCH = 500;

/** The listeners of one directory; one subscriber connection while any is subscribed. */
export class DirectoryFeed {
  private readonly listeners = new Set<Listener>();
  private session: FeedSession | null = null;

  constructor(private readonly deps: DirectoryFeedDeps) {}

  add(listener: Listener): () => void {
    this.listeners.add(listener);
    this.session ??= new FeedSession(this.deps, (change) => this.deliver(change));
    return () => {
      if (this.listeners.delete(listener) && this.listeners.size === 0) this.stopSession();
    };
  }

  close(): void {
    this.listeners.clear();
    this.stopSession();
  }

  private stopSession(): void {
    this.session?.close();
    this.session = null;
  }

  private deliver(change: DirectoryChange): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(change);
      } catch (error) {
        this.deps.onError(asError(error));
      }
    }
  }
}

/** One subscriber connection and the ordering state that goes with it. */
class FeedSession {
  private readonly subscriber: RedisClient;
  /** Last version delivered; null until the subscription is live and the baseline known. */
  private last: number | null = null;
  /** Changes that arrived ahead of a gap, or while a catch-up was running. */
  private readonly held = new Map<number, DirectoryChange>();
  private syncing = false;
  private syncAgain = false;
  private probeAgain = false;
  private readonly probes = new Map<string, (heard: boolean) => void>();
  private retryTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly deps: DirectoryFeedDeps,
    private readonly deliver: Listener,
  ) {
    const { redis, keys, sharded } = deps;
    // Sent before subscribe() returns, on the connection the stores write through, so any change
    // written after the subscribe call gets a higher version than this baseline.
    const baseline = redis.get(keys.version);
    this.subscriber = sharded
      ? (redis as Cluster).duplicate([], { shardedSubscribers: true })
      : (redis as Redis).duplicate();
    this.subscriber.on('error', (error: unknown) => this.report(error));
    this.subscriber.on(sharded ? 'smessage' : 'message', (channel: string, message: string) => {
      if (channel === keys.channel) this.onMessage(message);
    });
    // Emitted after a reconnect, when ioredis has resubscribed or is about to: the probe tells which.
    this.subscriber.on(sharded ? 'subscribersReady' : 'ready', () => {
      if (this.last !== null) this.sync(true);
    });
    void this.start(baseline);
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.retryTimer);
    for (const settle of this.probes.values()) settle(false);
    this.held.clear();
    this.subscriber.disconnect();
  }

  private async start(baseline: Promise<string | null>): Promise<void> {
    // Read only after the subscription: if that fails first (Redis away), nobody awaits the
    // baseline, and its own failure would be an unhandled rejection, which ends the process.
    baseline.catch(() => undefined);
    try {
      const { keys, sharded } = this.deps;
      await (sharded ? this.subscriber.ssubscribe(keys.channel) : this.subscriber.subscribe(keys.channel));
      const version = Number((await baseline) ?? 0);
      if (this.closed) return;
      this.last = version;
      // Changes between the baseline and the moment the subscription went live are in the stream.
      this.sync(false);
    } catch (error) {
      if (this.closed) return;
      this.report(error);
      this.retryTimer = setTimeout(() => void this.start(this.deps.redis.get(this.deps.keys.version)), RETRY_MS);
      this.retryTimer.unref();
    }
  }

  private onMessage(raw: string): void {
    if (this.closed) return;
    let message: DirectoryChange | { probe: string };
    try {
      message = JSON.parse(raw) as DirectoryChange | { probe: string };
    } catch (error) {
      return this.report(error);
    }
    if ('probe' in message) return this.probes.get(message.probe)?.(true);
    if (this.last !== null && message.version <= this.last) return;
    this.held.set(message.version, message);
    if (this.last === null || this.syncing) return;
    this.drain();
    if (this.held.size > 0) this.sync(false);
  }

  /** Delivers held changes while they continue the sequence. */
  private drain(): void {
    for (const version of this.held.keys()) if (version <= this.last!) this.held.delete(version);
    for (let next = this.held.get(this.last! + 1); next && !this.closed; next = this.held.get(this.last! + 1)) {
      this.held.delete(next.version);
      this.last = next.version;
      this.deliver(next);
    }
  }

  /** Reads what was missed from the stream (after a probe when the connection was down); one at a time. */
  private sync(probe: boolean): void {
    if (this.closed) return;
    if (this.syncing) {
      this.syncAgain = true;
      this.probeAgain ||= probe;
      return;
    }
    this.syncing = true;
    void (async () => {
      let needProbe = probe;
      let reread = false;
      try {
        do {
          this.syncAgain = false;
          if (needProbe) await this.probe();
          await this.catchUp();
          if (this.closed) return;
          this.drain();
          needProbe = this.probeAgain;
          this.probeAgain = false;
          // A change held beyond a gap may have arrived after the read began: read once more
          // before calling the gap lost.
          if (this.held.size > 0 && !reread) this.syncAgain = reread = true;
        } while (this.syncAgain && !this.closed);
        this.skipUnfillableGap();
      } catch (error) {
        if (this.closed) return;
        this.report(error);
        this.retryTimer = setTimeout(() => this.sync(true), RETRY_MS);
        this.retryTimer.unref();
      } finally {
        this.syncing = false;
      }
    })();
  }

  private async catchUp(): Promise<void> {
    for (;;) {
      const rows = await this.deps.redis.xrange(this.deps.keys.log, `${this.last! + 1}-0`, '+', 'COUNT', READ_BATCH);
      if (this.closed) return;
      for (const [id, fields] of rows) {
        const version = Number.parseInt(id, 10);
        if (version <= this.last!) continue;
        if (version > this.last! + 1) this.reportGap(version);
        this.held.delete(version);
        this.last = version;
        this.deliver(JSON.parse(fields[1]!) as DirectoryChange);
      }
      if (rows.length < READ_BATCH) return;
    }
  }

  /**
   * Held changes that a read begun after they arrived still could not connect to the last one
   * delivered: every published change is in the stream unless trimmed, so the missing ones are
   * lost. Deliver the rest rather than wait forever.
   */
  private skipUnfillableGap(): void {
    if (this.held.size === 0 || this.closed) return;
    const next = Math.min(...this.held.keys());
    this.reportGap(next);
    this.last = next - 1;
    this.drain();
  }

  private async probe(): Promise<void> {
    const { redis, keys, sharded } = this.deps;
    while (!this.closed) {
      const id = randomUUID();
      const heard = new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), PROBE_TIMEOUT_MS);
        this.probes.set(id, (ok) => {
          clearTimeout(timer);
          resolve(ok);
        });
      });
      try {
        const message = JSON.stringify({ probe: id });
        await (sharded ? redis.spublish(keys.channel, message) : redis.publish(keys.channel, message));
        if (await heard) return;
      } finally {
        this.probes.delete(id);
      }
    }
  }

  private reportGap(version: number): void {
    this.report(new Error(`directory changes ${this.last! + 1} to ${version - 1} were trimmed from the change log before this node read them`));
  }

  private report(error: unknown): void {
    this.deps.onError(asError(error));
  }
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
