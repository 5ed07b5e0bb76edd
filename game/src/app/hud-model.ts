/**
 * What the HUD shows, computed from a snapshot: the clock, the scoreboard rows (best first), and
 * the feed lines the snapshot's events make. One function pair per game; pure, so it is tested
 * without a page, and the session can compare results to dispatch only changes.
 */
import { MatchPhase } from '../../../shared/game/phase.ts';
import type { ArenaSetup } from '../../../shared/games/arena/index.ts';
import type { Snapshot } from '../../../shared/games/arena/snapshot.ts';
import type { CyclesSetup, CyclesSnapshot } from '../../../shared/games/cycles/index.ts';
import type { PlayerInfo } from '../../../shared/protocol/events.ts';
import type { FeedEntry, Hud, ScoreRow } from '../state/match-slice.ts';

export interface HudContext {
  roster: readonly PlayerInfo[];
  /** The player's slot; -1 for a spectator. */
  slot: number;
  tickRate: number;
}

export type NewFeedEntry = Omit<FeedEntry, 'id' | 'at'>;

export interface HudModel<S> {
  hud(s: S, ctx: HudContext): Hud;
  feed(s: S, ctx: HudContext): NewFeedEntry[];
}

export function nameOf(roster: readonly PlayerInfo[], slot: number): string {
  return roster.find((r) => r.slot === slot)?.nickname ?? `#${slot}`;
}

/** Whole seconds left until `endTick` (a countdown shows 3, 2, 1), or null without an end. */
export function clockSeconds(tick: number, endTick: number, tickRate: number): number | null {
  if (endTick <= 0) return null;
  return Math.max(0, Math.ceil((endTick - tick) / tickRate));
}

export function formatClock(seconds: number | null): string {
  if (seconds === null) return '';
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

/** Kills / deaths as the results screen shows it: deaths 0 divides as 1. */
export function kdRatio(kills: number, deaths: number): string {
  return (kills / Math.max(1, deaths)).toFixed(2);
}

function clock(s: { tick: number; phase: number; phaseEndTick: number }, tickRate: number): number | null {
  if (s.phase !== MatchPhase.Countdown && s.phase !== MatchPhase.Playing) return null;
  return clockSeconds(s.tick, s.phaseEndTick, tickRate);
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
      return { clockS: clock(s, ctx.tickRate), scoreLabel: 'Kills', rows, round: null, target: setup.rules.killTarget };
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
      return { clockS: clock(s, ctx.tickRate), scoreLabel: 'Rounds', rows, round: s.round, target: setup.roundsToWin };
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

/** Same HUD as before? (The session dispatches only changes; a snapshot usually changes nothing.) */
export function sameHud(a: Hud | null, b: Hud): boolean {
  if (!a || a.clockS !== b.clockS || a.round !== b.round || a.target !== b.target || a.rows.length !== b.rows.length) return false;
  return a.rows.every((r, i) => {
    const o = b.rows[i]!;
    return r.slot === o.slot && r.score === o.score && r.deaths === o.deaths && r.alive === o.alive && r.name === o.name && r.bot === o.bot;
  });
}
