/**
 * Skill ratings with openskill (Weng-Lin, the maintained TrueSkill-like model): each player has a
 * skill estimate `mu` and its uncertainty `sigma`; a match's ranking moves both. Two figures come
 * out of them, on one scale where a new player stands at 1000:
 *   - the shown rating, conservative (mu − 3 sigma): it rises as the server grows sure of a
 *     player, so a newcomer's lucky first win does not top the leaderboard;
 *   - the matchmaking rating, the plain estimate (mu): what the queue compares.
 */
import { ordinal, rate, rating as newRating } from 'openskill';

export interface Skill {
  mu: number;
  sigma: number;
}

/** Rating points per openskill skill unit (mu is 25 ± 8.3 for a new player). */
const SCALE = 20;
export const INITIAL_RATING = 1000;

export const initialSkill = (): Skill => newRating();

/** The figure players see: 1000 for a new player, up as it wins and as its uncertainty falls. */
export function shownRating(skill: Skill): number {
  return Math.round(ordinal(skill, { alpha: SCALE, target: INITIAL_RATING }));
}

/** What the queue groups by: the skill estimate on the shown scale (1000 for a new player). */
export function matchmakingRating(skill: Skill): number {
  return Math.round(INITIAL_RATING + SCALE * (skill.mu - initialSkill().mu));
}

/**
 * New skills after a match: `place` 1 is best, equal places tie. Each player is its own team
 * (free for all). Fewer than two players: nothing to compare, skills unchanged.
 */
export function rateMatch(players: readonly { skill: Skill; place: number }[]): Skill[] {
  if (players.length < 2) return players.map((p) => ({ ...p.skill }));
  const teams = players.map((p) => [{ mu: p.skill.mu, sigma: p.skill.sigma }]);
  const out = rate(teams, { rank: players.map((p) => p.place) });
  return out.map(([skill]) => ({ mu: skill!.mu, sigma: skill!.sigma }));
}
