/**
 * The raw `ws` floor's bots, all in one process: one `ws` connection each, one 14-byte input per
 * state received, sent `--lead-ms` after it (10 ms before the room's next tick). States that
 * arrive while a send is pending (a bot process the machine kept waiting) are each still
 * answered, so the server gets the scenario's input rate whatever the bots' core does.
 *
 *   node --import tsx loadtest/bench/peers/ws-bots.ts --url http://127.0.0.1:P --bots 128 [--seed 1]
 */
import type { Socket } from 'node:net';
import { WebSocket } from 'ws';
import { WS_PATH } from '../ladder/transports.ts';
import { BotMeter, parseBotArgs, startBots } from './bot-meter.ts';
import { encodeFloorInput, floorStateTick } from './floor-wire.ts';
import { InputScript } from './scenario.ts';

const { url, count, seed, leadMs } = parseBotArgs('ws-bots.ts');
const meter = new BotMeter(count);
const sockets: WebSocket[] = [];

function startBot(index: number): void {
  const script = new InputScript(seed * 1000 + index);
  const ws = new WebSocket(`${url!.replace(/^http/, 'ws')}${WS_PATH}`);
  sockets.push(ws);
  let seq = 0;
  let tick = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let owed = 0;
  const send = (): void => {
    timer = null;
    for (; owed > 0; owed--) {
      seq++;
      ws.send(encodeFloorInput(seq, script.next(), tick));
      meter.inputs++;
    }
  };
  ws.on('open', () => meter.socket((ws as unknown as { _socket?: Socket })._socket));
  ws.on('message', (data, isBinary) => {
    const t = isBinary ? floorStateTick(data as Buffer) : null;
    if (t === null) {
      meter.badStates++;
      return;
    }
    tick = t;
    meter.state(index);
    owed++;
    timer ??= setTimeout(send, leadMs);
  });
}

for (let i = 0; i < count; i++) setTimeout(() => startBot(i), i * 2);
meter.serve(() => {
  for (const ws of sockets) ws.close();
});
