/**
 * When to send the next input: one per server tick, timed to land just before the tick that
 * will apply it.
 *
 * The server applies at most one queued input per player per tick. A client that sends on its
 * own timer drifts against the server's ticks: two inputs land in one tick, the queue holds one
 * from then on and every input waits a whole extra tick. Pacing on the server's tick grid keeps
 * the queue empty and the input-to-acknowledgement time at about one round trip.
 *
 * The grid is learnt from snapshot arrivals: snapshot k arrives at best at phase + k × interval
 * (the lowest recent value of arrival − k × interval, i.e. without queueing), so the server runs
 * tick k a one-way trip earlier, and an input for tick k must leave a round trip plus a margin
 * before phase + k × interval. Pure: the caller owns the timer and the clock.
 *
 * A backlog, once formed, never drains by itself: the server takes one input per tick and the
 * client sends one per tick. It forms when an input misses its tick (a stall, a first phase
 * estimate taken from a late snapshot) and the next one arrives in time. Acknowledgements show
 * it: the input acknowledged at tick k was meant for an earlier tick. After two such
 * acknowledgements in a row the pacer skips one send, and the server, finding the queue short
 * by one, repeats the last buttons for that tick: nobody notices, the extra tick of latency goes.
 * (A skip that was not needed costs the same one tick once, which is why two is enough.)
 */
export interface InputPacerOptions {
  tickRate: number;
  /** Slack on top of the round trip so the input is queued before the tick starts (ms). Default 8. */
  marginMs?: number;
  /** Snapshot arrivals the phase estimate looks at. Default 40. */
  window?: number;
}

export class InputPacer {
  private readonly intervalMs: number;
  private readonly marginMs: number;
  private readonly window: number;
  private readonly offsets: number[] = [];
  private cursor = 0;
  private phase: number | null = null;
  private next: number | null = null;
  /** Recent inputs: the tick each was meant for, to tell a backlog from acknowledgements. */
  private readonly sentSeqs = new Float64Array(64);
  private readonly sentTicks = new Float64Array(64);
  private sentCount = 0;
  private lastAcked = -1;
  private lateInARow = 0;
  private skips = 0;

  constructor(options: InputPacerOptions) {
    if (!(options.tickRate > 0)) throw new RangeError('tickRate must be > 0');
    this.intervalMs = 1000 / options.tickRate;
    this.marginMs = options.marginMs ?? 8;
    this.window = options.window ?? 40;
  }

  /** Feeds the arrival (local ms) of the snapshot for server tick `tick`. */
  onSnapshot(tick: number, receivedAt: number): void {
    const offset = receivedAt - tick * this.intervalMs;
    if (this.offsets.length < this.window) this.offsets.push(offset);
    else this.offsets[this.cursor] = offset;
    this.cursor = (this.cursor + 1) % this.window;
    let min = Infinity;
    for (const v of this.offsets) if (v < min) min = v;
    this.phase = min;
  }

  /** True once a snapshot has shown where the server's ticks are. */
  get ready(): boolean {
    return this.phase !== null;
  }

  /**
   * Local time (ms) to send the next input at, given the current round trip, or null before
   * the first snapshot. Ask again when the timer fires: a client that woke up too late for
   * its tick (a stall, a GC pause) is moved on to the first tick it can still make, instead of
   * sending an input that would arrive with the next one and queue behind it.
   */
  nextSendAt(now: number, rttMs: number): number | null {
    if (this.phase === null) return null;
    const lead = Math.max(0, rttMs) + this.marginMs;
    // Still reachable: sending now leaves at least half the margin before the tick runs.
    const reachable = Math.ceil((now + lead - this.marginMs / 2 - this.phase) / this.intervalMs);
    if (this.next === null) this.next = reachable;
    else if (this.next < reachable) {
      // Late (the client stalled): that tick is lost either way, and an input sent now would
      // reach the server together with the next one and leave a backlog behind. Skip ahead.
      this.skips += reachable - this.next;
      this.next = reachable;
    }
    return this.phase + this.next * this.intervalMs - lead;
  }

  /** The server tick the next input is meant for (after nextSendAt has been asked). */
  get nextTick(): number | null {
    return this.next;
  }

  /** Marks the next input as sent with sequence number `seq`; returns the tick it was meant for. */
  sent(seq: number): number {
    if (this.next === null) throw new Error('sent() before nextSendAt()');
    const i = this.sentCount++ % this.sentSeqs.length;
    this.sentSeqs[i] = seq;
    this.sentTicks[i] = this.next;
    return this.next++;
  }

  /** Nothing was sent for the next tick (nothing to say, or no connection): plan the one after. */
  pass(): void {
    if (this.next !== null) this.next += 1;
  }

  /**
   * The snapshot of server tick `tick` says the last input applied is `ackedSeq`. When that
   * input was meant for an earlier tick two acknowledgements running, one send is skipped.
   */
  onAck(tick: number, ackedSeq: number): void {
    if (ackedSeq <= this.lastAcked) return; // nothing applied since: not evidence of a backlog
    this.lastAcked = ackedSeq;
    const meant = this.plannedTick(ackedSeq);
    if (meant === null) return;
    this.lateInARow = tick > meant ? this.lateInARow + 1 : 0;
    if (this.lateInARow >= 2 && this.next !== null) {
      this.next += 1;
      this.skips += 1;
      this.lateInARow = 0;
    }
  }

  /** Sends skipped to drain a backlog or after a stall (for diagnostics). */
  get skipped(): number {
    return this.skips;
  }

  private plannedTick(seq: number): number | null {
    const n = Math.min(this.sentCount, this.sentSeqs.length);
    for (let k = 1; k <= n; k++) {
      const i = (this.sentCount - k) % this.sentSeqs.length;
      if (this.sentSeqs[i] === seq) return this.sentTicks[i]!;
      if (this.sentSeqs[i]! < seq) return null;
    }
    return null;
  }

  /** A new match has its own tick numbers: learn the grid again. */
  reset(): void {
    this.offsets.length = 0;
    this.cursor = 0;
    this.phase = null;
    this.next = null;
    this.sentCount = 0;
    this.lastAcked = -1;
    this.lateInARow = 0;
  }
}
