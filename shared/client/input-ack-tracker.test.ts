import { describe, expect, it } from 'vitest';
import { InputAckTracker } from './input-ack-tracker.ts';

describe('InputAckTracker', () => {
  it('measures each input from its send to the first snapshot that covers it, once', () => {
    const t = new InputAckTracker();
    t.sent(1, 1000);
    t.sent(2, 1050);
    t.sent(3, 1100);
    const samples: number[] = [];
    t.acked(2, 1110, (ms) => samples.push(ms));
    t.acked(2, 1160, (ms) => samples.push(ms));
    expect(samples).toEqual([110, 60]);
    expect(t.pending).toBe(1);
    t.acked(3, 1120, (ms) => samples.push(ms));
    expect(samples).toEqual([110, 60, 20]);
  });

  it('forgets inputs the server never acknowledged once its memory is full', () => {
    const t = new InputAckTracker(4);
    for (let seq = 1; seq <= 10; seq++) t.sent(seq, seq);
    expect(t.pending).toBe(4);
    const samples: number[] = [];
    t.acked(10, 20, (ms) => samples.push(ms));
    expect(samples).toEqual([13, 12, 11, 10]);
  });
});
