/**
 * A room of the raw `ws` floor: the scenario's players stepped each tick and one 48-byte state
 * (floor-wire.ts) for every member. It plugs into the ladder's RoomSet and `ws` transport
 * (ladder/room-set.ts, ladder/transports.ts), so the floor's rooms, tick scheduling and
 * broadcast are the ladder's rung 1, with the scenario's work and sizes.
 */
import type { GameCounters, RoomGame } from '../ladder/room-game.ts';
import { decodeFloorInput, encodeFloorState, FLOOR_STATE_BYTES } from './floor-wire.ts';
import { applyCommand, spawnPlayer, stepPlayer, type ScenarioPlayer } from './scenario.ts';

export class FloorRoom implements RoomGame {
  private readonly players: (ScenarioPlayer | undefined)[] = [];
  private tickNo = 0;

  constructor(
    private readonly tickRate: number,
    private readonly counters: GameCounters,
  ) {}

  seat(): number {
    let slot = 0;
    while (this.players[slot]) slot++;
    this.players[slot] = spawnPlayer(slot);
    return slot;
  }

  leave(slot: number): void {
    this.players[slot] = undefined;
  }

  input(slot: number, bytes: Uint8Array): void {
    const p = this.players[slot];
    const c = decodeFloorInput(bytes);
    if (!p || !c || !applyCommand(p, c)) {
      this.counters.badInputs++;
      return;
    }
    this.counters.inputs++;
  }

  tick(): Uint8Array {
    this.tickNo++;
    for (const p of this.players) if (p) stepPlayer(p, this.tickRate);
    // A fresh buffer each tick: `ws` may still hold the last one in a busy socket's queue.
    const bytes = encodeFloorState(this.tickNo, this.players, new Uint8Array(FLOOR_STATE_BYTES));
    this.counters.broadcasts++;
    this.counters.stateBytes += bytes.length;
    return bytes;
  }
}
