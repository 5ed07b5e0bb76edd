/** `npm start`: one game server node. Configuration comes from the environment (README). */
import { createGameServer } from './app.ts';
import { ConfigError, loadConfig } from './config.ts';

let config;
try {
  config = loadConfig();
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}

const server = createGameServer(config);
const address = await server.listen();
server.log.info({ host: address.address, port: address.port, tickRate: config.tickRate }, 'game server listening');

// First SIGTERM/SIGINT drains (running matches may finish, DRAIN_TIMEOUT_MS at most); a
// second one closes at once. Closing waits on the node's Redis connections, whose commands wait
// through an outage: with Redis gone (an operator's stop of the whole stack, a cluster script
// killed with -9) it would never end, so the process exits after a bound either way.
const CLOSE_TIMEOUT_MS = 5_000;
const CLOSE_AT_ONCE_MS = 1_000;
let signals = 0;
const stop = async (signal: string): Promise<void> => {
  signals += 1;
  const draining = signals === 1;
  server.log.info({ signal, drain: draining }, 'shutting down');
  if (draining) await server.drain(config.drainTimeoutMs);
  const limitMs = draining ? CLOSE_TIMEOUT_MS : CLOSE_AT_ONCE_MS;
  let timer: NodeJS.Timeout | undefined;
  const closed = await Promise.race([server.close().then(() => true), new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), limitMs)))]);
  clearTimeout(timer);
  if (!closed) server.log.warn({ signal, limitMs }, 'closing did not finish in time (its Redis unreachable?): exiting anyway');
  process.exit(0);
};
process.on('SIGTERM', () => void stop('SIGTERM'));
process.on('SIGINT', () => void stop('SIGINT'));
