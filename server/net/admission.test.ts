import { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createMetrics } from '../metrics.ts';
import { createAdmission, type EngineConnection } from './admission.ts';
import { parseProxyTrust } from './client-address.ts';
import { createOriginPolicy } from './origin-policy.ts';

const request = (peer: string, headers: Record<string, string> = {}): IncomingMessage =>
  ({ socket: { remoteAddress: peer }, headers: { host: 'game.example', ...headers }, url: '/socket.io/?EIO=4&transport=polling' }) as unknown as IncomingMessage;

function setup(opts: { max?: number; trust?: string } = {}) {
  const metrics = createMetrics();
  const trust = parseProxyTrust(opts.trust ?? '');
  if (!trust.ok) throw new Error(trust.message);
  const admission = createAdmission({
    origins: createOriginPolicy({ corsOrigins: { kind: 'list', origins: [] }, publicUrl: null }),
    trust: trust.value,
    maxPerAddress: opts.max ?? 0,
    metrics,
    log: pino({ level: 'silent' }),
  });
  const ask = (req: IncomingMessage) =>
    new Promise<{ err: string | null | undefined; ok: boolean }>((resolve) => admission.allowRequest(req, (err, ok) => resolve({ err, ok })));
  /** What engine.io does after a yes: emits `connection` with a socket holding the request. */
  const connect = (req: IncomingMessage) => {
    const conn = Object.assign(new EventEmitter(), { request: req }) as EventEmitter & EngineConnection;
    admission.track(conn);
    return () => conn.emit('close');
  };
  const count = async (name: string, labels: Record<string, string>) =>
    (await metrics.registry.getSingleMetric(name)!.get()).values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l))?.value ?? 0;
  return { admission, ask, connect, count };
}

describe('admission', () => {
  it('lets pages of this origin and clients without an Origin in, refuses other pages', async () => {
    const { ask, count } = setup();
    expect(await ask(request('1.1.1.1'))).toEqual({ err: null, ok: true });
    expect(await ask(request('1.1.1.1', { origin: 'https://game.example' }))).toEqual({ err: null, ok: true });
    expect(await ask(request('1.1.1.1', { origin: 'https://evil.example' }))).toEqual({ err: 'ORIGIN_REFUSED', ok: false });
    expect(await count('game_origin_refused_total', { route: 'socket.io' })).toBe(1);
  });

  it('caps connections per address and gives the place back on close', async () => {
    const { ask, connect, admission, count } = setup({ max: 2 });
    const a = request('1.1.1.1');
    const b = request('::ffff:1.1.1.1');
    expect((await ask(a)).ok).toBe(true);
    const closeA = connect(a);
    expect((await ask(b)).ok).toBe(true);
    connect(b);
    expect(admission.connections('1.1.1.1')).toBe(2);
    expect(await ask(request('1.1.1.1'))).toEqual({ err: 'TOO_MANY_CONNECTIONS', ok: false });
    expect((await ask(request('2.2.2.2'))).ok).toBe(true);
    expect(await count('game_protocol_errors_total', { code: 'TOO_MANY_CONNECTIONS' })).toBe(1);
    closeA();
    expect(admission.connections('1.1.1.1')).toBe(1);
    expect((await ask(request('1.1.1.1'))).ok).toBe(true);
  });

  it('counts handshakes in flight, and forgets those that never became connections', async () => {
    const { admission } = setup({ max: 2 });
    const answers: boolean[] = [];
    // Three handshakes in one turn of the event loop: the third sees the two reservations.
    for (let i = 0; i < 3; i++) admission.allowRequest(request('1.1.1.1'), (_e, ok) => answers.push(ok));
    expect(answers).toEqual([true, true, false]);
    // Neither became a connection (say the upgrade failed): the next turn frees their places.
    await new Promise((r) => setImmediate(r));
    const again: boolean[] = [];
    admission.allowRequest(request('1.1.1.1'), (_e, ok) => again.push(ok));
    expect(again).toEqual([true]);
  });

  it('counts behind a trusted proxy by the forwarded address', async () => {
    const { ask, connect } = setup({ max: 1, trust: 'loopback' });
    const first = request('127.0.0.1', { 'x-forwarded-for': '203.0.113.1' });
    expect((await ask(first)).ok).toBe(true);
    connect(first);
    expect((await ask(request('127.0.0.1', { 'x-forwarded-for': '203.0.113.2' }))).ok).toBe(true);
    expect((await ask(request('127.0.0.1', { 'x-forwarded-for': '203.0.113.1' }))).ok).toBe(false);
  });
});
