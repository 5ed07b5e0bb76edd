/**
 * Spectators of a public match see it `delayTicks` behind the players (SPECTATOR_DELAY_S): a
 * spectator cannot call out positions to a player ("ghosting"). This is the way for streams that
 * have no recording to re-simulate: a match that is not recorded (replays off), on its owner
 * (other nodes relay the owner's spectators' stream: server/cluster/remote-matches.ts). A
 * recorded match's spectators are served from its recording (recorded-spectators.ts).
 *
 * The stream's snapshots, already built for the players, wait here in order and go out on their
 * own stream (a room of their own, a delta chain of their own) once they are old enough. Cost:
 * one delta encode per snapshot tick and `delay × snapshot rate` references held, both only while
 * somebody watches. Nobody watching, nothing is queued: snapshots held for seconds outlive V8's
 * young generation, and keeping them for every public match cost the server ~150 MB of heap and
 * ~4 % more CPU at 1,000 players (BENCHMARKS.md, "Merged"). So a spectator's stream starts
 * `delayTicks` after they arrive. After the match ends the queue keeps flowing at the match's
 * pace (`drain`, once a tick), so spectators see the end too.
 *
 * Verbs: add / remove a spectator; `rekey` (a keyframe again for one); push the tick's live snapshot; drain a tick after the end.
 */
import type { SnapshotHeader } from '../../shared/game/game-definition.ts';

/** The part of the snapshot fan-out this uses (server/match/snapshot-fanout.ts). */
export interface SpectatorStream {
  add(subscriberId: string): void;
  remove(subscriberId: string): void;
  publish(snapshot: SnapshotHeader): void;
}

export class DelayedSpectators {
  private readonly queue: SnapshotHeader[] = [];
  private head = 0;
  private readonly watching = new Set<string>();
  /** The tick the match is at, as far as this queue knows (it runs on by itself after the end). */
  private now = -Infinity;

  constructor(
    private readonly stream: SpectatorStream,
    readonly delayTicks: number,
  ) {}

  get count(): number {
    return this.watching.size;
  }

  /** Queued snapshots (for tests and metrics). */
  get pending(): number {
    return this.queue.length - this.head;
  }

  add(subscriberId: string): void {
    this.watching.add(subscriberId);
    this.stream.add(subscriberId);
  }

  remove(subscriberId: string): void {
    if (!this.watching.delete(subscriberId)) return;
    this.stream.remove(subscriberId);
    if (this.watching.size === 0) this.forget();
  }

  /** The spectator's next snapshot is a keyframe again (its reader lost the chain's base). */
  rekey(subscriberId: string): void {
    if (!this.watching.has(subscriberId)) return;
    this.stream.remove(subscriberId);
    this.stream.add(subscriberId);
  }

  /** The live snapshot of this tick: queued (while somebody watches), and whatever is now `delayTicks` old goes out. */
  push(snapshot: SnapshotHeader): void {
    this.now = snapshot.tick;
    if (this.watching.size === 0) return;
    this.queue.push(snapshot);
    this.release();
  }

  private forget(): void {
    this.queue.length = 0;
    this.head = 0;
  }

  /** A tick without a live snapshot (the match ended, or none was due): the queue moves on. */
  drain(): void {
    if (this.pending === 0) return;
    this.now += 1;
    this.release();
  }

  private release(): void {
    const due = this.now - this.delayTicks;
    while (this.head < this.queue.length && this.queue[this.head]!.tick <= due) {
      this.stream.publish(this.queue[this.head]!);
      this.head++;
    }
    if (this.head > 64 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
  }
}
