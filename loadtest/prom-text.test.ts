import { describe, expect, it } from 'vitest';
import { histogramQuantile, parsePrometheusText, sumOf } from './prom-text.ts';
import { serverInterval } from './server-probe.ts';

const scrape = (cpu: number, buckets: number[], extra = '') => `# HELP process_cpu_seconds_total Total CPU
# TYPE process_cpu_seconds_total counter
process_cpu_seconds_total ${cpu}
process_resident_memory_bytes 104857600
game_tick_duration_seconds_bucket{le="0.001"} ${buckets[0]}
game_tick_duration_seconds_bucket{le="0.002"} ${buckets[1]}
game_tick_duration_seconds_bucket{le="0.004"} ${buckets[2]}
game_tick_duration_seconds_bucket{le="+Inf"} ${buckets[3]}
game_tick_duration_seconds_sum 1
game_tick_duration_seconds_count ${buckets[3]}
game_snapshot_bytes_total{kind="key"} 1000
game_snapshot_bytes_total{kind="delta"} 3000
${extra}`;

describe('Prometheus text', () => {
  it('reads series with and without labels', () => {
    const s = parsePrometheusText(scrape(1.5, [1, 2, 3, 4]));
    expect(s.get('process_cpu_seconds_total')).toBe(1.5);
    expect(s.get('game_tick_duration_seconds_bucket{le="+Inf"}')).toBe(4);
    expect(sumOf(s, 'game_snapshot_bytes_total')).toBe(4000);
  });

  it('takes histogram quantiles over the interval between two scrapes, interpolated in the bucket', () => {
    const before = parsePrometheusText(scrape(1, [100, 100, 100, 100]));
    // 100 new ticks: 50 under 1 ms, 50 between 1 and 2 ms.
    const after = parsePrometheusText(scrape(2, [150, 200, 200, 200]));
    expect(histogramQuantile(before, after, 'game_tick_duration_seconds', 0.5)).toBeCloseTo(0.001, 9);
    expect(histogramQuantile(before, after, 'game_tick_duration_seconds', 0.75)).toBeCloseTo(0.0015, 9);
    expect(histogramQuantile(after, after, 'game_tick_duration_seconds', 0.5)).toBeNull();
  });

  it('turns two scrapes into CPU share, memory and tick figures', () => {
    const before = { at: 10_000, scrape: parsePrometheusText(scrape(1, [100, 100, 100, 100])) };
    const after = { at: 12_000, scrape: parsePrometheusText(scrape(1.2, [100, 150, 200, 200])) };
    const f = serverInterval(before, after);
    expect(f.cpuPercent).toBe(10);
    expect(f.rssMB).toBe(100);
    expect(f.ticks).toBe(100);
    expect(f.tickMs.p50).toBeCloseTo(2, 3);
  });
});
