/**
 * The start-up probes must pass on the engine.io and ws this repository pins, and must name the
 * member when an upgrade moves one (faked here by subclasses that keep the field under another
 * name). The server then takes the public paths: no direct snapshot writes, no input fast path,
 * and slow readers still seen, through engine.io's public events.
 */
import { EventEmitter } from 'node:events';
import { Socket, transports } from 'engine.io';
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { idleWebSocket, type EngineConn } from '../engine-direct.ts';
import { directPathsOf } from './direct-paths.ts';
import { probeEngineIo, type EngineClasses } from './engine-io.ts';
import { Duplex } from 'node:stream';
import { createServer, type Server as HttpServer } from 'node:http';
import { createServer as createNetServer, connect, type AddressInfo, type Socket as NetSocket } from 'node:net';
import { WebSocketServer } from 'ws';
import { handleWriter, probeHandleWrites } from './node-net-write.ts';
import { probeSharedReads } from './node-net-read.ts';
import { probeFrameReader, probeWs, readFramesInFront, type ServerWebSocket, type SharedReads, type WsClass } from './ws.ts';
import { probeSocketIoClient } from './socket-io-client.ts';
import { createNegotiatingParser, negotiatedFormat } from '../wire-negotiation.ts';

/** A connection of an engine.io release that keeps its unsent packets in `outbox`, not `writeBuffer`. */
class RenamedBufferSocket extends EventEmitter {
  readonly outbox: unknown[] = [];
  constructor(
    readonly id: string,
    _server: unknown,
    readonly transport: unknown,
  ) {
    super();
    this.outbox.push({ type: 'open' });
  }
  send(data: unknown): void {
    this.outbox.push({ type: 'message', data });
  }
  close(): void {}
}

/** engine.io's WebSocket transport as a release that keeps its ws socket in `ws` would build it. */
class RenamedSocketTransport extends (transports.websocket as unknown as new (req: unknown) => Record<string, unknown>) {
  constructor(req: unknown) {
    super(req);
    this.ws = this.socket;
    delete this.socket;
  }
}

/** ws's WebSocket as a release that renamed `_sender` would build it. */
class RenamedSenderWs extends (WebSocket as unknown as new (...args: unknown[]) => Record<string, unknown> & { setSocket(...a: unknown[]): void }) {
  override setSocket(...args: unknown[]): void {
    super.setSocket(...args);
    this._frameSender = this._sender;
    this._sender = null;
  }
}

/** ws's WebSocket as a release that renamed `_socket` would build it. */
class RenamedSocketWs extends (WebSocket as unknown as new (...args: unknown[]) => Record<string, unknown> & { setSocket(...a: unknown[]): void }) {
  override setSocket(...args: unknown[]): void {
    super.setSocket(...args);
    this._tcp = this._socket;
    this._socket = null;
  }
}

const REAL: EngineClasses = {
  Socket: Socket as unknown as EngineClasses['Socket'],
  WebSocketTransport: transports.websocket as unknown as EngineClasses['WebSocketTransport'],
};

function fakeConn(): EngineConn & EventEmitter {
  const ws = { readyState: 1, bufferedAmount: 0, _sender: { sendFrame() {} } };
  return Object.assign(new EventEmitter(), { readyState: 'open', writeBuffer: [], transport: { name: 'websocket', writable: true, socket: ws } }) as unknown as EngineConn & EventEmitter;
}

describe('start-up probes', () => {
  it('pass on the installed engine.io and ws', () => {
    expect(probeEngineIo()).toBeNull();
    expect(probeWs()).toBeNull();
    expect(probeFrameReader()).toBeNull();
    expect(probeSharedReads()).toBeNull();
  });

  it('name the member an upgrade moved', () => {
    expect(probeEngineIo({ ...REAL, Socket: RenamedBufferSocket as unknown as EngineClasses['Socket'] })).toMatch(/engine\.io: Socket#writeBuffer/);
    expect(probeEngineIo({ ...REAL, WebSocketTransport: RenamedSocketTransport as unknown as EngineClasses['WebSocketTransport'] })).toMatch(/engine\.io: .*`socket`/);
    expect(probeWs(RenamedSenderWs as unknown as WsClass)).toMatch(/ws: WebSocket#_sender\.sendFrame/);
    expect(probeFrameReader(RenamedSocketWs as unknown as WsClass)).toMatch(/ws: WebSocket#_socket or #_receiver/);
    // A Node whose sockets keep the onread buffer under another name.
    expect(probeSharedReads(() => ({ [Symbol('kReadBuffer')]: null }))).toMatch(/node: net\.Socket's kBuffer field/);
  });

  it('say so instead of throwing when the classes cannot be built at all', () => {
    const Broken = class {
      constructor() {
        throw new Error('constructor changed');
      }
    };
    expect(probeEngineIo({ ...REAL, Socket: Broken as unknown as EngineClasses['Socket'] })).toMatch(/engine\.io: the probe connection could not be built \(constructor changed\)/);
    expect(probeWs(Broken as unknown as WsClass)).toMatch(/ws: the probe WebSocket could not be built/);
  });
});

describe('directPathsOf', () => {
  function server(): { engine: EventEmitter } {
    return { engine: new EventEmitter() };
  }

  it('keeps the direct paths when both probes pass, and logs nothing', () => {
    const lines: string[] = [];
    const paths = directPathsOf(server(), (l) => lines.push(l), { engine: () => null, ws: () => null, frames: () => null, netReads: () => null });
    expect(paths).toMatchObject({ inputs: true, snapshots: true, frames: true });
    expect(paths.reads?.buffer).toBeInstanceOf(Buffer);
    expect(idleWebSocket(fakeConn(), paths)).not.toBeNull();
    expect(lines).toEqual([]);
  });

  it('with writeBuffer renamed: one line naming it, no direct path, slow readers counted on public events', () => {
    const lines: string[] = [];
    const io = server();
    const problem = probeEngineIo({ ...REAL, Socket: RenamedBufferSocket as unknown as EngineClasses['Socket'] });
    const paths = directPathsOf(io, (l) => lines.push(l), { engine: () => problem, ws: () => null, frames: () => null, netReads: () => null });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/Socket#writeBuffer.*socket\.io path.*packetCreate\/flush/);
    expect(paths).toMatchObject({ inputs: false, snapshots: false });

    const conn = fakeConn();
    io.engine.emit('connection', conn);
    expect(idleWebSocket(conn, paths)).toBeNull();
    for (let i = 0; i < 40; i++) conn.emit('packetCreate', { type: 'message' });
    expect(paths.pendingPackets(conn)).toBe(40);
    conn.emit('flush', []);
    expect(paths.pendingPackets(conn)).toBe(0);
  });

  it('with the ws sender renamed: one line naming it, snapshots through socket.io, inputs still direct', () => {
    const lines: string[] = [];
    const problem = probeWs(RenamedSenderWs as unknown as WsClass);
    const paths = directPathsOf(server(), (l) => lines.push(l), { engine: () => null, ws: () => problem, frames: () => null, netReads: () => null });
    expect(lines).toEqual([expect.stringMatching(/_sender\.sendFrame.*socket\.emit/)]);
    expect(paths).toMatchObject({ inputs: true, snapshots: false });
    expect(idleWebSocket(fakeConn(), paths)).toBeNull();
  });

  it("without Node's handle writes: one line naming the binding, snapshots still direct through ws's sender", () => {
    const lines: string[] = [];
    const problem = probeHandleWrites(() => ({}));
    const paths = directPathsOf(server(), (l) => lines.push(l), { engine: () => null, ws: () => null, frames: () => null, netWrites: () => problem });
    expect(lines).toEqual([expect.stringMatching(/WriteWrap is gone.*through ws's sender/)]);
    expect(paths).toMatchObject({ inputs: true, snapshots: true, handles: null });
    expect(idleWebSocket(fakeConn(), paths)).not.toBeNull();
  });

  it("with Node's onread fields renamed: one line naming them, inputs still taken in front of ws, through 'data' events", () => {
    const lines: string[] = [];
    const problem = probeSharedReads(() => ({ [Symbol('kReadBuffer')]: null }));
    const paths = directPathsOf(server(), (l) => lines.push(l), { engine: () => null, ws: () => null, frames: () => null, netReads: () => problem });
    expect(lines).toEqual([expect.stringMatching(/kBuffer.*read through 'data' events/)]);
    expect(paths).toMatchObject({ inputs: true, snapshots: true, frames: true, reads: null });
  });

  it('probes once per server', () => {
    const io = server();
    let probes = 0;
    const count = { engine: () => (probes++, null), ws: () => null, frames: () => null, netReads: () => null };
    expect(directPathsOf(io, undefined, count)).toBe(directPathsOf(io, undefined, count));
    expect(probes).toBe(1);
  });
});

describe("socket.io's Client, as the wire negotiation uses it", () => {
  it('passes the probe on the socket.io this repository pins', () => {
    expect(probeSocketIoClient()).toBeNull();
  });

  it('names the member when an upgrade moves it', () => {
    /** A Client of a release that writes through `sendEncoded` instead of `writeToEngine`. */
    const renamed = {
      prototype: {
        _packet(this: { encoder: { encode(p: unknown): unknown }; sendEncoded?: (e: unknown) => void }, packet: unknown) {
          this.sendEncoded?.(this.encoder.encode(packet));
        },
      },
    };
    expect(probeSocketIoClient(() => renamed)).toMatch(/Client#_packet.*writeToEngine/);
  });

  it('keeps every connection compact when the probe fails, and says so once', () => {
    const lines: string[] = [];
    const parser = createNegotiatingParser(() => 'socket.io: moved');
    const engine = new EventEmitter();
    parser.attach({ engine, of: () => ({ use: () => {} }), on: () => {} } as never, (l) => lines.push(l));
    const conn = { request: { url: '/socket.io/?EIO=4&transport=websocket' } };
    engine.emit('connection', conn);
    expect(negotiatedFormat(conn)).toBe('compact');
    expect(lines).toEqual([expect.stringMatching(/socket\.io: moved.*compact wire/)]);
  });
});

describe('the frame reader in front of ws', () => {
  const PREFIX = Uint8Array.of(2, 1, 0);
  const MASK = [0x5a, 0x0f, 0xf0, 0x33];
  const masked = (payload: number[], opcode = 0x82): number[] => [opcode, 0x80 | payload.length, ...MASK, ...payload.map((b, i) => b ^ MASK[i & 3]!)];
  const input = (n: number): number[] => [2, 1, 0, n, n + 1, n + 2, n + 3, n + 4];

  /** A server-side ws over a stand-in TCP stream, the reader in front, and what each side saw, in order. */
  function setup(ready = () => true) {
    const tcp = new Duplex({ read() {}, write(_c, _e, done) { done(); } });
    const ws = new WebSocket(null as never, undefined as never, {} as never) as unknown as ServerWebSocket & { setSocket(s: Duplex, h: Buffer, o: object): void; on(e: 'close', f: () => void): unknown };
    ws.setSocket(tcp, Buffer.alloc(0), { maxPayload: 1024, skipUTF8Validation: false, allowSynchronousEvents: true });
    const seen: string[] = [];
    ws.on('message', (data) => seen.push(`ws ${[...(data as Buffer)].join(',')}`));
    const restore = readFramesInFront(ws, { prefix: PREFIX, ready, take: (c, start, end) => seen.push(`taken ${[...c.subarray(start, end)].join(',')}`) });
    const send = (...bytes: number[][]): void => void tcp.emit('data', Buffer.from(bytes.flat()));
    return { tcp, ws, seen, restore, send };
  }

  it('takes whole input frames off a chunk, unmasked and in order, and hands anything else to ws in its place', () => {
    const { seen, send } = setup();
    send(masked(input(1)), masked(input(2)), masked([2, 1, 1, 9]), masked(input(3)));
    expect(seen).toEqual(['taken 2,1,0,1,2,3,4,5', 'taken 2,1,0,2,3,4,5,6', 'ws 2,1,1,9', 'ws 2,1,0,3,4,5,6,7']);
  });

  it('leaves a frame split across reads to ws, and takes frames again once ws holds nothing', () => {
    const { seen, send } = setup();
    const frame = masked(input(1));
    send(frame.slice(0, 5));
    send(frame.slice(5), masked(input(2)));
    send(masked(input(3)));
    expect(seen).toEqual(['ws 2,1,0,1,2,3,4,5', 'ws 2,1,0,2,3,4,5,6', 'taken 2,1,0,3,4,5,6,7']);
  });

  it('takes nothing the caller is not ready for, nor text or unmasked frames (ws judges those)', async () => {
    let open = false;
    const { ws, seen, send } = setup(() => open);
    send(masked(input(1)));
    open = true;
    send(masked(input(2), 0x81));
    expect(seen).toEqual(['ws 2,1,0,1,2,3,4,5', 'ws 2,1,0,2,3,4,5,6']);
    const error = new Promise<string>((resolve) => ws.on('error' as 'close', ((err: { code: string }) => resolve(err.code)) as never));
    // An unmasked client frame is a protocol error: ws closes the connection, the reader takes nothing.
    send([0x82, 4, 2, 1, 0, 7]);
    expect(seen.filter((l) => l.startsWith('taken'))).toEqual([]);
    expect(await error).toBe('WS_ERR_EXPECTED_MASK');
  });

  it('goes when ws removes its data listener, and puts it back when asked', () => {
    const { tcp, restore } = setup();
    const ours = tcp.rawListeners('data')[0]!;
    restore!();
    const back = tcp.rawListeners('data');
    expect(back).toHaveLength(1);
    expect(back[0]).not.toBe(ours);
    expect(back[0]).toBe((ours as Function & { listener: Function }).listener);
  });
});

describe("direct writes on Node's TCP handle", () => {
  /** A loopback TCP pair: `server` is the side written, `client` reads (or not, when paused). */
  async function pair(): Promise<{ server: NetSocket; client: NetSocket; received: () => Buffer; close: () => void }> {
    const listener = createNetServer();
    const accepted = new Promise<NetSocket>((resolve) => listener.once('connection', resolve));
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    const client = connect((listener.address() as AddressInfo).port, '127.0.0.1');
    const server = await accepted;
    const chunks: Buffer[] = [];
    client.on('data', (c: Buffer) => chunks.push(c));
    return {
      server,
      client,
      received: () => Buffer.concat(chunks),
      close: () => {
        client.destroy();
        server.destroy();
        listener.close();
      },
    };
  }
  const until = async (ok: () => boolean): Promise<void> => {
    while (!ok()) await new Promise((r) => setTimeout(r, 5));
  };

  it('pass the start-up probe on this Node, and name what moved otherwise', () => {
    expect(probeHandleWrites()).toBeNull();
    expect(probeHandleWrites(() => ({}))).toMatch(/WriteWrap is gone/);
    expect(probeHandleWrites(() => ({ WriteWrap: class {}, streamBaseState: [], kLastWriteWasAsync: 9 }))).toMatch(/kLastWriteWasAsync\] is gone/);
    expect(probeHandleWrites(() => { throw new Error('no binding'); })).toMatch(/stream_wrap'\) is gone \(no binding\)/);
    expect(handleWriter(() => ({}))).toBeNull();
  });

  it('write frames in order with what the stream writes after them', async () => {
    const { server, received, close } = await pair();
    const writer = handleWriter()!;
    expect(writer.write(server, Buffer.from('a'))).toBe(true);
    expect(writer.write(server, Buffer.from('b'))).toBe(true);
    server.write('c');
    expect(writer.write(server, Buffer.from('d'))).toBe(true);
    await until(() => received().length === 4);
    expect(received().toString()).toBe('abcd');
    expect(server.bytesWritten).toBe(4);
    close();
  });

  it('stand aside while the stream holds or corks anything, or the socket has no handle', async () => {
    const { server, close } = await pair();
    const writer = handleWriter()!;
    server.cork();
    expect(writer.write(server, Buffer.from('x'))).toBe(false);
    server.uncork();
    expect(writer.write(undefined, Buffer.from('x'))).toBe(false);
    expect(writer.write({}, Buffer.from('x'))).toBe(false);
    close();
    expect(writer.write(server, Buffer.from('x'))).toBe(false);
  });

  it('show a socket busy while a write the kernel could not take waits, until the reader drains it, and keep later writes behind it', async () => {
    const { server, client, received, close } = await pair();
    client.pause();
    const writer = handleWriter()!;
    const big = Buffer.alloc(1 << 20, 1);
    let frames = 0;
    while (!writer.busy(server) && frames < 64) {
      expect(writer.write(server, big)).toBe(true);
      frames++;
    }
    expect(writer.busy(server)).toBe(true);
    expect(server.writableLength).toBe(0);
    server.write(Buffer.from([2]));
    client.resume();
    await until(() => received().length === frames * big.length + 1);
    expect(writer.busy(server)).toBe(false);
    expect(received().at(-1)).toBe(2);
    expect(received().subarray(0, -1).every((b) => b === 1)).toBe(true);
    close();
  });

  it("destroy the socket on a write error, as Node's own write path does", () => {
    const destroyed: (Error | undefined)[] = [];
    // A handle refusing the write the way libuv does on a reset connection (UV_EPIPE).
    const socket = { _handle: { writeBuffer: () => -32 }, writableLength: 0, writableCorked: 0, destroyed: false, destroy: (e?: Error) => destroyed.push(e) };
    const writer = handleWriter()!;
    expect(writer.write(socket, Buffer.from('x'))).toBe(true);
    expect(destroyed.map((e) => (e as { code?: string } | undefined)?.code)).toEqual(['EPIPE']);
  });
});

describe('the frame reader on a real TCP socket, reading into the shared buffer', () => {
  const PREFIX = Uint8Array.of(2, 1, 0);
  const MASK = [0x5a, 0x0f, 0xf0, 0x33];
  const masked = (payload: number[], opcode = 0x82): number[] => [opcode, 0x80 | payload.length, ...MASK, ...payload.map((b, i) => b ^ MASK[i & 3]!)];
  const input = (n: number): number[] => [2, 1, 0, n, n + 1, n + 2, n + 3, n + 4];
  const textBytes = (t: string): number[] => [...Buffer.from(t)];

  /**
   * A ws server behind a real HTTP upgrade on loopback, a raw client socket that writes frame
   * bytes as given, the reader in front of the server side with a shared buffer, and what each
   * side saw, in order.
   */
  async function setup() {
    const http: HttpServer = createServer();
    const wss = new WebSocketServer({ noServer: true });
    const serverWs = new Promise<ServerWebSocket & { _socket: NetSocket; on(e: string, f: (...a: unknown[]) => void): unknown }>((resolve) =>
      http.on('upgrade', (req, socket, head) => wss.handleUpgrade(req, socket, head, (ws) => resolve(ws as never))),
    );
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const client = connect((http.address() as AddressInfo).port, '127.0.0.1');
    // The client reads (and drops) what the server sends, so it sees the server's end and closes too.
    client.resume();
    client.write('GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n');
    const ws = await serverWs;
    const seen: string[] = [];
    const refused: string[] = [];
    let event = (): void => {};
    const note = (line: string): void => {
      seen.push(line);
      event();
    };
    ws.on('message', (data) => note(`ws ${[...(data as Buffer)].join(',')}`));
    const reads: SharedReads = { buffer: Buffer.alloc(64 * 1024), refused: (why) => refused.push(why) };
    const restore = readFramesInFront(
      ws,
      {
        prefix: PREFIX,
        ready: () => true,
        take: (c, start, end) => note(`taken ${[...c.subarray(start, end)].join(',')}`),
        text: (data, length) => {
          const t = data.toString('latin1', 0, length);
          if (t !== 'clock') return false;
          note(`text ${t}`);
          return true;
        },
      },
      reads,
    );
    /** Resolves once `count` lines were seen. */
    const seenCount = (count: number): Promise<void> =>
      new Promise((resolve) => {
        event = () => seen.length >= count && resolve();
        event();
      });
    const send = (...frames: number[][]): void => void client.write(Buffer.from(frames.flat()));
    const close = (): void => {
      client.destroy();
      wss.close();
      http.close();
    };
    return { ws, client, seen, refused, reads, restore, seenCount, send, close };
  }

  it('takes inputs and a text frame the taker accepts out of the shared buffer, in order, and hands the rest of the read to ws as a copy', async () => {
    const t = await setup();
    try {
      // The socket reads into the shared buffer now: Node's onread fields hold it.
      const own = t.ws._socket as unknown as Record<symbol, unknown>;
      const kBuffer = Object.getOwnPropertySymbols(own).find((s) => s.description === 'kBuffer')!;
      expect(own[kBuffer]).toBe(t.reads.buffer);
      expect(t.refused).toEqual([]);
      t.send(masked(input(1)), masked(textBytes('clock'), 0x81), masked(input(2)), masked([2, 1, 1, 9]), masked(input(3)), masked(textBytes('clock'), 0x81));
      await t.seenCount(6);
      expect(t.seen).toEqual(['taken 2,1,0,1,2,3,4,5', 'text clock', 'taken 2,1,0,2,3,4,5,6', 'ws 2,1,1,9', 'ws 2,1,0,3,4,5,6,7', 'ws 99,108,111,99,107']);
      // The next read is taken again, and what ws got before was not overwritten by it.
      t.send(masked(input(4)), masked(textBytes('other'), 0x81));
      await t.seenCount(8);
      expect(t.seen.slice(6)).toEqual(['taken 2,1,0,4,5,6,7,8', 'ws 111,116,104,101,114']);
    } finally {
      t.close();
    }
  });

  it('leaves a frame split across reads to ws, takes nothing once ws closes, and puts ws back when asked', async () => {
    const t = await setup();
    try {
      const frame = masked(input(1));
      t.send(frame.slice(0, 5));
      // The half frame sits in ws's receiver until the rest comes.
      const receiver = (t.ws as unknown as { _receiver: { _bufferedBytes: number } })._receiver;
      while (receiver._bufferedBytes === 0) await new Promise((resolve) => setImmediate(resolve));
      t.send(frame.slice(5), masked(input(2)));
      await t.seenCount(2);
      t.send(masked(input(3)));
      await t.seenCount(3);
      expect(t.seen).toEqual(['ws 2,1,0,1,2,3,4,5', 'ws 2,1,0,2,3,4,5,6', 'taken 2,1,0,3,4,5,6,7']);
      t.restore!();
      t.send(masked(input(4)));
      await t.seenCount(4);
      expect(t.seen[3]).toBe('ws 2,1,0,4,5,6,7,8');
      // A close frame from the client closes the server side as ws always does.
      const closed = new Promise<number>((resolve) => t.ws.on('close', (code) => resolve(code as number)));
      t.send(masked([0x03, 0xe8], 0x88));
      expect(await closed).toBe(1000);
    } finally {
      t.close();
    }
  });
});
