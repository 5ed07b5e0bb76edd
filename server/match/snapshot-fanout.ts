/**
 * Sends a match's snapshots: encoded once per snapshot tick and broadcast to every subscriber.
 * Subscribers share one delta chain, so whoever is not on it (just joined, or taken off because
 * its socket backed up) gets a personal keyframe first and joins the broadcast after it.
 */
import type { SnapshotCodec, SnapshotHeader } from '../../shared/game/game-definition.ts';
import type { Metrics } from '../metrics.ts';

type Snapshot = SnapshotHeader;

/** How the fan-out reaches clients; socket.io rooms in production, arrays in tests. */
export interface FanoutTransport {
  /** Sends to every subscribed client; returns how many it reached. */
  broadcast(bytes: Uint8Array): number;
  send(subscriberId: string, bytes: Uint8Array): void;
  subscribe(subscriberId: string): void;
  unsubscribe(subscriberId: string): void;
  /** True when this client's outgoing buffer is so full that it should leave the delta chain. */
  isBackedUp(subscriberId: string): boolean;
  /**
   * `broadcast` and `isBackedUp` in one pass over the subscribers, when the transport can: sends
   * to every subscribed client that is not backed up, appends those that are to `backedUp` (sent
   * nothing), and returns how many it reached. The fan-out then takes them off the chain.
   */
  broadcastUnlessBackedUp?(bytes: Uint8Array, backedUp: string[]): number;
  /** True when this client's outgoing buffer is empty again. */
  isDrained(subscriberId: string): boolean;
  /**
   * True when the next snapshot must be a keyframe for a reader the transport knows about and
   * the fan-out does not (another node just started relaying the stream). Asked once per publish.
   */
  wantsKeyframe?(): boolean;
  /** True when readers the fan-out does not track (other nodes' relays) take the broadcast. */
  hasOtherReaders?(): boolean;
  /**
   * Only in the plain-JSON baseline mode (server/net/json-baseline.ts): sends the whole state as
   * a JSON event instead of binary keyframes and deltas. Returns how many clients it reached.
   */
  broadcastState?(snapshot: Snapshot): number;
}

export class SnapshotFanout {
  private base: Snapshot | null = null;
  private lastKeyframeTick = -Infinity;
  private readonly onChain = new Set<string>();
  /** Not on the delta chain; they get a keyframe as soon as their socket can take one. */
  private readonly waiting = new Set<string>();
  /** Reused every publish: who broadcastUnlessBackedUp found backed up. */
  private readonly backedUp: string[] = [];

  constructor(
    private readonly transport: FanoutTransport,
    private readonly codec: SnapshotCodec<Snapshot>,
    private readonly keyframeEveryTicks: number,
    private readonly metrics: Metrics,
  ) {}

  add(subscriberId: string): void {
    this.waiting.add(subscriberId);
  }

  remove(subscriberId: string): void {
    this.waiting.delete(subscriberId);
    if (this.onChain.delete(subscriberId)) this.transport.unsubscribe(subscriberId);
  }

  /** Encodes the snapshot once (a keyframe when due, else a delta) and sends it to everybody. */
  publish(snapshot: Snapshot): void {
    if (this.transport.broadcastState) return this.publishState(snapshot, this.transport.broadcastState.bind(this.transport));
    const wanted = this.transport.wantsKeyframe?.() ?? false;
    const isKey = wanted || this.base === null || snapshot.tick - this.lastKeyframeTick >= this.keyframeEveryTicks;
    const bytes = isKey ? this.codec.encodeKeyframe(snapshot) : this.codec.encodeDelta(this.base!, snapshot);
    this.metrics.snapshotsEncoded.inc({ kind: isKey ? 'key' : 'delta' });
    this.deliver(snapshot, bytes, isKey);
  }

  /**
   * Sends bytes someone else encoded (the match's owner, on another node) for `snapshot` (their
   * decoding): the same stream, the same keyframes for newcomers and slow readers.
   */
  relay(snapshot: Snapshot, bytes: Uint8Array, isKey: boolean): void {
    this.deliver(snapshot, bytes, isKey);
  }

  private deliver(snapshot: Snapshot, bytes: Uint8Array, isKey: boolean): void {
    if (isKey) this.lastKeyframeTick = snapshot.tick;
    const kind = isKey ? 'key' : 'delta';
    const reached = this.broadcast(bytes);
    this.metrics.snapshotBytes.inc({ kind }, bytes.length * reached);
    this.base = snapshot;
    this.admitWaiting(snapshot, isKey ? bytes : null);
  }

  /** JSON baseline: every message is the whole state, so there is no chain to join or fall off. */
  private publishState(snapshot: Snapshot, broadcastState: (s: Snapshot) => number): void {
    for (const id of this.waiting) {
      this.onChain.add(id);
      this.transport.subscribe(id);
    }
    this.waiting.clear();
    this.metrics.snapshotsEncoded.inc({ kind: 'json' });
    broadcastState(snapshot);
  }

  /** Sends to the chain, minus whoever is backed up: they leave it first and wait for a keyframe. */
  private broadcast(bytes: Uint8Array): number {
    const transport = this.transport;
    if (!transport.broadcastUnlessBackedUp) {
      for (const id of this.onChain) if (transport.isBackedUp(id)) this.dropFromChain(id);
      return this.anyReader() ? transport.broadcast(bytes) : 0;
    }
    if (!this.anyReader()) return 0;
    const backedUp = this.backedUp;
    const reached = transport.broadcastUnlessBackedUp(bytes, backedUp);
    for (const id of backedUp) if (this.onChain.has(id)) this.dropFromChain(id);
    backedUp.length = 0;
    return reached;
  }

  private anyReader(): boolean {
    return this.onChain.size > 0 || this.transport.hasOtherReaders?.() === true;
  }

  private dropFromChain(id: string): void {
    this.onChain.delete(id);
    this.transport.unsubscribe(id);
    this.waiting.add(id);
    this.metrics.slowConsumers.inc();
  }

  /** One keyframe encode serves everybody admitted this tick. */
  private admitWaiting(snapshot: Snapshot, keyframe: Uint8Array | null): void {
    let bytes = keyframe;
    for (const id of this.waiting) {
      if (!this.transport.isDrained(id)) continue;
      if (!bytes) {
        bytes = this.codec.encodeKeyframe(snapshot);
        this.metrics.snapshotsEncoded.inc({ kind: 'key' });
      }
      this.transport.send(id, bytes);
      this.metrics.snapshotBytes.inc({ kind: 'key' }, bytes.length);
      this.waiting.delete(id);
      this.onChain.add(id);
      this.transport.subscribe(id);
    }
  }
}
