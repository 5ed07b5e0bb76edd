/**
 * The parity game's bots, all in one process: each is the project's client SDK (PlayerClient over
 * socket.io-client, WebSocket only) as a player would use it: a guest token, the lobby, quick
 * play in `parity-16`, then one input per snapshot, sent `--lead-ms` after it (10 ms before the
 * room's next tick), with the scenario's seeded commands; snapshots that arrive while a send is
 * pending are each still answered, as the ws floor's bots do. Snapshots are counted, not decoded.
 *
 *   node --import tsx loadtest/bench/peers/parity-bots.ts --url http://127.0.0.1:P --bots 128 [--seed 1]
 */
import type { Socket } from 'node:net';
import { PlayerClient } from '../../../shared/client/player-client.ts';
import { BotMeter, parseBotArgs, startBots } from './bot-meter.ts';
import type { ParityInput, ParitySnapshot } from './parity-codec.ts';
import { parity, PARITY_MODE } from './parity-game.ts';
import { peekParitySnapshot } from './parity-codec.ts';
import { InputScript } from './scenario.ts';

const { url, count, seed, leadMs } = parseBotArgs('parity-bots.ts');
const meter = new BotMeter(count);
const clients: PlayerClient<ParitySnapshot, ParityInput>[] = [];

async function startBot(index: number): Promise<void> {
  const script = new InputScript(seed * 1000 + index);
  let tick = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let client: PlayerClient<ParitySnapshot, ParityInput> | null = null;
  let owed = 0;
  const send = (): void => {
    timer = null;
    for (; owed > 0; owed--) if (client?.match.sendInput({ ...script.next(), clientTick: tick }) != null) meter.inputs++;
  };
  const opened = await PlayerClient.connect<ParitySnapshot, ParityInput>({
    url: url!,
    nickname: `bot${index}`,
    games: [parity],
    // A generous answer time: 128 guests join at once on a server sharing its core.
    timeoutMs: 15_000,
    transports: ['websocket'],
    decode: false,
    autoRejoin: false,
    connection: { reconnection: false },
    match: {
      rawSnapshot: (bytes) => {
        const head = peekParitySnapshot(bytes);
        if (!head.ok) {
          meter.badStates++;
          return;
        }
        tick = head.value.tick ?? tick + 1;
        meter.state(index);
        owed++;
        timer ??= setTimeout(send, leadMs);
      },
    },
  });
  if (!opened.ok) throw new Error(`could not join the lobby: ${opened.code} ${opened.message}`);
  client = opened.value;
  clients.push(client);
  meter.socket((client.manager.engine as unknown as { transport?: { ws?: { _socket?: Socket } } }).transport?.ws?._socket);
  const entered = await client.enter({ kind: 'quickplay', mode: PARITY_MODE, queueTimeoutMs: 60_000 });
  if (!entered.ok) {
    client.close();
    clients.splice(clients.indexOf(client), 1);
    throw new Error(`could not enter a match: ${entered.code} ${entered.message}`);
  }
}

/** A bot that could not get in (a timeout while 128 join at once) tries again, a few times. */
async function startWithRetries(index: number): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startBot(index);
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      if (attempt >= ATTEMPTS) throw new Error(`${why} (attempt ${attempt} of ${ATTEMPTS})`);
      console.error(`bot ${index}: ${why}; trying again`);
      await new Promise((resolve) => setTimeout(resolve, 1000 + Math.random() * 1000));
    }
  }
}

const ATTEMPTS = 4;
startBots(count, 20, startWithRetries);
meter.serve(() => {
  for (const c of clients) c.close();
});
