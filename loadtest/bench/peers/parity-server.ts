/**
 * The real game server (server/app.ts, configured from the environment as server/main.ts is)
 * with the parity game (parity-game.ts) added to its games: the benchmark's own entry, so the
 * product's server/games.ts never lists a benchmark game.
 *
 *   PORT=P BOT_FILL=off … node --import tsx loadtest/bench/peers/parity-server.ts
 *
 * SIGTERM closes at once and exits normally (so --cpu-prof writes its profile).
 */
import { createGameServer } from '../../../server/app.ts';
import { loadConfig } from '../../../server/config.ts';
import { GAMES } from '../../../server/games.ts';
import { parity } from './parity-game.ts';

const config = loadConfig();
const server = createGameServer(config, { games: [parity, ...GAMES] });
const address = await server.listen();
console.log(JSON.stringify({ ready: true, port: address.port, pid: process.pid }));
const stop = (): void => void server.close().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
