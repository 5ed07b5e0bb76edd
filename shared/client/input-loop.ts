/**
 * One input per server tick, sent to land just before the tick that applies it (the pacing is
 * InputPacer's; see why there). The loop learns the tick grid from the snapshots it is told
 * about, asks `produce` what to send when a send is due, and sends it; after a late wake, one
 * input for each tick it missed (bounded by the pacer). The timers are injected:
 * the page uses setTimeout, the load test one shared timer queue for thousands of bots.
 */
import { InputPacer } from './input-pacer.ts';

export interface LoopTimers<H> {
  now(): number;
  at(time: number, fn: () => void): H;
  cancel(handle: H | null): void;
}

export interface InputLoopOptions<C extends object, H> {
  tickRate: number;
  /** Missed ticks a late wake still sends an input for (InputPacer's maxCatchUp). */
  maxCatchUp?: number;
  timers: LoopTimers<H>;
  /** Round trip to the server now (ms): inputs leave that much before their tick. */
  rtt: () => number;
  /**
   * What to send for server tick `tick` (the tick it is meant for), with the tick on the
   * player's screen (lag compensation); null sends nothing this tick.
   */
  produce: (tick: number) => { command: C; clientTick: number } | null;
  /** Sends (MatchConnection.sendInput); returns the sequence number, or null when it could not be sent. */
  send: (input: C & { clientTick: number }) => number | null;
}

/** setTimeout as LoopTimers, for one client on a page. */
export function browserTimers(now: () => number = () => performance.now()): LoopTimers<ReturnType<typeof setTimeout>> {
  return {
    now,
    at: (time, fn) => setTimeout(fn, Math.max(0, time - now())),
    cancel: (handle) => {
      if (handle !== null) clearTimeout(handle);
    },
  };
}

export class InputLoop<C extends object, H> {
  private readonly pacer: InputPacer;
  private readonly intervalMs: number;
  private timer: H | null = null;
  private running = true;

  constructor(private readonly opts: InputLoopOptions<C, H>) {
    this.pacer = new InputPacer({ tickRate: opts.tickRate, ...(opts.maxCatchUp !== undefined ? { maxCatchUp: opts.maxCatchUp } : {}) });
    this.intervalMs = 1000 / opts.tickRate;
  }

  /** Sends skipped to drain a backlog or after a stall (diagnostics). */
  get skipped(): number {
    return this.pacer.skipped;
  }

  /**
   * A snapshot of server tick `tick` arrived at local time `receivedAt`; `ackedSeq` is the last
   * input of this player the server applied, when the client decoded it (a light client may not).
   */
  onSnapshot(tick: number, receivedAt: number, ackedSeq?: number): void {
    if (!this.running) return;
    if (ackedSeq !== undefined) this.pacer.onAck(tick, ackedSeq);
    this.pacer.onSnapshot(tick, receivedAt);
    if (this.timer === null) this.schedule(receivedAt);
  }

  stop(): void {
    this.running = false;
    this.opts.timers.cancel(this.timer);
    this.timer = null;
  }

  private schedule(now: number): void {
    const at = this.pacer.nextSendAt(now, this.opts.rtt());
    if (at === null) return;
    this.timer = this.opts.timers.at(at, () => this.fire());
  }

  private fire(): void {
    this.timer = null;
    if (!this.running) return;
    const now = this.opts.timers.now();
    // Every send that is due goes now: one on time, or after a late wake one per missed tick
    // (the pacer bounds them), oldest first. A send time less than half a tick ahead goes too:
    // a page whose frames take longer than the margin (a busy main thread) wakes up late every
    // time, and would never send if it always waited. Each input is produced afresh: the page
    // could not sample in between, but a bot's produce() depends on the tick.
    for (;;) {
      const at = this.pacer.nextSendAt(now, this.opts.rtt());
      if (at === null) return;
      if (at > now + this.intervalMs / 2) {
        this.timer = this.opts.timers.at(at, () => this.fire());
        return;
      }
      const tick = this.pacer.nextTick;
      const next = tick === null ? null : this.opts.produce(tick);
      const seq = next ? this.opts.send({ ...next.command, clientTick: next.clientTick }) : null;
      if (seq !== null) this.pacer.sent(seq);
      else this.pacer.pass();
    }
  }
}
