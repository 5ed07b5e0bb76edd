/**
 * One engine.io v4 connection over WebSocket, spoken straight on a `net.Socket`, for the raw
 * light bot (raw-bot.ts). socket.io-client, engine.io-client and `ws` cost a light bot about
 * 8 µs per snapshot and 15 µs per input in user space (BENCHMARKS.md, capacity): streams, an
 * event per frame, a Buffer per message, a closure per send. Here:
 *
 * - reads land in one buffer shared by every connection of the process (Node's public
 *   `net.connect({ onread })` option: no Buffer per read, no stream, no 'data' event) and are
 *   split into frames in place (server-frames.ts);
 * - binary frames (the /match snapshots) go to the handler as a view into that buffer;
 * - text frames are engine.io packets: `2` (the server's heartbeat ping) is answered `3` here,
 *   `4…` (socket.io packets) go to the handler as strings;
 * - `write` sends a frame the caller built (client-frames.ts) in one write: straight to the TCP
 *   handle once the connection is open (loadtest/internals/node-net.ts, `directWrites`), or
 *   through `socket.write` without them or while the stream holds unsent bytes.
 *
 * Handshake: `GET {path}?EIO=4&transport=websocket` with an Upgrade, a 101 whose
 * Sec-WebSocket-Accept matches the key, then engine.io's open packet `0{…}` before anything else.
 */
import { createHash, randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import type { DirectWriter, DirectWrites } from '../internals/node-net.ts';
import { COMPACT_WIRE, WIRE_QUERY_PARAM } from '../../shared/protocol/wire.ts';
import { clientFrame, clientTextFrame, OPCODE_CLOSE, OPCODE_PONG } from './client-frames.ts';
import { Opcode, ServerFrameScanner, type FrameSink } from './server-frames.ts';

const WS_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
/** Longest HTTP answer to the upgrade this client reads before it gives up on the server. */
const MAX_HTTP_HEAD = 8192;

export interface RawConnectionHandler {
  /** engine.io's open packet arrived: the connection can carry socket.io packets. */
  opened(): void;
  /** A socket.io packet (the text after engine.io's `4`). */
  packet(text: string): void;
  /** A binary message; its bytes are buf[start..end), valid only during the call. */
  binary(buf: Uint8Array, start: number, end: number): void;
  /** The connection is gone (called once); `reason` says why. */
  closed(reason: string): void;
}

export interface RawConnectionOptions {
  host: string;
  port: number;
  /** socket.io's path on the server, e.g. `/socket.io/`. */
  path: string;
  /** The buffer every read of the process lands in (net.connect's `onread.buffer`). */
  readBuffer: Uint8Array;
  handler: RawConnectionHandler;
  /** Writes past the Writable stream once the connection is open; null: `socket.write` only. */
  directWrites: DirectWrites | null;
}

const enum State {
  Upgrading,
  Opening,
  Open,
  Closed,
}

const utf8 = new TextDecoder();

export class RawConnection implements FrameSink {
  bytesIn = 0;
  bytesOut = 0;
  private state = State.Upgrading;
  private readonly socket: Socket;
  private readonly scanner = new ServerFrameScanner(this);
  private readonly accept: string;
  private head = '';
  private readonly handler: RawConnectionHandler;
  private readonly directWrites: DirectWrites | null;
  private writer: DirectWriter | null = null;

  constructor(opts: RawConnectionOptions) {
    this.handler = opts.handler;
    this.directWrites = opts.directWrites;
    const key = randomBytes(16).toString('base64');
    this.accept = createHash('sha1').update(key + WS_GUID).digest('base64');
    // The bots speak the compact wire (one binary frame per input and snapshot): they ask for it.
    const path = `${opts.path.endsWith('/') ? opts.path : `${opts.path}/`}?EIO=4&transport=websocket&${WIRE_QUERY_PARAM}=${COMPACT_WIRE}`;
    this.socket = connect({
      host: opts.host,
      port: opts.port,
      noDelay: true,
      onread: {
        buffer: opts.readBuffer,
        callback: (n: number, buf: Uint8Array): boolean => {
          this.onRead(n, buf);
          return true;
        },
      },
    });
    this.socket.on('connect', () => {
      this.writeRaw(
        Buffer.from(
          `GET ${path} HTTP/1.1\r\nHost: ${opts.host}:${opts.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
            `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
          'latin1',
        ),
      );
    });
    this.socket.on('error', (e) => this.end(`socket error: ${e.message}`));
    this.socket.on('close', () => this.end('connection closed'));
    this.socket.on('end', () => this.end('server closed the connection'));
  }

  get open(): boolean {
    return this.state === State.Open;
  }

  /** Frames read (every opcode). */
  get framesIn(): number {
    return this.scanner.frames;
  }

  /**
   * True when nothing is waiting in the socket's write queue: a buffer written before has been
   * handed to the kernel and may be reused.
   */
  get drained(): boolean {
    return this.socket.writableLength === 0 && (this.writer === null || this.writer.pending === 0);
  }

  /** Writes one complete frame; false when the connection is not open. */
  write(frame: Uint8Array): boolean {
    if (this.state !== State.Open) return false;
    this.writeRaw(frame);
    return true;
  }

  /** Sends a socket.io packet (engine.io message `4…`). */
  sendPacket(text: string): boolean {
    return this.write(clientTextFrame(`4${text}`));
  }

  close(reason = 'closed by the client'): void {
    if (this.state === State.Closed) return;
    if (this.state === State.Open) this.writeRaw(clientFrame(OPCODE_CLOSE, Uint8Array.of(0x03, 0xe8)));
    this.socket.end();
    this.end(reason);
    // A server that does not answer the close is not waited for.
    this.socket.destroySoon();
  }

  frame(opcode: number, buf: Uint8Array, start: number, end: number): void {
    if (this.state === State.Closed) return;
    if (opcode === Opcode.Binary) {
      if (this.state === State.Open) this.handler.binary(buf, start, end);
      else this.fail('binary frame before the engine.io handshake');
      return;
    }
    if (opcode === Opcode.Text) return this.onText(utf8.decode(buf.subarray(start, end)));
    if (opcode === Opcode.Ping) return void this.writeRaw(clientFrame(OPCODE_PONG, buf.slice(start, end)));
    if (opcode === Opcode.Close) return this.fail('the server closed the WebSocket');
    if (opcode !== Opcode.Pong) this.fail(`unknown opcode ${opcode}`);
  }

  private onRead(n: number, buf: Uint8Array): void {
    if (this.state === State.Closed) return;
    this.bytesIn += n;
    let start = 0;
    if (this.state === State.Upgrading) {
      start = this.readHead(buf, n);
      if (start < 0) return;
    }
    this.scanner.push(buf, start, n);
    if (this.scanner.error !== null) this.fail(this.scanner.error);
  }

  /** Reads the answer to the upgrade; returns where the WebSocket bytes start, or -1 (more to read, or failed). */
  private readHead(buf: Uint8Array, n: number): number {
    const before = this.head.length;
    this.head += Buffer.from(buf.buffer, buf.byteOffset, n).toString('latin1');
    const end = this.head.indexOf('\r\n\r\n');
    if (end < 0) {
      if (this.head.length > MAX_HTTP_HEAD) this.fail('the upgrade answer has no end');
      return -1;
    }
    const lines = this.head.slice(0, end).split('\r\n');
    this.head = '';
    if (!/^HTTP\/1\.1 101 /.test(lines[0] ?? '')) {
      this.fail(`the server refused the WebSocket upgrade: ${lines[0]}`);
      return -1;
    }
    const accept = lines.find((l) => /^sec-websocket-accept:/i.test(l))?.slice(21).trim();
    if (accept !== this.accept) {
      this.fail('the server answered the upgrade with a wrong Sec-WebSocket-Accept');
      return -1;
    }
    this.state = State.Opening;
    this.writer = this.directWrites?.writerFor(this.socket) ?? null;
    return end + 4 - before;
  }

  private onText(text: string): void {
    const type = text.charCodeAt(0);
    if (type === 0x34 /* 4: message */) {
      if (this.state === State.Open) this.handler.packet(text.slice(1));
      else this.fail('engine.io message before the open packet');
    } else if (type === 0x32 /* 2: ping */) {
      // engine.io v4: the server pings, the client answers within pingTimeout or is dropped.
      this.writeRaw(clientTextFrame('3'));
    } else if (type === 0x30 /* 0: open */) {
      if (this.state !== State.Opening) return this.fail('a second engine.io open packet');
      this.state = State.Open;
      this.handler.opened();
    } else if (type === 0x31 /* 1: close */) {
      this.fail('the server closed the engine.io session');
    } else if (type !== 0x36 /* 6: noop */) {
      this.fail(`unknown engine.io packet ${JSON.stringify(text.slice(0, 16))}`);
    }
  }

  private writeRaw(bytes: Uint8Array): void {
    this.bytesOut += bytes.length;
    const w = this.writer;
    if (w !== null && this.socket.writableLength === 0) w.write(bytes);
    else this.socket.write(bytes);
  }

  private fail(reason: string): void {
    if (this.state === State.Closed) return;
    this.end(reason);
    this.socket.destroy();
  }

  private end(reason: string): void {
    if (this.state === State.Closed) return;
    this.state = State.Closed;
    this.handler.closed(reason);
  }
}
