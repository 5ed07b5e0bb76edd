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
// second one closes at once.
let signals = 0;
const stop = async (signal: string): Promise<void> => {
  signals += 1;
  server.log.info({ signal, drain: signals === 1 }, 'shutting down');
  if (signals === 1) await server.drain(config.drainTimeoutMs);
  await server.close();
  process.exit(0);
};
process.on('SIGTERM', () => void stop('SIGTERM'));
process.on('SIGINT', () => void stop('SIGINT'));
