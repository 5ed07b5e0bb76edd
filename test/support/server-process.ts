/**
 * Starts the real game server (`node --import tsx server/main.ts`, or its bundle: built-entries.ts)
 * on a free loopback port and stops it. The port comes from the server's own "listening" log line (PORT=0).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { entryCommand } from './built-entries.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface ServerProcess {
  url: string;
  port: number;
  child: ChildProcess;
  /** Every JSON log line so far. */
  logs: Record<string, unknown>[];
  stop(): Promise<void>;
}

export interface StartOptions {
  /**
   * Run through tsx as `npm start` and the Dockerfile do, even when the suite built a bundle. For
   * tests that judge the server's RSS against its own baseline: tsx's loader leaves V8 with a heap
   * already grown at start, while a bundle starts ~50 MB smaller and grows into its working set
   * for the first minute, which an RSS check would take for a leak.
   */
  throughTsx?: boolean;
  /**
   * Another server entry (relative to the repository), e.g. one that adds a test's fixture game;
   * run through tsx (only server/main.ts is bundled).
   */
  entry?: string;
}

export async function startServer(env: Record<string, string> = {}, options: StartOptions = {}): Promise<ServerProcess> {
  const command = options.entry ? ['--import', 'tsx', options.entry] : options.throughTsx ? ['--import', 'tsx', 'server/main.ts'] : entryCommand('server/main.ts');
  const child = spawn(process.execPath, command, {
    cwd: ROOT,
    // DRAIN_TIMEOUT_MS 0: a test's teardown stops the server with its matches still running, and
    // waiting for them (30 s by default, cut to 5 s by the SIGKILL below) tests nothing. Tests of
    // the drain set their own.
    env: { ...process.env, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info', DRAIN_TIMEOUT_MS: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Record<string, unknown>[] = [];
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(() => reject(new Error(`server did not start in 20 s\n${stderr}`)), 20_000);
    child.once('exit', (code) => reject(new Error(`server exited with ${code}\n${stderr}`)));
    child.stdout!.on('data', (d: Buffer) => {
      buffered += d.toString();
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        try {
          const entry = JSON.parse(line) as Record<string, unknown>;
          logs.push(entry);
          if (entry.msg === 'game server listening') {
            clearTimeout(timer);
            resolve(entry.port as number);
          }
        } catch {
          // not a log line
        }
      }
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    child,
    logs,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const kill = setTimeout(() => child.kill('SIGKILL'), 5_000);
        child.once('exit', () => {
          clearTimeout(kill);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}
