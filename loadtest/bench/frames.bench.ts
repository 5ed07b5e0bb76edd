/**
 * WebSocket frames and bytes on the wire per snapshot event, for socket.io's default parser,
 * socket.io-msgpack-parser and this project's wire parser, all carrying the same recorded
 * 16-player deltas (and the same state as plain JSON, as a naive server would send it).
 * Bytes are read off the client's TCP socket, so every header is included.
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:http';
import { Server } from 'socket.io';
import { io as connect, type Socket } from 'socket.io-client';
import * as msgpackParser from 'socket.io-msgpack-parser';
import * as defaultParser from 'socket.io-parser';
import { encodeDelta } from '../../shared/games/arena/snapshot-codec.ts';
import { wireParser } from '../../shared/protocol/wire.ts';
import { probeEngineIoClient, webSocketOf, type ClientEngine } from '../internals/engine-io-client.ts';
import { probeWsClient, tcpSocketOf } from '../internals/ws.ts';
import { recordArena } from './arena-recording.ts';

// Frames and bytes are read below engine.io-client and ws: without their members there is nothing to measure.
for (const problem of [probeEngineIoClient(), probeWsClient()]) {
  if (problem) {
    console.error(`frames.bench: ${problem}; cannot count frames and bytes`);
    process.exit(1);
  }
}

const COUNT = 300;
const snapshots = recordArena({ players: 16, tickRate: 20, ticks: COUNT + 101 }).slice(100);
const deltas = snapshots.slice(1).map((s, i) => encodeDelta(snapshots[i]!, s));
const payloadMean = deltas.reduce((a, d) => a + d.length, 0) / deltas.length;

interface Row {
  name: string;
  frames: number;
  bytes: number;
}

async function measure(name: string, parser: unknown, payloads: unknown[]): Promise<Row> {
  const http = createServer();
  const server = new Server(http, { parser: parser as never, serveClient: false });
  http.listen(0, '127.0.0.1');
  await once(http, 'listening');
  const port = (http.address() as AddressInfo).port;
  const client: Socket = connect(`http://127.0.0.1:${port}/`, { parser: parser as never, transports: ['websocket'] });
  const [socket] = (await once(server, 'connection')) as [import('socket.io').Socket];
  await new Promise<void>((r) => (client.connected ? r() : client.once('connect', () => r())));
  const ws = webSocketOf(client.io.engine as unknown as ClientEngine) as { on: (e: string, f: () => void) => void };
  const tcp = tcpSocketOf(ws)!;
  let frames = 0;
  ws.on('message', () => frames++);
  let received = 0;
  const done = new Promise<void>((r) => client.on('snapshot', () => ++received === payloads.length && r()));
  const bytes0 = tcp.bytesRead;
  for (const p of payloads) {
    socket.emit('snapshot', p);
    await new Promise((r) => setImmediate(r));
  }
  await done;
  const row = { name, frames: frames / payloads.length, bytes: (tcp.bytesRead - bytes0) / payloads.length };
  client.close();
  server.close();
  return row;
}

const buffers = deltas.map((d) => Buffer.from(d));
const rows = [
  await measure('socket.io default parser, Buffer payload', defaultParser, buffers),
  await measure('socket.io-msgpack-parser, Buffer payload', msgpackParser, buffers),
  await measure('wire-parser (this project), Uint8Array payload', wireParser, deltas),
  await measure('socket.io default parser, full state as JSON', defaultParser, snapshots.slice(1)),
];
console.log(`${COUNT} recorded 16-player deltas, mean payload ${payloadMean.toFixed(1)} B (node ${process.version})\n`);
console.log('| parser | frames per snapshot | bytes on the wire per snapshot | overhead over the payload |');
console.log('|---|---|---|---|');
for (const r of rows) {
  const overhead = r.name.includes('JSON') ? 'n/a (not binary)' : `${(r.bytes - payloadMean).toFixed(1)} B`;
  console.log(`| ${r.name} | ${r.frames.toFixed(2)} | ${r.bytes.toFixed(1)} | ${overhead} |`);
}
process.exit(0);
