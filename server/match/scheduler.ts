/**
 * One scheduler per process drives every match it owns. Each task runs on a fixed grid
 * (anchor + k * interval) read from the monotonic clock, so lateness does not accumulate the way
 * chained setInterval drift does. Tasks get phase offsets spread across the interval, so 50
 * matches do not all encode and send in the same millisecond.
 */
import type { Clock } from '../clock.ts';

export interface TickTask {
  /** Runs one tick. `scheduledAt` is the grid time of this tick (server clock, ms). */
  tick(scheduledAt: number): void;
  /** After each tick: what it took, as the scheduler measured it (the task's own figures). */
  ticked?(stats: TickStats): void;
}

export interface TickStats {
  durationMs: number;
  latenessMs: number;
}

export interface SchedulerOptions {
  tickRate: number;
  clock: Clock;
  /** Phase slots across one interval; new tasks take the least crowded slot. */
  slots?: number;
  onTick?: (stats: TickStats) => void;
  onSkip?: (ticksSkipped: number) => void;
  onError?: (error: unknown) => void;
  /**
   * Asked before each round of ticks; true holds every task this round (their ticks are
   * skipped). A cluster node holds its matches after a stall (a paused process) until it has
   * checked it still owns them.
   */
  hold?: () => boolean;
}

interface Entry {
  task: TickTask;
  slot: number;
  nextDue: number;
}

/** Behind by more than this many intervals, a task drops ticks instead of running a burst. */
const MAX_CATCH_UP_INTERVALS = 2;

export class TickScheduler {
  readonly intervalMs: number;
  private readonly entries = new Set<Entry>();
  private readonly slotLoad: number[];
  private timer: ReturnType<typeof setTimeout> | null = null;
  private running = false;

  constructor(private readonly opts: SchedulerOptions) {
    this.intervalMs = 1000 / opts.tickRate;
    this.slotLoad = new Array<number>(opts.slots ?? 8).fill(0);
  }

  /** Adds a task; its first tick is one interval from now. Returns a function that removes it. */
  add(task: TickTask): () => void {
    const slot = this.slotLoad.indexOf(Math.min(...this.slotLoad));
    this.slotLoad[slot]! += 1;
    const now = this.opts.clock();
    const offset = (slot * this.intervalMs) / this.slotLoad.length;
    // Align to the process-wide grid so every task in a slot shares a wake-up.
    const gridStart = Math.ceil((now - offset) / this.intervalMs) * this.intervalMs + offset;
    const entry: Entry = { task, slot, nextDue: gridStart + this.intervalMs };
    this.entries.add(entry);
    this.reschedule();
    return () => {
      if (this.entries.delete(entry)) this.slotLoad[entry.slot]! -= 1;
    };
  }

  get size(): number {
    return this.entries.size;
  }

  start(): void {
    this.running = true;
    this.reschedule();
  }

  stop(): void {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private reschedule(): void {
    if (!this.running) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    let earliest = Infinity;
    for (const e of this.entries) earliest = Math.min(earliest, e.nextDue);
    if (earliest === Infinity) return;
    const delay = Math.max(0, earliest - this.opts.clock());
    this.timer = setTimeout(() => this.runDue(), delay);
  }

  private runDue(): void {
    this.timer = null;
    const now = this.opts.clock();
    if (this.opts.hold?.()) {
      for (const e of this.entries) while (e.nextDue <= now) e.nextDue += this.intervalMs;
      return this.reschedule();
    }
    const due = [...this.entries].filter((e) => e.nextDue <= now).sort((a, b) => a.nextDue - b.nextDue);
    for (const entry of due) {
      if (!this.entries.has(entry)) continue; // removed by an earlier task in this batch
      const start = this.opts.clock();
      const lateness = start - entry.nextDue;
      const behind = Math.floor(lateness / this.intervalMs);
      if (behind > MAX_CATCH_UP_INTERVALS) {
        entry.nextDue += behind * this.intervalMs;
        this.opts.onSkip?.(behind);
      }
      try {
        entry.task.tick(Math.round(entry.nextDue));
      } catch (error) {
        this.opts.onError?.(error);
      }
      const end = this.opts.clock();
      const stats = { durationMs: end - start, latenessMs: Math.max(0, start - entry.nextDue) };
      this.opts.onTick?.(stats);
      try {
        entry.task.ticked?.(stats);
      } catch (error) {
        this.opts.onError?.(error);
      }
      entry.nextDue += this.intervalMs;
    }
    this.reschedule();
  }
}
