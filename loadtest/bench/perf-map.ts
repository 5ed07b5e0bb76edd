/**
 * Names a server's JIT frames as they were during a `perf record` window. V8 reuses code space
 * and `--perf-basic-prof` only appends to /tmp/perf-PID.map, so an address can carry several
 * names; perf takes one of them, and a busy server's profile then shows, say, the tick under the
 * replay's state hash (2,309 of 14,083 entries overlapped in one 1,000-player run). capacity.sh
 * copies the map as the window closes (SERVER_PERF=FILE gives FILE.map); this writes that copy
 * back to /tmp/perf-PID.map with later entries winning where ranges overlap, for perf-split.ts
 * and perf-share.ts to read:
 *
 *   node --import tsx loadtest/bench/perf-map.ts FILE    (FILE: the perf.data; FILE.map beside it)
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

const file = process.argv[2];
if (!file) {
  console.error('usage: perf-map.ts PERF_DATA (with PERF_DATA.map beside it)');
  process.exit(2);
}
const pid = spawnSync('perf', ['script', '-i', file, '-F', 'pid'], { encoding: 'utf8', maxBuffer: 1 << 30 }).stdout.trim().split('\n')[0]?.trim();
if (!pid) {
  console.error(`no samples in ${file}`);
  process.exit(1);
}
const entries = readFileSync(`${file}.map`, 'utf8').trim().split('\n').map((line) => {
  const [at, size, ...name] = line.split(' ');
  const start = parseInt(at!, 16);
  return { start, end: start + parseInt(size!, 16), name: name.join(' ') };
});
// Latest first: each entry keeps only the parts of its range no later entry took.
const taken = new Map<number, [number, number][]>();
const page = (x: number): number => Math.floor(x / 65_536);
const out: string[] = [];
for (const e of entries.reverse()) {
  let pieces: [number, number][] = [[e.start, e.end]];
  const near = new Set<[number, number]>();
  for (let p = page(e.start); p <= page(e.end - 1); p++) for (const t of taken.get(p) ?? []) near.add(t);
  for (const [a, b] of near) {
    pieces = pieces.flatMap(([p, q]): [number, number][] => {
      if (b <= p || a >= q) return [[p, q]];
      const rest: [number, number][] = [];
      if (a > p) rest.push([p, a]);
      if (b < q) rest.push([b, q]);
      return rest;
    });
  }
  for (const piece of pieces) {
    out.push(`${piece[0].toString(16)} ${(piece[1] - piece[0]).toString(16)} ${e.name}`);
    for (let p = page(piece[0]); p <= page(piece[1] - 1); p++) taken.set(p, [...(taken.get(p) ?? []), piece]);
  }
}
writeFileSync(`/tmp/perf-${pid}.map`, `${out.join('\n')}\n`);
console.log(`/tmp/perf-${pid}.map: ${entries.length} entries, ${out.length} ranges without overlap`);
