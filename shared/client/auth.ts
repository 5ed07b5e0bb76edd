/**
 * Guest identity for the SDK: `getGuestToken(url, nickname)` asks the server for a signed token
 * (POST /api/guest) to pass as `auth: { token }` on /lobby and /match; `renewGuestToken(url,
 * token)` trades a token for a fresh one of the same guest (POST /api/guest/renew), so the seats
 * and the nickname it holds stay its own. Uses `fetch`, so it runs in browsers and in Node alike.
 */
import { ErrorCode, type AckResult } from '../protocol/errors.ts';

export interface GuestSession {
  token: string;
  /** The guest's id (the token's subject): stable for as long as the token lives, and across renewals. */
  guestId: string;
  /** The nickname as the server accepted it: trimmed, maybe with a suffix if it was taken. */
  nickname: string;
  /** Epoch ms after which the token is refused (renew it before). */
  expiresAt: number;
}

export const GUEST_PATH = '/api/guest';
export const RENEW_PATH = '/api/guest/renew';

export function getGuestToken(url: string, nickname: string, opts: { timeoutMs?: number } = {}): Promise<AckResult<GuestSession>> {
  return askForToken(new URL(GUEST_PATH, url), GUEST_PATH, { 'content-type': 'application/json' }, JSON.stringify({ nickname }), opts.timeoutMs);
}

/**
 * A new token for the guest `token` names: same guestId, same nickname. The server takes a token
 * that expired a little while ago (its grace, 24 h) and refuses a forged one (AUTH_INVALID) or
 * one expired for longer (AUTH_EXPIRED): then only a new guest (getGuestToken) is left.
 *
 * `expiresAt` is read on this client's clock (now + the server's `expiresInS`), so a client whose
 * clock is off still renews on time.
 */
export async function renewGuestToken(url: string, token: string, opts: { timeoutMs?: number } = {}): Promise<AckResult<GuestSession>> {
  const askedAt = Date.now();
  const res = await askForToken(new URL(RENEW_PATH, url), RENEW_PATH, { authorization: `Bearer ${token}` }, '', opts.timeoutMs);
  if (!res.ok || res.expiresInS === undefined) return res;
  const { expiresInS, ...session } = res;
  return { ...session, expiresAt: askedAt + expiresInS * 1000 };
}

async function askForToken(
  url: URL,
  path: string,
  headers: Record<string, string>,
  body: string,
  timeoutMs = 5000,
): Promise<AckResult<GuestSession & { expiresInS?: number }>> {
  let res: Response;
  try {
    res = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    const timedOut = error instanceof Error && error.name === 'TimeoutError';
    return timedOut
      ? { ok: false, code: ErrorCode.Timeout, message: `no answer within ${timeoutMs} ms` }
      : { ok: false, code: ErrorCode.Unavailable, message: failureOf(error) };
  }
  let answer: Record<string, unknown>;
  try {
    answer = (await res.json()) as Record<string, unknown>;
  } catch {
    return { ok: false, code: ErrorCode.Unavailable, message: `${path} answered ${res.status} without JSON` };
  }
  if (!res.ok || answer.ok !== true) {
    const code = typeof answer.code === 'string' ? (answer.code as ErrorCode) : ErrorCode.Unavailable;
    return { ok: false, code, message: typeof answer.message === 'string' ? answer.message : `${path} answered ${res.status}` };
  }
  const { token, guestId, nickname, expiresAt, expiresInS } = answer;
  if (typeof token !== 'string' || typeof guestId !== 'string' || typeof nickname !== 'string' || typeof expiresAt !== 'number') {
    return { ok: false, code: ErrorCode.Unavailable, message: `${path} answered an unexpected body` };
  }
  return { ok: true, token, guestId, nickname, expiresAt, ...(typeof expiresInS === 'number' && { expiresInS }) };
}

/**
 * fetch's network failures all read "fetch failed"; the reason (ECONNRESET, ECONNREFUSED, "other
 * side closed", …) is in its `cause`, and is what tells a refused connection from a dropped one.
 */
function failureOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause as { code?: unknown; message?: unknown } | undefined;
  const why = [cause?.code, cause?.message].filter((part) => typeof part === 'string' && part !== '').join(': ');
  return why ? `${error.message} (${why})` : error.message;
}
