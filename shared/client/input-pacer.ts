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
 *
 * A client that wakes late (a page whose main thread is busy drawing, a bot process behind on
 * its timers) has missed the send time of one or more ticks. Each of those ticks still gets its
 * own input, sent at once (up to `maxCatchUp`): the server applies them one per tick, in order,
 * so the player's every tick carries what it pressed and what it saw, and the input rate stays
 * the tick rate instead of falling to the rate the page wakes at. An input sent late is judged
 * against the earliest tick it could make (the first reachable one, plus its place in its
 * burst), so the burst's own queueing is not mistaken for a standing backlog, and a backlog
 * beyond it is still drained. A stall longer than `maxCatchUp` ticks (a hidden tab) drops the
 * older ticks: a burst that long would only queue behind itself.
 */
export interface InputPacerOptions {
  tickRate: number;
  /** Slack on top of the round trip so the input is queued before the tick starts (ms). Default 8. */
  marginMs?: number;
  /** Snapshot arrivals the phase estimate looks at. Default 40. */
  window?: number;
  /**
   * Missed ticks a late wake still sends an input for (0: skip every missed tick). Default 2: a
   * page whose frames take up to two ticks loses nothing, and a longer stall adds at most two
   * ticks of backlog (each input sent late waits behind the ones before it).
   */
  maxCatchUp?: number;
}

export class InputPacer {
  private readonly intervalMs: number;
  private readonly marginMs: number;
  private readonly window: number;
  private readonly maxCatchUp: number;
  private readonly offsets: number[] = [];
  private cursor = 0;
  private phase: number | null = null;
  private next: number | null = null;
  /**
   * Recent inputs and the earliest tick each could be applied at: its planned tick, or for one
   * sent late the first tick still reachable when it left, plus its place in the burst (the
   * server takes one a tick). Applied later than that means a backlog.
   */
  private readonly sentSeqs = new Float64Array(64);
  private readonly sentTicks = new Float64Array(64);
  /** The first tick reachable when nextSendAt was last asked, and when (one burst shares it). */
  private reachable = 0;
  private askedAt = NaN;
  private burstAt = NaN;
  private burstIndex = 0;
  private sentCount = 0;
  private lastAcked = -1;
  private lateInARow = 0;
  private skips = 0;
  private lastSentSeq = -1;
  /** Inputs up to this one left before the last drain skip: their lateness is already answered. */
  private drainFence = -1;

  constructor(options: InputPacerOptions) {
    if (!(options.tickRate > 0)) throw new RangeError('tickRate must be > 0');
    this.intervalMs = 1000 / options.tickRate;
    this.marginMs = options.marginMs ?? 8;
    this.window = options.window ?? 40;
    this.maxCatchUp = Math.max(0, Math.floor(options.maxCatchUp ?? 2));
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
   * the first snapshot. Ask again when the timer fires and after each send: a client that woke
   * up too late gets a time in the past for each missed tick, up to maxCatchUp of them (send
   * them now); older ones are skipped.
   */
  nextSendAt(now: number, rttMs: number): number | null {
    if (this.phase === null) return null;
    const lead = Math.max(0, rttMs) + this.marginMs;
    // Still reachable: sending now leaves at least half the margin before the tick runs.
    const reachable = Math.ceil((now + lead - this.marginMs / 2 - this.phase) / this.intervalMs);
    if (this.next === null) this.next = reachable;
    else if (this.next < reachable - this.maxCatchUp) {
      this.skips += reachable - this.maxCatchUp - this.next;
      this.next = reachable - this.maxCatchUp;
    } else if (this.next > reachable + 2) {
      // The round trip fell (a first estimate taken while the page was still loading can be
      // seconds): the plan is further ahead than an input sent now needs, and waiting for it
      // would send nothing for that long. Plan from what is reachable now; one tick beyond it
      // is the plan right after a send, two after a drain skip, which must stand.
      this.next = reachable + 2;
    }
    this.reachable = reachable;
    this.askedAt = now;
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
    this.lastSentSeq = seq;
    this.burstIndex = this.askedAt === this.burstAt ? this.burstIndex + 1 : 0;
    this.burstAt = this.askedAt;
    this.sentTicks[i] = Math.max(this.next, this.reachable + this.burstIndex);
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
    // Inputs sent before the last skip queued behind the same backlog: counting them again would
    // skip once more for every round trip of acknowledgements in flight, and empty the queue.
    if (ackedSeq <= this.drainFence) return;
    const meant = this.plannedTick(ackedSeq);
    if (meant === null) return;
    this.lateInARow = tick > meant ? this.lateInARow + 1 : 0;
    if (this.lateInARow >= 2 && this.next !== null) {
      this.next += 1;
      this.skips += 1;
      this.lateInARow = 0;
      this.drainFence = this.lastSentSeq;
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
    this.burstAt = NaN;
    this.sentCount = 0;
    this.lastAcked = -1;
    this.lateInARow = 0;
    this.lastSentSeq = -1;
    this.drainFence = -1;
  }
}
