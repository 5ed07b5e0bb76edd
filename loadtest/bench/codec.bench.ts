/**
 * `npm run bench`: encode/decode time and bytes of a 16-player Arena snapshot (keyframe and
 * typical delta) against JSON.stringify / JSON.parse of the same state. Prints a Markdown table.
 */
import { Bench } from 'tinybench';
import { decodeSnapshot, encodeDelta, encodeKeyframe } from '../../shared/games/arena/snapshot-codec.ts';
import { recordArena } from './arena-recording.ts';

const TICK_RATE = 20;
const snapshots = recordArena({ players: 16, tickRate: TICK_RATE, ticks: 400 }).slice(100); // skip the opening seconds
const deltas = snapshots.slice(1).map((s, i) => ({ base: snapshots[i]!, s, bytes: encodeDelta(snapshots[i]!, s) }));
const keyframes = snapshots.map((s) => ({ s, bytes: encodeKeyframe(s) }));
const jsonTexts = snapshots.map((s) => JSON.stringify(s));

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const pct = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
const deltaSizes = deltas.map((d) => d.bytes.length);
const keySizes = keyframes.map((k) => k.bytes.length);
const jsonSizes = jsonTexts.map((t) => Buffer.byteLength(t));
const projectilesLive = mean(snapshots.map((s) => s.projectiles.length));

let i = 0;
const next = <T>(xs: T[]): T => xs[i++ % xs.length]!;
const bench = new Bench({ time: 500, warmupTime: 100 });
bench
  .add('keyframe encode', () => void encodeKeyframe(next(snapshots)))
  .add('keyframe decode', () => void decodeSnapshot(next(keyframes).bytes, null))
  .add('delta encode', () => {
    const d = next(deltas);
    encodeDelta(d.base, d.s);
  })
  .add('delta decode', () => {
    const d = next(deltas);
    decodeSnapshot(d.bytes, d.base);
  })
  .add('JSON.stringify', () => void JSON.stringify(next(snapshots)))
  .add('JSON.parse', () => void JSON.parse(next(jsonTexts)));
await bench.run();

const timeOf = (name: string): string => {
  const task = bench.tasks.find((t) => t.name === name)!;
  const r = task.result as unknown as { latency?: { mean: number }; mean?: number };
  const ms = r.latency?.mean ?? r.mean ?? NaN;
  return `${(ms * 1000).toFixed(2)} µs`;
};

console.log(`16-player Arena snapshot, ${TICK_RATE} Hz, ${snapshots.length} recorded ticks, ~${projectilesLive.toFixed(0)} projectiles in flight (node ${process.version})\n`);
console.log('| | encode | decode | bytes (mean) | bytes (p95) | bytes/s per client at 20 Hz |');
console.log('|---|---|---|---|---|---|');
console.log(`| keyframe | ${timeOf('keyframe encode')} | ${timeOf('keyframe decode')} | ${mean(keySizes).toFixed(0)} | ${pct(keySizes, 95)} | ${(mean(keySizes) * TICK_RATE).toFixed(0)} |`);
console.log(`| delta | ${timeOf('delta encode')} | ${timeOf('delta decode')} | ${mean(deltaSizes).toFixed(1)} | ${pct(deltaSizes, 95)} | ${(mean(deltaSizes) * TICK_RATE).toFixed(0)} |`);
console.log(`| JSON (same state) | ${timeOf('JSON.stringify')} | ${timeOf('JSON.parse')} | ${mean(jsonSizes).toFixed(0)} | ${pct(jsonSizes, 95)} | ${(mean(jsonSizes) * TICK_RATE).toFixed(0)} |`);
const blended = (mean(keySizes) + (TICK_RATE - 1) * mean(deltaSizes)) / TICK_RATE;
console.log(`\nWith one keyframe a second: ${blended.toFixed(1)} B per snapshot on average, ${(blended * TICK_RATE).toFixed(0)} B/s of payload per client; JSON is ${(mean(jsonSizes) / blended).toFixed(0)}x larger.`);
