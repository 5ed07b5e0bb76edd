/**
 * The replay's playback clock, in match time: the wall time of each frame, times the speed,
 * while playing. It answers which tick should be on screen; the viewer steps the re-simulation up
 * to it. Pure (the frame times come in), so every rule is testable frame by frame:
 * - paused, match time stands still; at the log's end it pauses itself;
 * - speeds are the listed ones only (0.25× … 4×);
 * - a frame that falls far behind (a tab in the background) does not make the next frame step
 *   minutes of match: the clock skips ahead instead of re-simulating more than `maxStepsPerFrame`.
 */

export const REPLAY_SPEEDS = [0.25, 0.5, 1, 2, 4] as const;

export interface ReplayClockOptions {
  tickRate: number;
  lastTick: number;
  /** Ticks re-simulated in one frame at most (a longer gap is skipped). */
  maxStepsPerFrame?: number;
}

export class ReplayClock {
  playing = false;
  private speedValue = 1;
  /** Match time on screen (ms since tick 0). */
  private matchMs = 0;
  private readonly tickMs: number;
  private readonly maxSteps: number;

  constructor(private readonly opts: ReplayClockOptions) {
    this.tickMs = 1000 / opts.tickRate;
    this.maxSteps = opts.maxStepsPerFrame ?? 60;
  }

  get speed(): number {
    return this.speedValue;
  }

  /** Match time now (ms): what the re-simulated snapshots' clocks are compared with. */
  get nowMs(): number {
    return this.matchMs;
  }

  /** False for a speed that is not offered (the value stays as it was). */
  setSpeed(speed: number): boolean {
    if (!(REPLAY_SPEEDS as readonly number[]).includes(speed)) return false;
    this.speedValue = speed;
    return true;
  }

  /** Jumps to the start of `tick` (clamped to the log). */
  seek(tick: number): number {
    const t = Math.max(0, Math.min(this.opts.lastTick, Math.floor(tick)));
    this.matchMs = t * this.tickMs;
    return t;
  }

  /**
   * A frame `wallMs` after the last one, with the re-simulation at `atTick`: the tick it should
   * step to. Past the log's end the clock stops there and pauses.
   */
  advance(wallMs: number, atTick: number): number {
    if (this.playing && wallMs > 0) this.matchMs += wallMs * this.speedValue;
    let target = Math.floor(this.matchMs / this.tickMs + 1e-9);
    if (target >= this.opts.lastTick) {
      target = this.opts.lastTick;
      this.matchMs = target * this.tickMs;
      this.playing = false;
    }
    if (target - atTick > this.maxSteps) {
      // Too far behind to catch up in one frame: show what one frame's work reaches.
      target = atTick + this.maxSteps;
      this.matchMs = target * this.tickMs;
    }
    return Math.max(target, atTick);
  }
}
