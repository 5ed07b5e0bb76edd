/**
 * Reads the Prometheus text format a node's /metrics answers with, and turns two scrapes into
 * the figures the report wants: CPU share, histogram quantiles over the interval between them.
 */

/** Samples by series: `name` or `name{label="v",…}` exactly as written by the server. */
export type Scrape = Map<string, number>;

export function parsePrometheusText(text: string): Scrape {
  const out: Scrape = new Map();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    // The value is the last space-separated field unless a timestamp follows it.
    const close = line.lastIndexOf('}');
    const rest = line.slice(close + 1).trim().split(/\s+/);
    const series = close >= 0 ? line.slice(0, close + 1) : line.slice(0, line.indexOf(' '));
    const value = Number(close >= 0 ? rest[0] : rest[1]);
    if (series && !Number.isNaN(value)) out.set(series, value);
  }
  return out;
}

/** The value of a series without labels (or `undefined`). */
export function scalar(s: Scrape, name: string): number | undefined {
  return s.get(name);
}

/** Sum of every series of `name` whatever its labels (a counter split by a label, e.g. by kind). */
export function sumOf(s: Scrape, name: string): number {
  let total = 0;
  for (const [series, v] of s) {
    if (series === name || series.startsWith(`${name}{`)) total += v;
  }
  return total;
}

/** Cumulative bucket counts of histogram `name`, ascending by upper bound (+Inf last). */
export function histogramBuckets(s: Scrape, name: string): { le: number; count: number }[] {
  const out: { le: number; count: number }[] = [];
  const prefix = `${name}_bucket{`;
  for (const [series, v] of s) {
    if (!series.startsWith(prefix)) continue;
    const m = /le="([^"]+)"/.exec(series);
    if (!m) continue;
    out.push({ le: m[1] === '+Inf' ? Infinity : Number(m[1]), count: v });
  }
  return out.sort((a, b) => a.le - b.le);
}

/**
 * Quantile q of what a histogram observed between scrapes `before` and `after` (null when it
 * observed nothing), interpolated linearly inside the bucket like PromQL's histogram_quantile.
 * In the +Inf bucket the answer is the highest finite bound: "at least this much".
 */
export function histogramQuantile(before: Scrape | null, after: Scrape, name: string, q: number): number | null {
  const b = before ? histogramBuckets(before, name) : [];
  const a = histogramBuckets(after, name);
  const deltas = a.map((bucket) => ({ le: bucket.le, count: bucket.count - (b.find((x) => x.le === bucket.le)?.count ?? 0) }));
  const total = deltas[deltas.length - 1]?.count ?? 0;
  if (total <= 0) return null;
  const rank = q * total;
  let prevLe = 0;
  let prevCount = 0;
  for (const { le, count } of deltas) {
    if (count >= rank) {
      if (le === Infinity) return prevLe;
      const inBucket = count - prevCount;
      return inBucket <= 0 ? le : prevLe + ((le - prevLe) * (rank - prevCount)) / inBucket;
    }
    prevLe = le;
    prevCount = count;
  }
  return prevLe;
}
