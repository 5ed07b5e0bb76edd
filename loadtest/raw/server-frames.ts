/**
 * Splits the bytes a WebSocket server sends into frames (RFC 6455 §5.2), for the raw light bot
 * (raw-connection.ts), which reads its TCP socket into one buffer shared by every connection of
 * the process. Each complete frame goes to the sink as (buffer, start, end) of its payload, a
 * view valid only during the call: no Buffer, no copy and no allocation per frame when a frame
 * lies inside one read, which on loopback is nearly always. A frame split over reads is copied
 * into this scanner's own buffer (grown as needed, kept) and handed over once complete.
 *
 * A server never masks and, for engine.io, never fragments; a frame that does either, uses a
 * reserved bit or is longer than `maxFrame` stops the scanner with a reason (`error`): the
 * caller closes the connection, as a WebSocket client must.
 */

export const enum Opcode {
  Text = 1,
  Binary = 2,
  Close = 8,
  Ping = 9,
  Pong = 10,
}

export interface FrameSink {
  /** One complete frame; its payload is buf[start..end), valid only during the call. */
  frame(opcode: number, buf: Uint8Array, start: number, end: number): void;
}

export class ServerFrameScanner {
  /** Why the scanner stopped (the connection must close), or null. */
  error: string | null = null;
  /** Frames seen (every opcode). */
  frames = 0;
  private held: Uint8Array | null = null;
  private heldLen = 0;

  constructor(
    private readonly sink: FrameSink,
    private readonly maxFrame = 1 << 20,
  ) {}

  /** Reads buf[start..end): the bytes that came next. */
  push(buf: Uint8Array, start: number, end: number): void {
    if (this.error !== null) return;
    if (this.heldLen > 0) {
      start = this.completeHeld(buf, start, end);
      if (start < 0) return;
    }
    let pos = start;
    while (pos < end) {
      const n = this.frameAt(buf, pos, end);
      if (n === 0) {
        this.hold(buf, pos, end);
        return;
      }
      if (n < 0) return;
      pos += n;
    }
  }

  /**
   * Handles the frame starting at buf[pos] when it is complete before `end`: returns its size;
   * 0 when more bytes are needed; -1 when the stream is bad (error set).
   */
  private frameAt(buf: Uint8Array, pos: number, end: number): number {
    const size = this.sizeAt(buf, pos, end - pos);
    if (size <= 0 || end - pos < size) return size < 0 ? -1 : 0;
    const hdr = headerSize(buf[pos + 1]!);
    this.frames += 1;
    this.sink.frame(buf[pos]! & 0x0f, buf, pos + hdr, pos + size);
    return size;
  }

  /** The whole size of the frame at buf[pos] (header and payload); 0 when its header is incomplete; -1 on a bad stream. */
  private sizeAt(buf: Uint8Array, pos: number, avail: number): number {
    if (avail < 2) return 0;
    const b0 = buf[pos]!;
    const b1 = buf[pos + 1]!;
    if ((b0 & 0x70) !== 0) return this.fail('reserved bits set in a server frame');
    if ((b0 & 0x80) === 0) return this.fail('fragmented server frame');
    if ((b1 & 0x80) !== 0) return this.fail('masked server frame');
    const hdr = headerSize(b1);
    if (avail < hdr) return 0;
    let len = b1 & 0x7f;
    if (len === 126) len = (buf[pos + 2]! << 8) | buf[pos + 3]!;
    else if (len === 127) {
      // Anything past 2^32 is far above maxFrame: the high word only has to be zero.
      if (buf[pos + 2]! | buf[pos + 3]! | buf[pos + 4]! | buf[pos + 5]!) return this.fail('server frame too long');
      len = ((buf[pos + 6]! << 24) | (buf[pos + 7]! << 16) | (buf[pos + 8]! << 8) | buf[pos + 9]!) >>> 0;
    }
    if (len > this.maxFrame) return this.fail(`server frame of ${len} bytes (limit ${this.maxFrame})`);
    return hdr + len;
  }

  private fail(reason: string): number {
    this.error = reason;
    this.held = null;
    this.heldLen = 0;
    return -1;
  }

  private hold(buf: Uint8Array, from: number, end: number): void {
    const n = end - from;
    if (!this.held || this.held.length < n) this.held = new Uint8Array(Math.max(256, n * 2));
    this.held.set(buf.subarray(from, end), 0);
    this.heldLen = n;
  }

  /**
   * Completes the held start of a frame from buf[start..end) and hands it over; returns where
   * the unread part of buf starts, or -1 when buf was used up first or the stream is bad.
   */
  private completeHeld(buf: Uint8Array, start: number, end: number): number {
    for (;;) {
      const held = this.held!;
      const hdr = this.heldLen < 2 ? 2 : headerSize(held[1]!);
      const knowsSize = this.heldLen >= hdr;
      const target = knowsSize ? this.sizeAt(held, 0, this.heldLen) : hdr;
      if (target < 0) return -1;
      const take = Math.min(target - this.heldLen, end - start);
      if (take > 0) {
        if (held.length < this.heldLen + take) {
          const bigger = new Uint8Array(Math.max(held.length * 2, this.heldLen + take));
          bigger.set(held.subarray(0, this.heldLen), 0);
          this.held = bigger;
        }
        this.held!.set(buf.subarray(start, start + take), this.heldLen);
        this.heldLen += take;
        start += take;
      }
      if (this.heldLen < target) return -1; // buf used up, still short
      if (!knowsSize) continue; // the header is complete: now its length tells the size
      this.heldLen = 0;
      if (this.frameAt(this.held!, 0, target) < 0) return -1;
      return start;
    }
  }
}

/** Header bytes of a server frame (never masked) from its second byte. */
function headerSize(b1: number): number {
  const len7 = b1 & 0x7f;
  return len7 < 126 ? 2 : len7 === 126 ? 4 : 10;
}
