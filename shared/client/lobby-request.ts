/**
 * Acknowledged requests with a timeout, for the lobby and match clients: the answer is always an
 * AckResult, and silence past the timeout is `{ ok: false, code: 'TIMEOUT' }`, never a hang and
 * never a rejected promise to forget to catch.
 */
import { ErrorCode, type AckResult } from '../protocol/errors.ts';

export function ackRequest<T extends object>(send: (ack: (res: AckResult<T>) => void) => void, timeoutMs: number): Promise<AckResult<T>> {
  return new Promise((resolve) => {
    const timer = setTimeout(
      () => resolve({ ok: false, code: ErrorCode.Timeout, message: `no answer within ${timeoutMs} ms` }),
      timeoutMs,
    );
    send((res) => {
      clearTimeout(timer);
      resolve(res);
    });
  });
}
