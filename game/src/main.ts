import Phaser from 'phaser';
import type { CyclesSetup, CyclesSnapshot } from '../../shared/games/cycles/index.ts';
import { ArenaScene } from './scenes/arena-scene.ts';
import { CyclesScene } from './scenes/cycles-scene.ts';
import { GameSession, type Entry } from './session.ts';

// ?name=… picks the nickname; ?mode=… the quick-play mode (ffa, duel, cycles, cycles-duel);
// ?create=N opens a private match for N players (of ?mode); ?code=… joins one; ?watch=ID spectates.
const params = new URLSearchParams(location.search);
const nickname = (params.get('name') ?? `player-${Math.floor(Math.random() * 1000)}`).slice(0, 16);
const mode = params.get('mode');
const entry: Entry = params.has('code')
  ? { kind: 'code', code: params.get('code')! }
  : params.has('watch')
    ? { kind: 'spectate', matchId: params.get('watch')! }
    : params.has('create')
      ? { kind: 'create', options: { maxPlayers: Number(params.get('create')) || 2, ...(mode !== null && { mode }) } }
      : { kind: 'quickplay', mode: mode ?? 'ffa' };
const session = new GameSession(location.origin, nickname, entry);

// One scene per game; the one of the match joined runs, and its keys are what the input loop sends.
const arenaScene = new ArenaScene(session);
const cyclesScene = new CyclesScene({
  slot: () => (session.info?.role === 'player' ? session.info.slot : null),
  setup: () => (session.info?.game === 'cycles' ? (session.info.setup as CyclesSetup) : null),
  latest: () => session.latest as CyclesSnapshot | null,
  previous: () => session.previous as CyclesSnapshot | null,
  nickname: (slot) => session.roster.find((r) => r.slot === slot)?.nickname ?? `#${slot}`,
});
const scenes = { arena: arenaScene, cycles: cyclesScene } as const;
const HINTS = { arena: 'WASD move · mouse aim · click shoot', cycles: 'arrows / WASD turn · Space boost' } as const;

const game = new Phaser.Game({
  type: Phaser.AUTO,
  parent: 'game',
  backgroundColor: '#0e1116',
  scale: { mode: Phaser.Scale.FIT, autoCenter: Phaser.Scale.CENTER_BOTH, width: 1600, height: 1000 },
  scene: [arenaScene, cyclesScene],
});

session.onJoined = (info) => {
  const id = info.game === 'cycles' ? 'cycles' : 'arena';
  const scene = scenes[id];
  session.controller = () => scene.command();
  document.getElementById('hint')!.textContent = HINTS[id];
  for (const other of Object.keys(scenes)) if (other !== id && game.scene.isActive(other)) game.scene.stop(other);
  if (!game.scene.isActive(id)) game.scene.start(id);
};

// Read by the browser tests and handy in devtools; holds no secrets.
(window as unknown as { arena: GameSession }).arena = session;
