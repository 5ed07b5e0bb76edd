/**
 * What every bot process of the peer benchmark counts, the same way for every implementation:
 * state messages and the gaps between them per bot, and bytes on each bot's TCP socket
 * (payload + WebSocket header, read below every library). It answers each `sample` line on stdin
 * with one JSON line of counters; the gap histogram restarts at every sample, so the second
 * sample of a window holds the window's gaps alone.
 */
import type { Socket } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { Histogram } from '../../histogram.ts';

export interface MeterSample {
  bots: number;
  opened: number;
  statesIn: number;
  inputs: number;
  badStates: number;
  bytesIn: number;
  bytesOut: number;
  gapP50Ms: number | null;
  gapP99Ms: number | null;
  gapMaxMs: number | null;
  loopDelayP99Ms: number;
}

export class BotMeter {
  private readonly sockets: Socket[] = [];
  private readonly lastStateAt: Float64Array;
  private readonly received: Uint8Array;
  private gaps = new Histogram();
  private readonly loop = monitorEventLoopDelay({ resolution: 5 });
  statesIn = 0;
  inputs = 0;
  badStates = 0;
  private printedReady = false;

  constructor(private readonly bots: number) {
    this.lastStateAt = new Float64Array(bots).fill(-1);
    this.received = new Uint8Array(bots);
    this.loop.enable();
  }

  /** The TCP socket under bot `index`'s WebSocket, counted from now on. */
  socket(socket: Socket | undefined): void {
    if (socket) this.sockets.push(socket);
  }

  state(index: number): void {
    const now = performance.now();
    const last = this.lastStateAt[index]!;
    if (last >= 0) this.gaps.record(now - last);
    this.lastStateAt[index] = now;
    this.statesIn++;
    if (this.received[index] === 0) {
      this.received[index] = 1;
      this.readyCheck();
    }
  }

  private readyCheck(): void {
    if (this.printedReady || !this.received.every((r) => r === 1)) return;
    this.printedReady = true;
    console.log(JSON.stringify({ ready: true, bots: this.bots }));
  }

  sample(): MeterSample {
    let bytesIn = 0;
    let bytesOut = 0;
    for (const s of this.sockets) {
      bytesIn += s.bytesRead;
      bytesOut += s.bytesWritten;
    }
    const gaps = this.gaps;
    this.gaps = new Histogram();
    const out: MeterSample = {
      bots: this.bots,
      opened: this.sockets.length,
      statesIn: this.statesIn,
      inputs: this.inputs,
      badStates: this.badStates,
      bytesIn,
      bytesOut,
      gapP50Ms: gaps.quantile(0.5),
      gapP99Ms: gaps.quantile(0.99),
      gapMaxMs: gaps.count ? gaps.max : null,
      loopDelayP99Ms: this.loop.percentile(99) / 1e6,
    };
    this.loop.reset();
    return out;
  }

  /** Answers `sample` lines on stdin; `stop` runs on SIGTERM/SIGINT before the process exits. */
  serve(stop: () => void): void {
    createInterface({ input: process.stdin }).on('line', (line) => {
      if (line.trim() === 'sample') console.log(JSON.stringify(this.sample()));
    });
    const end = (): void => {
      stop();
      setTimeout(() => process.exit(0), 200).unref();
    };
    process.on('SIGTERM', end);
    process.on('SIGINT', end);
  }
}

/** The bots' URL argument: loopback only, never another host. */
export function loopbackUrl(url: string | undefined): string | null {
  return url && /^(http|ws):\/\/(127\.0\.0\.1|localhost|\[::1\]):\d+$/.test(url) ? url : null;
}

export interface BotArgs {
  url: string;
  count: number;
  seed: number;
  leadMs: number;
}

/** The options every peer's bot process takes; a bad one ends the process with its usage line. */
export function parseBotArgs(script: string): BotArgs {
  const { values } = parseArgs({
    options: { url: { type: 'string' }, bots: { type: 'string', default: '128' }, seed: { type: 'string', default: '1' }, 'lead-ms': { type: 'string', default: '40' } },
  });
  const url = loopbackUrl(values.url);
  const count = Number(values.bots);
  const seed = Number(values.seed);
  const leadMs = Number(values['lead-ms']);
  if (!url || !(count > 0) || !Number.isInteger(seed)) {
    console.error(`usage: ${script} --url http://127.0.0.1:PORT --bots N [--seed S] [--lead-ms 40] (loopback only)`);
    process.exit(2);
  }
  return { url, count, seed, leadMs };
}

/** Starts bot 0…count-1 spacingMs apart; a bot that cannot start ends the run (its figures would be short). */
export function startBots(count: number, spacingMs: number, start: (index: number) => Promise<void>): void {
  for (let i = 0; i < count; i++) {
    setTimeout(
      () =>
        start(i).catch((error: unknown) => {
          console.error(`bot ${i}: ${error instanceof Error ? error.message : String(error)}`);
          process.exit(1);
        }),
      i * spacingMs,
    );
  }
}
