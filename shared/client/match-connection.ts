/**
 * A typed connection to a server's /match namespace: join, send inputs, receive decoded
 * snapshots, keep the clock in sync. No DOM and no Node-only APIs: the Phaser game and the
 * load-test bots both use it.
 */
import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import type { AckResult, WireError } from '../protocol/errors.ts';
import type { MatchClientEvents, MatchInfo, MatchResults, MatchServerEvents, PlayerInfo } from '../protocol/events.ts';
import { Namespaces } from '../protocol/events.ts';
import { encodeInput, type InputMessage } from '../protocol/input-codec.ts';
import type { Snapshot } from '../protocol/snapshot.ts';
import { wireParser } from '../protocol/wire.ts';
import { ClockSync } from './clock-sync.ts';
import { SnapshotStream } from './snapshot-stream.ts';

export type MatchSocket = Socket<MatchServerEvents, MatchClientEvents>;

export interface MatchConnectionOptions {
  /** Extra socket.io-client options (auth, transports, reconnection…). */
  socket?: Partial<ManagerOptions & SocketOptions>;
  /** Acknowledgement timeout for requests (ms). */
  timeoutMs?: number;
  /** Skip decoding: count snapshot bytes only (load-test bots in light mode). */
  decode?: boolean;
  now?: () => number;
}

export interface MatchConnectionEvents {
  snapshot?: (snapshot: Snapshot, bytes: number) => void;
  rawSnapshot?: (bytes: Uint8Array) => void;
  roster?: (players: PlayerInfo[]) => void;
  ended?: (results: MatchResults) => void;
  protocolError?: (error: WireError) => void;
  disconnect?: (reason: string) => void;
}

export class MatchConnection {
  readonly socket: MatchSocket;
  readonly clock = new ClockSync();
  readonly snapshots = new SnapshotStream();
  info: MatchInfo | null = null;
  private seq = 0;
  private readonly timeoutMs: number;
  private readonly now: () => number;

  constructor(url: string, handlers: MatchConnectionEvents = {}, opts: MatchConnectionOptions = {}) {
    this.timeoutMs = opts.timeoutMs ?? 5000;
    this.now = opts.now ?? (() => performance.timeOrigin + performance.now());
    const decode = opts.decode ?? true;
    this.socket = io(new URL(Namespaces.match, url).toString(), {
      parser: wireParser,
      transports: ['websocket'],
      ...opts.socket,
    });
    this.socket.on('snapshot', (bytes) => {
      const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes as ArrayBuffer);
      handlers.rawSnapshot?.(view);
      if (!decode) return;
      const result = this.snapshots.apply(view);
      if (result.ok) handlers.snapshot?.(result.value, view.length);
    });
    this.socket.on('roster', (players) => handlers.roster?.(players));
    this.socket.on('ended', (results) => handlers.ended?.(results));
    this.socket.on('protocol_error', (error) => handlers.protocolError?.(error));
    this.socket.on('disconnect', (reason) => handlers.disconnect?.(reason));
  }

  connected(): Promise<void> {
    if (this.socket.connected) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.socket.once('connect', () => resolve());
      this.socket.once('connect_error', (e) => reject(e));
    });
  }

  async join(nickname?: string): Promise<AckResult<MatchInfo>> {
    const res = await this.request<AckResult<MatchInfo>>((ack) => this.socket.emit('join', nickname === undefined ? {} : { nickname }, ack));
    if (res.ok) {
      this.info = res;
      this.snapshots.reset();
    }
    return res;
  }

  /** One clock-sync round trip; returns the sample's RTT in ms. */
  async syncClock(): Promise<number> {
    const sentAt = this.now();
    const serverTime = await this.request<number>((ack) => this.socket.emit('clock', ack));
    return this.clock.add(sentAt, serverTime, this.now()).rtt;
  }

  /** Sends one input with the next sequence number; returns that number. */
  sendInput(input: Omit<InputMessage, 'seq'>): number {
    this.seq += 1;
    this.socket.emit('input', encodeInput({ ...input, seq: this.seq }));
    return this.seq;
  }

  close(): void {
    this.socket.disconnect();
  }

  private request<T>(send: (ack: (res: T) => void) => void): Promise<T> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`request timed out after ${this.timeoutMs} ms`)), this.timeoutMs);
      send((res) => {
        clearTimeout(timer);
        resolve(res);
      });
    });
  }
}
