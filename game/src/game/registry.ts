/**
 * The page's games by id, made from a list of page games (game/src/games/index.ts, or a test's
 * list with a fixture game added). A page that is handed a match of a game it has no module for
 * says so in a sentence (`unknownGame`) instead of drawing it as another game.
 */
import type { AnyGame } from '../../../shared/game/game-definition.ts';
import type { AnyPageGame } from './page-game.ts';

export interface PageGames {
  /** The game's page module, or null when this page has none. */
  get(id: string): AnyPageGame | null;
  /** The ids, in the list's order. */
  readonly ids: readonly string[];
  /** The shared halves (the replay viewer re-simulates with them). */
  readonly definitions: readonly AnyGame[];
}

/** Throws on a list that names one id twice: the second would silently never be found. */
export function pageGames(list: readonly AnyPageGame[]): PageGames {
  const byId = new Map<string, AnyPageGame>();
  for (const game of list) {
    const id = game.definition.id;
    if (byId.has(id)) throw new Error(`the page's game list names "${id}" twice`);
    byId.set(id, game);
  }
  return {
    get: (id) => byId.get(id) ?? null,
    ids: [...byId.keys()],
    definitions: list.map((g) => g.definition),
  };
}

/** The sentence the page shows when asked to show a game it has no module for. */
export function unknownGame(id: string, games: Pick<PageGames, 'ids'>): string {
  const known = games.ids.length > 0 ? games.ids.map((g) => `“${g}”`).join(', ') : 'none';
  return `This page can't show the game “${id}”: it has no page module for it (it shows ${known}). Its server runs a game this page was not built with.`;
}
