/**
 * The drawing side of the page, loaded with a dynamic import once the lobby is up: Phaser (most
 * of the page's bytes) and one scene per game. `show(game)` runs that game's scene and hands its
 * keys to the session's input loop; `hide()` stops drawing (back in the lobby). Each frame's
 * JavaScript time (Phaser's step: update and render) is kept for the benchmark.
 */
import Phaser from 'phaser';
import type { CyclesSetup, CyclesSnapshot } from '../../../shared/games/cycles/index.ts';
import type { GameView } from '../app/match-flow.ts';
import type { MatchSession } from '../app/match-session.ts';
import { ArenaScene } from './arena-scene.ts';
import { CyclesScene } from './cycles-scene.ts';

/** Frame times kept (ms): about 20 s at 60 fps. */
const FRAMES_KEPT = 1200;

export interface PhaserGameView extends GameView {
  /** JavaScript time of each recent frame (ms), oldest first. */
  frameTimes(): number[];
  /** Arena: where a world point is drawn in the viewport (CSS px), and back; null when not drawing Arena. */
  worldToScreen(x: number, y: number): { x: number; y: number } | null;
  screenToWorld(x: number, y: number): { x: number; y: number } | null;
}

export async function createGameView(session: MatchSession, parent: HTMLElement): Promise<PhaserGameView> {
  const arena = new ArenaScene(session);
  const cycles = new CyclesScene({
    slot: () => (session.info?.role === 'player' ? session.info.slot : null),
    setup: () => (session.info?.game === 'cycles' ? (session.info.setup as CyclesSetup) : null),
    latest: () => session.latest as CyclesSnapshot | null,
    previous: () => session.previous as CyclesSnapshot | null,
    nickname: (slot) => session.roster.find((r) => r.slot === slot)?.nickname ?? `#${slot}`,
  });
  const scenes = { arena, cycles } as const;
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
  game.scene.add('arena', arena, false);
  game.scene.add('cycles', cycles, false);

  const frames = new Float64Array(FRAMES_KEPT);
  let count = 0;
  let stepStart = 0;
  game.events.on(Phaser.Core.Events.PRE_STEP, () => (stepStart = performance.now()));
  game.events.on(Phaser.Core.Events.POST_RENDER, () => {
    frames[count % FRAMES_KEPT] = performance.now() - stepStart;
    count += 1;
  });

  let shown: string | null = null;
  const view: PhaserGameView = {
    show(id, matchId) {
      const key = id === 'cycles' ? 'cycles' : 'arena';
      const scene = scenes[key];
      session.controller = () => scene.command();
      for (const other of Object.keys(scenes)) if (other !== key && game.scene.isActive(other)) game.scene.stop(other);
      // A new match restarts the scene (its sprites belong to the last one); a rejoin does not.
      if (!game.scene.isActive(key)) game.scene.start(key);
      else if (matchId !== shown) game.scene.getScene(key)?.scene.restart();
      shown = matchId;
      parent.dataset.drawing = key;
    },
    hide() {
      session.controller = null;
      shown = null;
      for (const key of Object.keys(scenes)) if (game.scene.isActive(key)) game.scene.stop(key);
      delete parent.dataset.drawing;
    },
    worldToScreen: (x, y) => (shown !== null && game.scene.isActive('arena') ? arena.worldToScreen(x, y) : null),
    screenToWorld: (x, y) => (shown !== null && game.scene.isActive('arena') ? arena.screenToWorld(x, y) : null),
    frameTimes() {
      const n = Math.min(count, FRAMES_KEPT);
      const out: number[] = [];
      for (let i = count - n; i < count; i++) out.push(frames[i % FRAMES_KEPT]!);
      return out;
    },
  };
  return view;
}
