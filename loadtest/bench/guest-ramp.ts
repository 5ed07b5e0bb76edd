/**
 * Guest creation and the lobby handshake under a ramp, without play: every `1000 / rate` ms a new
 * player asks POST /api/guest, opens its one socket.io connection (WebSocket) and waits for its
 * lobby session, then holds the connection until the end, as a bot does before it queues.
 *
 *   node --import tsx loadtest/bench/guest-ramp.ts --url http://127.0.0.1:PORT [--rate 100] [--seconds 20] [--timeout-ms 5000]
 *
 * Prints one JSON line: players asked and connected, every failure by code with its first
 * messages (fetch failures carry their cause: ECONNRESET, "other side closed"…), and the time to
 * a guest token and to a lobby session (p50/p99/max ms), plus this process's own event-loop
 * delay p99 (a late timer here reads as a slow server). Loopback only.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { getGuestToken } from '../../shared/client/auth.ts';
import { PlayerClient } from '../../shared/client/player-client.ts';
import { GAMES } from '../../shared/games/index.ts';

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    rate: { type: 'string', default: '100' },
    seconds: { type: 'string', default: '20' },
    'timeout-ms': { type: 'string', default: '5000' },
  },
});
const url = values.url ?? '';
const rate = Number(values.rate);
const seconds = Number(values.seconds);
const timeoutMs = Number(values['timeout-ms']);
if (!/^http:\/\/(127\.0\.0\.1|localhost|\[::1\]):\d+$/.test(url) || !(rate > 0 && rate <= 1000) || !(seconds > 0 && seconds <= 600) || !(timeoutMs > 0)) {
  console.error('usage: guest-ramp.ts --url http://127.0.0.1:PORT [--rate 1-1000] [--seconds 1-600] [--timeout-ms N] (loopback only)');
  process.exit(2);
}

function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! * 10) / 10;
}

const failures = new Map<string, { count: number; messages: Set<string> }>();
const fail = (code: string, message: string): void => {
  const f = failures.get(code) ?? { count: 0, messages: new Set<string>() };
  f.count++;
  if (f.messages.size < 5) f.messages.add(message);
  failures.set(code, f);
};
const tokenMs: number[] = [];
const sessionMs: number[] = [];
const clients: PlayerClient[] = [];
const loop = monitorEventLoopDelay({ resolution: 10 });
loop.enable();

async function player(i: number): Promise<void> {
  const t0 = performance.now();
  const guest = await getGuestToken(url, `ramp-${i}`, { timeoutMs });
  if (!guest.ok) return fail(`guest:${guest.code}`, guest.message);
  tokenMs.push(performance.now() - t0);
  const { ok: _ok, ...session } = guest;
  const opened = await PlayerClient.resume(
    { url, nickname: session.nickname, games: GAMES, timeoutMs, decode: false, autoRejoin: false, transports: ['websocket'], connection: { reconnection: false, timeout: timeoutMs } },
    session,
  );
  if (!opened.ok) return fail(`connect:${opened.code}`, opened.message);
  sessionMs.push(performance.now() - t0);
  clients.push(opened.value);
}

const total = Math.round(rate * seconds);
const started = performance.now();
const pending: Promise<void>[] = [];
for (let i = 0; i < total; i++) {
  const due = started + (i * 1000) / rate;
  const wait = due - performance.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  pending.push(player(i));
}
await Promise.all(pending);
loop.disable();
tokenMs.sort((a, b) => a - b);
sessionMs.sort((a, b) => a - b);
console.log(
  JSON.stringify({
    asked: total,
    connected: clients.length,
    failures: Object.fromEntries([...failures].map(([code, f]) => [code, { count: f.count, messages: [...f.messages] }])),
    tokenMs: { p50: percentile(tokenMs, 50), p99: percentile(tokenMs, 99), max: percentile(tokenMs, 100) },
    sessionMs: { p50: percentile(sessionMs, 50), p99: percentile(sessionMs, 99), max: percentile(sessionMs, 100) },
    rampSeconds: Math.round((performance.now() - started) / 100) / 10,
    ownLoopDelayP99Ms: Math.round(loop.percentile(99) / 1e5) / 10,
  }),
);
for (const c of clients) c.close();
process.exit(0);
