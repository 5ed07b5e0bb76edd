/**
 * A packet budget per engine.io connection, under the per-namespace packet guard.
 *
 * The packet guard (packet-guard.ts) sees socket.io events on a namespace socket. Below it, a
 * connection can send engine.io packets that never become events: pongs nobody asked for, noops,
 * upgrade packets, namespace CONNECT packets (each one runs the token check, and a failed one
 * costs a connect_error), DISCONNECTs, and over long-polling a single POST carries ~2,000 of them.
 * Measured before this guard (flood.test.ts): 10,000 pongs or noops a second from one connection
 * were all taken, indefinitely, with nothing counted or logged.
 *
 * The budget: `packetsPerSecond` sustained with bursts of the same size, per connection. It is set
 * above what the namespace guards let through (one connection carries /lobby and /match, each
 * with its own budget), so an honest client never meets it and a socket.io-level flood is still
 * answered by the namespace guard first. Over it, the connection's namespaces are told
 * RATE_LIMITED, the refusal is counted and logged, and the connection is closed.
 *
 * Cost: one `performance.now()` and a few arithmetic operations per packet, on engine.io's own
 * 'packet' event (figure in BENCHMARKS.md, "Hostile clients"); the /match input fast path tells
 * it its inputs in batches (input-fast-path.ts), so a flood of inputs is seen at most one batch late.
 */
import type { Server } from 'socket.io';
import { PacketType } from 'socket.io-parser';
import { ErrorCode, type WireError } from '../../shared/protocol/errors.ts';
import type { Logger } from '../log.ts';
import type { Metrics } from '../metrics.ts';
import { countsPacketsOnly } from './engine-direct.ts';

export interface EngineGuardOptions {
  /** Sustained engine.io packets per second per connection; bursts up to the same number. */
  packetsPerSecond: number;
  /** The namespaces told why their connection closes (a client ignores the ones it did not join). */
  namespaces: readonly string[];
  metrics: Metrics;
  log: Logger;
}

/** The part of an engine.io socket this guard uses (not all of it is in engine.io's typings). */
interface EngineConn {
  id: string;
  remoteAddress?: string;
  on(event: 'packet', fn: (packet: { type: string }) => void): unknown;
  off(event: 'packet', fn: (packet: { type: string }) => void): unknown;
  write(data: string | Uint8Array): unknown;
  close(): unknown;
}

export function installEngineGuard(io: Server, opts: EngineGuardOptions): void {
  const limit = opts.packetsPerSecond;
  const error: WireError = { code: ErrorCode.RateLimited, message: `more than ${limit} packets per second on one connection` };
  // Encoded once: the same notice goes to every connection that floods.
  const notices = opts.namespaces.flatMap((nsp) => io.encoder.encode({ type: PacketType.EVENT, nsp, data: ['protocol_error', error] }) as (string | Uint8Array)[]);

  io.engine.on('connection', (conn: EngineConn) => {
    // [tokens, last]: in a Float64Array because a double kept in a closure variable is boxed, and
    // every packet would allocate two numbers and pay two write barriers storing them.
    const bucket = Float64Array.of(limit, performance.now());
    // Reads nothing of the packet: engine.io calls it with one, the /match input fast path with
    // the number of inputs it took since it last told (engine-direct.ts). A batch of n is over
    // the budget exactly when one packet at a time would have refused its last one.
    const onPacket = countsPacketsOnly((packets?: unknown): void => {
      const n = typeof packets === 'number' ? packets : 1;
      const now = performance.now();
      const tokens = Math.min(limit, bucket[0]! + ((now - bucket[1]!) / 1000) * limit);
      bucket[1] = now;
      if (tokens >= n) {
        bucket[0] = tokens - n;
        return;
      }
      bucket[0] = tokens;
      conn.off('packet', onPacket);
      opts.metrics.protocolErrors.inc({ code: error.code });
      opts.log.warn({ engineId: conn.id, address: conn.remoteAddress, code: error.code, fatal: true }, error.message);
      for (const notice of notices) conn.write(notice);
      // engine.io flushes what is buffered (the notices) before it closes the transport.
      conn.close();
    });
    conn.on('packet', onPacket);
  });
}
