/**
 * The killcam relay between nodes, on two real NodeBus instances joined by an in-memory stand-in
 * for Redis' sharded pub/sub: the victim's node asks, the owner answers, the victim gets the
 * owner's bytes exactly, or the owner's refusal, or a clear code when the owner is silent or
 * answers something that is not a killcam (refused by the bus, counted through onRefused).
 * Without the relay the victim's node could only answer KILLCAM_UNAVAILABLE.
 */
import type { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { ErrorCode, type AckResult } from '../../shared/protocol/errors.ts';
import { KILLCAM_HEAD } from '../../shared/replay/killcam.ts';
import type { Logger } from '../log.ts';
import { KILLCAM_RELAY_MAX_BYTES, parseRequest, REQUEST_REPLIES } from './bus-messages.ts';
import { killcamReply, relayKillcam } from './killcam-relay.ts';
import { nodeChannel, NodeBus, type BusRefusal, type RequestHandlers } from './node-bus.ts';
import { MemoryShardHub } from './memory-shard-hub.ts';

const file = (bodyBytes: number): Uint8Array => {
  const f = new Uint8Array(KILLCAM_HEAD.length + bodyBytes);
  f.set(KILLCAM_HEAD, 0);
  for (let i = KILLCAM_HEAD.length; i < f.length; i++) f[i] = (i * 151) & 0xff;
  return f;
};

const quietLog = () => ({ warn: vi.fn(), debug: vi.fn(), info: vi.fn(), error: vi.fn() }) as unknown as Logger & { warn: ReturnType<typeof vi.fn> };

function bus(hub: MemoryShardHub, nodeId: string, refusals: BusRefusal[] = [], requestTimeoutMs = 2000): NodeBus {
  return new NodeBus({ nodeId, publisher: hub.publisher(), subscriber: hub.subscriber(), clock: () => Date.now(), requestTimeoutMs, onRefused: (r) => refusals.push(r) });
}

/** Every other request kind: this test's owner answers only killcams. */
const onlyKillcams = (killcam: RequestHandlers['killcam']): RequestHandlers => {
  const none = () => {
    throw new Error('not in this test');
  };
  return { attach: none, detach: none, claim: none, release: none, start: none, open: none, adopt: none, killcam };
};

describe('the killcam request on the bus', () => {
  it('takes a match, a socket and the optional victim and tick; refuses anything else', () => {
    expect(parseRequest({ kind: 'killcam', matchId: 'm1', socketId: 's1', victim: 3, tick: 120 })).toEqual({ ok: true, value: { kind: 'killcam', body: { matchId: 'm1', socketId: 's1', victim: 3, tick: 120 } } });
    expect(parseRequest({ kind: 'killcam', matchId: 'm1', socketId: 's1' })).toEqual({ ok: true, value: { kind: 'killcam', body: { matchId: 'm1', socketId: 's1' } } });
    for (const bad of [{ matchId: 'm1' }, { matchId: 'm1', socketId: 's1', victim: -1 }, { matchId: 'm1', socketId: 's1', tick: 'x' }, { matchId: 7, socketId: 's1' }]) {
      expect(parseRequest({ kind: 'killcam', ...bad })).toMatchObject({ ok: false });
    }
  });

  it('believes a reply only when it is a bounded base64 killcam or a refusal', () => {
    const good = Buffer.from(file(100)).toString('base64');
    expect(REQUEST_REPLIES.killcam({ ok: true, killcam: good })).toMatchObject({ ok: true });
    expect(REQUEST_REPLIES.killcam({ ok: false, code: 'KILLCAM_NOT_FOUND', message: 'no' })).toMatchObject({ ok: true });
    const bad = [
      { ok: true },
      { ok: true, killcam: 42 },
      { ok: true, killcam: `${good.slice(0, -4)}!!!!` },
      { ok: true, killcam: good.slice(1) },
      { ok: true, killcam: Buffer.from('not a killcam at all').toString('base64') },
      { ok: true, killcam: Buffer.from(file(KILLCAM_RELAY_MAX_BYTES)).toString('base64') },
      { ok: false },
      'yes',
      null,
    ];
    for (const reply of bad) expect(REQUEST_REPLIES.killcam(reply)).toMatchObject({ ok: false });
  });

  it('the owner sends the file in base64, or refuses one over the bound', () => {
    const f = file(3000);
    const sent = killcamReply({ ok: true, killcam: f });
    expect(sent.ok && new Uint8Array(Buffer.from(sent.killcam, 'base64'))).toEqual(f);
    expect(killcamReply({ ok: true, killcam: file(KILLCAM_RELAY_MAX_BYTES) })).toMatchObject({ ok: false, code: ErrorCode.KillcamUnavailable });
    expect(killcamReply({ ok: false, code: ErrorCode.KillcamNotFound, message: 'no' })).toEqual({ ok: false, code: ErrorCode.KillcamNotFound, message: 'no' });
  });
});

describe('a killcam relayed from the match\'s node to the victim\'s', () => {
  it('hands the victim the owner\'s bytes, or the owner\'s refusal', async () => {
    const hub = new MemoryShardHub();
    const owner = bus(hub, 'owner');
    const near = bus(hub, 'near');
    await Promise.all([owner.listening, near.listening]);
    const f = file(12_000);
    const asked: unknown[] = [];
    owner.handleRequests(
      onlyKillcams((from, body) => {
        asked.push({ from, ...body });
        return body.victim === 9 ? { ok: false, code: ErrorCode.NotAllowed, message: 'not yours' } : killcamReply({ ok: true, killcam: f });
      }),
    );
    const log = quietLog();
    const body = { matchId: 'm1', socketId: 'sock', tick: 40 };
    const got = await relayKillcam(() => near.request('owner', 'killcam', body), { owner: 'owner', matchId: 'm1', log });
    expect(got).toEqual(f);
    expect(asked).toEqual([{ from: 'near', matchId: 'm1', socketId: 'sock', tick: 40 }]);
    const refused = await relayKillcam(() => near.request('owner', 'killcam', { ...body, victim: 9 }), { owner: 'owner', matchId: 'm1', log });
    expect(refused).toEqual({ ok: false, code: ErrorCode.NotAllowed, message: 'not yours' });
    expect(log.warn).not.toHaveBeenCalled();
    owner.close();
    near.close();
  });

  it('a malformed answer is refused and counted, and the victim gets KILLCAM_UNAVAILABLE', async () => {
    const hub = new MemoryShardHub();
    const refusals: BusRefusal[] = [];
    const near = bus(hub, 'near', refusals);
    // A node of another version (or anyone publishing on the bus): it answers whatever it likes.
    const rogue = hub.subscriber() as unknown as EventEmitter & { ssubscribe(c: string): Promise<void> };
    const out = hub.publisher();
    const answers: unknown[] = [
      { ok: true, killcam: 'AAAA' },
      { ok: true, killcam: Buffer.from('{"json":"instead"}').toString('base64') },
      { ok: true, killcam: 12 },
      { ok: 'maybe' },
    ];
    let n = 0;
    rogue.on('smessageBuffer', (_channel: Buffer, frame: Buffer) => {
      const { id } = JSON.parse(frame.subarray(1).toString()) as { id: string };
      void out.spublish(nodeChannel('near'), Buffer.concat([Buffer.from([2]), Buffer.from(JSON.stringify({ id, ok: true, body: answers[n++] }))]));
    });
    await Promise.all([near.listening, rogue.ssubscribe(nodeChannel('rogue'))]);
    const log = quietLog();
    for (let i = 0; i < answers.length; i++) {
      const got = await relayKillcam(() => near.request('rogue', 'killcam', { matchId: 'm1', socketId: 'sock' }), { owner: 'rogue', matchId: 'm1', log });
      expect(got).toMatchObject({ ok: false, code: ErrorCode.KillcamUnavailable });
    }
    expect(refusals).toHaveLength(answers.length);
    expect(refusals.every((r) => r.frame === 'answer' && r.kind === 'killcam')).toBe(true);
    expect(log.warn).toHaveBeenCalledTimes(answers.length);
    near.close();
  });

  it('an owner that does not answer in time: CLUSTER_UNAVAILABLE', async () => {
    const hub = new MemoryShardHub();
    const owner = bus(hub, 'owner');
    const near = bus(hub, 'near', [], 60);
    await Promise.all([owner.listening, near.listening]);
    owner.handleRequests(onlyKillcams(() => new Promise<AckResult<{ killcam: string }>>(() => {})));
    const got = await relayKillcam(() => near.request('owner', 'killcam', { matchId: 'm1', socketId: 'sock' }), { owner: 'owner', matchId: 'm1', log: quietLog() });
    expect(got).toMatchObject({ ok: false, code: ErrorCode.ClusterUnavailable });
    owner.close();
    near.close();
  });
});
