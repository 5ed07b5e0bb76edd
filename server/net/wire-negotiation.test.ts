import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Server } from 'socket.io';
import { io as connect, type Socket } from 'socket.io-client';
import { Encoder as StandardEncoder, PacketType } from 'socket.io-parser';
import { compactWireOptions, wireParser } from '../../shared/protocol/wire.ts';
import { createNegotiatingParser, NegotiatedEncoder, requestedFormat } from './wire-negotiation.ts';

describe('requestedFormat', () => {
  it('is compact only when the handshake asks for it', () => {
    expect(requestedFormat('/socket.io/?EIO=4&transport=websocket&wire=compact')).toBe('compact');
    expect(requestedFormat('/socket.io/?wire=compact&EIO=4')).toBe('compact');
    expect(requestedFormat('/socket.io/?EIO=4&transport=websocket')).toBe('standard');
    expect(requestedFormat('/socket.io/?EIO=4&wire=COMPACT')).toBe('standard');
    expect(requestedFormat('/socket.io/?EIO=4&wire=json')).toBe('standard');
    expect(requestedFormat(undefined)).toBe('standard');
  });
});

describe('NegotiatedEncoder', () => {
  const STANDARD = Object.getOwnPropertySymbols;

  it('frames a binary event compactly, and in the standard encoding once, when asked', () => {
    const bytes = new Uint8Array([1, 2, 3]);
    const packet = { type: PacketType.EVENT, nsp: '/match', data: ['snapshot', bytes] };
    const frames = new NegotiatedEncoder().encode(packet);
    expect([...frames]).toEqual(new wireParser.Encoder().encode(packet));
    const [tag] = STANDARD(frames);
    const standard = (frames as unknown as Record<symbol, () => unknown>)[tag!]!;
    expect(standard()).toEqual(new StandardEncoder().encode({ ...packet }));
    expect(standard()).toBe(standard());
  });

  it('leaves text packets alone: both formats write them alike', () => {
    const frames = new NegotiatedEncoder().encode({ type: PacketType.EVENT, nsp: '/lobby', data: ['chat', { text: 'hi' }] });
    expect(frames).toEqual(['2/lobby,["chat",{"text":"hi"}]']);
    expect(STANDARD(frames)).toEqual([]);
  });
});

describe('a negotiating server', () => {
  let http: HttpServer;
  let io: Server;
  const clients: Socket[] = [];

  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await io?.close();
  });

  async function start(): Promise<string> {
    http = createServer();
    const parser = createNegotiatingParser();
    io = new Server(http, { parser, serveClient: false, transports: ['websocket'] });
    parser.attach(io);
    io.of('/match');
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  }

  async function client(url: string, compact: boolean): Promise<Socket> {
    const base = { transports: ['websocket'], forceNew: true, reconnection: false };
    const s = connect(`${url}/match`, compact ? compactWireOptions(base) : base);
    clients.push(s);
    await new Promise<void>((resolve, reject) => {
      s.once('connect', resolve);
      s.once('connect_error', reject);
    });
    return s;
  }

  it('sends a room broadcast to each member in its own format, and reads each format coming back', async () => {
    const url = await start();
    const inputs: { id: string; bytes: unknown }[] = [];
    io.of('/match').on('connection', (s) => {
      void s.join('room');
      s.on('input', (bytes: unknown) => inputs.push({ id: s.id, bytes }));
    });
    const [compact, standard] = [await client(url, true), await client(url, false)];
    const received = (s: Socket) => new Promise<Uint8Array>((resolve) => s.once('snapshot', resolve));
    const got = Promise.all([received(compact), received(standard)]);
    io.of('/match').to('room').emit('snapshot', new Uint8Array([9, 8, 7]));
    for (const bytes of await got) expect(new Uint8Array(bytes)).toEqual(new Uint8Array([9, 8, 7]));

    compact.emit('input', new Uint8Array([1, 1]));
    standard.emit('input', new Uint8Array([2, 2]));
    await expect.poll(() => inputs.length).toBe(2);
    for (const { bytes } of inputs) expect(bytes).toBeInstanceOf(Uint8Array);
    expect(inputs.map((i) => [...(i.bytes as Uint8Array)]).sort()).toEqual([
      [1, 1],
      [2, 2],
    ]);
  });

  it('closes a standard connection that sends a binary frame nobody announced, and a compact one that sends a placeholder', async () => {
    const url = await start();
    const [compact, standard] = [await client(url, true), await client(url, false)];
    const closed = (s: Socket) => new Promise<string>((resolve) => s.once('disconnect', resolve));
    const both = Promise.all([closed(compact), closed(standard)]);
    (standard.io.engine as unknown as { write(d: unknown): void }).write(new Uint8Array([2, 1, 1, 0]));
    (compact.io.engine as unknown as { write(d: unknown): void }).write('51-/match,["input",{"_placeholder":true,"num":0}]');
    expect(await both).toEqual(['transport close', 'transport close']);
  });
});
