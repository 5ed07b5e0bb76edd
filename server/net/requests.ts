/**
 * Acknowledged requests on a socket: checks there is an acknowledgement to answer, runs the
 * socket's requests one at a time in the order sent (so "join, leave, join" from one client means
 * exactly that, whatever the stores' latency), turns a thrown error into INTERNAL, and counts and
 * logs refused payloads.
 *
 * Registration is typed by the namespace's event map (shared/protocol): only an event whose last
 * argument is an acknowledgement can be registered, and a handler must answer that
 * acknowledgement's type. The payload is another matter: it comes from the network, so it is
 * `unknown` until a check (payload.ts) turns it into the map's payload type. `on(event, check,
 * handler)` runs the check and answers its refusal itself; `on(event, handler)` hands the raw
 * payload to a handler that checks it.
 */
import type { Socket } from 'socket.io';
import { ErrorCode, type AckResult, type WireError } from '../../shared/protocol/errors.ts';
import type { Logger } from '../log.ts';
import type { Metrics } from '../metrics.ts';
import type { PayloadResult } from './payload.ts';

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

type AnyResult = AckResult<object>;

/** What an event's acknowledgement is called with, when the event is a request (never otherwise). */
export type ReplyOf<F> = F extends (...args: infer A) => void ? (A extends [...unknown[], (res: infer R) => void] ? (R extends AnyResult ? R : never) : never) : never;
/** The payload a request event carries before its acknowledgement (undefined when none). */
export type PayloadOf<F> = F extends (...args: infer A) => void ? (A extends [infer P, unknown] ? P : undefined) : undefined;
/** The events of a map that are requests: acknowledged with an AckResult. */
export type RequestEvent<E> = { [K in keyof E & string]: [ReplyOf<E[K]>] extends [never] ? never : K }[keyof E & string];

type Reply<E, K extends keyof E> = Promise<ReplyOf<E[K]>> | ReplyOf<E[K]>;

export interface RequestRouter<E> {
  /** `check` turns the raw payload into the map's payload type, or the refusal to answer. */
  <K extends RequestEvent<E>>(event: K, check: (raw: unknown) => PayloadResult<PayloadOf<E[K]>>, handler: (req: PayloadOf<E[K]>) => Reply<E, K>): void;
  /** The handler checks the raw payload itself (or the request carries none). */
  <K extends RequestEvent<E>>(event: K, handler: (raw: unknown) => Reply<E, K>): void;
}

type RawHandler = (raw: unknown) => Promise<AnyResult> | AnyResult;

export function requestRouter<E extends object>(typed: Socket<E, never, never, unknown>, deps: RequestDeps): RequestRouter<E> {
  // The map types registration; the socket itself is driven untyped below (payloads are unknown).
  const socket = typed as unknown as Socket;
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

  function on(event: string, first: RawHandler | ((raw: unknown) => PayloadResult<unknown>), second?: (req: unknown) => Promise<AnyResult> | AnyResult): void {
    const handler: RawHandler = second
      ? (raw) => {
          const req = (first as (raw: unknown) => PayloadResult<unknown>)(raw);
          return req.ok ? second(req.value) : req;
        }
      : (first as RawHandler);
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
  }
  return on as RequestRouter<E>;
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
