/**
 * Counts what a connection moves at the WebSocket frame level: frames and bytes, each way.
 *
 * Whoever can see the frames feeds it: the load-test bots' Node adapter reads the TCP socket's
 * exact byte counters; a browser, which cannot see frames, can feed payload sizes through
 * `frameBytes()` to add the framing a WebSocket puts around each message. `take()` hands out
 * what was counted since the previous call, for per-second graphs.
 */
export interface TrafficTotals {
  framesIn: number;
  framesOut: number;
  bytesIn: number;
  bytesOut: number;
}

/**
 * Bytes one WebSocket frame takes for a payload of `payloadBytes` (RFC 6455 §5.2): a 2-byte
 * header, a 2- or 8-byte extended length past 125 / 65535 bytes, and a 4-byte mask key on
 * frames a client sends.
 */
export function frameBytes(payloadBytes: number, fromClient: boolean): number {
  const length = payloadBytes < 126 ? 0 : payloadBytes < 65_536 ? 2 : 8;
  return 2 + length + (fromClient ? 4 : 0) + payloadBytes;
}

export class ByteCounter implements TrafficTotals {
  framesIn = 0;
  framesOut = 0;
  bytesIn = 0;
  bytesOut = 0;
  private last: TrafficTotals = { framesIn: 0, framesOut: 0, bytesIn: 0, bytesOut: 0 };

  frameIn(bytes: number): void {
    this.framesIn += 1;
    this.bytesIn += bytes;
  }

  frameOut(bytes: number): void {
    this.framesOut += 1;
    this.bytesOut += bytes;
  }

  /** Adds bytes that are not tied to one frame (handshakes, or a socket's byte counter delta). */
  addBytes(bytesIn: number, bytesOut: number): void {
    this.bytesIn += bytesIn;
    this.bytesOut += bytesOut;
  }

  totals(): TrafficTotals {
    return { framesIn: this.framesIn, framesOut: this.framesOut, bytesIn: this.bytesIn, bytesOut: this.bytesOut };
  }

  /** What was counted since the previous take(). */
  take(): TrafficTotals {
    const now = this.totals();
    const delta = {
      framesIn: now.framesIn - this.last.framesIn,
      framesOut: now.framesOut - this.last.framesOut,
      bytesIn: now.bytesIn - this.last.bytesIn,
      bytesOut: now.bytesOut - this.last.bytesOut,
    };
    this.last = now;
    return delta;
  }
}
