/**
 * Keeps a flood of refusals from becoming a flood of log lines. Every refusal of a hostile or
 * broken client is logged with its `code` (and counted in metrics, which this does not touch);
 * a client that sends 10,000 bad packets a second, or a thousand clients that each send a few,
 * would otherwise write a line each: 4,676 warnings in one 30 s fuzz run. Writing them costs the
 * event loop that runs every match, and buries the lines an operator needs.
 *
 * Per code, the first `perWindow` lines of each window are written; the rest are counted and
 * reported once, when the window closes, as one line with the number left out.
 */
export interface LogThrottleOptions {
  /** Lines of one code written per window. */
  perWindow: number;
  windowMs: number;
  now: () => number;
  /** Runs `fn` after `ms` (a timer that must not keep the process alive). */
  schedule: (fn: () => void, ms: number) => void;
  /** Told how many lines of `code` a window left out, when it closes. */
  report: (code: string, suppressed: number) => void;
}

interface Window {
  startedAt: number;
  written: number;
  suppressed: number;
}

export class LogThrottle {
  /** One window per code (a bounded set: the protocol's error codes). */
  private readonly windows = new Map<string, Window>();

  constructor(private readonly opts: LogThrottleOptions) {}

  /** True when a line of this code may be written now; a false is counted and reported later. */
  admit(code: string): boolean {
    const now = this.opts.now();
    let w = this.windows.get(code);
    if (w && now - w.startedAt >= this.opts.windowMs) {
      this.close(code, w);
      w = undefined;
    }
    if (!w) {
      w = { startedAt: now, written: 0, suppressed: 0 };
      this.windows.set(code, w);
    }
    if (w.written < this.opts.perWindow) {
      w.written += 1;
      return true;
    }
    if (w.suppressed === 0) {
      // The first line left out of this window: its count is reported when the window closes,
      // by this timer, or sooner by the next line of the code if that comes first.
      const window = w;
      this.opts.schedule(() => {
        if (this.windows.get(code) === window) this.close(code, window);
      }, Math.max(0, this.opts.windowMs - (now - w.startedAt)));
    }
    w.suppressed += 1;
    return false;
  }

  private close(code: string, w: Window): void {
    this.windows.delete(code);
    if (w.suppressed > 0) this.opts.report(code, w.suppressed);
  }
}
