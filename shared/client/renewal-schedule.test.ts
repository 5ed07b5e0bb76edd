import { describe, expect, it } from 'vitest';
import { RenewalSchedule, type ScheduleTimers } from './renewal-schedule.ts';

/** A clock and timers that move only when the test says. */
function fakeTimers(start = 1_000_000): ScheduleTimers & { advance(ms: number): Promise<void>; pending(): number } {
  let now = start;
  let next = 1;
  const due = new Map<number, { at: number; fn: () => void }>();
  return {
    now: () => now,
    setTimeout: (fn, ms) => {
      const id = next++;
      due.set(id, { at: now + ms, fn });
      return id;
    },
    clearTimeout: (id) => void due.delete(id as number),
    pending: () => due.size,
    async advance(ms) {
      const end = now + ms;
      for (;;) {
        const first = [...due.entries()].sort((a, b) => a[1].at - b[1].at)[0];
        if (!first || first[1].at > end) break;
        due.delete(first[0]);
        now = first[1].at;
        first[1].fn();
        // Let the renewal's promise settle before the next timer.
        for (let i = 0; i < 5; i++) await Promise.resolve();
      }
      now = end;
    },
  };
}

describe('token renewal schedule', () => {
  it('renews at 80 % of the remaining life, then again for the new token', async () => {
    const timers = fakeTimers();
    const renewals: number[] = [];
    const schedule = new RenewalSchedule({
      timers,
      renew: async () => {
        renewals.push(timers.now());
        return timers.now() + 3600_000;
      },
    });
    const start = timers.now();
    schedule.arm(start + 3600_000); // an hour left
    expect(schedule.dueAt).toBe(start + 2880_000);
    await timers.advance(2879_999);
    expect(renewals).toEqual([]);
    await timers.advance(1);
    expect(renewals).toEqual([start + 2880_000]);
    // The new token lives an hour from the renewal: the next one is 48 min later.
    expect(schedule.dueAt).toBe(start + 2880_000 + 2880_000);
    schedule.stop();
  });

  it('retries a failed renewal with a growing pause, and never renews in a tight loop', async () => {
    const timers = fakeTimers();
    const at: number[] = [];
    let failFor = 3;
    const schedule = new RenewalSchedule({
      timers,
      renew: async () => {
        at.push(timers.now());
        return failFor-- > 0 ? null : timers.now() + 60_000;
      },
    });
    const start = timers.now();
    schedule.arm(start - 10_000); // already expired (or this clock runs ahead): the floor, 5 s
    await timers.advance(5_000 + 2_000 + 4_000 + 8_000);
    expect(at.map((t) => t - start)).toEqual([5_000, 7_000, 11_000, 19_000]);
    // The fourth succeeded: 80 % of its 60 s.
    expect(schedule.dueAt).toBe(start + 19_000 + 48_000);
    schedule.stop();
  });

  it('leaves no timer after stop, even when a renewal was running', async () => {
    const timers = fakeTimers();
    let finish: (v: number | null) => void = () => {};
    const schedule = new RenewalSchedule({ timers, renew: () => new Promise((r) => (finish = r)) });
    schedule.arm(timers.now() + 10_000);
    await timers.advance(8_000); // renewal started, not answered yet
    schedule.stop();
    finish(timers.now() + 60_000);
    await Promise.resolve();
    await Promise.resolve();
    expect(timers.pending()).toBe(0);
    expect(schedule.dueAt).toBeNull();
  });
});
