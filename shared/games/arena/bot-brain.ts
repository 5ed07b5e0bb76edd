/**
 * A seeded player behaviour: what a bot presses each tick. Used by the load-test bots, and
 * usable by the game for an "autoplay" or attract mode. Same seed, same views, same commands.
 *
 * 'play' plays like a person in a shooter: runs in one of eight directions for half a second
 * to two seconds, sometimes strafes around its target or stops, turns away from the border
 * and from walls it is stuck on, aims at the nearest living enemy with a little wobble, and
 * holds Fire (the server fires at the weapon's rate). 'wander' moves the same way without
 * shooting; 'idle' stands still and only sends keep-alive inputs.
 *
 * Sight: 'fair' bots (the server's, playing against people) only target an enemy they have a
 * clear line of fire to and only shoot then, as a person would; 'eager' bots (load tests) aim
 * at the nearest enemy through walls and always hold Fire, so the load they make stays steady.
 *
 * The bot may see itself and the others rarely (a light bot decodes one keyframe a second):
 * it steers on whatever it last saw and never needs a fresh view to act.
 */
import { nextRandom, type RngHolder } from '../../game/rng.ts';
import { firstWallHit } from './sim/projectiles.ts';
import { Button, DIRECTION_BUTTONS, type ArenaMap, type Rules } from './sim/types.ts';

export type BotBehaviour = 'play' | 'wander' | 'idle';
export const BOT_BEHAVIOURS: readonly BotBehaviour[] = ['play', 'wander', 'idle'];
export type BotSight = 'fair' | 'eager';

export interface SeenPlayer {
  id: number;
  x: number;
  y: number;
  alive: boolean;
}

export interface BotView {
  /** The server tick the bot is acting for. */
  tick: number;
  /** The tick the positions below were observed at (they may be older than `tick`). */
  observedTick: number;
  me: SeenPlayer | null;
  others: readonly SeenPlayer[];
}

export interface BotCommand {
  buttons: number;
  aim: number;
}

export interface BotBrainOptions {
  seed: number;
  behaviour: BotBehaviour;
  /** Default 'eager'. */
  sight?: BotSight;
  rules: Rules;
  map: ArenaMap;
}

const DIRECTIONS = DIRECTION_BUTTONS;
const BORDER_MARGIN = 90;

export class BotBrain {
  private readonly rng: RngHolder;
  private buttons = 0;
  private untilTick = -1;
  private wobble = 0;
  private aim: number;
  private lastSeen: { tick: number; x: number; y: number; moving: boolean } | null = null;

  constructor(private readonly opts: BotBrainOptions) {
    this.rng = { rngState: opts.seed >>> 0 };
    this.aim = (nextRandom(this.rng) * 2 - 1) * Math.PI;
  }

  think(view: BotView): BotCommand {
    // The aim as the wire holds it (float32): a server bot's input is then exactly one a player
    // could send, and exactly what a replay records.
    if (this.opts.behaviour === 'idle') return { buttons: 0, aim: Math.fround(this.aim) };
    const me = view.me;
    const target = me ? this.nearestEnemy(me, view.others) : null;
    if (view.tick >= this.untilTick || this.stuck(view)) this.chooseMove(view.tick, me, target);
    // Wobble drifts slowly so the aim looks like a hand, not a turret.
    this.wobble = Math.max(-0.25, Math.min(0.25, this.wobble + (nextRandom(this.rng) - 0.5) * 0.08));
    if (me && target) this.aim = Math.atan2(target.y - me.y, target.x - me.x) + this.wobble;
    else this.aim += 0.05;
    if (this.aim >= Math.PI) this.aim -= 2 * Math.PI;
    if (this.aim < -Math.PI) this.aim += 2 * Math.PI;
    const fair = this.opts.sight === 'fair';
    const wantsFire = this.opts.behaviour === 'play' && (me === null || me.alive);
    // A fair bot shoots only at someone it can hit; an eager one keeps the trigger down.
    const fire = wantsFire && (!fair || target !== null) ? Button.Fire : 0;
    return { buttons: this.buttons | fire, aim: Math.fround(this.aim) };
  }

  private chooseMove(tick: number, me: SeenPlayer | null, target: SeenPlayer | null): void {
    const rate = this.opts.rules.tickRate;
    this.untilTick = tick + Math.max(1, Math.round((0.5 + nextRandom(this.rng) * 1.5) * rate));
    const roll = nextRandom(this.rng);
    if (roll < 0.1) {
      this.buttons = 0; // a short stop, as players do when they aim carefully
      this.untilTick = tick + Math.max(1, Math.round(0.3 * rate));
      return;
    }
    if (me && this.nearBorder(me)) {
      this.buttons = directionTowards(this.opts.map.width / 2 - me.x, this.opts.map.height / 2 - me.y);
      return;
    }
    if (me && target && roll < 0.4) {
      // Strafe: move across the line to the target, left or right of it.
      const side = nextRandom(this.rng) < 0.5 ? 1 : -1;
      this.buttons = directionTowards(-(target.y - me.y) * side, (target.x - me.x) * side);
      return;
    }
    this.buttons = DIRECTIONS[Math.floor(nextRandom(this.rng) * DIRECTIONS.length)]!;
  }

  /** Held a direction since the last observation but barely moved: a wall is in the way. */
  private stuck(view: BotView): boolean {
    const me = view.me;
    if (!me || !me.alive) {
      this.lastSeen = null;
      return false;
    }
    const prev = this.lastSeen;
    if (prev && view.observedTick === prev.tick) return false;
    this.lastSeen = { tick: view.observedTick, x: me.x, y: me.y, moving: this.buttons !== 0 };
    if (!prev || !prev.moving) return false;
    const ticks = view.observedTick - prev.tick;
    const expected = (this.opts.rules.playerSpeed / this.opts.rules.tickRate) * ticks;
    return ticks > 0 && Math.hypot(me.x - prev.x, me.y - prev.y) < expected * 0.3;
  }

  private nearBorder(me: SeenPlayer): boolean {
    const { width, height } = this.opts.map;
    return me.x < BORDER_MARGIN || me.y < BORDER_MARGIN || me.x > width - BORDER_MARGIN || me.y > height - BORDER_MARGIN;
  }

  private nearestEnemy(me: SeenPlayer, others: readonly SeenPlayer[]): SeenPlayer | null {
    let best: SeenPlayer | null = null;
    let bestD = Infinity;
    const fair = this.opts.sight === 'fair';
    const { rules } = this.opts;
    // A fair bot only picks a target its shot can reach: in range and not behind a wall.
    const range = rules.projectileSpeed * rules.projectileLifetimeS * 0.85;
    for (const o of others) {
      if (!o.alive || o.id === me.id) continue;
      const d = (o.x - me.x) ** 2 + (o.y - me.y) ** 2;
      if (fair && (d >= range * range || firstWallHit(me, o, this.opts.map.walls, rules.projectileRadius) !== null)) continue;
      if (d < bestD) {
        bestD = d;
        best = o;
      }
    }
    return best;
  }
}

/** The one of eight directions closest to the vector (dx, dy); screen y grows downwards. */
export function directionTowards(dx: number, dy: number): number {
  if (dx === 0 && dy === 0) return 0;
  const octant = Math.round(Math.atan2(dy, dx) / (Math.PI / 4));
  return DIRECTIONS[(octant + 8) % 8]!;
}
