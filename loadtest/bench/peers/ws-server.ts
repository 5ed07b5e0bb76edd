/**
 * The raw `ws` floor of the peer benchmark (scenario.ts, floor-wire.ts): the `ws` library alone,
 * rooms of 16 in arrival order, each ticked on the server's TickScheduler.
 *
 *   node --import tsx loadtest/bench/peers/ws-server.ts --port P [--tick-rate 20]
 *
 * Prints `{"ready":true}` once listening; answers each `sample` line on stdin with its counters.
 */
import { createServer } from 'node:http';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { monotonicClock } from '../../../server/clock.ts';
import { TickScheduler } from '../../../server/match/scheduler.ts';
import { newCounters } from '../ladder/room-game.ts';
import { attachTransport } from '../ladder/transports.ts';
import { FloorRoom } from './floor-room.ts';
import { ROOM_SIZE } from './scenario.ts';

const { values } = parseArgs({ options: { port: { type: 'string' }, 'tick-rate': { type: 'string', default: '20' } } });
const tickRate = Number(values['tick-rate']);
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || !(tickRate > 0)) {
  console.error('usage: ws-server.ts --port P [--tick-rate 20]');
  process.exit(2);
}
const counters = newCounters();
const scheduler = new TickScheduler({ tickRate, clock: monotonicClock, onError: (error) => console.error(error) });
const http = createServer();
const transport = attachTransport('ws', http, { roomSize: ROOM_SIZE, scheduler, createGame: () => new FloorRoom(tickRate, counters) });
http.listen(port, '127.0.0.1', () => {
  scheduler.start();
  const address = http.address();
  console.log(JSON.stringify({ ready: true, port: typeof address === 'object' && address ? address.port : port, pid: process.pid }));
});
createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim() === 'sample') console.log(JSON.stringify({ ...counters, clients: transport.clients(), rssMB: process.memoryUsage.rss() / 2 ** 20 }));
});
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => process.exit(0));
