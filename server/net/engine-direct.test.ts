/**
 * The direct snapshot write must put on the wire exactly what `ws` would, and must stand aside
 * whenever writing directly could overtake a queued packet, hide a slow reader from the
 * fan-out, or hide packets from whoever watches them (network simulator, admin UI).
 */
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import * as ws from 'ws';
import { binaryFrame, idleWebSocket, isUnobserved, type EngineConn } from './engine-direct.ts';

const Sender = (ws as unknown as { Sender: { frame(data: Buffer, opts: object): Buffer[] } }).Sender;

function wsFrame(payload: Buffer): Buffer {
  return Buffer.concat(Sender.frame(payload, { fin: true, opcode: 2, mask: false, rsv1: false, readOnly: true }));
}

function fakeConn(over: { readyState?: string; name?: string; writable?: boolean; wsState?: number; buffered?: number; queued?: number } = {}): EngineConn {
  const conn = new EventEmitter() as EventEmitter & Record<string, unknown>;
  conn.readyState = over.readyState ?? 'open';
  conn.writeBuffer = new Array(over.queued ?? 0).fill({});
  conn.transport = {
    name: over.name ?? 'websocket',
    writable: over.writable ?? true,
    socket: { readyState: over.wsState ?? 1, bufferedAmount: over.buffered ?? 0, _sender: { sendFrame() {} } },
  };
  return conn as unknown as EngineConn;
}

describe('binaryFrame', () => {
  it('is byte for byte the frame ws builds, across the three length encodings', () => {
    for (const length of [0, 1, 40, 125, 126, 370, 65_535, 65_536, 70_000]) {
      const payload = Buffer.alloc(length, length % 251);
      const prefix = Uint8Array.of(2, 1, 0);
      expect(Buffer.from(binaryFrame(prefix, payload)).equals(wsFrame(Buffer.concat([prefix, payload]))), `length ${length}`).toBe(true);
    }
  });
});

describe('idleWebSocket', () => {
  it('gives the ws socket of an open, idle, unobserved WebSocket connection', () => {
    expect(idleWebSocket(fakeConn())).not.toBeNull();
  });

  it('stands aside when a direct write could overtake or hide something', () => {
    const cases: [string, EngineConn][] = [
      ['closing connection', fakeConn({ readyState: 'closing' })],
      ['polling transport', fakeConn({ name: 'polling' })],
      ['engine.io write in flight', fakeConn({ writable: false })],
      ['packets queued in engine.io (slow reader)', fakeConn({ queued: 1 })],
      ['bytes buffered in ws (slow reader)', fakeConn({ buffered: 1 })],
      ['ws closing', fakeConn({ wsState: 2 })],
    ];
    for (const [what, conn] of cases) expect(idleWebSocket(conn), what).toBeNull();
  });

  it('stands aside for observers: a wrapped write (network simulator) or packetCreate listeners (admin UI)', () => {
    const wrapped = fakeConn();
    (wrapped as unknown as { write: () => void }).write = () => {};
    expect(idleWebSocket(wrapped)).toBeNull();
    const watched = fakeConn();
    (watched as unknown as EventEmitter).on('packetCreate', () => {});
    expect(idleWebSocket(watched)).toBeNull();
  });

  it('notices a packet observer that arrives or leaves after the first write', () => {
    const conn = fakeConn();
    const emitter = conn as unknown as EventEmitter;
    expect(idleWebSocket(conn)).not.toBeNull();
    const count = (): void => {};
    emitter.on('packetCreate', count);
    expect(idleWebSocket(conn)).toBeNull();
    expect(isUnobserved(conn, 'inbound')).toBe(true);
    emitter.on('packet', count);
    expect(isUnobserved(conn, 'inbound')).toBe(false);
    emitter.off('packetCreate', count);
    expect(idleWebSocket(conn)).not.toBeNull();
    emitter.off('packet', count);
    expect(isUnobserved(conn, 'inbound')).toBe(true);
  });
});
