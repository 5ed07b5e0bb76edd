import { describe, expect, it } from 'vitest';
import { justMoved, movedNotice, tickRoom } from './match-room.ts';
import type { MatchSocket } from './types.ts';

/** The socket fields movedNotice touches, and what it emits. */
function fakeSocket(matchId: string): { socket: MatchSocket; emitted: unknown[][]; left: string[] } {
  const emitted: unknown[][] = [];
  const left: string[] = [];
  const socket = {
    data: { guest: { guestId: 'g', nickname: 'n' }, matchId, slot: 2, role: 'player', netGraph: true },
    emit: (...args: unknown[]) => emitted.push(args),
    leave: (room: string) => void left.push(room),
  };
  return { socket: socket as unknown as MatchSocket, emitted, left };
}

describe('a player told its match moved', () => {
  it('is out of the match, told MATCH_MOVED, and its inputs in flight are excused for two seconds only', () => {
    const { socket, emitted, left } = fakeSocket('m1');
    expect(justMoved(socket, 1_000)).toBe(false); // never moved: an input outside a match is an offence
    movedNotice(socket, 'm1', 10_000);
    expect(socket.data).toMatchObject({ matchId: undefined, slot: undefined, role: undefined, movedAt: 10_000 });
    expect(emitted).toEqual([['protocol_error', { code: 'MATCH_MOVED', message: 'the match moved to another node: join it again' }]]);
    // No more of the old match's tick time; the wish for it stays, for the match joined next.
    expect(left).toEqual([tickRoom('m1')]);
    expect(socket.data.netGraph).toBe(true);
    expect(justMoved(socket, 10_050)).toBe(true);
    expect(justMoved(socket, 11_999)).toBe(true);
    expect(justMoved(socket, 12_000)).toBe(false);
  });
});
