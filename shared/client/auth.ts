/**
 * Guest identity for the SDK: `getGuestToken(url, nickname)` asks the server for a signed token
 * (POST /api/guest) to pass as `auth: { token }` on /lobby and /match. Uses `fetch`, so it runs
 * in browsers and in Node alike.
 */
import { ErrorCode, type AckResult } from '../protocol/errors.ts';

export interface GuestSession {
  token: string;
  /** The guest's id (the token's subject): stable for as long as the token lives. */
  guestId: string;
  /** The nickname as the server accepted it: trimmed, maybe with a suffix if it was taken. */
  nickname: string;
  /** Epoch ms after which the token is refused (get a new one). */
  expiresAt: number;
}

export const GUEST_PATH = '/api/guest';

export async function getGuestToken(url: string, nickname: string, opts: { timeoutMs?: number } = {}): Promise<AckResult<GuestSession>> {
  const timeoutMs = opts.timeoutMs ?? 5000;
  let res: Response;
  try {
    res = await fetch(new URL(GUEST_PATH, url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ nickname }),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    const timedOut = error instanceof Error && error.name === 'TimeoutError';
    return timedOut
      ? { ok: false, code: ErrorCode.Timeout, message: `no answer within ${timeoutMs} ms` }
      : { ok: false, code: ErrorCode.Unavailable, message: error instanceof Error ? error.message : String(error) };
  }
  let body: Record<string, unknown>;
  try {
    body = (await res.json()) as Record<string, unknown>;
  } catch {
    return { ok: false, code: ErrorCode.Unavailable, message: `${GUEST_PATH} answered ${res.status} without JSON` };
  }
  if (!res.ok || body.ok !== true) {
    const code = typeof body.code === 'string' ? (body.code as ErrorCode) : ErrorCode.Unavailable;
    return { ok: false, code, message: typeof body.message === 'string' ? body.message : `${GUEST_PATH} answered ${res.status}` };
  }
  const { token, guestId, nickname: finalName, expiresAt } = body;
  if (typeof token !== 'string' || typeof guestId !== 'string' || typeof finalName !== 'string' || typeof expiresAt !== 'number') {
    return { ok: false, code: ErrorCode.Unavailable, message: `${GUEST_PATH} answered an unexpected body` };
  }
  return { ok: true, token, guestId, nickname: finalName, expiresAt };
}
