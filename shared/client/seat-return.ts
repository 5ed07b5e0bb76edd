/**
 * Getting back into the match by itself (MatchConnection's autoRejoin): one attempt at a time.
 *
 * Two things start one: the server says MATCH_MOVED (the match's owner shut down or died), and
 * the connection comes back after a drop. A drain brings both at once: the owner says
 * MATCH_MOVED, then closes the connection, and socket.io reconnects while the move's retry is
 * still waiting. Two joins would go out on the new connection, and whichever lost the race would
 * be reported as a failure while the server holds the seat. So a trigger that finds an attempt
 * under way for the same match joins it instead of starting another; the attempt reports once.
 *
 * An attempt:
 * - pauses first when the match moved, unless `followMoveAtOnce` (servers announce a move once
 *   the new owner runs the match, so the first join can go at once), and between retries;
 * - joins on the connection of the moment, and again while the match is between owners
 *   (CLUSTER_UNAVAILABLE, TIMEOUT), up to a deadline;
 * - joins again at once when its answer came for a connection that has since been replaced
 *   (that seat is attached to the old one); it stops without a word while the connection is down,
 *   since the reconnect starts the next attempt;
 * - before it reports a final refusal for a player, asks where the guest's seat is (`join` with
 *   no match id): the seat the server holds wins over a lost answer or a stale match id.
 */
import { ErrorCode, type AckResult } from '../protocol/errors.ts';
import type { MatchInfo } from '../protocol/events.ts';

export interface ReturnTarget {
  matchId: string;
  role: MatchInfo['role'];
}

export interface SeatReturnPort<R extends AckResult<MatchInfo> = AckResult<MatchInfo>> {
  /** Joins (or spectates) `target`, or wherever this guest holds a seat when null, on the current connection. */
  join(target: ReturnTarget | null): Promise<R>;
  /** The current connection's id; undefined while it is down. */
  connection(): string | undefined;
  /** Still where the client wants to be (not left, not over, not somewhere else since). */
  wanted(target: ReturnTarget): boolean;
  wait(ms: number): Promise<void>;
  now(): number;
}

export interface SeatReturnOptions {
  /** The pause before following a move, and between retries. */
  retryMs: number;
  /** How long an attempt keeps retrying a match between owners. */
  giveUpAfterMs: number;
  /**
   * Join at once after MATCH_MOVED (default false: pause `retryMs` first). A server announces a
   * move when the new owner has listed the match (a hand-over, an adoption), so every pause
   * before the first join is frozen screen; a join that comes too early is answered
   * CLUSTER_UNAVAILABLE and retried after the pause anyway.
   */
  followMoveAtOnce?: boolean;
}

/** The match is between owners, or the answer was lost: worth asking again in a moment. */
const RETRYABLE: ReadonlySet<string> = new Set([ErrorCode.ClusterUnavailable, ErrorCode.Timeout]);

/**
 * A refusal that says "not now" rather than "no": the match is between owners or Redis is briefly
 * away (CLUSTER_UNAVAILABLE), or the answer was lost on the way (TIMEOUT: asking again for the
 * same match is answered as a rejoin, so a join that went through after all is no harm).
 */
export function isRetryableRefusal(code: string): boolean {
  return RETRYABLE.has(code);
}

export interface SettledJoinPort {
  wait(ms: number): Promise<void>;
  now(): number;
  /** Still worth asking on this connection (it is up, and still the one in use). */
  stillOn(): boolean;
}

/**
 * One join that keeps its retryable refusals to itself: asked again `retryMs` after each, until
 * `giveUpAfterMs` has passed; the answer is the first that is not retryable, or the last one when
 * time ran out or the connection went down or was replaced meanwhile. What the caller sees is
 * "in" or "no", never "the cluster is busy for a moment".
 */
export async function joinSettled<R extends AckResult<object>>(join: () => Promise<R>, port: SettledJoinPort, opts: Pick<SeatReturnOptions, 'retryMs' | 'giveUpAfterMs'>): Promise<R> {
  const deadline = port.now() + opts.giveUpAfterMs;
  for (;;) {
    const res = await join();
    if (res.ok || !RETRYABLE.has(res.code) || port.now() >= deadline || !port.stillOn()) return res;
    await port.wait(opts.retryMs);
    if (!port.stillOn()) return res;
  }
}

export class SeatReturn<R extends AckResult<MatchInfo> = AckResult<MatchInfo>> {
  private current: { matchId: string; done: Promise<R | null> } | null = null;

  constructor(
    private readonly port: SeatReturnPort<R>,
    private readonly opts: SeatReturnOptions,
  ) {}

  /**
   * Back into `target`: `moved` after MATCH_MOVED, `reconnected` after the connection came back.
   * Resolves with the answer to report, or null when there is none (the connection went down
   * meanwhile, the target is no longer wanted, or an attempt already under way reports it).
   */
  start(target: ReturnTarget, why: 'moved' | 'reconnected'): Promise<R | null> {
    if (this.current?.matchId === target.matchId) return this.current.done.then(() => null);
    const done = this.attempt(target, why === 'moved' && this.opts.followMoveAtOnce !== true);
    const entry = { matchId: target.matchId, done };
    this.current = entry;
    const clear = (): void => {
      if (this.current === entry) this.current = null;
    };
    done.then(clear, clear);
    return done;
  }

  private async attempt(target: ReturnTarget, pauseFirst: boolean): Promise<R | null> {
    const deadline = this.port.now() + this.opts.giveUpAfterMs;
    let pause = pauseFirst;
    for (;;) {
      if (pause) await this.port.wait(this.opts.retryMs);
      pause = true;
      const on = this.port.connection();
      if (on === undefined || !this.port.wanted(target)) return null;
      const res = await this.port.join(target);
      if (this.port.connection() !== on) {
        pause = false;
        continue;
      }
      if (res.ok) return res;
      if (RETRYABLE.has(res.code) && this.port.now() < deadline) continue;
      if (target.role !== 'player' || !this.port.wanted(target)) return res;
      const where = await this.port.join(null);
      if (this.port.connection() !== on) {
        pause = false;
        continue;
      }
      return where.ok ? where : res;
    }
  }
}
