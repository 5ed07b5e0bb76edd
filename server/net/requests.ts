/**
 * Acknowledged requests on a socket: checks there is an acknowledgement to answer, runs the
 * socket's requests one at a time in the order sent (so "join, leave, join" from one client means
 * exactly that, whatever the stores' latency), turns a thrown error into INTERNAL, and counts and
 * logs refused payloads.
 */
import type { Socket } from 'socket.io';
import { ErrorCode, type AckResult, type WireError } from '../../shared/protocol/errors.ts';
import type { Logger } from '../log.ts';
import type { Metrics } from '../metrics.ts';

/** Codes that mean the client sent something malformed or too much, as opposed to a refusal. */
const PROTOCOL_CODES: ReadonlySet<string> = new Set([ErrorCode.BadRequest, ErrorCode.TooLong, ErrorCode.RateLimited, ErrorCode.UnknownMode]);

/** Pending requests one socket may have in flight; more is a flood. */
const MAX_PENDING = 16;

export interface RequestDeps {
  metrics: Metrics;
  log: Logger;
  /** Refuses a packet that cannot be answered (no acknowledgement); counts toward a disconnect. */
  strike: (error: WireError) => void;
}

// The handlers validate their payloads themselves, so any result shape is fine here.
type AnyResult = AckResult<object>;
export type RequestHandler = (payload: unknown) => Promise<AnyResult> | AnyResult;

export function requestRouter(socket: Socket, deps: RequestDeps) {
  let tail: Promise<void> = Promise.resolve();
  let pending = 0;
  const logFields = { socketId: socket.id, guestId: (socket.data as { guest?: { guestId: string } }).guest?.guestId };

  const answer = (event: string, ack: (res: AnyResult) => void, res: AnyResult): void => {
    if (!res.ok && PROTOCOL_CODES.has(res.code)) {
      deps.metrics.protocolErrors.inc({ code: res.code });
      deps.log.warn({ ...logFields, event, code: res.code }, res.message);
    }
    if (socket.connected) ack(res);
  };

  return function on(event: string, handler: RequestHandler): void {
    socket.on(event, (...args: unknown[]) => {
      const ack = args[args.length - 1];
      if (typeof ack !== 'function') {
        return deps.strike({ code: ErrorCode.BadRequest, message: `${event} needs an acknowledgement callback` });
      }
      const reply = ack as (res: AnyResult) => void;
      const payload = args.length > 1 ? args[0] : undefined;
      if (pending >= MAX_PENDING) {
        return answer(event, reply, { ok: false, code: ErrorCode.RateLimited, message: `more than ${MAX_PENDING} requests in flight` });
      }
      pending += 1;
      tail = tail.then(async () => {
        try {
          answer(event, reply, await handler(payload));
        } catch (error) {
          if (isClusterOutage(error)) {
            deps.log.warn({ ...logFields, event, err: error }, 'request failed: Redis or another node is unavailable');
            answer(event, reply, { ok: false, code: ErrorCode.ClusterUnavailable, message: 'the cluster is unavailable right now: try again shortly' });
          } else {
            deps.log.error({ ...logFields, event, err: error }, 'request failed');
            answer(event, reply, { ok: false, code: ErrorCode.Internal, message: 'internal error' });
          }
        } finally {
          pending -= 1;
        }
      });
    });
  };
}

/**
 * Errors that mean "Redis or another node is away", not "this request is wrong": ioredis gives
 * up on a command after its retries, or refuses one while disconnected; the node bus times out.
 */
function isClusterOutage(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return (
    error.name === 'MaxRetriesPerRequestError' ||
    error.name === 'ClusterUnavailableError' ||
    /Connection is closed|Stream isn't writeable|enableOfflineQueue|ECONNREFUSED|Cluster is not ready|All nodes failed/.test(error.message)
  );
}
