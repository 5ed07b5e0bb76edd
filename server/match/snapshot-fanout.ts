/**
 * Sends a match's snapshots: encoded once per snapshot tick and broadcast to every subscriber.
 * Subscribers share one delta chain, so whoever is not on it (just joined, or taken off because
 * its socket backed up) gets a personal keyframe first and joins the broadcast after it.
 */
import type { SnapshotCodec, SnapshotHeader } from '../../shared/game/game-definition.ts';
import type { Metrics } from '../metrics.ts';

type Snapshot = SnapshotHeader;

/**
 * The spectators' fan-out's one subscriber that stands for every other node with spectators of
 * the match: what it is sent goes out once on the match's spectators' stream over the node bus,
 * which those nodes relay to their spectators (server/cluster/remote-matches.ts). So a relaying
 * node's spectators see what the owner's see (from the recording), and that node delays nothing.
 */
export const OTHER_NODES = '@nodes';

/** How the fan-out reaches clients; socket.io rooms in production, arrays in tests. */
export interface FanoutTransport {
  /**
   * Sends to every subscribed client; returns how many it reached. A transport that
   * `checksBackedUp` and is given `backedUp` sends nothing to a client that `isBackedUp` and
   * pushes its id there instead.
   */
  broadcast(bytes: Uint8Array, backedUp?: string[]): number;
  send(subscriberId: string, bytes: Uint8Array): void;
  subscribe(subscriberId: string): void;
  unsubscribe(subscriberId: string): void;
  /** True when this client's outgoing buffer is so full that it should leave the delta chain. */
  isBackedUp(subscriberId: string): boolean;
  /** True when this client's outgoing buffer is empty again. */
  isDrained(subscriberId: string): boolean;
  /**
   * The broadcast makes the slow-reader check itself, in its own pass over the subscribers
   * (`broadcast`'s `backedUp`), so the fan-out makes none before it: a second pass over every
   * subscriber each tick cost as much memory traffic as the broadcast's own at 1,000 players.
   */
  readonly checksBackedUp?: boolean;
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
  /** A reader elsewhere lost the stream (see keyframeSoon): the next snapshot is a keyframe. */
  private keyframeAsked = false;
  private readonly onChain = new Set<string>();
  /** Not on the delta chain; they get a keyframe as soon as their socket can take one. */
  private readonly waiting = new Set<string>();
  /** Filled by a broadcast that checks backlogs itself (reused, so no array per tick). */
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

  /**
   * Makes the next snapshot a keyframe: another node's relay has no base to decode the deltas on
   * (it subscribed after the keyframe meant for it went out) and would otherwise wait for the
   * periodic one, up to a second of frozen screen for its players.
   */
  keyframeSoon(): void {
    this.keyframeAsked = true;
  }

  /** Encodes the snapshot once (a keyframe when due, else a delta) and sends it to everybody. */
  publish(snapshot: Snapshot): void {
    if (this.transport.broadcastState) return this.publishState(snapshot, this.transport.broadcastState.bind(this.transport));
    const wanted = (this.transport.wantsKeyframe?.() ?? false) || this.keyframeAsked;
    this.keyframeAsked = false;
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
    const checked = this.transport.checksBackedUp === true;
    if (!checked) this.dropBackedUp();
    if (isKey) this.lastKeyframeTick = snapshot.tick;
    const kind = isKey ? 'key' : 'delta';
    const reached = this.onChain.size > 0 || this.transport.hasOtherReaders?.() === true ? this.transport.broadcast(bytes, checked ? this.backedUp : undefined) : 0;
    if (this.backedUp.length > 0) this.dropped(this.backedUp);
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

  private dropBackedUp(): void {
    for (const id of this.onChain) {
      if (this.transport.isBackedUp(id)) this.drop(id);
    }
  }

  /** The broadcast skipped these (it checks backlogs itself): off the chain, as dropBackedUp does. */
  private dropped(ids: string[]): void {
    for (const id of ids) if (this.onChain.has(id)) this.drop(id);
    ids.length = 0;
  }

  /** Off the delta chain: a keyframe when the socket drains, then back on. */
  private drop(id: string): void {
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
