/**
 * Guest tokens: HS256 JWTs (jose) with `sub` = the guest's id and `name` = its nickname. The
 * server keeps no session table: any node with the secret verifies any token, which is what
 * lets a player reconnect through another node.
 */
import { randomBytes } from 'node:crypto';
import { SignJWT, errors, jwtVerify } from 'jose';
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

export function createTokenService(opts: TokenServiceOptions): TokenService {
  const now = opts.now ?? Date.now;
  const check = async (token: unknown, graceS: number): Promise<Result<GuestIdentity, TokenErrorCode>> => {
    if (token === undefined || token === null || token === '') return err('AUTH_MISSING', 'connect with auth: { token } from POST /api/guest');
    if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) return err('AUTH_INVALID', 'the token must be a string');
    let payload;
    try {
      // Only HS256: a token claiming "none" or another algorithm is refused before its signature is looked at.
      ({ payload } = await jwtVerify(token, opts.secret, {
        algorithms: ['HS256'],
        requiredClaims: ['sub', 'exp'],
        currentDate: new Date(now()),
        clockTolerance: graceS,
      }));
    } catch (error) {
      if (error instanceof errors.JWTExpired) {
        return err('AUTH_EXPIRED', graceS > 0 ? 'the token expired too long ago to be renewed: get a new one from POST /api/guest' : 'the token has expired: renew it (POST /api/guest/renew) or get a new one from POST /api/guest');
      }
      return err('AUTH_INVALID', 'the token is not valid');
    }
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
      const token = await new SignJWT({ name: identity.nickname })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(identity.guestId)
        .setIssuedAt(iat)
        .setExpirationTime(exp)
        .sign(opts.secret);
      return { token, expiresAt: exp * 1000 };
    },

    verify: (token) => check(token, 0),
    verifyForRenewal: (token, graceS) => check(token, graceS),
  };
}
