/**
 * Every member of `ws` the server reaches outside its documented API, in one place.
 *
 * - `websocket._sender.sendFrame(list)`: writes ready-made frame bytes to the TCP socket, as
 *   engine.io itself does for pre-encoded broadcast frames (its transports/websocket.js). The
 *   direct snapshot write (room-transport.ts) hands every idle member the same frame this way.
 *
 * `probeWs` checks that member once at start-up on a WebSocket built the way `ws`'s server builds
 * one (`setSocket` over a stream standing in for the TCP socket) by writing one frame through it.
 * If an upgrade moved it, the probe names what is missing and the server sends every snapshot
 * through socket.io (`socket.emit`), the public path.
 */
import { Duplex } from 'node:stream';
import { WebSocket } from 'ws';

/** The public `ws` members the direct paths use. */
export interface ServerWebSocket {
  readonly readyState: number;
  readonly bufferedAmount: number;
  listeners(event: 'message'): ((data: unknown, isBinary: boolean) => void)[];
  removeListener(event: 'message', fn: (data: unknown, isBinary: boolean) => void): unknown;
  on(event: 'message', fn: (data: unknown, isBinary: boolean) => void): unknown;
}

interface WithSender {
  _sender?: { sendFrame?: (list: Buffer[], cb?: () => void) => void } | null;
}

/** null when the members above are where this module expects them, else what is missing. */
export type ShapeProblem = string | null;

/** The constructor the probe builds its WebSocket with (the real one, or a stand-in in tests). */
export type WsClass = new (address: null, protocols: undefined, options: object) => unknown;

/** True when `ws` has a sender taking whole frames: its frames can be written directly. */
export function writesFrames(ws: ServerWebSocket): boolean {
  return typeof (ws as WithSender)._sender?.sendFrame === 'function';
}

/** Writes `list` (one complete frame) on `ws`'s TCP socket, after whatever ws has written. Only when `writesFrames(ws)`. */
export function writeFrame(ws: ServerWebSocket, list: Buffer[]): void {
  (ws as WithSender)._sender!.sendFrame!(list);
}

export function probeWs(Ws: WsClass = WebSocket as unknown as WsClass): ShapeProblem {
  const written: Buffer[] = [];
  const tcp = new Duplex({
    read() {},
    write(chunk: Buffer, _encoding, done) {
      written.push(chunk);
      done();
    },
  });
  try {
    const ws = new Ws(null, undefined, {}) as ServerWebSocket & WithSender & { setSocket?: (s: Duplex, head: Buffer, o: object) => void };
    if (typeof ws.setSocket !== 'function') return 'ws: WebSocket#setSocket is gone (the probe cannot build a server-side socket)';
    ws.setSocket(tcp, Buffer.alloc(0), { maxPayload: 1024, skipUTF8Validation: false, allowSynchronousEvents: true });
    if (!writesFrames(ws)) return 'ws: WebSocket#_sender.sendFrame is gone (direct snapshot writes need it)';
    const frame = Buffer.from([0x82, 0x01, 0x2a]);
    writeFrame(ws, [frame]);
    if (!Buffer.concat(written).equals(frame)) return 'ws: WebSocket#_sender.sendFrame no longer writes the frame as given';
    return null;
  } catch (err) {
    return `ws: the probe WebSocket could not be built (${(err as Error).message})`;
  } finally {
    tcp.destroy();
  }
}
