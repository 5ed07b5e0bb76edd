/**
 * Who holds a seat in which match: the single arbiter of "no player in two matches" and "no
 * match over capacity". Claiming checks both and takes the seat in one atomic step (one Lua
 * script in the Redis implementation), so two players clicking the last seat at the same instant
 * cannot both get it.
 */

export type ClaimResult =
  | { ok: true; already: boolean }
  | { ok: false; reason: 'seated'; matchId: string }
  | { ok: false; reason: 'full' };

export interface SeatStore {
  /** Seats the player unless it holds a seat elsewhere or the match already has `capacity` seats. */
  claim(matchId: string, guestId: string, capacity: number): Promise<ClaimResult>;
  /** Frees the player's seat if it is in this match; true when it was. */
  release(matchId: string, guestId: string): Promise<boolean>;
  /** Frees every seat of the match (it ended or was disposed); returns who held them. */
  releaseAll(matchId: string): Promise<string[]>;
  seatOf(guestId: string): Promise<string | null>;
  count(matchId: string): Promise<number>;
}

export class MemorySeatStore implements SeatStore {
  private readonly matchOf = new Map<string, string>();
  private readonly members = new Map<string, Set<string>>();

  async claim(matchId: string, guestId: string, capacity: number): Promise<ClaimResult> {
    const current = this.matchOf.get(guestId);
    if (current === matchId) return { ok: true, already: true };
    if (current !== undefined) return { ok: false, reason: 'seated', matchId: current };
    let seats = this.members.get(matchId);
    if ((seats?.size ?? 0) >= capacity) return { ok: false, reason: 'full' };
    if (!seats) this.members.set(matchId, (seats = new Set()));
    seats.add(guestId);
    this.matchOf.set(guestId, matchId);
    return { ok: true, already: false };
  }

  async release(matchId: string, guestId: string): Promise<boolean> {
    if (this.matchOf.get(guestId) !== matchId) return false;
    this.matchOf.delete(guestId);
    const seats = this.members.get(matchId);
    seats?.delete(guestId);
    if (seats?.size === 0) this.members.delete(matchId);
    return true;
  }

  async releaseAll(matchId: string): Promise<string[]> {
    const seats = [...(this.members.get(matchId) ?? [])];
    for (const guestId of seats) this.matchOf.delete(guestId);
    this.members.delete(matchId);
    return seats;
  }

  async seatOf(guestId: string): Promise<string | null> {
    return this.matchOf.get(guestId) ?? null;
  }

  async count(matchId: string): Promise<number> {
    return this.members.get(matchId)?.size ?? 0;
  }
}
