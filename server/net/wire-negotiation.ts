/**
 * Which wire each connection speaks, chosen when its engine.io connection opens.
 *
 * - `standard` (the default): socket.io's own encoding, binary as a placeholder packet plus one
 *   attachment frame (socket.io-parser). Any socket.io client in any language decodes it.
 * - `compact`: the project's one-frame format (shared/protocol/wire-parser.ts), asked for with the
 *   handshake query `wire=compact` (shared/protocol/wire.ts). The SDK and the load-test bots ask.
 *
 * Text packets are the same bytes in both, so only packets carrying binary differ. socket.io
 * builds one decoder per connection and encodes a room broadcast once for all its members, so:
 * - the decoder is picked per connection: the engine's `connection` listener placed in front of
 *   socket.io's tells the parser which connection's Decoder socket.io builds next (synchronously,
 *   in the same call);
 * - the server's encoder frames a binary packet compactly and, only when a standard member asks,
 *   once more in the standard encoding, kept with the compact frames: a broadcast reaching both
 *   kinds of member encodes each format once, not once per member;
 * - a standard connection's socket.io Client writes the standard frames (`adopt`, when it first
 *   connects a namespace, any namespace: before that the server only sends text). The Client's
 *   members this takes are in internals/socket-io-client.ts, checked at start-up.
 *
 * The standard decoder takes at most one attachment per packet (nothing in this protocol carries
 * more), so a client announcing many cannot park buffers on the server; a binary frame nobody
 * announced, or an attachment count that lies, throws, and socket.io closes that one connection,
 * as the compact decoder does for a malformed frame.
 */
import { Emitter } from '@socket.io/component-emitter';
import type { Server } from 'socket.io';
import { Decoder as StandardDecoder, Encoder as StandardEncoder, type Packet } from 'socket.io-parser';
import { COMPACT_WIRE, WIRE_QUERY_PARAM, wireParser } from '../../shared/protocol/wire.ts';
import { probeSocketIoClient, rewriteClient, type SocketIoClient } from './internals/socket-io-client.ts';
import type { ShapeProblem } from './internals/ws.ts';

export type WireFormat = 'compact' | 'standard';

const FORMAT = Symbol('wireFormat');
const STANDARD_FRAMES = Symbol('standardFrames');

type Frames = (string | Uint8Array)[];
type DualFrames = Frames & { [STANDARD_FRAMES]?: () => Frames };

/** The part of an engine.io connection read here. */
interface HandshakeConn {
  request?: { url?: string };
}

/** What the client asked for in its engine.io handshake URL. */
export function requestedFormat(url: string | undefined): WireFormat {
  if (!url) return 'standard';
  const q = url.indexOf('?');
  if (q < 0) return 'standard';
  return new URLSearchParams(url.slice(q + 1)).get(WIRE_QUERY_PARAM) === COMPACT_WIRE ? 'compact' : 'standard';
}

/** The format a connection negotiated; undefined on a server that does not negotiate. */
export function negotiatedFormat(conn: unknown): WireFormat | undefined {
  return (conn as { [FORMAT]?: WireFormat })[FORMAT];
}

/**
 * The frames of `encoded` for a standard connection: the standard encoding the negotiating
 * encoder keeps beside its compact frames (computed on first demand, once per packet).
 */
function standardFrames(encoded: Frames): Frames {
  const alt = (encoded as DualFrames)[STANDARD_FRAMES];
  return alt ? alt() : encoded;
}

const standardEncoder = new StandardEncoder();

/** Encodes compactly; a packet with binary also carries its standard encoding, made on demand. */
export class NegotiatedEncoder extends wireParser.Encoder {
  override encode(packet: Packet): Frames {
    const compact = super.encode(packet) as DualFrames;
    // A text packet is the same in both formats; only a lone binary frame differs.
    if (compact.length !== 1 || typeof compact[0] === 'string') return compact;
    const copy: Packet = { ...packet, data: Array.isArray(packet.data) ? [...packet.data] : packet.data };
    let standard: Frames | undefined;
    compact[STANDARD_FRAMES] = () => (standard ??= standardEncoder.encode(copy) as Frames);
    return compact;
  }
}

/** A negotiating parser for one socket.io server: build it, pass it as `parser`, then `attach`. */
export interface NegotiatingParser {
  Encoder: typeof NegotiatedEncoder;
  Decoder: new () => Emitter<{}, {}, { decoded: (packet: Packet) => void }> & { add(chunk: unknown): void; destroy(): void };
  /**
   * Reads each connection's choice as engine.io opens it, and adopts standard connections on
   * every namespace, present and future; call right after `new Server`, before any `io.of`.
   * When socket.io's Client is not shaped as expected (internals/socket-io-client.ts) every
   * connection stays on the compact wire, and `warn` says so.
   */
  attach(io: Server, warn?: (line: string) => void): void;
}

export function createNegotiatingParser(probe: () => ShapeProblem = probeSocketIoClient): NegotiatingParser {
  // Set by the engine's first `connection` listener and read by the Decoder socket.io then builds
  // in the same synchronous call; reset so a Decoder built any other way is standard.
  let next: WireFormat = 'standard';

  class Decoder extends Emitter<{}, {}, { decoded: (packet: Packet) => void }> {
    private readonly inner: { add(chunk: unknown): void; destroy(): void } & Emitter<{}, {}, { decoded: (packet: Packet) => void }>;

    constructor() {
      super();
      const format = next;
      next = 'standard';
      this.inner = format === 'compact' ? new wireParser.Decoder() : new StandardDecoder({ maxAttachments: 1 });
      this.inner.on('decoded', (packet: Packet) => this.emitReserved('decoded', packet));
    }

    add(chunk: unknown): void {
      this.inner.add(chunk);
    }

    destroy(): void {
      this.inner.destroy();
    }
  }

  return {
    Encoder: NegotiatedEncoder,
    Decoder,
    attach(io, warn = (line) => process.emitWarning(line)) {
      const problem = probe();
      if (problem) warn(`${problem}; every connection gets the compact wire, which standard socket.io clients cannot decode`);
      io.engine.prependListener('connection', (conn: HandshakeConn) => {
        const format = problem ? 'compact' : requestedFormat(conn.request?.url);
        (conn as { [FORMAT]?: WireFormat })[FORMAT] = format;
        next = format;
      });
      const adoptOnConnect = (socket: { client: unknown; conn: unknown }, done: (err?: Error) => void): void => {
        if (negotiatedFormat(socket.conn) === 'standard') adopt(socket.client as unknown as SocketIoClient);
        done();
      };
      // First in each namespace's middleware: registered as the namespace is created.
      io.of('/').use(adoptOnConnect);
      io.on('new_namespace', (nsp) => nsp.use(adoptOnConnect));
    },
  };
}

/** Marks a Client already rewritten (one Client, many namespaces). */
const ADOPTED = Symbol('standardClient');

/** A standard connection's Client: socket.io-parser for its own packets, standard frames of broadcasts. */
function adopt(client: SocketIoClient & { [ADOPTED]?: true }): void {
  if (client[ADOPTED]) return;
  client[ADOPTED] = true;
  rewriteClient(client, standardEncoder, standardFrames);
}
