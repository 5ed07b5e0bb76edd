/**
 * What the HUD shows, computed from a snapshot: the clock, the scoreboard rows (best first), and
 * the feed lines the snapshot's events make. Each game has its model (game/src/games/<id>/); pure, so it is tested
 * without a page, and the session can compare results to dispatch only changes.
 */
import { MatchPhase } from '../../../shared/game/phase.ts';
import type { PlayerInfo } from '../../../shared/protocol/events.ts';
import type { FeedEntry, Hud } from '../state/match-slice.ts';

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

/** The HUD's clock: the countdown, then the time left; none while waiting or after the end. */
export function hudClock(s: { tick: number; phase: number; phaseEndTick: number }, tickRate: number): number | null {
  if (s.phase !== MatchPhase.Countdown && s.phase !== MatchPhase.Playing) return null;
  return clockSeconds(s.tick, s.phaseEndTick, tickRate);
}

/** Same HUD as before? (The session dispatches only changes; a snapshot usually changes nothing.) */
export function sameHud(a: Hud | null, b: Hud): boolean {
  if (!a || a.clockS !== b.clockS || a.round !== b.round || a.target !== b.target || a.rows.length !== b.rows.length) return false;
  return a.rows.every((r, i) => {
    const o = b.rows[i]!;
    return r.slot === o.slot && r.score === o.score && r.deaths === o.deaths && r.alive === o.alive && r.name === o.name && r.bot === o.bot;
  });
}
