/**
 * The fan-out with Arena's codec and real client streams: every client, whenever it joined and
 * however long its socket was backed up, must end up decoding exactly the server's latest
 * snapshot. A fan-out that sent a delta to someone off the chain, skipped the joiner's keyframe or
 * encoded per client fails here (the client's stream refuses the delta, or the counts differ).
 */
import { describe, expect, it } from 'vitest';
import { SnapshotStream } from '../../shared/client/snapshot-stream.ts';
import { arena } from '../../shared/games/arena/index.ts';
import type { Snapshot } from '../../shared/games/arena/snapshot.ts';
import { peekSnapshotHeader, quantizeAim } from '../../shared/games/arena/snapshot-codec.ts';
import { recordArena } from '../../loadtest/bench/arena-recording.ts';
import { createMetrics } from '../metrics.ts';
import { SnapshotFanout, type FanoutTransport } from './snapshot-fanout.ts';

/**
 * Clients with a SnapshotStream each, reachable by broadcast once subscribed. `checks`: the
 * broadcast finds backed-up clients itself (as the direct room transport does) and reports them.
 */
function fakeNetwork(checks = false) {
  const subscribed = new Set<string>();
  const backedUp = new Set<string>();
  const streams = new Map<string, SnapshotStream<Snapshot>>();
  const received = new Map<string, ('key' | 'delta')[]>();
  let broadcasts = 0;
  let backlogQuestions = 0;
  const deliver = (id: string, bytes: Uint8Array) => {
    const kind = peekSnapshotHeader(bytes);
    if (kind.ok) received.get(id)!.push(kind.value.kind);
    const r = streams.get(id)!.apply(bytes);
    if (!r.ok) throw new Error(`${id} could not apply a snapshot: ${r.code}`);
  };
  const transport: FanoutTransport = {
    checksBackedUp: checks,
    broadcast: (bytes, out) => {
      broadcasts++;
      let reached = 0;
      for (const id of subscribed) {
        if (!backedUp.has(id)) {
          deliver(id, bytes);
          reached++;
        } else if (checks && out) out.push(id);
      }
      return reached;
    },
    send: deliver,
    subscribe: (id) => void subscribed.add(id),
    unsubscribe: (id) => void subscribed.delete(id),
    isBackedUp: (id) => {
      backlogQuestions++;
      return backedUp.has(id);
    },
    isDrained: (id) => !backedUp.has(id),
  };
  const client = (id: string) => {
    streams.set(id, new SnapshotStream(arena.snapshotCodec));
    received.set(id, []);
    return id;
  };
  return { transport, client, streams, received, backedUp, subscribed, broadcasts: () => broadcasts, backlogQuestions: () => backlogQuestions };
}

/** Equal as a client sees it: aim is sent in 1/256 turn, events are per snapshot. */
const sameState = (a: Snapshot | null, b: Snapshot) => {
  expect(a).not.toBeNull();
  const seen = (s: Snapshot) => ({ ...s, events: [], players: s.players.map((p) => ({ ...p, aim: quantizeAim(p.aim) })) });
  expect(seen(a!)).toEqual(seen(b));
};

describe('SnapshotFanout', () => {
  const snapshots = recordArena({ players: 8, tickRate: 20, ticks: 120 });

  it('gives a joiner a personal keyframe, then the shared delta stream', () => {
    const net = fakeNetwork();
    const fanout = new SnapshotFanout(net.transport, arena.snapshotCodec, 20, createMetrics());
    fanout.add(net.client('a'));
    snapshots.slice(0, 10).forEach((s) => fanout.publish(s));
    fanout.add(net.client('b'));
    snapshots.slice(10, 30).forEach((s) => fanout.publish(s));
    expect(net.received.get('a')!.slice(0, 3)).toEqual(['key', 'delta', 'delta']);
    expect(net.received.get('b')![0]).toBe('key');
    expect(net.received.get('b')!.length).toBe(20);
    sameState(net.streams.get('a')!.latest, snapshots[29]!);
    sameState(net.streams.get('b')!.latest, snapshots[29]!);
  });

  it('encodes once per snapshot for the whole room and sends a keyframe every interval', () => {
    const net = fakeNetwork();
    const fanout = new SnapshotFanout(net.transport, arena.snapshotCodec, 20, createMetrics());
    for (const id of ['a', 'b', 'c']) fanout.add(net.client(id));
    snapshots.slice(0, 61).forEach((s) => fanout.publish(s));
    // The first snapshot reaches everybody as personal keyframes; each later one is one broadcast.
    expect(net.broadcasts()).toBe(60);
    const kinds = net.received.get('c')!;
    expect(kinds.filter((k) => k === 'key').length).toBe(4); // personal, then ticks 20, 40, 60 after it
  });

  it.each([
    ['asked of each client before the broadcast', false],
    ['reported by the broadcast itself', true],
  ])('takes a backed-up client off the delta chain and resyncs it with a keyframe when it drains (backlog %s)', async (_, checks) => {
    const net = fakeNetwork(checks);
    const metrics = createMetrics();
    const fanout = new SnapshotFanout(net.transport, arena.snapshotCodec, 1000, metrics);
    fanout.add(net.client('fast'));
    fanout.add(net.client('slow'));
    snapshots.slice(0, 5).forEach((s) => fanout.publish(s));
    net.backedUp.add('slow');
    snapshots.slice(5, 15).forEach((s) => fanout.publish(s));
    expect(net.subscribed.has('slow')).toBe(false);
    net.backedUp.delete('slow');
    snapshots.slice(15, 20).forEach((s) => fanout.publish(s));
    const slow = net.received.get('slow')!;
    expect(slow.length).toBe(10); // 5 before, none while backed up, 5 after
    expect(slow[5]).toBe('key'); // resync
    sameState(net.streams.get('slow')!.latest, snapshots[19]!);
    sameState(net.streams.get('fast')!.latest, snapshots[19]!);
    expect(net.received.get('fast')!.filter((k) => k === 'key').length).toBe(1);
    // Taken off once (it stayed off while backed up), counted once.
    expect((await metrics.slowConsumers.get()).values[0]?.value).toBe(1);
    // A broadcast that checks backlogs itself leaves the fan-out no pass of its own over the chain.
    if (checks) expect(net.backlogQuestions()).toBe(0);
    else expect(net.backlogQuestions()).toBeGreaterThan(0);
  });

  it('stops sending to a removed subscriber', () => {
    const net = fakeNetwork();
    const fanout = new SnapshotFanout(net.transport, arena.snapshotCodec, 1000, createMetrics());
    fanout.add(net.client('a'));
    snapshots.slice(0, 3).forEach((s) => fanout.publish(s));
    fanout.remove('a');
    snapshots.slice(3, 6).forEach((s) => fanout.publish(s));
    expect(net.received.get('a')!.length).toBe(3);
  });
});
