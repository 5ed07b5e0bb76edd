/**
 * The direct snapshot write in a room where players negotiated different wires: each member gets
 * its own format, and each format is framed once per broadcast however many members speak it
 * (the same buffers go to every member of that format).
 */
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { Decoder as StandardDecoder, type Packet } from 'socket.io-parser';
import { wireParser } from '../../shared/protocol/wire.ts';
import { roomTransport } from './room-transport.ts';
import type { MatchNamespace } from './types.ts';
import { createNegotiatingParser, NegotiatedEncoder } from './wire-negotiation.ts';

/** A member's connection as engine.io and ws shape it, recording what the direct write hands ws. */
function member(id: string, url: string, open: (conn: EventEmitter) => void) {
  const writes: Buffer[][] = [];
  const ws = { readyState: 1, bufferedAmount: 0, _sender: { sendFrame: (list: Buffer[]) => writes.push(list) } };
  const conn = Object.assign(new EventEmitter(), {
    request: { url },
    readyState: 'open',
    transport: { name: 'websocket', writable: true, socket: ws },
    writeBuffer: [] as unknown[],
  });
  open(conn);
  const emitted: unknown[] = [];
  const socket = { id, conn, connected: true, join: () => {}, leave: () => {}, listenersAny: () => [], listenersAnyOutgoing: () => [], emit: (...args: unknown[]) => emitted.push(args) };
  return { id, socket, writes, emitted };
}

/** The socket.io packets in a run of WebSocket frames written by a server (unmasked, short). */
function packetsOf(frames: Buffer, decoder: { add(chunk: unknown): void }): void {
  let at = 0;
  while (at < frames.length) {
    const opcode = frames[at]! & 0x0f;
    const length = frames[at + 1]!;
    const payload = frames.subarray(at + 2, at + 2 + length);
    decoder.add(opcode === 1 ? payload.toString('utf8').slice(1) : new Uint8Array(payload));
    at += 2 + length;
  }
}

describe('roomTransport in a room of mixed wires', () => {
  it('frames each format once and writes every member the one it negotiated', () => {
    const parser = createNegotiatingParser();
    const engine = new EventEmitter();
    const nspStub = { use: () => {} };
    parser.attach({ engine, of: () => nspStub, on: () => {} } as never);
    const open = (conn: EventEmitter): void => void engine.emit('connection', conn);
    const members = [
      member('c1', '/socket.io/?EIO=4&transport=websocket&wire=compact', open),
      member('s1', '/socket.io/?EIO=4&transport=websocket', open),
      member('c2', '/socket.io/?EIO=4&transport=websocket&wire=compact', open),
      member('s2', '/socket.io/?EIO=4&transport=websocket', open),
    ];
    const nsp = {
      name: '/match',
      server: { encoder: new NegotiatedEncoder(), engine: { on: () => {} } },
      adapter: { rooms: new Map([['room', new Set(members.map((m) => m.id))]]) },
      sockets: new Map(members.map((m) => [m.id, m.socket])),
    } as unknown as MatchNamespace;
    const transport = roomTransport(nsp, 'room');
    for (const m of members) transport.subscribe(m.id);
    const bytes = new Uint8Array([4, 0, 1, 2, 3]);

    expect(transport.broadcast(bytes)).toBe(4);
    const [c1, s1, c2, s2] = members;
    for (const m of members) {
      expect(m.writes).toHaveLength(1);
      expect(m.emitted).toEqual([]);
    }
    // One framing per format: the very same buffers.
    expect(c2!.writes[0]).toBe(c1!.writes[0]);
    expect(s2!.writes[0]).toBe(s1!.writes[0]);

    const compact: Packet[] = [];
    const compactDecoder = new wireParser.Decoder();
    compactDecoder.on('decoded', (p: Packet) => compact.push(p));
    packetsOf(Buffer.concat(c1!.writes[0]!), compactDecoder);
    const standard: Packet[] = [];
    const standardDecoder = new StandardDecoder();
    standardDecoder.on('decoded', (p: Packet) => standard.push(p));
    packetsOf(Buffer.concat(s1!.writes[0]!), standardDecoder);
    for (const decoded of [compact, standard]) {
      expect(decoded).toHaveLength(1);
      expect(decoded[0]!.nsp).toBe('/match');
      expect(decoded[0]!.data[0]).toBe('snapshot');
      expect(new Uint8Array(decoded[0]!.data[1])).toEqual(bytes);
    }
    // Compact: one frame; standard: the placeholder and the attachment, in one corked write.
    expect(s1!.writes[0]).toHaveLength(2);
    expect(c1!.writes[0]).toHaveLength(1);
  });
});

describe('roomTransport: the direct broadcast over its subscribers', () => {
  function room(n: number) {
    const members = Array.from({ length: n }, (_, i) => member(`m${i}`, '/socket.io/?EIO=4&transport=websocket', () => {}));
    const nsp = {
      name: '/match',
      server: { encoder: new wireParser.Encoder(), engine: { on: () => {} } },
      adapter: { rooms: new Map() },
      sockets: new Map(members.map((m) => [m.id, m.socket])),
    } as unknown as MatchNamespace;
    const transport = roomTransport(nsp, 'room');
    for (const m of members) transport.subscribe(m.id);
    return { members, transport };
  }
  const bytes = new Uint8Array([4, 0, 9]);

  it('sends a member that fell behind nothing and reports it when asked to check, else emits after its backlog', () => {
    const { members, transport } = room(3);
    const [a, slow, b] = members;
    (slow!.socket.conn.writeBuffer as unknown[]).push(...Array.from({ length: 33 }, () => ({})));
    expect(transport.checksBackedUp).toBe(true);
    const backedUp: string[] = [];
    expect(transport.broadcast(bytes, backedUp)).toBe(2);
    expect(backedUp).toEqual(['m1']);
    expect(slow!.writes).toEqual([]);
    expect(slow!.emitted).toEqual([]);
    expect([a!.writes.length, b!.writes.length]).toEqual([1, 1]);
    // Without the array (a fan-out that asks isBackedUp itself) it is queued behind its backlog as before.
    expect(transport.broadcast(bytes)).toBe(3);
    expect(slow!.emitted).toEqual([['snapshot', bytes]]);
    expect(slow!.writes).toEqual([]);
  });

  it('emits through socket.io to a member with anything waiting, skips one that left the namespace, forgets one unsubscribed', () => {
    const { members, transport } = room(3);
    const [waiting, gone, off] = members;
    (waiting!.socket.conn.writeBuffer as unknown[]).push({});
    (gone!.socket as { connected: boolean }).connected = false;
    transport.unsubscribe(off!.id);
    expect(transport.broadcast(bytes, [])).toBe(1);
    expect(waiting!.emitted).toEqual([['snapshot', bytes]]);
    expect(waiting!.writes).toEqual([]);
    expect([gone!.writes, gone!.emitted, off!.writes, off!.emitted]).toEqual([[], [], [], []]);
  });

  it('stands aside (socket.io emit) when a direct write could overtake or hide something', () => {
    type Conn = { readyState: string; transport: { name: string; writable: boolean; socket: { readyState: number; bufferedAmount: number } }; writeBuffer: unknown[] };
    const cases: [string, (c: Conn) => void][] = [
      ['closing connection', (c) => void (c.readyState = 'closing')],
      ['polling transport', (c) => void (c.transport = { ...c.transport, name: 'polling' })],
      ['engine.io write in flight', (c) => void (c.transport.writable = false)],
      ['packets queued in engine.io (slow reader)', (c) => void c.writeBuffer.push({})],
      ['bytes buffered in ws (slow reader)', (c) => void (c.transport.socket.bufferedAmount = 1)],
      ['ws closing', (c) => void (c.transport.socket.readyState = 2)],
      // The network simulator delays every packet by replacing write on the instance, before any socket.
      ['write wrapped on the instance', (c) => void Object.assign(c, { write: () => {} })],
    ];
    for (const [what, change] of cases) {
      const m = member('m', '/socket.io/?EIO=4&transport=websocket', (conn) => change(conn as unknown as Conn));
      const nsp = {
        name: '/match',
        server: { encoder: new wireParser.Encoder(), engine: { on: () => {} } },
        adapter: { rooms: new Map() },
        sockets: new Map([[m.id, m.socket]]),
      } as unknown as MatchNamespace;
      const transport = roomTransport(nsp, 'room');
      transport.subscribe(m.id);
      transport.broadcast(bytes, []);
      expect([m.writes.length, m.emitted.length], what).toEqual([0, 1]);
    }
  });

  it('writes directly once the connection has upgraded from polling to WebSocket', () => {
    const { members, transport } = room(1);
    const m = members[0]!;
    const conn = m.socket.conn as { transport: unknown };
    const websocket = conn.transport;
    conn.transport = { name: 'polling', writable: true };
    transport.broadcast(bytes, []);
    expect(m.emitted).toHaveLength(1);
    expect(m.writes).toHaveLength(0);
    conn.transport = websocket;
    transport.broadcast(bytes, []);
    expect(m.emitted).toHaveLength(1);
    expect(m.writes).toHaveLength(1);
  });
});
