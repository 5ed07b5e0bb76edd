/**
 * The page's Redux store and the one derived value every part of the page agrees on: which
 * screen is showing. `window.arena.screen` reads it, so tests and players see the same thing.
 */
import { combineReducers, configureStore, createSlice, type PayloadAction } from '@reduxjs/toolkit';
import { connectionSlice } from './connection-slice.ts';
import { killcamSlice } from './killcam-slice.ts';
import { lobbySlice, matchesAdapter } from './lobby-slice.ts';
import { matchSlice } from './match-slice.ts';
import { replaySlice } from './replay-slice.ts';

export type Screen = 'lobby' | 'queue' | 'match' | 'results' | 'replay' | 'reconnecting';

/** The game chunk (Phaser and the scenes): not asked for yet, on its way, there, or failed. */
export interface GameLoad {
  status: 'idle' | 'loading' | 'loaded' | 'failed';
  /** Decoded bytes so far, of `total` (null: unknown). */
  loaded: number;
  total: number | null;
}

const gameLoadIdle: GameLoad = { status: 'idle', loaded: 0, total: null };

/** Panels the player opens and closes, and the game chunk's loading. */
export const uiSlice = createSlice({
  name: 'ui',
  initialState: { netGraph: false, scoreboard: false, gameLoad: gameLoadIdle },
  reducers: {
    gameLoading(state, action: PayloadAction<{ loaded: number; total: number | null }>) {
      state.gameLoad = { status: 'loading', ...action.payload };
    },
    gameLoaded(state) {
      state.gameLoad = { ...state.gameLoad, status: 'loaded' };
    },
    gameLoadFailed(state) {
      state.gameLoad = { ...state.gameLoad, status: 'failed' };
    },
    netGraphToggled(state) {
      state.netGraph = !state.netGraph;
    },
    scoreboardShown(state, action: PayloadAction<boolean>) {
      state.scoreboard = action.payload;
    },
  },
});
export const uiActions = uiSlice.actions;

const reducer = combineReducers({
  connection: connectionSlice.reducer,
  lobby: lobbySlice.reducer,
  match: matchSlice.reducer,
  replay: replaySlice.reducer,
  killcam: killcamSlice.reducer,
  ui: uiSlice.reducer,
});

export type RootState = ReturnType<typeof reducer>;

export function createStore() {
  return configureStore({ reducer });
}
export type Store = ReturnType<typeof createStore>;
export type AppDispatch = Store['dispatch'];

export function selectScreen(s: RootState): Screen {
  // A replay plays from its file: a dropped connection does not cover it.
  if (s.replay.status !== 'closed') return 'replay';
  if (s.connection.status === 'reconnecting') return 'reconnecting';
  return selectUnderlyingScreen(s);
}

/** The screen under the reconnect overlay (what comes back once connected). */
export function selectUnderlyingScreen(s: RootState): Exclude<Screen, 'reconnecting'> {
  if (s.replay.status !== 'closed') return 'replay';
  if (s.match.results) return 'results';
  const joined = s.match.joined;
  if (joined) return s.match.phase === 'waiting' || s.match.phase === 'countdown' ? 'queue' : 'match';
  if (s.lobby.queue) return 'queue';
  return 'lobby';
}

const listSelectors = matchesAdapter.getSelectors((s: RootState) => s.lobby.matches);
export const selectPublicMatches = listSelectors.selectAll;
