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

/** Delays calls while keeping their order. */
function delayLine(opts: NetSimOptions): (run: () => void) => void {
  const random = opts.random ?? Math.random;
  let lastDue = 0;
  return (run) => {
    const now = performance.now();
    const due = Math.max(lastDue, now + opts.latencyMs + random() * opts.jitterMs);
    lastDue = due;
    setTimeout(run, due - now);
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
