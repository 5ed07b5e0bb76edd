/** Which simulation events a snapshot carries, and in what form (the server and the benches alike). */
import type { SimEvent } from './sim/types.ts';
import { MAX_EVENTS, MAX_PLAYERS, type SnapshotEvent } from './snapshot.ts';

/** Kills, hits and blocked shots, in the order they happened; shots, respawns and the end travel otherwise. */
export function snapshotEventsOf(events: readonly SimEvent[]): SnapshotEvent[] {
  const out: SnapshotEvent[] = [];
  for (const e of events) {
    if (e.type === 'kill') out.push({ type: 'kill', killerId: e.killerId, victimId: e.victimId });
    else if (e.type === 'hit') {
      out.push({ type: 'hit', attackerId: e.attackerId, victimId: e.victimId, damage: Math.max(0, Math.min(255, Math.round(e.damage))), rewindTicks: e.viewDelayTicks });
    } else if (e.type === 'blocked') out.push({ type: 'blocked', attackerId: e.attackerId, victimId: e.victimId });
  }
  return out;
}

/**
 * Appends `fresh` to the events waiting for the next snapshot, keeping them within MAX_EVENTS:
 * kills always go (the score depends on them, and there are at most MAX_PLAYERS a tick), hits
 * and blocked shots only while there is room beside the kills (feedback, not state).
 */
export function queueSnapshotEvents(pending: SnapshotEvent[], fresh: readonly SnapshotEvent[]): void {
  for (const e of fresh) {
    if (e.type === 'kill' || pending.length < MAX_EVENTS - MAX_PLAYERS) pending.push(e);
  }
}
