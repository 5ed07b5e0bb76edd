/**
 * Where to draw the other players: an interpolation buffer rendered a little in the past.
 *
 * Snapshots arrive at the tick rate with network jitter; drawing the newest one as it lands
 * stutters. Instead the client draws the match as it was `delay` ms ago, between the two
 * snapshots around that moment, so motion is smooth as long as the next snapshot arrives
 * within the delay. The delay adapts to the jitter this connection shows (it starts at two
 * snapshot intervals); when the buffer runs dry anyway, poses are extrapolated from the last
 * velocity for at most `maxExtrapolationMs`, then held.
 *
 * Time is the client's own monotonic clock (ms) at which each snapshot arrived: the buffer
 * learns the transit time itself (lowest recent arrival minus server time), so it needs no
 * clock sync and a constant clock offset cancels out. Pure: no timers, no DOM, no Node APIs.
 */
import type { PlayerSnapshot, Snapshot } from './snapshot.ts';

export interface InterpolationOptions {
  /** Server time between two snapshots (ms): 1000 / tickRate × snapshotEvery. */
  snapshotIntervalMs: number;
  /** Server ticks per second; lets renderTick() name the tick being drawn. */
  tickRate: number;
  /** Longest a pose is extrapolated past the newest snapshot (ms). Default 250. */
  maxExtrapolationMs?: number;
  /** Bounds of the adaptive delay (ms). Default: one interval … 500 ms. */
  minDelayMs?: number;
  maxDelayMs?: number;
  /** Snapshots kept for interpolation. Default 32. */
  capacity?: number;
  /** Arrivals the jitter estimate looks at (default 60: 3 s at 20 Hz). */
  jitterWindow?: number;
  /** A move longer than this between two snapshots is a respawn: snap, do not slide (px). Default 96. */
  teleportDistance?: number;
}

/** One remote player as it should be drawn now. */
export interface RenderedPlayer {
  id: number;
  x: number;
  y: number;
  aim: number;
  hp: number;
  alive: boolean;
  kills: number;
  deaths: number;
  /** > 0 when the buffer ran dry and this pose is a guess past the newest snapshot (ms). */
  extrapolatedMs: number;
}

interface Frame {
  tick: number;
  serverTime: number;
  players: readonly PlayerSnapshot[];
  byId: Map<number, PlayerSnapshot>;
}

const TWO_PI = 2 * Math.PI;

/** Shortest-way blend of two angles in radians; the result is in [-PI, PI). */
export function lerpAngle(a: number, b: number, t: number): number {
  let d = (b - a) % TWO_PI;
  if (d >= Math.PI) d -= TWO_PI;
  if (d < -Math.PI) d += TWO_PI;
  let out = a + d * t;
  out -= TWO_PI * Math.floor((out + Math.PI) / TWO_PI);
  return out;
}

export class InterpolationBuffer {
  private readonly frames: Frame[] = [];
  private readonly transits: number[] = [];
  private transitCursor = 0;
  /** Lowest transit (arrival − serverTime) recently seen: the path without queueing. */
  private baseTransit = Infinity;
  private delay: number;
  private lastRenderTime = -Infinity;
  private readonly opts: Required<InterpolationOptions>;

  constructor(options: InterpolationOptions) {
    const interval = options.snapshotIntervalMs;
    if (!(interval > 0) || !(options.tickRate > 0)) throw new RangeError('snapshotIntervalMs and tickRate must be > 0');
    this.opts = {
      maxExtrapolationMs: 250,
      minDelayMs: interval,
      maxDelayMs: 500,
      capacity: 32,
      jitterWindow: 60,
      teleportDistance: 96,
      ...options,
    };
    this.delay = Math.min(this.opts.maxDelayMs, Math.max(this.opts.minDelayMs, 2 * interval));
  }

  /** The current render delay behind the newest expected snapshot (ms). */
  get delayMs(): number {
    return this.delay;
  }

  /** Snapshots currently held. */
  get size(): number {
    return this.frames.length;
  }

  /** Adds a snapshot that arrived at local time `receivedAt` (ms). Older or repeated ticks are ignored. */
  push(snapshot: Snapshot, receivedAt: number): void {
    const last = this.frames[this.frames.length - 1];
    if (last && snapshot.serverTime <= last.serverTime) return;
    this.frames.push({
      tick: snapshot.tick,
      serverTime: snapshot.serverTime,
      players: snapshot.players,
      byId: new Map(snapshot.players.map((p) => [p.id, p])),
    });
    if (this.frames.length > this.opts.capacity) this.frames.shift();
    this.observeTransit(receivedAt - snapshot.serverTime);
  }

  /** Forget everything (a new match, a reconnect): the next snapshots start a fresh estimate. */
  reset(): void {
    this.frames.length = 0;
    this.transits.length = 0;
    this.transitCursor = 0;
    this.baseTransit = Infinity;
    this.lastRenderTime = -Infinity;
    this.delay = Math.min(this.opts.maxDelayMs, Math.max(this.opts.minDelayMs, 2 * this.opts.snapshotIntervalMs));
  }

  /** Server time being drawn at local time `localNow`; never goes backwards. */
  renderTime(localNow: number): number {
    if (this.baseTransit === Infinity) return -Infinity;
    const t = localNow - this.baseTransit - this.delay;
    // A faster packet lowers the transit baseline and would jump time back: hold instead.
    this.lastRenderTime = Math.max(this.lastRenderTime, t);
    return this.lastRenderTime;
  }

  /**
   * The server tick being drawn: what an input made now should name as its `clientTick`, so
   * the server judges a shot against what the shooter saw.
   */
  renderTick(localNow: number): number {
    const first = this.frames[0];
    if (!first) return 0;
    const t = this.renderTime(localNow);
    const tickMs = 1000 / this.opts.tickRate;
    const newest = this.frames[this.frames.length - 1]!;
    const at = Math.min(t, newest.serverTime);
    if (at <= first.serverTime) return first.tick;
    for (let i = this.frames.length - 1; i >= 0; i--) {
      const f = this.frames[i]!;
      if (f.serverTime <= at) return f.tick + Math.floor((at - f.serverTime) / tickMs);
    }
    return first.tick;
  }

  /** Every remote player as it should be drawn at local time `localNow`. */
  sample(localNow: number): RenderedPlayer[] {
    const n = this.frames.length;
    if (n === 0) return [];
    const t = this.renderTime(localNow);
    const newest = this.frames[n - 1]!;
    if (t >= newest.serverTime) return this.extrapolate(newest, t - newest.serverTime);
    const oldest = this.frames[0]!;
    if (t <= oldest.serverTime) return oldest.players.map((p) => rendered(p, p.x, p.y, p.aim, 0));
    let i = n - 1;
    while (i > 0 && this.frames[i - 1]!.serverTime > t) i--;
    const a = this.frames[i - 1]!;
    const b = this.frames[i]!;
    const alpha = (t - a.serverTime) / (b.serverTime - a.serverTime);
    return b.players.map((pb) => {
      const pa = a.byId.get(pb.id);
      // A newcomer appears where it is. A respawn or a death is a jump, not a walk: show the
      // earlier state until the later snapshot's time instead of sliding across the map.
      if (!pa) return rendered(pb, pb.x, pb.y, pb.aim, 0);
      if (pa.alive !== pb.alive || Math.hypot(pb.x - pa.x, pb.y - pa.y) > this.opts.teleportDistance) {
        return rendered(pa, pa.x, pa.y, pa.aim, 0);
      }
      return rendered(pb, pa.x + (pb.x - pa.x) * alpha, pa.y + (pb.y - pa.y) * alpha, lerpAngle(pa.aim, pb.aim, alpha), 0);
    });
  }

  private extrapolate(newest: Frame, ahead: number): RenderedPlayer[] {
    const dt = Math.min(ahead, this.opts.maxExtrapolationMs);
    const prev = this.frames[this.frames.length - 2];
    const span = prev ? newest.serverTime - prev.serverTime : this.opts.snapshotIntervalMs;
    return newest.players.map((p) => {
      const moving = p.alive && Math.hypot(p.vx, p.vy) <= this.opts.teleportDistance;
      if (!moving || dt <= 0) return rendered(p, p.x, p.y, p.aim, 0);
      return rendered(p, p.x + (p.vx * dt) / span, p.y + (p.vy * dt) / span, p.aim, dt);
    });
  }

  /**
   * Jitter = how much later than the best recent arrival snapshots land (95th percentile).
   * The delay must cover one interval (to have a snapshot on each side) plus that jitter.
   * It grows at once when jitter appears and shrinks slowly, so one quiet second does not
   * undo what a bursty network taught it.
   */
  private observeTransit(transit: number): void {
    const window = this.opts.jitterWindow;
    if (this.transits.length < window) this.transits.push(transit);
    else this.transits[this.transitCursor] = transit;
    this.transitCursor = (this.transitCursor + 1) % window;
    let min = Infinity;
    for (const v of this.transits) if (v < min) min = v;
    this.baseTransit = min;
    if (this.transits.length < 8) return; // too few arrivals to judge: keep the starting delay
    const late = this.transits.map((v) => v - min).sort((x, y) => x - y);
    const jitter = late[Math.min(late.length - 1, Math.floor(late.length * 0.95))]!;
    const target = Math.min(this.opts.maxDelayMs, Math.max(this.opts.minDelayMs, this.opts.snapshotIntervalMs + jitter));
    this.delay += (target - this.delay) * (target > this.delay ? 0.5 : 0.02);
  }
}

function rendered(p: PlayerSnapshot, x: number, y: number, aim: number, extrapolatedMs: number): RenderedPlayer {
  return { id: p.id, x, y, aim, hp: p.hp, alive: p.alive, kills: p.kills, deaths: p.deaths, extrapolatedMs };
}
