/** Words for ids the server sends (games, modes, states), from the session's catalogue when it has them; each game's own words are in its page module (game/src/games/<id>/). */
import type { GameInfo, MatchState, ModeInfo } from '../../../shared/protocol/events.ts';

export function gameName(games: readonly GameInfo[], id: string): string {
  return games.find((g) => g.id === id)?.name ?? id;
}

export function modeLabel(modes: readonly { id: string; label: string }[], id: string): string {
  return modes.find((m) => m.id === id)?.label ?? id;
}

export function modesOf(games: readonly GameInfo[], modes: readonly ModeInfo[], game: string): { id: string; label: string; minPlayers: number; maxPlayers: number }[] {
  const fromSession = modes.filter((m) => m.game === game);
  if (fromSession.length > 0) return fromSession;
  return games.find((g) => g.id === game)?.modes ?? [];
}

export const STATE_LABEL: Record<MatchState, string> = {
  waiting: 'waiting for players',
  countdown: 'starting',
  playing: 'playing',
  ended: 'finished',
  disposed: 'closed',
};

export function clock(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}
