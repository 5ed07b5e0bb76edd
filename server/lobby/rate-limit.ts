/**
 * Token buckets keyed by a string (a player id, an address): `burst` at once, then one every
 * `intervalMs`. Full buckets are forgotten when the map grows, so memory follows active keys.
 */
export interface RateLimitOptions {
  burst: number;
  intervalMs: number;
  /** Above this many keys, idle (full) buckets are dropped. */
  maxKeys?: number;
}

export class KeyedRateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly opts: RateLimitOptions) {}

  /** Takes one token for `key`; false when it has none left. */
  take(key: string, now: number): boolean {
    const bucket = this.buckets.get(key) ?? { tokens: this.opts.burst, at: now };
    bucket.tokens = Math.min(this.opts.burst, bucket.tokens + Math.max(0, now - bucket.at) / this.opts.intervalMs);
    bucket.at = now;
    const allowed = bucket.tokens >= 1;
    if (allowed) bucket.tokens -= 1;
    this.buckets.set(key, bucket);
    if (this.buckets.size > (this.opts.maxKeys ?? 10_000)) this.prune(now);
    return allowed;
  }

  private prune(now: number): void {
    for (const [key, b] of this.buckets) {
      if (b.tokens + (now - b.at) / this.opts.intervalMs >= this.opts.burst) this.buckets.delete(key);
    }
  }
}
