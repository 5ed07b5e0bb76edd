/**
 * The killcam over the match (app/killcam-player.ts): after the player's death, the last seconds
 * before it from the killer's seat, during the respawn countdown. `off` when none is shown;
 * `failed` keeps the reason on screen until the respawn (the match itself carries on).
 */
import { createSlice, type PayloadAction } from '@reduxjs/toolkit';

export interface KillcamSliceState {
  status: 'off' | 'loading' | 'playing' | 'failed';
  /** The killer, as the roster names it. */
  killer: { slot: number; nickname: string } | null;
  /** The tick of the death shown. */
  killTick: number | null;
  /** How far behind the killer's screen was at the shot (ms), as lag compensation judged it. */
  rewindMs: number | null;
  /** Playback speed (the window fits the respawn countdown). */
  speed: number;
  error: { code: string; message: string } | null;
  /** How the last one ended: watched to the respawn, or skipped. */
  last: 'respawned' | 'skipped' | 'replaced' | null;
}

const initialState: KillcamSliceState = { status: 'off', killer: null, killTick: null, rewindMs: null, speed: 1, error: null, last: null };

export const killcamSlice = createSlice({
  name: 'killcam',
  initialState,
  reducers: {
    loading(state, action: PayloadAction<{ killTick: number }>) {
      return { ...initialState, last: state.status === 'off' ? state.last : 'replaced', status: 'loading', killTick: action.payload.killTick };
    },
    playing(state, action: PayloadAction<{ killer: { slot: number; nickname: string }; killTick: number; rewindMs: number; speed: number }>) {
      state.status = 'playing';
      Object.assign(state, action.payload);
    },
    failed(state, action: PayloadAction<{ code: string; message: string }>) {
      state.status = 'failed';
      state.error = action.payload;
    },
    ended(state, action: PayloadAction<'respawned' | 'skipped'>) {
      return { ...initialState, last: action.payload };
    },
  },
});

export const killcamActions = killcamSlice.actions;
