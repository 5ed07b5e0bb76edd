/**
 * Quick play: turns each mode's queue into matches. A group is popped from the queue in one
 * atomic step (so two nodes, or two passes on one node, never take the same player), a match is
 * opened for it, and every player in it is seated and told. Runs when someone queues and on a
 * timer (for groups that form after the wait).
 */
import type { SeatGrant } from '../../shared/protocol/lobby-events.ts';
import type { Logger } from '../log.ts';
import type { Placement } from './placement.ts';
import type { QueueEntry, QueueStore } from './stores/index.ts';
import type { GameRegistry } from '../match/game-registry.ts';

export interface MatchmakerDeps {
  queue: QueueStore;
  games: GameRegistry;
  placement: Placement;
  /** Fill a match formed short of the mode's minimum with bots, so one player can play alone. */
  botFill: boolean;
  queueWaitMs: number;
  /** See GroupRule.nodeWaitMs; 0 on one node. */
  nodeWaitMs: number;
  /** Groups by rating (see GroupRule.window); null: first come, first served. */
  ratingWindow: { base: number; perSecond: number } | null;
  now: () => number;
  log: Logger;
  notify: (guestId: string, seat: SeatGrant) => void;
  /** A group left the queue: its parties are back in the lobby's hands (open to joins once placed). */
  popped?: (group: QueueEntry[]) => void;
  /** False while draining: nobody is placed. */
  accepting: () => boolean;
  /**
   * In a cluster: opens the group's match on the node that suits it better (most of its players
   * there, or the least loaded); true when another node did. Null on one node.
   */
  placeElsewhere: ((mode: string, group: QueueEntry[]) => Promise<boolean>) | null;
}

export class Matchmaker {
  private timer: ReturnType<typeof setInterval> | null = null;
  /** Per mode: a pass is running / another pass was asked for meanwhile. */
  private readonly running = new Set<string>();
  private readonly again = new Set<string>();

  constructor(private readonly deps: MatchmakerDeps) {}

  start(): void {
    // Every pass is a Redis script per mode in a cluster: at most once a second. A full group that
    // waits for one node's players (nodeWaitMs) forms within a second of its wait, which is fine.
    const every = Math.max(50, Math.min(1000, Math.floor(this.deps.queueWaitMs / 4)));
    this.timer = setInterval(() => {
      for (const mode of this.deps.games.modeIds()) this.poke(mode);
    }, every);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  poke(mode: string): void {
    if (this.running.has(mode)) {
      this.again.add(mode);
      return;
    }
    this.running.add(mode);
    void this.pass(mode).finally(() => {
      this.running.delete(mode);
      if (this.again.delete(mode)) this.poke(mode);
    });
  }

  private async pass(mode: string): Promise<void> {
    const spec = this.deps.games.mode(mode);
    if (!spec) return;
    try {
      for (;;) {
        if (!this.deps.accepting()) return;
        const group = await this.deps.queue.popGroup(mode, {
          min: this.deps.botFill ? 1 : spec.minPlayers,
          max: spec.maxPlayers,
          waitMs: this.deps.queueWaitMs,
          nodeWaitMs: this.deps.nodeWaitMs,
          now: this.deps.now(),
          ...(this.deps.ratingWindow && { window: this.deps.ratingWindow }),
        });
        if (group.length === 0) return;
        try {
          await this.form(spec, group);
        } finally {
          // After the seats are told, so a party's members hear `matched` before "back from the queue".
          this.deps.popped?.(group);
        }
      }
    } catch (error) {
      this.deps.log.error({ mode, err: error }, 'matchmaking pass failed');
    }
  }

  private async form(spec: { id: string }, group: QueueEntry[]): Promise<void> {
    if (this.deps.placeElsewhere && (await this.deps.placeElsewhere(spec.id, group))) return;
    await this.formHere(spec.id, group);
  }

  /** Opens the group's match on this node, seats and tells its players; the match id, or null. */
  async formHere(mode: string, group: QueueEntry[]): Promise<string | null> {
    const spec = this.deps.games.mode(mode);
    if (!spec) return null;
    const host = await this.deps.placement.open({
      mode: spec.id,
      visibility: 'public',
      ownerId: null,
      maxPlayers: spec.maxPlayers,
      options: { ...spec.options },
      autoStart: true,
    });
    if (!host) return null;
    const seated: string[] = [];
    await Promise.all(
      group.map(async (entry) => {
        // A party's ticket is not put back (its members are told they left the queue: `popped`).
        const backInQueue = entry.party === undefined ? () => this.deps.queue.enqueue(spec.id, entry) : undefined;
        const res = await this.deps.placement.claim(host, { guestId: entry.guestId, nickname: entry.nickname }, backInQueue);
        // Not seated: the player took a seat elsewhere (joined by code) while it was being popped,
        // or the store did not answer (placement undoes the claim and puts the player back).
        if (!res.ok) return this.deps.log.info({ matchId: host.id, guestId: entry.guestId, code: res.code }, 'queued player not seated');
        seated.push(entry.guestId);
        const { ok: _ok, ...grant } = res;
        this.deps.notify(entry.guestId, grant);
      }),
    );
    if (host.humanCount === 0) {
      host.dispose();
      return null;
    }
    if (this.deps.botFill) while (host.playerCount < spec.minPlayers && host.addBot());
    this.deps.log.info({ matchId: host.id, mode: spec.id, players: seated.length, bots: host.botCount }, 'quick play match formed');
    return host.id;
  }
}
