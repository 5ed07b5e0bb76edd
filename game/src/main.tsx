/**
 * The page: a React lobby over the canvas, fed by the Redux store that the controller's socket
 * events update. Phaser and the scenes are a separate chunk, imported once the lobby is up (and
 * needed at the latest when a match is joined), so the lobby is usable before Phaser has loaded.
 * `/?code=ABCDE` (an invite link) fills in the match code; `/?party=ABCDE` the party code.
 */
import { StrictMode } from 'react';
import { flushSync } from 'react-dom';
import { createRoot } from 'react-dom/client';
import { Provider } from 'react-redux';
import { fetchCounting, gameChunkOf } from './app/chunk-loader.ts';
import { PageController } from './app/controller.ts';
import { PAGE_GAMES } from './games/index.ts';
import { pageGames } from './game/registry.ts';
import type { EarlySignIn } from './app/early-sign-in.ts';
import type { PageStorage } from './app/storage.ts';
import { lobbyActions } from './state/lobby-slice.ts';
import { createStore, selectScreen } from './state/store.ts';
import { App } from './ui/App.tsx';
import { ControllerContext } from './ui/context.ts';

/** Runs the page; `early` is the sign-in boot.ts started before this chunk had loaded. */
export function startPage(storage: PageStorage, early: EarlySignIn): void {
  const games = pageGames(PAGE_GAMES);
  const store = createStore();
  const gameEl = document.getElementById('game')!;
  const timings: { lobbyRenderedMs: number | null; lobbyInteractiveMs: number | null; phaserLoadedMs: number | null; phaserLoadedBeforeLobby: boolean | null } = {
    lobbyRenderedMs: null,
    lobbyInteractiveMs: null,
    phaserLoadedMs: null,
    phaserLoadedBeforeLobby: null,
  };
  let view: Awaited<ReturnType<typeof import('./scenes/game-view.ts')['createGameView']>> | null = null;

  const controller = new PageController({
    store,
    storage,
    url: location.origin,
    games,
    loadView: async (session, progress) => {
      // Fetched first, counting bytes for the progress bar; the import then reads the HTTP cache.
      const chunk = gameChunkOf(document, location.href);
      if (chunk) await fetchCounting(chunk.url, chunk.bytes, progress);
      // The match's React screens travel in the same chunk (App.tsx draws them once this is done).
      const [{ createGameView }] = await Promise.all([import('./scenes/game-view.ts'), import('./ui/match-screens.tsx')]);
      view = await createGameView({ session, replay: controller.replay.session, games, parent: gameEl });
      timings.phaserLoadedMs ??= performance.now();
      return view;
    },
  });

  const params = new URLSearchParams(location.search);
  const invite = params.get('code');
  if (invite) store.dispatch(lobbyActions.invited(invite.trim().toUpperCase().slice(0, 5)));
  const partyInvite = params.get('party');
  if (partyInvite) store.dispatch(lobbyActions.partyInvited(partyInvite.trim().toUpperCase().slice(0, 5)));
  const nickname = early.nickname;
  store.dispatch(lobbyActions.nicknameTyped(nickname));

  // Signing in is network waits (the guest token, the connection): carry on with them before
  // React's first render takes the main thread, so they run while it draws.
  controller.start(early);

  function lobbyInteractive(): void {
    if (timings.lobbyInteractiveMs !== null) return;
    timings.lobbyInteractiveMs = performance.now();
    timings.phaserLoadedBeforeLobby = timings.phaserLoadedMs !== null;
    // The games' modules (their codecs: a match decodes with them from its first snapshot) now,
    // while the player reads the lobby; a seat taken back at sign-in has asked for its own already.
    void games.loadAll().catch(() => {}); // a failure is said when a match of the game is joined (GAME_LOAD_FAILED)
    // Now fetch the drawing side while the player reads the lobby.
    const idle = (window as { requestIdleCallback?: (fn: () => void, o?: { timeout: number }) => void }).requestIdleCallback;
    if (idle) idle(() => controller.match.preloadView(), { timeout: 1500 });
    else setTimeout(() => controller.match.preloadView(), 300);
  }

  // The first render synchronously, in this task: scheduled (React's default), it waited behind a
  // frame of the still empty page, which Chromium draws first on a cold load.
  const root = createRoot(document.getElementById('ui')!);
  flushSync(() =>
    root.render(
      <StrictMode>
        <Provider store={store}>
          <ControllerContext.Provider value={controller}>
            <App onLobbyInteractive={lobbyInteractive} />
          </ControllerContext.Provider>
        </Provider>
      </StrictMode>,
    ),
  );
  requestAnimationFrame(() => (timings.lobbyRenderedMs ??= performance.now()));

  // Read by the browser tests and handy in devtools; holds no secrets.
  const session = controller.session;
  (window as unknown as { arena: unknown }).arena = {
    get screen() {
      return selectScreen(store.getState());
    },
    get info() {
      return session.info;
    },
    get latest() {
      return session.latest;
    },
    get previous() {
      return session.previous;
    },
    get roster() {
      return session.roster;
    },
    get snapshotsReceived() {
      return session.snapshotsReceived;
    },
    get inputsSent() {
      return session.inputsSent;
    },
    /**
     * Confirmed by the server: the player's shots (its projectiles in the snapshots), and from the
     * hit events its hits, damage dealt, shots a wall blocked, recent rewinds (ticks).
     */
    get hits() {
      return session.hits();
    },
    /** The game's prediction of the own player and interpolation of others, for a game that has them (else null). */
    get predictor() {
      return session.local?.predictor ?? null;
    },
    get interpolation() {
      return session.local?.interpolation ?? null;
    },
    /** The replay being watched: tick on screen, last tick, playing, speed, followed slot (null: none open). */
    get replay() {
      return controller.replay.status();
    },
    /** The killcam after the player's death: status, killer, ticks shown, speed (status 'off': none). */
    get killcam() {
      return controller.killcam.status();
    },
    get attempt() {
      return store.getState().connection.attempt;
    },
    rendered: (frameMs: number) => session.rendered(frameMs),
    state: () => store.getState(),
    frameTimes: () => view?.frameTimes() ?? [],
    /** Where world point (x, y) is drawn, in viewport CSS px (what page.mouse takes), and the inverse; null for a game drawn otherwise. */
    worldToScreen: (x: number, y: number) => view?.worldToScreen(x, y) ?? null,
    screenToWorld: (x: number, y: number) => view?.screenToWorld(x, y) ?? null,
    timings,
  };
}
