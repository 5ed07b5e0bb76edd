/**
 * A rung server of the floor ladder (rungs 1-5; rung 6 is the real server/main.ts). Started by
 * ladder.ts, pinned to its own core:
 *
 *   node --import tsx loadtest/bench/ladder/server.ts --rung N --port P [--room-size 16] [--tick-rate 20]
 *
 * Prints one JSON line `{"ready":true}` once listening. Each line `sample` on stdin is answered
 * with one JSON line of counters (inputs, broadcasts, tick times since the previous sample,
 * process.cpuUsage) so the ladder can check the load it measured was the load it meant.
 * SIGTERM exits normally, which lets `--cpu-prof` write its profile.
 */
import { createServer } from 'node:http';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { monotonicClock } from '../../../server/clock.ts';
import { TickScheduler } from '../../../server/match/scheduler.ts';
import { ArenaRoom, newCounters, RecordedRoom, recordedStateBytes, type RoomGame } from './room-game.ts';
import { attachTransport, type TransportKind } from './transports.ts';

const TRANSPORT: Record<number, TransportKind> = { 1: 'ws', 2: 'eio', 3: 'sio-default', 4: 'sio-wire', 5: 'sio-wire' };

const { values } = parseArgs({
  options: {
    rung: { type: 'string' },
    port: { type: 'string' },
    'room-size': { type: 'string', default: '16' },
    'tick-rate': { type: 'string', default: '20' },
  },
});
const rung = Number(values.rung);
const kind = TRANSPORT[rung];
if (!kind) {
  console.error(`--rung must be 1-5 (rung 6 is the real server), got ${values.rung}`);
  process.exit(2);
}
const tickRate = Number(values['tick-rate']);
const keyframeEvery = tickRate; // one keyframe a second, as the server's KEYFRAME_INTERVAL_S=1
const counters = newCounters();
const stream = rung <= 4 ? recordedStateBytes(tickRate, keyframeEvery) : [];
const createGame = (index: number): RoomGame =>
  rung <= 4
    ? new RecordedRoom(stream, counters, index * 37)
    : new ArenaRoom(`ladder-${index}`, 1 + index, tickRate, keyframeEvery, counters, Number(values['room-size']));

// Tick durations since the previous sample: the game work per room (rung 5) or just the
// broadcast (rungs 1-4), measured around the same call the real scheduler times.
let tickMs: number[] = [];
const scheduler = new TickScheduler({
  tickRate,
  clock: monotonicClock,
  onTick: ({ durationMs }) => {
    if (tickMs.length < 100_000) tickMs.push(durationMs);
  },
  onError: (error) => console.error(error),
});

const http = createServer();
const transport = attachTransport(kind, http, { roomSize: Number(values['room-size']), scheduler, createGame });
http.listen(Number(values.port), '127.0.0.1', () => {
  scheduler.start();
  console.log(JSON.stringify({ ready: true, rung, kind, pid: process.pid }));
});

const quantile = (xs: number[], q: number): number | null => {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};

createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim() !== 'sample') return;
  const ticks = tickMs;
  tickMs = [];
  console.log(
    JSON.stringify({
      ...counters,
      clients: transport.clients(),
      ticks: ticks.length,
      tickMsP50: quantile(ticks, 0.5),
      tickMsP99: quantile(ticks, 0.99),
      cpu: process.cpuUsage(),
      rssMB: process.memoryUsage.rss() / 2 ** 20,
    }),
  );
});

for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => process.exit(0));
