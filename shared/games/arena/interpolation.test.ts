import { describe, expect, it } from 'vitest';
import type { PlayerSnapshot, Snapshot } from './snapshot.ts';
import { InterpolationBuffer, lerpAngle } from './interpolation.ts';

const TICK_MS = 50;

function player(id: number, x: number, y: number, extra: Partial<PlayerSnapshot> = {}): PlayerSnapshot {
  return { id, x, y, vx: 0, vy: 0, aim: 0, hp: 100, alive: true, kills: 0, deaths: 0, lastInputSeq: 0, ...extra };
}

function snap(tick: number, players: PlayerSnapshot[]): Snapshot {
  return { tick, serverTime: 1_000_000 + tick * TICK_MS, phase: 2, phaseEndTick: 0, players, projectiles: [], events: [] };
}

/** A player walking right at 5 px per tick; snapshot k arrives `transit + jitter(k)` after it was made. */
function walk(buffer: InterpolationBuffer, ticks: number, transit = 20, jitter: (k: number) => number = () => 0): number {
  let last = 0;
  for (let k = 1; k <= ticks; k++) {
    const s = snap(k, [player(1, 100 + 5 * k, 300, { vx: 5 })]);
    last = s.serverTime + transit + jitter(k);
    buffer.push(s, last);
  }
  return last;
}

describe('InterpolationBuffer', () => {
  it('starts two snapshot intervals behind and draws a walking player between snapshots', () => {
    const b = new InterpolationBuffer({ snapshotIntervalMs: TICK_MS, tickRate: 20 });
    expect(b.delayMs).toBe(2 * TICK_MS);
    const lastArrival = walk(b, 5);
    // 10 ms after snapshot 5 arrived, the screen shows server time (tick 5 time + 10) - 100 ms:
    // 40 % of the way from tick 3 to tick 4.
    const [p] = b.sample(lastArrival + 10);
    expect(p!.x).toBeCloseTo(100 + 5 * 3.2, 6);
    expect(p!.extrapolatedMs).toBe(0);
  });

  it('moves smoothly: equal time steps give equal distances across snapshot boundaries', () => {
    const b = new InterpolationBuffer({ snapshotIntervalMs: TICK_MS, tickRate: 20 });
    const t = walk(b, 20);
    const xs = [0, 16, 32, 48, 64].map((dt) => b.sample(t - 60 + dt)[0]!.x);
    const steps = xs.slice(1).map((x, i) => x - xs[i]!);
    for (const s of steps) expect(s).toBeCloseTo(5 * (16 / TICK_MS), 6);
  });

  it('extrapolates from the last velocity when the buffer runs dry, for at most 250 ms', () => {
    const b = new InterpolationBuffer({ snapshotIntervalMs: TICK_MS, tickRate: 20 });
    const t = walk(b, 10);
    // Newest is tick 10 at x = 150 (it arrived at t); draw 120 ms past it.
    const ahead = b.sample(t + b.delayMs + 120)[0]!;
    expect(ahead.extrapolatedMs).toBeCloseTo(120, 6);
    expect(ahead.x).toBeCloseTo(150 + 5 * (120 / TICK_MS), 6);
    const far = b.sample(t + 5_000)[0]!;
    expect(far.extrapolatedMs).toBe(250);
    expect(far.x).toBeCloseTo(150 + 5 * (250 / TICK_MS), 6);
  });

  it('snaps a respawn instead of sliding across the map', () => {
    const b = new InterpolationBuffer({ snapshotIntervalMs: TICK_MS, tickRate: 20 });
    for (let k = 1; k <= 6; k++) b.push(snap(k, [player(1, k < 6 ? 800 : 100, 500)]), 1_000_000 + k * TICK_MS + 20);
    // Half way between tick 5 (x 800) and tick 6 (x 100): still drawn at 800, never at 450.
    const mid = b.sample(1_000_000 + 5.5 * TICK_MS + 20 + b.delayMs)[0]!;
    expect(mid.x).toBe(800);
  });

  it('grows its delay when snapshots arrive with jitter, and never below one interval', () => {
    const steady = new InterpolationBuffer({ snapshotIntervalMs: TICK_MS, tickRate: 20 });
    walk(steady, 200);
    expect(steady.delayMs).toBeGreaterThanOrEqual(TICK_MS);
    expect(steady.delayMs).toBeLessThan(2 * TICK_MS);
    const jittery = new InterpolationBuffer({ snapshotIntervalMs: TICK_MS, tickRate: 20 });
    walk(jittery, 200, 20, (k) => (k % 5 === 0 ? 70 : 0));
    expect(jittery.delayMs).toBeGreaterThan(TICK_MS + 60);
  });

  it('names the tick being drawn, for the clientTick of inputs', () => {
    const b = new InterpolationBuffer({ snapshotIntervalMs: TICK_MS, tickRate: 20 });
    const t = walk(b, 10);
    expect(b.renderTick(t)).toBe(8);
  });

  it('blends angles the short way round', () => {
    expect(lerpAngle(3, -3, 0.5)).toBeCloseTo(-Math.PI, 6);
    expect(lerpAngle(-0.2, 0.2, 0.5)).toBeCloseTo(0, 6);
  });
});
