/**
 * Rates public matches (quick play and listed ones) from the results the match host computed:
 * nothing a client sends reaches this, so results cannot be forged. Private matches are games
 * among friends and stay unrated (two accounts could otherwise farm each other).
 *
 * - The humans are ranked as the game ranked them; bots are left out (rated only among humans).
 * - A human who left while the match was being played (or whose reconnect grace ran out) ranks
 *   below every human still there at the end: leaving is a loss. Of two leavers, the one who
 *   stayed longer ranks higher. A match every human left is rated among its leavers.
 * - Each player's profile gets the new rating, one more match (a win for the first place alone),
 *   and the game's stats; the leaderboard gets the shown rating; the player gets a `rating` event.
 *
 * Leavers are remembered by the node that runs the match; a match that moves to another node
 * (failover) is rated there, from its results, without the leavers the old node saw.
 */
import type { RatingChange } from '../../shared/protocol/lobby-events.ts';
import type { Logger } from '../log.ts';
import type { MatchHost } from '../match/match-host.ts';
import { initialSkill, rateMatch, shownRating, type Skill } from './rating.ts';
import type { LobbyStores, Profile } from './stores/index.ts';

export interface MatchRatingsDeps {
  stores: Pick<LobbyStores, 'profiles' | 'boards'>;
  log: Logger;
  notify: (guestId: string, change: RatingChange) => void;
}

interface Rated {
  guestId: string;
  nickname: string;
  place: number;
  won: boolean;
  stats: Record<string, number>;
}

export class MatchRatings {
  /** Per match: humans who left while it was played, in leaving order. */
  private readonly leavers = new Map<string, { guestId: string; nickname: string }[]>();
  private readonly nicknames = new Map<string, Map<string, string>>();
  private readonly rated = new Set<string>();

  constructor(private readonly deps: MatchRatingsDeps) {}

  /** A seat went before the end (MatchHooks.seatReleased). */
  seatReleased(host: MatchHost, guestId: string): void {
    if (!rated(host) || host.state !== 'playing') return;
    const list = this.leavers.get(host.id) ?? [];
    if (list.some((l) => l.guestId === guestId)) return;
    list.push({ guestId, nickname: this.nicknameOf(host, guestId) });
    this.leavers.set(host.id, list);
  }

  /** Seen while seated: a leaver's name for its profile (the seat is gone when it is rated). */
  changed(host: MatchHost): void {
    if (!rated(host) || host.state !== 'playing') return;
    let names = this.nicknames.get(host.id);
    if (!names) this.nicknames.set(host.id, (names = new Map()));
    for (const g of host.guests()) names.set(g.guestId, g.nickname);
  }

  /** The results are in (MatchHooks.ended). */
  ended(host: MatchHost): void {
    const outcome = host.outcome;
    if (!rated(host) || !outcome || this.rated.has(host.id)) return;
    this.rated.add(host.id);
    const players: Rated[] = [];
    const { standings, winnerSlot } = outcome.results;
    let place = 0;
    let lastScore: number | null = null;
    for (const [i, row] of standings.entries()) {
      const guestId = outcome.guestIds[i];
      // The game's ranking includes the bots; places count humans only, equal scores tie.
      if (guestId === null || guestId === undefined) continue;
      if (lastScore === null || row.score !== lastScore) place = players.length + 1;
      lastScore = row.score;
      players.push({ guestId, nickname: row.nickname, place, won: row.slot === winnerSlot, stats: { ...row.stats } });
    }
    this.addLeavers(host.id, players);
    void this.apply(host, players);
  }

  /** Gone (MatchHooks.disposed): a match every human left before the end is rated among its leavers. */
  disposed(host: MatchHost): void {
    if (rated(host) && !this.rated.has(host.id) && host.outcome === null) {
      const players: Rated[] = [];
      this.addLeavers(host.id, players);
      if (players.length >= 2) void this.apply(host, players);
    }
    this.leavers.delete(host.id);
    this.nicknames.delete(host.id);
    this.rated.delete(host.id);
  }

  /** Leavers rank after everybody else; the last to leave first among them. */
  private addLeavers(matchId: string, players: Rated[]): void {
    const gone = (this.leavers.get(matchId) ?? []).filter((l) => !players.some((p) => p.guestId === l.guestId)).reverse();
    const first = players.length + 1;
    gone.forEach((l, i) => players.push({ guestId: l.guestId, nickname: l.nickname, place: first + i, won: false, stats: {} }));
  }

  private nicknameOf(host: MatchHost, guestId: string): string {
    return this.nicknames.get(host.id)?.get(guestId) ?? host.guests().find((g) => g.guestId === guestId)?.nickname ?? guestId.slice(0, 8);
  }

  private async apply(host: MatchHost, players: Rated[]): Promise<void> {
    const mode = host.spec.mode;
    const { profiles, boards } = this.deps.stores;
    try {
      const before = await profiles.getMany(players.map((p) => p.guestId));
      const skills = before.map((p) => skillIn(p, mode));
      const after = rateMatch(players.map((p, i) => ({ skill: skills[i]!, place: p.place })));
      await Promise.all(
        players.map(async (p, i) => {
          const skill = after[i]!;
          const shown = shownRating(skill);
          const was = before[i]?.modes[mode]?.rating ?? shownRating(skills[i]!);
          await profiles.record(p.guestId, { nickname: p.nickname, mode, mu: skill.mu, sigma: skill.sigma, rating: shown, won: p.won, stats: p.stats });
          await boards.set(mode, p.guestId, p.nickname, shown);
          this.deps.notify(p.guestId, { matchId: host.id, mode, before: was, after: shown, delta: shown - was, place: p.place, humans: players.length });
        }),
      );
      this.deps.log.info({ matchId: host.id, mode, humans: players.length }, 'match rated');
    } catch (error) {
      this.deps.log.error({ matchId: host.id, err: error }, 'rating the match failed');
    }
  }
}

function rated(host: MatchHost): boolean {
  return host.spec.visibility === 'public';
}

function skillIn(profile: Profile | null, mode: string): Skill {
  const m = profile?.modes[mode];
  return m ? { mu: m.mu, sigma: m.sigma } : initialSkill();
}
