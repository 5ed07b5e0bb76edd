/**
 * The game nodes `npm run cluster` starts: each in its own process group, writing into its own
 * log file, which is followed and passed on line by line under the node's name; stopped by PID
 * with a bounded escalation.
 *
 * Own process group (detached): a Ctrl-C in the terminal reaches only the cluster script, which
 * then stops things in order (front, nodes, Redis last) instead of every process at once.
 *
 * A file, not a pipe: a node whose parent was killed (SIGKILL) must still be able to stop. With
 * a pipe its next log line fails with EPIPE, and pino's synchronous writer retries that forever
 * on the event loop (seen with strace), so not even SIGTERM gets through. Writes to a file
 * cannot fail that way.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

export type LineSink = (name: string, line: string) => void;

export interface ChildSpec {
  name: string;
  command: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Its stdout and stderr go here (appended). */
  logFile: string;
}

export interface StopPlan {
  /** After the first SIGTERM, how long before the second (a game node closes at once on its second signal). */
  graceMs: number;
  /** After the second SIGTERM, how long before SIGKILL. */
  killAfterMs: number;
}

export class Child {
  readonly name: string;
  readonly pid: number;
  /** How it ended: "code N" or the signal; null while it runs. */
  exitedHow: string | null = null;
  readonly exited: Promise<string>;
  private readonly process: ChildProcess;
  private hurryNow: (() => void) | null = null;

  private readonly follower: FileFollower | null;

  /** `sink`: pass each line of the log file on as it is written (null: only the file). */
  constructor(spec: ChildSpec, sink: LineSink | null) {
    this.name = spec.name;
    const log = openSync(spec.logFile, 'a');
    try {
      this.process = spawn(spec.command, spec.args, { cwd: spec.cwd, env: spec.env, stdio: ['ignore', log, log], detached: true });
    } finally {
      closeSync(log); // the child has its own descriptor
    }
    this.follower = sink ? new FileFollower(spec.logFile, (line) => sink(this.name, line)) : null;
    this.exited = new Promise((resolve) => {
      this.process.once('error', (error) => {
        // A process that never started (ENOENT) emits no 'exit'.
        if (this.process.pid === undefined) resolve((this.exitedHow = `could not start: ${error.message}`));
      });
      this.process.once('exit', (code, signal) => {
        this.follower?.close(); // its last lines first
        resolve((this.exitedHow = signal ?? `code ${code}`));
      });
    });
    this.pid = this.process.pid ?? -1;
  }

  get running(): boolean {
    return this.exitedHow === null && this.pid > 0;
  }

  /** SIGTERM; then SIGTERM again after `graceMs` (or at once on `hurry()`); then SIGKILL. Resolves once it exited. */
  async stop(plan: StopPlan): Promise<void> {
    if (!this.running) return;
    this.signal('SIGTERM');
    const hurried = new Promise<void>((resolve) => (this.hurryNow = resolve));
    await Promise.race([this.exited, sleep(plan.graceMs), hurried]);
    if (!this.running) return;
    this.signal('SIGTERM');
    await Promise.race([this.exited, sleep(plan.killAfterMs)]);
    if (!this.running) return;
    this.signal('SIGKILL');
    await this.exited;
  }

  /** A second Ctrl-C: skip the grace period of a stop in progress. */
  hurry(): void {
    this.hurryNow?.();
  }

  /** Last resort when the script itself exits abruptly: synchronous, no waiting. */
  killNow(): void {
    if (this.running) this.signal('SIGKILL');
  }

  private signal(signal: NodeJS.Signals): void {
    try {
      process.kill(this.pid, signal);
    } catch {
      // already gone
    }
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** True while a process with this PID exists (signal 0 checks without sending anything). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Reads what is appended to a file, a few times a second, and hands it on line by line. */
class FileFollower {
  private readonly fd: number;
  private position = 0;
  private partial = '';
  private readonly decoder = new StringDecoder('utf8');
  private readonly timer: ReturnType<typeof setInterval>;
  private readonly buffer = Buffer.alloc(64 * 1024);

  constructor(
    path: string,
    private readonly onLine: (line: string) => void,
  ) {
    this.fd = openSync(path, 'r');
    this.timer = setInterval(() => this.read(), 100);
    this.timer.unref();
  }

  read(): void {
    for (;;) {
      const n = readSync(this.fd, this.buffer, 0, this.buffer.length, this.position);
      if (n <= 0) return;
      this.position += n;
      this.partial += this.decoder.write(this.buffer.subarray(0, n));
      let nl: number;
      while ((nl = this.partial.indexOf('\n')) >= 0) {
        this.onLine(this.partial.slice(0, nl));
        this.partial = this.partial.slice(nl + 1);
      }
    }
  }

  close(): void {
    clearInterval(this.timer);
    this.read();
    if (this.partial) this.onLine(this.partial);
    this.partial = '';
    closeSync(this.fd);
  }
}
