/**
 * Arena's killcam view (shared/replay/killcam.ts): the match as the killer's screen showed it
 * when it fired. Its own player where it was (a client predicts itself at the present); everybody
 * else where lag compensation judged the shot, the world `rewindTicks` ago: the same history
 * frame (sim/history.ts `frameAt`) the server tested the fatal projectile against. So the
 * victim, watching, sees the shot land where the killer aimed, not where it stood itself.
 */
import type { SnapshotHeader } from '../../game/game-definition.ts';
import type { KillcamInfo } from '../../replay/killcam.ts';
import type { ArenaState } from './index.ts';
import { frameAt } from './sim/history.ts';
import type { Snapshot } from './snapshot.ts';

export function arenaKillerView(state: unknown, snapshot: SnapshotHeader, info: KillcamInfo): SnapshotHeader {
  const { world } = state as ArenaState;
  const s = snapshot as Snapshot;
  const frame = frameAt(world, world.tick - info.rewindTicks);
  if (!frame) return s;
  for (const p of s.players) {
    if (p.id === info.killer) continue;
    const seen = frame.players.find((f) => f.id === p.id);
    // A player who joined since the frame was taken: the killer's screen showed it as it is now.
    if (!seen) continue;
    p.x = seen.x;
    p.y = seen.y;
    p.alive = seen.alive;
  }
  return s;
}
