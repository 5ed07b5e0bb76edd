/**
 * The raw light bot (loadtest/raw/) against a real server process: it speaks WebSocket,
 * engine.io and socket.io itself, so everything the SDK would do for it has to hold here. Four
 * bots take seats through the lobby, and then:
 * - the server applies their inputs: keyframes acknowledge sequence numbers the bots sent
 *   (a bot whose frames the server could not read would never be acknowledged: `played` false);
 * - two write straight to their TCP handle (loadtest/internals/node-net.ts), two through
 *   `socket.write`: a frame lost or garbled on either path is an input never acknowledged, or a
 *   protocol error the server counts;
 * - three pace their inputs by the snapshots they read (one at the read, two half a tick
 *   after), one by the shared tick scheduler: every way about one input per tick reaches the server (a paced bot that wrote nothing on its reads
 *   would send only the scheduler's fallback, one every two ticks at most, and fail the count);
 * - they count every snapshot (about one per tick each) and answer engine.io's heartbeat, which
 *   the server sends every second here and would drop them for after another second unanswered;
 * - the clock round trip is answered, and the server counts no protocol error and no replayed input.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GAMES } from '../../shared/games/index.ts';
import { probeDirectWrites } from '../../loadtest/internals/node-net.ts';
import { RawBot } from '../../loadtest/raw/raw-bot.ts';
import { TickScheduler } from '../../loadtest/raw/tick-scheduler.ts';
import { RunStats } from '../../loadtest/run-stats.ts';
import { TimerQueue } from '../../loadtest/timer-queue.ts';
import { startServer, type ServerProcess } from '../support/server-process.ts';

const TICK_RATE = 20;
const now = (): number => performance.now();

describe('raw light bots against a real server', () => {
  let server: ServerProcess;

  beforeAll(async () => {
    server = await startServer({
      TICK_RATE: String(TICK_RATE),
      MAX_PLAYERS_PER_MATCH: '4',
      COUNTDOWN_MS: '0',
      MATCH_SEED: '1',
      PING_INTERVAL_MS: '1000',
      PING_TIMEOUT_MS: '1000',
    });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('join a match, get their inputs applied, count every snapshot and stay connected through heartbeats', async () => {
    const stats = new RunStats();
    const timers = new TimerQueue(now);
    const scheduler = new TickScheduler({ periodMs: 1000 / TICK_RATE, slices: 4, now, late: (ms) => stats.tickLateSample(ms), missed: (n) => stats.inputSkipped(n) });
    const readBuffer = Buffer.allocUnsafe(64 * 1024);
    const told: string[] = [];
    const directWrites = probeDirectWrites((line) => told.push(line));
    expect(told).toEqual([]);
    const bots = Array.from(
      { length: 4 },
      (_, i) =>
        new RawBot(
          {
            index: i,
            url: server.url,
            path: '/socket.io',
            nickname: `raw-${i}`,
            seed: i + 1,
            behaviour: 'play',
            mode: 'ffa',
            // Bot 0 decodes every snapshot (input→ack as a full client sees it), the others one keyframe in one.
            decodeAll: i === 0,
            keyframeEvery: 1,
            pingIntervalMs: 300,
            requestTimeoutMs: 5000,
            inputClock: (['snapshot', 'half-tick', 'timer', 'half-tick'] as const)[i]!,
          },
          { stats, timers, scheduler: () => scheduler, now, games: GAMES, readBuffer, directWrites: i % 2 === 0 ? directWrites : null },
        ),
    );
    for (const b of bots) b.start();
    try {
      const deadline = Date.now() + 15_000;
      while (!bots.every((b) => b.played) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(bots.map((b) => b.played)).toEqual([true, true, true, true]);
      stats.measuring = true;
      const inputsAtStart = bots.map((b) => b.inputsSent);
      // Past three heartbeats: a bot that did not answer engine.io's ping would be dropped in this window.
      await new Promise((r) => setTimeout(r, 3500));
      stats.measuring = false;
      const inputsAtEnd = bots.map((b) => b.inputsSent);
      expect(stats.errorsByKind).toEqual(new Map());
      expect(stats.disconnects).toBe(0);
      expect(bots.every((b) => b.connected && b.inMatch)).toBe(true);
      for (const b of bots) {
        // One snapshot per tick, counted from frame headers alone.
        expect(b.windowSnapshots / 3.5).toBeGreaterThan(TICK_RATE * 0.8);
        expect(b.windowSnapshots / 3.5).toBeLessThan(TICK_RATE * 1.2);
        expect(b.meter.framesIn).toBeGreaterThan(b.windowSnapshots);
        expect(b.meter.bytesOut).toBeGreaterThan(0);
      }
      for (const [i, b] of bots.entries()) expect((inputsAtEnd[i]! - inputsAtStart[i]!) / 3.5).toBeGreaterThan(TICK_RATE * 0.8);
      expect(stats.inputs / 4 / 3.5).toBeGreaterThan(TICK_RATE * 0.8);
      expect(stats.rtt.count).toBeGreaterThan(4 * 5);
      // Input→ack from every snapshot of bot 0 and each keyframe of the others.
      expect(stats.inputAck.count).toBeGreaterThan(TICK_RATE * 2);
      expect(stats.inputAck.quantile(0.5)).toBeLessThan(1000);
    } finally {
      for (const b of bots) b.stop();
      scheduler.stop();
      timers.stop();
    }
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).not.toMatch(/game_protocol_errors_total\{[^}]*\} [1-9]/);
    expect(metrics).not.toMatch(/game_inputs_dropped_total\{reason="replayed"\} [1-9]/);
  });
});
