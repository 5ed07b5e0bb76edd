import Phaser from 'phaser';
import { MatchScene } from './scenes/match-scene.ts';
import { GameSession } from './session.ts';

const params = new URLSearchParams(location.search);
const nickname = (params.get('name') ?? `player-${Math.floor(Math.random() * 1000)}`).slice(0, 16);
const session = new GameSession(location.origin, nickname);

new Phaser.Game({
  type: Phaser.AUTO,
  parent: 'game',
  backgroundColor: '#0e1116',
  scale: { mode: Phaser.Scale.FIT, autoCenter: Phaser.Scale.CENTER_BOTH, width: 1600, height: 1000 },
  scene: new MatchScene(session),
});

// Read by the browser tests and handy in devtools; holds no secrets.
(window as unknown as { arena: GameSession }).arena = session;
