/**
 * Garbage on the node bus. A real node (server/main.ts with a real redis-server) receives on its
 * bus channel every kind of malformed frame another node of another version, or anyone who can
 * publish to Redis, could send: empty, unknown frame types, bytes that are not JSON, JSON that is
 * not an object, a request without a sender, an unknown request kind, a request whose body does
 * not match its kind, a notice with a bad body, a batch of inputs cut short. The node must stay
 * up, count each one in game_cluster_bus_refused_total, log it, answer the malformed request
 * with an error (its asker fails at once instead of waiting out the timeout), and go on answering
 * good requests.
 *
 * Without the receiver's checks the attach with a guest of the wrong shape would reach the match
 * host, and the truncated input batch would be read past its end.
 *
 * The other direction: an answer that is not its request's reply rejects that request.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../shared/protocol/errors.ts';
import { BusRequestError, NodeBus, nodeChannel, type BusRefusal } from '../../server/cluster/node-bus.ts';
import { startRedis, type RedisServer } from '../support/redis.ts';
import { startServer, type ServerProcess } from '../support/server-process.ts';
import { eventually, waitFor } from '../support/wait.ts';

const TARGET = 'bus-target';
const PEER = 'bus-peer';

let redis: RedisServer;
let node: ServerProcess;
const clients: Redis[] = [];
const client = (): Redis => {
  const c = new Redis(redis.url, { maxRetriesPerRequest: 1 });
  clients.push(c);
  return c;
};
let peer: NodeBus;
const peerRefusals: BusRefusal[] = [];

beforeAll(async () => {
  redis = await startRedis();
  node = await startServer({ REDIS_URL: redis.url, NODE_ID: TARGET, AUTH_SECRET: 'x'.repeat(32) });
  // Ready (its bus heard, its first heartbeat in the registry) before anything is sent to it.
  await eventually(async () => (await fetch(`${node.url}/readyz`)).status === 200, 'the node ready');
  peer = new NodeBus({ nodeId: PEER, publisher: client(), subscriber: client(), clock: () => Date.now(), requestTimeoutMs: 5000, onRefused: (r) => peerRefusals.push(r) });
  // The peer's subscription is in place once a request can be answered.
  await eventually(async () => (await peer.request(TARGET, 'claim', { matchId: 'none', guest: { guestId: 'g', nickname: 'n' } }).catch(() => undefined)) === null, 'a first answer from the node');
});

afterAll(async () => {
  peer?.close();
  for (const c of clients) c.disconnect();
  await node?.stop();
  await redis?.stop();
});

const json = (type: number, value: unknown): Buffer => Buffer.concat([Buffer.from([type]), Buffer.from(JSON.stringify(value))]);

async function refusedCounts(): Promise<Map<string, number>> {
  const text = await (await fetch(`${node.url}/metrics`)).text();
  const counts = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^game_cluster_bus_refused_total\{frame="([^"]+)",kind="([^"]+)"\} (\d+)/.exec(line);
    if (m) counts.set(`${m[1]}/${m[2]}`, Number(m[3]));
  }
  return counts;
}

describe('node bus: malformed messages', () => {
  it('refuses garbage, counts and logs it, answers a bad request with an error, and keeps serving', async () => {
    const raw = client();
    const channel = nodeChannel(TARGET);
    const inputHeader = Buffer.alloc(11);
    inputHeader[0] = 4;
    inputHeader.writeDoubleBE(Date.now(), 1);
    inputHeader.writeUInt16BE(3, 9); // three inputs announced, none there
    const garbage: Buffer[] = [
      Buffer.alloc(0),
      Buffer.from([9, 1, 2, 3]),
      Buffer.concat([Buffer.from([1]), Buffer.from('{"id": "1", not json')]),
      json(1, [1, 2, 3]),
      json(1, { id: 'r1', body: { kind: 'start', matchId: 'm', guestId: 'g' } }),
      json(1, { id: 'r2', from: PEER, body: { kind: 'explode' } }),
      json(3, { from: PEER, body: { kind: 'dismiss', matchId: 5, socketId: null } }),
      inputHeader,
      // An answer nobody asked for is dropped without a refusal (a late answer is normal).
      json(2, { id: 'nobody', ok: true, body: 1 }),
    ];
    for (const frame of garbage) await raw.spublish(channel, frame);

    // A request of a known kind with a body of the wrong shape, as a node of another version might send.
    const badAttach = peer.request(TARGET, 'attach', { matchId: 'm', socketId: 's', role: 'player', guest: { guestId: 42 } } as never);
    await expect(badAttach).rejects.toThrow(BusRequestError);
    await expect(badAttach).rejects.toThrow(/refused: guestId must be a string/);

    // Still serving: a good request is answered by the node's handler.
    await expect(peer.request(TARGET, 'start', { matchId: 'no-such-match', guestId: 'g' })).resolves.toMatchObject({ ok: false, code: ErrorCode.MatchNotFound });
    expect(node.child.exitCode).toBeNull();
    expect((await fetch(`${node.url}/readyz`)).status).toBe(200);

    let counts = new Map<string, number>();
    await eventually(async () => {
      counts = await refusedCounts();
      return [...counts.values()].reduce((a, b) => a + b, 0) >= 9;
    }, 'nine refusals counted');
    expect(Object.fromEntries(counts)).toEqual({
      'unknown/unknown': 2,
      'request/unknown': 4,
      'request/attach': 1,
      'notice/dismiss': 1,
      'input/unknown': 1,
    });
    const lines = await waitFor(() => {
      const found = node.logs.filter((l) => l.msg === 'refused a node bus message');
      return found.length >= 9 && found;
    }, 'nine log lines');
    expect(lines.every((l) => l.code === 'BUS_REFUSED' && typeof l.reason === 'string')).toBe(true);
    expect(lines.find((l) => l.frame === 'input')).toMatchObject({ reason: 'input batch cut short' });
    expect(lines.find((l) => l.kind === 'attach')).toMatchObject({ frame: 'request', from: PEER });
  });

  it('rejects a request whose answer is not its kind of reply, and counts that at the asker', async () => {
    const LIAR = 'bus-liar';
    const sub = client();
    const pub = client();
    sub.on('smessageBuffer', (_channel: Buffer, message: Buffer) => {
      const request = JSON.parse(message.subarray(1).toString()) as { id: string; from: string };
      // A claim is answered with a slot or null; this answers a word.
      void pub.spublish(nodeChannel(request.from), json(2, { id: request.id, ok: true, body: 'seven' }));
    });
    await sub.ssubscribe(nodeChannel(LIAR));
    const before = peerRefusals.length;
    await expect(peer.request(LIAR, 'claim', { matchId: 'm', guest: { guestId: 'g', nickname: 'n' } })).rejects.toThrow(/answer to claim was malformed/);
    expect(peerRefusals.slice(before)).toEqual([{ frame: 'answer', kind: 'claim', from: null, reason: 'the reply must be a slot or null' }]);
  });
});
