import { PacketType, type Packet } from 'socket.io-parser';
import { describe, expect, it } from 'vitest';
import { wireParser } from './wire.ts';

function roundTrip(packet: Packet): { frames: (string | Uint8Array)[]; decoded: Packet[] } {
  const frames = new wireParser.Encoder().encode(packet);
  const decoder = new wireParser.Decoder();
  const decoded: Packet[] = [];
  decoder.on('decoded', (p: Packet) => decoded.push(p));
  for (const f of frames) decoder.add(f);
  return { frames, decoded };
}

describe('wire parser', () => {
  it('sends a binary event as one frame with a 3-byte header', () => {
    const payload = new Uint8Array([1, 2, 3, 4, 5]);
    const { frames, decoded } = roundTrip({ type: PacketType.EVENT, nsp: '/match', data: ['snapshot', payload] });
    expect(frames).toHaveLength(1);
    expect((frames[0] as Uint8Array).length).toBe(3 + payload.length);
    expect(decoded).toHaveLength(1);
    expect(decoded[0]!.nsp).toBe('/match');
    expect(decoded[0]!.data[0]).toBe('snapshot');
    expect([...(decoded[0]!.data[1] as Uint8Array)]).toEqual([1, 2, 3, 4, 5]);
  });

  it('carries ack ids and names outside the table', () => {
    const { decoded } = roundTrip({ type: PacketType.EVENT, nsp: '/custom', id: 300, data: ['custom-event', new Uint8Array([9])] });
    expect(decoded[0]).toMatchObject({ type: PacketType.EVENT, nsp: '/custom', id: 300 });
    expect(decoded[0]!.data[0]).toBe('custom-event');
    const ack = roundTrip({ type: PacketType.ACK, nsp: '/match', id: 7, data: [new Uint8Array([1, 2])] });
    expect(ack.decoded[0]).toMatchObject({ type: PacketType.ACK, nsp: '/match', id: 7 });
  });

  it('keeps the default text encoding for JSON packets', () => {
    const { frames, decoded } = roundTrip({ type: PacketType.EVENT, nsp: '/match', id: 3, data: ['join', { nickname: 'ana' }] });
    expect(frames).toEqual(['2/match,3["join",{"nickname":"ana"}]']);
    expect(decoded[0]).toEqual({ type: PacketType.EVENT, nsp: '/match', id: 3, data: ['join', { nickname: 'ana' }] });
  });

  it('throws on malformed frames (socket.io then closes that connection)', () => {
    const decoder = new wireParser.Decoder();
    expect(() => decoder.add(new Uint8Array([]))).toThrow();
    expect(() => decoder.add(new Uint8Array([0x02, 200, 0]))).toThrow(/namespace/);
    expect(() => decoder.add(new Uint8Array([0x00, 1]))).toThrow(/packet type/);
    expect(() => decoder.add(new Uint8Array([0xf2, 1, 0]))).toThrow(/reserved/);
    expect(() => decoder.add('51-/match,["x",{"_placeholder":true,"num":0}]')).toThrow(/placeholder/);
    // Reserved names are refused inline as socket.io-parser refuses them in text packets.
    const named = (name: string) => new Uint8Array([0x02, 1, 0xff, name.length, ...new TextEncoder().encode(name), 1]);
    for (const name of ['disconnect', 'connect', 'disconnecting', 'newListener', 'removeListener', 'connect_error']) {
      expect(() => decoder.add(named(name))).toThrow(/reserved event name/);
    }
    expect(() => decoder.add(named('chat'))).not.toThrow();
  });

  it('refuses to encode binary nested inside other arguments', () => {
    expect(() => new wireParser.Encoder().encode({ type: PacketType.EVENT, nsp: '/', data: ['x', { b: new Uint8Array(1) }] })).toThrow();
  });

  it('gives the prefix the Encoder writes before a binary event payload, for names in the table', () => {
    const payload = Uint8Array.of(9, 8, 7);
    const [frame] = new wireParser.Encoder().encode({ type: PacketType.EVENT, nsp: '/match', data: ['snapshot', payload] });
    const prefix = wireParser.eventPrefix('/match', 'snapshot')!;
    expect([...(frame as Uint8Array)]).toEqual([...prefix, ...payload]);
    expect(wireParser.eventPrefix('/match', 'teleport')).toBeNull();
  });
});
