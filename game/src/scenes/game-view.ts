/**
 * The drawing side of the page, loaded with a dynamic import once the lobby is up: Phaser (most
 * of the page's bytes) and each game's scene. `show(game)` runs that game's scene and hands its
 * keys to the session's input loop; `hide()` stops drawing (back in the lobby). Each frame's
 * JavaScript time (Phaser's step: update and render) is kept for the benchmark.
 */
import Phaser from 'phaser';
import type { GameView } from '../app/match-flow.ts';
import type { MatchSession } from '../app/match-session.ts';
import type { GameScene } from '../game/page-game.ts';
import { unknownGame, type PageGames } from '../game/registry.ts';

/** Frame times kept (ms): about 20 s at 60 fps. */
const FRAMES_KEPT = 1200;

export interface PhaserGameView extends GameView {
  /** JavaScript time of each recent frame (ms), oldest first. */
  frameTimes(): number[];
  /** Where a world point is drawn in the viewport (CSS px), and back; null when the scene shown has no world units. */
  worldToScreen(x: number, y: number): { x: number; y: number } | null;
  screenToWorld(x: number, y: number): { x: number; y: number } | null;
}

export interface GameViewDeps {
  session: MatchSession;
  /**
   * The replay viewer's session. Its scenes are the same classes on that session, under their own
   * keys (`<game>-replay`), so a replay is drawn exactly as a match is and never touches the match's scene.
   */
  replay: MatchSession;
  games: PageGames;
  parent: HTMLElement;
}

export async function createGameView({ session, replay, games, parent }: GameViewDeps): Promise<PhaserGameView> {
  // Every game's scene, loaded with Phaser: a match of any of them can start at once.
  const factories = await Promise.all((await games.loadAll()).map(async (game) => [game, await game.scene()] as const));
  const scenes = new Map<string, GameScene>();
  for (const [game, factory] of factories) {
    const id = game.definition.id;
    scenes.set(id, factory(session.sceneSource(game), id));
    scenes.set(`${id}-replay`, factory(replay.sceneSource(game), `${id}-replay`));
  }
  const game = new Phaser.Game({
    type: Phaser.AUTO,
    parent,
    backgroundColor: '#07090c',
    banner: false,
    audio: { noAudio: true },
    // No multisampled backbuffer: everything drawn is sprites and axis-aligned shapes, and MSAA
    // multiplies the fill cost (measured on a software renderer: see BENCHMARKS.md).
    render: { antialiasGL: false },
    scale: { mode: Phaser.Scale.RESIZE, width: '100%', height: '100%' },
  });
  await new Promise<void>((resolve) => (game.isBooted ? resolve() : game.events.once(Phaser.Core.Events.READY, () => resolve())));
  for (const [key, scene] of scenes) game.scene.add(key, scene, false);

  const frames = new Float64Array(FRAMES_KEPT);
  let count = 0;
  let stepStart = 0;
  game.events.on(Phaser.Core.Events.PRE_STEP, () => (stepStart = performance.now()));
  game.events.on(Phaser.Core.Events.POST_RENDER, () => {
    frames[count % FRAMES_KEPT] = performance.now() - stepStart;
    count += 1;
  });

  /** The scene under `key`; a game this page has no module for never gets this far (match-flow.ts refuses it), so this throws. */
  const sceneOf = (id: string, key: string): GameScene => {
    const scene = scenes.get(key);
    if (!scene) throw new Error(unknownGame(id, games));
    return scene;
  };
  let shown: string | null = null;
  let active: GameScene | null = null;
  const run = (key: string, scene: GameScene, matchId: string) => {
    for (const other of scenes.keys()) if (other !== key && game.scene.isActive(other)) game.scene.stop(other);
    // A new match restarts the scene (its sprites belong to the last one); a rejoin does not.
    if (!game.scene.isActive(key)) game.scene.start(key);
    else if (matchId !== shown) game.scene.getScene(key)?.scene.restart();
    shown = matchId;
    active = scene;
    parent.dataset.drawing = key;
  };
  const view: PhaserGameView = {
    show(id, matchId) {
      const scene = sceneOf(id, id);
      session.controller = () => scene.command();
      run(id, scene, matchId);
    },
    showReplay(id, viewKey) {
      const scene = sceneOf(id, `${id}-replay`);
      // The match's keys stay with the match: a replay sends nothing.
      session.controller = null;
      run(`${id}-replay`, scene, viewKey);
    },
    hide() {
      session.controller = null;
      shown = null;
      active = null;
      for (const key of scenes.keys()) if (game.scene.isActive(key)) game.scene.stop(key);
      delete parent.dataset.drawing;
    },
    worldToScreen: (x, y) => active?.worldToScreen?.(x, y) ?? null,
    screenToWorld: (x, y) => active?.screenToWorld?.(x, y) ?? null,
    frameTimes() {
      const n = Math.min(count, FRAMES_KEPT);
      const out: number[] = [];
      for (let i = count - n; i < count; i++) out.push(frames[i % FRAMES_KEPT]!);
      return out;
    },
  };
  return view;
}
