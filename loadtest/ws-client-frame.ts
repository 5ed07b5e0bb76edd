/**
 * One masked binary WebSocket frame from a client (RFC 6455 §5.2–5.3), built in one buffer so
 * that a light bot writes its input with a single `socket.write` (raw-match-frames.ts). The `ws`
 * library's Sender writes a header buffer and the payload through cork/uncork and converts the
 * payload to a Buffer first: at 500 light bots its send path was ~20 % of the load generator's
 * core, of which the write syscall itself ~15 %.
 *
 * Layout: FIN|opcode 2, then the length (7 bits, or 126 + 16 bits, or 127 + 64 bits) with the
 * mask bit set, the 4-byte mask, then prefix + payload XOR-ed with the mask. The mask only has to
 * be unpredictable to the page's scripts (it defends proxies against cache poisoning), as in
 * `ws`: 4 bytes from a pool refilled by crypto.randomFillSync.
 */
import { randomFillSync } from 'node:crypto';

const BINARY_FINAL = 0x82;
const MASK_BIT = 0x80;

export class MaskSource {
  private readonly pool: Uint8Array;
  private at: number;

  constructor(poolBytes = 16 * 1024) {
    this.pool = new Uint8Array(poolBytes - (poolBytes % 4));
    this.at = this.pool.length;
  }

  /** Copies the next 4 random bytes to out[offset..offset+4). */
  next(out: Uint8Array, offset: number): void {
    if (this.at === this.pool.length) {
      randomFillSync(this.pool);
      this.at = 0;
    }
    const pool = this.pool;
    const i = this.at;
    out[offset] = pool[i]!;
    out[offset + 1] = pool[i + 1]!;
    out[offset + 2] = pool[i + 2]!;
    out[offset + 3] = pool[i + 3]!;
    this.at = i + 4;
  }
}

/** The frame carrying `prefix` followed by `payload`, masked with the next mask of `masks`. */
export function maskedBinaryFrame(prefix: Uint8Array, payload: Uint8Array, masks: MaskSource): Buffer {
  const len = prefix.length + payload.length;
  const lenBytes = len < 126 ? 0 : len < 65536 ? 2 : 8;
  const maskAt = 2 + lenBytes;
  const dataAt = maskAt + 4;
  // allocUnsafe slices Node's shared pool: no zeroing, and every byte is written below.
  const frame = Buffer.allocUnsafe(dataAt + len);
  frame[0] = BINARY_FINAL;
  if (lenBytes === 0) frame[1] = MASK_BIT | len;
  else if (lenBytes === 2) {
    frame[1] = MASK_BIT | 126;
    frame[2] = len >>> 8;
    frame[3] = len & 0xff;
  } else {
    frame[1] = MASK_BIT | 127;
    frame.writeUInt32BE(Math.floor(len / 2 ** 32), 2);
    frame.writeUInt32BE(len >>> 0, 6);
  }
  masks.next(frame, maskAt);
  let j = dataAt;
  for (let i = 0; i < prefix.length; i++, j++) frame[j] = prefix[i]! ^ frame[maskAt + ((j - dataAt) & 3)]!;
  for (let i = 0; i < payload.length; i++, j++) frame[j] = payload[i]! ^ frame[maskAt + ((j - dataAt) & 3)]!;
  return frame;
}
