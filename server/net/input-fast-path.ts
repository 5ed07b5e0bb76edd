/**
 * Binary `input` frames on /match go from the `ws` socket straight to the input handler,
 * skipping the layers that cost the most per message on the way in: engine.io's packet decode
 * and its `packet`/`data`/`message` emits, then socket.io's decoder, `ondecoded` → nextTick →
 * `_onpacket` → middleware → nextTick → `emit`. Every player sends one 14-byte input per tick.
 * Measured in the floor ladder (BENCHMARKS.md).
 *
 * Only the frame the game sends every tick is taken: an EVENT without ack id on /match naming
 * `input` by index (wire-parser.ts: `02 nsp ev payload`); and the once-a-second clock request,
 * as text (below). Anything else (other text packets, acks, other events or namespaces,
 * polling) goes to engine.io's own listener untouched and in order.
 * Only compact connections get the path (wire-negotiation.ts): a standard client's input is a
 * placeholder packet and an attachment, which socket.io's decoder puts together.
 * The caller still runs the packet guard on these inputs, as the guard's `socket.use` does on the
 * normal path: in batches (below), refused where one packet at a time would have been.
 *
 * Listeners of engine.io's `packet` event still hear each input (engine-direct.ts). What
 * engine.io itself does not see: these frames (inputs and clock requests) do not refresh its ping timeout ("got a packet
 * while waiting for pong"); the pong itself still arrives the normal way, so a live client stays.
 */
import { wireParser } from '../../shared/protocol/wire.ts';
import { engineConn, idleWebSocket, reportCounted, reportReceived, tellAnyListeners, textMessageFrame, watchersOf, type EngineTransport } from './engine-direct.ts';
import { directPathsOf } from './internals/direct-paths.ts';
import { webSocketOf } from './internals/engine-io.ts';
import { readFramesInFront, writeFrame } from './internals/ws.ts';
import type { MatchSocket } from './types.ts';
import { negotiatedFormat } from './wire-negotiation.ts';

type MessageListener = (data: unknown, isBinary: boolean) => void;

const PREFIX = wireParser.eventPrefix('/match', 'input')!;
const [TYPE, NSP, EVENT] = PREFIX as unknown as [number, number, number];
const HEADER = PREFIX.length;

/** A clock request, `42/match,<ack id>["clock"]` (engine.io message, socket.io EVENT with an ack id), and its answer's head. */
const CLOCK_HEAD = Buffer.from('42/match,');
const CLOCK_TAIL = Buffer.from('["clock"]');
const ACK_HEAD = '3/match,';
const MAX_ACK_DIGITS = 9;
const DIGIT_0 = 0x30;
/**
 * Inputs charged to the packet budgets at once: at most this many (under a second of honest
 * play at 20-30 Hz) and at most an eighth of the guard's budget, so a flood is refused at most one
 * batch late.
 */
const MAX_COUNT_BATCH = 16;

/**
 * The ack id of a clock request in `data[0, length)` (a text message's bytes), or -1 when it is
 * anything else. Exact bytes only: any other spelling of the same request takes the ordinary path.
 */
export function clockAckId(data: Uint8Array, length = data.length): number {
  const digits = length - CLOCK_HEAD.length - CLOCK_TAIL.length;
  if (digits < 1 || digits > MAX_ACK_DIGITS) return -1;
  for (let i = 0; i < CLOCK_HEAD.length; i++) if (data[i] !== CLOCK_HEAD[i]) return -1;
  const tail = length - CLOCK_TAIL.length;
  for (let i = 0; i < CLOCK_TAIL.length; i++) if (data[tail + i] !== CLOCK_TAIL[i]) return -1;
  let id = 0;
  for (let i = CLOCK_HEAD.length; i < tail; i++) {
    const d = data[i]! - DIGIT_0;
    if (d < 0 || d > 9 || (d === 0 && i === CLOCK_HEAD.length && digits > 1)) return -1;
    id = id * 10 + d;
  }
  return id;
}

/** What the /match handlers give the fast path. */
export interface FastPathHandlers {
  /** Runs the packet guard on an event taken here (false: refused, the sender was told). */
  admit(event: string): boolean;
  /** Charges the packet guard for `n` inputs taken here at once (false: refused, the sender was told). */
  charge(n: number): boolean;
  /** The packet guard's budget: inputs are charged in batches of at most an eighth of it. */
  packetsPerSecond: number;
  /** An input's payload (after the packet guard). */
  onInput(payload: Uint8Array): void;
  /** The server time a clock request is answered with. */
  clockTime(): number;
}

/**
 * Puts the handlers in front of engine.io for this socket's WebSocket (now, or once the connection
 * upgrades from polling) until the /match socket disconnects; the connection may outlive it (the
 * lobby shares it), so engine.io's listener is put back then. Nothing is installed when the
 * server's engine.io is not shaped as expected (internals/direct-paths.ts): inputs then take
 * the socket.io path.
 *
 * Inputs, two layers, one rule: the frame reader (internals/ws.ts) takes whole input frames off
 * each TCP chunk before ws's receiver sees them, and the `'message'` listener takes the inputs
 * that reached the receiver anyway (a frame split across reads, or one behind another frame in
 * its chunk). Both run the same checks, in arrival order.
 *
 * The clock request (once a second per player: engine.io's decode and emits, socket.io's decoder,
 * two nextTick hops, the ack's encode and engine.io's send cost as much as ~20 inputs) is answered
 * here with the same bytes socket.io would write, when the answer can be written straight away
 * (engine-direct.ts `idleWebSocket`) and nobody watches packets or events (the Admin UI); any
 * other time it takes the ordinary path, which answers it the same way.
 */
export function installInputFastPath(socket: MatchSocket, handlers: FastPathHandlers): void {
  const paths = directPathsOf(socket.nsp.server);
  if (!paths.inputs) return;
  const conn = engineConn(socket);
  // A standard connection's binary frames are attachments its decoder waits for: none is an input.
  if (negotiatedFormat(conn) === 'standard') return;
  let restore: (() => void) | null = null;
  const watchers = watchersOf(conn);
  const batch = Math.max(1, Math.min(MAX_COUNT_BATCH, Math.floor(handlers.packetsPerSecond / 8)));
  /** Inputs taken and not yet charged to the two packet budgets. */
  let uncounted = 0;

  /** True when an input may skip engine.io and socket.io now. */
  const ready = (): boolean => socket.connected && !watchers.wrapped;
  /** `chunk[start, end)`: the whole socket.io packet, header included, valid during the call. */
  const take = (chunk: Uint8Array, start: number, end: number): void => {
    if (watchers.inbound || socket.listenersAny().length > 0) {
      // Whoever watches packets or events hears each input, and may keep what it is handed: a
      // copy, not the read buffer.
      const packet = chunk.slice(start, end);
      reportReceived(conn, packet, 0, packet.length, watchers);
      // A packet budget listening above may have closed the connection for this one.
      if (conn.readyState !== 'open') return;
      const payload = packet.subarray(HEADER);
      tellAnyListeners(socket, 'input', payload);
      if (handlers.admit('input')) handlers.onInput(payload);
      return;
    }
    // Charged in batches: the budgets' state (two buckets, a clock read each) is touched once per
    // batch instead of per input, and a batch over budget is refused exactly where one packet at
    // a time would have refused its last input. `input` is an event the guard allows.
    if (++uncounted >= batch) {
      uncounted = 0;
      reportCounted(watchers, batch);
      if (conn.readyState !== 'open') return;
      if (!handlers.charge(batch)) return;
    }
    handlers.onInput(chunk.subarray(start + HEADER, end));
  };
  /** True when the clock request in `data[0, length)` was answered here. */
  const answerClock = (data: Uint8Array, length: number): boolean => {
    if (!paths.snapshots || watchers.inbound || watchers.outbound || !ready()) return false;
    const id = clockAckId(data, length);
    if (id < 0 || socket.listenersAny().length > 0) return false;
    const ws = idleWebSocket(conn, paths, watchers);
    if (!ws) return false;
    reportReceived(conn, data, 0, length, watchers);
    if (conn.readyState !== 'open') return true;
    if (!handlers.admit('clock')) return true;
    writeFrame(ws, [textMessageFrame(`${ACK_HEAD}${id}[${handlers.clockTime()}]`)]);
    return true;
  };
  /** A text frame the frame reader found: only a clock request is taken (its first byte first). */
  const text = (data: Buffer, length: number): boolean => data[0] === CLOCK_HEAD[0] && answerClock(data, length);

  const hook = (transport: EngineTransport): void => {
    restore?.();
    restore = null;
    const ws = webSocketOf(transport);
    if (!ws) return;
    const engineListeners = ws.listeners('message');
    const fast: MessageListener = (data, isBinary) => {
      if (data instanceof Uint8Array) {
        if (isBinary) {
          if (data.length > HEADER && data[0] === TYPE && data[1] === NSP && data[2] === EVENT && ready()) return take(data, 0, data.length);
        } else if (data[0] === CLOCK_HEAD[0] && answerClock(data, data.length)) return;
      }
      for (const listener of engineListeners) listener.call(ws, data, isBinary);
    };
    for (const listener of engineListeners) ws.removeListener('message', listener);
    ws.on('message', fast);
    const unread = paths.frames ? readFramesInFront(ws, { prefix: PREFIX, ready, take, text }, paths.reads) : null;
    restore = () => {
      unread?.();
      ws.removeListener('message', fast);
      for (const listener of engineListeners) ws.on('message', listener);
    };
  };

  hook(conn.transport);
  conn.on('upgrade', hook);
  socket.once('disconnect', () => {
    conn.off('upgrade', hook);
    restore?.();
    restore = null;
  });
}
