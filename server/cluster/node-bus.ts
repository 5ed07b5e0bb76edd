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
 */
import { randomUUID } from 'node:crypto';
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

export type RequestHandler = (from: string, body: Record<string, unknown>) => Promise<unknown> | unknown;
export type NoticeHandler = (from: string, body: Record<string, unknown>) => void;
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
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

export const nodeChannel = (nodeId: string): string => `{node:${nodeId}}:bus`;
export const streamChannel = (matchId: string): string => `{snap:${matchId}}`;

export class NodeBus {
  readonly nodeId: string;
  private readonly pending = new Map<string, Pending>();
  /** Inputs waiting to go, per owner node (see sendInput). */
  private readonly inputBatches = new Map<string, { items: Buffer[]; size: number }>();
  private readonly streams = new Map<string, StreamHandler>();
  private onRequest: RequestHandler = () => {
    throw new Error('no request handler');
  };
  private onNotice: NoticeHandler = () => undefined;
  private onInput: InputHandler = () => undefined;
  private readonly ownChannel: string;
  private readonly timeoutMs: number;
  private readonly encoder = new TextEncoder();
  private readonly decoder = new TextDecoder();

  constructor(private readonly opts: NodeBusOptions) {
    this.nodeId = opts.nodeId;
    this.ownChannel = nodeChannel(opts.nodeId);
    this.timeoutMs = opts.requestTimeoutMs ?? 2000;
    const sub = opts.subscriber;
    sub.on('smessageBuffer', (channel: Buffer, message: Buffer) => this.receive(channel.toString(), message));
    void (sub.ssubscribe(this.ownChannel) as Promise<unknown>).catch((e: unknown) => this.opts.onError?.(e));
  }

  handleRequests(handler: RequestHandler): void {
    this.onRequest = handler;
  }

  handleNotices(handler: NoticeHandler): void {
    this.onNotice = handler;
  }

  handleInputs(handler: InputHandler): void {
    this.onInput = handler;
  }

  /** Asks `nodeId`; rejects with ClusterUnavailableError when it does not answer in time. */
  request<T = unknown>(nodeId: string, body: Record<string, unknown>): Promise<T> {
    const id = randomUUID();
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new ClusterUnavailableError(`node ${nodeId} did not answer ${String(body.kind)} within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
      this.publish(nodeChannel(nodeId), this.json(REQUEST, { id, from: this.nodeId, body })).catch((error: unknown) => {
        clearTimeout(timer);
        this.pending.delete(id);
        reject(new ClusterUnavailableError(`cannot reach node ${nodeId}: ${error instanceof Error ? error.message : String(error)}`));
      });
    });
  }

  /** Fire and forget (told, not asked): dismissals, takeovers. */
  notify(nodeId: string, body: Record<string, unknown>): void {
    this.publish(nodeChannel(nodeId), this.json(NOTICE, { from: this.nodeId, body })).catch((e: unknown) => this.opts.onError?.(e));
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

  /** One encoded snapshot to every node with players in the match. */
  publishSnapshot(matchId: string, bytes: Uint8Array): void {
    const id = this.encoder.encode(this.nodeId);
    const frame = Buffer.allocUnsafe(1 + id.length + bytes.length);
    frame[0] = id.length;
    frame.set(id, 1);
    frame.set(bytes, 1 + id.length);
    this.publish(streamChannel(matchId), frame, 'stream').catch((e: unknown) => this.opts.onError?.(e));
  }

  subscribeStream(matchId: string, handler: StreamHandler): void {
    const channel = streamChannel(matchId);
    const fresh = !this.streams.has(channel);
    this.streams.set(channel, handler);
    if (fresh) void (this.opts.subscriber.ssubscribe(channel) as Promise<unknown>).catch((e: unknown) => this.opts.onError?.(e));
  }

  unsubscribeStream(matchId: string): void {
    const channel = streamChannel(matchId);
    if (!this.streams.delete(channel)) return;
    void (this.opts.subscriber.sunsubscribe(channel) as Promise<unknown>).catch((e: unknown) => this.opts.onError?.(e));
  }

  close(): void {
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
      if (channel !== this.ownChannel) {
        const handler = this.streams.get(channel);
        if (!handler || message.length < 1) return;
        const len = message[0]!;
        handler(this.decoder.decode(message.subarray(1, 1 + len)), new Uint8Array(message.buffer, message.byteOffset + 1 + len, message.length - 1 - len));
        return;
      }
      const kind = message[0];
      if (kind === INPUT) {
        const delay = this.opts.clock() - message.readDoubleBE(1);
        const count = message.readUInt16BE(9);
        let at = 11;
        for (let i = 0; i < count; i++) {
          const ml = message[at]!;
          const matchId = this.decoder.decode(message.subarray(at + 1, at + 1 + ml));
          const cl = message[at + 1 + ml]!;
          const conn = this.decoder.decode(message.subarray(at + 2 + ml, at + 2 + ml + cl));
          const len = message.readUInt16BE(at + 2 + ml + cl);
          const start = at + 4 + ml + cl;
          this.opts.onInputRelayed?.(delay);
          this.onInput(matchId, conn, new Uint8Array(message.buffer, message.byteOffset + start, len));
          at = start + len;
        }
        return;
      }
      const value = JSON.parse(message.subarray(1).toString()) as Record<string, unknown>;
      if (kind === REQUEST) void this.answer(value);
      else if (kind === ANSWER) this.settle(value);
      else if (kind === NOTICE) this.onNotice(String(value.from), value.body as Record<string, unknown>);
    } catch (error) {
      this.opts.onError?.(error);
    }
  }

  private async answer(req: Record<string, unknown>): Promise<void> {
    const from = String(req.from);
    let reply: unknown;
    try {
      reply = { id: req.id, ok: true, body: await this.onRequest(from, req.body as Record<string, unknown>) };
    } catch (error) {
      reply = { id: req.id, ok: false, error: error instanceof Error ? error.message : String(error) };
    }
    await this.publish(nodeChannel(from), this.json(ANSWER, reply)).catch((e: unknown) => this.opts.onError?.(e));
  }

  private settle(answer: Record<string, unknown>): void {
    const p = this.pending.get(String(answer.id));
    if (!p) return;
    this.pending.delete(String(answer.id));
    clearTimeout(p.timer);
    if (answer.ok) p.resolve(answer.body);
    else p.reject(new Error(String(answer.error)));
  }
}
