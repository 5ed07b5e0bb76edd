/**
 * Picks one kind of frame out of the bytes a WebSocket server sends, before the `ws` library's
 * receiver sees them (`--light` bots, raw-match-frames.ts). The receiver is a Writable stream:
 * per TCP chunk it runs write → _write → parse → emit 'message' and copies each message into a
 * new Buffer; at 500 light bots that was ~20 % of the load generator's core, for frames the bot
 * only peeks at (BENCHMARKS.md, "Capacity").
 *
 * `push(chunk)` walks the frame headers (RFC 6455 §5.2) of each chunk:
 * - a complete, unfragmented binary frame (first byte 0x82: FIN=1, RSV=0, opcode 2), unmasked,
 *   whose payload starts with `prefix` and is longer than it, and at most `maxMatch` bytes, is
 *   handed to `match` with the bytes after the prefix: a view into the chunk when the frame lies
 *   inside it (no copy), one copy when it is split over chunks;
 * - every other byte (text frames, fragments and their continuations, pings, pongs, close
 *   frames, masked or malformed frames) goes to `pass`, in order and unchanged, so the caller's
 *   receiver parses exactly what it would have parsed without this reader (minus the matched
 *   frames). Contiguous pass-through bytes of one chunk go out as one view.
 *
 * Order is kept between the two outputs: bytes before a matched frame are passed before it is
 * handed over. A length the receiver would refuse (a 64-bit length above 2^53) makes every
 * further byte pass through: the receiver closes the connection, as it would have.
 */

export interface SnapshotFrameSink {
  /** The payload after the prefix of one matched frame; valid only during the call. */
  match(payload: Uint8Array): void;
  /** Bytes that are not part of a matched frame, in stream order; valid only during the call. */
  pass(bytes: Uint8Array): void;
}

const BINARY_FINAL = 0x82;
const MASK_BIT = 0x80;
/** Longest header (2 + 8-byte length; server frames carry no mask) plus the prefix. */
const MAX_HEAD = 10;

const enum State {
  /** At a frame boundary, or holding the first bytes of a frame in `head`. */
  Head,
  /** Passing the rest of a frame that is not matched: `left` bytes. */
  Pass,
  /** Copying a matched frame split over chunks into `body`. */
  Body,
  /** An unparseable length: everything passes from here on. */
  PassAll,
}

/** What the first bytes of a frame say: NEED_MORE, or its header size and payload length. */
const NEED_MORE = -1;

export class SnapshotFrameReader {
  private state = State.Head;
  private readonly head: Uint8Array;
  private headLen = 0;
  private left = 0;
  private body: Uint8Array | null = null;
  private bodyLen = 0;
  /** A data message is being sent in fragments: its continuation frames are not candidates. */
  private fragmented = false;
  // Results of `decide`, kept in fields to allocate nothing per frame.
  private hdr = 0;
  private len = 0;
  private matched = false;

  constructor(
    private readonly prefix: Uint8Array,
    private readonly maxMatch: number,
    private readonly sink: SnapshotFrameSink,
  ) {
    this.head = new Uint8Array(MAX_HEAD + prefix.length);
  }

  /** True while part of a frame is held back (neither matched nor passed yet). */
  get holding(): boolean {
    return this.state === State.Body || (this.state === State.Head && this.headLen > 0);
  }

  /**
   * The bytes held back, as they came, and forgets them: for a caller whose receiver must
   * still see them (the socket closes with a frame half read).
   */
  takeHeld(): Uint8Array | null {
    let held: Uint8Array | null = null;
    if (this.state === State.Head && this.headLen > 0) held = this.head.slice(0, this.headLen);
    else if (this.state === State.Body) {
      // `head` still holds the frame's header bytes as they came.
      held = new Uint8Array(this.hdr + this.bodyLen);
      held.set(this.head.subarray(0, this.hdr), 0);
      held.set(this.body!.subarray(0, this.bodyLen), this.hdr);
    }
    this.headLen = 0;
    this.body = null;
    this.state = State.Head;
    return held;
  }

  /** Reads chunk[0..end): the bytes that came next. */
  push(chunk: Uint8Array, end = chunk.length): void {
    let pos = 0;
    // Start of the pass-through bytes of this chunk not yet handed to `pass`.
    let passFrom = 0;
    if (this.state === State.Head && this.headLen > 0) {
      pos = this.fillHead(chunk, end);
      passFrom = pos;
    }
    while (pos < end) {
      switch (this.state) {
        case State.PassAll:
          pos = end;
          break;
        case State.Pass: {
          const n = Math.min(this.left, end - pos);
          pos += n;
          this.left -= n;
          if (this.left === 0) this.state = State.Head;
          break;
        }
        case State.Body: {
          const body = this.body!;
          const n = Math.min(body.length - this.bodyLen, end - pos);
          body.set(chunk.subarray(pos, pos + n), this.bodyLen);
          this.bodyLen += n;
          pos += n;
          passFrom = pos;
          if (this.bodyLen === body.length) {
            this.body = null;
            this.state = State.Head;
            this.sink.match(body.subarray(this.prefix.length));
          }
          break;
        }
        case State.Head: {
          if (!this.decide(chunk, pos, end - pos)) {
            // The frame's first bytes end this chunk: hold them until the next.
            if (pos > passFrom) this.sink.pass(chunk.subarray(passFrom, pos));
            this.head.set(chunk.subarray(pos, end), 0);
            this.headLen = end - pos;
            pos = end;
            passFrom = end;
            break;
          }
          if ((this.state as State) === State.PassAll) break;
          if (!this.matched) {
            this.state = State.Pass;
            this.left = this.hdr + this.len;
            break;
          }
          if (pos > passFrom) this.sink.pass(chunk.subarray(passFrom, pos));
          const start = pos + this.hdr;
          const frameEnd = start + this.len;
          if (frameEnd <= end) {
            pos = frameEnd;
            passFrom = pos;
            this.sink.match(chunk.subarray(start + this.prefix.length, frameEnd));
          } else {
            this.head.set(chunk.subarray(pos, start), 0);
            this.body = new Uint8Array(this.len);
            this.body.set(chunk.subarray(start, end), 0);
            this.bodyLen = end - start;
            this.state = State.Body;
            pos = end;
            passFrom = end;
          }
          break;
        }
      }
    }
    if (pos > passFrom) this.sink.pass(chunk.subarray(passFrom, pos));
  }

  /**
   * Completes the frame start held in `head` from the beginning of `chunk`; returns how many
   * bytes of the chunk it used. A byte at a time: this path runs only when a frame header is split.
   */
  private fillHead(chunk: Uint8Array, end: number): number {
    let used = 0;
    while (!this.decide(this.head, 0, this.headLen)) {
      if (used === end) return used;
      this.head[this.headLen++] = chunk[used++]!;
    }
    const held = this.headLen;
    this.headLen = 0;
    if (this.state === State.PassAll || !this.matched) {
      this.sink.pass(this.head.slice(0, held));
      if (this.state !== State.PassAll) {
        this.left = this.hdr + this.len - held;
        this.state = this.left > 0 ? State.Pass : State.Head;
      }
      return used;
    }
    // A matched frame: its payload bytes already held start the body.
    this.body = new Uint8Array(this.len);
    this.bodyLen = held - this.hdr;
    this.body.set(this.head.subarray(this.hdr, held), 0);
    this.state = State.Body;
    if (this.bodyLen === this.len) {
      this.state = State.Head;
      const body = this.body;
      this.body = null;
      this.sink.match(body.subarray(this.prefix.length));
    }
    return used;
  }

  /**
   * Reads the frame starting at `buf[at]` (`avail` bytes there): false when more bytes are needed
   * to tell; else sets hdr, len and matched (or the PassAll state) and returns true.
   */
  private decide(buf: Uint8Array, at: number, avail: number): boolean {
    if (avail < 2) return false;
    const b0 = buf[at]!;
    const b1 = buf[at + 1]!;
    let hdr = 2;
    let len = b1 & 0x7f;
    if (len === 126) {
      if (avail < 4) return false;
      hdr = 4;
      len = (buf[at + 2]! << 8) | buf[at + 3]!;
    } else if (len === 127) {
      if (avail < 10) return false;
      hdr = 10;
      const hi = ((buf[at + 2]! << 24) | (buf[at + 3]! << 16) | (buf[at + 4]! << 8) | buf[at + 5]!) >>> 0;
      const lo = ((buf[at + 6]! << 24) | (buf[at + 7]! << 16) | (buf[at + 8]! << 8) | buf[at + 9]!) >>> 0;
      if (hi > 0x1fffff) {
        this.state = State.PassAll;
        return true;
      }
      len = hi * 2 ** 32 + lo;
    }
    if (b1 & MASK_BIT) hdr += 4; // the receiver refuses a masked server frame; it passes, whole
    const prefix = this.prefix;
    const candidate = b0 === BINARY_FINAL && (b1 & MASK_BIT) === 0 && !this.fragmented && len > prefix.length && len <= this.maxMatch;
    let matched = candidate;
    if (candidate) {
      if (avail < hdr + prefix.length) return false;
      for (let i = 0; i < prefix.length; i++) {
        if (buf[at + hdr + i] !== prefix[i]) {
          matched = false;
          break;
        }
      }
    }
    const opcode = b0 & 0x0f;
    // Data frames (continuation 0, text 1, binary 2) open or close a fragmented message;
    // control frames may sit between fragments and change nothing.
    if (opcode < 8) this.fragmented = (b0 & 0x80) === 0;
    this.hdr = hdr;
    this.len = len;
    this.matched = matched;
    return true;
  }
}
