/** Arena's HUD: ranked by kills, then fewer deaths; the feed lists eliminations. */
import type { ArenaSetup } from '../../../../shared/games/arena/index.ts';
import type { Snapshot } from '../../../../shared/games/arena/snapshot.ts';
import { hudClock, nameOf, type HudModel } from '../../game/hud-model.ts';
import type { ScoreRow } from '../../state/match-slice.ts';

/** Kills / deaths as the results screen shows it: deaths 0 divides as 1. */
export function kdRatio(kills: number, deaths: number): string {
  return (kills / Math.max(1, deaths)).toFixed(2);
}

export function arenaModel(setup: ArenaSetup): HudModel<Snapshot> {
  return {
    hud(s, ctx) {
      const rows: ScoreRow[] = s.players
        .map((p) => {
          const info = ctx.roster.find((r) => r.slot === p.id);
          return { slot: p.id, name: info?.nickname ?? `#${p.id}`, score: p.kills, deaths: p.deaths, me: p.id === ctx.slot, bot: info?.bot ?? false, alive: p.alive };
        })
        .sort((a, b) => b.score - a.score || a.deaths - b.deaths || a.slot - b.slot);
      return { clockS: hudClock(s, ctx.tickRate), scoreLabel: 'Kills', rows, round: null, target: setup.rules.killTarget };
    },
    feed(s, ctx) {
      // Hits and blocked shots are drawn on the map (hit marker, damage number), not listed.
      return s.events.flatMap((e) =>
        e.type !== 'kill'
          ? []
          : [
              {
                kind: 'kill' as const,
                actor: nameOf(ctx.roster, e.killerId),
                subject: nameOf(ctx.roster, e.victimId),
                text: 'eliminated',
                mine: e.killerId === ctx.slot || e.victimId === ctx.slot,
              },
            ],
      );
    },
  };
}
