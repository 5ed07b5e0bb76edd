/**
 * The games this page can show: one line per game (its folder, game/src/games/<id>/, holds the
 * rest). A game the server runs but this list lacks is refused with a sentence on the page.
 *
 * Each game's module is a chunk of its own, imported on first need (the lobby starts them once it
 * is up; joining a match of a game not in yet waits for it): the lobby's script carries only the
 * ids.
 */
import type { PageGameEntry } from '../game/registry.ts';

export const PAGE_GAMES: readonly PageGameEntry[] = [
  { id: 'arena', load: () => import('./arena/index.ts').then((m) => m.arenaPage) },
  { id: 'cycles', load: () => import('./cycles/index.ts').then((m) => m.cyclesPage) },
];
