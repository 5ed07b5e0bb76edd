/**
 * Where spectators' re-simulations run (spectator-feed.ts). The node's matches talk to one
 * engine: `open` a feed for a match, then hand it the recording's chunks, the live phase changes
 * and the live clock; its frames (encoded snapshot bytes) come back through the sink.
 *
 * - `WorkerSpectators` (the server's): one worker_thread per node steps every spectated match's
 *   copy, so the owner's event loop pays no game step and no snapshot encode for spectators: it
 *   posts the chunks the recorder cut anyway and one clock line per tick (four numbers in a
 *   Float64Array, moved, not copied), every match's lines of the last FLUSH_MS in one message,
 *   and gets one message of frames back. Spectators are seconds behind: a few milliseconds more
 *   on the way cost them nothing, and one postMessage per FLUSH_MS instead of one per match and
 *   tick is most of what the owner pays (BENCHMARKS.md, "Spectators from the recording"). A worker that dies
 *   is reported to every open feed (fault 'worker'), which its match reopens on a new one. A
 *   worker that cannot start (its module not found beside this one nor under the working
 *   directory, as in a one-file bundle elsewhere) or dies three times leaves the feeds to this
 *   thread (`LocalSpectators`), with a warning: spectators keep their stream, at the owner's cost.
 * - `LocalSpectators`: the same feeds in this thread, synchronously (tests, tools).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { AnyGame } from '../../shared/game/game-definition.ts';
import { GAMES } from '../../shared/games/index.ts';
import type { Logger } from '../log.ts';
import { SpectatorFeed, type FeedChunk, type FeedFault, type FeedSetup, type PhaseMark, type SpectatorFrame } from './spectator-feed.ts';

export type EngineFault = FeedFault | { kind: 'worker'; message: string };

export interface FeedSink {
  frame(frame: SpectatorFrame): void;
  fault(fault: EngineFault): void;
}

export interface FeedChannel {
  chunk(chunk: FeedChunk): void;
  phase(mark: PhaseMark): void;
  /** The live match stepped `liveTick` at `serverTime`; `keyframe`: newcomers wait for one. */
  clock(liveTick: number, serverTime: number, keyframe: boolean): void;
  close(): void;
}

export interface SpectatorEngine {
  open(setup: FeedSetup, phases: readonly PhaseMark[], sink: FeedSink): FeedChannel;
  close(): Promise<void>;
}

/** Lines to the feeds, in order. */
export type ToWorker =
  | { op: 'open'; id: number; setup: FeedSetup; phases: PhaseMark[] }
  | { op: 'chunk'; id: number; chunk: FeedChunk }
  | { op: 'phase'; id: number; mark: PhaseMark }
  | { op: 'clock'; id: number; tick: number; serverTime: number; keyframe: boolean }
  | { op: 'close'; id: number };

/**
 * One message to the worker: the lines other than clocks, in order, then the clocks, four numbers
 * each (id, live tick, serverTime, 1 when newcomers wait for a keyframe). Clocks after the rest
 * change nothing: a chunk or a phase mark is needed only by ticks `delay` older than the clock
 * that sent it, an open comes before its feed's clocks anyway, and a feed closed ignores them.
 */
export interface WorkerBatch {
  ops: Exclude<ToWorker, { op: 'clock' }>[];
  clocks: Float64Array;
}
const CLOCK_WORDS = 4;
/** The worker hears from the owner at most this often (ms). */
export const FLUSH_MS = 10;

/** The lines of a batch, in the order they apply. */
export function forEachLine(batch: WorkerBatch, apply: (m: ToWorker) => void): void {
  for (const m of batch.ops) apply(m);
  const c = batch.clocks;
  for (let i = 0; i + CLOCK_WORDS <= c.length; i += CLOCK_WORDS) apply({ op: 'clock', id: c[i]!, tick: c[i + 1]!, serverTime: c[i + 2]!, keyframe: c[i + 3] === 1 });
}

export type FromWorker = { id: number; frame: SpectatorFrame } | { id: number; fault: EngineFault };

/** Applies one message to the feeds (the worker's loop, shared with the in-thread engine). */
export function applyToFeeds(feeds: Map<number, SpectatorFeed>, games: readonly AnyGame[], m: ToWorker, out: (r: FromWorker) => void): void {
  if (m.op === 'open') {
    const game = games.find((g) => g.id === m.setup.game && g.version === m.setup.gameVersion);
    if (!game) return out({ id: m.id, fault: { kind: 'worker', message: `the spectator worker has no ${m.setup.game} version ${m.setup.gameVersion}` } });
    const feed = new SpectatorFeed(game, m.setup, (fault) => out({ id: m.id, fault }));
    for (const mark of m.phases) feed.phase(mark);
    feeds.set(m.id, feed);
    return;
  }
  const feed = feeds.get(m.id);
  if (!feed) return;
  if (m.op === 'chunk') feed.chunk(m.chunk);
  else if (m.op === 'phase') feed.phase(m.mark);
  else if (m.op === 'close') feeds.delete(m.id);
  else {
    if (m.keyframe) feed.keyframeSoon();
    const frame = feed.clock(m.tick, m.serverTime);
    if (frame) out({ id: m.id, frame });
  }
}

export class LocalSpectators implements SpectatorEngine {
  private readonly feeds = new Map<number, SpectatorFeed>();
  private readonly sinks = new Map<number, FeedSink>();
  private next = 1;

  constructor(private readonly games: readonly AnyGame[]) {}

  open(setup: FeedSetup, phases: readonly PhaseMark[], sink: FeedSink): FeedChannel {
    const id = this.next++;
    this.sinks.set(id, sink);
    const send = (m: ToWorker) => applyToFeeds(this.feeds, this.games, m, (r) => deliver(this.sinks, r));
    send({ op: 'open', id, setup, phases: [...phases] });
    return channel(id, send, () => this.sinks.delete(id));
  }

  async close(): Promise<void> {
    this.feeds.clear();
    this.sinks.clear();
  }
}

function deliver(sinks: Map<number, FeedSink>, r: FromWorker): void {
  const sink = sinks.get(r.id);
  if (!sink) return;
  if ('frame' in r) sink.frame(r.frame);
  else sink.fault(r.fault);
}

function channel(id: number, send: (m: ToWorker) => void, closed: () => void): FeedChannel {
  let open = true;
  return {
    chunk: (chunk) => open && send({ op: 'chunk', id, chunk }),
    phase: (mark) => open && send({ op: 'phase', id, mark }),
    clock: (tick, serverTime, keyframe) => open && send({ op: 'clock', id, tick, serverTime, keyframe }),
    close: () => {
      if (!open) return;
      open = false;
      send({ op: 'close', id });
      closed();
    },
  };
}

/** The worker's module: beside this one (run from the sources), else under the working directory. */
function workerModule(): string | null {
  const beside = new URL('./spectator-worker.ts', import.meta.url);
  if (beside.protocol === 'file:' && existsSync(fileURLToPath(beside))) return beside.href;
  const fromRoot = join(process.cwd(), 'server', 'replay', 'spectator-worker.ts');
  return existsSync(fromRoot) ? pathToFileURL(fromRoot).href : null;
}

/** Deaths of the worker after which the feeds run in this thread instead. */
const MAX_WORKER_DEATHS = 3;

export class WorkerSpectators implements SpectatorEngine {
  private worker: Worker | null = null;
  private readonly sinks = new Map<number, FeedSink>();
  private next = 1;
  private ops: WorkerBatch['ops'] = [];
  private clocks = new Float64Array(64 * CLOCK_WORDS);
  private clockWords = 0;
  private flushing = false;
  private closed = false;
  private deaths = 0;
  private readonly module = workerModule();
  /** Set once the worker cannot be had: feeds run here. */
  private local: LocalSpectators | null = null;
  /** Feeds of games the worker does not have. */
  private here: LocalSpectators | null = null;

  constructor(
    private readonly log: Logger | null = null,
    private readonly games: readonly AnyGame[] = [],
  ) {}

  /** Feeds run on the worker thread (false: in this thread, after the worker failed). */
  get threaded(): boolean {
    return this.local === null;
  }

  open(setup: FeedSetup, phases: readonly PhaseMark[], sink: FeedSink): FeedChannel {
    if (!this.local && this.module === null) this.degrade('the spectator worker\u2019s module is not found');
    if (this.local) return this.local.open(setup, phases, sink);
    // The worker has the repository's games; another (a server's own) is re-simulated here.
    if (!GAMES.some((g) => g.id === setup.game && g.version === setup.gameVersion)) {
      this.here ??= new LocalSpectators(this.games);
      return this.here.open(setup, phases, sink);
    }
    const id = this.next++;
    this.sinks.set(id, sink);
    const send = (m: ToWorker) => this.send(m);
    send({ op: 'open', id, setup, phases: [...phases] });
    return channel(id, send, () => this.sinks.delete(id));
  }

  async close(): Promise<void> {
    this.closed = true;
    this.sinks.clear();
    await this.local?.close();
    const w = this.worker;
    this.worker = null;
    if (w) await w.terminate();
  }

  private send(m: ToWorker): void {
    if (this.closed) return;
    if (m.op === 'clock') {
      if (this.clockWords + CLOCK_WORDS > this.clocks.length) {
        const grown = new Float64Array(this.clocks.length * 2);
        grown.set(this.clocks.subarray(0, this.clockWords));
        this.clocks = grown;
      }
      const c = this.clocks;
      const at = this.clockWords;
      c[at] = m.id;
      c[at + 1] = m.tick;
      c[at + 2] = m.serverTime;
      c[at + 3] = m.keyframe ? 1 : 0;
      this.clockWords += CLOCK_WORDS;
    } else {
      this.ops.push(m);
    }
    if (this.flushing) return;
    this.flushing = true;
    setTimeout(() => this.flush(), FLUSH_MS).unref();
  }

  private flush(): void {
    this.flushing = false;
    if (this.closed || (this.ops.length === 0 && this.clockWords === 0)) return;
    const clocks = this.clocks.slice(0, this.clockWords);
    const batch: WorkerBatch = { ops: this.ops, clocks };
    this.ops = [];
    this.clockWords = 0;
    this.start().postMessage(batch, [clocks.buffer]);
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    // The server runs under tsx (node --import tsx), which a worker does not inherit: it registers
    // tsx itself, then loads the worker's module.
    const w = new Worker(`import('tsx/esm/api').then((api) => { api.register(); return import(${JSON.stringify(this.module)}); })`, { eval: true, name: 'spectators' });
    w.unref();
    w.on('message', (batch: FromWorker[]) => {
      for (const r of batch) deliver(this.sinks, r);
    });
    const gone = (why: string) => {
      if (this.worker !== w) return;
      this.worker = null;
      // Its feeds are lost: each match opens its feed again (on a new worker) from the recording.
      const sinks = [...this.sinks.values()];
      this.sinks.clear();
      this.ops = [];
      this.clockWords = 0;
      if (++this.deaths >= MAX_WORKER_DEATHS) this.degrade(why);
      for (const sink of sinks) sink.fault({ kind: 'worker', message: why });
    };
    w.on('error', (e) => gone(`the spectator worker failed: ${e.message}`));
    w.on('exit', (code) => gone(`the spectator worker exited (${code})`));
    this.worker = w;
    return w;
  }

  private degrade(why: string): void {
    this.log?.warn({ reason: why }, 'spectators\u2019 re-simulations run on the main thread: the spectator worker cannot be had');
    this.local = new LocalSpectators(this.games);
  }
}
