/**
 * What the long-polling fallback costs a player, beside a WebSocket player in the same match:
 * bytes per second each way on the wire (read off a TCP proxy in front of each player, so HTTP
 * headers, base64 and WebSocket framing are all counted), HTTP requests per second, and the gaps
 * between snapshot arrivals. One real server process (TICK_RATE=20), one Arena quick-play match
 * of `--players` seats (two humans, the rest server bots); both players send one input per tick.
 *
 *   node --import tsx loadtest/bench/polling.bench.ts [--seconds 30] [--players 8]
 */
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { MatchPhase } from '../../shared/games/arena/snapshot.ts';
import { startMeteredProxy, type MeteredProxy } from '../../test/support/metered-proxy.ts';
import { percentile, pollingPlayer, snapshotGaps, type PollingPlayer } from '../../test/support/polling-player.ts';
import { startServer } from '../../test/support/server-process.ts';
import { sleep, waitFor } from '../../test/support/wait.ts';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '30' }, players: { type: 'string', default: '8' } } });
const seconds = Number(values.seconds);
const seats = Number(values.players);
if (!(seconds > 0) || !(seats >= 2 && seats <= 16)) throw new Error('--seconds > 0, --players 2..16');

const server = await startServer({
  TICK_RATE: '20',
  QUEUE_MIN_PLAYERS: String(seats),
  QUEUE_MAX_PLAYERS: String(seats),
  QUEUE_WAIT_MS: '500',
  BOT_FILL: 'on',
  COUNTDOWN_MS: '500',
});

interface Measured {
  name: string;
  proxy: MeteredProxy;
  player: PollingPlayer;
}
const measured: Measured[] = [];
try {
  for (const [name, transports] of [
    ['polling', ['polling']],
    ['websocket', ['websocket']],
  ] as const) {
    const proxy = await startMeteredProxy(server.port);
    measured.push({ name, proxy, player: await pollingPlayer(proxy.url, name, { transports: [...transports] }) });
  }
  const infos = await Promise.all(measured.map((m) => m.player.play('ffa', 20_000)));
  if (infos[0]!.matchId !== infos[1]!.matchId) throw new Error('the two players were placed in different matches');
  for (const m of measured) await waitFor(() => m.player.snapshots.at(-1)?.snapshot.phase === MatchPhase.Playing, 'play', 20_000);
  await sleep(2000); // warm-up: clock sync settles, the input loop finds the grid

  const start = measured.map((m) => ({ up: m.proxy.up, down: m.proxy.down, requests: m.proxy.requests, snaps: m.player.snapshots.length, acked: m.player.acked(), at: performance.now() }));
  await sleep(seconds * 1000);
  const rows = measured.map((m, i) => {
    const s = start[i]!;
    const elapsed = (performance.now() - s.at) / 1000;
    const window = m.player.snapshots.slice(s.snaps);
    const gaps = snapshotGaps(window.map((w) => w.at));
    const payload = window.reduce((n, w) => n + w.bytes, 0);
    const ended = window.some((w) => w.snapshot.phase !== MatchPhase.Playing);
    return {
      transport: m.name + (m.player.client.manager.engine.transport.name !== m.name ? ` (now ${m.player.client.manager.engine.transport.name})` : ''),
      'down B/s': Math.round((m.proxy.down - s.down) / elapsed),
      'up B/s': Math.round((m.proxy.up - s.up) / elapsed),
      'HTTP req/s': +((m.proxy.requests - s.requests) / elapsed).toFixed(1),
      'snapshots/s': +(window.length / elapsed).toFixed(1),
      'snapshot payload B/s': Math.round(payload / elapsed),
      'inputs acked/s': +((m.player.acked() - s.acked) / elapsed).toFixed(1),
      'gap p50 ms': +percentile(gaps, 50).toFixed(1),
      'gap p99 ms': +percentile(gaps, 99).toFixed(1),
      'gap max ms': +(gaps.at(-1) ?? NaN).toFixed(1),
      ...(ended && { note: 'match left playing during the window' }),
    };
  });
  console.log(`polling fallback: ${seats}-seat Arena match at 20 Hz (2 humans + ${seats - 2} bots), ${seconds} s measured after 2 s warm-up`);
  console.log(`machine: ${cpus().length} x ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}, ${new Date().toISOString()}`);
  console.table(rows);
} finally {
  for (const m of measured) {
    m.player.close();
    await m.proxy.close();
  }
  await server.stop();
}
