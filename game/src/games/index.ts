/**
 * The games this page can show: one line per game (its folder, game/src/games/<id>/, holds the
 * rest). A game the server runs but this list lacks is refused with a sentence on the page.
 */
import { arenaPage } from './arena/index.ts';
import { cyclesPage } from './cycles/index.ts';
import type { AnyPageGame } from '../game/page-game.ts';

export const PAGE_GAMES: readonly AnyPageGame[] = [arenaPage, cyclesPage];
