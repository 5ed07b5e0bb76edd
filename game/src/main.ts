import Phaser from 'phaser';
import { MatchScene } from './scenes/match-scene.ts';
import { GameSession, type Entry } from './session.ts';

// ?name=… picks the nickname; ?mode=… the quick-play mode (ffa, duel, …); ?create=N opens a
// private match for N players (of ?mode); ?code=… joins one.
const params = new URLSearchParams(location.search);
const nickname = (params.get('name') ?? `player-${Math.floor(Math.random() * 1000)}`).slice(0, 16);
const entry: Entry = params.has('code')
  ? { kind: 'code', code: params.get('code')! }
  : params.has('create')
    ? { kind: 'create', options: { maxPlayers: Number(params.get('create')) || 2, ...(params.has('mode') && { mode: params.get('mode')! }) } }
    : { kind: 'quickplay', mode: params.get('mode') ?? 'ffa' };
const session = new GameSession(location.origin, nickname, entry);

new Phaser.Game({
  type: Phaser.AUTO,
  parent: 'game',
  backgroundColor: '#0e1116',
  scale: { mode: Phaser.Scale.FIT, autoCenter: Phaser.Scale.CENTER_BOTH, width: 1600, height: 1000 },
  scene: new MatchScene(session),
});

// Read by the browser tests and handy in devtools; holds no secrets.
(window as unknown as { arena: GameSession }).arena = session;
