/**
 * A match's two streams on the node bus: the players' (live) and the spectators' (delayed, what
 * the owner makes for its own spectators). A node subscribes to either, or both, and gets only
 * what was published on that one; a relay that lost a stream's base says which one it needs a
 * keyframe of, and a notice that says it wrongly is refused.
 */
import { describe, expect, it } from 'vitest';
import { parseNotice } from './bus-messages.ts';
import { NodeBus } from './node-bus.ts';
import { MemoryShardHub } from './memory-shard-hub.ts';

const bus = (hub: MemoryShardHub, nodeId: string) => new NodeBus({ nodeId, publisher: hub.publisher(), subscriber: hub.subscriber(), clock: () => Date.now(), requestTimeoutMs: 2000 });
const settle = () => new Promise((resolve) => setTimeout(resolve, 5));

describe("a match's streams on the node bus", () => {
  it('the players\u2019 and the spectators\u2019 stream are apart: each subscriber gets its own, with the owner named', async () => {
    const hub = new MemoryShardHub();
    const owner = bus(hub, 'node1');
    const relay = bus(hub, 'node2');
    const players: [string, number[]][] = [];
    const spectators: [string, number[]][] = [];
    await relay.subscribeStream('m1', (from, bytes) => void players.push([from, [...bytes]]));
    await relay.subscribeStream('m1', (from, bytes) => void spectators.push([from, [...bytes]]), 'spectators');
    owner.publishSnapshot('m1', new Uint8Array([1, 2]));
    owner.publishSnapshot('m1', new Uint8Array([9]), 'spectators');
    await settle();
    expect(players).toEqual([['node1', [1, 2]]]);
    expect(spectators).toEqual([['node1', [9]]]);
    // Off the spectators' stream (nobody watches there any more): the players' one stays.
    relay.unsubscribeStream('m1', 'spectators');
    owner.publishSnapshot('m1', new Uint8Array([3]));
    owner.publishSnapshot('m1', new Uint8Array([8]), 'spectators');
    await settle();
    expect(players.map(([, b]) => b)).toEqual([[1, 2], [3]]);
    expect(spectators).toHaveLength(1);
    owner.close();
    relay.close();
  });

  it('a keyframe notice names the spectators\u2019 stream, or none (the players\u2019); anything else is refused', () => {
    expect(parseNotice({ kind: 'keyframe', matchId: 'm1' })).toEqual({ ok: true, value: { kind: 'keyframe', body: { matchId: 'm1' } } });
    expect(parseNotice({ kind: 'keyframe', matchId: 'm1', spectators: true })).toEqual({ ok: true, value: { kind: 'keyframe', body: { matchId: 'm1', spectators: true } } });
    expect(parseNotice({ kind: 'keyframe', matchId: 'm1', spectators: 'yes' })).toMatchObject({ ok: false, code: 'BAD_REQUEST' });
    expect(parseNotice({ kind: 'keyframe', spectators: true })).toMatchObject({ ok: false });
  });
});
