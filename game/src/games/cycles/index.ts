/**
 * Cycles on the page: light cycles on a grid, drawn from the two newest snapshots (a cycle moves
 * one cell a tick, so there is nothing to predict), ranked by rounds won.
 */
import { cycles, type CyclesSetup, type CyclesSnapshot } from '../../../../shared/games/cycles/index.ts';
import type { PageGame } from '../../game/page-game.ts';
import { cyclesModel } from './hud-model.ts';

export const cyclesPage: PageGame<CyclesSetup, CyclesSnapshot> = {
  definition: cycles,
  words: {
    controls: 'Arrows / WASD turn · Space boost · Tab scores · Enter chat · F3 net graph',
    endReasons: { rounds: 'Rounds won' },
  },
  results: [{ header: 'Rounds', cell: (r) => String(r.score) }],
  hudModel: cyclesModel,
  scene: () => import('./cycles-scene.ts').then((m) => (source, key) => new m.CyclesScene(source, key)),
};
