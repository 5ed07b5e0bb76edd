/**
 * Child processes of the ladder: pinned to a core with `taskset`, speaking JSON lines on
 * stdout, stopped by their own pid (never by name). Every wait has a deadline.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface Child {
  readonly proc: ChildProcess;
  readonly pid: number;
  readonly label: string;
  /** Performance-clock ms at spawn (the CPU profile's time zero, near enough). */
  readonly spawnedAt: number;
  /** Resolves with the next JSON line whose object has `key`. */
  nextLine(key: string, timeoutMs: number): Promise<Record<string, unknown>>;
  /** Writes `sample` and resolves with the JSON answer (the line that has `key`). */
  sample(key: string, timeoutMs?: number): Promise<Record<string, unknown>>;
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<void>;
  /** Last lines of stderr, for error messages. */
  stderrTail(): string;
}

const live = new Set<Child>();

export function spawnPinned(label: string, core: number | null, argv: string[], env: NodeJS.ProcessEnv = {}, cwd?: string): Child {
  const [cmd, ...args] = core === null ? argv : ['taskset', '-c', String(core), ...argv];
  const proc = spawn(cmd!, args, { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'], cwd });
  if (proc.pid === undefined) throw new Error(`${label}: could not start ${argv.join(' ')}`);
  const waiters: { key: string; resolve: (v: Record<string, unknown>) => void }[] = [];
  const stderr: string[] = [];
  createInterface({ input: proc.stdout! }).on('line', (line) => {
    if (!line.startsWith('{')) return;
    let obj: Record<string, unknown>;
    try {
      obj = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return;
    }
    const i = waiters.findIndex((w) => w.key in obj);
    if (i >= 0) waiters.splice(i, 1)[0]!.resolve(obj);
  });
  createInterface({ input: proc.stderr! }).on('line', (line) => {
    stderr.push(line);
    if (stderr.length > 20) stderr.shift();
  });
  proc.stdin!.on('error', () => {});
  let exited = false;
  const exitedP = new Promise<void>((resolve) => proc.once('exit', () => ((exited = true), resolve())));

  const child: Child = {
    proc,
    pid: proc.pid,
    label,
    spawnedAt: performance.now(),
    nextLine(key, timeoutMs) {
      return new Promise((resolve, reject) => {
        const w = { key, resolve: (v: Record<string, unknown>) => (clearTimeout(t), resolve(v)) };
        const t = setTimeout(() => {
          waiters.splice(waiters.indexOf(w), 1);
          reject(new Error(`${label}: no "${key}" line within ${timeoutMs} ms${exited ? ' (it exited)' : ''}\n${stderr.join('\n')}`));
        }, timeoutMs);
        waiters.push(w);
      });
    },
    sample(key, timeoutMs = 3000) {
      const answer = child.nextLine(key, timeoutMs);
      proc.stdin!.write('sample\n');
      return answer;
    },
    async stop(signal = 'SIGTERM', graceMs = 5000) {
      live.delete(child);
      if (exited) return;
      proc.kill(signal);
      const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
      await exitedP;
      clearTimeout(timer);
    },
    stderrTail: () => stderr.join('\n'),
  };
  live.add(child);
  return child;
}

/** Stops every child still running (Ctrl-C, a failed rung). */
export async function stopAll(): Promise<void> {
  await Promise.all([...live].map((c) => c.stop('SIGTERM', 2000)));
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
