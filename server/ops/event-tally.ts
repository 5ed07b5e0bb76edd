/**
 * Per-second counts of engine events (connections, packets and bytes in and out) for the Admin
 * UI's charts, in the shape @socket.io/admin-ui sends in `server_stats.aggregatedEvents`.
 *
 * The package counts every packet of every socket, in every mode, through `io._eventBuffer`:
 * its own buffer builds a Date and a string key per packet. Measured with
 * server/ops/admin-ui-cost.bench.ts, a binary snapshot broadcast to 16 sockets took 4.6 us
 * without the UI, 16.1 us with it in production mode, and 5.2 us with those counts switched off:
 * nearly all of it is that bookkeeping, paid on the hottest path of the server. This tally keeps
 * the same contract (`push`, `getValuesAndClear`) with one clock read and a few map lookups:
 * 7.8 us with it (same run of the bench).
 */
export interface TalliedEvent {
  /** The start of the second, in ms since the epoch. */
  timestamp: number;
  type: string;
  subType?: string;
  count: number;
}

export class EventTally {
  /** second → type → subType (undefined for none) → count */
  private readonly seconds = new Map<number, Map<string, Map<string | undefined, number>>>();

  constructor(private readonly now: () => number = Date.now) {}

  push(type: string, subType?: string, count = 1): void {
    const t = this.now();
    const second = t - (t % 1000);
    let types = this.seconds.get(second);
    if (!types) this.seconds.set(second, (types = new Map()));
    let subTypes = types.get(type);
    if (!subTypes) types.set(type, (subTypes = new Map()));
    subTypes.set(subType, (subTypes.get(subType) ?? 0) + count);
  }

  getValuesAndClear(): TalliedEvent[] {
    const out: TalliedEvent[] = [];
    for (const [timestamp, types] of this.seconds) {
      for (const [type, subTypes] of types) {
        for (const [subType, count] of subTypes) out.push(subType === undefined ? { timestamp, type, count } : { timestamp, type, subType, count });
      }
    }
    this.seconds.clear();
    return out;
  }
}
