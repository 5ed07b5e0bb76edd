/**
 * The long-polling fallback, end to end: a player whose network passes no WebSocket
 * (`transports: ['polling']`) gets a guest token, quick-plays (bots fill the match), and plays at
 * 20 Hz: its inputs go up on the tick grid as binary packets inside HTTP POSTs, the binary
 * snapshots come down inside long-poll responses (engine.io sends them base64, `b…`), the wire
 * parser decodes them, and the server acknowledges its inputs. A player on the default transports
 * starts the same way and upgrades to WebSocket mid-session without missing its seat.
 *
 * What would fail: before this change the SDK forced `transports: ['websocket']`, so the
 * polling-only player could not connect at all; a parser that handled only ArrayBuffer frames, or
 * one that sent binary as two packets, would decode nothing here.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { getConnectionConfig } from '../../shared/client/connection-options.ts';
import { MatchPhase } from '../../shared/games/arena/snapshot.ts';
import { startMeteredProxy } from '../support/metered-proxy.ts';
import { pollingPlayer, type PollingPlayer } from '../support/polling-player.ts';
import { startServer, type ServerProcess } from '../support/server-process.ts';
import { waitFor } from '../support/wait.ts';

describe('long-polling fallback', () => {
  let server: ServerProcess;
  const players: PollingPlayer[] = [];
  beforeAll(async () => {
    server = await startServer({
      TICK_RATE: '20',
      QUEUE_MIN_PLAYERS: '2',
      QUEUE_MAX_PLAYERS: '3',
      QUEUE_WAIT_MS: '300',
      BOT_FILL: 'on',
      COUNTDOWN_MS: '200',
    });
  });
  afterEach(() => {
    for (const p of players.splice(0)) p.close();
  });
  afterAll(async () => {
    await server?.stop();
  });

  /** Plays until the match has run `ticks` ticks past the first playing snapshot. */
  async function playFor(p: PollingPlayer, ticks: number): Promise<{ firstAcked: number; playingFrom: number }> {
    await waitFor(() => p.snapshots.at(-1)?.snapshot.phase === MatchPhase.Playing, 'the match to start', 20_000);
    const playingFrom = p.snapshots.at(-1)!.tick;
    const firstAcked = p.acked();
    await waitFor(() => (p.snapshots.at(-1)?.tick ?? 0) >= playingFrom + ticks, `${ticks} ticks of play`, 30_000);
    return { firstAcked, playingFrom };
  }

  it('plays a match at 20 Hz on long-polling only: inputs up, binary snapshots down, inputs acknowledged', async () => {
    const proxy = await startMeteredProxy(server.port);
    const p = await pollingPlayer(proxy.url, 'poller', { transports: ['polling'] });
    players.push(p);
    // Both namespaces ride one engine.io session: one connection on the server for this player.
    expect(p.client.lobby.socket.io).toBe(p.client.match.socket.io);
    const info = await p.play('ffa');
    expect(info.tickRate).toBe(20);
    expect(info.roster.some((r) => r.bot)).toBe(true);
    const health = (await (await fetch(`${server.url}/healthz`)).json()) as { players: number };
    expect(health.players).toBe(1);

    const { firstAcked, playingFrom } = await playFor(p, 60); // 3 s of play
    const during = p.snapshots.filter((s) => s.tick > playingFrom);
    // Snapshots every tick at 20 Hz; polling batches some into one response but loses none.
    const ticks = new Set(during.map((s) => s.tick));
    expect(ticks.size).toBeGreaterThanOrEqual(55);
    expect(p.notBytes).toBe(0);
    // The server applied this player's inputs: its acknowledged sequence kept pace with them.
    expect(p.acked()).toBeGreaterThan(firstAcked + 30);
    expect(p.inputsSent).toBeGreaterThanOrEqual(p.acked());
    // It moved: its own inputs, applied by the authoritative simulation.
    const me = (s: (typeof p.snapshots)[number]) => s.snapshot.players.find((x) => x.id === info.slot)!;
    const first = me(during[0]!);
    const last = me(during.at(-1)!);
    expect(first.x !== last.x || first.y !== last.y || !last.alive).toBe(true);
    // And never left polling: not one WebSocket was tried.
    expect(p.transports).toEqual(['polling']);
    expect(p.client.manager.engine.transport.name).toBe('polling');
    const engineRequests = proxy.requestLines.filter((l) => l.includes('EIO=4'));
    expect(engineRequests.length).toBeGreaterThan(0);
    expect(engineRequests.filter((l) => !l.includes('transport=polling'))).toEqual([]);
    p.close();
    await proxy.close();
  });

  it('starts on polling and upgrades to WebSocket by default, playing on across the upgrade', async () => {
    // Through a proxy that sees each connection's first request: on loopback the upgrade is over
    // before the SDK hands the client back, so the order is read off the wire.
    const proxy = await startMeteredProxy(server.port);
    const p = await pollingPlayer(proxy.url, 'upgrader');
    players.push(p);
    await p.play('ffa');
    await playFor(p, 40);
    await waitFor(() => p.client.manager.engine.transport.name === 'websocket', 'the upgrade to WebSocket', 10_000);
    const engineRequests = proxy.requestLines.filter((l) => l.includes('EIO=4'));
    // The SDK asks for the compact wire in the handshake (docs/protocol.md, "Wire formats").
    expect(engineRequests[0]).toMatch(/^GET \/socket\.io\/\?wire=compact&EIO=4&transport=polling&t=\S+ HTTP/);
    // The WebSocket names the polling session it upgrades (sid): the same session, not a new one.
    const upgrade = engineRequests.find((l) => l.includes('transport=websocket'));
    expect(upgrade).toMatch(new RegExp(`sid=${p.client.manager.engine.id}`));
    // Snapshots and acknowledgements go on over the WebSocket.
    const acked = p.acked();
    const count = p.snapshots.length;
    await waitFor(() => p.snapshots.length >= count + 20 && p.acked() > acked + 10, 'play after the upgrade', 15_000);
    expect(p.notBytes).toBe(0);
    p.close();
    await proxy.close();
  });
});

describe('a server on another path that takes polling only', () => {
  let server: ServerProcess;
  beforeAll(async () => {
    server = await startServer({ SOCKET_PATH: '/rt', TRANSPORTS: 'polling', TICK_RATE: '20', QUEUE_MIN_PLAYERS: '2', QUEUE_WAIT_MS: '300', BOT_FILL: 'on', COUNTDOWN_MS: '200' });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('is reached with what GET /api/config says (SOCKET_PATH, TRANSPORTS), and played on', async () => {
    const config = await getConnectionConfig(server.url);
    expect(config).toEqual({ socketPath: '/rt', transports: ['polling'], reconnection: { delayMs: 250, delayMaxMs: 5000, randomization: 0.5, attempts: 10 }, devTools: false });
    const p = await pollingPlayer(server.url, 'configured', { path: config!.socketPath, transports: config!.transports });
    try {
      await p.play('ffa');
      await waitFor(() => p.snapshots.at(-1)?.snapshot.phase === MatchPhase.Playing, 'the match to start', 20_000);
      const acked = p.acked();
      await waitFor(() => p.acked() > acked + 20, 'inputs acknowledged', 15_000);
      expect(p.client.manager.engine.transport.name).toBe('polling');
    } finally {
      p.close();
    }
  });

  it('takes a client that tries WebSocket first: the refused WebSocket gives way to polling', async () => {
    const p = await pollingPlayer(server.url, 'wsfirst', { path: '/rt', transports: ['websocket', 'polling'] });
    try {
      expect(p.client.manager.engine.transport.name).toBe('polling');
      await p.play('ffa');
      await waitFor(() => p.snapshots.length > 5, 'snapshots over polling', 15_000);
    } finally {
      p.close();
    }
  });
});
