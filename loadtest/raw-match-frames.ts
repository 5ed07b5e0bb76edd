/**
 * The lightest honest bot's wire (`--light`): the two messages a player exchanges every tick
 * bypass socket.io-client, engine.io-client and the `ws` library's stream machinery, the way the
 * server's /match fast paths bypass socket.io and engine.io (server/net/input-fast-path.ts,
 * room-transport.ts). At 2,000 bots those layers cost the load generator more than the game it
 * plays (the 2,000-bot capacity run: one core at 99 %).
 *
 * - In: the bot reads the TCP socket under the `ws` socket engine.io-client opened. Its 'data'
 *   listener takes the place of `ws`'s own (websocket.js `socketOnData`, which writes each chunk
 *   to ws's Receiver stream) and walks the frames (ws-snapshot-reader.ts): a complete binary
 *   frame `02 01 00 …` (EVENT, /match, `snapshot`: wire-parser.ts) is handed to `onSnapshot`,
 *   a view into the chunk; every other byte (lobby, acks, clock answers, engine.io pings, close
 *   frames) goes on to ws's listener in order, unchanged, and from there to engine.io-client.
 *   When ws stops reading (close frame, receiver error, socket closed: it removes its listener)
 *   the tap comes off with it.
 * - Out: `writeInput` builds the same frame socket.io-client would write for
 *   `emit('input', bytes)`, masked as every client frame must be, and writes it in one
 *   `socket.write` (ws-client-frame.ts). It cannot land inside a frame of ws's Sender: with
 *   permessage-deflate off (engine.io's server default; checked per connection) the Sender
 *   writes each frame whole, synchronously. Returns false when the connection is not open on
 *   WebSocket (the caller then emits the ordinary way).
 *
 * If the `ws` socket is not shaped as expected (another ws version, no TCP socket: the start-up
 * check says so, internals/bot-internals.ts), the bot falls back to listening to ws's 'message'
 * event and writing through `ws.send`; if engine.io-client's is not, to socket.io-client.
 *
 * Nothing is lost for the server: it gets the same frames. Engine.io-client does not see the
 * snapshot frames, which is fine: its liveness check follows the server's pings, which still reach it.
 */
import type { Socket as NetSocket } from 'node:net';
import type { Manager } from 'socket.io-client';
import { wireParser } from '../shared/protocol/wire.ts';
import type { BotInternals } from './internals/bot-internals.ts';
import { webSocketOf, type ClientEngine } from './internals/engine-io-client.ts';
import { MaskSource, maskedBinaryFrame } from './ws-client-frame.ts';
import { tapWsSocket } from './ws-socket-tap.ts';

const INPUT_PREFIX = wireParser.eventPrefix('/match', 'input')!;
const SNAPSHOT_PREFIX = wireParser.eventPrefix('/match', 'snapshot')!;
const HEADER = INPUT_PREFIX.length;
const WS_OPEN = 1;

/** The public members of the `ws` WebSocket this module uses. */
interface RawWs {
  readyState: number;
  onmessage: ((ev: { data: unknown }) => void) | null;
  on(event: 'message', fn: (data: unknown, isBinary: boolean) => void): unknown;
  send(data: Uint8Array, opts: { binary: boolean; compress: boolean }): void;
}

interface EngineLike extends ClientEngine {
  on(ev: 'upgrade', fn: (t: ClientEngine['transport']) => void): void;
}

export class RawMatchFrames {
  private ws: RawWs | null = null;
  /** The tapped TCP socket of `ws`, when inputs may be written on it directly. */
  private socket: NetSocket | null = null;
  private readonly masks = new MaskSource();

  constructor(
    private readonly manager: Manager,
    private readonly onSnapshot: (payload: Uint8Array) => void,
    private readonly internals: BotInternals,
  ) {
    if (!internals.engineWs) return;
    const engine = (): EngineLike | undefined => manager.engine as unknown as EngineLike | undefined;
    if (engine()?.readyState === 'open') this.tap(engine()?.transport);
    // Every (re)connection opens a new engine.io socket, and with it a new `ws` socket.
    manager.on('open', () => {
      this.tap(engine()?.transport);
      // A connection that starts on polling reaches WebSocket by upgrading.
      engine()?.on('upgrade', (t) => this.tap(t));
    });
  }

  /** True when snapshots are read from the TCP socket and inputs written to it (not through ws). */
  get onTcp(): boolean {
    return this.socket !== null;
  }

  /** Writes one input frame; false when it cannot (the caller sends it through socket.io). */
  writeInput(payload: Uint8Array): boolean {
    const ws = this.ws;
    const engine = this.manager.engine as unknown as EngineLike | undefined;
    if (!ws || ws.readyState !== WS_OPEN || engine?.readyState !== 'open' || webSocketOf(engine) !== ws) return false;
    if (this.socket) {
      this.socket.write(maskedBinaryFrame(INPUT_PREFIX, payload, this.masks));
      return true;
    }
    const frame = new Uint8Array(HEADER + payload.length);
    frame.set(INPUT_PREFIX, 0);
    frame.set(payload, HEADER);
    ws.send(frame, { binary: true, compress: false });
    return true;
  }

  private tap(transport: ClientEngine['transport']): void {
    const ws = webSocketOf({ transport }) as RawWs | null;
    this.ws = ws;
    this.socket = null;
    if (!ws) return;
    // 'open' fires inside ws's Receiver, while it parses the handshake frame. Once it is done with
    // that chunk (before the next read), it is at a frame boundary and the socket can be tapped.
    process.nextTick(() => {
      if (this.ws !== ws) return;
      const internals = this.internals;
      this.socket = internals.tap ? tapWsSocket(ws, SNAPSHOT_PREFIX, this.onSnapshot, { sharedReads: internals.sharedReads, onReadShapeMoved: () => internals.nodeHandleMoved() }) : null;
      if (!this.socket) this.listenOnWs(ws);
    });
  }

  /** No TCP tap: snapshots are picked out of ws's 'message' events, ahead of engine.io-client. */
  private listenOnWs(ws: RawWs): void {
    // engine.io-client listens through `onmessage`, which `ws` wraps in a MessageEvent per
    // frame: take its handler off and listen to the raw event instead.
    const engineHandler = ws.onmessage;
    ws.onmessage = null;
    ws.on('message', (data, isBinary) => {
      if (isBinary && data instanceof Uint8Array && data.length > HEADER && data[0] === SNAPSHOT_PREFIX[0] && data[1] === SNAPSHOT_PREFIX[1] && data[2] === SNAPSHOT_PREFIX[2]) {
        this.onSnapshot(data.subarray(HEADER));
        return;
      }
      engineHandler?.call(ws as never, { data: isBinary ? data : String(data) });
    });
  }
}
