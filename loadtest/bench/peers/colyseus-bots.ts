/**
 * Colyseus' own SDK (0.18) as the bots: `joinOrCreate('scenario', { roomIndex })` puts 16 bots in
 * each room, state is counted on `onStateChange`, and one `input` message is sent `--lead-ms`
 * after each state change (the server patches every 50 ms, so 20 inputs a second).
 *
 *   node --import tsx loadtest/bench/peers/colyseus-bots.ts --url http://127.0.0.1:P --bots 128 [--seed 1]
 */
import type { Socket } from 'node:net';
import { parseArgs } from 'node:util';
import { BotMeter, loopbackUrl } from './bot-meter.ts';
import { requirePeer } from './peer-packages.ts';
import { InputScript, ROOM_SIZE } from './scenario.ts';

const { values } = parseArgs({
  options: { url: { type: 'string' }, bots: { type: 'string', default: '128' }, seed: { type: 'string', default: '1' }, 'lead-ms': { type: 'string', default: '40' } },
});
const url = loopbackUrl(values.url);
const count = Number(values.bots);
const seed = Number(values.seed);
const leadMs = Number(values['lead-ms']);
if (!url || !(count > 0) || !Number.isInteger(seed)) {
  console.error('usage: colyseus-bots.ts --url http://127.0.0.1:PORT --bots N [--seed S] [--lead-ms 40] (loopback only)');
  process.exit(2);
}
const { Client } = requirePeer('@colyseus/sdk');
const meter = new BotMeter(count);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const rooms: any[] = [];

async function startBot(index: number): Promise<void> {
  const script = new InputScript(seed * 1000 + index);
  const client = new Client(url!.replace(/^http/, 'ws'));
  const room = await client.joinOrCreate('scenario', { roomIndex: Math.floor(index / ROOM_SIZE), name: `bot${index}` });
  rooms.push(room);
  meter.socket((room.connection?.transport?.ws as { _socket?: Socket } | undefined)?._socket);
  let timer: ReturnType<typeof setTimeout> | null = null;
  let owed = 0;
  const send = (): void => {
    timer = null;
    for (; owed > 0; owed--) {
      room.send('input', script.next());
      meter.inputs++;
    }
  };
  room.onStateChange(() => {
    meter.state(index);
    owed++;
    timer ??= setTimeout(send, leadMs);
  });
}

for (let i = 0; i < count; i++) {
  setTimeout(
    () =>
      startBot(i).catch((error: unknown) => {
        console.error(`bot ${i}: ${error instanceof Error ? error.message : String(error)}`);
        process.exit(1);
      }),
    i * 5,
  );
}
meter.serve(() => {
  for (const room of rooms) void room.leave(true).catch(() => {});
});
