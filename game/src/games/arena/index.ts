/**
 * Arena on the page: a top-down shooter drawn with interpolation of others and prediction of the
 * own player (arena-local.ts), ranked by kills.
 */
import { arena, type ArenaSetup } from '../../../../shared/games/arena/index.ts';
import type { Snapshot } from '../../../../shared/games/arena/snapshot.ts';
import type { PageGame } from '../../game/page-game.ts';
import { ArenaLocal } from './arena-local.ts';
import { arenaModel, kdRatio } from './hud-model.ts';

export const arenaPage: PageGame<ArenaSetup, Snapshot, ArenaLocal> = {
  definition: arena,
  words: {
    controls: 'WASD move · mouse aim · click shoot · Tab scores · Enter chat · F3 net graph',
    endReasons: { kills: 'Kill target reached' },
  },
  results: [
    { header: 'Kills', cell: (r) => String(r.stats.kills ?? r.score) },
    { header: 'Deaths', cell: (r) => String(r.stats.deaths ?? 0) },
    { header: 'K/D', cell: (r) => kdRatio(r.stats.kills ?? r.score, r.stats.deaths ?? 0) },
  ],
  hudModel: arenaModel,
  local: (info, ctx) => new ArenaLocal(info, ctx),
  scene: () => import('./arena-scene.ts').then((m) => (source, key) => new m.ArenaScene(source, key)),
  killerView: () => import('../../../../shared/games/arena/killcam-view.ts').then((m) => m.arenaKillerView),
};
