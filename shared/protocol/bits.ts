/**
 * Bit-level writer and reader for the snapshot codec. Bit packing (not byte alignment) is what
 * makes a 16-player delta fit in a few dozen bytes: most per-player fields are one "unchanged" bit.
 * Bits are written most significant first.
 */

/** Thrown inside a decoder when the bytes run out or break a rule; caught at the decode boundary. */
export class BitsError extends Error {
  constructor(
    readonly code: 'TRUNCATED' | 'MALFORMED',
    message: string,
  ) {
    super(message);
  }
}

export class BitWriter {
  private buf: Uint8Array;
  private bitPos = 0;

  constructor(initialBytes = 256) {
    this.buf = new Uint8Array(initialBytes);
  }

  /** Writes the low `n` bits of `value` (0 <= n <= 32). */
  bits(value: number, n: number): void {
    if (n === 0) return;
    this.ensure(n);
    // Split 32-bit writes so every shift below stays inside one 32-bit integer.
    if (n > 24) {
      this.bits(Math.floor(value / 0x10000) & ((1 << (n - 16)) - 1), n - 16);
      this.bits(value & 0xffff, 16);
      return;
    }
    let remaining = n;
    const v = value & ((1 << n) - 1);
    while (remaining > 0) {
      const byteIndex = this.bitPos >> 3;
      const free = 8 - (this.bitPos & 7);
      const take = Math.min(free, remaining);
      const chunk = (v >> (remaining - take)) & ((1 << take) - 1);
      this.buf[byteIndex]! |= chunk << (free - take);
      this.bitPos += take;
      remaining -= take;
    }
  }

  bool(b: boolean): void {
    this.bits(b ? 1 : 0, 1);
  }

  /** Unsigned integer in 7-bit groups with a continuation bit: small counts cost one byte. */
  varuint(value: number): void {
    this.grouped(value, 7);
  }

  /**
   * A count that is usually zero or small: '0' for zero (one bit), else '1' and value - 1 in
   * 3-bit groups with a continuation bit (1..8 cost five bits, 9..72 nine).
   */
  count(value: number): void {
    this.bits(value === 0 ? 0 : 1, 1);
    if (value !== 0) this.grouped(value - 1, 3);
  }

  /** `width`-bit groups, least significant first, each behind a "more follows" bit. */
  private grouped(value: number, width: number): void {
    const base = 1 << width;
    let v = value;
    while (v >= base) {
      this.bits(1, 1);
      this.bits(v & (base - 1), width);
      v = Math.floor(v / base);
    }
    this.bits(0, 1);
    this.bits(v, width);
  }

  /**
   * Signed integer in three size classes, for residuals that are usually tiny:
   * '0'+5 bits (|v| <= 15), '10'+9 bits (|v| <= 255), '11'+20 bits (|v| <= 524287): the
   * widest class covers any difference of two 16-bit positions.
   */
  small(value: number): void {
    const z = value >= 0 ? value * 2 : -value * 2 - 1; // zigzag
    if (z < 1 << 5) {
      this.bits(0, 1);
      this.bits(z, 5);
    } else if (z < 1 << 9) {
      this.bits(0b10, 2);
      this.bits(z, 9);
    } else if (z < 1 << 20) {
      this.bits(0b11, 2);
      this.bits(z, 20);
    } else {
      throw new RangeError(`value ${value} out of range for small()`);
    }
  }

  f64(value: number): void {
    const tmp = new DataView(new ArrayBuffer(8));
    tmp.setFloat64(0, value);
    for (let i = 0; i < 8; i++) this.bits(tmp.getUint8(i), 8);
  }

  /** The bytes written so far (a copy sized to fit, safe to hand to a socket). */
  finish(): Uint8Array {
    return this.buf.slice(0, (this.bitPos + 7) >> 3);
  }

  private ensure(nBits: number): void {
    const needed = (this.bitPos + nBits + 7) >> 3;
    if (needed <= this.buf.length) return;
    const next = new Uint8Array(Math.max(needed, this.buf.length * 2));
    next.set(this.buf);
    this.buf = next;
  }
}

export class BitReader {
  private bitPos = 0;
  private readonly totalBits: number;

  constructor(private readonly bytes: Uint8Array) {
    this.totalBits = bytes.length * 8;
  }

  bits(n: number): number {
    if (n === 0) return 0;
    if (this.bitPos + n > this.totalBits) throw new BitsError('TRUNCATED', 'snapshot ends early');
    if (n > 24) {
      const high = this.bits(n - 16);
      return high * 0x10000 + this.bits(16);
    }
    let remaining = n;
    let out = 0;
    while (remaining > 0) {
      const byte = this.bytes[this.bitPos >> 3]!;
      const avail = 8 - (this.bitPos & 7);
      const take = Math.min(avail, remaining);
      const chunk = (byte >> (avail - take)) & ((1 << take) - 1);
      out = (out << take) | chunk;
      this.bitPos += take;
      remaining -= take;
    }
    return out >>> 0;
  }

  bool(): boolean {
    return this.bits(1) === 1;
  }

  /** At most 5 groups (35 bits): anything longer is malformed, which also bounds the loop. */
  varuint(): number {
    return this.grouped(7, 5, 'varuint');
  }

  /** At most 11 groups (33 bits): anything longer is malformed, which also bounds the loop. */
  count(): number {
    return this.bits(1) === 0 ? 0 : this.grouped(3, 11, 'count') + 1;
  }

  private grouped(width: number, maxGroups: number, what: string): number {
    const base = 2 ** width;
    let result = 0;
    let scale = 1;
    for (let group = 0; group < maxGroups; group++) {
      const more = this.bits(1);
      result += this.bits(width) * scale;
      if (!more) return result;
      scale *= base;
    }
    throw new BitsError('MALFORMED', `${what} longer than ${maxGroups} groups`);
  }

  small(): number {
    let z: number;
    if (this.bits(1) === 0) z = this.bits(5);
    else if (this.bits(1) === 0) z = this.bits(9);
    else z = this.bits(20);
    return z & 1 ? -(z + 1) / 2 : z / 2;
  }

  f64(): number {
    const tmp = new DataView(new ArrayBuffer(8));
    for (let i = 0; i < 8; i++) tmp.setUint8(i, this.bits(8));
    return tmp.getFloat64(0);
  }

  /** Trailing bits past the last field must be the zero padding of the final byte. */
  expectEnd(): void {
    const left = this.totalBits - this.bitPos;
    if (left >= 8) throw new BitsError('MALFORMED', `${left >> 3} unexpected trailing bytes`);
    if (left > 0 && this.bits(left) !== 0) throw new BitsError('MALFORMED', 'non-zero padding');
  }
}
