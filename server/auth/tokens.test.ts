import { SignJWT } from 'jose';
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
});
