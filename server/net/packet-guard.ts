/**
 * First line against hostile clients on a namespace: unknown events, floods and repeat
 * offenders. It runs before any handler, costs O(1) per packet, and answers the sender only.
 */
import type { Socket } from 'socket.io';
import { ErrorCode, type AckResult, type WireError } from '../../shared/protocol/errors.ts';
import type { Logger } from '../log.ts';
import type { Metrics } from '../metrics.ts';

export interface GuardOptions {
  allowedEvents: ReadonlySet<string>;
  /** Sustained packets per second; bursts up to the same number are allowed. */
  packetsPerSecond: number;
  /** Refused packets tolerated before the client is disconnected. */
  maxStrikes: number;
  metrics: Metrics;
  log: Logger;
}

/** Tells the client what it did wrong; `fatal` disconnects it right after (the error goes first). */
export function refuse(socket: Socket, error: WireError, deps: { metrics: Metrics; log: Logger }, fatal: boolean): void {
  deps.metrics.protocolErrors.inc({ code: error.code });
  deps.log.warn({ socketId: socket.id, code: error.code, fatal }, error.message);
  socket.emit('protocol_error', error);
  if (fatal) socket.disconnect(true);
}

export interface PacketGuard {
  strike: (error: WireError) => void;
  /**
   * The check `socket.use` runs on every packet, for packets that reach their handler another
   * way (the /match input fast path): false when the packet was refused (the sender was told).
   */
  admit: (event: unknown, ack?: unknown) => boolean;
  /**
   * Charges `n` packets of an event the guard allows, already delivered, at once (the /match
   * input fast path's batch): false when one packet at a time would have refused the last of
   * them (the sender was told and disconnected, as `admit` does).
   */
  charge: (n: number) => boolean;
}

export function installPacketGuard(socket: Socket, opts: GuardOptions): PacketGuard {
  // [tokens, last]: in a Float64Array because a double kept in a closure variable is boxed, and
  // every packet (an input 20-30 times a second per player) would allocate two numbers and pay
  // two write barriers storing them.
  const bucket = Float64Array.of(opts.packetsPerSecond, performance.now());
  let strikes = 0;

  const strike = (error: WireError): void => {
    strikes += 1;
    refuse(socket, error, opts, strikes >= opts.maxStrikes);
  };

  /** Takes `n` tokens; false (the sender told, disconnected) when the bucket holds fewer. */
  const charge = (n: number): boolean => {
    const now = performance.now();
    const tokens = Math.min(opts.packetsPerSecond, bucket[0]! + ((now - bucket[1]!) / 1000) * opts.packetsPerSecond);
    bucket[1] = now;
    if (tokens < n) {
      bucket[0] = tokens;
      refuse(socket, { code: ErrorCode.RateLimited, message: `more than ${opts.packetsPerSecond} packets per second` }, opts, true);
      return false;
    }
    bucket[0] = tokens - n;
    return true;
  };

  /** `ack`: the packet's last argument when it has more than the event name (maybe a callback). */
  const admit = (event: unknown, ack?: unknown): boolean => {
    if (!charge(1)) return false;
    if (typeof event !== 'string' || !opts.allowedEvents.has(event)) {
      const error = { code: ErrorCode.UnknownEvent, message: `unknown event ${JSON.stringify(String(event)).slice(0, 40)}` };
      // A client that asked for an answer (an event this server does not know yet, say) gets it
      // in the ack instead of waiting for its timeout; the packet still counts as a strike.
      if (typeof ack === 'function') (ack as (res: AckResult) => void)({ ok: false, ...error });
      strike(error);
      return false;
    }
    return true;
  };

  socket.use((packet, next) => {
    if (admit(packet[0], packet.length > 1 ? packet[packet.length - 1] : undefined)) next();
  });
  return { strike, admit, charge };
}
