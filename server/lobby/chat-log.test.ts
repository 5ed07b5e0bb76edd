import { describe, expect, it } from 'vitest';
import { ChatLog } from './chat-log.ts';

const line = (text: string) => ({ channel: 'lobby' as const, from: { guestId: 'g', nickname: 'n' }, text, at: 0 });

describe('ChatLog', () => {
  it('numbers lines increasingly across rooms, even within one millisecond, and hands back the later ones in order', () => {
    const log = new ChatLog({ perRoom: 10, maxRooms: 10, now: () => 1_000 });
    const a = log.append('lobby', line('a'));
    const b = log.append('match:m1', line('b'));
    const c = log.append('lobby', line('c'));
    expect(a.id).toBe(1_000_000);
    expect([b.id, c.id]).toEqual([a.id + 1, a.id + 2]);
    expect(log.missed('lobby', a.id)).toEqual({ messages: [c], latest: c.id });
    expect(log.missed('lobby', 0).messages.map((m) => m.text)).toEqual(['a', 'c']);
    expect(log.missed('nowhere', 0)).toEqual({ messages: [], latest: 0 });
  });

  it("keeps ids ahead of a restarted server's (the clock), so a client's last id still means the past", () => {
    let now = 5_000;
    const before = new ChatLog({ perRoom: 10, maxRooms: 10, now: () => now });
    const last = before.append('lobby', line('old')).id;
    now += 2_000; // restarted two seconds later
    const after = new ChatLog({ perRoom: 10, maxRooms: 10, now: () => now });
    expect(after.append('lobby', line('new')).id).toBeGreaterThan(last);
    expect(after.missed('lobby', last).messages.map((m) => m.text)).toEqual(['new']);
  });

  it('keeps the last perRoom lines of a room and at most maxRooms rooms, the least recently written going first', () => {
    let t = 1;
    const log = new ChatLog({ perRoom: 3, maxRooms: 2, now: () => t++ });
    for (const text of ['1', '2', '3', '4', '5']) log.append('lobby', line(text));
    expect(log.missed('lobby', 0).messages.map((m) => m.text)).toEqual(['3', '4', '5']);
    log.append('match:a', line('a'));
    log.append('lobby', line('6')); // the lobby is the most recent again
    log.append('match:b', line('b')); // a third room: match:a goes
    expect(log.missed('match:a', 0).messages).toEqual([]);
    expect(log.missed('lobby', 0).messages.map((m) => m.text)).toEqual(['4', '5', '6']);
    expect(log.missed('match:b', 0).messages.map((m) => m.text)).toEqual(['b']);
    log.drop('match:b');
    expect(log.missed('match:b', 0).messages).toEqual([]);
  });
});
