/**
 * The lobby: the live public match list, lobby chat, what the player picked (game, mode), the
 * quick-play queue, and the answer to the last request. Socket events dispatch actions here,
 * the pattern socket.io tutorials show for a live list: the subscription's answer fills the
 * list, then each created / updated / removed event is applied if its version is newer.
 */
import { createEntityAdapter, createSlice, type PayloadAction } from '@reduxjs/toolkit';
import type { ListEvent } from '../../../shared/client/lobby-client.ts';
import type { ChatMessage, Leaderboard, MatchList, MatchListing, PartyInfo, PlayerProfile, RatingChange } from '../../../shared/protocol/events.ts';
import type { Notice } from './connection-slice.ts';

export const matchesAdapter = createEntityAdapter<MatchListing, string>({
  selectId: (m) => m.matchId,
  sortComparer: (a, b) => a.createdAt - b.createdAt || a.matchId.localeCompare(b.matchId),
});

export interface ChatLine {
  id: number;
  from: string;
  text: string;
  at: number;
  /** Sent by this player. */
  mine: boolean;
}

export type Pending = 'quickplay' | 'create' | 'code' | 'listed' | 'spectate' | 'rejoin' | 'nickname' | null;

export interface LobbyState {
  matches: ReturnType<typeof matchesAdapter.getInitialState>;
  /** Version of the list held; null when not subscribed (events are then ignored). */
  listVersion: number | null;
  chat: ChatLine[];
  game: string;
  mode: string;
  /** Waiting in quick play: since when (epoch ms) and how many were waiting when it joined. */
  queue: { mode: string; since: number; waiting: number } | null;
  /** A request on its way (buttons show it and do not fire twice). */
  pending: Pending;
  /** Why the last request failed. */
  notice: Notice | null;
  /** The code from an invite link (/?code=…), prefilled in the join box. */
  invite: string;
  /** The Nickname field as typed (kept here: the field unmounts during a match). */
  nickname: string;
  /** The player's party as the server last said; null: in none. */
  party: PartyInfo | null;
  partyChat: ChatLine[];
  /** The party code from an invite link (/?party=…), prefilled in the Join party box. */
  partyInvite: string;
  /** The player's profile (ratings per mode), as last read. */
  profile: PlayerProfile | null;
  /** The last rating change (the results screen shows it for its match). */
  rating: RatingChange | null;
  /** The leaderboard of the mode chosen, as last read. */
  board: Leaderboard | null;
}

export const CHAT_KEPT = 100;

const initialState: LobbyState = {
  matches: matchesAdapter.getInitialState(),
  listVersion: null,
  chat: [],
  // Chosen from the server's catalogue when the session starts (lobby-commands.ts: modeAfterSession).
  game: '',
  mode: '',
  queue: null,
  pending: null,
  notice: null,
  invite: '',
  nickname: '',
  party: null,
  partyChat: [],
  partyInvite: '',
  profile: null,
  rating: null,
  board: null,
};

/** `id`: the receiver's own counter (keys for React; messages carry none). */
export function chatLine(id: number, m: ChatMessage, myGuestId: string | null): ChatLine {
  return { id, from: m.from.nickname, text: m.text, at: m.at, mine: m.from.guestId === myGuestId };
}

export const lobbySlice = createSlice({
  name: 'lobby',
  initialState,
  reducers: {
    listReceived(state, action: PayloadAction<MatchList>) {
      matchesAdapter.setAll(state.matches, action.payload.matches);
      state.listVersion = action.payload.version;
    },
    listChanged(state, action: PayloadAction<ListEvent>) {
      const e = action.payload;
      // Not subscribed, or already part of the list held: the version says so.
      if (state.listVersion === null || e.version <= state.listVersion) return;
      state.listVersion = e.version;
      if (e.type === 'removed') matchesAdapter.removeOne(state.matches, e.matchId);
      else matchesAdapter.upsertOne(state.matches, e.match);
    },
    /** The connection dropped: the server forgot the subscription; keep rows until the new list. */
    listLost(state) {
      state.listVersion = null;
    },
    chatReceived(state, action: PayloadAction<ChatLine>) {
      state.chat.push(action.payload);
      if (state.chat.length > CHAT_KEPT) state.chat.splice(0, state.chat.length - CHAT_KEPT);
    },
    gameChosen(state, action: PayloadAction<{ game: string; mode: string }>) {
      state.game = action.payload.game;
      state.mode = action.payload.mode;
    },
    modeChosen(state, action: PayloadAction<string>) {
      state.mode = action.payload;
    },
    queued(state, action: PayloadAction<{ mode: string; since: number; waiting: number }>) {
      state.queue = action.payload;
    },
    unqueued(state) {
      state.queue = null;
    },
    requested(state, action: PayloadAction<Pending>) {
      state.pending = action.payload;
      if (action.payload) state.notice = null;
    },
    failed(state, action: PayloadAction<Notice>) {
      state.pending = null;
      state.notice = action.payload;
    },
    settled(state) {
      state.pending = null;
    },
    dismissed(state) {
      state.notice = null;
    },
    nicknameTyped(state, action: PayloadAction<string>) {
      state.nickname = action.payload;
    },
    invited(state, action: PayloadAction<string>) {
      state.invite = action.payload;
    },
    partyInvited(state, action: PayloadAction<string>) {
      state.partyInvite = action.payload;
    },
    partyChanged(state, action: PayloadAction<PartyInfo | null>) {
      const next = action.payload;
      // An answer and an event about the same party may cross: the higher version is the newer.
      if (next && state.party && next.code === state.party.code && next.version < state.party.version) return;
      if (next?.code !== state.party?.code) state.partyChat = [];
      state.party = action.payload;
    },
    partyChatReceived(state, action: PayloadAction<ChatLine>) {
      state.partyChat.push(action.payload);
      if (state.partyChat.length > CHAT_KEPT) state.partyChat.splice(0, state.partyChat.length - CHAT_KEPT);
    },
    profileReceived(state, action: PayloadAction<PlayerProfile>) {
      state.profile = action.payload;
    },
    rated(state, action: PayloadAction<RatingChange>) {
      state.rating = action.payload;
      const p = state.profile;
      if (p) {
        const m = p.modes[action.payload.mode];
        p.modes[action.payload.mode] = { rating: action.payload.after, played: (m?.played ?? 0) + 1, wins: m?.wins ?? 0, stats: m?.stats ?? {} };
      }
    },
    boardReceived(state, action: PayloadAction<Leaderboard>) {
      state.board = action.payload;
    },
  },
});

export const lobbyActions = lobbySlice.actions;
