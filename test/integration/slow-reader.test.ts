/**
 * The slow reader: a player in a match whose client stops reading for 10 s, through a
 * proxy that stops reading from the server (test/support/fuzz/stall-proxy.ts), while eight bots
 * play on. The server must not buffer its snapshots without limit, and when the client reads
 * again it must decode snapshots again from a keyframe, its delta chain unbroken.
 *
 * Over WebSocket the kernel's socket buffers (the server's send buffer, the proxy's receive
 * buffer: some hundreds of KB on loopback) absorb a match's snapshots for far longer than 10 s, so
 * the server itself holds nothing; the whole backlog arrives in one burst, in order. Over HTTP
 * long-polling the backlog stays in the server (engine.io's write buffer, until the next GET),
 * and the fan-out's slow-reader check (room-transport.ts: more than 32 packets waiting) takes the
 * client off the shared delta stream, so the server holds at most ~32 snapshots for it, and sends
 * it a personal keyframe once its buffer drained. Without that check the server would hold all
 * 200 snapshots of the 10 s, and the test's bound on the backlog would fail.
 * The two transports stall at the same time, each through its own proxy, in the one match: the
 * bots' window covers both, and neither stall is the other's baseline (each takes its RSS
 * baseline before its own pause, and both pauses start within a second of each other).
 * SLOW_READER_TRACE=1 prints the snapshots after the resume (K keyframe, d delta, tick@ms).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PlayerClient } from '../../shared/client/player-client.ts';
import type { ArenaInput, ArenaSetup } from '../../shared/games/arena/index.ts';
import type { Snapshot } from '../../shared/games/arena/snapshot.ts';
import { GAMES } from '../../shared/games/index.ts';
import { authenticate } from '../support/fuzz/frame-fuzzer.ts';
import { rssKiB, startHonestBots, type HonestRun } from '../support/fuzz/honest.ts';
import { openPolling, openWebSocket } from '../support/fuzz/raw-client.ts';
import { startStallProxy, type StallProxy } from '../support/fuzz/stall-proxy.ts';
import { guest } from '../support/lobby.ts';
import { startServer, type ServerProcess } from '../support/server-process.ts';
import { sleep, waitFor } from '../support/wait.ts';

const TICK_RATE = 20;
const PAUSE_MS = 10_000;
const HONEST_BOTS = 8;

interface Arrival {
  at: number;
  bytes: number;
  key: boolean;
  decoded: boolean;
  tick: number | null;
}

/** The envelope's kind bit (shared/protocol/snapshot-envelope.ts): 0 keyframe, 1 delta. */
const isKeyframe = (bytes: Uint8Array): boolean => (bytes[1]! & 0x80) === 0;

async function counter(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return text
    .split('\n')
    .filter((l) => l.startsWith(name))
    .reduce((n, l) => n + Number(l.split(' ').at(-1)), 0);
}

/** A player through the proxy, in the bots' match, recording every snapshot as it arrives. */
async function slowPlayer(proxyUrl: string, transports: ('polling' | 'websocket')[], matchId: string) {
  const arrivals: Arrival[] = [];
  const errors: string[] = [];
  const disconnects: string[] = [];
  let pending: Omit<Arrival, 'decoded' | 'tick'> | null = null;
  const flush = (decoded: boolean, tick: number | null): void => {
    if (pending) arrivals.push({ ...pending, decoded, tick });
    pending = null;
  };
  const res = await PlayerClient.connect<Snapshot, ArenaInput, ArenaSetup>({
    url: proxyUrl,
    nickname: `slow-${transports[0]}`,
    games: GAMES,
    connection: { reconnection: false, transports },
    autoRejoin: false,
    match: {
      // rawSnapshot comes first; snapshot follows only if it decoded.
      rawSnapshot: (bytes) => {
        flush(false, null);
        pending = { at: performance.now(), bytes: bytes.length, key: isKeyframe(bytes) };
      },
      snapshot: (s) => flush(true, s.tick),
      protocolError: (e) => errors.push(e.code),
      disconnect: (r) => disconnects.push(r),
    },
    lobby: { protocolError: (e) => errors.push(e.code) },
  });
  if (!res.ok) throw new Error(`slow player: ${res.code} ${res.message}`);
  const client = res.value;
  const joined = await client.enter({ kind: 'listed', matchId });
  if (!joined.ok) throw new Error(`join the bots' match: ${joined.code} ${joined.message}`);
  return { client, arrivals, errors, disconnects };
}

describe('a client that stops reading for 10 s', () => {
  let server: ServerProcess;
  let honest: HonestRun;
  const proxies = new Map<'websocket' | 'polling', StallProxy>();
  let matchId: string;
  const figures: string[] = [];

  beforeAll(async () => {
    // RSS is judged against the process's own baseline (startServer's throughTsx).
    server = await startServer({ TICK_RATE: String(TICK_RATE), GUEST_PER_MINUTE: '100000', COUNTDOWN_MS: '0', QUEUE_WAIT_MS: '1000' }, { throughTsx: true });
    for (const t of ['websocket', 'polling'] as const) proxies.set(t, await startStallProxy(server.port));
    // Measured from the end of warm-up until both stalls are over (`finish` below): 60 s at most.
    honest = startHonestBots(server.url, { bots: HONEST_BOTS, rampUpS: 1, warmupS: 3, durationS: 60 });
    // The bots' public match, once it plays.
    const observer = await PlayerClient.connect({ url: server.url, nickname: 'observer', games: GAMES, connection: { reconnection: false } });
    if (!observer.ok) throw new Error('observer');
    await observer.value.lobby.subscribeList();
    matchId = await waitFor(() => [...observer.value.lobby.matches.values()].find((m) => m.humans >= HONEST_BOTS && m.state === 'playing')?.matchId, 'the bots to play', 20_000);
    observer.value.close();
  });
  afterAll(async () => {
    honest?.kill();
    console.log(figures.join('\n'));
    for (const p of proxies.values()) await p.close();
    await server?.stop();
  });

  for (const transport of ['websocket', 'polling'] as const) {
    it.concurrent(`over ${transport}: the server holds a bounded backlog, and the client recovers from a keyframe`, { timeout: 60_000 }, async ({ expect }) => {
      const pid = server.child.pid!;
      const proxy = proxies.get(transport)!;
      const slow = await slowPlayer(proxy.url, [transport], matchId);
      try {
        await waitFor(() => slow.arrivals.filter((a) => a.decoded).length >= 40, 'snapshots before the pause', 15_000);
        // RSS moves by ~10 % on its own as V8 grows and returns heap: the baseline is the highest
        // of the 2 s before the pause, so the bound compares peaks with peaks.
        let rssBefore = 0;
        for (let i = 0; i < 8; i++, await sleep(250)) rssBefore = Math.max(rssBefore, rssKiB(pid));
        const skipsBefore = await counter(server.url, 'game_slow_consumer_skips_total');
        const bytesBefore = proxy.bytesFromServer;

        proxy.stall();
        const stalledAt = performance.now();
        let rssPeak = rssBefore;
        while (performance.now() - stalledAt < PAUSE_MS) {
          await sleep(250);
          rssPeak = Math.max(rssPeak, rssKiB(pid));
        }
        const bytesDuringPause = proxy.bytesFromServer - bytesBefore;
        const arrivedBeforeResume = slow.arrivals.length;
        proxy.resume();
        const resumedAt = performance.now();
        // Until a second of play has arrived from the first keyframe after the resume (what the
        // checks below need), 3 s at most.
        const recovered = (): boolean => {
          const since = slow.arrivals.slice(arrivedBeforeResume);
          const key = since.findIndex((a) => a.key);
          return key >= 0 && since.length - key > TICK_RATE + 5;
        };
        while (!recovered() && performance.now() - resumedAt < 3_000) await sleep(50);
        const skipsAfter = await counter(server.url, 'game_slow_consumer_skips_total');

        const after = slow.arrivals.slice(arrivedBeforeResume);
        // The burst: what had piled up for this client, arriving at once when it reads again
        // (the live stream comes one snapshot per tick, 50 ms apart).
        const burst = after.filter((a) => a.at - resumedAt < 100);
        const burstBytes = burst.reduce((n, a) => n + a.bytes, 0);
        // Where the server skipped this client: a keyframe ahead of the tick before it (the
        // personal keyframe); what came before it is the backlog the server held.
        const jump = after.findIndex((a, i) => i > 0 && a.key && a.tick !== null && a.tick > after[i - 1]!.tick! + 1);
        const firstKey = after.findIndex((a) => a.key);
        const fromKey = firstKey < 0 ? [] : after.slice(firstKey);
        const undecodedFromKey = fromKey.filter((a) => !a.decoded).length;
        // A keyframe may jump ticks (the client missed what the server skipped); a delta may not.
        const gapsInTicks = fromKey.filter((a, i) => i > 0 && !a.key && a.tick !== fromKey[i - 1]!.tick! + 1).length;
        if (process.env.SLOW_READER_TRACE) console.log(after.slice(0, 50).map((a) => `${a.key ? 'K' : 'd'}${a.tick}@${(a.at - resumedAt).toFixed(0)}`).join(' '));
        figures.push(
          `slow reader over ${transport}, ${PAUSE_MS / 1000} s without reading (${HONEST_BOTS} bots, ${TICK_RATE} Hz):`,
          `  bytes through during the pause ${bytesDuringPause}; burst on resume: ${burst.length} snapshots, ${burstBytes} B of snapshots`,
          `  server took a stalled client (either) off the delta stream: ${skipsAfter - skipsBefore} time(s); first keyframe ${firstKey < 0 ? 'never' : `${(after[firstKey]!.at - resumedAt).toFixed(0)} ms`} after the resume (${firstKey} snapshots before it)`,
          `  after that keyframe: ${fromKey.length} snapshots, ${undecodedFromKey} undecodable, ${gapsInTicks} deltas off the chain; keyframes after the resume ${after.filter((a) => a.key).length}`,
          `  personal keyframe ahead of the backlog: ${jump < 0 ? 'none (nothing was skipped)' : `after ${jump} backlog snapshots, ${(after[jump]!.at - resumedAt).toFixed(0)} ms after the resume, ${after[jump]!.tick! - after[jump - 1]!.tick!} ticks ahead`}`,
          `  server RSS before ${(rssBefore / 1024).toFixed(1)} MB, peak during the pause ${(rssPeak / 1024).toFixed(1)} MB`,
          `  errors ${JSON.stringify(slow.errors)}, disconnects ${JSON.stringify(slow.disconnects)}`,
        );

        expect(slow.errors).toEqual([]);
        expect(slow.disconnects).toEqual([]);
        // Recovered: a keyframe came, and from it on every snapshot decoded, one tick after another.
        expect(firstKey).toBeGreaterThanOrEqual(0);
        expect(after[firstKey]!.at - resumedAt).toBeLessThan(2_500);
        expect(fromKey.length).toBeGreaterThan(TICK_RATE);
        expect(undecodedFromKey).toBe(0);
        expect(gapsInTicks).toBe(0);
        // Bounded: 10 s of snapshots for one client are a few tens of KB; a server holding
        // everything for every stalled client would show per client, not in one RSS figure,
        // so the bound that matters is on the backlog (below); RSS must just not run away.
        expect(rssPeak).toBeLessThan(rssBefore * 1.2);
        if (transport === 'polling') {
          // The server held the backlog itself: the fan-out took the client off the stream (the
          // counter is the server's, for both stalled clients; the jump below is this one's own),
          expect(skipsAfter - skipsBefore).toBeGreaterThanOrEqual(1);
          // kept at most ~32 snapshots for it (BACKED_UP_PACKETS) instead of the 200 of the pause,
          // and once those drained, sent it a personal keyframe at the live tick.
          expect(jump).toBeGreaterThan(0);
          expect(jump).toBeLessThanOrEqual(40);
          expect(after[jump]!.decoded).toBe(true);
        }
      } finally {
        slow.client.close();
      }
    });
  }

  it('leaves the bots unaffected', { timeout: 60_000 }, async () => {
    // The stalls are over: their window ends here.
    const report = await honest.finish();
    figures.push(`bots over ${report.durationS} s: errors ${report.errors}, disconnects ${report.disconnects}, gap p99 ${report.snapshotGapMs.p99} ms`);
    // The window held both stalls.
    expect(report.durationS).toBeGreaterThan(PAUSE_MS / 1000);
    expect(report.errors).toBe(0);
    expect(report.disconnects).toBe(0);
  });
});

/**
 * A stalled client in a busy lobby: chat is not a snapshot, nothing skips it. A polling client
 * that stops polling (no kernel buffer in between: what it does not fetch stays in the server's
 * engine.io write buffer) while six guests chat 500-character messages ~400 times a second in
 * all (CHAT_BURST / CHAT_INTERVAL_MS raised for the test): ~200 KB/s piles up for it. Without a
 * cap it would grow until the heartbeat gave up (45 s, ~9 MB); the send-buffer cap
 * (server/net/send-buffer-cap.ts, 1 MiB) cuts it after ~5 s, and nobody else.
 */
describe('a polling client that stops polling in a busy lobby', () => {
  let server: ServerProcess;
  const figures: string[] = [];

  beforeAll(async () => {
    server = await startServer({ GUEST_PER_MINUTE: '100000', CHAT_BURST: '100', CHAT_INTERVAL_MS: '10', CHAT_MAX_LENGTH: '500' });
  });
  afterAll(async () => {
    console.log(figures.join('\n'));
    await server?.stop();
  });

  it('is cut once the server holds 1 MiB for it, within the 10 s', { timeout: 60_000 }, async () => {
    const pid = server.child.pid!;
    const stalled = await openPolling(server.url);
    if (!(await authenticate(stalled, (await guest(server.url, 'stalled')).token, ['/lobby']))) throw new Error('stalled client');
    const chatters = await Promise.all(
      Array.from({ length: 6 }, async (_, i) => {
        const conn = await openWebSocket(server.url, { decode: false });
        if (!(await authenticate(conn, (await guest(server.url, `chatter-${i}`)).token, ['/lobby']))) throw new Error('chatter');
        return conn;
      }),
    );
    let rssBefore = 0;
    for (let i = 0; i < 8; i++, await sleep(250)) rssBefore = Math.max(rssBefore, rssKiB(pid));
    const cutLine = () => server.logs.find((l) => typeof l.msg === 'string' && l.msg.startsWith('client not reading'));

    stalled.stopPolling();
    const stalledAt = performance.now();
    const text = 'x'.repeat(500);
    let sent = 0;
    let rssPeak = rssBefore;
    let cutAfterMs: number | null = null;
    let nextRss = 0;
    while (performance.now() - stalledAt < PAUSE_MS && cutAfterMs === null) {
      for (const c of chatters) void c.send([`42/lobby,${sent + 1}["chat",{"text":"${text}"}]`]);
      sent += chatters.length;
      await sleep(11);
      if (performance.now() > nextRss) {
        rssPeak = Math.max(rssPeak, rssKiB(pid));
        nextRss = performance.now() + 250;
      }
      if (cutLine()) cutAfterMs = performance.now() - stalledAt;
    }
    const chatSeconds = (performance.now() - stalledAt) / 1000;
    const cut = cutLine();
    // The session is gone: a GET now is refused.
    const afterCut = await fetch(`${server.url}/socket.io/?EIO=4&transport=polling&sid=${stalled.sid}`);
    await afterCut.arrayBuffer();
    const disconnects = await counter(server.url, 'game_slow_consumer_disconnects_total');
    figures.push(
      `polling client that stops polling in a busy lobby (${chatters.length} chatters, ${Math.round(sent / chatSeconds)} chat messages/s of ~520 B to every lobby socket):`,
      `  cut by the send-buffer cap ${cutAfterMs === null ? 'never' : `${(cutAfterMs / 1000).toFixed(1)} s`} after it stopped, holding ${String(cut?.queuedBytes)} B (cap ${1024 * 1024})`,
      `  server RSS before ${(rssBefore / 1024).toFixed(1)} MB, peak ${(rssPeak / 1024).toFixed(1)} MB; game_slow_consumer_disconnects_total ${disconnects}`,
    );
    const chattersClosed = chatters.map((c) => c.outcome.closed);
    for (const c of [stalled, ...chatters]) await c.close();

    expect(cutAfterMs).not.toBeNull();
    expect(cut!.queuedBytes as number).toBeGreaterThan(1024 * 1024);
    expect(disconnects).toBe(1);
    expect(afterCut.status).toBe(400);
    // The chatters read, so none of them was cut.
    expect(chattersClosed).toEqual(chatters.map(() => null));
  });
});
