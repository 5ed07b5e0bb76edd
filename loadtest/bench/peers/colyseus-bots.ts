/**
 * Colyseus' own SDK (0.18) as the bots: `joinOrCreate('scenario', { roomIndex })` puts 16 bots in
 * each room, state is counted on `onStateChange`, and one `input` message is sent `--lead-ms`
 * after each state change (the server patches every 50 ms, so 20 inputs a second).
 *
 *   node --import tsx loadtest/bench/peers/colyseus-bots.ts --url http://127.0.0.1:P --bots 128 [--seed 1]
 */
import type { Socket } from 'node:net';
import { BotMeter, parseBotArgs, startBots } from './bot-meter.ts';
import { requirePeer } from './peer-packages.ts';
import { InputScript, ROOM_SIZE } from './scenario.ts';

const { url, count, seed, leadMs } = parseBotArgs('colyseus-bots.ts');
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

startBots(count, 5, startBot);
meter.serve(() => {
  for (const room of rooms) void room.leave(true).catch(() => {});
});
