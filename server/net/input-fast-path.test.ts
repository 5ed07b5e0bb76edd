/**
 * The clock request is answered on the fast path only when its bytes are exactly the request
 * socket.io-client sends (`42/match,<ack id>["clock"]`); anything else goes the ordinary way,
 * where socket.io's decoder judges it.
 */
import { Encoder, PacketType } from 'socket.io-parser';
import { describe, expect, it } from 'vitest';
import { clockAckId } from './input-fast-path.ts';

/** The text message socket.io-client writes for `emitWithAck('clock')` with ack id `id`. */
function request(id: number): Buffer {
  const [text] = new Encoder().encode({ type: PacketType.EVENT, nsp: '/match', id, data: ['clock'] }) as string[];
  return Buffer.from(`4${text}`);
}

describe('clockAckId', () => {
  it("reads the ack id of socket.io-client's clock request", () => {
    for (const id of [0, 1, 9, 10, 417, 123_456_789]) expect(clockAckId(request(id))).toBe(id);
  });

  it('takes nothing else: other events, namespaces, no ack id, extra arguments, odd digits', () => {
    const others = [
      '42/match,["clock"]',
      '42/match,7["clock",1]',
      '42/match,7["clocks"]',
      '42/lobby,7["clock"]',
      '42/match,7["input"]',
      '43/match,7["clock"]',
      '42/match,07["clock"]',
      '42/match,1x["clock"]',
      '42/match,1234567890["clock"]',
      '42/match,7[ "clock"]',
    ];
    for (const text of others) expect(clockAckId(Buffer.from(text)), text).toBe(-1);
  });
});
