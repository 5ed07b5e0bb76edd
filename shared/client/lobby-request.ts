/**
 * Acknowledged requests for the lobby and match clients, on socket.io 4's own
 * `socket.timeout(ms).emitWithAck(...)`: the answer is always an AckResult, never a hang and never
 * a rejected promise to forget to catch.
 *
 * socket.io rejects a request in two ways, both turned into typed errors here:
 * - no answer within the timeout (`operation has timed out`): `TIMEOUT`. socket.io also drops the
 *   packet from its send buffer then, so a request made while offline is not sent late, after the
 *   caller was told it failed;
 * - the connection dropped while the request was out (`socket has been disconnected`): the server
 *   may or may not have acted on it, and no answer will ever come: `UNAVAILABLE`, at once rather
 *   than after the timeout.
 */
import { ErrorCode, type AckResult, type WireError } from '../protocol/errors.ts';

/** socket.io-client's rejection messages (socket.js, `_registerAckCallback` and `_clearAcks`). */
const TIMED_OUT = 'operation has timed out';
const DISCONNECTED = 'socket has been disconnected';

/** What a rejected `timeout(ms).emitWithAck` means to the caller, as a typed error. */
export function ackFailure(error: unknown, timeoutMs: number): WireError {
  const message = error instanceof Error ? error.message : String(error);
  if (message === TIMED_OUT) return { code: ErrorCode.Timeout, message: `no answer within ${timeoutMs} ms` };
  if (message === DISCONNECTED) return { code: ErrorCode.Unavailable, message: 'the connection dropped before the server answered' };
  return { code: ErrorCode.Unavailable, message };
}

/**
 * Awaits `socket.timeout(timeoutMs).emitWithAck(...)`. The answer's type is named by the caller:
 * socket.io's typings cannot infer it through `timeout()` (they type the result as `any`).
 */
export async function settle<T extends object = {}>(pending: Promise<AckResult<T>>, timeoutMs: number): Promise<AckResult<T>> {
  try {
    return await pending;
  } catch (error) {
    return { ok: false, ...ackFailure(error, timeoutMs) };
  }
}
