/**
 * One timer for every raw bot of the process: each tick period is cut into `slices` steps, each
 * bot belongs to one slice, and at each step one setTimeout walks that slice's array and calls
 * `tick(now)` on its bots. No timer, closure or heap entry per bot and input, and the writes of
 * thousands of bots are spread over the period instead of landing on the server in one burst.
 *
 * `defer(bot, ms)` puts a bot in the step about `ms` from now (less than a period ahead), once:
 * the step calls its `due(now)` after the slice. A bot that sends half a tick after it read its
 * snapshot uses it (raw-bot.ts): a bucket per step, no timer per bot.
 *
 * Drift-corrected: step n is due at start + n × period / slices on the monotonic clock, whatever
 * the previous step cost. A step that runs late is measured (`late`, for the report's validity:
 * a late generator delays inputs and snapshots itself); a step that comes a whole period or more
 * late is not run twice: its bots lose those ticks, counted in `missed`.
 */

export interface TickBot {
  /** Sends this tick's input. `now` is the scheduler's clock at the step. */
  tick(now: number): void;
  /** A deferred call (`defer`) came due. */
  due(now: number): void;
  /** Where the scheduler keeps this bot: its slice and position (-1: not scheduled). */
  slice: number;
  slot: number;
}

export interface TickSchedulerOptions {
  periodMs: number;
  slices: number;
  now: () => number;
  /** Each step's lateness, ms. */
  late: (ms: number) => void;
  /** Bot ticks lost to a step that came one or more periods late. */
  missed: (botTicks: number) => void;
}

export class TickScheduler {
  private readonly slices: TickBot[][];
  /** Deferred bots by step (the step number modulo the slice count). */
  private readonly buckets: TickBot[][];
  private readonly stepMs: number;
  private startAt = 0;
  private step = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private running = false;
  private readonly run = (): void => this.onStep();

  constructor(private readonly opts: TickSchedulerOptions) {
    if (!(opts.periodMs > 0) || !Number.isInteger(opts.slices) || opts.slices < 1) throw new RangeError('periodMs > 0 and an integer slices ≥ 1 expected');
    this.slices = Array.from({ length: opts.slices }, () => []);
    this.buckets = Array.from({ length: opts.slices }, () => []);
    this.stepMs = opts.periodMs / opts.slices;
  }

  get size(): number {
    let n = 0;
    for (const s of this.slices) n += s.length;
    return n;
  }

  /** Schedules `bot` in the least filled slice (no-op when it is scheduled already). */
  add(bot: TickBot): void {
    if (bot.slice >= 0) return;
    let best = 0;
    for (let i = 1; i < this.slices.length; i++) if (this.slices[i]!.length < this.slices[best]!.length) best = i;
    const slice = this.slices[best]!;
    bot.slice = best;
    bot.slot = slice.length;
    slice.push(bot);
    if (!this.running) this.start();
  }

  remove(bot: TickBot): void {
    if (bot.slice < 0) return;
    const slice = this.slices[bot.slice]!;
    const last = slice.pop()!;
    if (last !== bot) {
      slice[bot.slot] = last;
      last.slot = bot.slot;
    }
    bot.slice = -1;
    bot.slot = -1;
  }

  /** Calls `bot.due` at the step nearest `ms` from now (0 ≤ ms < one period), or the next step if that is sooner. */
  defer(bot: TickBot, ms: number): void {
    if (!this.running) return;
    const n = this.slices.length;
    const at = Math.round((this.opts.now() + ms - this.startAt) / this.stepMs);
    const ahead = Math.min(n - 1, Math.max(0, at - this.step));
    this.buckets[(this.step + ahead) % n]!.push(bot);
  }

  stop(): void {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private start(): void {
    this.running = true;
    this.startAt = this.opts.now();
    this.step = 0;
    this.timer = setTimeout(this.run, 0);
  }

  private onStep(): void {
    this.timer = null;
    if (!this.running) return;
    const now = this.opts.now();
    const due = this.startAt + this.step * this.stepMs;
    const late = now - due;
    this.opts.late(late > 0 ? late : 0);
    const n = this.slices.length;
    // Whole periods this step came late: every bot of the process lost that many ticks.
    const lostPeriods = Math.floor(late / this.opts.periodMs);
    if (lostPeriods > 0) {
      this.opts.missed(lostPeriods * this.size);
      this.step += lostPeriods * n;
    }
    const slice = this.slices[this.step % n]!;
    // A bot may leave its slice while it runs (its connection failed): walk backwards so a
    // swap-removal moves only bots already done.
    for (let i = slice.length - 1; i >= 0; i--) {
      const bot = slice[i];
      if (bot) bot.tick(now);
    }
    const bucket = this.buckets[this.step % n]!;
    if (bucket.length > 0) {
      for (let i = 0; i < bucket.length; i++) bucket[i]!.due(now);
      bucket.length = 0;
    }
    this.step += 1;
    const next = this.startAt + this.step * this.stepMs;
    this.timer = setTimeout(this.run, Math.max(0, next - this.opts.now()));
  }
}
