/**
 * The games this node runs and their quick-play modes. The match layer, the lobby and the HTTP
 * routes know games only through this registry and the GameDefinition interface; which games
 * there are is decided in one place (server/games.ts).
 */
import type { AnyGame, GameMode } from '../../shared/game/game-definition.ts';
import type { GameInfo, ModeInfo } from '../../shared/protocol/lobby-events.ts';

/** Operator caps on every mode (QUEUE_MIN_PLAYERS, QUEUE_MAX_PLAYERS, MAX_PLAYERS_PER_MATCH). */
export interface ModeLimits {
  maxPlayersPerMatch: number;
  queueMinPlayers: number | null;
  queueMaxPlayers: number | null;
}

export class GameRegistry {
  private readonly games = new Map<string, AnyGame>();
  private readonly modes = new Map<string, ModeInfo>();

  constructor(games: readonly AnyGame[], limits: ModeLimits) {
    for (const game of games) {
      if (this.games.has(game.id)) throw new Error(`two games are registered as ${JSON.stringify(game.id)}`);
      this.games.set(game.id, game);
      for (const mode of game.modes) {
        if (this.modes.has(mode.id)) throw new Error(`mode ${JSON.stringify(mode.id)} is offered by two games`);
        const info = limitMode(game, mode, limits);
        if (info) this.modes.set(mode.id, info);
      }
    }
    if (this.modes.size === 0) throw new Error('no game mode fits MAX_PLAYERS_PER_MATCH');
  }

  game(id: string): AnyGame | undefined {
    return this.games.get(id);
  }

  mode(id: string): ModeInfo | undefined {
    return this.modes.get(id);
  }

  /** The mode a request without one gets: the first mode of the first game. */
  get defaultMode(): ModeInfo {
    return this.modes.values().next().value!;
  }

  modeIds(): IterableIterator<string> {
    return this.modes.keys();
  }

  allModes(): ModeInfo[] {
    return [...this.modes.values()];
  }

  /** What GET /api/games and the lobby session list. */
  catalogue(): GameInfo[] {
    return [...this.games.values()].map((game) => ({
      id: game.id,
      name: game.name,
      maxPlayers: game.maxPlayers,
      modes: this.allModes()
        .filter((m) => m.game === game.id)
        .map(({ id, label, minPlayers, maxPlayers }) => ({ id, label, minPlayers, maxPlayers })),
      options: game.options.map((o) => ({ ...o })),
    }));
  }
}

/**
 * A mode as this node offers it: the operator's caps narrow the mode's own player range (a duel
 * stays 2..2 whatever QUEUE_MAX_PLAYERS says). A mode of fixed size (a duel) that does not fit
 * MAX_PLAYERS_PER_MATCH is not offered; a mode of flexible size shrinks to fit.
 */
function limitMode(game: AnyGame, mode: GameMode, limits: ModeLimits): ModeInfo | null {
  const maxPlayers = Math.min(mode.maxPlayers, game.maxPlayers, limits.maxPlayersPerMatch, limits.queueMaxPlayers ?? Infinity);
  const fixedSize = mode.minPlayers === mode.maxPlayers;
  if (maxPlayers < 1 || (fixedSize && maxPlayers < mode.minPlayers)) return null;
  const minPlayers = Math.min(limits.queueMinPlayers ?? mode.minPlayers, maxPlayers);
  return { id: mode.id, game: game.id, label: mode.label, minPlayers, maxPlayers, options: { ...mode.options } };
}
