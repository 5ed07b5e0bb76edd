/**
 * One 16-player Arena match tick, timed against its budget (at most 0.15 ms p50 per 16-player
 * match: sim, history, encode, fan-out):
 *
 *   node --import tsx loadtest/bench/tick.bench.ts [--ticks 4000] [--tick-rate 20]
 *   (pin it as the ladder does: taskset -c 0 node --import tsx loadtest/bench/tick.bench.ts)
 *
 * The game work is the ladder's rung 5 (`ArenaRoom`: the server's MatchRunner with the Arena
 * game, input queues, `step` with lag-compensation history, snapshot build and encode), fed 16
 * real 14-byte inputs a tick (moving, turning, firing). The fan-out writes the snapshot as the
 * server's direct path does (server/net/engine-direct.ts: one WebSocket frame built once, one
 * `write` per member) to 16 loopback TCP sockets that a second process drains, so the kernel's
 * per-socket cost is in the figure. Runs the ticks back to back (not on the 50 ms grid: the
 * figure is CPU per tick; the scheduler's own lateness is the load test's), after a warm-up.
 * Prints p50 / p90 / p99 in ms for the game work alone and for game work + fan-out.
 */
import { fork } from 'node:child_process';
import { createServer, connect, type Socket } from 'node:net';
import { parseArgs } from 'node:util';
import { encodeInput } from '../../shared/games/arena/input-codec.ts';
import { Button, DIRECTION_BUTTONS } from '../../shared/games/arena/sim/index.ts';
import { wireParser } from '../../shared/protocol/wire.ts';
import { binaryFrame } from '../../server/net/engine-direct.ts';
import { ArenaRoom, newCounters } from './ladder/room-game.ts';

if (process.argv[2] === '--drain') {
  // The readers: connect 16 sockets and discard what arrives.
  const port = Number(process.argv[3]);
  for (let i = 0; i < 16; i++) connect(port, '127.0.0.1').on('data', () => {});
  process.on('message', () => process.exit(0));
} else {
  await main();
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { ticks: { type: 'string', default: '4000' }, 'tick-rate': { type: 'string', default: '20' } } });
  const ticks = Number(values.ticks);
  const tickRate = Number(values['tick-rate']);
  const intervalMs = 1000 / tickRate;

  const sockets: Socket[] = [];
  const server = createServer((s) => sockets.push(s.setNoDelay(true)));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const drain = fork(new URL(import.meta.url).pathname, ['--drain', String((server.address() as { port: number }).port)], { execArgv: ['--import', 'tsx'] });
  while (sockets.length < 16) await new Promise((r) => setTimeout(r, 10));

  const room = new ArenaRoom('bench', 1, tickRate, tickRate, newCounters());
  for (let i = 0; i < 16; i++) room.seat();
  const prefix = wireParser.eventPrefix('/match', 'snapshot')!;
  const seq = new Array<number>(16).fill(0);
  const heading = new Array<number>(16).fill(0);

  const run = (count: number, fanout: boolean, out: number[] | null, t0: number): number => {
    let t = t0;
    for (let k = 0; k < count; k++) {
      // Inputs arrive between ticks: outside the timed part, as on the server.
      for (let slot = 0; slot < 16; slot++) {
        if ((t + slot * 7) % tickRate === 0) heading[slot] = DIRECTION_BUTTONS[(slot + t) % DIRECTION_BUTTONS.length]!;
        seq[slot]! += 1;
        room.input(slot, encodeInput({ seq: seq[slot]!, buttons: heading[slot]! | Button.Fire, aim: ((t + slot) % 64) / 10, clientTick: Math.max(0, t - 2) }));
      }
      const start = performance.now();
      const bytes = room.tick(Math.round(t * intervalMs));
      if (fanout && bytes) {
        const frame = binaryFrame(prefix, bytes);
        for (const s of sockets) s.write(frame);
      }
      const took = performance.now() - start;
      out?.push(took);
      t++;
    }
    return t;
  };

  const game: number[] = [];
  const withFanout: number[] = [];
  let t = run(Math.min(2000, ticks), true, null, 0); // warm-up: JIT, projectiles in flight
  // Alternate blocks so a noisy second hits both figures.
  for (let block = 0; block < 10; block++) {
    t = run(ticks / 20, false, game, t);
    t = run(ticks / 20, true, withFanout, t);
    // Let the readers catch up so socket buffers do not grow (no back-pressure in the figure).
    await new Promise((r) => setTimeout(r, 20));
  }
  const pct = (xs: number[], p: number): string => {
    const s = [...xs].sort((a, b) => a - b);
    return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!.toFixed(3);
  };
  console.log(`16-player Arena tick, ${tickRate} Hz grid, ${game.length} + ${withFanout.length} ticks after warm-up (ms):`);
  console.log(`  game work (inputs applied, step + lag-comp history, snapshot, encode): p50 ${pct(game, 50)}  p90 ${pct(game, 90)}  p99 ${pct(game, 99)}`);
  console.log(`  + fan-out (frame once, 16 socket writes):                           p50 ${pct(withFanout, 50)}  p90 ${pct(withFanout, 90)}  p99 ${pct(withFanout, 99)}`);
  drain.send('stop');
  for (const s of sockets) s.destroy();
  server.close();
}
