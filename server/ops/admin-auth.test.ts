import bcrypt from 'bcryptjs';
import { pino } from 'pino';
import type { Socket } from 'socket.io';
import { afterAll, describe, expect, it } from 'vitest';
import { adminAuthGate, type AdminAuthFailureReason } from './admin-auth.ts';
import { MemoryAdminSessions } from './admin-sessions.ts';
import { createPasswordChecker, type PasswordChecker } from './password-check.ts';

const HASH = bcrypt.hashSync('s3cret', 4);

/** Runs the gate on a stand-in socket; resolves with the error it refused with, or null. */
function handshake(gate: ReturnType<typeof adminAuthGate>, auth: Record<string, unknown>, address = '10.0.0.1') {
  const socket = { handshake: { auth, address }, nsp: { name: '/admin' } } as unknown as Socket;
  return new Promise<{ error: (Error & { data?: { code: string } }) | null; auth: Record<string, unknown> }>((resolve) =>
    gate(socket, (error) => resolve({ error: (error as Error & { data?: { code: string } }) ?? null, auth: socket.handshake.auth as Record<string, unknown> })),
  );
}

describe('adminAuthGate', () => {
  const passwords = createPasswordChecker();
  afterAll(() => passwords.close());
  const setup = (opts: { checker?: PasswordChecker } = {}) => {
    const failures: AdminAuthFailureReason[] = [];
    const sessions = new MemoryAdminSessions();
    const gate = adminAuthGate({
      user: 'ops',
      passwordHash: HASH,
      sessions,
      passwords: opts.checker ?? passwords,
      log: pino({ level: 'silent' }),
      onFailure: (r) => failures.push(r),
    });
    return { gate, failures, sessions };
  };

  it('swaps a good password for a session id the store knows', async () => {
    const { gate, failures, sessions } = setup();
    const { error, auth } = await handshake(gate, { username: 'ops', password: 's3cret' });
    expect(error).toBeNull();
    expect(auth).toEqual({ sessionId: expect.stringMatching(/^[0-9a-f]{32}$/) });
    expect(await sessions.doesSessionExist(auth.sessionId as string)).toBe(true);
    expect((await handshake(gate, { sessionId: auth.sessionId })).error).toBeNull();
    expect(failures).toEqual([]);
  });

  it('refuses a wrong password, a wrong user, and no credentials, each with its reason', async () => {
    const { gate, failures } = setup();
    expect((await handshake(gate, { username: 'ops', password: 'nope' })).error).toMatchObject({ message: 'invalid credentials', data: { code: 'ADMIN_AUTH_INVALID' } });
    expect((await handshake(gate, { username: 'root', password: 's3cret' })).error?.message).toBe('invalid credentials');
    expect((await handshake(gate, { username: 'ops', password: 's3cret'.repeat(200) })).error?.message).toBe('invalid credentials');
    expect((await handshake(gate, {})).error?.data?.code).toBe('ADMIN_LOGIN_REQUIRED');
    expect((await handshake(gate, { username: ['ops'], password: { $gt: '' } })).error?.data?.code).toBe('ADMIN_LOGIN_REQUIRED');
    expect((await handshake(gate, { sessionId: 'made-up' })).error?.data?.code).toBe('ADMIN_LOGIN_REQUIRED');
    expect(failures).toEqual(['bad_credentials', 'bad_credentials', 'bad_credentials', 'login_required', 'login_required', 'login_required']);
  });

  it('limits password attempts per address, and only that address', async () => {
    const { gate, failures } = setup();
    for (let i = 0; i < 5; i++) expect((await handshake(gate, { username: 'ops', password: `guess${i}` })).error?.message).toBe('invalid credentials');
    const limited = await handshake(gate, { username: 'ops', password: 's3cret' });
    expect(limited.error?.data?.code).toBe('ADMIN_RATE_LIMITED');
    expect((await handshake(gate, { username: 'ops', password: 's3cret' }, '10.0.0.2')).error).toBeNull();
    expect(failures.at(-1)).toBe('rate_limited');
  });

  it('refuses at once when too many checks wait, instead of queueing them', async () => {
    const stuck: PasswordChecker = { check: () => Promise.resolve('busy'), close: async () => undefined };
    const { gate, failures } = setup({ checker: stuck });
    expect((await handshake(gate, { username: 'ops', password: 's3cret' })).error?.data?.code).toBe('ADMIN_BUSY');
    expect(failures).toEqual(['busy']);
  });
});

describe('createPasswordChecker', () => {
  it('checks on a worker and says busy past its queue', async () => {
    const checker = createPasswordChecker({ maxQueued: 2 });
    try {
      const verdicts = await Promise.all([checker.check('s3cret', HASH), checker.check('x', HASH), checker.check('s3cret', HASH)]);
      expect(verdicts).toEqual(['match', 'mismatch', 'busy']);
      // A hash bcrypt cannot read is a mismatch, not a crash.
      expect(await checker.check('s3cret', 'not a hash')).toBe('mismatch');
    } finally {
      await checker.close();
    }
  });

  it('leaves the event loop free while it works', async () => {
    const checker = createPasswordChecker();
    const slow = bcrypt.hashSync('s3cret', 12); // ~215 ms of bcrypt work
    try {
      let turns = 0;
      const timer = setInterval(() => turns++, 1);
      expect(await checker.check('s3cret', slow)).toBe('match');
      clearInterval(timer);
      // On the main thread this would be 0 or 1 turn (one long slice); on a worker, many.
      expect(turns).toBeGreaterThan(5);
    } finally {
      await checker.close();
    }
  });
});

describe('MemoryAdminSessions', () => {
  it('forgets a session after its lifetime, and the oldest beyond its size', async () => {
    let now = 0;
    const sessions = new MemoryAdminSessions(() => now, 1000, 2);
    const id = (n: number) => n.toString(16).padStart(32, '0');
    sessions.saveSession(id(1));
    now = 999;
    expect(await sessions.doesSessionExist(id(1))).toBe(true);
    now = 1000;
    expect(await sessions.doesSessionExist(id(1))).toBe(false);
    sessions.saveSession(id(2));
    sessions.saveSession(id(3));
    sessions.saveSession(id(4));
    expect(await sessions.doesSessionExist(id(2))).toBe(false);
    expect(await sessions.doesSessionExist(id(4))).toBe(true);
  });
});
