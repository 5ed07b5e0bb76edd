/**
 * When the SDK renews its guest token: before it expires, so a reconnect never presents an
 * expired one. The renewal is due at `fraction` (80 %) of the token's remaining life, never
 * sooner than `minDelayMs` (a token that looks expired already, e.g. a client clock far ahead
 * of the server's, must not make the client renew in a tight loop). A failed renewal (server
 * unreachable, rate limited) is tried again after a growing pause, up to `maxRetryMs`.
 *
 * Timers and clock are injected: the unit test runs hours of token life in microseconds, and
 * no timer outlives `stop()` (the PlayerClient's close).
 */

export interface ScheduleTimers {
  /** Epoch ms, the same clock as the token's `expiresAt`. */
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface RenewalScheduleOptions {
  /** Renews the token; resolves with the new `expiresAt`, or null when it failed. */
  renew: () => Promise<number | null>;
  timers?: ScheduleTimers;
  /** Share of the remaining life to wait (default 0.8). */
  fraction?: number;
  /** Never renew sooner than this after arming (default 5 s). */
  minDelayMs?: number;
  /** First pause after a failure (default 2 s), doubled each time up to `maxRetryMs` (60 s). */
  retryMs?: number;
  maxRetryMs?: number;
}

/** setTimeout takes at most a signed 32-bit delay; longer ones fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export const realTimers: ScheduleTimers = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const timer = setTimeout(fn, ms);
    // In Node, a renewal hours away must not keep a process alive on its own (a browser's timer is a number).
    (timer as { unref?: () => void }).unref?.();
    return timer;
  },
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export class RenewalSchedule {
  private timer: unknown = null;
  private stopped = false;
  private failures = 0;
  /** Epoch ms the next renewal is due, or null when none is planned (for tests and status). */
  dueAt: number | null = null;
  private readonly timers: ScheduleTimers;
  private readonly fraction: number;
  private readonly minDelayMs: number;
  private readonly retryMs: number;
  private readonly maxRetryMs: number;

  constructor(private readonly opts: RenewalScheduleOptions) {
    this.timers = opts.timers ?? realTimers;
    this.fraction = opts.fraction ?? 0.8;
    this.minDelayMs = opts.minDelayMs ?? 5000;
    this.retryMs = opts.retryMs ?? 2000;
    this.maxRetryMs = opts.maxRetryMs ?? 60_000;
  }

  /** Plans the renewal of a token that expires at `expiresAt` (replacing any plan). */
  arm(expiresAt: number): void {
    this.failures = 0;
    const remaining = expiresAt - this.timers.now();
    this.plan(Math.max(this.minDelayMs, remaining * this.fraction));
  }

  /** No renewal from now on; a renewal already running finishes but plans nothing. */
  stop(): void {
    this.stopped = true;
    this.clear();
  }

  private plan(delayMs: number): void {
    this.clear();
    if (this.stopped) return;
    const ms = Math.min(MAX_TIMER_MS, Math.round(delayMs));
    this.dueAt = this.timers.now() + ms;
    this.timer = this.timers.setTimeout(() => void this.fire(), ms);
  }

  private clear(): void {
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
    this.dueAt = null;
  }

  private async fire(): Promise<void> {
    this.timer = null;
    this.dueAt = null;
    let expiresAt: number | null = null;
    try {
      expiresAt = await this.opts.renew();
    } catch {
      expiresAt = null;
    }
    if (this.stopped) return;
    if (expiresAt !== null) return this.arm(expiresAt);
    this.failures += 1;
    this.plan(Math.min(this.maxRetryMs, this.retryMs * 2 ** (this.failures - 1)));
  }
}
