import { describe, expect, it } from 'vitest';
import { InputQueue } from './input-queue.ts';

const input = (seq: number) => ({ seq, buttons: 0, aim: 0, clientTick: 0 });

describe('InputQueue', () => {
  it('hands out inputs in order, one per take', () => {
    const q = new InputQueue(4);
    for (const s of [1, 2, 3]) expect(q.push(input(s))).toBe('queued');
    expect([q.take()?.seq, q.take()?.seq, q.take()?.seq, q.take()]).toEqual([1, 2, 3, undefined]);
  });

  it('refuses replayed and old sequence numbers', () => {
    const q = new InputQueue(4);
    q.push(input(5));
    expect(q.push(input(5))).toBe('replayed');
    expect(q.push(input(3))).toBe('replayed');
    expect(q.length).toBe(1);
  });

  it('stays bounded under a flood, keeping the newest inputs', () => {
    const q = new InputQueue(4);
    let overflow = 0;
    for (let s = 1; s <= 1000; s++) if (q.push(input(s)) === 'overflow') overflow++;
    expect(q.length).toBe(4);
    expect(overflow).toBe(996);
    expect(q.take()?.seq).toBe(997);
  });
});
