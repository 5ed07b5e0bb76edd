/**
 * Cycles bots. They see only what any client sees (the snapshot): the occupancy grid is rebuilt
 * from the view's trails, so a bot runs the same on the server as in a load-test process.
 *
 * 'play': at each tick, for going on, turning left and turning right, counts the free cells
 * reachable from the next cell (a flood fill capped at FILL_LIMIT) and takes the roomiest,
 * avoiding cells a rival's head could also enter next (a head-on kills both). It keeps its
 * heading unless another way is clearly roomier; with room to spare it hunts a nearby rival,
 * steering for the cells in front of it to cut it off; otherwise it sometimes turns into open
 * space on a whim (so rounds are not parallel lines). It boosts now and then down a long clear
 * straight.
 * 'idle': keeps its heading and never boosts (a cycle that drives into a wall: load, not play).
 *
 * `sight` makes no difference: a Cycles screen shows the whole arena, so 'fair' is everything.
 */
import type { BotOptions, Command, GameBot } from '../../game/game-definition.ts';
import { nextRandom, seedToState, type RngHolder } from '../../game/rng.ts';
import { DX, DY, clockwise, counterClockwise, type Dir } from './direction.ts';
import type { CyclesInput } from './input-codec.ts';
import { Occupancy } from './occupancy.ts';
import type { CyclesSetup } from './rules.ts';
import type { CyclePlayer, CyclesSnapshot } from './snapshot.ts';
import { lastSegmentDir } from './trail.ts';

export const BOT_BEHAVIOURS = ['play', 'idle'] as const;
export type CyclesBotBehaviour = (typeof BOT_BEHAVIOURS)[number];

/** Enough room to tell a pocket from the open arena; more only costs time. */
const FILL_LIMIT = 400;
/** Chance per tick of turning into open space although going on is fine. */
const WHIM = 0.02;
const BOOST_CHANCE = 0.015;
/** Rivals closer than this (cells) are hunted: the bot heads for the cells in front of them. */
const HUNT_RANGE = 20;
const LEAD_CELLS = 6;
/** Clear cells straight ahead needed to start a boost, and below which it stops. */
const BOOST_START_RUN = 20;
const BOOST_STOP_RUN = 8;

const KEEP: Command<CyclesInput> = { dir: 0, boost: false };

export function createBot(setup: CyclesSetup, options: BotOptions): GameBot<CyclesSnapshot, CyclesInput> {
  const behaviour = options.behaviour ?? 'play';
  if (behaviour === 'idle') return { think: () => KEEP };
  if (behaviour !== 'play') throw new RangeError(`unknown Cycles bot behaviour '${behaviour}' (${BOT_BEHAVIOURS.join(', ')})`);
  return new PlayBot(setup, seedToState(options.seed));
}

class PlayBot implements GameBot<CyclesSnapshot, CyclesInput> {
  private readonly rng: RngHolder;
  private readonly grid: Occupancy;
  private gridOf: CyclesSnapshot | null = null;
  /** Flood-fill marks: a cell is visited when it holds the current stamp, so nothing is cleared. */
  private readonly seen: Uint32Array;
  private stamp = 0;
  private readonly queue: Int32Array;
  private boostUntil = -1;

  constructor(
    private readonly setup: CyclesSetup,
    seed: number,
  ) {
    this.rng = { rngState: seed };
    this.grid = new Occupancy(setup.width, setup.height);
    this.seen = new Uint32Array(setup.width * setup.height);
    this.queue = new Int32Array(setup.width * setup.height);
  }

  think(view: CyclesSnapshot | null, slot: number, tick: number): Command<CyclesInput> {
    const me = view?.players.find((p) => p.id === slot);
    if (!view || !me || !me.alive || view.roundState !== 'live' || me.trail.length === 0) {
      this.boostUntil = -1;
      return KEEP;
    }
    this.rebuild(view);
    const heading = lastSegmentDir(me.trail) || me.dir;
    const rivals = view.players.filter((p) => p.alive && p.id !== slot);
    const options = [heading, clockwise(heading), counterClockwise(heading)].map((dir) => ({ dir, room: this.room(me, dir, rivals) }));
    const best = Math.max(...options.map((o) => o.room));
    const roomy = options.filter((o) => o.room >= best * 0.9 && o.room > 0);
    let choice = roomy.includes(options[0]!) ? options[0]! : options.find((o) => o.room === best)!;
    const target = best >= FILL_LIMIT / 2 ? this.prey(me, rivals) : null;
    if (target) {
      // Hunting: of the roomy ways, the one that gets closest to the cells in front of the prey.
      const distance = (dir: Dir) => Math.abs(me.x + DX[dir]! - target.x) + Math.abs(me.y + DY[dir]! - target.y);
      choice = roomy.reduce((a, b) => (distance(b.dir) < distance(a.dir) ? b : a), choice);
    } else if (choice === options[0] && nextRandom(this.rng) < WHIM) {
      const turn = options[1 + Math.floor(nextRandom(this.rng) * 2)]!;
      if (turn.room >= FILL_LIMIT / 2 && turn.room >= best * 0.9) choice = turn;
    }
    return { dir: choice.dir === me.dir ? 0 : choice.dir, boost: this.boost(me, choice.dir, tick, target !== null) };
  }

  /** A point a few cells ahead of the nearest rival within HUNT_RANGE, to cut it off; null if none is near. */
  private prey(me: CyclePlayer, rivals: readonly CyclePlayer[]): { x: number; y: number } | null {
    let best: { x: number; y: number } | null = null;
    let bestDistance = HUNT_RANGE + 1;
    for (const r of rivals) {
      const d = Math.abs(r.x - me.x) + Math.abs(r.y - me.y);
      if (d >= bestDistance) continue;
      bestDistance = d;
      best = { x: r.x + DX[r.dir]! * LEAD_CELLS, y: r.y + DY[r.dir]! * LEAD_CELLS };
    }
    return best;
  }

  private rebuild(view: CyclesSnapshot): void {
    if (this.gridOf === view) return;
    this.grid.clear();
    for (const p of view.players) this.grid.takeTrail(p.trail, p.id);
    this.gridOf = view;
  }

  /** Free cells reachable through the next cell in `dir`; 0 if that cell is deadly. */
  private room(me: CyclePlayer, dir: Dir, rivals: readonly CyclePlayer[]): number {
    const x = me.x + DX[dir]!;
    const y = me.y + DY[dir]!;
    if (!this.grid.free(x, y)) return 0;
    const room = this.fill(x, y);
    // A rival's head next to that cell may enter it too: both would die. Worth it only as a last resort.
    const contested = rivals.some((r) => Math.abs(r.x - x) + Math.abs(r.y - y) === 1);
    return contested ? Math.max(1, Math.floor(room / 8)) : room;
  }

  private fill(x0: number, y0: number): number {
    const { width } = this.setup;
    this.stamp = (this.stamp + 1) >>> 0 || 1;
    let head = 0;
    let tail = 0;
    this.queue[tail++] = y0 * width + x0;
    this.seen[y0 * width + x0] = this.stamp;
    while (head < tail && tail < FILL_LIMIT) {
      const cell = this.queue[head++]!;
      const cx = cell % width;
      const cy = (cell - cx) / width;
      for (let d = 1; d <= 4; d++) {
        const nx = cx + DX[d]!;
        const ny = cy + DY[d]!;
        if (!this.grid.free(nx, ny)) continue;
        const n = ny * width + nx;
        if (this.seen[n] === this.stamp) continue;
        this.seen[n] = this.stamp;
        this.queue[tail++] = n;
      }
    }
    return Math.min(tail, FILL_LIMIT);
  }

  /** Bursts down long clear straights, and to get ahead of hunted prey. */
  private boost(me: CyclePlayer, dir: Dir, tick: number, hunting: boolean): boolean {
    const run = this.clearRun(me, dir);
    if (tick < this.boostUntil) {
      if (run >= BOOST_STOP_RUN) return true;
      this.boostUntil = -1;
      return false;
    }
    const full = me.energy >= this.setup.energyLevels - 2;
    const chance = hunting ? BOOST_CHANCE * 4 : BOOST_CHANCE;
    if (full && run >= (hunting ? BOOST_STOP_RUN : BOOST_START_RUN) && nextRandom(this.rng) < chance) {
      this.boostUntil = tick + Math.round(this.setup.tickRate * (0.5 + nextRandom(this.rng)));
      return true;
    }
    return false;
  }

  /** Free cells straight ahead in `dir`. */
  private clearRun(me: CyclePlayer, dir: Dir): number {
    let n = 0;
    let x = me.x + DX[dir]!;
    let y = me.y + DY[dir]!;
    while (this.grid.free(x, y)) {
      n += 1;
      x += DX[dir]!;
      y += DY[dir]!;
    }
    return n;
  }
}
