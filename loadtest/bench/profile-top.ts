/**
 * `node --import tsx loadtest/bench/profile-top.ts file.cpuprofile [--top N] [--from S] [--to S]`
 *
 * Reads a V8 CPU profile (`node --cpu-prof`) and prints where the time went: the functions with
 * the most self time, the most inclusive time (a function and everything it called), and self
 * time by package. --from/--to keep only samples in that window (seconds since the profile
 * started), e.g. the steady state of a load test without start-up and ramp-up.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { top: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' } },
});
const file = positionals[0];
if (!file) {
  console.error('usage: profile-top.ts file.cpuprofile [--top N] [--from S] [--to S]');
  process.exit(2);
}
const top = Number(values.top ?? 30);
const from = Number(values.from ?? 0) * 1e6;
const to = values.to === undefined ? Infinity : Number(values.to) * 1e6;
const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };

const selfUs = new Map<number, number>();
let t = 0;
profile.samples.forEach((id, i) => {
  const dt = profile.timeDeltas[i] ?? 0;
  t += dt;
  if (t >= from && t <= to) selfUs.set(id, (selfUs.get(id) ?? 0) + dt);
});

const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const short = (url: string): string => url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*?\/(server|shared|loadtest)\//, '$1/');
const keyOf = (n: ProfileNode): string => `${n.callFrame.functionName || '(anonymous)'}  ${short(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;
const pkgOf = (n: ProfileNode): string => {
  const url = n.callFrame.url;
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1]!;
  if (url.startsWith('node:')) return 'node internals';
  if (/\/(server|shared)\//.test(url)) return 'project code';
  return n.callFrame.functionName.startsWith('(') ? n.callFrame.functionName : 'other';
};

const self = new Map<string, number>();
const inclusive = new Map<string, number>();
const byPkg = new Map<string, number>();
let busy = 0;
for (const [id, us] of selfUs) {
  const n = nodes.get(id)!;
  if (n.callFrame.functionName === '(idle)') continue;
  busy += us;
  self.set(keyOf(n), (self.get(keyOf(n)) ?? 0) + us);
  byPkg.set(pkgOf(n), (byPkg.get(pkgOf(n)) ?? 0) + us);
  // Charge every distinct function on the stack once (recursion counted once).
  const seen = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const k = keyOf(nodes.get(cur)!);
    if (seen.has(k)) continue;
    seen.add(k);
    inclusive.set(k, (inclusive.get(k) ?? 0) + us);
  }
}
const pct = (us: number): string => `${((us / (busy || 1)) * 100).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(6)} ms`;
const window = to === Infinity ? `from ${from / 1e6} s` : `${from / 1e6}-${to / 1e6} s`;
console.log(`busy ${(busy / 1e6).toFixed(2)} s of samples ${window}`);
console.log('\n-- self time by package');
for (const [k, us] of [...byPkg].sort((a, b) => b[1] - a[1])) console.log(`${pct(us)}  ${k}`);
console.log('\n-- self time');
for (const [k, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(us)}  ${k}`);
console.log('\n-- inclusive time');
for (const [k, us] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(us)}  ${k}`);
