import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PAGE_GAMES } from '../game/src/games/index.ts';
import { pageGames } from '../game/src/game/registry.ts';
import { GAMES } from '../server/games.ts';
import { gameIds, gameMentions, pageSources } from './page-games.ts';

const repo = fileURLToPath(new URL('..', import.meta.url));

describe('the page names games only in their modules', () => {
  it('no file of game/src outside game/src/games/ imports, names or builds on a game', () => {
    const ids = gameIds(repo);
    const files = pageSources(repo);
    // The walk found the games and the page (a wrong root would pass on nothing).
    expect(ids).toEqual(expect.arrayContaining(['arena', 'cycles']));
    expect(files.has('game/src/main.tsx')).toBe(true);
    expect(files.has('game/src/scenes/game-view.ts')).toBe(true);
    expect([...files.keys()].some((p) => p.startsWith('game/src/games/'))).toBe(false);
    expect(gameMentions(files, ids)).toEqual([]);
  });

  it('finds a game by its import, its id and a name built on it, and lets the list and the product name be', () => {
    const files = new Map([
      ['game/src/scenes/view.ts', "import { ArenaScene } from '../games/arena/arena-scene.ts';\nconst key = id === 'cycles' ? 'cycles' : 'arena';"],
      ['game/src/app/session.ts', "import type { Snapshot } from '../../../shared/games/arena/snapshot.ts';\nconst m = cyclesModel(setup);"],
      ['game/src/main.tsx', "import { PAGE_GAMES } from './games/index.ts';\n(window as never).arena = {};\nconst k = 'arena.nickname';\nquery('meta[name=\"arena-game-chunk\"]');\n// Arena: a comment"],
    ]);
    expect(gameMentions(files, ['arena', 'cycles'])).toEqual([
      'game/src/app/session.ts:1: imports ../../../shared/games/arena/snapshot.ts',
      'game/src/app/session.ts:2: cyclesModel',
      'game/src/scenes/view.ts:1: ArenaScene',
      "game/src/scenes/view.ts:1: imports ../games/arena/arena-scene.ts",
      "game/src/scenes/view.ts:2: the id 'arena'",
      "game/src/scenes/view.ts:2: the id 'cycles'",
      "game/src/scenes/view.ts:2: the id 'cycles'",
    ]);
  });

  it('every game the server runs has a page module, in the same order (the lobby lists the server’s)', async () => {
    expect(PAGE_GAMES.map((g) => g.id)).toEqual(GAMES.map((g) => g.id));
    // The page decodes with the very definitions the server runs (each module is the game its entry names).
    const loaded = await pageGames(PAGE_GAMES).loadAll();
    loaded.forEach((g, i) => expect(g.definition).toBe(GAMES[i]));
  });
});
