/**
 * Network simulator for developing netcode on localhost: adds latency and jitter to every
 * packet of every connection, in both directions, keeping order (as TCP would: a late packet
 * holds back the ones behind it, which is how loss looks over WebSocket). Off unless configured.
 */
import type { Server } from 'socket.io';

export interface NetSimOptions {
  /** One-way delay added to each packet (ms). */
  latencyMs: number;
  /** Extra random one-way delay, uniform in [0, jitterMs). */
  jitterMs: number;
  random?: () => number;
}

type EngineConn = {
  write: (...args: unknown[]) => unknown;
  emit: (event: string, ...args: unknown[]) => boolean;
};

/**
 * Delays calls while keeping their order: one queue and one timer per line. A timer per call
 * would not keep it: Node measures a timeout from the event loop's cached clock, so a call
 * queued late in a busy turn of the loop fires as early as the busy time, ahead of a call queued
 * before it for the same moment (under load, inputs then reached the server out of order and
 * were dropped as replays).
 */
export function delayLine(opts: NetSimOptions): (run: () => void) => void {
  const random = opts.random ?? Math.random;
  let lastDue = 0;
  const queue: { due: number; run: () => void }[] = [];
  let head = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const flush = () => {
    timer = null;
    try {
      while (head < queue.length && queue[head]!.due <= performance.now()) queue[head++]!.run();
    } finally {
      if (head === queue.length) {
        queue.length = 0;
        head = 0;
      } else {
        if (head > 1024) {
          queue.splice(0, head);
          head = 0;
        }
        timer = setTimeout(flush, Math.max(0, queue[head]!.due - performance.now()));
      }
    }
  };
  return (run) => {
    const now = performance.now();
    const due = Math.max(lastDue, now + opts.latencyMs + random() * opts.jitterMs);
    lastDue = due;
    queue.push({ due, run });
    if (timer === null) timer = setTimeout(flush, due - now);
  };
}

export function installNetSim(io: Server, opts: NetSimOptions): void {
  // engine.io connections: wrap where socket.io writes (every emit and broadcast goes through
  // conn.write) and where it reads (the 'data' event its Client listens to).
  io.engine.on('connection', (conn: EngineConn) => {
    const outbound = delayLine(opts);
    const inbound = delayLine(opts);
    const write = conn.write.bind(conn);
    const emit = conn.emit.bind(conn);
    conn.write = (...args: unknown[]) => {
      outbound(() => write(...args));
      return conn;
    };
    conn.emit = (event: string, ...args: unknown[]) => {
      if (event !== 'data') return emit(event, ...args);
      inbound(() => emit(event, ...args));
      return true;
    };
  });
}
