/**
 * The page's games by id, made from a list of page games (game/src/games/index.ts, or a test's
 * list with a fixture game added). A page that is handed a match of a game it has no module for
 * says so in a sentence (`unknownGame`) instead of drawing it as another game.
 */
import type { AnyGame } from '../../../shared/game/game-definition.ts';
import type { GameLookup } from '../../../shared/client/game-source.ts';
import type { AnyPageGame } from './page-game.ts';

/**
 * A game in the page's list by id, its module loaded on first need: the games' definitions
 * (codecs, simulations, bot brains) are tens of KB the lobby never runs, so they are chunks of
 * their own, imported once the lobby is up or when a match of the game is joined.
 */
export interface PageGameEntry {
  readonly id: string;
  load(): Promise<AnyPageGame>;
}

export interface PageGames {
  /** The game's page module once loaded; null when this page has none or it has not loaded yet. */
  get(id: string): AnyPageGame | null;
  /** The ids, in the list's order. */
  readonly ids: readonly string[];
  /** The game's module, loading it on first ask; null when this page has none. Rejects when it fails to load (asked again, it tries again). */
  load(id: string): Promise<AnyPageGame | null>;
  /** Every game's module (the game view makes every game's scene with Phaser). */
  loadAll(): Promise<readonly AnyPageGame[]>;
  /** The SDK's lookup of a match's game: at once when its module is in, else once it has loaded. */
  readonly definition: GameLookup;
  /** The shared halves (the replay viewer and the killcam re-simulate with them). */
  definitions(): Promise<readonly AnyGame[]>;
}

/**
 * Throws on a list that names one id twice: the second would silently never be found. Each item
 * is a page game (loaded: tests' fixture games) or an entry that loads one; a loaded module that
 * is another game than its entry says is refused when it loads.
 */
export function pageGames(list: readonly (AnyPageGame | PageGameEntry)[]): PageGames {
  const entries = new Map<string, PageGameEntry>();
  const loaded = new Map<string, AnyPageGame>();
  const loading = new Map<string, Promise<AnyPageGame>>();
  for (const item of list) {
    const id = 'definition' in item ? item.definition.id : item.id;
    if (entries.has(id)) throw new Error(`the page's game list names "${id}" twice`);
    if ('definition' in item) {
      loaded.set(id, item);
      entries.set(id, { id, load: () => Promise.resolve(item) });
    } else entries.set(id, item);
  }
  const load = (id: string): Promise<AnyPageGame | null> => {
    const entry = entries.get(id);
    if (!entry) return Promise.resolve(null);
    const have = loaded.get(id);
    if (have) return Promise.resolve(have);
    let pending = loading.get(id);
    if (!pending) {
      pending = entry.load().then(
        (game) => {
          if (game.definition.id !== id) throw new Error(`the page's module listed as "${id}" is the game "${game.definition.id}"`);
          loaded.set(id, game);
          loading.delete(id);
          return game;
        },
        (error: unknown) => {
          loading.delete(id); // the next ask tries again (a network that dropped may be back)
          throw error;
        },
      );
      loading.set(id, pending);
    }
    return pending;
  };
  const ids = [...entries.keys()];
  const loadAll = () => Promise.all(ids.map(async (id) => (await load(id))!));
  return {
    get: (id) => loaded.get(id) ?? null,
    ids,
    load,
    loadAll,
    definition: (id) => {
      const have = loaded.get(id);
      if (have) return have.definition;
      if (!entries.has(id)) return null;
      return load(id).then((g) => g?.definition ?? null);
    },
    definitions: async () => (await loadAll()).map((g) => g.definition),
  };
}

/** The sentence the page shows when asked to show a game it has no module for. */
export function unknownGame(id: string, games: Pick<PageGames, 'ids'>): string {
  const known = games.ids.length > 0 ? games.ids.map((g) => `“${g}”`).join(', ') : 'none';
  return `This page can't show the game “${id}”: it has no page module for it (it shows ${known}). Its server runs a game this page was not built with.`;
}
