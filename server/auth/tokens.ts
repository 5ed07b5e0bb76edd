/**
 * Guest tokens: HS256 JWTs (RFC 7519, compact JWS) with `sub` = the guest's id and `name` = its
 * nickname. The server keeps no session table: any node with the secret verifies any token, which
 * is what lets a player reconnect through another node.
 *
 * Signed and checked with node:crypto's HMAC on a key imported once, not with jose: jose runs
 * every sign and verify through WebCrypto (a key import, a job on the thread pool and a promise),
 * ~0.5 ms of the main thread each, and each new player costs one sign and two verifies (the
 * /lobby and /match handshakes): a quarter of a new player's server CPU (BENCHMARKS.md, "Server
 * CPU per player-second"). The checks are jose's `jwtVerify` with `algorithms: ['HS256']`,
 * `requiredClaims: ['sub', 'exp']` and the clock tolerance: only HS256 (a token claiming "none"
 * or another algorithm is refused before its signature is looked at), no `crit` extensions, a
 * constant-time signature comparison, `exp` (and `nbf`, `iat` when present) as numbers, expired
 * when `exp <= now - tolerance`. Tokens jose signs verify here and the other way round (tested).
 */
import { createHmac, createSecretKey, randomBytes, timingSafeEqual, type KeyObject } from 'node:crypto';
import { normalizeNickname } from '../../shared/protocol/lobby-rules.ts';
import { err, ok, type Result } from '../../shared/result.ts';
import type { GuestIdentity } from './identity.ts';

export type TokenErrorCode = 'AUTH_MISSING' | 'AUTH_EXPIRED' | 'AUTH_INVALID';

export interface TokenService {
  readonly ttlS: number;
  issue(identity: GuestIdentity): Promise<{ token: string; expiresAt: number }>;
  /** Checks a token at a handshake: an expired one is refused (AUTH_EXPIRED). */
  verify(token: unknown): Promise<Result<GuestIdentity, TokenErrorCode>>;
  /**
   * Checks a token presented for renewal: also takes one expired at most `graceS` ago (a player
   * whose device slept must not lose its seat and name for it), never a forged one.
   */
  verifyForRenewal(token: unknown, graceS: number): Promise<Result<GuestIdentity, TokenErrorCode>>;
}

/** 128 random bits: a guest id cannot be guessed, so naming another player's id gets nowhere. */
export function newGuestId(): string {
  return `g_${randomBytes(16).toString('base64url')}`;
}
const GUEST_ID = /^g_[A-Za-z0-9_-]{22}$/;

/** Longer than any token we issue; a bigger one is refused before any parsing. */
const MAX_TOKEN_LENGTH = 1024;

export interface TokenServiceOptions {
  secret: Uint8Array;
  ttlS: number;
  /** Epoch ms; tests move it to issue tokens that are already old. */
  now?: () => number;
}

const HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
const BASE64URL = /^[A-Za-z0-9_-]*$/;
const SIGNATURE_BYTES = 32;

type Verified = { ok: true; payload: Record<string, unknown> } | { ok: false; expired: boolean };

function jsonObject(part: string): Record<string, unknown> | null {
  if (!BASE64URL.test(part)) return null;
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function hs256(key: KeyObject, signingInput: string): Buffer {
  return createHmac('sha256', key).update(signingInput).digest();
}

/** A compact HS256 JWS checked as jose's `jwtVerify` would with the options above. */
function verifyHs256(token: string, key: KeyObject, nowS: number, toleranceS: number): Verified {
  const invalid: Verified = { ok: false, expired: false };
  const dot1 = token.indexOf('.');
  const dot2 = token.indexOf('.', dot1 + 1);
  if (dot1 < 0 || dot2 < 0 || token.indexOf('.', dot2 + 1) >= 0) return invalid;
  const header = jsonObject(token.slice(0, dot1));
  if (!header || header.alg !== 'HS256' || header.crit !== undefined || (header.b64 !== undefined && header.b64 !== true)) return invalid;
  const signature = token.slice(dot2 + 1);
  if (!BASE64URL.test(signature)) return invalid;
  const given = Buffer.from(signature, 'base64url');
  // One encoding per signature: trailing bits that decode the same are a different token.
  if (given.length !== SIGNATURE_BYTES || given.toString('base64url') !== signature) return invalid;
  if (!timingSafeEqual(given, hs256(key, token.slice(0, dot2)))) return invalid;
  const payload = jsonObject(token.slice(dot1 + 1, dot2));
  if (!payload || payload.sub === undefined || typeof payload.exp !== 'number' || !Number.isFinite(payload.exp)) return invalid;
  if (payload.iat !== undefined && typeof payload.iat !== 'number') return invalid;
  if (payload.nbf !== undefined && (typeof payload.nbf !== 'number' || payload.nbf > nowS + toleranceS)) return invalid;
  if (payload.exp <= nowS - toleranceS) return { ok: false, expired: true };
  return { ok: true, payload };
}

export function createTokenService(opts: TokenServiceOptions): TokenService {
  const now = opts.now ?? Date.now;
  const key = createSecretKey(opts.secret);
  const check = async (token: unknown, graceS: number): Promise<Result<GuestIdentity, TokenErrorCode>> => {
    if (token === undefined || token === null || token === '') return err('AUTH_MISSING', 'connect with auth: { token } from POST /api/guest');
    if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) return err('AUTH_INVALID', 'the token must be a string');
    const verified = verifyHs256(token, key, Math.floor(now() / 1000), graceS);
    if (!verified.ok) {
      if (verified.expired) {
        return err('AUTH_EXPIRED', graceS > 0 ? 'the token expired too long ago to be renewed: get a new one from POST /api/guest' : 'the token has expired: renew it (POST /api/guest/renew) or get a new one from POST /api/guest');
      }
      return err('AUTH_INVALID', 'the token is not valid');
    }
    const { payload } = verified;
    const name = normalizeNickname(payload.name);
    if (typeof payload.sub !== 'string' || !GUEST_ID.test(payload.sub) || !name.ok || name.value !== payload.name) {
      return err('AUTH_INVALID', 'the token does not name a guest');
    }
    return ok({ guestId: payload.sub, nickname: name.value });
  };
  return {
    ttlS: opts.ttlS,
    async issue(identity) {
      const iat = Math.floor(now() / 1000);
      const exp = iat + opts.ttlS;
      const body = Buffer.from(JSON.stringify({ name: identity.nickname, sub: identity.guestId, iat, exp })).toString('base64url');
      const signingInput = `${HEADER}.${body}`;
      return { token: `${signingInput}.${hs256(key, signingInput).toString('base64url')}`, expiresAt: exp * 1000 };
    },

    verify: (token) => check(token, 0),
    verifyForRenewal: (token, graceS) => check(token, graceS),
  };
}
