/**
 * Players' profiles: what a guest keeps across visits, keyed by its guest id (the token's `sub`,
 * which token renewal keeps), so a renewed token finds the same profile. Per mode: the skill
 * rating (openskill's mu and sigma, and the conservative figure shown to players), matches
 * played, wins and the game's own stats summed (Arena: kills, deaths).
 *
 * Verbs: `get` a profile; `record` one rated match for one player (one atomic step: one Lua
 * script in Redis, so a result recorded from two nodes at once adds up instead of one write
 * hiding the other).
 */

export interface ModeRecord {
  /** openskill's skill estimate and its uncertainty. */
  mu: number;
  sigma: number;
  /** The figure players see: conservative (mu − 3 sigma), scaled (shared/protocol/rating.ts). */
  rating: number;
  played: number;
  wins: number;
  /** The game's own figures summed over the rated matches (Arena: kills, deaths). */
  stats: Record<string, number>;
}

export interface Profile {
  guestId: string;
  nickname: string;
  modes: Record<string, ModeRecord>;
}

/** One rated match's outcome for one player: its new rating and what to add to its counts. */
export interface MatchRecord {
  nickname: string;
  mode: string;
  mu: number;
  sigma: number;
  rating: number;
  won: boolean;
  stats: Record<string, number>;
}

export interface ProfileStore {
  get(guestId: string): Promise<Profile | null>;
  /** Several at once (a match's players); null for those without a profile yet. */
  getMany(guestIds: readonly string[]): Promise<(Profile | null)[]>;
  /** Sets the mode's rating, adds one match (and a win) and the stats; returns the profile after. */
  record(guestId: string, match: MatchRecord): Promise<Profile>;
}

export function emptyModeRecord(mu: number, sigma: number, rating: number): ModeRecord {
  return { mu, sigma, rating, played: 0, wins: 0, stats: {} };
}

export class MemoryProfileStore implements ProfileStore {
  private readonly profiles = new Map<string, Profile>();

  async get(guestId: string): Promise<Profile | null> {
    const p = this.profiles.get(guestId);
    return p ? structuredClone(p) : null;
  }

  async getMany(guestIds: readonly string[]): Promise<(Profile | null)[]> {
    return Promise.all(guestIds.map((id) => this.get(id)));
  }

  async record(guestId: string, match: MatchRecord): Promise<Profile> {
    let p = this.profiles.get(guestId);
    if (!p) this.profiles.set(guestId, (p = { guestId, nickname: match.nickname, modes: {} }));
    p.nickname = match.nickname;
    const m = (p.modes[match.mode] ??= emptyModeRecord(match.mu, match.sigma, match.rating));
    m.mu = match.mu;
    m.sigma = match.sigma;
    m.rating = match.rating;
    m.played += 1;
    if (match.won) m.wins += 1;
    for (const [name, value] of Object.entries(match.stats)) m.stats[name] = (m.stats[name] ?? 0) + value;
    return structuredClone(p);
  }
}
