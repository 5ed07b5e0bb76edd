/**
 * Growable byte writer and bounds-checked reader for the replay format: unsigned LEB128 varints,
 * raw bytes and length-prefixed UTF-8. The reader never throws: a read past the end or a varint
 * longer than 32 bits sets `failed`, returns 0 / empty, and the caller reports what it was reading.
 */

export class ByteWriter {
  private buf: Uint8Array;
  private len = 0;

  constructor(initial = 256) {
    this.buf = new Uint8Array(initial);
  }

  get length(): number {
    return this.len;
  }

  /** Makes room for `n` more bytes, for a run of `put`s. */
  room(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  /** A byte, without the bounds check: only after `room`. */
  put(v: number): void {
    this.buf[this.len++] = v & 0xff;
  }

  u8(v: number): void {
    this.room(1);
    this.buf[this.len++] = v & 0xff;
  }

  /** Unsigned integer up to 2^32 - 1, 7 bits a byte. */
  varint(v: number): void {
    this.room(5);
    let x = v >>> 0;
    while (x >= 0x80) {
      this.buf[this.len++] = (x & 0x7f) | 0x80;
      x >>>= 7;
    }
    this.buf[this.len++] = x;
  }

  bytes(b: Uint8Array): void {
    this.room(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }

  /** What `other` holds, copied byte by byte (no view of it made: a few dozen bytes a tick). */
  append(other: ByteWriter): void {
    const n = other.len;
    this.room(n);
    const from = other.buf;
    const to = this.buf;
    let at = this.len;
    for (let i = 0; i < n; i++) to[at++] = from[i]!;
    this.len = at;
  }

  /** Varint length, then the bytes. */
  block(b: Uint8Array): void {
    this.varint(b.length);
    this.bytes(b);
  }

  text(s: string): void {
    this.block(new TextEncoder().encode(s));
  }

  /** What was written, without a copy: valid until the next write or reset. */
  view(): Uint8Array {
    return this.buf.subarray(0, this.len);
  }

  /** A copy of what was written. */
  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }

  /** Forgets everything written, keeping the memory. */
  reset(): void {
    this.len = 0;
  }
}

export class ByteReader {
  pos = 0;
  failed = false;

  constructor(private readonly buf: Uint8Array) {}

  get remaining(): number {
    return this.buf.length - this.pos;
  }

  get done(): boolean {
    return this.pos >= this.buf.length;
  }

  u8(): number {
    if (this.pos >= this.buf.length) {
      this.failed = true;
      return 0;
    }
    return this.buf[this.pos++]!;
  }

  varint(): number {
    let result = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      if (this.pos >= this.buf.length) {
        this.failed = true;
        return 0;
      }
      const b = this.buf[this.pos++]!;
      if (shift === 28 && b > 0x0f) {
        this.failed = true;
        return 0;
      }
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
    }
    this.failed = true;
    return 0;
  }

  bytes(n: number): Uint8Array {
    if (n > this.remaining) {
      this.failed = true;
      this.pos = this.buf.length;
      return new Uint8Array(0);
    }
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  block(): Uint8Array {
    const n = this.varint();
    return this.failed ? new Uint8Array(0) : this.bytes(n);
  }

  /** Null when the bytes are not valid UTF-8. */
  text(): string | null {
    const b = this.block();
    if (this.failed) return null;
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(b);
    } catch {
      this.failed = true;
      return null;
    }
  }
}
