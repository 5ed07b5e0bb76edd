import { describe, expect, it } from 'vitest';
import type { ChatMessage, ChatMissed } from '../protocol/lobby-events.ts';
import type { AckResult } from '../protocol/errors.ts';
import { ChatCatchUp } from './chat-catch-up.ts';

const line = (id: number): ChatMessage => ({ id, channel: 'lobby', from: { guestId: 'g', nickname: 'n' }, text: `line ${id}`, at: id });

/** A server answer the test releases when it wants, to let live lines race it. */
function pending() {
  let release!: (res: AckResult<ChatMissed>) => void;
  const asked: number[] = [];
  const ask = (after: number) => {
    asked.push(after);
    return new Promise<AckResult<ChatMissed>>((r) => (release = r));
  };
  return { ask, asked, release: (res: AckResult<ChatMissed>) => release(res) };
}

describe('ChatCatchUp', () => {
  it('delivers the lines missed during a drop once, in order, with live lines that raced the answer', async () => {
    const got: number[] = [];
    const chat = new ChatCatchUp((m) => got.push(m.id));
    const first = pending();
    const up = chat.connected(first.ask);
    first.release({ ok: true, messages: [], latest: 10 });
    await up;
    expect(first.asked).toEqual([Number.MAX_SAFE_INTEGER]);
    chat.live(line(11));
    // Dropped: 12, 13, 14 were sent meanwhile. Back: 15 arrives live before the answer, 14 twice.
    const back = pending();
    const caught = chat.connected(back.ask);
    chat.live(line(15));
    chat.live(line(14));
    back.release({ ok: true, messages: [line(12), line(13), line(14)], latest: 14 });
    await caught;
    expect(back.asked).toEqual([11]);
    expect(got).toEqual([11, 12, 13, 14, 15]);
    chat.live(line(15));
    chat.live(line(16));
    expect(got).toEqual([11, 12, 13, 14, 15, 16]);
  });

  it('catches up after a drop that came before any line was seen', async () => {
    const got: number[] = [];
    const chat = new ChatCatchUp((m) => got.push(m.id));
    const first = pending();
    const up = chat.connected(first.ask);
    first.release({ ok: true, messages: [], latest: 0 });
    await up;
    const back = pending();
    const caught = chat.connected(back.ask);
    back.release({ ok: true, messages: [line(3), line(4)], latest: 4 });
    await caught;
    expect(back.asked).toEqual([0]);
    expect(got).toEqual([3, 4]);
  });

  it('keeps live lines that arrived while the starting point was asked for', async () => {
    const got: number[] = [];
    const chat = new ChatCatchUp((m) => got.push(m.id));
    const first = pending();
    const up = chat.connected(first.ask);
    chat.live(line(7));
    first.release({ ok: true, messages: [], latest: 7 });
    await up;
    expect(got).toEqual([7]);
  });

  it('lets the held lines through when the server cannot answer (an error, an older server)', async () => {
    const got: number[] = [];
    const chat = new ChatCatchUp((m) => got.push(m.id), 5);
    const back = pending();
    const caught = chat.connected(back.ask);
    chat.live(line(9));
    back.release({ ok: false, code: 'TIMEOUT', message: 'no answer' });
    await caught;
    expect(got).toEqual([9]);
  });

  it('starts from a given id (a new connection of the same page) and forgets it for a new room', async () => {
    const got: number[] = [];
    const chat = new ChatCatchUp((m) => got.push(m.id), 20);
    const back = pending();
    const caught = chat.connected(back.ask);
    back.release({ ok: true, messages: [line(21)], latest: 21 });
    await caught;
    expect(back.asked).toEqual([20]);
    chat.reset();
    expect(chat.lastId).toBeNull();
  });
});
