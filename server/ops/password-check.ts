/**
 * Checks a password against a bcrypt hash on a worker thread.
 *
 * bcryptjs is plain JavaScript: one compare at cost 10 takes ~55 ms of CPU (~215 ms at cost 12),
 * and its "async" compare runs in slices of up to 100 ms on the main thread (measured: a 55 ms
 * stall of the event loop per compare). On the main thread every wrong admin password would
 * stall every match's tick; on a worker the tick does not notice. One worker, one compare at a
 * time, and a short queue: past it the caller is told to come back later instead of piling up.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

// Plain CommonJS, evaluated by the worker: no loader (tsx, vitest) is needed on the worker side.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const bcrypt = require(workerData.bcryptPath);
parentPort.on('message', ({ id, password, hash }) => {
  let ok = false;
  try { ok = bcrypt.compareSync(password, hash); } catch { ok = false; }
  parentPort.postMessage({ id, ok });
});
`;

export type PasswordVerdict = 'match' | 'mismatch' | 'busy';

export interface PasswordChecker {
  /** 'busy' when `maxQueued` checks already wait: refuse the attempt, do not queue it. */
  check(password: string, hash: string): Promise<PasswordVerdict>;
  close(): Promise<void>;
}

export function createPasswordChecker(opts: { maxQueued?: number } = {}): PasswordChecker {
  const maxQueued = opts.maxQueued ?? 4;
  const bcryptPath = createRequire(import.meta.url).resolve('bcryptjs');
  const pending = new Map<number, (v: PasswordVerdict) => void>();
  let nextId = 1;
  let worker: Worker | null = null;

  const start = (): Worker => {
    const w = new Worker(WORKER_SOURCE, { eval: true, workerData: { bcryptPath } });
    // An idle checker must not keep the process alive; a pending check holds it by its promise.
    w.unref();
    w.on('message', ({ id, ok }: { id: number; ok: boolean }) => {
      pending.get(id)?.(ok ? 'match' : 'mismatch');
      pending.delete(id);
    });
    const fail = (): void => {
      // A dead worker answers nobody: its callers are refused (never let in), and the next
      // check starts a fresh one.
      if (worker === w) worker = null;
      for (const resolve of pending.values()) resolve('mismatch');
      pending.clear();
    };
    w.on('error', fail);
    w.on('exit', fail);
    return w;
  };

  return {
    check: (password, hash) => {
      if (pending.size >= maxQueued) return Promise.resolve('busy');
      worker ??= start();
      const id = nextId++;
      return new Promise<PasswordVerdict>((resolve) => {
        pending.set(id, resolve);
        worker!.postMessage({ id, password, hash });
      });
    },
    close: async () => {
      const w = worker;
      worker = null;
      if (w) await w.terminate();
    },
  };
}
