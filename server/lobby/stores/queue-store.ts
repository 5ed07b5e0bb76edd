/**
 * Quick-play queues, one per mode. A player waits in at most one queue. Every method is one atomic
 * step, so the Redis implementation (multi-node issue) can make each a Lua script and two nodes
 * popping at once never take the same player.
 */

export interface QueueEntry {
  guestId: string;
  nickname: string;
  /** Server clock, epoch ms. */
  enqueuedAt: number;
  /** The node the player's lobby connection is on (cluster placement); absent on one node. */
  nodeId?: string;
}

export interface GroupRule {
  min: number;
  max: number;
  /** A group smaller than `max` forms once its oldest member has waited this long. */
  waitMs: number;
  now: number;
}

export type EnqueueResult = { added: true; waiting: number } | { added: false; mode: string };

export interface QueueStore {
  /** Adds the player unless it already waits in a queue (then says which one). */
  enqueue(mode: string, entry: QueueEntry): Promise<EnqueueResult>;
  /** Takes the player out of whichever queue holds it; returns that mode, or null. */
  remove(guestId: string): Promise<string | null>;
  /**
   * Takes the oldest `max` players when that many wait; otherwise all of them if there are at
   * least `min` and the oldest has waited `waitMs`; otherwise nobody.
   */
  popGroup(mode: string, rule: GroupRule): Promise<QueueEntry[]>;
  size(mode: string): Promise<number>;
}

export class MemoryQueueStore implements QueueStore {
  /** Insertion-ordered: Map iteration order is the queue order. */
  private readonly queues = new Map<string, Map<string, QueueEntry>>();
  private readonly modeOf = new Map<string, string>();

  async enqueue(mode: string, entry: QueueEntry): Promise<EnqueueResult> {
    const current = this.modeOf.get(entry.guestId);
    if (current !== undefined) return { added: false, mode: current };
    const queue = this.queue(mode);
    queue.set(entry.guestId, { ...entry });
    this.modeOf.set(entry.guestId, mode);
    return { added: true, waiting: queue.size };
  }

  async remove(guestId: string): Promise<string | null> {
    const mode = this.modeOf.get(guestId);
    if (mode === undefined) return null;
    this.modeOf.delete(guestId);
    this.queues.get(mode)?.delete(guestId);
    return mode;
  }

  async popGroup(mode: string, rule: GroupRule): Promise<QueueEntry[]> {
    const queue = this.queues.get(mode);
    if (!queue || queue.size === 0) return [];
    const oldest = queue.values().next().value!;
    const full = queue.size >= rule.max;
    const waitedEnough = queue.size >= rule.min && rule.now - oldest.enqueuedAt >= rule.waitMs;
    if (!full && !waitedEnough) return [];
    const group: QueueEntry[] = [];
    for (const entry of queue.values()) {
      if (group.length >= rule.max) break;
      group.push(entry);
    }
    for (const entry of group) {
      queue.delete(entry.guestId);
      this.modeOf.delete(entry.guestId);
    }
    return group;
  }

  async size(mode: string): Promise<number> {
    return this.queues.get(mode)?.size ?? 0;
  }

  private queue(mode: string): Map<string, QueueEntry> {
    let q = this.queues.get(mode);
    if (!q) this.queues.set(mode, (q = new Map()));
    return q;
  }
}
