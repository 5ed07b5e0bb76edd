import { io } from 'socket.io-client';
import { describe, expect, it } from 'vitest';
import { ackFailure, settle } from './lobby-request.ts';

describe('acknowledged requests', () => {
  it('turns socket.io’s own timeout into a typed TIMEOUT, and drops the unsent request', async () => {
    // Never connected: the request waits in the send buffer until socket.io's timeout fires.
    const socket = io('http://127.0.0.1:9', { autoConnect: false });
    const res = await settle<{ mode: string }>(socket.timeout(30).emitWithAck('quickplay', { mode: 'ffa' }), 30);
    expect(res).toEqual({ ok: false, code: 'TIMEOUT', message: 'no answer within 30 ms' });
    // Told it failed, the caller must not see it sent later, on the next connect.
    expect(socket.sendBuffer).toHaveLength(0);
    socket.close();
  });

  it('passes an answer through, and maps a dropped connection to UNAVAILABLE', async () => {
    expect(await settle(Promise.resolve({ ok: true as const, waiting: 2 }), 10)).toEqual({ ok: true, waiting: 2 });
    expect(await settle(Promise.reject(new Error('socket has been disconnected')), 10)).toEqual({
      ok: false,
      code: 'UNAVAILABLE',
      message: 'the connection dropped before the server answered',
    });
    expect(ackFailure('weird', 10)).toEqual({ code: 'UNAVAILABLE', message: 'weird' });
  });
});
