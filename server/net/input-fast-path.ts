/**
 * Binary `input` frames on /match go from the `ws` socket straight to the input handler,
 * skipping the layers that cost the most per message on the way in: engine.io's packet decode
 * and its `packet`/`data`/`message` emits, then socket.io's decoder, `ondecoded` → nextTick →
 * `_onpacket` → middleware → nextTick → `emit`. Every player sends one 14-byte input per tick.
 * Measured in the floor ladder (BENCHMARKS.md).
 *
 * Only the frame the game sends every tick is taken: an EVENT without ack id on /match naming
 * `input` by index (wire-parser.ts: `02 nsp ev payload`). Anything else (text packets, acks,
 * other events or namespaces, polling) goes to engine.io's own listener untouched and in order.
 * Only compact connections get the path (wire-negotiation.ts): a standard client's input is a
 * placeholder packet and an attachment, which socket.io's decoder puts together.
 * The caller still runs the packet guard on each input (rate limit, unknown events), as the
 * guard's `socket.use` does on the normal path.
 *
 * Listeners of engine.io's `packet` event still hear each input (engine-direct.ts). What
 * engine.io itself does not see: these frames do not refresh its ping timeout ("got a packet
 * while waiting for pong"); the pong itself still arrives the normal way, so a live client stays.
 */
import { wireParser } from '../../shared/protocol/wire.ts';
import { engineConn, reportReceived, tellAnyListeners, watchersOf, type EngineTransport } from './engine-direct.ts';
import { directPathsOf } from './internals/direct-paths.ts';
import { webSocketOf } from './internals/engine-io.ts';
import { readFramesInFront } from './internals/ws.ts';
import type { MatchSocket } from './types.ts';
import { negotiatedFormat } from './wire-negotiation.ts';

type MessageListener = (data: unknown, isBinary: boolean) => void;

const PREFIX = wireParser.eventPrefix('/match', 'input')!;
const [TYPE, NSP, EVENT] = PREFIX as unknown as [number, number, number];
const HEADER = PREFIX.length;

/**
 * Puts `onInput` in front of engine.io for this socket's WebSocket (now, or once the connection
 * upgrades from polling) until the /match socket disconnects; the connection may outlive it (the
 * lobby shares it), so engine.io's listener is put back then. Nothing is installed when the
 * server's engine.io is not shaped as expected (internals/direct-paths.ts): inputs then take
 * the socket.io path.
 *
 * Two layers, one rule: the frame reader (internals/ws.ts) takes whole input frames off each
 * TCP chunk before ws's receiver sees them, and the `'message'` listener takes the inputs that
 * reached the receiver anyway (a frame split across reads, or one behind another frame in its
 * chunk). Both run the same checks, in arrival order.
 */
export function installInputFastPath(socket: MatchSocket, onInput: (payload: Uint8Array) => void): void {
  const paths = directPathsOf(socket.nsp.server);
  if (!paths.inputs) return;
  const conn = engineConn(socket);
  // A standard connection's binary frames are attachments its decoder waits for: none is an input.
  if (negotiatedFormat(conn) === 'standard') return;
  let restore: (() => void) | null = null;
  const watchers = watchersOf(conn);

  /** True when an input may skip engine.io and socket.io now. */
  const ready = (): boolean => socket.connected && !watchers.wrapped;
  /** `chunk[start, end)`: the whole socket.io packet, header included. */
  const take = (chunk: Uint8Array, start: number, end: number): void => {
    reportReceived(conn, chunk, start, end, watchers);
    // A packet budget listening above may have closed the connection for this one.
    if (conn.readyState !== 'open') return;
    const payload = chunk.subarray(start + HEADER, end);
    tellAnyListeners(socket, 'input', payload);
    onInput(payload);
  };

  const hook = (transport: EngineTransport): void => {
    restore?.();
    restore = null;
    const ws = webSocketOf(transport);
    if (!ws) return;
    const engineListeners = ws.listeners('message');
    const fast: MessageListener = (data, isBinary) => {
      if (isBinary && data instanceof Uint8Array && data.length > HEADER && data[0] === TYPE && data[1] === NSP && data[2] === EVENT && ready()) {
        take(data, 0, data.length);
        return;
      }
      for (const listener of engineListeners) listener.call(ws, data, isBinary);
    };
    for (const listener of engineListeners) ws.removeListener('message', listener);
    ws.on('message', fast);
    const unread = paths.frames ? readFramesInFront(ws, { prefix: PREFIX, ready, take }) : null;
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
