/** Deciding when a match is over and who won. */
import { timeLimitTicks } from './rules.ts';
import type { PlayerState, SimEvent, World } from './types.ts';

/** Ends the match if the kill target or the time limit is reached; kill target is checked first. */
export function checkMatchEnd(world: World, events: SimEvent[]): void {
  const { rules } = world;
  if (rules.killTarget > 0) {
    // players are sorted by id, so the first match is the lowest id on a tie.
    const winner = world.players.find((p) => p.kills >= rules.killTarget);
    if (winner) {
      world.ended = true;
      events.push({ type: 'end', reason: 'kills', winnerId: winner.id });
      return;
    }
  }
  const limit = timeLimitTicks(rules);
  if (limit > 0 && world.tick >= limit) {
    world.ended = true;
    events.push({ type: 'end', reason: 'time', winnerId: leader(world.players)?.id ?? null });
  }
}

/** Most kills, then fewest deaths, then lowest id. */
export function leader(players: readonly PlayerState[]): PlayerState | undefined {
  let best: PlayerState | undefined;
  for (const p of players) {
    if (!best || p.kills > best.kills || (p.kills === best.kills && p.deaths < best.deaths)) best = p;
  }
  return best;
}
