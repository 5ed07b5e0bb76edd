import { describe, expect, it } from 'vitest';
import { frameBytes } from '../../../shared/client/byte-counter.ts';
import { NetGraphFeed, type FeedClient } from './net-graph-feed.ts';
import { NetStats } from './net-stats.ts';

type Packet = { type: string; data?: unknown };

/** A connection whose engine the test drives: packets in and out, a new engine on each open. */
function fakeClient(rtt: number | Error) {
  const newEngine = () => ({ handlers: new Map<string, (p: Packet) => void>(), on(event: string, fn: (p: Packet) => void) { this.handlers.set(event, fn); } });
  let engine = newEngine();
  const opens: (() => void)[] = [];
  let syncs = 0;
  const watched: boolean[] = [];
  const manager = { engine: engine as unknown, on: (_e: 'open', fn: () => void) => opens.push(fn) };
  const client: FeedClient = {
    manager,
    match: {
      socket: { connected: true },
      syncClock: async () => {
        syncs += 1;
        if (rtt instanceof Error) throw rtt;
        return rtt;
      },
      watchServerTick: (on: boolean) => watched.push(on),
    },
  };
  return {
    client,
    receive: (p: Packet) => engine.handlers.get('packet')?.(p),
    send: (p: Packet) => engine.handlers.get('packetCreate')?.(p),
    /** A reconnect: socket.io opens a new engine. */
    reopen: () => {
      manager.engine = engine = newEngine();
      opens.forEach((fn) => fn());
    },
    syncs: () => syncs,
    /** What the feed asked of the server's tick time, in order. */
    watched,
  };
}

function feedWith(inMatch: boolean) {
  let now = 0;
  let tick: (() => void) | null = null;
  const stats = new NetStats();
  const feed = new NetGraphFeed({ stats, inMatch: () => inMatch, now: () => now, setInterval: (fn) => (tick = fn), clearInterval: () => (tick = null) });
  feed.start();
  return {
    feed,
    stats,
    /** One second passes: the feed closes its window (and pings, in a match). */
    second: async () => {
      now += 1000;
      tick?.();
      await Promise.resolve();
    },
  };
}

describe('the net graph feed', () => {
  it("asks for the server's tick time only while the graph is open, and again on the next connection", () => {
    const f = feedWith(true);
    const a = fakeClient(30);
    f.feed.attach(a.client);
    expect(a.watched).toEqual([]);
    f.feed.watch(true);
    f.feed.watch(true);
    expect(a.watched).toEqual([true]);
    const b = fakeClient(30);
    f.feed.attach(b.client);
    expect(b.watched).toEqual([true]);
    f.feed.watch(false);
    expect(b.watched).toEqual([true, false]);
    expect(a.watched).toEqual([true]);
  });

  it("counts each frame's bytes both ways, on the engine a reconnect opens too, and not a replaced connection's", async () => {
    const f = feedWith(false);
    const a = fakeClient(30);
    f.feed.attach(a.client);
    a.receive({ type: 'message', data: new Uint8Array(200) });
    a.receive({ type: 'message', data: '2["chat",{}]' });
    a.reopen();
    a.send({ type: 'message', data: new Uint8Array(12) });
    await f.second();
    expect(f.stats.latest('down')).toBe(frameBytes(200, false) + frameBytes(1 + 12, false));
    expect(f.stats.latest('up')).toBe(frameBytes(12, true));

    const b = fakeClient(30);
    f.feed.attach(b.client);
    a.receive({ type: 'message', data: new Uint8Array(500) });
    b.receive({ type: 'message', data: new Uint8Array(100) });
    await f.second();
    expect(f.stats.latest('down')).toBe(frameBytes(100, false));
  });

  it("shows the server's pushed tick time, and measures the RTT each second only while in a match", async () => {
    const lobby = feedWith(false);
    const c = fakeClient(42);
    lobby.feed.attach(c.client);
    await lobby.second();
    expect(c.syncs()).toBe(0);
    expect(lobby.stats.latest('rtt')).toBeNull();

    const match = feedWith(true);
    match.feed.attach(c.client);
    match.feed.serverTick({ meanMs: 0.37, maxMs: 1.2 });
    await match.second(); // samples first, then pings: the RTT shows in the next window
    await match.second();
    expect(c.syncs()).toBe(2);
    expect(match.stats.latest('rtt')).toBe(42);
    expect(match.stats.points('serverTick')).toEqual([0.37, 0.37]);
    await match.second();
    await match.second();
    expect(match.stats.latest('serverTick')).toBeNull(); // no push for 3 s: unknown, not steady
  });

  it('a clock sync that fails leaves the last RTT and throws nothing', async () => {
    const f = feedWith(true);
    const c = fakeClient(new Error('clock sync failed: TIMEOUT'));
    f.feed.attach(c.client);
    f.stats.setRtt(80);
    await expect(f.feed.ping()).resolves.toBeUndefined();
    await f.second();
    expect(f.stats.latest('rtt')).toBe(80);
  });
});
