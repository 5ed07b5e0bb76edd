/**
 * A fixed-memory latency histogram: log-spaced buckets (about 2% wide) from 0.01 ms to beyond
 * an hour, so an hour-long run at 2,000 bots costs the same few kilobytes as a ten-second one,
 * and per-second histograms can be merged into the run's. Percentiles are accurate to a bucket
 * (±1%); min, max, count and mean are exact.
 */
const MIN_VALUE = 0.01;
const PER_OCTAVE = 32;
const BUCKETS = 32 * 29; // 0.01 ms × 2^29 ≈ 1.5 h

export class Histogram {
  private readonly counts = new Uint32Array(BUCKETS);
  count = 0;
  sum = 0;
  min = Infinity;
  max = -Infinity;

  record(value: number): void {
    if (!Number.isFinite(value)) return;
    const v = Math.max(0, value);
    this.counts[bucketOf(v)]! += 1;
    this.count += 1;
    this.sum += v;
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
  }

  merge(other: Histogram): void {
    for (let i = 0; i < BUCKETS; i++) this.counts[i]! += other.counts[i]!;
    this.count += other.count;
    this.sum += other.sum;
    this.min = Math.min(this.min, other.min);
    this.max = Math.max(this.max, other.max);
  }

  /** Value at quantile q in [0, 1] (null when empty); the bucket's middle, clamped to min..max. */
  quantile(q: number): number | null {
    if (this.count === 0) return null;
    if (q <= 0) return this.min;
    if (q >= 1) return this.max;
    const rank = Math.ceil(q * this.count);
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) return Math.min(this.max, Math.max(this.min, bucketMiddle(i)));
    }
    return this.max;
  }

  get mean(): number | null {
    return this.count === 0 ? null : this.sum / this.count;
  }

  reset(): void {
    this.counts.fill(0);
    this.count = 0;
    this.sum = 0;
    this.min = Infinity;
    this.max = -Infinity;
  }
}

function bucketOf(v: number): number {
  if (v <= MIN_VALUE) return 0;
  return Math.min(BUCKETS - 1, 1 + Math.floor(Math.log2(v / MIN_VALUE) * PER_OCTAVE));
}

function bucketMiddle(i: number): number {
  if (i === 0) return MIN_VALUE / 2;
  const lo = MIN_VALUE * 2 ** ((i - 1) / PER_OCTAVE);
  const hi = MIN_VALUE * 2 ** (i / PER_OCTAVE);
  return (lo + hi) / 2;
}
