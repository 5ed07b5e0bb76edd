/**
 * Quick-play queues, one per mode. A player waits in at most one queue. Every method is one atomic
 * step, so the Redis implementation can make each a Lua script and two nodes popping at once never
 * take the same player.
 *
 * A party waits as one ticket: its members are enqueued together (all or none), popped together
 * into one group, and removing any one of them takes the whole ticket out. With a rating window a
 * group forms around one ticket from those whose rating is close to it, and the window widens
 * with that ticket's wait, so a player far from everybody still plays, only later.
 */

export interface QueueEntry {
  guestId: string;
  nickname: string;
  /** Server clock, epoch ms. */
  enqueuedAt: number;
  /** The node the player's lobby connection is on (cluster placement); absent on one node. */
  nodeId?: string;
  /** Matchmaking rating (a party's members all carry the party's); absent counts as 1000. */
  rating?: number;
  /** A party's ticket: its code, and every member's guest id (this one included). */
  party?: string;
  with?: string[];
}

export interface GroupRule {
  min: number;
  max: number;
  /** A group smaller than `max` forms once its oldest member has waited this long. */
  waitMs: number;
  now: number;
  /**
   * Only tickets within `base + perSecond × (seconds the group's first ticket waited)` rating
   * points of that ticket join its group; absent: first come, first served.
   */
  window?: { base: number; perSecond: number };
  /**
   * In a cluster: a full group that would mix players of several nodes (their `nodeId`) forms
   * only once its first ticket has waited this long (at most `waitMs`), so that a full group of
   * one node's players can form first: its match runs where all its players are, nothing is
   * relayed. Short groups are not held back (a quiet queue would not fill one node's group).
   * Absent or 0: nodes play no part.
   */
  nodeWaitMs?: number;
}

export const DEFAULT_QUEUE_RATING = 1000;

export type EnqueueResult = { added: true; waiting: number } | { added: false; mode: string; guestId?: string };

export interface QueueStore {
  /** Adds the player unless it already waits in a queue (then says which one). */
  enqueue(mode: string, entry: QueueEntry): Promise<EnqueueResult>;
  /**
   * Adds a party's members as one ticket, all or none: refused (with the mode and the member)
   * when any of them already waits in a queue.
   */
  enqueueGroup(mode: string, entries: readonly QueueEntry[]): Promise<EnqueueResult>;
  /** Takes the player (and its whole party ticket) out of whichever queue holds it; returns that mode, or null. */
  remove(guestId: string): Promise<string | null>;
  /**
   * Tries each ticket as the group's first, oldest first: with the tickets after and before it
   * that fit (whole, within the rating window), a group of `max` players forms at once, and a
   * smaller one of at least `min` once that first ticket has waited `waitMs`; otherwise nobody.
   * Without a window and parties this is: the oldest `max`, or all after the wait.
   */
  popGroup(mode: string, rule: GroupRule): Promise<QueueEntry[]>;
  size(mode: string): Promise<number>;
  /** The mode the player waits in, or null. */
  modeOf(guestId: string): Promise<string | null>;
}

/** Tickets a pass tries as the group's first: bounds a pass over a long queue. */
export const MAX_ANCHORS = 64;

interface Ticket {
  entries: QueueEntry[];
  rating: number;
  enqueuedAt: number;
}

/** Queue entries (arrival order) as tickets: a party's members form one, at its first member's place. */
export function tickets(entries: Iterable<QueueEntry>): Ticket[] {
  const out: Ticket[] = [];
  const byParty = new Map<string, Ticket>();
  for (const entry of entries) {
    const existing = entry.party === undefined ? undefined : byParty.get(entry.party);
    if (existing) {
      existing.entries.push(entry);
      continue;
    }
    const ticket = { entries: [entry], rating: entry.rating ?? DEFAULT_QUEUE_RATING, enqueuedAt: entry.enqueuedAt };
    if (entry.party !== undefined) byParty.set(entry.party, ticket);
    out.push(ticket);
  }
  return out;
}

/** The node a ticket's players are on (its first member's): '' when unknown or on one node. */
const nodeOf = (t: Ticket): string => t.entries[0]?.nodeId ?? '';

/**
 * The group the rule forms from these tickets (see QueueStore.popGroup), or null. Per anchor,
 * first the group of the anchor's node only: full, it forms at once. Otherwise the group from
 * every node forms as before, except that a full one that mixes nodes waits for
 * `min(nodeWaitMs, waitMs)`: meanwhile a later anchor's node may fill a group of its own.
 */
export function chooseGroup(all: readonly Ticket[], rule: GroupRule): Ticket[] | null {
  const nodeWait = rule.nodeWaitMs ?? 0;
  for (let a = 0; a < Math.min(all.length, MAX_ANCHORS); a++) {
    const anchor = all[a]!;
    const waited = rule.now - anchor.enqueuedAt;
    const window = rule.window ? rule.window.base + (rule.window.perSecond * Math.max(0, waited)) / 1000 : Infinity;
    if (anchor.entries.length > rule.max) continue;
    const build = (node: string | null): { chosen: Set<number>; n: number; mixed: boolean } => {
      const chosen = new Set([a]);
      let n = anchor.entries.length;
      let mixed = false;
      for (let i = 0; i < all.length && n < rule.max; i++) {
        const t = all[i]!;
        if (i === a || n + t.entries.length > rule.max || Math.abs(t.rating - anchor.rating) > window) continue;
        if (node !== null && nodeOf(t) !== node) continue;
        chosen.add(i);
        n += t.entries.length;
        if (nodeOf(t) !== nodeOf(anchor)) mixed = true;
      }
      return { chosen, n, mixed };
    };
    // In arrival order, whichever ticket the group formed around.
    const pick = (chosen: Set<number>): Ticket[] => all.filter((_, i) => chosen.has(i));
    if (nodeWait > 0) {
      const local = build(nodeOf(anchor));
      if (local.n >= rule.max) return pick(local.chosen);
    }
    const any = build(null);
    const fullAfter = any.mixed ? Math.min(nodeWait, rule.waitMs) : 0;
    if ((any.n >= rule.max && waited >= fullAfter) || (any.n >= rule.min && waited >= rule.waitMs)) return pick(any.chosen);
  }
  return null;
}

export class MemoryQueueStore implements QueueStore {
  /** Insertion-ordered: Map iteration order is the queue order. */
  private readonly queues = new Map<string, Map<string, QueueEntry>>();
  private readonly queuedIn = new Map<string, string>();

  async enqueue(mode: string, entry: QueueEntry): Promise<EnqueueResult> {
    return this.enqueueGroup(mode, [entry]);
  }

  async enqueueGroup(mode: string, entries: readonly QueueEntry[]): Promise<EnqueueResult> {
    for (const entry of entries) {
      const current = this.queuedIn.get(entry.guestId);
      if (current !== undefined) return { added: false, mode: current, ...(entries.length > 1 && { guestId: entry.guestId }) };
    }
    const queue = this.queue(mode);
    for (const entry of entries) {
      queue.set(entry.guestId, { ...entry });
      this.queuedIn.set(entry.guestId, mode);
    }
    return { added: true, waiting: queue.size };
  }

  async remove(guestId: string): Promise<string | null> {
    const mode = this.queuedIn.get(guestId);
    if (mode === undefined) return null;
    const queue = this.queues.get(mode)!;
    for (const id of queue.get(guestId)?.with ?? [guestId]) {
      if (this.queuedIn.get(id) !== mode) continue;
      this.queuedIn.delete(id);
      queue.delete(id);
    }
    return mode;
  }

  async popGroup(mode: string, rule: GroupRule): Promise<QueueEntry[]> {
    const queue = this.queues.get(mode);
    if (!queue || queue.size === 0 || rule.max < 1) return [];
    const group = chooseGroup(tickets(queue.values()), rule);
    if (!group) return [];
    const popped = group.flatMap((t) => t.entries);
    for (const entry of popped) {
      queue.delete(entry.guestId);
      this.queuedIn.delete(entry.guestId);
    }
    return popped;
  }

  async size(mode: string): Promise<number> {
    return this.queues.get(mode)?.size ?? 0;
  }

  async modeOf(guestId: string): Promise<string | null> {
    return this.queuedIn.get(guestId) ?? null;
  }

  private queue(mode: string): Map<string, QueueEntry> {
    let q = this.queues.get(mode);
    if (!q) this.queues.set(mode, (q = new Map()));
    return q;
  }
}
