/**
 * Input-to-acknowledgement latency: from sending an input to the first snapshot whose
 * `lastInputSeq` for this player covers it. That is the delay a player feels between pressing
 * a key and the server's world reflecting it; the game's net graph and the load-test bots
 * both show it. Fixed memory: a ring of the most recent unacknowledged inputs.
 */
export class InputAckTracker {
  private readonly seqs: Float64Array;
  private readonly times: Float64Array;
  private head = 0; // oldest
  private count = 0;

  constructor(capacity = 256) {
    this.seqs = new Float64Array(capacity);
    this.times = new Float64Array(capacity);
  }

  /** Records input `seq` sent at local time `at` (ms). Sequence numbers must increase. */
  sent(seq: number, at: number): void {
    const cap = this.seqs.length;
    if (this.count === cap) {
      // Unacknowledged for `capacity` inputs: the server dropped it (queue overflow); forget it.
      this.head = (this.head + 1) % cap;
      this.count -= 1;
    }
    const i = (this.head + this.count) % cap;
    this.seqs[i] = seq;
    this.times[i] = at;
    this.count += 1;
  }

  /**
   * A snapshot received at `at` acknowledges every input up to `ackedSeq`; calls `sample` with
   * the latency (ms) of each one it covers for the first time.
   */
  acked(ackedSeq: number, at: number, sample: (latencyMs: number) => void): void {
    const cap = this.seqs.length;
    while (this.count > 0 && this.seqs[this.head]! <= ackedSeq) {
      sample(at - this.times[this.head]!);
      this.head = (this.head + 1) % cap;
      this.count -= 1;
    }
  }

  /** Inputs sent and not acknowledged yet. */
  get pending(): number {
    return this.count;
  }

  reset(): void {
    this.head = 0;
    this.count = 0;
  }
}
