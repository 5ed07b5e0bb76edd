/**
 * A page whose main thread is busy, against the server's input queue, in simulated time: how
 * many inputs per second the server actually applies for that player.
 *
 * The page runs the real InputLoop (and its InputPacer); its timers and its snapshot handler
 * run only when the main thread is free (busy `busyMs` of every `periodMs`, as a page whose
 * frames take that long to draw: a callback due in a busy stretch runs when it ends). The
 * server ticks at `tickRate` and takes at most one input per tick from the real InputQueue;
 * each tick's snapshot goes back with the last applied sequence. The network is ordered (TCP)
 * with a fixed one-way delay plus a seeded jitter. Everything is deterministic for its options,
 * so a test can assert on it and a bench can print it.
 */
import { InputLoop, type LoopTimers } from '../shared/client/input-loop.ts';
import { InputQueue } from '../server/match/input-queue.ts';

export interface BusyPageOptions {
  tickRate: number;
  /** Main thread busy this long of every periodMs (0: an idle page). */
  busyMs: number;
  periodMs: number;
  oneWayMs: number;
  /** Extra one-way delay, uniform in [0, jitterMs), per message (order is kept). */
  jitterMs: number;
  seconds: number;
  /** One stall of the whole page (a GC pause, a long task): from stallAtMs, stallMs long. */
  stallAtMs?: number;
  stallMs?: number;
  /** Seconds at the start left out of the figures (the pacer learning the grid). */
  warmupS?: number;
  maxCatchUp?: number;
  /** Server input queue capacity (INPUT_QUEUE_SIZE). Default 8. */
  queueSize?: number;
  seed?: number;
}

export interface BusyPageResult {
  /** Inputs the server applied per second after warm-up. */
  appliedPerSecond: number;
  /** Inputs the page sent per second after warm-up. */
  sentPerSecond: number;
  /** Ticks after warm-up on which the server had no input (it repeated the last buttons). */
  ticksWithoutInput: number;
  ticks: number;
  /** Inputs the server dropped because its queue was full. */
  overflowed: number;
  /** Sends the page skipped (over the whole run): after a stall longer than maxCatchUp, or to drain a backlog. */
  skipped: number;
  /** Median and p95 of ticks between the tick an input was meant for and the tick it was applied. */
  lateTicksP50: number;
  lateTicksP95: number;
}

interface Task {
  at: number;
  order: number;
  fn: () => void;
}

export function simulateBusyPage(o: BusyPageOptions): BusyPageResult {
  const intervalMs = 1000 / o.tickRate;
  const warmupMs = (o.warmupS ?? 2) * 1000;
  const endMs = o.seconds * 1000;
  let rng = (o.seed ?? 1) >>> 0;
  const jitter = (): number => {
    rng = (Math.imul(rng, 1664525) + 1013904223) >>> 0;
    return (rng / 2 ** 32) * o.jitterMs;
  };

  let now = 0;
  let order = 0;
  const tasks: Task[] = [];
  const schedule = (at: number, fn: () => void): Task => {
    const task = { at: Math.max(at, now), order: order++, fn };
    tasks.push(task);
    return task;
  };
  /** The page runs a callback due at `at` once its main thread is free. */
  const stallFrom = o.stallAtMs ?? Infinity;
  const stallTo = stallFrom + (o.stallMs ?? 0);
  const onPage = (at: number, fn: () => void): Task => {
    const phase = ((at % o.periodMs) + o.periodMs) % o.periodMs;
    const free = phase < o.busyMs ? at - phase + o.busyMs : at;
    return schedule(free >= stallFrom && free < stallTo ? stallTo : free, fn);
  };

  // Ordered links: a message never overtakes the previous one.
  let upLast = 0;
  let downLast = 0;
  const up = (fn: () => void): void => {
    upLast = Math.max(upLast, now + o.oneWayMs + jitter());
    schedule(upLast, fn);
  };
  const down = (fn: () => void): void => {
    downLast = Math.max(downLast, now + o.oneWayMs + jitter());
    schedule(downLast, fn);
  };

  const queue = new InputQueue<{ seq: number; clientTick: number; meant: number }>(o.queueSize ?? 8);
  let lastApplied = 0;
  let applied = 0;
  let sent = 0;
  let overflowed = 0;
  let ticksWithoutInput = 0;
  let ticks = 0;
  const late: number[] = [];
  let seq = 0;

  const timers: LoopTimers<Task> = {
    now: () => now,
    at: (time, fn) => onPage(time, fn),
    cancel: (handle) => {
      if (handle) handle.fn = () => {};
    },
  };
  const loop = new InputLoop<{ meant: number }, Task>({
    tickRate: o.tickRate,
    timers,
    rtt: () => 2 * (o.oneWayMs + o.jitterMs / 2),
    ...(o.maxCatchUp !== undefined ? { maxCatchUp: o.maxCatchUp } : {}),
    produce: (tick) => ({ command: { meant: tick }, clientTick: tick - 4 }),
    send: (input) => {
      const s = ++seq;
      if (now >= warmupMs) sent += 1;
      up(() => {
        if (queue.push({ seq: s, clientTick: input.clientTick, meant: input.meant }) === 'overflow') overflowed += 1;
      });
      return s;
    },
  });

  // The server's ticks, on their own clock (a fixed phase against the page's).
  const serverPhase = 7;
  for (let k = 1; k * intervalMs + serverPhase < endMs; k++) {
    schedule(k * intervalMs + serverPhase, () => {
      const input = queue.take();
      const counted = now >= warmupMs;
      if (counted) ticks += 1;
      if (input) {
        lastApplied = input.seq;
        if (counted) {
          applied += 1;
          late.push(k - input.meant);
        }
      } else if (counted) ticksWithoutInput += 1;
      const ack = lastApplied;
      down(() => onPage(now, () => loop.onSnapshot(k, now, ack)));
    });
  }

  while (tasks.length > 0) {
    let best = 0;
    for (let i = 1; i < tasks.length; i++) {
      const t = tasks[i]!;
      const b = tasks[best]!;
      if (t.at < b.at || (t.at === b.at && t.order < b.order)) best = i;
    }
    const task = tasks[best]!;
    tasks[best] = tasks[tasks.length - 1]!;
    tasks.pop();
    if (task.at >= endMs) continue;
    now = task.at;
    task.fn();
  }
  const skipped = loop.skipped;
  loop.stop();

  const seconds = (endMs - warmupMs) / 1000;
  const sorted = late.sort((a, b) => a - b);
  const pct = (p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
  return {
    appliedPerSecond: applied / seconds,
    sentPerSecond: sent / seconds,
    ticksWithoutInput,
    ticks,
    overflowed,
    skipped,
    lateTicksP50: pct(0.5),
    lateTicksP95: pct(0.95),
  };
}
