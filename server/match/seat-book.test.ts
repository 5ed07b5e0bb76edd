/**
 * Who sits where, on a clock the test moves by hand. What a player notices from these rules: a
 * seat the lobby gave them waits the grace period for them to arrive or to come back and no
 * longer; a second tab takes the seat over and the first one stops playing it; bots give way
 * highest slot first; a full match refuses newcomers but never the guest already in it; a match
 * takes only so many spectators.
 *
 * Each deadline is checked on both sides of its edge (1 ms before: still held; at it: freed), so
 * an off-by-one in `expire`, a deadline that `attach` forgets to clear or `detach` forgets to
 * start, fails here. Takeover is checked by what the old connection can still do afterwards
 * (nothing): a book that kept its mapping would let a stale tab's disconnect drop the new tab.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { SeatBook, type SeatBookOptions } from './seat-book.ts';

const GRACE = 1000;

let now = 0;
function book(overrides: Partial<SeatBookOptions> = {}): SeatBook {
  return new SeatBook({ capacity: 4, graceMs: GRACE, maxSpectators: 2, now: () => now, ...overrides });
}

const botName = (i: number) => `bot${i}`;
const slotsOf = (b: SeatBook) => b.all().map((s) => s.slot);

beforeEach(() => {
  now = 10_000;
});

describe('grace deadlines', () => {
  it('frees a claimed seat whose player never arrives exactly when the grace runs out', () => {
    const b = book();
    const seat = b.claim('g1', 'Ann')!;
    expect(seat).toMatchObject({ slot: 0, nickname: 'Ann', guestId: 'g1', connectionId: null, arrived: false });
    now += GRACE - 1;
    expect(b.expire()).toEqual([]);
    expect(b.ofGuest('g1')?.slot).toBe(0);
    now += 1;
    expect(b.expire().map((s) => s.guestId)).toEqual(['g1']);
    expect(b.ofGuest('g1')).toBeUndefined();
    expect(b.attach('g1', 'c1')).toEqual({ ok: false, reason: 'no_seat' });
  });

  it('never times out a connected player, and starts the grace when the connection drops', () => {
    const b = book();
    b.claim('g1', 'Ann');
    expect(b.attach('g1', 'c1')).toMatchObject({ ok: true, how: 'arrived', replaced: null });
    now += 100 * GRACE;
    expect(b.expire()).toEqual([]);
    const dropped = b.detach('c1');
    expect(dropped).toMatchObject({ kind: 'player', seat: { slot: 0, connectionId: null } });
    expect(b.ofConnection('c1')).toBeUndefined();
    now += GRACE - 1;
    expect(b.expire()).toEqual([]);
    now += 1;
    expect(b.expire().map((s) => s.slot)).toEqual([0]);
    expect(b.size).toBe(0);
  });

  it('a return within the grace keeps the seat for good', () => {
    const b = book();
    b.claim('g1', 'Ann');
    b.attach('g1', 'c1');
    b.detach('c1');
    now += GRACE - 1;
    const back = b.attach('g1', 'c2');
    expect(back).toMatchObject({ ok: true, how: 'returned', replaced: null, seat: { slot: 0, connectionId: 'c2', deadline: null } });
    now += 100 * GRACE;
    expect(b.expire()).toEqual([]);
    expect(b.ofConnection('c2')?.slot).toBe(0);
  });

  it('expire frees exactly the late seats and leaves the others where they are', () => {
    const b = book({ capacity: 5 });
    b.claim('early', 'E'); // deadline 11_000
    now += 400;
    b.claim('here', 'H'); // arrives: no deadline
    b.attach('here', 'ch');
    b.claim('late', 'L'); // deadline 11_400
    now += 400;
    b.claim('later', 'X'); // deadline 11_800
    b.claimBot(botName); // slot 4, no deadline
    now = 11_400;
    const freed = b.expire();
    expect(freed.map((s) => [s.slot, s.guestId])).toEqual([
      [0, 'early'],
      [2, 'late'],
    ]);
    expect(slotsOf(b)).toEqual([1, 3, 4]);
    expect(b.ofGuest('here')?.slot).toBe(1);
    expect(b.ofGuest('later')?.slot).toBe(3);
    expect(b.botSlots()).toEqual([4]);
    // Freed slots go to the next claims, lowest first.
    expect(b.claim('n1', 'N1')?.slot).toBe(0);
    expect(b.claim('n2', 'N2')?.slot).toBe(2);
    // Expired seats are reported once.
    expect(b.expire()).toEqual([]);
  });
});

describe('attach', () => {
  it('refuses a guest that holds no seat', () => {
    const b = book();
    expect(b.attach('nobody', 'c1')).toEqual({ ok: false, reason: 'no_seat' });
    expect(b.ofConnection('c1')).toBeUndefined();
  });

  it('a second connection takes the seat over; the first one no longer plays it', () => {
    const b = book();
    b.claim('g1', 'Ann');
    b.attach('g1', 'tab1');
    const res = b.attach('g1', 'tab2');
    expect(res).toMatchObject({ ok: true, how: 'took_over', replaced: 'tab1', seat: { slot: 0, connectionId: 'tab2' } });
    expect(b.ofConnection('tab1')).toBeUndefined();
    expect(b.ofConnection('tab2')?.slot).toBe(0);
    expect(b.connections()).toEqual(['tab2']);
    // The old tab's disconnect arrives later: it must not put the new tab's seat into its grace.
    expect(b.detach('tab1')).toBeNull();
    now += 10 * GRACE;
    expect(b.expire()).toEqual([]);
    expect(b.ofGuest('g1')?.connectionId).toBe('tab2');
  });

  it('the connection already on the seat attaching again is a return, not a takeover of itself', () => {
    const b = book();
    b.claim('g1', 'Ann');
    b.attach('g1', 'c1');
    expect(b.attach('g1', 'c1')).toMatchObject({ ok: true, how: 'returned', replaced: null, seat: { connectionId: 'c1', deadline: null } });
    expect(b.connections()).toEqual(['c1']);
    // Still one mapping: its drop starts the grace once.
    expect(b.detach('c1')).toMatchObject({ kind: 'player' });
    expect(b.detach('c1')).toBeNull();
  });

  it('says returned for a comeback after a drop, not took_over', () => {
    const b = book();
    b.claim('g1', 'Ann');
    b.attach('g1', 'c1');
    b.detach('c1');
    expect(b.attach('g1', 'c2')).toMatchObject({ ok: true, how: 'returned', replaced: null });
  });
});

describe('bots', () => {
  it('sit in free slots, never time out, and give way highest slot first', () => {
    const b = book();
    b.claim('g1', 'Ann');
    b.attach('g1', 'c1');
    const bots = [b.claimBot(botName), b.claimBot(botName), b.claimBot(botName)];
    expect(bots.map((s) => [s?.slot, s?.nickname, s?.guestId])).toEqual([
      [1, 'bot0', null],
      [2, 'bot1', null],
      [3, 'bot2', null],
    ]);
    expect(b.claimBot(botName)).toBeNull();
    expect(b.botSlots()).toEqual([3, 2, 1]);
    expect([b.humanCount, b.botCount, b.size, b.isFull]).toEqual([1, 3, 4, true]);
    now += 100 * GRACE;
    expect(b.expire()).toEqual([]);
    expect(b.release({ slot: 3 })?.nickname).toBe('bot2');
    expect(b.botSlots()).toEqual([2, 1]);
    expect(b.claim('g2', 'Bob')?.slot).toBe(3);
    // Names keep counting: a new bot is not mistaken for one that left.
    b.release({ slot: 2 });
    expect(b.claimBot(botName)).toMatchObject({ slot: 2, nickname: 'bot3' });
  });
});

describe('capacity', () => {
  it('refuses a newcomer when full but gives a seated guest the same slot again', () => {
    const b = book({ capacity: 2 });
    expect(b.claim('a', 'A')?.slot).toBe(0);
    expect(b.claim('b', 'B')?.slot).toBe(1);
    expect(b.claim('c', 'C')).toBeNull();
    expect(b.claim('b', 'B')?.slot).toBe(1);
    expect(b.size).toBe(2);
    // A released seat is the next one handed out.
    expect(b.release({ guestId: 'a' })?.slot).toBe(0);
    expect(b.claim('c', 'C')?.slot).toBe(0);
  });

  it('releasing a connected guest frees its connection too', () => {
    const b = book();
    b.claim('a', 'A');
    b.attach('a', 'ca');
    expect(b.release({ guestId: 'a' })).toMatchObject({ slot: 0, connectionId: 'ca' });
    expect(b.ofConnection('ca')).toBeUndefined();
    expect(b.detach('ca')).toBeNull();
    expect(b.release({ guestId: 'a' })).toBeUndefined();
  });
});

describe('spectators', () => {
  it('takes at most maxSpectators, counts a repeat once, and frees a place when one leaves', () => {
    const b = book({ maxSpectators: 2 });
    expect(b.watch('s1')).toBe(true);
    expect(b.watch('s1')).toBe(true);
    expect(b.watch('s2')).toBe(true);
    expect(b.watch('s3')).toBe(false);
    expect(b.spectatorCount).toBe(2);
    expect(b.isSpectator('s3')).toBe(false);
    // Spectators hold no seat and play nothing.
    expect(b.size).toBe(0);
    expect(b.ofConnection('s1')).toBeUndefined();
    expect(b.detach('s1')).toEqual({ kind: 'spectator' });
    expect(b.isSpectator('s1')).toBe(false);
    expect(b.watch('s3')).toBe(true);
    expect(b.connections().sort()).toEqual(['s2', 's3']);
  });

  it('detach of a connection the match does not know changes nothing', () => {
    const b = book();
    b.claim('a', 'A');
    b.attach('a', 'ca');
    b.watch('s1');
    expect(b.detach('stranger')).toBeNull();
    expect(b.connections().sort()).toEqual(['ca', 's1']);
  });
});

describe('stopDeadlines and clear', () => {
  it('after stopDeadlines nobody is timed out while the results are read', () => {
    const b = book();
    b.claim('never', 'N');
    b.claim('dropped', 'D');
    b.attach('dropped', 'cd');
    b.detach('cd');
    b.stopDeadlines();
    now += 100 * GRACE;
    expect(b.expire()).toEqual([]);
    expect(slotsOf(b)).toEqual([0, 1]);
  });

  it('clear hands back every connection, players and spectators, and forgets every seat', () => {
    const b = book();
    b.claim('a', 'A');
    b.attach('a', 'ca');
    b.claim('away', 'W');
    b.claimBot(botName);
    b.watch('s1');
    expect(b.clear().sort()).toEqual(['ca', 's1']);
    expect([b.size, b.humanCount, b.botCount, b.spectatorCount]).toEqual([0, 0, 0, 0]);
    expect(b.connections()).toEqual([]);
    expect(b.ofGuest('a')).toBeUndefined();
    expect(b.ofConnection('ca')).toBeUndefined();
    expect(b.claim('z', 'Z')?.slot).toBe(0);
  });
});
