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
import { ArenaScene } from '../games/arena/arena-scene.ts';
import { CyclesScene } from '../games/cycles/cycles-scene.ts';

/** Frame times kept (ms): about 20 s at 60 fps. */
const FRAMES_KEPT = 1200;

export interface PhaserGameView extends GameView {
  /** JavaScript time of each recent frame (ms), oldest first. */
  frameTimes(): number[];
  /** Arena: where a world point is drawn in the viewport (CSS px), and back; null when not drawing Arena. */
  worldToScreen(x: number, y: number): { x: number; y: number } | null;
  screenToWorld(x: number, y: number): { x: number; y: number } | null;
}

const cyclesView = (session: MatchSession) => ({
  slot: () => (session.info?.role === 'player' ? session.info.slot : null),
  setup: () => (session.info?.game === 'cycles' ? (session.info.setup as CyclesSetup) : null),
  latest: () => session.latest as CyclesSnapshot | null,
  previous: () => session.previous as CyclesSnapshot | null,
  nickname: (slot: number) => session.roster.find((r) => r.slot === slot)?.nickname ?? `#${slot}`,
});

/**
 * `replay`: the replay viewer's session. Its scenes are the same classes on that session, under
 * their own keys, so a replay is drawn exactly as a match is and never touches the match's scene.
 */
export async function createGameView(session: MatchSession, parent: HTMLElement, replay: MatchSession): Promise<PhaserGameView> {
  const arena = new ArenaScene(session);
  const cycles = new CyclesScene(cyclesView(session));
  const scenes = { arena, cycles, 'arena-replay': new ArenaScene(replay, 'arena-replay'), 'cycles-replay': new CyclesScene(cyclesView(replay), 'cycles-replay') } as const;
  type Key = keyof typeof scenes;
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
  for (const [key, scene] of Object.entries(scenes)) game.scene.add(key, scene, false);

  const frames = new Float64Array(FRAMES_KEPT);
  let count = 0;
  let stepStart = 0;
  game.events.on(Phaser.Core.Events.PRE_STEP, () => (stepStart = performance.now()));
  game.events.on(Phaser.Core.Events.POST_RENDER, () => {
    frames[count % FRAMES_KEPT] = performance.now() - stepStart;
    count += 1;
  });

  let shown: string | null = null;
  const run = (key: Key, matchId: string) => {
    for (const other of Object.keys(scenes)) if (other !== key && game.scene.isActive(other)) game.scene.stop(other);
    // A new match restarts the scene (its sprites belong to the last one); a rejoin does not.
    if (!game.scene.isActive(key)) game.scene.start(key);
    else if (matchId !== shown) game.scene.getScene(key)?.scene.restart();
    shown = matchId;
    parent.dataset.drawing = key;
  };
  const view: PhaserGameView = {
    show(id, matchId) {
      const key = id === 'cycles' ? 'cycles' : 'arena';
      const scene = scenes[key];
      session.controller = () => scene.command();
      run(key, matchId);
    },
    showReplay(id, viewKey) {
      // The match's keys stay with the match: a replay sends nothing.
      session.controller = null;
      run(id === 'cycles' ? 'cycles-replay' : 'arena-replay', viewKey);
    },
    hide() {
      session.controller = null;
      shown = null;
      for (const key of Object.keys(scenes)) if (game.scene.isActive(key)) game.scene.stop(key);
      delete parent.dataset.drawing;
    },
    worldToScreen: (x, y) => (shown !== null ? activeArena()?.worldToScreen(x, y) ?? null : null),
    screenToWorld: (x, y) => (shown !== null ? activeArena()?.screenToWorld(x, y) ?? null : null),
    frameTimes() {
      const n = Math.min(count, FRAMES_KEPT);
      const out: number[] = [];
      for (let i = count - n; i < count; i++) out.push(frames[i % FRAMES_KEPT]!);
      return out;
    },
  };
  const activeArena = () => (game.scene.isActive('arena') ? arena : game.scene.isActive('arena-replay') ? scenes['arena-replay'] : null);
  return view;
}
