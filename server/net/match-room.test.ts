import { describe, expect, it } from 'vitest';
import { justMoved, movedNotice } from './match-room.ts';
import type { MatchSocket } from './types.ts';

/** The socket fields movedNotice touches, and what it emits. */
function fakeSocket(matchId: string): { socket: MatchSocket; emitted: unknown[][] } {
  const emitted: unknown[][] = [];
  const socket = { data: { guest: { guestId: 'g', nickname: 'n' }, matchId, slot: 2, role: 'player' }, emit: (...args: unknown[]) => emitted.push(args) };
  return { socket: socket as unknown as MatchSocket, emitted };
}

describe('a player told its match moved', () => {
  it('is out of the match, told MATCH_MOVED, and its inputs in flight are excused for two seconds only', () => {
    const { socket, emitted } = fakeSocket('m1');
    expect(justMoved(socket, 1_000)).toBe(false); // never moved: an input outside a match is an offence
    movedNotice(socket, 'm1', 10_000);
    expect(socket.data).toMatchObject({ matchId: undefined, slot: undefined, role: undefined, movedAt: 10_000 });
    expect(emitted).toEqual([['protocol_error', { code: 'MATCH_MOVED', message: 'the match moved to another node: join it again' }]]);
    expect(justMoved(socket, 10_050)).toBe(true);
    expect(justMoved(socket, 11_999)).toBe(true);
    expect(justMoved(socket, 12_000)).toBe(false);
  });
});
