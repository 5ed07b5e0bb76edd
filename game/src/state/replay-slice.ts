/**
 * The replay being watched: which one, whether it loaded (or why not), the playback controls'
 * state (playing, speed, position, who is followed) and the match's HUD as the re-simulation
 * draws it. While a replay is open the page's screen is 'replay' (store.ts).
 */
import { createSlice, type PayloadAction } from '@reduxjs/toolkit';
import type { FeedEntry, Hud } from './match-slice.ts';
import { FEED_KEPT } from './match-slice.ts';

export interface ReplayPlayerRow {
  slot: number;
  nickname: string;
  bot: boolean;
}

export interface ReplayLoaded {
  replayId: string;
  game: string;
  mode: string;
  tickRate: number;
  lastTick: number;
  /** Ticks a seek may start from (the slider's marks). */
  checkpoints: number[];
  players: ReplayPlayerRow[];
  /** Recorded while the match was still running (the file ends at the moment it was fetched). */
  running: boolean;
}

export interface ReplaySliceState {
  status: 'closed' | 'loading' | 'ready' | 'failed';
  replayId: string | null;
  error: { code: string; message: string } | null;
  loaded: ReplayLoaded | null;
  playing: boolean;
  speed: number;
  /** The tick on screen. */
  tick: number;
  /** The slot the camera and HUD follow; null: the whole map. */
  follow: number | null;
  /** How long the last seek took to re-simulate (ms). */
  seekMs: number | null;
  hud: Hud | null;
  feed: FeedEntry[];
}

const initialState: ReplaySliceState = {
  status: 'closed',
  replayId: null,
  error: null,
  loaded: null,
  playing: false,
  speed: 1,
  tick: 0,
  follow: null,
  seekMs: null,
  hud: null,
  feed: [],
};

export const replaySlice = createSlice({
  name: 'replay',
  initialState,
  reducers: {
    loading(_state, action: PayloadAction<string>) {
      return { ...initialState, status: 'loading', replayId: action.payload };
    },
    loaded(state, action: PayloadAction<ReplayLoaded>) {
      state.status = 'ready';
      state.loaded = action.payload;
      state.tick = 0;
      state.playing = true;
    },
    failed(state, action: PayloadAction<{ code: string; message: string }>) {
      state.status = 'failed';
      state.error = action.payload;
      state.playing = false;
    },
    played(state, action: PayloadAction<boolean>) {
      state.playing = action.payload;
    },
    speedSet(state, action: PayloadAction<number>) {
      state.speed = action.payload;
    },
    moved(state, action: PayloadAction<number>) {
      state.tick = action.payload;
    },
    sought(state, action: PayloadAction<{ tick: number; ms: number }>) {
      state.tick = action.payload.tick;
      state.seekMs = action.payload.ms;
      state.feed = [];
    },
    followed(state, action: PayloadAction<number | null>) {
      state.follow = action.payload;
    },
    hudChanged(state, action: PayloadAction<Hud>) {
      state.hud = action.payload;
    },
    fed(state, action: PayloadAction<FeedEntry[]>) {
      state.feed.push(...action.payload);
      if (state.feed.length > FEED_KEPT) state.feed.splice(0, state.feed.length - FEED_KEPT);
    },
    feedExpired(state, action: PayloadAction<number>) {
      state.feed = state.feed.filter((f) => f.at >= action.payload);
    },
    closed() {
      return initialState;
    },
  },
});

export const replayActions = replaySlice.actions;
