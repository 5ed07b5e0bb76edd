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
 */
export const LOST_AFTER_MS = 10_000;

/** `refused`: an entry refused because the server holds a seat for it (see `seatedIdle`). */
export type DropCause = 'disconnected' | 'matchMoved' | 'refused';

export interface FailoverFigures {
  botsDropped: number;
  botsBack: number;
  botsLost: number;
  botsPending: number;
  /** Of `botsPending`: out at the end while the server holds their seat (see `seatedIdle`). */
  botsSeatedIdle: number;
  backInMatchMs: { p50: number | null; max: number | null };
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
  private readonly causes: Record<DropCause, number> = { disconnected: 0, matchMoved: 0, refused: 0 };
  private switches = 0;

  /** `bot` was put out of its match at `at` (ms). A bot already out stays out since the first time. */
  dropped(bot: number, cause: DropCause, at: number): void {
    if (this.out.has(bot)) return;
    this.out.set(bot, at);
    this.causes[cause] += 1;
  }

  /**
   * `bot` is idle on its side while the server holds its seat (its entry was refused
   * ALREADY_IN_MATCH): out from now if it was not already, and neither back nor lost, however long
   * it stays so, but pending and counted in `botsSeatedIdle`: a player the client lost track of.
   */
  seatedIdle(bot: number, at: number): void {
    this.dropped(bot, 'refused', at);
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
    return {
      botsDropped: dropped,
      botsBack: backInTime,
      botsLost: dropped - backInTime - pending,
      botsPending: pending,
      botsSeatedIdle: stillOut.filter((o) => o.seated).length,
      backInMatchMs: { p50: round(sorted[Math.floor((sorted.length - 1) / 2)]), max: round(sorted[sorted.length - 1]) },
      causes: { ...this.causes },
      urlSwitches: this.switches,
    };
  }
}
