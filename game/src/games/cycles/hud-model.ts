/** Cycles' HUD: ranked by rounds won, with the round; the feed tells crashes and round winners. */
import type { CyclesSetup, CyclesSnapshot } from '../../../../shared/games/cycles/index.ts';
import { hudClock, nameOf, type HudModel } from '../../game/hud-model.ts';
import type { ScoreRow } from '../../state/match-slice.ts';

export function cyclesModel(setup: CyclesSetup): HudModel<CyclesSnapshot> {
  return {
    hud(s, ctx) {
      const rows: ScoreRow[] = s.players
        .filter((p) => p.present)
        .map((p) => {
          const info = ctx.roster.find((r) => r.slot === p.id);
          return { slot: p.id, name: info?.nickname ?? `#${p.id}`, score: p.score, deaths: null, me: p.id === ctx.slot, bot: info?.bot ?? false, alive: p.alive };
        })
        .sort((a, b) => b.score - a.score || a.slot - b.slot);
      return { clockS: hudClock(s, ctx.tickRate), scoreLabel: 'Rounds', rows, round: s.round, target: setup.roundsToWin };
    },
    feed(s, ctx) {
      return s.events.map((e) =>
        e.type === 'crash'
          ? {
              kind: 'crash' as const,
              actor: e.killer === null || e.killer === e.victim ? null : nameOf(ctx.roster, e.killer),
              subject: nameOf(ctx.roster, e.victim),
              text: e.killer === null || e.killer === e.victim ? 'crashed' : 'cut off',
              mine: e.victim === ctx.slot || e.killer === ctx.slot,
            }
          : {
              kind: 'round' as const,
              actor: e.winner === null ? null : nameOf(ctx.roster, e.winner),
              subject: null,
              text: e.winner === null ? 'Round drawn' : 'wins the round',
              mine: e.winner === ctx.slot,
            },
      );
    },
  };
}
