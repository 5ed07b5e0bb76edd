/**
 * Inputs per second the server applies for one player whose page is busy, at 30 Hz, with and
 * without the input loop's catch-up (loadtest/busy-page.ts: the real InputLoop, InputPacer and
 * InputQueue in simulated time; exact for its options, so the box being shared does not matter).
 *
 *   node --import tsx loadtest/bench/busy-page.bench.ts
 */
import { simulateBusyPage } from '../busy-page.ts';

console.log('| main thread busy | RTT | catch-up | inputs sent/s | inputs applied/s | ticks without input | input late by (ticks, p50 / p95) |');
console.log('|---|---|---|---|---|---|---|');
for (const busyMs of [0, 20, 40]) {
  for (const [oneWayMs, jitterMs] of [
    [1, 0],
    [75, 30],
  ] as const) {
    for (const maxCatchUp of [0, 2]) {
      const r = simulateBusyPage({ tickRate: 30, busyMs, periodMs: 50, oneWayMs, jitterMs, seconds: 60, maxCatchUp });
      const rtt = jitterMs > 0 ? `${2 * oneWayMs} ± ${jitterMs} ms` : `${2 * oneWayMs} ms`;
      console.log(
        `| ${busyMs} of 50 ms | ${rtt} | ${maxCatchUp === 0 ? 'off (before)' : `up to ${maxCatchUp}`} | ${r.sentPerSecond.toFixed(1)} | ${r.appliedPerSecond.toFixed(1)} | ${((100 * r.ticksWithoutInput) / r.ticks).toFixed(1)} % | ${r.lateTicksP50} / ${r.lateTicksP95} |`,
      );
    }
  }
}
