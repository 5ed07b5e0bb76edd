/**
 * Hostile engine.io / socket.io frames, by category, each with what the server must do about it.
 * Aimed at the decoding paths that could break: engine.io's packet decoding (type digit, base64
 * 'b' frames, payload separators over polling), socket.io-parser's text decoding (attachment
 * counts, namespace scan, ack-id digits, JSON), the wire parser's binary header (reserved bits,
 * namespace and event indices, inline names, LEB128 ack ids), and the handlers behind them.
 *
 * Frames are engine.io frames: a text frame starts with the engine.io packet type ('4' message);
 * a Uint8Array is a binary message.
 */
import { PacketType, type Packet } from 'socket.io-parser';
import { encodeInput } from '../../../shared/games/arena/input-codec.ts';
import { wireParser } from '../../../shared/protocol/wire.ts';
import { asTextFrame, type Frame } from './raw-client.ts';
import type { Prng } from './prng.ts';

export const FRAME_CATEGORIES = [
  'truncated',
  'oversized',
  'json-bomb',
  'wrong-namespace',
  'ack-id',
  'attachment-lie',
  'unknown-type',
  'invalid-utf8',
  'engine-order',
  'random-mutation',
] as const;
export type FrameCategory = (typeof FRAME_CATEGORIES)[number];

/**
 * What the server must do: `refused` = close the connection or answer with an error packet
 * (protocol_error, or a namespace's connect_error); `closed` = close it; `open` = the frames are
 * harmless and the connection still answers a clock request afterwards; `any` = anything but
 * harm to others (random mutations may be valid).
 */
export type Expectation = 'refused' | 'closed' | 'open' | 'any';

export interface FrameCase {
  category: FrameCategory;
  name: string;
  /** Open /lobby and /match with a valid token before sending. */
  auth: boolean;
  transport: 'websocket' | 'polling';
  frames: Frame[];
  expect: Expectation;
  /** Send the frames one POST/message at a time (polling: each its own request). */
  separately?: boolean;
}

const encoder = new wireParser.Encoder();

/** Engine.io message frames of a socket.io packet, as the wire parser encodes it. */
export function encodePacket(packet: Packet): Frame[] {
  return encoder.encode(packet).map((f) => (typeof f === 'string' ? `4${f}` : f));
}

export const event = (nsp: string, args: string, id?: number | string): string => `42${nsp === '/' ? '' : `${nsp},`}${id ?? ''}${args}`;

export function inputFrame(seq: number, overrides: Partial<{ buttons: number; aim: number; clientTick: number }> = {}): Uint8Array {
  const bytes = encodeInput({ seq, buttons: 0, aim: 0, clientTick: 0, ...overrides });
  return encodePacket({ type: PacketType.EVENT, nsp: '/match', data: ['input', bytes] })[0] as Uint8Array;
}

/** Valid frames of every kind a client sends: the seeds the random mutations start from. */
export function validFrames(token: string): Frame[] {
  const auth = JSON.stringify({ token, protocol: 2 });
  return [
    `40/lobby,${auth}`,
    `40/match,${auth}`,
    event('/lobby', '["chat",{"text":"hello"}]', 7),
    event('/lobby', '["quickplay_cancel",{}]', 8),
    event('/lobby', '["list_subscribe",{}]', 9),
    event('/lobby', '["join_code",{"code":"ABCDE"}]', 10),
    event('/lobby', '["create_private",{"mode":"ffa","maxPlayers":4,"options":{"killTarget":5}}]', 11),
    event('/match', '["clock"]', 12),
    event('/match', '["join",{"matchId":"m-1"}]', 13),
    event('/match', '["chat",{"text":"gg"}]', 14),
    '3',
    '41/match,',
    inputFrame(1),
    inputFrame(2, { buttons: 3, aim: 1.5, clientTick: 99 }),
    ...encodePacket({ type: PacketType.EVENT, nsp: '/match', data: ['input', new Uint8Array(14)], id: 300 }),
    ...encodePacket({ type: PacketType.ACK, nsp: '/lobby', data: [new Uint8Array([1, 2, 3])], id: 5 }),
    ...encodePacket({ type: PacketType.EVENT, nsp: '/lobby', data: ['chat', new Uint8Array([104, 105])] }),
  ];
}

const nested = (open: string, close: string, depth: number, inner = '1'): string => open.repeat(depth) + inner + close.repeat(depth);

/** Every hand-written case; `maxPayload` is the server's MAX_PAYLOAD_BYTES. */
export function handWrittenCases(token: string, maxPayload: number): FrameCase[] {
  const cases: FrameCase[] = [];
  const add = (c: Omit<FrameCase, 'transport'>, transports: readonly FrameCase['transport'][] = ['websocket', 'polling']): void => {
    for (const transport of transports) cases.push({ ...c, transport });
  };
  const ws = ['websocket'] as const;

  // --- truncated: every prefix of valid frames (the decoders must refuse, not wait or throw past)
  const clock = event('/match', '["clock"]', 1);
  for (let n = 1; n < clock.length; n++) add({ category: 'truncated', name: `clock text cut at ${n}`, auth: true, frames: [clock.slice(0, n)], expect: 'any' }, ws);
  const input = inputFrame(1);
  for (let n = 0; n < input.length; n++) add({ category: 'truncated', name: `input frame cut at ${n}`, auth: true, frames: [input.subarray(0, n)], expect: 'refused' }, ws);
  add({ category: 'truncated', name: 'connect with half an auth object', auth: false, frames: ['40/lobby,{"token":"abc'], expect: 'closed' });
  add({ category: 'truncated', name: 'inline namespace longer than the frame', auth: true, frames: [new Uint8Array([2, 0xff, 40, 47, 109])], expect: 'closed' }, ws);
  add({ category: 'truncated', name: 'inline event name longer than the frame', auth: true, frames: [new Uint8Array([2, 1, 0xff, 9, 105])], expect: 'closed' }, ws);
  add({ category: 'truncated', name: 'ack flag set, no ack id', auth: true, frames: [new Uint8Array([2 | 8, 1])], expect: 'closed' }, ws);
  add({ category: 'truncated', name: 'polling: base64 frame cut mid-quantum', auth: true, frames: ['bAgEB'], expect: 'any' }, ['polling']);

  // --- oversized: beyond MAX_PAYLOAD_BYTES (socket.io's maxHttpBufferSize)
  for (const extra of [1, 100, 60_000]) {
    add({ category: 'oversized', name: `text event ${extra} B over the limit`, auth: true, frames: [event('/lobby', `["chat",{"text":"${'x'.repeat(maxPayload + extra)}"}]`)], expect: 'closed' });
    add({ category: 'oversized', name: `binary input ${extra} B over the limit`, auth: true, frames: [new Uint8Array(maxPayload + extra).fill(2)], expect: 'closed' });
  }
  add({ category: 'oversized', name: 'connect auth over the limit', auth: false, frames: [`40/lobby,{"token":"${'a'.repeat(maxPayload)}"}`], expect: 'closed' });
  add({ category: 'oversized', name: 'many small packets in one polling POST over the limit', auth: true, frames: Array.from({ length: Math.ceil(maxPayload / 2) + 50 }, () => '3'), expect: 'closed' }, ['polling']);
  add({ category: 'oversized', name: 'binary input of 4000 bytes (under the limit, wrong length)', auth: true, frames: [concat(input.subarray(0, 3), new Uint8Array(4000))], expect: 'refused' });

  // --- json-bomb: deep nesting and wide structures within the size limit
  const room = maxPayload - 64;
  add({ category: 'json-bomb', name: 'chat text nested 1900 arrays deep', auth: true, frames: [event('/lobby', `["chat",${nested('[', ']', Math.floor(room / 2) - 20)}]`, 3)], expect: 'refused' });
  add({ category: 'json-bomb', name: 'quickplay nested objects', auth: true, frames: [event('/lobby', `["quickplay",${nested('{"mode":', '}', Math.floor(room / 9), '"ffa"')}]`, 3)], expect: 'refused' });
  add({ category: 'json-bomb', name: 'connect auth nested 1900 deep', auth: false, frames: [`40/lobby,{"token":${nested('[', ']', Math.floor(room / 2) - 20)}}`], expect: 'refused' });
  add({ category: 'json-bomb', name: 'create_private options with 800 keys', auth: true, frames: [event('/lobby', `["create_private",{"options":{${Array.from({ length: 400 }, (_, i) => `"k${i}":1`).join(',')}}}]`, 4)], expect: 'refused' });
  // Extra arguments are ignored: the clock still answers (its ack is the last argument).
  add({ category: 'json-bomb', name: 'event with 1500 arguments', auth: true, frames: [event('/match', `["clock",${Array.from({ length: 1500 }, () => '0').join(',')}]`, 5)], expect: 'open' });
  add({ category: 'json-bomb', name: 'event name 3000 characters', auth: true, frames: [event('/lobby', `["${'e'.repeat(3000)}",{}]`)], expect: 'refused' });
  add({ category: 'json-bomb', name: '__proto__ payload', auth: true, frames: [event('/lobby', '["create_private",{"__proto__":{"maxPlayers":64},"constructor":{"prototype":{"x":1}}}]', 6)], expect: 'open' });
  add({ category: 'json-bomb', name: 'NaN and Infinity literals (not JSON)', auth: true, frames: [event('/lobby', '["create_private",{"maxPlayers":NaN}]', 6)], expect: 'closed' });

  // --- wrong namespaces
  add({ category: 'wrong-namespace', name: 'connect to a namespace that does not exist', auth: false, frames: ['40/admin,{}'], expect: 'refused' });
  add({ category: 'wrong-namespace', name: 'connect to the main namespace', auth: false, frames: ['40'], expect: 'refused' });
  add({ category: 'wrong-namespace', name: 'connect to a 1000-character namespace', auth: false, frames: [`40/${'n'.repeat(1000)},{}`], expect: 'refused' });
  add({ category: 'wrong-namespace', name: 'event to a namespace not joined', auth: false, frames: [event('/lobby', '["quickplay",{"mode":"ffa"}]', 1)], expect: 'closed' });
  add({ category: 'wrong-namespace', name: 'event to the main namespace', auth: true, frames: [event('/', '["chat",{"text":"x"}]', 1)], expect: 'refused' });
  add({ category: 'wrong-namespace', name: 'binary frame to namespace index 3', auth: true, frames: [new Uint8Array([2, 3, 1, 1, 2, 3])], expect: 'closed' }, ws);
  add({ category: 'wrong-namespace', name: 'binary frame to namespace index 254', auth: true, frames: [new Uint8Array([2, 254, 1, 1])], expect: 'closed' }, ws);
  add({ category: 'wrong-namespace', name: 'binary frame to an inline unknown namespace', auth: true, frames: [concat(new Uint8Array([2, 0xff, 5]), new TextEncoder().encode('/evil'), new Uint8Array([1, 1, 0, 0]))], expect: 'closed' }, ws);
  add({ category: 'wrong-namespace', name: 'disconnect a namespace never joined', auth: false, frames: ['41/match,'], expect: 'closed' });
  add({ category: 'wrong-namespace', name: 'connect twice to the same namespace', auth: true, frames: [`40/lobby,${JSON.stringify({ token })}`], expect: 'any' });
  add({ category: 'wrong-namespace', name: 'connect without a token', auth: false, frames: ['40/match,{}'], expect: 'refused' });
  add({ category: 'wrong-namespace', name: 'connect with a forged token', auth: false, frames: ['40/lobby,{"token":"eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."}'], expect: 'refused' });

  // --- ack ids: huge, negative, not digits, acks nobody asked for
  for (const id of ['99999999999999999999999', '9007199254740993', '0', '00000001', ' 1 2', '\t']) {
    add({ category: 'ack-id', name: `clock with ack id ${JSON.stringify(id)}`, auth: true, frames: [event('/match', '["clock"]', id)], expect: 'open' });
  }
  add({ category: 'ack-id', name: 'negative ack id', auth: true, frames: [event('/match', '["clock"]', '-5')], expect: 'refused' });
  add({ category: 'ack-id', name: 'ack for an id the server never used', auth: true, frames: ['43/match,12345[1,2,3]'], expect: 'open' });
  add({ category: 'ack-id', name: 'ack with a non-array payload', auth: true, frames: ['43/match,1{"a":1}'], expect: 'closed' });
  add({ category: 'ack-id', name: 'ack without an id', auth: true, frames: ['43/match,[1]'], expect: 'open' });
  add({ category: 'ack-id', name: 'binary ack id of 6 LEB128 bytes', auth: true, frames: [new Uint8Array([3 | 8, 1, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 1])], expect: 'closed' }, ws);
  add({ category: 'ack-id', name: 'binary ack id 2^35-1 (5 bytes)', auth: true, frames: [new Uint8Array([2 | 8, 1, 0xff, 0xff, 0xff, 0xff, 0x7f, 1, ...new Uint8Array(14)])], expect: 'any' }, ws);
  add({ category: 'ack-id', name: 'binary ack without ack flag', auth: true, frames: [new Uint8Array([3, 1, 1, 2])], expect: 'closed' }, ws);
  add({ category: 'ack-id', name: 'input with an ack id', auth: true, frames: encodePacket({ type: PacketType.EVENT, nsp: '/match', data: ['input', encodeInput({ seq: 1, buttons: 0, aim: 0, clientTick: 0 })], id: 77 }), expect: 'refused' }, ws);

  // --- binary attachment counts that lie (the wire parser accepts no placeholders at all)
  for (const head of ['451-', '450-', '45-1-', '4599999999-', '45a-', '461-', '4510-', '4511-']) {
    add({ category: 'attachment-lie', name: `placeholder packet ${head}`, auth: true, frames: [`${head}/match,["input",{"_placeholder":true,"num":0}]`], expect: 'closed' });
  }
  add({ category: 'attachment-lie', name: 'placeholder object inside a text event', auth: true, frames: [event('/lobby', '["chat",{"_placeholder":true,"num":0}]', 2)], expect: 'refused' });
  add({ category: 'attachment-lie', name: 'placeholder then a binary frame', auth: true, frames: ['451-/match,["input",{"_placeholder":true,"num":0}]', new Uint8Array(14)], expect: 'closed' }, ws);

  // --- unknown packet types (engine.io and socket.io levels, and the binary header)
  for (const t of ['7', '8', '9', 'x', '', ' ']) add({ category: 'unknown-type', name: `engine.io type ${JSON.stringify(t)}`, auth: true, frames: [`${t}hello`], expect: 'closed' });
  for (const t of ['7', '8', '9', 'Z']) add({ category: 'unknown-type', name: `socket.io type ${t}`, auth: true, frames: [`4${t}/match,["clock"]`], expect: 'closed' });
  add({ category: 'unknown-type', name: 'empty engine.io message', auth: true, frames: ['4'], expect: 'closed' });
  add({ category: 'unknown-type', name: 'socket.io CONNECT_ERROR from a client', auth: true, frames: ['44/match,{"message":"x"}'], expect: 'closed' });
  for (let head = 0; head < 256; head += 17) {
    add({ category: 'unknown-type', name: `binary header 0x${head.toString(16)}`, auth: true, frames: [new Uint8Array([head, 1, 1, ...new Uint8Array(14)])], expect: head === 2 ? 'refused' : 'closed' }, ws);
  }
  add({ category: 'unknown-type', name: 'binary event index 200', auth: true, frames: [new Uint8Array([2, 1, 200, 1])], expect: 'closed' }, ws);
  for (const name of ['disconnect', 'disconnecting', 'connect', 'newListener']) {
    const bytes = new TextEncoder().encode(name);
    add({ category: 'unknown-type', name: `binary event with the reserved name "${name}"`, auth: true, frames: [concat(new Uint8Array([2, 1, 0xff, bytes.length]), bytes, new Uint8Array([1]))], expect: 'closed' }, ws);
  }
  add({ category: 'unknown-type', name: 'text event with the reserved name "disconnect"', auth: true, frames: [event('/match', '["disconnect","x"]')], expect: 'closed' });
  add({ category: 'unknown-type', name: 'binary event "snapshot" from a client', auth: true, frames: [new Uint8Array([2, 1, 0, 1, 2, 3])], expect: 'refused' }, ws);
  add({ category: 'unknown-type', name: 'text frame "b" + base64 of garbage', auth: true, frames: ['bAAECAwQF'], expect: 'closed' }, ws);

  // --- invalid UTF-8: in a WebSocket text frame (ws refuses it), in inline names, over polling
  add({ category: 'invalid-utf8', name: 'WebSocket text frame with invalid UTF-8', auth: true, frames: [asTextFrame(new Uint8Array([0x34, 0x32, 0xc3, 0x28, 0xff]))], expect: 'closed' }, ws);
  add({ category: 'invalid-utf8', name: 'lone surrogate in an event (valid JSON escape)', auth: true, frames: [event('/lobby', '["chat",{"text":"\\ud800x"}]', 1)], expect: 'open' });
  add({ category: 'invalid-utf8', name: 'inline namespace with invalid UTF-8', auth: true, frames: [new Uint8Array([2, 0xff, 3, 0x2f, 0xc3, 0x28, 1, 1])], expect: 'closed' }, ws);
  add({ category: 'invalid-utf8', name: 'inline event name with invalid UTF-8', auth: true, frames: [new Uint8Array([2, 1, 0xff, 2, 0xe2, 0x82, 1])], expect: 'closed' }, ws);

  // --- engine.io packets out of order
  add({ category: 'engine-order', name: 'client sends a ping (wrong heartbeat direction)', auth: true, frames: ['2'], expect: 'closed' });
  add({ category: 'engine-order', name: 'upgrade probe ping on an open connection', auth: true, frames: ['2probe'], expect: 'closed' });
  add({ category: 'engine-order', name: 'upgrade packet without a probe', auth: true, frames: ['5'], expect: 'open' });
  add({ category: 'engine-order', name: 'unsolicited pongs', auth: true, frames: ['3', '3', '3probe'], expect: 'open' });
  add({ category: 'engine-order', name: 'noop packets', auth: true, frames: ['6', '6'], expect: 'open' });
  add({ category: 'engine-order', name: 'open packet from the client', auth: true, frames: ['0{"sid":"x"}'], expect: 'open' });
  // Over polling '1' closes the session; over WebSocket engine.io ignores it (the socket closes instead).
  add({ category: 'engine-order', name: 'close packet then an event', auth: true, frames: ['1', event('/match', '["clock"]', 1)], expect: 'closed' }, ['polling']);
  add({ category: 'engine-order', name: 'close packet over WebSocket', auth: true, frames: ['1'], expect: 'open' }, ws);
  add({ category: 'engine-order', name: 'event before connecting any namespace', auth: false, frames: [event('/match', '["clock"]', 1)], expect: 'closed' });
  // The event may race the disconnect (socket.io handles packets on the next tick): dropped or refused.
  add({ category: 'engine-order', name: 'disconnect then event on that namespace', auth: true, frames: ['41/match,', event('/match', '["clock"]', 1)], expect: 'any' });
  add({ category: 'engine-order', name: 'event on a namespace after its disconnect', auth: true, frames: ['41/match,', event('/match', '["clock"]', 1)], expect: 'closed', separately: true });
  return cases;
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** One seeded mutation of a valid frame: bit flips, splices, digit swaps, truncation, growth. */
export function mutate(frame: Frame, rng: Prng): Frame {
  if (typeof frame === 'string') {
    const s = frame;
    switch (rng.int(8)) {
      case 0: {
        const at = rng.int(s.length);
        return s.slice(0, at) + String.fromCharCode(rng.int(128)) + s.slice(at + 1);
      }
      case 1: {
        const at = rng.int(s.length + 1);
        return s.slice(0, at) + rng.pick(['[', ']', '{', '}', '"', ',', '-', '/', '\\', '0', '9', '\x1e', ' ']) + s.slice(at);
      }
      case 2: {
        const a = rng.int(s.length);
        return s.slice(0, a) + s.slice(a + 1 + rng.int(8));
      }
      case 3:
        return s.slice(0, rng.int(s.length));
      case 4:
        return s.replace(/\d+/, rng.pick(['-1', '4294967296', '1e999', '99999999999999999999', '0.5', '']));
      case 5:
        return s.replace(/\/(lobby|match)/, rng.pick(['/', '/lobby', '/match', '/x', '//match', '/match/']));
      case 6: {
        const a = rng.int(s.length);
        return s.slice(0, a) + s.slice(a, a + 1 + rng.int(20)).repeat(2 + rng.int(20)) + s.slice(a);
      }
      default:
        return rng.pick(['4', '0', '1', '2', '3', '5', '6', 'b']) + s.slice(1);
    }
  }
  const b = new Uint8Array(frame);
  switch (rng.int(7)) {
    case 0:
      { const at = rng.int(b.length); b[at] = b[at]! ^ (1 << rng.int(8)); }
      return b;
    case 1:
      b[rng.int(b.length)] = rng.pick([0, 0xff, 0x7f, 0x80, rng.int(256)]);
      return b;
    case 2:
      return b.subarray(0, rng.int(b.length));
    case 3:
      return concat(b, rng.bytes(1 + rng.int(40)));
    case 4:
      b[0] = rng.int(256);
      return b;
    case 5:
      return concat(b.subarray(0, 2), new Uint8Array([0xff, 0xff, 0xff, 0xff]), b.subarray(2));
    default:
      return rng.bytes(1 + rng.int(64));
  }
}
