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

let stopping = false;
const stop = async (signal: string): Promise<void> => {
  if (stopping) return;
  stopping = true;
  server.log.info({ signal }, 'shutting down');
  await server.close();
  process.exit(0);
};
process.on('SIGTERM', () => void stop('SIGTERM'));
process.on('SIGINT', () => void stop('SIGINT'));
