/**
 * The honest side of the hostile-client tests: load-test bots playing real matches in their own
 * process (so the fuzzer's CPU does not stall their event loop and their figures are their own),
 * the server's resident memory read from /proc, and the checks that the server is still fine
 * afterwards: health, readiness, and a new player who gets a token, a seat and plays.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Report } from '../../../loadtest/report.ts';
import { Button } from '../../../shared/games/arena/sim/index.ts';
import { entryCommand } from '../built-entries.ts';
import { connectPlayer } from '../lobby.ts';
import { sleep, waitFor } from '../wait.ts';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

export interface HonestRun {
  /** The load test's report once it finished (its window covers warm-up end to finish). */
  report: Promise<Report>;
  /**
   * Ends the measured window now (SIGUSR2 to the load test, which installs its handler as it
   * starts: call this seconds after `startHonestBots`, not at once) and returns the report.
   */
  finish(): Promise<Report>;
  /** Stops the bots early (a failing test's clean-up). */
  kill(): void;
}

export interface HonestOptions {
  bots: number;
  rampUpS: number;
  warmupS: number;
  durationS: number;
  seed?: number;
}

/**
 * `npm run loadtest` as a child process. The bots only move (`wander`): nobody reaches the kill
 * target during the run, so every bot stays in one match and every snapshot gap is a real gap.
 */
export function startHonestBots(url: string, opts: HonestOptions): HonestRun {
  const dir = mkdtempSync(join(tmpdir(), 'arena-hostile-'));
  const reportPath = join(dir, 'report.json');
  const args = [...entryCommand('loadtest/cli.ts'), '--url', url, '--bots', String(opts.bots), '--ramp-up', String(opts.rampUpS)];
  args.push('--warmup', String(opts.warmupS), '--duration', String(opts.durationS), '--behaviour', 'wander', '--seed', String(opts.seed ?? 11));
  args.push('--report', reportPath, '--quiet');
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const report = new Promise<Report>((resolve, reject) => {
    child.once('exit', (code) => {
      try {
        if (code !== 0) return reject(new Error(`loadtest exited with ${code}\n${output}`));
        resolve(JSON.parse(readFileSync(reportPath, 'utf8')) as Report);
      } catch (err) {
        reject(err);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
  // A run killed by a failing test's clean-up is not awaited: no unhandled rejection.
  report.catch(() => undefined);
  return {
    report,
    finish: () => {
      if (child.exitCode === null) child.kill('SIGUSR2');
      return report;
    },
    kill: () => child.exitCode === null && child.kill('SIGKILL'),
  };
}

/** Resident set of a process in KiB, from /proc/<pid>/status (Linux). */
export function rssKiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  if (!m) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(m[1]);
}

/** Median of `n` RSS samples `everyMs` apart: one sample can land mid-allocation. */
export async function sampleRss(pid: number, n = 5, everyMs = 400): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    if (i > 0) await sleep(everyMs);
    samples.push(rssKiB(pid));
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(n / 2)]!;
}

/** /healthz and /readyz status codes. */
export async function healthCodes(url: string): Promise<{ healthz: number; readyz: number }> {
  const [h, r] = await Promise.all([fetch(`${url}/healthz`), fetch(`${url}/readyz`)]);
  await Promise.all([h.arrayBuffer(), r.arrayBuffer()]);
  return { healthz: h.status, readyz: r.status };
}

/**
 * A new guest gets a token, creates a one-seat private match, joins it and plays: its inputs come
 * back acknowledged in the snapshots. Resolves with how many snapshots it saw; throws otherwise.
 */
export async function freshPlayerPlays(url: string, nickname = 'fresh'): Promise<number> {
  const player = await connectPlayer(url, nickname);
  try {
    const view = player.openMatch();
    const created = await player.lobby.createPrivate({ maxPlayers: 1 });
    if (!created.ok) throw new Error(`create_private: ${created.code} ${created.message}`);
    const joined = await view.conn.join(created.matchId);
    if (!joined.ok) throw new Error(`join: ${joined.code} ${joined.message}`);
    await waitFor(() => view.snapshots.length > 3, 'snapshots for the fresh player');
    let seq = 0;
    const deadline = performance.now() + 10_000;
    while (performance.now() < deadline) {
      seq = view.conn.sendInput({ buttons: Button.Right, aim: 0, clientTick: view.snapshots.at(-1)!.tick }) ?? 0;
      await sleep(50);
      const me = view.snapshots.at(-1)!.players.find((p) => p.id === joined.slot);
      if (me && me.lastInputSeq >= 3) break;
    }
    const me = view.snapshots.at(-1)!.players.find((p) => p.id === joined.slot);
    if (!me || me.lastInputSeq < 3) throw new Error(`the fresh player's inputs were not applied (sent ${seq})`);
    if (view.errors.length > 0 || view.disconnects.length > 0) throw new Error(`fresh player: ${JSON.stringify({ errors: view.errors, disconnects: view.disconnects })}`);
    return view.snapshots.length;
  } finally {
    player.close();
  }
}
