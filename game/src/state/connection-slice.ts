/**
 * The connection as the player sees it: signing in, online, lost and retrying (with the attempt
 * number the overlay shows), or failed with a message. Also what the server said about itself
 * at sign-in: the games and modes it runs, and how many players are online when it tells.
 */
import { createSlice, type PayloadAction } from '@reduxjs/toolkit';
import type { GameInfo, ModeInfo, SessionInfo } from '../../../shared/protocol/events.ts';

export type ConnectionStatus = 'offline' | 'connecting' | 'online' | 'reconnecting' | 'failed';

export interface Notice {
  code: string;
  message: string;
}

export interface ConnectionState {
  status: ConnectionStatus;
  /** Reconnection attempt (1, 2, …) while status is 'reconnecting'. */
  attempt: number;
  /** Every attempt the server's policy allows failed: the page waits for the player's Retry. */
  gaveUp: boolean;
  /** The nickname the server accepted (it may carry a suffix: Ada2); null before sign-in. */
  nickname: string | null;
  guestId: string | null;
  /** Why the connection is not online, in words for the player; null when all is well. */
  notice: Notice | null;
  /** Players online, when the server tells (null: unknown). */
  online: number | null;
  games: GameInfo[];
  modes: ModeInfo[];
  chatMaxLength: number;
}

const initialState: ConnectionState = {
  status: 'offline',
  attempt: 0,
  gaveUp: false,
  nickname: null,
  guestId: null,
  notice: null,
  online: null,
  games: [],
  modes: [],
  chatMaxLength: 200,
};

export const connectionSlice = createSlice({
  name: 'connection',
  initialState,
  reducers: {
    /** GET /api/games answered: the lobby can offer games before signing in. */
    catalogueLoaded(state, action: PayloadAction<GameInfo[]>) {
      if (state.games.length === 0) state.games = action.payload;
    },
    connecting(state) {
      state.status = 'connecting';
      state.gaveUp = false;
    },
    sessionStarted(state, action: PayloadAction<SessionInfo>) {
      const s = action.payload;
      // After a drop the lobby may be back before the match seat: `reconnected` ends that state.
      if (state.status !== 'reconnecting') {
        state.status = 'online';
        state.attempt = 0;
      }
      state.notice = null;
      state.nickname = s.nickname;
      state.guestId = s.guestId;
      state.games = s.games;
      state.modes = s.modes;
      state.chatMaxLength = s.chatMaxLength;
    },
    /** The transport dropped and socket.io is trying again. */
    reconnecting(state, action: PayloadAction<number>) {
      state.status = 'reconnecting';
      state.attempt = action.payload;
    },
    reconnected(state) {
      if (state.status === 'reconnecting') state.status = 'online';
      state.attempt = 0;
      state.gaveUp = false;
    },
    /** The last reconnection attempt failed: still not connected, and no more tries until Retry. */
    reconnectFailed(state) {
      state.status = 'reconnecting';
      state.gaveUp = true;
    },
    /** Something to tell the player about the connection (status unchanged unless `failed`). */
    noticed(state, action: PayloadAction<(Notice & { failed?: boolean }) | null>) {
      if (!action.payload) {
        state.notice = null;
        return;
      }
      const { failed, ...notice } = action.payload;
      state.notice = notice;
      if (failed) state.status = 'failed';
    },
    onlineCounted(state, action: PayloadAction<number>) {
      state.online = action.payload;
    },
    signedOut(state) {
      state.status = 'offline';
      state.nickname = null;
      state.guestId = null;
    },
  },
});

export const connectionActions = connectionSlice.actions;
