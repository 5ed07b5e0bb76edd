/**
 * Rooms of a rung server: connections fill rooms of `roomSize` in arrival order (no lobby), and
 * each room ticks on the server's own `TickScheduler` (imported), so the rungs wake up, spread
 * their rooms over the tick interval and broadcast exactly as the real server's matches do.
 */
import type { TickScheduler } from '../../../server/match/scheduler.ts';
import type { RoomGame } from './room-game.ts';

export interface Room<M> {
  readonly index: number;
  /** Unique name (socket.io room). */
  readonly name: string;
  readonly members: Set<M>;
  readonly game: RoomGame;
}

export interface Seat<M> {
  room: Room<M>;
  slot: number;
}

export interface RoomSetOptions<M> {
  roomSize: number;
  scheduler: TickScheduler;
  createGame: (index: number) => RoomGame;
  /** Sends one tick's state bytes to every member of the room. */
  broadcast: (room: Room<M>, bytes: Uint8Array) => void;
}

export class RoomSet<M> {
  private readonly rooms: Room<M>[] = [];
  private filling: Room<M> | null = null;
  private seatedInFilling = 0;

  constructor(private readonly opts: RoomSetOptions<M>) {}

  /** Seats a new connection in the room being filled (a new room once that one is full). */
  admit(member: M): Seat<M> {
    if (!this.filling || this.seatedInFilling >= this.opts.roomSize) {
      const index = this.rooms.length;
      const room: Room<M> = { index, name: `room:${index}`, members: new Set(), game: this.opts.createGame(index) };
      this.rooms.push(room);
      this.filling = room;
      this.seatedInFilling = 0;
      this.opts.scheduler.add({
        tick: (at) => {
          const bytes = room.game.tick(at);
          if (bytes && room.members.size > 0) this.opts.broadcast(room, bytes);
        },
      });
    }
    const room = this.filling;
    this.seatedInFilling++;
    room.members.add(member);
    return { room, slot: room.game.seat() };
  }

  remove(seat: Seat<M>, member: M): void {
    seat.room.members.delete(member);
    seat.room.game.leave(seat.slot);
  }

  get size(): number {
    return this.rooms.length;
  }
}
