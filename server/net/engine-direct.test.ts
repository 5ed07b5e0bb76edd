/**
 * The direct snapshot write must put on the wire exactly what `ws` would, and must stand aside
 * whenever writing directly could overtake a queued packet, hide a slow reader from the
 * fan-out, or escape the network simulator; whoever counts packets still hears each one.
 */
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import * as ws from 'ws';
import { binaryFrame, blindToDirectWrites, countsPacketsOnly, idleWebSocket, reportCounted, reportReceived, reportSent, watchersOf, type EngineConn } from './engine-direct.ts';
import type { DirectPaths } from './internals/direct-paths.ts';
import { bufferedPackets } from './internals/engine-io.ts';

const Sender = (ws as unknown as { Sender: { frame(data: Buffer, opts: object): Buffer[] } }).Sender;

function wsFrame(payload: Buffer): Buffer {
  return Buffer.concat(Sender.frame(payload, { fin: true, opcode: 2, mask: false, rsv1: false, readOnly: true }));
}

/** What a server whose engine.io and ws passed the start-up probes gets. */
const PATHS: DirectPaths = { inputs: true, snapshots: true, frames: true, handles: null, reads: null, pendingPackets: bufferedPackets };

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
    expect(idleWebSocket(fakeConn(), PATHS)).not.toBeNull();
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
    for (const [what, conn] of cases) expect(idleWebSocket(conn, PATHS), what).toBeNull();
  });

  it('stands aside when write is wrapped on the instance (the network simulator delays every packet)', () => {
    const wrapped = fakeConn();
    (wrapped as unknown as { write: () => void }).write = () => {};
    expect(idleWebSocket(wrapped, PATHS)).toBeNull();
  });
});

describe('packet observers', () => {
  it('hear each direct packet, in and out, as engine.io would tell them, including listeners that come later', () => {
    const conn = fakeConn();
    const emitter = conn as unknown as EventEmitter;
    const data = Uint8Array.of(2, 1, 0, 42);
    // Nobody listens: nothing is built or emitted.
    reportSent(conn, data);
    reportReceived(conn, data);
    const heard: string[] = [];
    emitter.on('packetCreate', (p: { type: string; data: Uint8Array }) => heard.push(`create ${p.type} ${p.data.length}`));
    emitter.on('flush', (buf: unknown[]) => heard.push(`flush ${buf.length}`));
    const onPacket = (p: { type: string; data: Uint8Array }): number => heard.push(`packet ${p.type} ${p.data.length}`);
    emitter.on('packet', onPacket);
    // A counted connection still takes the direct path.
    expect(idleWebSocket(conn, PATHS)).not.toBeNull();
    reportSent(conn, data);
    reportReceived(conn, data);
    expect(heard).toEqual(['create message 4', 'flush 1', 'packet message 4']);
    emitter.off('packet', onPacket);
    reportReceived(conn, data);
    expect(heard).toHaveLength(3);
  });

  it('do not build reports for listeners blind to direct writes (the send-buffer cap), but do once another listens', () => {
    const conn = fakeConn();
    const emitter = conn as unknown as EventEmitter;
    let blindHeard = 0;
    emitter.on('packetCreate', blindToDirectWrites(() => blindHeard++));
    emitter.on('flush', blindToDirectWrites(() => blindHeard++));
    const data = Uint8Array.of(2, 1, 0, 42);
    reportSent(conn, data);
    expect(blindHeard).toBe(0);
    const counted: string[] = [];
    const counter = (p: { type: string }): number => counted.push(p.type);
    emitter.on('packetCreate', counter);
    reportSent(conn, data);
    expect(counted).toEqual(['message']);
    emitter.off('packetCreate', counter);
    reportSent(conn, data);
    expect(counted).toEqual(['message']);
  });

  it('tell packet counters how many inputs were taken, one by one or in a batch, without building packets', () => {
    const conn = fakeConn();
    const emitter = conn as unknown as EventEmitter;
    const counts: unknown[] = [];
    emitter.on('packet', countsPacketsOnly((n?: unknown) => counts.push(n)));
    const watchers = watchersOf(conn);
    expect(watchers.inbound).toBe(false);
    reportReceived(conn, Uint8Array.of(2, 1, 0, 42));
    reportCounted(watchers, 15);
    expect(counts).toEqual([1, 15]);
  });
});
