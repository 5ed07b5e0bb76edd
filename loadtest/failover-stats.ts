/**
 * Failover as a player feels it: bots put out of their match by a failure, and how long until
 * each was playing in a match again (the same match or, if its seat was gone, a new one).
 *
 * A drop starts when a bot that is in a match loses its connection (the node died, the network
 * broke: anything but the run closing it), or is told MATCH_MOVED (its match's owner died and
 * another node adopts it: the bot must join again). It ends when the bot is in a match again. A
 * bot dropped twice counts twice. At the end of the run every drop is in exactly one of:
 * `botsBack` (in a match again within LOST_AFTER_MS), `botsLost` (not within LOST_AFTER_MS, back
 * later or never) and `botsPending` (dropped less than LOST_AFTER_MS before the end, not back yet:
 * too early to tell; or seated on the server but idle on its side, however long: see `seatedIdle`).
 * `backInMatchMs` covers every return, late ones included.
 *
 * `gapDuringMoveMs` is what the player saw freeze: for each drop that ended with a snapshot, the
 * time from the bot's last snapshot before the drop to its first snapshot after it. It is longer
 * than `backInMatchMs` by the silence before the drop was noticed (a dead node is noticed only
 * when its connection breaks) and by the wait for the first snapshot after the join. A drop that
 * never saw a snapshot again is not in it (it is lost or pending). A bot with no snapshot before
 * its drop (refused between two matches) counts from the drop itself.
 */
export const LOST_AFTER_MS = 10_000;

/**
 * `refused`: an entry refused because the server holds a seat for it (see `seatedIdle`).
 * `relocated`: its node was shutting down (NODE_LEAVING) and the bot moved its connection to
 * another one: counted when the new connection took the seat over, from the last snapshot the
 * old connection brought.
 */
export type DropCause = 'disconnected' | 'matchMoved' | 'refused' | 'relocated';

export interface FailoverFigures {
  botsDropped: number;
  botsBack: number;
  botsLost: number;
  botsPending: number;
  /** Of `botsPending`: out at the end while the server holds their seat (see `seatedIdle`). */
  botsSeatedIdle: number;
  backInMatchMs: { p50: number | null; max: number | null };
  /** Last snapshot before a drop to first snapshot after it, over the drops that saw one again. */
  gapDuringMoveMs: { p50: number | null; p99: number | null; max: number | null };
  /** The same, by what started the drop (only the causes that had one). */
  gapByCauseMs?: Partial<Record<DropCause, { n: number; p50: number | null; max: number | null }>>;
  /** What put the bots out of their match. */
  causes: Record<DropCause, number>;
  /** Bots that gave up on their node and moved to the next --url. */
  urlSwitches: number;
}

export class FailoverStats {
  /** Bot → when its current drop started. */
  private readonly out = new Map<number, number>();
  private readonly backMs: number[] = [];
  /** Bots out while the server holds their seat, since `seatedIdle`. */
  private readonly seated = new Set<number>();
  private readonly causes: Record<DropCause, number> = { disconnected: 0, matchMoved: 0, refused: 0, relocated: 0 };
  private switches = 0;
  /** Bot → its last snapshot before its current drop, until its first snapshot after it. */
  private readonly gapFrom = new Map<number, { at: number; cause: DropCause }>();
  private readonly gapMs: number[] = [];
  private readonly gapsByCause = new Map<DropCause, number[]>();

  /**
   * `bot` was put out of its match at `at` (ms), its last snapshot seen at `lastSnapshotAt` (null:
   * none since its last match). A bot already out stays out since the first time.
   */
  dropped(bot: number, cause: DropCause, at: number, lastSnapshotAt: number | null = null): void {
    if (this.out.has(bot)) return;
    this.out.set(bot, at);
    if (!this.gapFrom.has(bot)) this.gapFrom.set(bot, { at: lastSnapshotAt ?? at, cause });
    this.causes[cause] += 1;
  }

  /** `bot` read a snapshot at `at` after a drop: the end of the gap the player saw. */
  snapshotAfterDrop(bot: number, at: number): void {
    const from = this.gapFrom.get(bot);
    if (from === undefined) return;
    this.gapFrom.delete(bot);
    this.gapMs.push(at - from.at);
    const byCause = this.gapsByCause.get(from.cause) ?? [];
    byCause.push(at - from.at);
    this.gapsByCause.set(from.cause, byCause);
  }

  /**
   * `bot` is idle on its side while the server holds its seat (its entry was refused
   * ALREADY_IN_MATCH): out from now if it was not already, and neither back nor lost, however long
   * it stays so, but pending and counted in `botsSeatedIdle`: a player the client lost track of.
   */
  seatedIdle(bot: number, at: number): void {
    this.dropped(bot, 'refused', at, null);
    this.seated.add(bot);
  }

  /** `bot` is in a match again. */
  back(bot: number, at: number): void {
    const since = this.out.get(bot);
    if (since === undefined) return;
    this.out.delete(bot);
    this.seated.delete(bot);
    this.backMs.push(at - since);
  }

  switchedUrl(): void {
    this.switches += 1;
  }

  figures(at: number): FailoverFigures {
    const stillOut = [...this.out].map(([bot, since]) => ({ ms: at - since, seated: this.seated.has(bot) }));
    const backInTime = this.backMs.filter((ms) => ms <= LOST_AFTER_MS).length;
    const pending = stillOut.filter((o) => o.seated || o.ms < LOST_AFTER_MS).length;
    const dropped = this.backMs.length + stillOut.length;
    const sorted = [...this.backMs].sort((a, b) => a - b);
    const round = (ms: number | undefined): number | null => (ms === undefined ? null : Math.round(ms));
    const gaps = [...this.gapMs].sort((a, b) => a - b);
    return {
      botsDropped: dropped,
      botsBack: backInTime,
      botsLost: dropped - backInTime - pending,
      botsPending: pending,
      botsSeatedIdle: stillOut.filter((o) => o.seated).length,
      backInMatchMs: { p50: round(sorted[Math.floor((sorted.length - 1) / 2)]), max: round(sorted[sorted.length - 1]) },
      gapDuringMoveMs: { p50: round(nearestRank(gaps, 0.5)), p99: round(nearestRank(gaps, 0.99)), max: round(gaps[gaps.length - 1]) },
      gapByCauseMs: Object.fromEntries(
        [...this.gapsByCause].map(([cause, ms]) => {
          const asc = [...ms].sort((a, b) => a - b);
          return [cause, { n: asc.length, p50: round(nearestRank(asc, 0.5)), max: round(asc[asc.length - 1]) }];
        }),
      ),
      causes: { ...this.causes },
      urlSwitches: this.switches,
    };
  }
}

/** The nearest-rank percentile of ascending `sorted` (undefined when empty). */
function nearestRank(sorted: readonly number[], q: number): number | undefined {
  if (sorted.length === 0) return undefined;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}
