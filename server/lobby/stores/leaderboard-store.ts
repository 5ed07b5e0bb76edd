/**
 * Leaderboards: per mode, every rated player by its shown rating, best first. Equal ratings are
 * ordered by guest id, the same in memory and in Redis (a sorted set orders equal scores by
 * member), so two nodes never disagree on a rank.
 *
 * Verbs: `set` a player's rating (and the nickname shown beside it); `top` n; `rankOf` one player
 * (1-based, with its rating), null when it has no rating in the mode.
 */

export interface BoardEntry {
  rank: number;
  guestId: string;
  nickname: string;
  rating: number;
}

export interface LeaderboardStore {
  set(mode: string, guestId: string, nickname: string, rating: number): Promise<void>;
  top(mode: string, n: number): Promise<BoardEntry[]>;
  rankOf(mode: string, guestId: string): Promise<BoardEntry | null>;
  size(mode: string): Promise<number>;
}

/** Best first; equal ratings by guest id descending, as Redis' ZREVRANGE orders equal scores. */
function before(a: { rating: number; guestId: string }, b: { rating: number; guestId: string }): boolean {
  return a.rating > b.rating || (a.rating === b.rating && a.guestId > b.guestId);
}

export class MemoryLeaderboardStore implements LeaderboardStore {
  /** Per mode: kept sorted (best first) by binary insertion, so `top` is a slice. */
  private readonly boards = new Map<string, { guestId: string; nickname: string; rating: number }[]>();

  async set(mode: string, guestId: string, nickname: string, rating: number): Promise<void> {
    let board = this.boards.get(mode);
    if (!board) this.boards.set(mode, (board = []));
    const at = board.findIndex((e) => e.guestId === guestId);
    if (at >= 0) board.splice(at, 1);
    const row = { guestId, nickname, rating };
    let lo = 0;
    let hi = board.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (before(board[mid]!, row)) lo = mid + 1;
      else hi = mid;
    }
    board.splice(lo, 0, row);
  }

  async top(mode: string, n: number): Promise<BoardEntry[]> {
    return (this.boards.get(mode) ?? []).slice(0, Math.max(0, n)).map((e, i) => ({ rank: i + 1, ...e }));
  }

  async rankOf(mode: string, guestId: string): Promise<BoardEntry | null> {
    const board = this.boards.get(mode) ?? [];
    const at = board.findIndex((e) => e.guestId === guestId);
    return at < 0 ? null : { rank: at + 1, ...board[at]! };
  }

  async size(mode: string): Promise<number> {
    return this.boards.get(mode)?.length ?? 0;
  }
}
