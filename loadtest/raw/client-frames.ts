/**
 * Client-to-server WebSocket frames for the raw light bot, built with a zero masking key.
 *
 * RFC 6455 §5.3 requires every client frame to be masked, with a key the page's scripts cannot
 * predict: the mask protects proxies that would otherwise read attacker-chosen bytes as HTTP.
 * A load-test bot is no page running foreign scripts, and a zero key is a valid key (servers
 * XOR with it and get the payload back unchanged), so the payload goes out as it is: no random
 * bytes to draw, no XOR pass, and a frame built once can be patched in place.
 *
 * Layout: FIN|opcode, MASK|length (7 bits, or 126 + 16 bits, or 127 + 64 bits), four zero key
 * bytes, payload.
 */

export const OPCODE_TEXT = 1;
export const OPCODE_BINARY = 2;
export const OPCODE_CLOSE = 8;
export const OPCODE_PONG = 10;

/** Bytes before the payload of a client frame whose payload is `len` bytes. */
export function clientHeaderSize(len: number): number {
  return (len < 126 ? 2 : len < 65536 ? 4 : 10) + 4;
}

/** Writes the header of a frame with a `len`-byte payload at out[0..]; returns the payload's offset. */
export function writeClientHeader(out: Uint8Array, opcode: number, len: number): number {
  out[0] = 0x80 | opcode;
  let at = 2;
  if (len < 126) out[1] = 0x80 | len;
  else if (len < 65536) {
    out[1] = 0x80 | 126;
    out[2] = len >>> 8;
    out[3] = len & 0xff;
    at = 4;
  } else {
    out[1] = 0x80 | 127;
    const hi = Math.floor(len / 2 ** 32);
    out[2] = hi >>> 24;
    out[3] = (hi >>> 16) & 0xff;
    out[4] = (hi >>> 8) & 0xff;
    out[5] = hi & 0xff;
    out[6] = len >>> 24;
    out[7] = (len >>> 16) & 0xff;
    out[8] = (len >>> 8) & 0xff;
    out[9] = len & 0xff;
    at = 10;
  }
  out[at] = 0;
  out[at + 1] = 0;
  out[at + 2] = 0;
  out[at + 3] = 0;
  return at + 4;
}

/** One frame carrying `payload`. */
export function clientFrame(opcode: number, payload: Uint8Array): Buffer {
  const frame = Buffer.allocUnsafe(clientHeaderSize(payload.length) + payload.length);
  frame.set(payload, writeClientHeader(frame, opcode, payload.length));
  return frame;
}

/** One text frame (engine.io and socket.io text packets). */
export function clientTextFrame(text: string): Buffer {
  return clientFrame(OPCODE_TEXT, Buffer.from(text, 'utf8'));
}
