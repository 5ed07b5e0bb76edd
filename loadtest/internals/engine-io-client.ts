/**
 * Every member of engine.io-client the load generator reaches outside its typings, in one place:
 * the `ws` field of its Node WebSocket transport (transports/websocket.node.js), the `ws`
 * WebSocket it opened. The bots count bytes and frames on it and the light bots tap it.
 *
 * `probeEngineIoClient` checks it once when the bots start: it builds engine.io-client's own
 * WebSocket transport with `createSocket` answering a stand-in, opens it (no network: the
 * stand-in is the socket) and looks for the stand-in in `ws`. If an upgrade moved it, it names
 * it and the bots take the public path (socket.io-client for every message, no byte counts).
 */
import { transports } from 'engine.io-client';
import type { ShapeProblem } from './ws.ts';

/** The public members of an engine.io-client socket this module reads. */
export interface ClientEngine {
  readonly readyState?: string;
  readonly transport?: { readonly name?: string } | null;
}

/** The `ws` WebSocket under a connection on WebSocket, or null. */
export function webSocketOf(engine: ClientEngine | null | undefined): unknown {
  const transport = engine?.transport;
  return transport?.name === 'websocket' ? ((transport as { ws?: unknown }).ws ?? null) : null;
}

/** The class the probe builds (engine.io-client's own, or a stand-in in tests). */
export type ClientTransportClass = new (opts: object) => unknown;

export function probeEngineIoClient(Transport: ClientTransportClass = transports.websocket as unknown as ClientTransportClass): ShapeProblem {
  const standIn = { binaryType: '', close() {} };
  try {
    const transport = new Transport({
      hostname: '127.0.0.1',
      port: '1',
      secure: false,
      path: '/engine.io/',
      query: {},
      socket: { binaryType: 'nodebuffer' },
    }) as { createSocket?: unknown; doOpen?: () => void; name?: string };
    if (typeof transport.createSocket !== 'function' || typeof transport.doOpen !== 'function') return 'engine.io-client: the WebSocket transport no longer opens through createSocket/doOpen (the probe cannot build one)';
    transport.createSocket = () => standIn;
    transport.doOpen();
    if (webSocketOf({ transport: transport as { name?: string } }) !== standIn) return 'engine.io-client: the WebSocket transport no longer keeps its ws socket in `ws`';
    return null;
  } catch (err) {
    return `engine.io-client: the probe transport could not be built (${(err as Error).message})`;
  }
}
