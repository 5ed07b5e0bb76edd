import { describe, expect, it } from 'vitest';
import { PAGE_GAMES } from '../games/index.ts';
import type { AnyPageGame } from './page-game.ts';
import { pageGames, unknownGame } from './registry.ts';

const game = (id: string) => ({ definition: { id } }) as unknown as AnyPageGame;

describe("the page's games", () => {
  it('finds each game by its id, in the order listed, with the shared halves beside', async () => {
    const games = pageGames([game('tag'), game('dots')]);
    expect(games.ids).toEqual(['tag', 'dots']);
    expect(games.get('dots')?.definition.id).toBe('dots');
    expect((await games.definitions()).map((d) => d.id)).toEqual(['tag', 'dots']);
  });

  it('has no game for an id it was not given (nothing falls back to another game)', () => {
    const games = pageGames([game('tag')]);
    expect(games.get('dots')).toBeNull();
    expect(games.get('')).toBeNull();
    expect(games.get('constructor')).toBeNull();
  });

  it('refuses a list that names a game twice', () => {
    expect(() => pageGames([game('tag'), game('dots'), game('tag')])).toThrow(/names "tag" twice/);
  });

  it('says in a sentence which game it cannot show and which it can', () => {
    expect(unknownGame('squares', pageGames([game('tag'), game('dots')]))).toBe(
      "This page can't show the game “squares”: it has no page module for it (it shows “tag”, “dots”). Its server runs a game this page was not built with.",
    );
    expect(unknownGame('x', pageGames([]))).toContain('(it shows none)');
  });

  it("the product's list is a valid list, each game with its words and columns", async () => {
    const games = pageGames(PAGE_GAMES);
    expect(games.ids.length).toBeGreaterThan(0);
    for (const g of await games.loadAll()) {
      expect(g.words.controls).not.toBe('');
      expect(g.results.length).toBeGreaterThan(0);
    }
  });

  it('loads a listed game on first need: the SDK waits for it, then has it at once', async () => {
    let loads = 0;
    const games = pageGames([{ id: 'tag', load: async () => (loads++, game('tag')) }]);
    expect(games.get('tag')).toBeNull();
    const first = games.definition('tag');
    expect(first).toBeInstanceOf(Promise);
    expect((await first)?.id).toBe('tag');
    expect(games.get('tag')?.definition.id).toBe('tag');
    expect(games.definition('tag')).toEqual({ id: 'tag' }); // no promise once in
    expect(games.definition('dots')).toBeNull();
    await games.loadAll();
    expect(loads).toBe(1);
  });

  it('a module that fails to load is asked for again next time; one that is another game is refused', async () => {
    let attempt = 0;
    const games = pageGames([
      { id: 'tag', load: async () => (++attempt === 1 ? Promise.reject(new Error('network down')) : game('tag')) },
      { id: 'dots', load: async () => game('tag') },
    ]);
    await expect(games.load('tag')).rejects.toThrow('network down');
    expect((await games.load('tag'))?.definition.id).toBe('tag');
    await expect(games.load('dots')).rejects.toThrow(/listed as "dots" is the game "tag"/);
    expect(games.get('dots')).toBeNull();
  });
});
