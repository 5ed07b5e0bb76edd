/**
 * `node --import tsx loadtest/bench/ladder/perf-top.ts FILE.perf.data [MORE…] [--bots 128] [--seconds 20] [--top 30]`
 *
 * Summarises a `perf record -g` of a Node server (the ladder's --perf) where a V8 CPU profile
 * cannot see: kernel time (syscalls, loopback TCP), GC and compiler threads, native code. perf
 * samples on a kernel timer, unbiased by a busy main thread, so sample counts are CPU time
 * (997 Hz: ~1 ms each). Each sample is charged to:
 *   - its thread (main, or V8/libuv helper threads);
 *   - what it is doing at the top of the stack (kernel by syscall, GC, V8 runtime, JS);
 *   - the innermost JavaScript frame that has a source file, by package: "who asked for it"
 *     (the kernel time of a socket write lands on the library that wrote);
 *   - every JS function on its stack once (inclusive time).
 * With --bots and --seconds, figures are also given in ms per 1,000 bot-seconds. Several files:
 * side-by-side columns (e.g. rungs 1, 4, 6), to see which layer adds what.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    bots: { type: 'string' },
    seconds: { type: 'string' },
    top: { type: 'string', default: '30' },
    hz: { type: 'string', default: '997' },
    focus: { type: 'string' },
  },
});
const file = positionals[0];
if (!file) {
  console.error('usage: perf-top.ts FILE.perf.data [MORE.perf.data…] [--bots N --seconds S] [--top N]');
  process.exit(2);
}
const top = Number(values.top);
const msPerSample = 1000 / Number(values.hz);
const botSeconds = values.bots && values.seconds ? Number(values.bots) * Number(values.seconds) : null;
/** --focus REGEX: only samples with a frame matching it, and what that frame called (next frame up). */
const focus = values.focus ? new RegExp(values.focus) : null;

interface Frame {
  sym: string;
  dso: string;
}

interface Tally {
  file: string;
  total: number;
  mainTotal: number;
  byThread: Map<string, number>;
  byKind: Map<string, number>;
  byOwner: Map<string, number>;
  inclusive: Map<string, number>;
  selfSym: Map<string, number>;
  /** With --focus: the frame the focused one called, per sample. */
  callees: Map<string, number>;
}

const add = (m: Map<string, number>, k: string, v = 1): void => void m.set(k, (m.get(k) ?? 0) + v);

function jsLocation(sym: string): { name: string; url: string } | null {
  // "JS:*emit node:events:471:44", "JS:^send /path/node_modules/ws/lib/sender.js:351:7"
  const m = /^(?:JS|Eval|Function|LazyCompile):[*~^+-]?(\S*) (\S+?)(?::\d+:\d+)?(?:\+0x[0-9a-f]+)?$/.exec(sym);
  if (!m) return null;
  return { name: m[1] || '(anonymous)', url: m[2]! };
}

function packageOf(url: string): string {
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(.*)$/.exec(url);
  if (nm) return nm[1]!;
  if (url.startsWith('node:')) {
    const mod = url.slice(5).replace(/^internal\//, '');
    return `node:${mod.split('/').slice(0, 2).join('/')}`;
  }
  const own = /\/(server|shared|loadtest)\/(.*)$/.exec(url);
  if (own) return `${own[1]}/${own[2]}`;
  return url;
}

function kindOf(frames: Frame[]): string {
  const f = frames[0];
  if (!f) return 'unknown';
  if (f.dso.includes('kernel')) {
    const sys = frames.find((x) => /^__x64_sys_|^__do_sys_|^ksys_/.test(x.sym));
    if (sys) return `kernel: ${sys.sym.replace(/\+0x.*$/, '').replace(/^__x64_sys_|^__do_sys_|^ksys_/, 'sys_')}`;
    if (frames.some((x) => /do_softirq|net_rx_action/.test(x.sym))) return 'kernel: softirq';
    if (frames.some((x) => /asm_sysvec|irqentry|hrtimer/.test(x.sym))) return 'kernel: interrupt/timer';
    if (frames.some((x) => /schedule|finish_task_switch/.test(x.sym))) return 'kernel: scheduler';
    return 'kernel: other';
  }
  const s = f.sym;
  if (/Heap::|Scavenger|MarkCompact|Sweeper|GCTracer|MemoryAllocator|ConcurrentMarking|MinorMC|Evacuat/.test(s)) return 'V8 GC';
  if (frames.some((x) => /Heap::CollectGarbage|Heap::PerformGarbageCollection|ScavengerCollector/.test(x.sym))) return 'V8 GC';
  if (/compiler::|Compile|Parser|Turbofan|Maglev|Sparkplug|Baseline/.test(s)) return 'V8 compiler';
  if (jsLocation(s)) return 'JS (JIT code)';
  if (/^Builtins_|^Builtin:|^BytecodeHandler:|^Stub:/.test(s)) return 'V8 builtins';
  if (/^v8::|^Runtime_/.test(s)) return 'V8 runtime';
  if (/^node::|^uv_|^uv__/.test(s)) return 'node/libuv native';
  if (f.dso.includes('libc')) return 'libc';
  return `other (${f.dso.replace(/^.*\//, '')})`;
}

function record(t: Tally, comm: string, tid: number, pid: number, frames: Frame[]): void {
  if (focus) {
    const at = frames.findIndex((f) => focus.test(f.sym));
    if (at < 0) return;
    add(t.callees, at === 0 ? '(self)' : frames[at - 1]!.sym.replace(/\+0x[0-9a-f]+$/, ''));
  }
  t.total++;
  const isMain = tid === pid;
  add(t.byThread, isMain ? 'main thread' : `thread ${comm}`);
  if (!isMain) return;
  t.mainTotal++;
  const kind = kindOf(frames);
  add(t.byKind, kind);
  add(t.selfSym, `${frames[0]?.sym.replace(/\+0x[0-9a-f]+$/, '') ?? '?'}`);
  let owner: string | null = null;
  const seen = new Set<string>();
  for (const f of frames) {
    const js = jsLocation(f.sym);
    if (!js) continue;
    const pkg = packageOf(js.url);
    owner ??= pkg;
    const key = `${js.name}  ${pkg}`;
    if (seen.has(key)) continue;
    seen.add(key);
    add(t.inclusive, key);
  }
  add(t.byOwner, owner ?? (kind.startsWith('kernel') ? 'no JS on stack: kernel (epoll, reads, softirq)' : 'no JS on stack: native'));
}

function tally(file: string): Promise<Tally> {
  const t: Tally = { file, total: 0, mainTotal: 0, byThread: new Map(), byKind: new Map(), byOwner: new Map(), inclusive: new Map(), selfSym: new Map(), callees: new Map() };
  const perf = spawn('perf', ['script', '-i', file, '-F', 'comm,pid,tid,ip,sym,dso'], { stdio: ['ignore', 'pipe', 'ignore'] });
  let head: { comm: string; pid: number; tid: number } | null = null;
  let frames: Frame[] = [];
  const rl = createInterface({ input: perf.stdout });
  rl.on('line', (line) => {
    if (line.trim() === '') {
      if (head) record(t, head.comm, head.tid, head.pid, frames);
      head = null;
      frames = [];
      return;
    }
    if (!/^\s/.test(line)) {
      const m = /^(.*?)\s+(\d+)\/(\d+)/.exec(line);
      head = m ? { comm: m[1]!.trim(), pid: Number(m[2]), tid: Number(m[3]) } : null;
      frames = [];
      return;
    }
    const m = /^\s+[0-9a-f]+ (.*) \((.*)\)$/.exec(line);
    if (m) frames.push({ sym: m[1]!, dso: m[2]! });
  });
  return new Promise((resolve) =>
    rl.on('close', () => {
      if (head) record(t, head.comm, head.tid, head.pid, frames);
      resolve(t);
    }),
  );
}

const tallies = await Promise.all(positionals.map(tally));
const perBot = (n: number): number => ((n * msPerSample) / (botSeconds ?? 1)) * 1000;

if (tallies.length === 1) {
  const t = tallies[0]!;
  const fmt = (n: number, of: number): string => {
    const ms = n * msPerSample;
    const per = botSeconds ? `  ${perBot(n).toFixed(0).padStart(5)} ms/1000 bot-s` : '';
    return `${((n / (of || 1)) * 100).toFixed(1).padStart(5)}%  ${ms.toFixed(0).padStart(6)} ms${per}`;
  };
  const print = (title: string, m: Map<string, number>, of: number, n = top): void => {
    console.log(`\n-- ${title}`);
    for (const [k, v] of [...m].sort((a, b) => b[1] - a[1]).slice(0, n)) console.log(`${fmt(v, of)}  ${k}`);
  };
  console.log(`${t.file}: ${t.total} samples (${(t.total * msPerSample).toFixed(0)} ms of CPU), main thread ${t.mainTotal}`);
  print('by thread (all samples)', t.byThread, t.total);
  print('main thread: what the CPU was doing (top of stack)', t.byKind, t.mainTotal);
  print('main thread: charged to the innermost JS package on the stack', t.byOwner, t.mainTotal);
  print('main thread: inclusive time by JS function', t.inclusive, t.mainTotal);
  print('main thread: self time by symbol', t.selfSym, t.mainTotal);
  if (focus) print(`what ${values.focus} called`, t.callees, t.total);
} else {
  // Side by side: one column per file, in ms per 1,000 bot-seconds (or ms) of each.
  const unit = botSeconds ? 'ms per 1,000 bot-seconds' : 'ms';
  const val = (n: number | undefined): string => (botSeconds ? perBot(n ?? 0) : (n ?? 0) * msPerSample).toFixed(0).padStart(8);
  const columns = tallies.map((t, i) => `#${i + 1}`.padStart(8)).join('');
  tallies.forEach((t, i) => console.log(`#${i + 1} ${t.file}`));
  const table = (title: string, pick: (t: Tally) => Map<string, number>, n = top, totals = true): void => {
    console.log(`\n-- ${title} (${unit})\n${columns}`);
    const keys = new Map<string, number>();
    for (const t of tallies) for (const [k, v] of pick(t)) keys.set(k, Math.max(keys.get(k) ?? 0, v));
    for (const [k] of [...keys].sort((a, b) => b[1] - a[1]).slice(0, n)) console.log(`${tallies.map((t) => val(pick(t).get(k))).join('')}  ${k}`);
    if (totals) console.log(`${tallies.map((t) => val([...pick(t).values()].reduce((a, b) => a + b, 0))).join('')}  (total)`);
  };
  table('by thread', (t) => t.byThread, 6);
  table('main thread: what the CPU was doing', (t) => t.byKind, 20);
  table('main thread: charged to the innermost JS package', (t) => t.byOwner, 25);
  table('main thread: inclusive time by JS function', (t) => t.inclusive, top, false);
  if (focus) table(`what ${values.focus} called`, (t) => t.callees, top);
}
