import { describe, expect, it } from 'vitest';
import { PAGE_GAMES } from '../games/index.ts';
import type { AnyPageGame } from './page-game.ts';
import { pageGames, unknownGame } from './registry.ts';

const game = (id: string) => ({ definition: { id } }) as unknown as AnyPageGame;

describe("the page's games", () => {
  it('finds each game by its id, in the order listed, with the shared halves beside', () => {
    const games = pageGames([game('tag'), game('dots')]);
    expect(games.ids).toEqual(['tag', 'dots']);
    expect(games.get('dots')?.definition.id).toBe('dots');
    expect(games.definitions.map((d) => d.id)).toEqual(['tag', 'dots']);
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

  it("the product's list is a valid list, each game with its words and columns", () => {
    const games = pageGames(PAGE_GAMES);
    expect(games.ids.length).toBeGreaterThan(0);
    for (const g of PAGE_GAMES) {
      expect(g.words.controls).not.toBe('');
      expect(g.results.length).toBeGreaterThan(0);
    }
  });
});
