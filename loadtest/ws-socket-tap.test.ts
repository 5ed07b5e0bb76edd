/**
 * A real `ws` server and client on loopback, the client's TCP socket tapped: snapshot frames go
 * to the callback, everything else still reaches the client's 'message', 'ping' and 'close'
 * events in order, and frames written by maskedBinaryFrame reach the server intact. Without the
 * tap's pass-through (or with bytes dropped or reordered) the client would see no text
 * messages, a garbled stream (a receiver error) or no close code.
 */
import { once } from 'node:events';
import type { AddressInfo, Socket as NetSocket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { receiverAtFrameStart, tcpSocketOf } from './internals/ws.ts';
import { MaskSource, maskedBinaryFrame } from './ws-client-frame.ts';
import { tapWsSocket } from './ws-socket-tap.ts';

const PREFIX = Uint8Array.of(2, 1, 0);
const OTHER_PREFIX = Uint8Array.of(2, 1, 1);

function snapshot(n: number, seed: number): Buffer {
  const b = Buffer.alloc(n, seed);
  b.set(PREFIX, 0);
  return b;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

let server: WebSocketServer | null = null;
afterEach(async () => {
  for (const c of server?.clients ?? []) c.terminate();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = null;
});

/** A server whose first connection is handed to `serve`, and a client tapped once open. */
async function pair(serve: (peer: WebSocket) => Promise<void> | void, sharedReads: boolean): Promise<{ client: WebSocket; socket: NetSocket | null; log: string[] }> {
  server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await once(server, 'listening');
  server.on('connection', (peer) => void serve(peer));
  const client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`);
  const log: string[] = [];
  client.on('message', (data, isBinary) => log.push(isBinary ? `bin:${Buffer.from(data as Buffer).toString('hex')}` : `text:${String(data)}`));
  client.on('ping', (data) => log.push(`ping:${String(data)}`));
  client.on('close', (code, reason) => log.push(`close:${code}:${String(reason)}`));
  client.on('error', (e) => log.push(`error:${e.message}`));
  await once(client, 'open');
  // A view of the shared read buffer is valid only during the call: read what is needed now.
  const socket = tapWsSocket(client as never, PREFIX, (p) => log.push(`snap:${p.length}:${p[0]}`), { sharedReads });
  // Reads into the shared buffer bypass the stream: no 'data' event may fire then.
  if (sharedReads) socket?.on('data', () => log.push('data event'));
  return { client, socket, log };
}

async function until(cond: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await sleep(5);
  }
}

describe.each([false, true])('tapWsSocket, reads into a shared buffer: %s', (sharedReads) => {
  it('hands snapshot frames to the callback and every other frame to ws, in order, then the close', async () => {
    const { socket, log } = await pair(async (peer) => {
      // Let the client tap its socket first: frames sent before are ws's alone.
      await sleep(50);
      const raw = tcpSocketOf(peer)!;
      peer.send('hello');
      peer.send(snapshot(40, 1));
      peer.send(Buffer.concat([OTHER_PREFIX, Buffer.from([9])]));
      peer.ping('p1');
      peer.send('x'.repeat(300));
      peer.send(snapshot(70_000, 2));
      peer.send('frag-', { fin: false });
      peer.ping('p2');
      peer.send('ment', { fin: true });
      await sleep(30);
      // One snapshot frame written in three pieces: a header and a payload split across reads.
      const f = Buffer.concat([Buffer.from([0x82, 126, 0x01, 0x2c]), snapshot(300, 3)]);
      for (const piece of [f.subarray(0, 1), f.subarray(1, 3), f.subarray(3, 150), f.subarray(150)]) {
        raw.write(piece);
        await sleep(30);
      }
      peer.send('end');
      peer.close(4000, 'bye');
    }, sharedReads);
    expect(socket).not.toBeNull();
    await until(() => log.some((l) => l.startsWith('close:')));
    expect(log).toEqual([
      'text:hello',
      'snap:37:1',
      `bin:${Buffer.from([...OTHER_PREFIX, 9]).toString('hex')}`,
      'ping:p1',
      `text:${'x'.repeat(300)}`,
      'snap:69997:2',
      'ping:p2',
      'text:frag-ment',
      'snap:297:3',
      'text:end',
      'close:4000:bye',
    ]);
  });

  it('writes frames the server reads byte for byte, in order with ws-sent ones', async () => {
    const got: string[] = [];
    const { client, socket } = await pair((peer) => {
      peer.on('message', (data, isBinary) => got.push(isBinary ? Buffer.from(data as Buffer).toString('hex') : `text:${String(data)}`));
    }, sharedReads);
    const masks = new MaskSource();
    const sent: string[] = [];
    for (let i = 0; i < 50; i++) {
      const payload = Buffer.alloc(i * 5, i);
      socket!.write(maskedBinaryFrame(OTHER_PREFIX, payload, masks));
      sent.push(Buffer.concat([OTHER_PREFIX, payload]).toString('hex'));
      if (i % 10 === 0) {
        client.send(`t${i}`);
        sent.push(`text:t${i}`);
      }
    }
    const big = Buffer.alloc(70_000, 7);
    socket!.write(maskedBinaryFrame(OTHER_PREFIX, big, masks));
    sent.push(Buffer.concat([OTHER_PREFIX, big]).toString('hex'));
    await until(() => got.length === sent.length);
    expect(got).toEqual(sent);
  });

  it('stops reading where ws does: bytes after a close frame in the same chunk reach no one', async () => {
    const { log } = await pair(async (peer) => {
      await sleep(50);
      const raw = tcpSocketOf(peer)!;
      const text = (t: string): Buffer => Buffer.concat([Buffer.from([0x81, t.length]), Buffer.from(t)]);
      const close = Buffer.from([0x88, 2, 0x0f, 0xa1]); // 4001
      raw.write(Buffer.concat([text('a'), Buffer.from([0x82, 4]), snapshot(4, 1), close, text('after'), Buffer.from([0x82, 4]), snapshot(4, 2)]));
    }, sharedReads);
    await until(() => log.some((l) => l.startsWith('close:')));
    expect(log).toEqual(['text:a', 'snap:1:1', 'close:4001:']);
  });

  it('lets ws close the connection cleanly when the socket dies in the middle of a frame', async () => {
    const { socket, log } = await pair(async (peer) => {
      await sleep(50);
      peer.send(snapshot(20, 1));
      const raw = tcpSocketOf(peer)!;
      raw.write(Buffer.concat([Buffer.from([0x82, 126, 0x01, 0x2c]), snapshot(100, 2)]));
      await sleep(50);
      peer.terminate();
    }, sharedReads);
    expect(socket).not.toBeNull();
    await until(() => log.some((l) => l.startsWith('close:')));
    expect(log).toEqual(['snap:17:1', 'close:1006:']);
  });

  it('leaves a socket alone while ws holds half a frame (the reader would start mid-frame)', async () => {
    server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await once(server, 'listening');
    server.on('connection', (peer) => tcpSocketOf(peer)!.write(Buffer.from([0x81, 5, 0x68])));
    const client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`);
    await once(client, 'open');
    await until(() => !receiverAtFrameStart(client));
    expect(tapWsSocket(client as never, PREFIX, () => {}, { sharedReads })).toBeNull();
    client.terminate();
  });

  it('leaves a socket with permessage-deflate alone (its Sender may queue frames)', async () => {
    server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: true });
    await once(server, 'listening');
    const client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`);
    await once(client, 'open');
    expect(tapWsSocket(client as never, PREFIX, () => {})).toBeNull();
    client.terminate();
  });
});
