/**
 * How game nodes talk to each other directly, over Redis sharded pub/sub (SPUBLISH/SSUBSCRIBE,
 * Redis ≥ 7; on a Cluster each channel lives on the shard of its hash tag):
 *
 * - each node listens on its own channel `{node:<id>}:bus` for requests (a player on another node
 *   joins a match this node owns…), their answers, notices, and relayed inputs;
 * - each match that has players on other nodes has a stream channel `{snap:<matchId>}`: its owner
 *   publishes each encoded snapshot there once per tick, and only nodes with players in it
 *   subscribe (so a node never receives the traffic of matches it has nobody in).
 *
 * Frames are binary, first byte the kind:
 *   1 request  | JSON { id, from, body }          2 answer | JSON { id, ok, body | error }
 *   3 notice   | JSON { from, body }
 *   4 inputs   | f64 sentAt | u16 count | count × (u8 len matchId | u8 len conn | u16 len | bytes)
 *   stream     | u8 len ownerNodeId | ownerNodeId | snapshot bytes
 * Inputs are binary because they are the hot path (20–30 a second per remote player).
 *
 * What a request or notice carries, and what a request is answered, is listed once in
 * bus-messages.ts. Everything that arrives is checked before it is acted on: a frame that is
 * not one of these shapes (a node of another version, a stray publish) is refused through
 * `onRefused` and dropped; a request with a bad body is answered with an error, so its asker
 * fails at once instead of timing out; an answer that is not the reply its request expects
 * rejects that request.
 */
import { randomUUID } from 'node:crypto';
import {
  isNoticeKind,
  isRequestKind,
  parseNotice,
  parseRequest,
  REQUEST_REPLIES,
  type BusNotice,
  type BusNotices,
  type BusRequest,
  type NoticeKind,
  type RequestBody,
  type RequestKind,
  type RequestReply,
} from './bus-messages.ts';
import type { RedisClient } from './redis-script.ts';

const REQUEST = 1;
const ANSWER = 2;
const NOTICE = 3;
const INPUT = 4;
/** How long relayed inputs wait to share a publish (ms). */
const INPUT_BATCH_MS = 2;

export class ClusterUnavailableError extends Error {
  override readonly name = 'ClusterUnavailableError';
}

/** One handler per request kind, given the checked body; each answers its kind's reply. */
export type RequestHandlers = { [K in RequestKind]: (from: string, body: RequestBody<K>) => Promise<RequestReply<K>> | RequestReply<K> };
/** One handler per notice kind, given the checked body. */
export type NoticeHandlers = { [K in NoticeKind]: (from: string, body: BusNotices[K]) => void };

/** Which frame of the bus a refused message came as. */
export type BusFrame = 'request' | 'answer' | 'notice' | 'input' | 'stream' | 'unknown';

/** A message refused at this node: what it was, the request or notice kind if it named a known one, and why. */
export interface BusRefusal {
  frame: BusFrame;
  kind: RequestKind | NoticeKind | 'unknown';
  /** The sending node, when the frame named one. */
  from: string | null;
  reason: string;
}
export type InputHandler = (matchId: string, connectionId: string, bytes: Uint8Array) => void;
export type StreamHandler = (ownerNodeId: string, bytes: Uint8Array) => void;

export interface NodeBusOptions {
  nodeId: string;
  publisher: RedisClient;
  subscriber: RedisClient;
  requestTimeoutMs?: number;
  /** The server clock (ms): stamps relayed inputs, to measure the relay's latency. */
  clock: () => number;
  onError?: (error: unknown) => void;
  /** Bytes published, by kind (stream, input, control), for /metrics. */
  onPublish?: (kind: 'stream' | 'input' | 'control', bytes: number) => void;
  /** A relayed input arrived, `ms` after it left its node. */
  onInputRelayed?: (ms: number) => void;
  /** A message from another node (or anyone publishing on this node's channel) failed its check. */
  onRefused?: (refusal: BusRefusal) => void;
}

interface Pending {
  kind: RequestKind;
  resolve(value: unknown): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

/** A request answered with an error by the node asked (or refused as malformed there). */
export class BusRequestError extends Error {
  override readonly name = 'BusRequestError';
}

/** Longest node id a frame may name (ids are host names or short labels). */
const NODE_ID_MAX = 128;
const isNodeId = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= NODE_ID_MAX;

export const nodeChannel = (nodeId: string): string => `{node:${nodeId}}:bus`;
export const streamChannel = (matchId: string): string => `{snap:${matchId}}`;
/** The match's spectators' stream (SPECTATOR_DELAY_S behind), as the owner makes it for its own spectators. */
export const spectatorChannel = (matchId: string): string => `{spec:${matchId}}`;

/** Which of a match's two streams: the players' (live) or the spectators' (delayed). */
export type StreamKind = 'players' | 'spectators';
const channelOf = (matchId: string, kind: StreamKind): string => (kind === 'players' ? streamChannel(matchId) : spectatorChannel(matchId));

/** How soon a refused subscription to the node's own channel is tried again. */
const LISTEN_RETRY_MS = 250;

export class NodeBus {
  readonly nodeId: string;
  private readonly pending = new Map<string, Pending>();
  /** Inputs waiting to go, per owner node (see sendInput). */
  private readonly inputBatches = new Map<string, { items: Buffer[]; size: number }>();
  private readonly streams = new Map<string, StreamHandler>();
  /** Stream subscriptions sent and not yet confirmed, by channel. */
  private readonly subscribing = new Map<string, Promise<void>>();
  private onRequest: RequestHandlers | null = null;
  private onNotice: NoticeHandlers | null = null;
  private onInput: InputHandler = () => undefined;
  private readonly ownChannel: string;
  /** Resolves once Redis confirmed this node's own channel: requests sent to it arrive from then on. */
  readonly listening: Promise<void>;
  /** True once `listening` resolved (the node's readiness waits for it). */
  isListening = false;
  private closed = false;
  private readonly timeoutMs: number;
  private readonly encoder = new TextEncoder();
  private readonly decoder = new TextDecoder();

  constructor(private readonly opts: NodeBusOptions) {
    this.nodeId = opts.nodeId;
    this.ownChannel = nodeChannel(opts.nodeId);
    this.timeoutMs = opts.requestTimeoutMs ?? 2000;
    const sub = opts.subscriber;
    sub.on('smessageBuffer', (channel: Buffer, message: Buffer) => this.receive(channel.toString(), message));
    this.listening = this.listen(sub);
  }

  /**
   * Subscribes to this node's own channel until Redis confirms it. A node that starts while Redis
   * is away has its first SSUBSCRIBE refused, and Redis' client resubscribes after a reconnect only
   * the channels it once confirmed: without trying again the node would never hear a request or
   * an answer (seen in a roll during a Redis outage: every attach through the new node timed out).
   */
  private async listen(sub: NodeBusOptions['subscriber']): Promise<void> {
    while (!this.closed) {
      try {
        await (sub.ssubscribe(this.ownChannel) as Promise<unknown>);
        this.isListening = true;
        return;
      } catch (e) {
        this.opts.onError?.(e);
        await new Promise((r) => setTimeout(r, LISTEN_RETRY_MS));
      }
    }
  }

  handleRequests(handler: RequestHandlers): void {
    this.onRequest = handler;
  }

  handleNotices(handler: NoticeHandlers): void {
    this.onNotice = handler;
  }

  handleInputs(handler: InputHandler): void {
    this.onInput = handler;
  }

  /**
   * Asks `nodeId`; rejects with ClusterUnavailableError when it does not answer in time, and with
   * BusRequestError when it answers an error or a reply that is not this kind's.
   */
  request<K extends RequestKind>(nodeId: string, kind: K, body: RequestBody<K>): Promise<RequestReply<K>> {
    const id = randomUUID();
    return new Promise<RequestReply<K>>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new ClusterUnavailableError(`node ${nodeId} did not answer ${kind} within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      this.pending.set(id, { kind, resolve: resolve as (v: unknown) => void, reject, timer });
      this.publish(nodeChannel(nodeId), this.json(REQUEST, { id, from: this.nodeId, body: { kind, ...body } })).catch((error: unknown) => {
        clearTimeout(timer);
        this.pending.delete(id);
        reject(new ClusterUnavailableError(`cannot reach node ${nodeId}: ${error instanceof Error ? error.message : String(error)}`));
      });
    });
  }

  /** Fire and forget (told, not asked): dismissals, takeovers. */
  notify<K extends NoticeKind>(nodeId: string, kind: K, body: BusNotices[K]): void {
    this.publish(nodeChannel(nodeId), this.json(NOTICE, { from: this.nodeId, body: { kind, ...body } })).catch((e: unknown) => this.opts.onError?.(e));
  }

  /**
   * A player's input, as it came from the player's socket, to the match's owner. Inputs to one
   * node are batched for up to INPUT_BATCH_MS: one publish carries every input that arrived
   * meanwhile (a node relaying 64 players sends ~20 publishes a second instead of ~1,300),
   * which costs the input at most that long, far below a tick.
   */
  sendInput(nodeId: string, matchId: string, connectionId: string, bytes: Uint8Array): void {
    const m = this.encoder.encode(matchId);
    const c = this.encoder.encode(connectionId);
    const item = Buffer.allocUnsafe(4 + m.length + c.length + bytes.length);
    item[0] = m.length;
    item.set(m, 1);
    item[1 + m.length] = c.length;
    item.set(c, 2 + m.length);
    item.writeUInt16BE(bytes.length, 2 + m.length + c.length);
    item.set(bytes, 4 + m.length + c.length);
    let batch = this.inputBatches.get(nodeId);
    if (!batch) {
      batch = { items: [], size: 0 };
      this.inputBatches.set(nodeId, batch);
      setTimeout(() => this.flushInputs(nodeId), INPUT_BATCH_MS);
    }
    batch.items.push(item);
    batch.size += item.length;
  }

  private flushInputs(nodeId: string): void {
    const batch = this.inputBatches.get(nodeId);
    this.inputBatches.delete(nodeId);
    if (!batch || batch.items.length === 0) return;
    const frame = Buffer.allocUnsafe(11 + batch.size);
    frame[0] = INPUT;
    frame.writeDoubleBE(this.opts.clock(), 1);
    frame.writeUInt16BE(batch.items.length, 9);
    let at = 11;
    for (const item of batch.items) {
      frame.set(item, at);
      at += item.length;
    }
    this.publish(nodeChannel(nodeId), frame, 'input').catch((e: unknown) => this.opts.onError?.(e));
  }

  /** One encoded snapshot to every node with players (or, `spectators`, spectators) in the match. */
  publishSnapshot(matchId: string, bytes: Uint8Array, kind: StreamKind = 'players'): void {
    const id = this.encoder.encode(this.nodeId);
    const frame = Buffer.allocUnsafe(1 + id.length + bytes.length);
    frame[0] = id.length;
    frame.set(id, 1);
    frame.set(bytes, 1 + id.length);
    this.publish(channelOf(matchId, kind), frame, 'stream').catch((e: unknown) => this.opts.onError?.(e));
  }

  /**
   * Receives the match's stream through `handler` (replacing the one before, without a gap).
   * Resolves once Redis confirmed the subscription (at once when it was already there): what the
   * owner publishes from then on arrives. Never rejects (a Redis error goes to onError).
   */
  subscribeStream(matchId: string, handler: StreamHandler, kind: StreamKind = 'players'): Promise<void> {
    const channel = channelOf(matchId, kind);
    const fresh = !this.streams.has(channel);
    this.streams.set(channel, handler);
    if (!fresh) return this.subscribing.get(channel) ?? Promise.resolve();
    const done = (this.opts.subscriber.ssubscribe(channel) as Promise<unknown>)
      .then(() => undefined, (e: unknown) => this.opts.onError?.(e))
      .finally(() => {
        if (this.subscribing.get(channel) === done) this.subscribing.delete(channel);
      });
    this.subscribing.set(channel, done);
    return done;
  }

  unsubscribeStream(matchId: string, kind: StreamKind = 'players'): void {
    const channel = channelOf(matchId, kind);
    if (!this.streams.delete(channel)) return;
    this.subscribing.delete(channel);
    void (this.opts.subscriber.sunsubscribe(channel) as Promise<unknown>).catch((e: unknown) => this.opts.onError?.(e));
  }

  close(): void {
    this.closed = true;
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(new ClusterUnavailableError('node bus closed'));
    }
    this.pending.clear();
  }

  private publish(channel: string, frame: Buffer, kind: 'stream' | 'input' | 'control' = 'control'): Promise<unknown> {
    this.opts.onPublish?.(kind, frame.length);
    return this.opts.publisher.spublish(channel, frame) as Promise<unknown>;
  }

  private json(kind: number, value: unknown): Buffer {
    const text = Buffer.from(JSON.stringify(value));
    const frame = Buffer.allocUnsafe(1 + text.length);
    frame[0] = kind;
    text.copy(frame, 1);
    return frame;
  }

  private receive(channel: string, message: Buffer): void {
    try {
      if (channel !== this.ownChannel) return this.receiveStream(channel, message);
      const kind = message[0];
      if (kind === INPUT) return this.receiveInputs(message);
      const frame: BusFrame = kind === REQUEST ? 'request' : kind === ANSWER ? 'answer' : kind === NOTICE ? 'notice' : 'unknown';
      if (frame === 'unknown') return this.refuse({ frame, kind: 'unknown', from: null, reason: `unknown frame type ${String(kind)}` });
      let value: unknown;
      try {
        value = JSON.parse(message.subarray(1).toString());
      } catch {
        return this.refuse({ frame, kind: 'unknown', from: null, reason: 'not JSON' });
      }
      if (value === null || typeof value !== 'object' || Array.isArray(value)) return this.refuse({ frame, kind: 'unknown', from: null, reason: 'not an object' });
      const envelope = value as Record<string, unknown>;
      if (frame === 'answer') return this.settle(envelope);
      const from = envelope.from;
      if (!isNodeId(from)) return this.refuse({ frame, kind: 'unknown', from: null, reason: 'no sending node' });
      if (frame === 'request') return void this.answer(from, envelope);
      const notice = parseNotice(envelope.body);
      if (!notice.ok) return this.refuse({ frame, kind: kindOf(envelope.body), from, reason: notice.message });
      this.dispatchNotice(from, notice.value);
    } catch (error) {
      this.opts.onError?.(error);
    }
  }

  /** `u8 len ownerNodeId | ownerNodeId | snapshot bytes`: the snapshot is the game codec's to check. */
  private receiveStream(channel: string, message: Buffer): void {
    const handler = this.streams.get(channel);
    if (!handler) return;
    const len = message.length > 0 ? message[0]! : 0;
    if (len === 0 || message.length < 1 + len) return this.refuse({ frame: 'stream', kind: 'unknown', from: null, reason: 'stream frame shorter than its header' });
    handler(this.decoder.decode(message.subarray(1, 1 + len)), new Uint8Array(message.buffer, message.byteOffset + 1 + len, message.length - 1 - len));
  }

  /**
   * `f64 sentAt | u16 count | count × (u8 len matchId | u8 len conn | u16 len | bytes)`. The
   * whole frame is walked before any input is handed on: a batch cut short or padded is refused
   * as one, not applied in part.
   */
  private receiveInputs(message: Buffer): void {
    const refuse = (reason: string): void => this.refuse({ frame: 'input', kind: 'unknown', from: null, reason });
    if (message.length < 11) return refuse('input frame shorter than its header');
    const sentAt = message.readDoubleBE(1);
    if (!Number.isFinite(sentAt)) return refuse('input frame without a send time');
    const count = message.readUInt16BE(9);
    const items: { matchId: string; conn: string; start: number; len: number }[] = [];
    let at = 11;
    for (let i = 0; i < count; i++) {
      if (at + 1 > message.length) return refuse('input batch cut short');
      const ml = message[at]!;
      if (at + 2 + ml > message.length) return refuse('input batch cut short');
      const cl = message[at + 1 + ml]!;
      const start = at + 4 + ml + cl;
      if (start > message.length) return refuse('input batch cut short');
      const len = message.readUInt16BE(at + 2 + ml + cl);
      if (start + len > message.length) return refuse('input batch cut short');
      items.push({
        matchId: this.decoder.decode(message.subarray(at + 1, at + 1 + ml)),
        conn: this.decoder.decode(message.subarray(at + 2 + ml, at + 2 + ml + cl)),
        start,
        len,
      });
      at = start + len;
    }
    if (at !== message.length) return refuse('input frame longer than its batch');
    const delay = this.opts.clock() - sentAt;
    for (const item of items) {
      this.opts.onInputRelayed?.(delay);
      this.onInput(item.matchId, item.conn, new Uint8Array(message.buffer, message.byteOffset + item.start, item.len));
    }
  }

  private async answer(from: string, envelope: Record<string, unknown>): Promise<void> {
    const id = envelope.id;
    if (typeof id !== 'string' || id.length === 0 || id.length > 64) return this.refuse({ frame: 'request', kind: kindOf(envelope.body), from, reason: 'no request id' });
    const request = parseRequest(envelope.body);
    let reply: unknown;
    if (!request.ok) {
      this.refuse({ frame: 'request', kind: kindOf(envelope.body), from, reason: request.message });
      reply = { id, ok: false, error: `refused: ${request.message}` };
    } else {
      try {
        reply = { id, ok: true, body: await this.dispatchRequest(from, request.value) };
      } catch (error) {
        reply = { id, ok: false, error: error instanceof Error ? error.message : String(error) };
      }
    }
    await this.publish(nodeChannel(from), this.json(ANSWER, reply)).catch((e: unknown) => this.opts.onError?.(e));
  }

  private settle(answer: Record<string, unknown>): void {
    const id = answer.id;
    const p = typeof id === 'string' ? this.pending.get(id) : undefined;
    // An answer nobody waits for: late (its request timed out), or not for this node. Not refused:
    // a late answer is the normal end of a timeout.
    if (!p || typeof id !== 'string') return;
    this.pending.delete(id);
    clearTimeout(p.timer);
    if (answer.ok === true) {
      const reply = REQUEST_REPLIES[p.kind](answer.body);
      if (reply.ok) return p.resolve(reply.value);
      this.refuse({ frame: 'answer', kind: p.kind, from: null, reason: reply.message });
      return p.reject(new BusRequestError(`the answer to ${p.kind} was malformed: ${reply.message}`));
    }
    const error = typeof answer.error === 'string' ? answer.error.slice(0, 500) : 'the node answered an error without a message';
    p.reject(new BusRequestError(error));
  }

  private dispatchRequest(from: string, request: BusRequest): unknown {
    if (!this.onRequest) throw new Error('no request handler');
    // The parser paired the kind with its body's type; TypeScript cannot follow the pair through the union.
    const handler = this.onRequest[request.kind] as (from: string, body: BusRequest['body']) => unknown;
    return handler(from, request.body);
  }

  private dispatchNotice(from: string, notice: BusNotice): void {
    const handler = this.onNotice?.[notice.kind] as ((from: string, body: BusNotice['body']) => void) | undefined;
    handler?.(from, notice.body);
  }

  private refuse(refusal: BusRefusal): void {
    this.opts.onRefused?.(refusal);
  }
}

/** The kind a body names, if it is one of the map's (for the refusal's label). */
function kindOf(body: unknown): RequestKind | NoticeKind | 'unknown' {
  if (body === null || typeof body !== 'object') return 'unknown';
  const kind = (body as { kind?: unknown }).kind;
  return isRequestKind(kind) || isNoticeKind(kind) ? kind : 'unknown';
}
