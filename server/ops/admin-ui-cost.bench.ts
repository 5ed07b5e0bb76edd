/**
 * What the Admin UI costs a match: the time to broadcast a binary snapshot to a room of 16
 * sockets, without the UI, with it in production mode (the default) and in development mode
 * (which forwards every packet to the admin namespace), no admin connected. Also the event-loop
 * stall of one bcrypt check (cost 10) on the main thread against the worker of password-check.ts.
 *
 *   node --import tsx server/ops/admin-ui-cost.bench.ts
 *
 * Prints figures; asserts nothing (the machine may be busy).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import bcrypt from 'bcryptjs';
import { pino } from 'pino';
import { Server } from 'socket.io';
import { io as connect, type Socket } from 'socket.io-client';
import { wireParser } from '../../shared/protocol/wire.ts';
import { createMetrics } from '../metrics.ts';
import { installAdminUi } from './admin-ui.ts';
import { createPasswordChecker } from './password-check.ts';

const SOCKETS = 16;
const BROADCASTS = 1000;
const HASH = bcrypt.hashSync('pw', 10);

interface Rig {
  broadcast(n: number): number;
  close(): Promise<void>;
}

async function rig(mode: 'none' | 'production' | 'development'): Promise<Rig> {
  const http = createServer();
  const io = new Server(http, { parser: wireParser, serveClient: false });
  const admin =
    mode === 'none'
      ? null
      : installAdminUi(io, {
          config: { user: 'ops', passwordHash: HASH, readonly: true, mode },
          nodeId: 'bench',
          metrics: createMetrics(),
          log: pino({ level: 'silent' }),
          redis: null,
        });
  io.of('/match').on('connection', (s) => void s.join('room'));
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/match`;
  const clients: Socket[] = [];
  for (let i = 0; i < SOCKETS; i++) {
    const c = connect(url, { parser: wireParser, transports: ['websocket'], forceNew: true });
    await new Promise((r) => c.once('connect', () => r(undefined)));
    clients.push(c);
  }
  while (io.of('/match').adapter.rooms.get('room')?.size !== SOCKETS) await new Promise((r) => setTimeout(r, 10));
  const snapshot = new Uint8Array(120).fill(7);
  const nsp = io.of('/match');
  return {
    /** Microseconds per broadcast (the synchronous part: encode, per-socket hooks, socket writes). */
    broadcast: (n) => {
      const t0 = performance.now();
      for (let i = 0; i < n; i++) nsp.to('room').emit('s', snapshot);
      return ((performance.now() - t0) * 1000) / n;
    },
    close: async () => {
      for (const c of clients) c.close();
      await new Promise<void>((r) => io.close(() => r()));
      await admin?.close();
    },
  };
}

async function loopStall(run: () => Promise<unknown>): Promise<number> {
  let last = performance.now();
  let worst = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    worst = Math.max(worst, now - last);
    last = now;
  }, 1);
  await run();
  // A stall is measured by the first timer that fires after it: give it the chance.
  await new Promise((r) => setTimeout(r, 20));
  clearInterval(timer);
  return worst;
}

const modes = ['none', 'production', 'development'] as const;
const rigs = await Promise.all(modes.map((m) => rig(m)));
const samples: number[][] = modes.map(() => []);
// Rounds interleave the three, so a busy moment of the machine hits them alike; medians shown.
for (let round = 0; round < 9; round++) {
  for (const [i, r] of rigs.entries()) {
    samples[i]!.push(r.broadcast(BROADCASTS));
    await new Promise((done) => setTimeout(done, 20)); // let the sockets drain
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
for (const [i, mode] of modes.entries()) {
  console.log(`admin UI ${mode.padEnd(11)}: ${median(samples[i]!.slice(1)).toFixed(1)} us per snapshot broadcast to ${SOCKETS} sockets (median of 8 rounds of ${BROADCASTS})`);
}
for (const r of rigs) await r.close();
const checker = createPasswordChecker();
await checker.check('warm', HASH);
console.log(`bcrypt cost 10, main thread (bcryptjs async): worst event-loop gap ${(await loopStall(() => bcrypt.compare('x', HASH))).toFixed(1)} ms`);
console.log(`bcrypt cost 10, worker (password-check.ts):    worst event-loop gap ${(await loopStall(() => checker.check('x', HASH))).toFixed(1)} ms`);
await checker.close();
process.exit(0);
