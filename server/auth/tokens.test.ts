import { SignJWT, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { createTokenService, newGuestId } from './tokens.ts';

const secret = new TextEncoder().encode('unit-test-secret-unit-test-secret!!');

describe('guest tokens', () => {
  const tokens = createTokenService({ secret, ttlS: 60 });

  it('round-trips the guest id and nickname', async () => {
    const guestId = newGuestId();
    const { token, expiresAt } = await tokens.issue({ guestId, nickname: 'Ada' });
    expect(expiresAt).toBeGreaterThan(Date.now());
    expect(await tokens.verify(token)).toEqual({ ok: true, value: { guestId, nickname: 'Ada' } });
  });

  it('tells missing, expired and invalid tokens apart', async () => {
    const guestId = newGuestId();
    const now = Math.floor(Date.now() / 1000);
    const expired = await new SignJWT({ name: 'Ada' }).setProtectedHeader({ alg: 'HS256' }).setSubject(guestId).setExpirationTime(now - 10).sign(secret);
    const foreign = await createTokenService({ secret: new TextEncoder().encode('x'.repeat(40)), ttlS: 60 }).issue({ guestId, nickname: 'Ada' });
    const badName = await new SignJWT({ name: '<b>' }).setProtectedHeader({ alg: 'HS256' }).setSubject(guestId).setExpirationTime(now + 60).sign(secret);
    const badSub = await new SignJWT({ name: 'Ada' }).setProtectedHeader({ alg: 'HS256' }).setSubject('admin').setExpirationTime(now + 60).sign(secret);
    expect(await tokens.verify(undefined)).toMatchObject({ ok: false, code: 'AUTH_MISSING' });
    expect(await tokens.verify(expired)).toMatchObject({ ok: false, code: 'AUTH_EXPIRED' });
    for (const t of [foreign.token, badName, badSub, 42, 'x'.repeat(5000), 'a.b.c']) {
      expect(await tokens.verify(t)).toMatchObject({ ok: false, code: 'AUTH_INVALID' });
    }
  });

  it('refuses a token at the handshake once expired, and takes it for renewal within the grace only', async () => {
    let at = Date.UTC(2026, 0, 1);
    const clocked = createTokenService({ secret, ttlS: 60, now: () => at });
    const guestId = newGuestId();
    const { token, expiresAt } = await clocked.issue({ guestId, nickname: 'Ada' });
    expect(expiresAt).toBe(at + 60_000);
    at += 59_000;
    expect(await clocked.verify(token)).toMatchObject({ ok: true });
    at += 2_000; // one second past expiry
    expect(await clocked.verify(token)).toMatchObject({ ok: false, code: 'AUTH_EXPIRED' });
    expect(await clocked.verifyForRenewal(token, 3600)).toEqual({ ok: true, value: { guestId, nickname: 'Ada' } });
    at += 3600_000; // past the grace
    expect(await clocked.verifyForRenewal(token, 3600)).toMatchObject({ ok: false, code: 'AUTH_EXPIRED' });
    // The grace never excuses a bad signature.
    const forged = await createTokenService({ secret: new TextEncoder().encode('y'.repeat(40)), ttlS: 60, now: () => at }).issue({ guestId, nickname: 'Ada' });
    expect(await clocked.verifyForRenewal(forged.token, 3600)).toMatchObject({ ok: false, code: 'AUTH_INVALID' });
  });

  it('reads tokens jose signs, and jose reads the ones it issues', async () => {
    const guestId = newGuestId();
    const now = Math.floor(Date.now() / 1000);
    const byJose = await new SignJWT({ name: 'Ada' }).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setSubject(guestId).setIssuedAt(now).setExpirationTime(now + 60).sign(secret);
    expect(await tokens.verify(byJose)).toEqual({ ok: true, value: { guestId, nickname: 'Ada' } });
    const { token } = await tokens.issue({ guestId, nickname: 'Ada' });
    const { payload, protectedHeader } = await jwtVerify(token, secret, { algorithms: ['HS256'], requiredClaims: ['sub', 'exp'] });
    expect(protectedHeader).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(payload).toMatchObject({ sub: guestId, name: 'Ada', exp: now + 60 });
  });

  it('refuses any other algorithm, critical extensions, a changed payload and a re-spelled signature', async () => {
    const guestId = newGuestId();
    const now = Math.floor(Date.now() / 1000);
    const b64 = (v: object): string => Buffer.from(JSON.stringify(v)).toString('base64url');
    const claims = b64({ name: 'Ada', sub: guestId, exp: now + 60 });
    const unsigned = `${b64({ alg: 'none' })}.${claims}.`;
    const hs512 = await new SignJWT({ name: 'Ada' }).setProtectedHeader({ alg: 'HS512' }).setSubject(guestId).setExpirationTime(now + 60).sign(secret);
    const { token } = await tokens.issue({ guestId, nickname: 'Ada' });
    const [header, body, signature] = token.split('.') as [string, string, string];
    const otherName = `${header}.${b64({ name: 'Bob', sub: guestId, exp: now + 60 })}.${signature}`;
    const crit = `${b64({ alg: 'HS256', crit: ['x'], x: 1 })}.${body}`;
    // The last base64url character carries two spare bits: flipping them decodes to the same bytes.
    const last = signature.at(-1)!;
    const respelled = `${header}.${body}.${signature.slice(0, -1)}${String.fromCharCode(last.charCodeAt(0) ^ 1)}`;
    const tooMany = `${token}.x`;
    for (const t of [unsigned, hs512, otherName, crit, respelled, tooMany, `${header}.${body}`]) {
      expect(await tokens.verify(t), t).toMatchObject({ ok: false, code: 'AUTH_INVALID' });
    }
  });
});
