import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSioPacket, SioType, sioPacket } from './sio-packet.ts';

describe('socket.io text packets', () => {
  it('writes what socket.io writes', () => {
    expect(sioPacket(SioType.Connect, '/match', null, { token: 't', protocol: 2 })).toBe('0/match,{"token":"t","protocol":2}');
    expect(sioPacket(SioType.Event, '/lobby', 12, ['quickplay', { mode: 'ffa' }])).toBe('2/lobby,12["quickplay",{"mode":"ffa"}]');
    expect(sioPacket(SioType.Event, '/', null, ['hello'])).toBe('2["hello"]');
  });

  it('reads connects, refusals, events and answers', () => {
    expect(parseSioPacket('0/match,{"sid":"abc"}')).toEqual({ type: SioType.Connect, nsp: '/match', id: null, data: { sid: 'abc' } });
    expect(parseSioPacket('4/lobby,{"message":"no","data":{"code":"AUTH_EXPIRED"}}')?.data).toEqual({ message: 'no', data: { code: 'AUTH_EXPIRED' } });
    expect(parseSioPacket('3/match,7[{"ok":true}]')).toEqual({ type: SioType.Ack, nsp: '/match', id: 7, data: [{ ok: true }] });
    expect(parseSioPacket('2/lobby,["matched",{"matchId":"m1"}]')).toEqual({ type: SioType.Event, nsp: '/lobby', id: null, data: ['matched', { matchId: 'm1' }] });
    expect(parseSioPacket('1/match,')).toEqual({ type: SioType.Disconnect, nsp: '/match', id: null, data: undefined });
    expect(parseSioPacket('3/match,9[1733550000000.5]')?.data).toEqual([1733550000000.5]);
  });

  it('round-trips any packet it writes', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(SioType.Connect, SioType.Disconnect, SioType.Event, SioType.Ack, SioType.ConnectError),
        fc.constantFrom('/', '/match', '/lobby'),
        fc.option(fc.nat({ max: 1e9 }), { nil: null }),
        fc.option(fc.array(fc.jsonValue(), { maxLength: 3 }), { nil: undefined }),
        (type, nsp, id, data) => {
          const back = parseSioPacket(sioPacket(type, nsp, id, data));
          expect(back).toEqual({ type, nsp, id, data: data === undefined ? undefined : JSON.parse(JSON.stringify(data)) });
        },
      ),
    );
  });

  it('refuses what it cannot read instead of throwing', () => {
    for (const bad of ['', 'x', '9', '2/match,[oops', '51-/match,["snapshot",{"_placeholder":true,"num":0}]']) expect(parseSioPacket(bad)).toBeNull();
    fc.assert(fc.property(fc.string(), (s) => void parseSioPacket(s)));
  });
});
