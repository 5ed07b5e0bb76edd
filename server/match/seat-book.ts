/**
 * Who sits where in one match, and for how long a seat waits for its player: pure bookkeeping
 * on an injected clock, no sockets and no timers, so every rule (grace, takeover, bots giving
 * way, spectator limits) is tested tick by tick. The host asks `expire()` each tick for seats
 * whose deadline passed.
 *
 * The verbs, one per operation:
 *   claim / claimBot   take a free slot (the same one again for a guest who holds one)
 *   attach / detach    a connection arrives at (or returns to, or takes over) a seat / goes away
 *   release            give a seat up for good
 *   watch / unwatch    a spectator connection comes and goes
 */

export interface Seat {
  slot: number;
  nickname: string;
  /** The guest holding the seat; null for a bot. */
  guestId: string | null;
  /** The connection playing the seat now; null while the player has not arrived or is away. */
  connectionId: string | null;
  /** Connected at least once: a later connection is a return, not an arrival. */
  arrived: boolean;
  /** Clock time after which an unconnected seat is freed; null while connected (or for bots). */
  deadline: number | null;
}

export interface SeatBookOptions {
  capacity: number;
  /** How long a seat waits for its player to arrive or to come back. */
  graceMs: number;
  maxSpectators: number;
  now: () => number;
}

export type AttachResult =
  | { ok: false; reason: 'no_seat' }
  | {
      ok: true;
      seat: Readonly<Seat>;
      /** 'arrived' the first time, 'returned' after a drop, 'took_over' from a live connection. */
      how: 'arrived' | 'returned' | 'took_over';
      /** The connection that lost the seat to this one (takeover), to be told and closed. */
      replaced: string | null;
    };

export type DetachResult = { kind: 'spectator' } | { kind: 'player'; seat: Readonly<Seat> } | null;

export class SeatBook {
  /** slot -> seat */
  private readonly seats = new Map<number, Seat>();
  private readonly slotOfGuest = new Map<string, number>();
  private readonly slotOfConnection = new Map<string, number>();
  /** Bumped whenever a connection gains or loses a slot: what the host's input ports check. */
  private connectionsChanged = 0;
  private readonly spectators = new Set<string>();
  /** False once the match ended: seats no longer time out (the match is only read now). */
  private deadlinesRun = true;
  private botsClaimed = 0;

  constructor(private readonly opts: SeatBookOptions) {}

  /** Changes whenever a connection gains or loses a slot (attach, detach, release, clear). */
  get connectionVersion(): number {
    return this.connectionsChanged;
  }

  get capacity(): number {
    return this.opts.capacity;
  }

  get size(): number {
    return this.seats.size;
  }

  get isFull(): boolean {
    return this.seats.size >= this.opts.capacity;
  }

  get humanCount(): number {
    return this.slotOfGuest.size;
  }

  get botCount(): number {
    return this.seats.size - this.slotOfGuest.size;
  }

  get spectatorCount(): number {
    return this.spectators.size;
  }

  /** Every seat, by slot. */
  all(): Readonly<Seat>[] {
    return [...this.seats.values()].sort((a, b) => a.slot - b.slot);
  }

  bySlot(slot: number): Readonly<Seat> | undefined {
    return this.seats.get(slot);
  }

  ofGuest(guestId: string): Readonly<Seat> | undefined {
    const slot = this.slotOfGuest.get(guestId);
    return slot === undefined ? undefined : this.seats.get(slot);
  }

  ofConnection(connectionId: string): Readonly<Seat> | undefined {
    const slot = this.slotOfConnection.get(connectionId);
    return slot === undefined ? undefined : this.seats.get(slot);
  }

  isSpectator(connectionId: string): boolean {
    return this.spectators.has(connectionId);
  }

  /** Every connection in the match, players and spectators. */
  connections(): string[] {
    return [...this.slotOfConnection.keys(), ...this.spectators];
  }

  /** Bot slots, highest first: the order in which bots give their seats to people. */
  botSlots(): number[] {
    return this.all()
      .filter((s) => s.guestId === null)
      .map((s) => s.slot)
      .reverse();
  }

  /**
   * Takes the lowest free slot for a guest, who then has the grace period to arrive. A guest who
   * already holds a seat gets the same one. Null when full (the caller may release a bot first).
   */
  claim(guestId: string, nickname: string): Readonly<Seat> | null {
    const existing = this.ofGuest(guestId);
    if (existing) return existing;
    const slot = this.freeSlot();
    if (slot === null) return null;
    const seat: Seat = { slot, nickname, guestId, connectionId: null, arrived: false, deadline: this.graceDeadline() };
    this.seats.set(slot, seat);
    this.slotOfGuest.set(guestId, slot);
    return seat;
  }

  /** A seat for a server-side bot (never times out). `nickname` gets the bot's number. */
  claimBot(nickname: (index: number) => string): Readonly<Seat> | null {
    const slot = this.freeSlot();
    if (slot === null) return null;
    const seat: Seat = { slot, nickname: nickname(this.botsClaimed++), guestId: null, connectionId: null, arrived: true, deadline: null };
    this.seats.set(slot, seat);
    return seat;
  }

  /** Connects `connectionId` to the guest's seat: first arrival, a return within the grace, or a takeover. */
  attach(guestId: string, connectionId: string): AttachResult {
    const seat = this.slotOfGuest.has(guestId) ? this.seats.get(this.slotOfGuest.get(guestId)!) : undefined;
    if (!seat) return { ok: false, reason: 'no_seat' };
    const replaced = seat.connectionId !== null && seat.connectionId !== connectionId ? seat.connectionId : null;
    if (replaced !== null) this.slotOfConnection.delete(replaced);
    this.connectionsChanged++;
    const how = replaced !== null ? 'took_over' : seat.arrived ? 'returned' : 'arrived';
    seat.connectionId = connectionId;
    seat.arrived = true;
    seat.deadline = null;
    this.slotOfConnection.set(connectionId, seat.slot);
    return { ok: true, seat, how, replaced };
  }

  /**
   * A connection goes away. A player's seat waits for the grace period (its deadline starts now);
   * a spectator is simply gone. Null for a connection this match does not know.
   */
  detach(connectionId: string): DetachResult {
    if (this.spectators.delete(connectionId)) return { kind: 'spectator' };
    const slot = this.slotOfConnection.get(connectionId);
    if (slot === undefined) return null;
    this.slotOfConnection.delete(connectionId);
    this.connectionsChanged++;
    const seat = this.seats.get(slot)!;
    seat.connectionId = null;
    seat.deadline = this.graceDeadline();
    return { kind: 'player', seat };
  }

  /** Frees a guest's seat (left, timed out) or a bot's; returns it, with the connection it had. */
  release(target: { guestId: string } | { slot: number }): Readonly<Seat> | undefined {
    const slot = 'slot' in target ? target.slot : this.slotOfGuest.get(target.guestId);
    const seat = slot === undefined ? undefined : this.seats.get(slot);
    if (!seat) return undefined;
    this.seats.delete(seat.slot);
    if (seat.guestId !== null) this.slotOfGuest.delete(seat.guestId);
    if (seat.connectionId !== null) this.slotOfConnection.delete(seat.connectionId);
    this.connectionsChanged++;
    return seat;
  }

  /**
   * Puts back a seat from a checkpoint (the match moved to this node). A guest's seat waits for
   * its player like after a drop; a bot's is simply there.
   */
  restore(seat: { slot: number; nickname: string; guestId: string | null }): void {
    const restored: Seat = {
      slot: seat.slot,
      nickname: seat.nickname,
      guestId: seat.guestId,
      connectionId: null,
      arrived: true,
      deadline: seat.guestId === null ? null : this.graceDeadline(),
    };
    this.seats.set(seat.slot, restored);
    if (seat.guestId !== null) this.slotOfGuest.set(seat.guestId, seat.slot);
    else this.botsClaimed += 1;
  }

  /** Seats whose player did not arrive or come back in time: freed, and returned so the host can tell. */
  expire(): Readonly<Seat>[] {
    // Asked every tick, and nearly always nobody is waiting: no clock read or list unless someone is.
    if (!this.deadlinesRun) return [];
    let expired: Seat[] | null = null;
    let now = NaN;
    for (const seat of this.seats.values()) {
      if (seat.deadline === null) continue;
      if (Number.isNaN(now)) now = this.opts.now();
      if (seat.deadline <= now) (expired ??= []).push(seat);
    }
    if (expired === null) return [];
    for (const seat of expired) this.release({ slot: seat.slot });
    return expired;
  }

  /** The match ended: nobody is timed out any more while its results are read. */
  stopDeadlines(): void {
    this.deadlinesRun = false;
  }

  /** A spectator connection; false when the match has as many as it takes. */
  watch(connectionId: string): boolean {
    if (this.spectators.has(connectionId)) return true;
    if (this.spectators.size >= this.opts.maxSpectators) return false;
    this.spectators.add(connectionId);
    return true;
  }

  /** Forgets everyone (the match is disposed); returns every connection it had. */
  clear(): string[] {
    const connections = this.connections();
    this.seats.clear();
    this.slotOfGuest.clear();
    this.slotOfConnection.clear();
    this.connectionsChanged++;
    this.spectators.clear();
    return connections;
  }

  private freeSlot(): number | null {
    if (this.isFull) return null;
    let slot = 0;
    while (this.seats.has(slot)) slot++;
    return slot;
  }

  private graceDeadline(): number {
    return this.opts.now() + this.opts.graceMs;
  }
}
