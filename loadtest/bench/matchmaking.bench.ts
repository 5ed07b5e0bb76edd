/**
 * Matchmaking by rating against first come, first served, on a simulated clock: a population of
 * players of hidden, mixed skill queue, are grouped by the server's own queue (MemoryQueueStore's
 * popGroup, the same choice the Redis script makes), play, are ranked by a noisy draw from their
 * hidden skill, are rated by the server's own openskill code (rateMatch), and queue again. What is
 * simulated is the match's outcome and the players' comings and goings, nothing of the queue or
 * the rating.
 *
 * Prints, per queue policy, over the second half of the run (ratings have had time to converge):
 * the mean spread of matchmaking rating within a match (max − min), the same in hidden skill
 * (percentile points of the population), the mean and p90 time to match, and the rank
 * correlation of rating with hidden skill at the end (how well ratings sorted the population).
 *
 *   node --import tsx loadtest/bench/matchmaking.bench.ts [--players 400] [--hours 4] [--seed 1]
 */
import { parseArgs } from 'node:util';
import { nextRandom, seedToState } from '../../shared/game/rng.ts';
import { initialSkill, matchmakingRating, rateMatch, type Skill } from '../../server/lobby/rating.ts';
import { MemoryQueueStore, type GroupRule } from '../../server/lobby/stores/queue-store.ts';

const { values } = parseArgs({
  options: {
    players: { type: 'string', default: '400' },
    hours: { type: 'string', default: '4' },
    seed: { type: 'string', default: '1' },
  },
});
const PLAYERS = Number(values.players);
const DURATION_MS = Number(values.hours) * 3_600_000;
const SEED = Number(values.seed);

/** The mode: Arena free-for-all as QUEUE_MAX_PLAYERS=8 would serve it; the server's defaults for the rest. */
const MODE = { min: 2, max: 8 };
const QUEUE_WAIT_MS = 10_000;
const PASS_EVERY_MS = 1_000;
const MATCH_MS = 180_000;
/** Between matches a player looks at the results and the lobby for this long, on average. */
const BREAK_MEAN_MS = 20_000;
/** Performance in a match: hidden skill (0..1) times this, plus unit Gaussian noise. */
const SKILL_WEIGHT = 3;

interface Player {
  id: string;
  /** Hidden skill, uniform in 0..1: the load-test bots' knob (aim error, reaction). */
  talent: number;
  skill: Skill;
  queuedAt: number | null;
  freeAt: number;
}

interface Figures {
  matches: number;
  ratingSpread: number[];
  talentSpread: number[];
  waits: number[];
  rankCorrelation: number;
}

function gaussian(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

function spearman(a: number[], b: number[]): number {
  const rank = (xs: number[]) => {
    const order = xs.map((x, i) => [x, i] as const).sort((p, q) => p[0] - q[0]);
    const r = new Array<number>(xs.length);
    order.forEach(([, i], k) => (r[i] = k));
    return r;
  };
  const ra = rank(a);
  const rb = rank(b);
  const n = a.length;
  let d2 = 0;
  for (let i = 0; i < n; i++) d2 += (ra[i]! - rb[i]!) ** 2;
  return 1 - (6 * d2) / (n * (n * n - 1));
}

async function run(window: GroupRule['window'] | null): Promise<Figures> {
  const holder = { rngState: seedToState(SEED) };
  const rand = () => nextRandom(holder);
  const queue = new MemoryQueueStore();
  const players: Player[] = Array.from({ length: PLAYERS }, (_, i) => ({ id: `p${i}`, talent: rand(), skill: initialSkill(), queuedAt: null, freeAt: rand() * 60_000 }));
  const byId = new Map(players.map((p) => [p.id, p]));
  const talentPercentile = new Map([...players].sort((a, b) => a.talent - b.talent).map((p, i) => [p.id, (100 * i) / (PLAYERS - 1)]));
  const figures: Figures = { matches: 0, ratingSpread: [], talentSpread: [], waits: [], rankCorrelation: 0 };
  const endings: { at: number; group: Player[] }[] = [];
  for (let now = 0; now < DURATION_MS; now += PASS_EVERY_MS) {
    // Matches that ended: rated from a noisy draw of each player's hidden skill.
    for (let i = endings.length - 1; i >= 0; i--) {
      const m = endings[i]!;
      if (m.at > now) continue;
      endings.splice(i, 1);
      const perf = m.group.map((p) => SKILL_WEIGHT * p.talent + gaussian(rand));
      const order = perf.map((x, k) => [x, k] as const).sort((a, b) => b[0] - a[0]);
      const place = new Array<number>(m.group.length);
      order.forEach(([, k], i2) => (place[k] = i2 + 1));
      const after = rateMatch(m.group.map((p, k) => ({ skill: p.skill, place: place[k]! })));
      m.group.forEach((p, k) => {
        p.skill = after[k]!;
        p.freeAt = now - Math.log(1 - rand()) * BREAK_MEAN_MS;
      });
    }
    for (const p of players) {
      if (p.queuedAt === null && p.freeAt <= now) {
        p.queuedAt = now;
        p.freeAt = Infinity;
        await queue.enqueue('ffa', { guestId: p.id, nickname: p.id, enqueuedAt: now, rating: matchmakingRating(p.skill) });
      }
    }
    const rule: GroupRule = { ...MODE, waitMs: QUEUE_WAIT_MS, now, ...(window && { window }) };
    for (;;) {
      const entries = await queue.popGroup('ffa', rule);
      if (entries.length === 0) break;
      const group = entries.map((e) => byId.get(e.guestId)!);
      if (now >= DURATION_MS / 2) {
        const ratings = group.map((p) => matchmakingRating(p.skill));
        const pcts = group.map((p) => talentPercentile.get(p.id)!);
        figures.matches++;
        figures.ratingSpread.push(Math.max(...ratings) - Math.min(...ratings));
        figures.talentSpread.push(Math.max(...pcts) - Math.min(...pcts));
        for (const p of group) figures.waits.push(now - p.queuedAt!);
      }
      for (const p of group) p.queuedAt = null;
      endings.push({ at: now + MATCH_MS, group });
    }
  }
  figures.rankCorrelation = spearman(
    players.map((p) => p.talent),
    players.map((p) => matchmakingRating(p.skill)),
  );
  return figures;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? 0;

const policies: [string, GroupRule['window'] | null][] = [
  ['first come, first served (QUEUE_RATING_WINDOW=0)', null],
  ['rating window 100 + 50/s (default)', { base: 100, perSecond: 50 }],
  ['rating window 50 + 20/s', { base: 50, perSecond: 20 }],
  ['rating window 25 + 10/s', { base: 25, perSecond: 10 }],
];
console.log(`${PLAYERS} players, ${values.hours} h simulated (figures from the second half), mode ${MODE.min}–${MODE.max} players, QUEUE_WAIT_MS=${QUEUE_WAIT_MS}, matches ${MATCH_MS / 1000} s, seed ${SEED}\n`);
console.log('| Queue | Matches | Rating spread per match (mean) | Hidden-skill spread (percentile pts, mean) | Time to match mean / p90 (s) | Players per match | Rating vs skill (Spearman) |');
console.log('|---|---|---|---|---|---|---|');
for (const [name, window] of policies) {
  const f = await run(window);
  console.log(
    `| ${name} | ${f.matches} | ${mean(f.ratingSpread).toFixed(0)} | ${mean(f.talentSpread).toFixed(1)} | ${(mean(f.waits) / 1000).toFixed(1)} / ${(pct(f.waits, 90) / 1000).toFixed(1)} | ${(f.waits.length / Math.max(1, f.matches)).toFixed(2)} | ${f.rankCorrelation.toFixed(3)} |`,
  );
}
