/**
 * The share of a process's `perf record -g` samples that have a frame matching PATTERN anywhere
 * on their stack (every thread of the process counted in the total), split by the outermost
 * matching frame: where a component's cost enters it. For the replay recorder's share of the
 * server (loadtest/bench/capacity.sh with SERVER_PERF=FILE and SERVER_NODE_FLAGS=--perf-basic-prof):
 *
 *   node --import tsx loadtest/bench/perf-share.ts FILE 'server/replay/|shared/replay/' [--leaf] [perf script options]
 *
 * `--leaf`: only samples whose leaf (the frame running) matches: a component's self time, e.g.
 * the match runner's own code with whatever V8 inlined into it.
 *
 * A frame V8 inlined into its caller has no frame of its own: its samples go to the caller. So
 * a change that makes a recorder function small enough to inline moves its cost out of this
 * share without removing it; read the split beside the server's whole CPU, and keep the
 * recorder's entry points out-of-line (they are, at the sizes they have) when comparing.
 */
import { spawnSync } from 'node:child_process';

const [file, pattern, ...rest] = process.argv.slice(2);
const leafOnly = rest.includes('--leaf');
const perfArgs = rest.filter((a) => a !== '--leaf');
if (!file || !pattern) {
  console.error('usage: perf-share.ts PERF_DATA PATTERN [perf script options]');
  process.exit(2);
}
const match = new RegExp(pattern);

const script = spawnSync('perf', ['script', '-i', file, ...perfArgs, '-F', 'tid,ip,sym'], { encoding: 'utf8', maxBuffer: 1 << 30 });
if (script.status !== 0) {
  console.error(script.stderr);
  process.exit(1);
}

let total = 0;
let hits = 0;
const byEntry = new Map<string, number>();
let frames: string[] = [];
const close = (): void => {
  if (frames.length === 0) return;
  total++;
  // perf lists the leaf first: the outermost matching frame is the last match.
  let entry: string | null = null;
  if (leafOnly) entry = match.test(frames[0]!) ? frames[0]! : null;
  else for (const f of frames) if (match.test(f)) entry = f;
  if (entry !== null) {
    hits++;
    const name = entry.replace(/^\s*[0-9a-f]+\s+/, '').replace(/\s+\(.*\)$/, '');
    byEntry.set(name, (byEntry.get(name) ?? 0) + 1);
  }
  frames = [];
};
for (const line of script.stdout.split('\n')) {
  if (line.trim() === '') close();
  else if (/^\s/.test(line)) frames.push(line);
  // a sample's header line (its tid) opens the sample: nothing to keep from it
}
close();

const pct = (n: number): string => `${((100 * n) / Math.max(total, 1)).toFixed(2)} %`;
console.log(`${hits} of ${total} samples (${pct(hits)}) have ${leafOnly ? 'their leaf' : 'a frame'} matching /${pattern}/`);
for (const [name, n] of [...byEntry].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`  ${pct(n).padStart(8)}  ${name}`);
