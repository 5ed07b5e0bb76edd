/**
 * The front on its own, in front of nodes started some other way:
 *
 *   node --import tsx scripts/front-proxy.ts --nodes http://127.0.0.1:3001,http://127.0.0.1:3002 [--port 3000] [--host 127.0.0.1]
 *
 * `npm run cluster` runs the same front in its own process (scripts/front/proxy.ts explains the
 * routing). Ctrl-C or SIGTERM closes it.
 */
import { parseArgs } from 'node:util';
import { startFront, STATUS_PATH } from './front/proxy.ts';

const USAGE = `Usage: node --import tsx scripts/front-proxy.ts --nodes URL[,URL…] [--port P] [--host H]

  --nodes URL[,URL…]   game node base URLs, e.g. http://127.0.0.1:3001 (required)
  --port P             port to listen on (default 3000; 0: any free port)
  --host H             address to listen on (default 127.0.0.1)
  -h, --help           this text`;

function fail(message: string): never {
  console.error(`front: ${message}\n\n${USAGE}`);
  process.exit(2);
}

let values;
try {
  ({ values } = parseArgs({
    options: { nodes: { type: 'string' }, port: { type: 'string' }, host: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    strict: true,
    allowPositionals: false,
  }));
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
}
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
if (!values.nodes) fail('--nodes is required');
const port = Number(values.port ?? 3000);
if (!Number.isInteger(port) || port < 0 || port > 65_535) fail(`--port ${JSON.stringify(values.port)}: expected 0 to 65535`);

const front = await startFront({
  nodes: values.nodes.split(',').map((u) => u.trim()).filter(Boolean),
  port,
  host: values.host ?? '127.0.0.1',
  log: (line) => console.log(`front: ${line}`),
}).catch((error: unknown) => fail(error instanceof Error ? error.message : String(error)));

console.log(`front: listening on ${front.url} (status: ${front.url}${STATUS_PATH})`);
for (const n of front.status().nodes) console.log(`front: ${n.url} ${n.state}${n.lastError ? ` (${n.lastError})` : ''}`);

const stop = (): void => {
  void front.close().then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
