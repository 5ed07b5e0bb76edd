/**
 * The minimal bots of ladder rungs 1-5, all in one process (the ladder pins it to its own core):
 *
 *   node --import tsx loadtest/bench/ladder/bots.ts --rung N --url http://127.0.0.1:P --bots 128
 *
 * No lobby and no decoding: each bot connects with the client library of its rung, and for
 * every state frame it receives it sends one 14-byte input `--lead-ms` later (default 40 ms of
 * the 50 ms tick: it lands ~10 ms before the room's next tick, where the game's input pacer
 * aims), so inputs come at the tick rate and in the same per-room bursts as the real bots'.
 * The input is a real one (moving, turning, holding fire, naming the tick it draws) so rung 5's
 * simulation has projectiles and hits to work on.
 *
 * Traffic is counted below every library: bytes on each TCP socket (WebSocket framing
 * included) and frames on each `ws` socket. Prints `{"ready":true}` once every bot has
 * received state; each `sample` line on stdin is answered with one JSON line of counters.
 */
import type { Socket as NetSocket } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { Socket as EngineClient } from 'engine.io-client';
import { io } from 'socket.io-client';
import { WebSocket } from 'ws';
import { encodeInput } from '../../../shared/games/arena/input-codec.ts';
import { Button, DIRECTION_BUTTONS } from '../../../shared/games/arena/sim/index.ts';
import { peekSnapshotHeader } from '../../../shared/games/arena/snapshot-codec.ts';
import { Namespaces } from '../../../shared/protocol/events.ts';
import { wireParser } from '../../../shared/protocol/wire.ts';
import { probeEngineIoClient, webSocketOf, type ClientEngine } from '../../internals/engine-io-client.ts';
import { probeWsClient, tcpSocketOf } from '../../internals/ws.ts';
import { EIO_PATH, WS_PATH } from './transports.ts';

const { values } = parseArgs({
  options: {
    rung: { type: 'string' },
    url: { type: 'string' },
    bots: { type: 'string', default: '128' },
    'lead-ms': { type: 'string', default: '40' },
  },
});
const rung = Number(values.rung);
const url = values.url ?? '';
const botCount = Number(values.bots);
const leadMs = Number(values['lead-ms']);
if (!(rung >= 1 && rung <= 5) || !/^http:\/\/(127\.0\.0\.1|localhost|\[::1\]):\d+$/.test(url) || !(botCount > 0)) {
  console.error('usage: bots.ts --rung 1-5 --url http://127.0.0.1:PORT [--bots N] [--lead-ms MS] (loopback only)');
  process.exit(2);
}

interface Link {
  send(bytes: Uint8Array): void;
  close(): void;
}
interface RawWs {
  on(event: 'message', fn: () => void): void;
}

// Bytes and frames are counted below the client libraries; a moved member leaves them uncounted, said once here.
for (const problem of [probeEngineIoClient(), probeWsClient()]) {
  if (problem) console.error(`ladder bots: ${problem}; bytes and frames are not counted`);
}
interface LinkHandlers {
  open(raw: RawWs | null): void;
  state(bytes: Uint8Array): void;
}

/** Opens one connection with the client library of the rung. */
function connect(h: LinkHandlers): Link {
  if (rung === 1) {
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}${WS_PATH}`);
    ws.on('open', () => h.open(ws as unknown as RawWs));
    ws.on('message', (data, isBinary) => {
      if (isBinary) h.state(data as Buffer);
    });
    return { send: (b) => ws.send(b), close: () => ws.close() };
  }
  if (rung === 2) {
    const socket = new EngineClient(url, { path: EIO_PATH, transports: ['websocket'] });
    socket.on('open', () => h.open(webSocketOf(socket as unknown as ClientEngine) as RawWs | null));
    socket.on('message', (data) => {
      if (typeof data !== 'string') h.state(data as Uint8Array);
    });
    return { send: (b) => socket.send(b as Buffer), close: () => socket.close() };
  }
  const socket = io(`${url}${Namespaces.match}`, {
    transports: ['websocket'],
    reconnection: false,
    ...(rung >= 4 ? { parser: wireParser } : {}),
  });
  socket.on('connect', () => h.open(webSocketOf(socket.io.engine as unknown as ClientEngine) as RawWs | null));
  socket.on('snapshot', (bytes: Uint8Array) => h.state(bytes));
  return { send: (b) => socket.emit('input', b), close: () => socket.close() };
}

/** The eight movement directions, from the Arena sim (bots pick one at random). */
const DIRECTIONS = DIRECTION_BUTTONS;

const totals = { statesIn: 0, framesIn: 0, inputs: 0, opened: 0, closed: 0 };
const rawSockets: NetSocket[] = [];

class LadderBot {
  private link: Link | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private seq = 0;
  private tick: number | null = null;
  private rng: number;
  private direction = 0;
  private aim: number;
  gotState = false;

  constructor(index: number) {
    this.rng = (index * 2654435761 + 1) >>> 0;
    this.aim = (index * 0.7) % (2 * Math.PI);
  }

  start(): void {
    this.link = connect({
      open: (raw) => {
        totals.opened++;
        const tcp = tcpSocketOf(raw);
        if (tcp) rawSockets.push(tcp);
        raw?.on('message', () => totals.framesIn++);
      },
      state: (bytes) => this.onState(bytes),
    });
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.link?.close();
  }

  private random(): number {
    this.rng = (Math.imul(this.rng, 1664525) + 1013904223) >>> 0;
    return this.rng / 2 ** 32;
  }

  private onState(bytes: Uint8Array): void {
    totals.statesIn++;
    this.gotState = true;
    const head = peekSnapshotHeader(bytes);
    if (head.ok && head.value.tick !== null) this.tick = head.value.tick;
    else if (this.tick !== null) this.tick++;
    this.timer ??= setTimeout(() => this.sendInput(), leadMs);
  }

  private sendInput(): void {
    this.timer = null;
    // About one change of direction a second, like the load test's bots; always shooting.
    if (this.random() < 0.05) this.direction = Math.floor(this.random() * DIRECTIONS.length);
    this.aim = (this.aim + 0.05) % (2 * Math.PI);
    this.seq++;
    const clientTick = Math.max(0, (this.tick ?? 0) - 2);
    this.link!.send(encodeInput({ seq: this.seq, buttons: DIRECTIONS[this.direction]! | Button.Fire, aim: this.aim - Math.PI, clientTick }));
    totals.inputs++;
  }
}

const loop = monitorEventLoopDelay({ resolution: 5 });
loop.enable();
const bots = Array.from({ length: botCount }, (_, i) => new LadderBot(i));
// A short stagger: 128 handshakes at once would only measure the accept path.
bots.forEach((bot, i) => setTimeout(() => bot.start(), i * 2));

const readyCheck = setInterval(() => {
  if (totals.opened >= botCount && bots.every((b) => b.gotState)) {
    clearInterval(readyCheck);
    console.log(JSON.stringify({ ready: true, bots: botCount }));
  }
}, 50);

createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim() !== 'sample') return;
  let bytesIn = 0;
  let bytesOut = 0;
  for (const s of rawSockets) {
    bytesIn += s.bytesRead;
    bytesOut += s.bytesWritten;
  }
  console.log(
    JSON.stringify({
      ...totals,
      bytesIn,
      bytesOut,
      loopDelayP99Ms: loop.percentile(99) / 1e6,
      loopDelayMaxMs: loop.max / 1e6,
    }),
  );
  loop.reset();
});

const stop = (): void => {
  for (const bot of bots) bot.stop();
  setTimeout(() => process.exit(0), 200).unref();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
