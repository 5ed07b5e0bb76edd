/**
 * A raw engine.io client for hostile tests: it speaks the transport by hand, over a WebSocket (the
 * `ws` package socket.io already depends on) or over HTTP long-polling, so a test can put any
 * bytes on the wire, in any order, which socket.io-client never would. It decodes what the server
 * answers with the wire parser, to read `protocol_error` and `connect_error` packets.
 *
 * Engine.io v4 framing: a text frame is one packet-type digit and its data ('4' message, '3'
 * pong…); a binary WebSocket frame is a message. Polling posts packets joined by U+001E, binary
 * ones as 'b' + base64.
 */
import type { Packet } from 'socket.io-parser';
import WebSocket from 'ws';
import { COMPACT_WIRE, WIRE_QUERY_PARAM, wireParser } from '../../../shared/protocol/wire.ts';

export type Frame = string | Uint8Array;

/** What the server said or did to one raw connection. */
export interface RawOutcome {
  /** Set once the server (or the network) closed the connection. */
  closed: string | null;
  /** performance.now() when it closed. */
  closedAt: number | null;
  /** socket.io packets decoded from the server's messages, in order. */
  packets: Packet[];
  /** performance.now() when each packet arrived. */
  packetTimes: number[];
  /** Server frames the wire parser could not decode (never expected). */
  undecodable: number;
}

export interface RawConn {
  readonly transport: 'websocket' | 'polling';
  readonly outcome: RawOutcome;
  /** Sends engine.io frames as they are (type digit included); resolves once they left. */
  send(frames: Frame[]): Promise<void>;
  /** Resolves when the server closed the connection, or after `ms`; true if it closed. */
  waitClosed(ms: number): Promise<boolean>;
  /** Resolves with the first decoded packet that matches, or null after `ms`. */
  waitPacket(match: (p: Packet) => boolean, ms: number): Promise<Packet | null>;
  close(): Promise<void>;
}

const SEPARATOR = '\x1e';

function engineQuery(transport: string, sid?: string): string {
  // These clients speak the compact wire (the hostile frames are written in it), so they ask for it.
  return `/socket.io/?EIO=4&transport=${transport}&${WIRE_QUERY_PARAM}=${COMPACT_WIRE}${sid ? `&sid=${encodeURIComponent(sid)}` : ''}`;
}

/** Shared bookkeeping of both transports: decode messages, wake waiters. */
class Receiver {
  readonly outcome: RawOutcome = { closed: null, closedAt: null, packets: [], packetTimes: [], undecodable: 0 };
  private readonly waiters = new Set<() => void>();
  private readonly decoder = new wireParser.Decoder();

  constructor() {
    this.decoder.on('decoded', (p: Packet) => {
      this.outcome.packets.push(p);
      this.outcome.packetTimes.push(performance.now());
      this.wake();
    });
  }

  /** One engine.io packet from the server. */
  engine(frame: Frame, answerPing: () => void): void {
    if (typeof frame !== 'string') return this.message(frame);
    if (frame[0] === '2') return answerPing();
    if (frame[0] === '4') this.message(frame.slice(1));
    if (frame[0] === '1') this.close('server close packet');
  }

  private message(data: Frame): void {
    try {
      this.decoder.add(data);
    } catch {
      this.outcome.undecodable += 1;
    }
  }

  close(reason: string): void {
    if (this.outcome.closed !== null) return;
    this.outcome.closed = reason;
    this.outcome.closedAt = performance.now();
    this.decoder.destroy();
    this.wake();
  }

  private wake(): void {
    for (const w of [...this.waiters]) w();
  }

  until(test: () => boolean, ms: number): Promise<boolean> {
    if (test()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const check = () => {
        if (!test()) return;
        done(true);
      };
      const timer = setTimeout(() => done(false), ms);
      const done = (v: boolean) => {
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(v);
      };
      this.waiters.add(check);
    });
  }

  waitPacket(match: (p: Packet) => boolean, ms: number): Promise<Packet | null> {
    const find = () => this.outcome.packets.find(match) ?? null;
    return this.until(() => find() !== null || this.outcome.closed !== null, ms).then(() => find());
  }
}

/** Opens an engine.io WebSocket directly (no polling first) and waits for the open packet. */
export async function openWebSocket(baseUrl: string, opts: { timeoutMs?: number; decode?: boolean } = {}): Promise<RawConn & { ws: WebSocket }> {
  const url = baseUrl.replace(/^http/, 'ws') + engineQuery('websocket');
  const ws = new WebSocket(url, { perMessageDeflate: false });
  const rx = new Receiver();
  let opened!: () => void;
  const open = new Promise<void>((resolve) => (opened = resolve));
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    if (!isBinary) {
      const text = data.toString('utf8');
      if (text[0] === '0') opened();
      // decode: false, a client that only needs to keep reading: events are not decoded.
      if (opts.decode === false && (text.startsWith('42') || text.startsWith('43'))) return;
      rx.engine(text, () => ws.readyState === WebSocket.OPEN && ws.send('3'));
    } else if (opts.decode !== false) rx.engine(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), () => {});
  });
  ws.on('close', (code, reason) => {
    rx.close(`ws close ${code}${reason.length ? ` ${reason.toString()}` : ''}`);
    opened();
  });
  ws.on('error', (e) => rx.close(`ws error ${e.message}`));
  const timeoutMs = opts.timeoutMs ?? 5000;
  const timer = setTimeout(() => rx.close('no open packet in time'), timeoutMs);
  await open;
  clearTimeout(timer);
  if (rx.outcome.closed !== null) throw new Error(`raw websocket did not open: ${rx.outcome.closed}`);
  return {
    ws,
    transport: 'websocket',
    outcome: rx.outcome,
    send: (frames) =>
      new Promise<void>((resolve) => {
        if (ws.readyState !== WebSocket.OPEN || frames.length === 0) return resolve();
        let left = frames.length;
        for (const f of frames) {
          if (ws.readyState !== WebSocket.OPEN) return resolve();
          const done = () => --left === 0 && resolve();
          if (typeof f === 'string') ws.send(f, done);
          // Text frames with raw (maybe invalid UTF-8) bytes are sent as { binary: false } by the caller.
          else ws.send(f, { binary: !(f as { asText?: boolean }).asText }, done);
        }
      }),
    waitClosed: (ms) => rx.until(() => rx.outcome.closed !== null, ms),
    waitPacket: (match, ms) => rx.waitPacket(match, ms),
    close: () =>
      new Promise<void>((resolve) => {
        if (ws.readyState === WebSocket.CLOSED) return resolve();
        ws.once('close', () => resolve());
        ws.terminate();
      }),
  };
}

/** Marks bytes to go out as a WebSocket TEXT frame (e.g. invalid UTF-8 in a text frame). */
export function asTextFrame(bytes: Uint8Array): Uint8Array {
  return Object.assign(Buffer.from(bytes), { asText: true });
}

/**
 * Opens an engine.io long-polling session: the handshake GET, then one outstanding GET at a time
 * (as a browser would), and a POST per `send`.
 */
export async function openPolling(
  baseUrl: string,
  opts: { timeoutMs?: number } = {},
): Promise<RawConn & { sid: string; post(body: string | Uint8Array, contentType?: string): Promise<number>; stopPolling(): void }> {
  const timeoutMs = opts.timeoutMs ?? 5000;
  const rx = new Receiver();
  const first = await fetch(baseUrl + engineQuery('polling'), { signal: AbortSignal.timeout(timeoutMs) });
  const body = await first.text();
  if (body[0] !== '0') throw new Error(`polling handshake answered ${first.status}: ${body.slice(0, 80)}`);
  const sid = (JSON.parse(body.slice(1)) as { sid: string }).sid;
  const url = baseUrl + engineQuery('polling', sid);
  const stop = new AbortController();
  const post = async (payload: string | Uint8Array, contentType = 'text/plain;charset=UTF-8'): Promise<number> => {
    try {
      const res = await fetch(url, { method: 'POST', body: typeof payload === 'string' ? payload : Buffer.from(payload), headers: { 'content-type': contentType }, signal: AbortSignal.any([stop.signal, AbortSignal.timeout(timeoutMs)]) });
      await res.arrayBuffer();
      if (res.status !== 200) rx.close(`POST answered ${res.status}`);
      return res.status;
    } catch (e) {
      if (!stop.signal.aborted) rx.close(`POST failed: ${(e as Error).message}`);
      return 0;
    }
  };
  const decodePayload = (text: string): void => {
    for (const p of text.split(SEPARATOR)) {
      if (p.length === 0) continue;
      rx.engine(p[0] === 'b' ? new Uint8Array(Buffer.from(p.slice(1), 'base64')) : p, () => void post('3'));
    }
  };
  // A client that stops reading: no new GET after the one in flight (aborting that one would be a
  // disconnect, not a stall).
  const stopGets = new AbortController();
  void (async () => {
    while (rx.outcome.closed === null && !stop.signal.aborted && !stopGets.signal.aborted) {
      try {
        const res = await fetch(url, { signal: stop.signal });
        const text = await res.text();
        if (res.status !== 200) {
          rx.close(`GET answered ${res.status}`);
          break;
        }
        decodePayload(text);
      } catch (e) {
        if (!stop.signal.aborted && !stopGets.signal.aborted) rx.close(`GET failed: ${(e as Error).message}`);
        break;
      }
    }
  })();
  return {
    sid,
    post,
    stopPolling: () => stopGets.abort(),
    transport: 'polling',
    outcome: rx.outcome,
    async send(frames) {
      if (rx.outcome.closed !== null || frames.length === 0) return;
      const parts = frames.map((f) => (typeof f === 'string' ? f : 'b' + Buffer.from(f).toString('base64')));
      await post(parts.join(SEPARATOR));
    },
    waitClosed: (ms) => rx.until(() => rx.outcome.closed !== null, ms),
    waitPacket: (match, ms) => rx.waitPacket(match, ms),
    async close() {
      if (rx.outcome.closed === null) await post('1');
      rx.close('closed by the client');
      stop.abort();
    },
  };
}
