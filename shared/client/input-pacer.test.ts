import { describe, expect, it } from 'vitest';
import { InputPacer } from './input-pacer.ts';

const I = 50; // 20 Hz

describe('InputPacer', () => {
  it('waits for the first snapshot, then times each input a round trip plus the margin before its tick', () => {
    const pacer = new InputPacer({ tickRate: 20, marginMs: 8 });
    expect(pacer.nextSendAt(0, 2)).toBeNull();
    // Snapshot of tick 100 arrives at 5,012 ms: tick k's snapshot arrives at best k * 50 + 12.
    pacer.onSnapshot(100, 5_012);
    const at = pacer.nextSendAt(5_012, 2)!;
    expect(pacer.nextTick).toBe(101);
    expect(at).toBe(101 * I + 12 - 10);
    expect(pacer.sent(1)).toBe(101);
    expect(pacer.nextSendAt(at, 2)).toBe(102 * I + 12 - 10);
  });

  it('learns the grid from the least delayed snapshots, not the late ones', () => {
    const pacer = new InputPacer({ tickRate: 20 });
    for (let k = 1; k <= 20; k++) pacer.onSnapshot(k, k * I + 10 + (k % 3 === 0 ? 30 : 0));
    expect(pacer.nextSendAt(20 * I + 10, 0)).toBe(21 * I + 10 - 8);
  });

  it('after a stall, sends an input for each of the last maxCatchUp missed ticks and skips the older ones', () => {
    const pacer = new InputPacer({ tickRate: 20, maxCatchUp: 4 });
    pacer.onSnapshot(10, 10 * I);
    pacer.nextSendAt(10 * I, 0);
    pacer.sent(1);
    // The process stalled for 400 ms: tick 19 is the first it can still make; 12..18 missed.
    const now = 18 * I + 20;
    const sentFor: number[] = [];
    let seq = 1;
    for (let at = pacer.nextSendAt(now, 0)!; at <= now; at = pacer.nextSendAt(now, 0)!) sentFor.push(pacer.sent(++seq));
    expect(sentFor).toEqual([15, 16, 17, 18]);
    expect(pacer.skipped).toBe(3);
    expect(pacer.nextTick).toBe(19);
    expect(pacer.nextSendAt(now, 0)).toBeGreaterThan(now);
  });

  it('does not stop sending when the round trip estimate falls from seconds to milliseconds', () => {
    const pacer = new InputPacer({ tickRate: 20 });
    pacer.onSnapshot(10, 10 * I);
    let now = 10 * I;
    let seq = 0;
    // A first estimate of 2 s plans inputs 40 ticks ahead ...
    for (let i = 0; i < 5; i++) {
      now = pacer.nextSendAt(now, 2_000)!;
      pacer.sent(++seq);
    }
    // ... then the estimate falls to 10 ms: the next send is due within two ticks, not in 2 s.
    expect(pacer.nextSendAt(now, 10)! - now).toBeLessThan(3 * I);
  });

  it('with maxCatchUp 0, skips to the first reachable tick after a stall instead of sending a burst', () => {
    const pacer = new InputPacer({ tickRate: 20, maxCatchUp: 0 });
    pacer.onSnapshot(10, 10 * I);
    pacer.nextSendAt(10 * I, 0);
    pacer.sent(1);
    const at = pacer.nextSendAt(18 * I + 20, 0)!;
    expect(pacer.nextTick).toBe(19);
    expect(at).toBeGreaterThanOrEqual(18 * I);
  });

  it('a timer a little late still sends for its tick (a catch-up)', () => {
    const pacer = new InputPacer({ tickRate: 20, marginMs: 8 });
    pacer.onSnapshot(10, 10 * I);
    const at = pacer.nextSendAt(10 * I, 0)!; // tick 11, at 542
    expect(pacer.nextSendAt(at + 6, 0)).toBe(at); // 6 ms late: too late for tick 11, sent anyway
    expect(pacer.nextTick).toBe(11);
    expect(pacer.skipped).toBe(0);
  });

  it('judges an input sent late against the first tick it could make plus its place in its burst', () => {
    // Every wake is 1.5 ticks late and sends what is due. With the server applying each input at
    // the earliest tick it could (first reachable tick + place in the burst), that is no backlog.
    const run = (extraTicks: number): number => {
      const pacer = new InputPacer({ tickRate: 20 });
      pacer.onSnapshot(10, 10 * I);
      let seq = 0;
      for (let wake = 0; wake < 20; wake++) {
        const now = 10 * I + wake * 75 + 60;
        // Sending now, the first tick it can make: the send time plus half the margin, rounded up.
        const reachable = Math.ceil((now + 4) / I);
        let place = 0;
        for (let at = pacer.nextSendAt(now, 0)!; at <= now + I / 2; at = pacer.nextSendAt(now, 0)!) {
          const meant = pacer.sent(++seq);
          pacer.onAck(Math.max(meant, reachable + place++) + extraTicks, seq);
        }
      }
      return pacer.skipped;
    };
    expect(run(0)).toBe(0);
    // One tick later than that, on every input: a standing backlog, drained by skipping sends.
    expect(run(1)).toBeGreaterThan(0);
  });

  it('sends a little late timer anyway, but moves a tick on when waking too late to make it (maxCatchUp 0)', () => {
    const pacer = new InputPacer({ tickRate: 20, marginMs: 8, maxCatchUp: 0 });
    pacer.onSnapshot(10, 10 * I);
    const at = pacer.nextSendAt(10 * I, 0)!; // tick 11, at 542
    expect(pacer.nextSendAt(at + 3, 0)).toBe(at); // 3 ms late: still half the margin left
    expect(pacer.nextTick).toBe(11);
    expect(pacer.nextSendAt(at + 6, 0)).toBe(at + I); // 6 ms late: it would land with tick 12's
    expect(pacer.nextTick).toBe(12);
    expect(pacer.skipped).toBe(1);
  });

  it('skips one send when acknowledgements show a standing backlog of one input', () => {
    const pacer = new InputPacer({ tickRate: 20 });
    pacer.onSnapshot(10, 10 * I);
    let seq = 0;
    let now = 10 * I;
    const send = (): number => {
      now = pacer.nextSendAt(now, 0)!;
      return pacer.sent(++seq);
    };
    for (let i = 0; i < 6; i++) send(); // inputs 1..6 meant for ticks 11..16
    // The server applies each one tick late: input n (meant for 10 + n) at tick 11 + n.
    pacer.onAck(12, 1);
    expect(pacer.skipped).toBe(0);
    pacer.onAck(13, 2);
    expect(pacer.skipped).toBe(1);
    expect(send()).toBe(18); // tick 17 gets no input: the queue drains by one
    // An acknowledgement that did not advance says nothing about a backlog.
    pacer.onAck(14, 2);
    pacer.onAck(15, 3);
    expect(pacer.skipped).toBe(1);
  });
});
