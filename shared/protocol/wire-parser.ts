/**
 * A socket.io parser that sends a binary event as ONE WebSocket frame with a 3-byte header.
 *
 * socket.io's default parser sends an event carrying a Buffer as two frames (a JSON placeholder
 * text frame, then the binary), and msgpack parsers spend ~30 bytes naming the namespace and the
 * event. For a 16-player delta of ~40 bytes sent 20 times a second those overheads dominate
 * (figures in BENCHMARKS.md). Text packets (connect, acks, JSON events) keep the default
 * encoding by delegating to socket.io-parser.
 *
 * Binary frame: u8 (packet type in bits 0-2, bit 3 = has ack id) | u8 namespace index
 * (0xff: u8 length + UTF-8) | [LEB128 ack id] | EVENT only: u8 event index (0xff: inline) |
 * payload. Binary is only allowed as the sole argument of an event or an ack.
 */
import { Emitter } from '@socket.io/component-emitter';
import { Decoder as TextDecoder_, Encoder as TextEncoder_, PacketType, type Packet } from 'socket.io-parser';

const INLINE = 0xff;
const HAS_ACK = 0b1000;
/**
 * Event names socket.io keeps for itself. socket.io-parser refuses them in text packets; a binary
 * frame naming one inline (a 'disconnect' event from a client, say) is refused here the same way.
 */
const RESERVED_EVENTS: ReadonlySet<string> = new Set(['connect', 'connect_error', 'disconnect', 'disconnecting', 'newListener', 'removeListener']);
const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

export interface WireTable {
  namespaces: readonly string[];
  events: readonly string[];
}

function isBinary(v: unknown): v is Uint8Array | ArrayBuffer {
  return v instanceof Uint8Array || v instanceof ArrayBuffer;
}

function toBytes(v: Uint8Array | ArrayBuffer): Uint8Array {
  return v instanceof ArrayBuffer ? new Uint8Array(v) : v;
}

function containsBinary(v: unknown, depth = 0): boolean {
  if (depth > 16 || v === null || typeof v !== 'object') return false;
  if (isBinary(v) || ArrayBuffer.isView(v)) return true;
  if (Array.isArray(v)) return v.some((x) => containsBinary(x, depth + 1));
  return Object.values(v).some((x) => containsBinary(x, depth + 1));
}

export function createWireParser(table: WireTable) {
  const nspIndex = new Map(table.namespaces.map((n, i) => [n, i]));
  const eventIndex = new Map(table.events.map((n, i) => [n, i]));

  class Encoder {
    private readonly text = new TextEncoder_();

    encode(packet: Packet): (string | Uint8Array)[] {
      const data = packet.data as unknown[] | undefined;
      const isEvent = packet.type === PacketType.EVENT || packet.type === PacketType.BINARY_EVENT;
      const isAck = packet.type === PacketType.ACK || packet.type === PacketType.BINARY_ACK;
      if (isEvent && data?.length === 2 && isBinary(data[1])) {
        return [frame(PacketType.EVENT, packet, String(data[0]), toBytes(data[1]))];
      }
      if (isAck && data?.length === 1 && isBinary(data[0])) {
        return [frame(PacketType.ACK, packet, null, toBytes(data[0]))];
      }
      if (containsBinary(data)) throw new TypeError('binary is only sent as the sole argument of an event or ack');
      return this.text.encode({ ...packet, type: isEvent ? PacketType.EVENT : isAck ? PacketType.ACK : packet.type });
    }
  }

  function frame(type: PacketType, packet: Packet, event: string | null, payload: Uint8Array): Uint8Array {
    const nsp = nspIndex.get(packet.nsp);
    const nspBytes = nsp === undefined ? utf8Encoder.encode(packet.nsp) : null;
    const ev = event === null ? undefined : eventIndex.get(event);
    const evBytes = event !== null && ev === undefined ? utf8Encoder.encode(event) : null;
    const ackBytes = packet.id === undefined ? [] : leb128(packet.id);
    const header: number[] = [type | (packet.id === undefined ? 0 : HAS_ACK)];
    if (nspBytes) header.push(INLINE, nspBytes.length, ...nspBytes);
    else header.push(nsp!);
    header.push(...ackBytes);
    if (event !== null) {
      if (evBytes) header.push(INLINE, evBytes.length, ...evBytes);
      else header.push(ev!);
    }
    const out = new Uint8Array(header.length + payload.length);
    out.set(header, 0);
    out.set(payload, header.length);
    return out;
  }

  class Decoder extends Emitter<{}, {}, { decoded: (packet: Packet) => void }> {
    private readonly text = new TextDecoder_();

    constructor() {
      super();
      this.text.on('decoded', (packet: Packet) => this.emitReserved('decoded', packet));
    }

    /** Throws on malformed input: socket.io then closes that one connection. */
    add(chunk: unknown): void {
      if (typeof chunk === 'string') {
        // This protocol never sends binary placeholders; accepting one would park the text
        // decoder waiting for attachments that are routed elsewhere.
        if (chunk[0] === '5' || chunk[0] === '6') throw new Error('binary placeholder packets are not accepted');
        this.text.add(chunk);
        return;
      }
      let bytes: Uint8Array;
      if (chunk instanceof Uint8Array) bytes = chunk;
      else if (chunk instanceof ArrayBuffer) bytes = new Uint8Array(chunk);
      else throw new Error('unsupported frame type');
      this.emitReserved('decoded', parseFrame(bytes));
    }

    destroy(): void {
      this.text.destroy();
    }
  }

  // Straight-line on purpose: this runs for every binary frame received (20 inputs a second per
  // player on the server), and inner closures created per call cost an allocation each (and,
  // under tsx, a `__name` call each).
  function parseFrame(bytes: Uint8Array): Packet {
    const len = bytes.length;
    if (len < 2) throw new Error('binary frame truncated');
    const head = bytes[0]!;
    const type = head & 0b111;
    if ((head & ~(0b111 | HAS_ACK)) !== 0) throw new Error('reserved header bits set');
    if (type !== PacketType.EVENT && type !== PacketType.ACK) throw new Error(`binary frame of packet type ${type}`);
    let pos = 1;
    let nsp: string;
    const nspIdx = bytes[pos++]!;
    if (nspIdx !== INLINE) {
      const name = table.namespaces[nspIdx];
      if (name === undefined) throw new Error(`unknown namespace index ${nspIdx}`);
      nsp = name;
    } else {
      nsp = inlineName(bytes, pos);
      pos += 1 + bytes[pos]!;
    }
    let id: number | undefined;
    if (head & HAS_ACK) {
      id = 0;
      for (let shift = 0, more = true; more; shift += 7) {
        if (shift > 28) throw new Error('ack id too long');
        if (pos >= len) throw new Error('binary frame truncated');
        const b = bytes[pos++]!;
        id += (b & 0x7f) * 2 ** shift;
        more = (b & 0x80) !== 0;
      }
    }
    if (type === PacketType.ACK && id === undefined) throw new Error('ack without id');
    let event: string | null = null;
    if (type === PacketType.EVENT) {
      if (pos >= len) throw new Error('binary frame truncated');
      const evIdx = bytes[pos++]!;
      if (evIdx !== INLINE) {
        const name = table.events[evIdx];
        if (name === undefined) throw new Error(`unknown event index ${evIdx}`);
        event = name;
      } else {
        event = inlineName(bytes, pos);
        if (RESERVED_EVENTS.has(event)) throw new Error(`reserved event name ${event}`);
        pos += 1 + bytes[pos]!;
      }
    }
    const payload = bytes.subarray(pos);
    const data = event === null ? [payload] : [event, payload];
    return id === undefined ? { type, nsp, data } : { type, nsp, data, id };
  }

  /**
   * The bytes before the payload of a binary EVENT without ack id, for a namespace and event the
   * table names: what the server's direct snapshot write and the fast paths put or look for
   * in front of the payload without going through an Encoder. Null for names sent inline.
   */
  function eventPrefix(nsp: string, event: string): Uint8Array | null {
    const n = nspIndex.get(nsp);
    const e = eventIndex.get(event);
    return n === undefined || e === undefined ? null : Uint8Array.of(PacketType.EVENT, n, e);
  }

  return { Encoder, Decoder, eventPrefix };
}

/** A name sent inline: u8 length at `pos`, then that many UTF-8 bytes. */
function inlineName(bytes: Uint8Array, pos: number): string {
  if (pos >= bytes.length) throw new Error('binary frame truncated');
  const len = bytes[pos]!;
  if (pos + 1 + len > bytes.length) throw new Error('binary frame truncated');
  return utf8Decoder.decode(bytes.subarray(pos + 1, pos + 1 + len));
}

function leb128(n: number): number[] {
  const out: number[] = [];
  let v = n;
  do {
    let b = v & 0x7f;
    v = Math.floor(v / 128);
    if (v > 0) b |= 0x80;
    out.push(b);
  } while (v > 0);
  return out;
}
