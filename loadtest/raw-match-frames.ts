/**
 * The lightest honest bot's wire (`--light`): the two messages a player exchanges every tick
 * bypass socket.io-client and engine.io-client, the way the server's /match fast paths bypass
 * socket.io and engine.io (server/net/input-fast-path.ts, room-transport.ts). At 2,000 bots those
 * layers cost the load generator more than the game it plays (issue 9's capacity run: one
 * core at 99 % with event-loop delay p99 664 ms).
 *
 * - In: a binary frame `02 01 00 …` (EVENT, /match, `snapshot`: wire-parser.ts) is handed to
 *   `onSnapshot` with its payload, straight from the `ws` socket engine.io-client opened. Every
 *   other frame (lobby, acks, clock answers, pings, other events) goes to engine.io-client.
 * - Out: `writeInput` puts the same frame socket.io-client would write for `emit('input', bytes)`
 *   on the `ws` socket (masked by `ws`, as every client frame must be), or returns false when the
 *   connection is not open on WebSocket (the caller then emits the ordinary way).
 *
 * Nothing is lost for the server: it gets byte-identical frames. Engine.io-client does not see
 * these frames, which is fine: its liveness check follows the server's pings, which still reach it.
 */
import type { Manager } from 'socket.io-client';
import { wireParser } from '../shared/protocol/wire.ts';

const INPUT_PREFIX = wireParser.eventPrefix('/match', 'input')!;
const [EVENT, MATCH, SNAPSHOT] = wireParser.eventPrefix('/match', 'snapshot')! as unknown as [number, number, number];
const HEADER = INPUT_PREFIX.length;
const WS_OPEN = 1;

interface RawWs {
  readyState: number;
  onmessage: ((ev: { data: unknown }) => void) | null;
  on(event: 'message', fn: (data: unknown, isBinary: boolean) => void): unknown;
  send(data: Uint8Array, opts: { binary: boolean; compress: boolean }): void;
}

interface EngineLike {
  readyState?: string;
  transport?: { name?: string; ws?: RawWs };
}

export class RawMatchFrames {
  private ws: RawWs | null = null;

  constructor(
    private readonly manager: Manager,
    private readonly onSnapshot: (payload: Uint8Array) => void,
  ) {
    const engine = (): EngineLike | undefined => manager.engine as unknown as EngineLike | undefined;
    if (engine()?.readyState === 'open') this.tap(engine()?.transport);
    // Every (re)connection opens a new engine.io socket, and with it a new `ws` socket.
    manager.on('open', () => {
      this.tap(engine()?.transport);
      // A connection that starts on polling reaches WebSocket by upgrading.
      (manager.engine as unknown as { on(ev: 'upgrade', fn: (t: EngineLike['transport']) => void): void }).on('upgrade', (t) => this.tap(t));
    });
  }

  /** Writes one input frame; false when it cannot (the caller sends it through socket.io). */
  writeInput(payload: Uint8Array): boolean {
    const ws = this.ws;
    const engine = this.manager.engine as unknown as EngineLike | undefined;
    if (!ws || ws.readyState !== WS_OPEN || engine?.readyState !== 'open' || engine.transport?.ws !== ws) return false;
    const frame = new Uint8Array(HEADER + payload.length);
    frame.set(INPUT_PREFIX, 0);
    frame.set(payload, HEADER);
    ws.send(frame, { binary: true, compress: false });
    return true;
  }

  private tap(transport: EngineLike['transport']): void {
    const ws = transport?.name === 'websocket' ? transport.ws : undefined;
    this.ws = ws ?? null;
    if (!ws) return;
    // engine.io-client listens through `onmessage`, which `ws` wraps in a MessageEvent per
    // frame: take its handler off and listen to the raw event instead.
    const engineHandler = ws.onmessage;
    ws.onmessage = null;
    ws.on('message', (data, isBinary) => {
      if (isBinary && data instanceof Uint8Array && data.length > HEADER && data[0] === EVENT && data[1] === MATCH && data[2] === SNAPSHOT) {
        this.onSnapshot(data.subarray(HEADER));
        return;
      }
      engineHandler?.call(ws as never, { data: isBinary ? data : String(data) });
    });
  }
}
