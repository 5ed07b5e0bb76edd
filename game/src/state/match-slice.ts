/**
 * The match around the drawing: who is in it, its phase, what the HUD shows (clock, own score,
 * scoreboard rows, kill feed), match chat, and the results once it ended. Snapshots arrive 30
 * times a second; the session dispatches a HUD update only when something on it changed.
 */
import { createSlice, type PayloadAction } from '@reduxjs/toolkit';
import type { MatchInfo, MatchResults, MatchState, PlayerInfo } from '../../../shared/protocol/events.ts';
import type { ChatLine } from './lobby-slice.ts';
import { CHAT_KEPT } from './lobby-slice.ts';

export interface JoinedMatch {
  matchId: string;
  game: string;
  mode: string;
  role: MatchInfo['role'];
  slot: number;
  visibility: MatchInfo['visibility'];
  /** The private match's code, to pass on. */
  code: string | null;
  /** This player created the private match (it may start it early). */
  host: boolean;
  /** Seats, when known (the creator chose it; a listed match says it). */
  maxPlayers: number | null;
}

export interface ScoreRow {
  slot: number;
  name: string;
  /** What the ranking is by (kills, rounds won…: the game's HUD model says, game/src/games/<id>/). */
  score: number;
  /** Deaths, for a game that counts them; null for games without. */
  deaths: number | null;
  me: boolean;
  bot: boolean;
  alive: boolean;
}

export interface Hud {
  /** Seconds left in the phase (countdown or time limit); null without a clock. */
  clockS: number | null;
  /** What `score` counts, for headers. */
  scoreLabel: string;
  rows: ScoreRow[];
  /** The round being played, for a game played in rounds; null otherwise. */
  round: number | null;
  /** Target to win (kills or rounds); 0 when none. */
  target: number;
}

export interface FeedEntry {
  id: number;
  kind: 'kill' | 'crash' | 'round' | 'presence';
  /** Who did it (kill, round winner); null when nobody. */
  actor: string | null;
  /** Who it happened to (victim, the player whose presence changed). */
  subject: string | null;
  /** Words between or after the names. */
  text: string;
  /** The player's own slot took part. */
  mine: boolean;
  at: number;
}

export interface MatchSliceState {
  joined: JoinedMatch | null;
  phase: MatchState;
  roster: PlayerInfo[];
  hud: Hud | null;
  feed: FeedEntry[];
  chat: ChatLine[];
  results: MatchResults | null;
}

export const FEED_KEPT = 6;

const initialState: MatchSliceState = { joined: null, phase: 'waiting', roster: [], hud: null, feed: [], chat: [], results: null };

export const matchSlice = createSlice({
  name: 'match',
  initialState,
  reducers: {
    joined(state, action: PayloadAction<{ match: JoinedMatch; phase: MatchState; roster: PlayerInfo[] }>) {
      const same = state.joined?.matchId === action.payload.match.matchId;
      state.joined = action.payload.match;
      state.phase = action.payload.phase;
      state.roster = action.payload.roster;
      state.results = null;
      if (!same) {
        // A rejoin keeps the feed and chat of the same match.
        state.hud = null;
        state.feed = [];
        state.chat = [];
      }
    },
    phaseChanged(state, action: PayloadAction<MatchState>) {
      state.phase = action.payload;
    },
    rosterChanged(state, action: PayloadAction<PlayerInfo[]>) {
      state.roster = action.payload;
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
    chatReceived(state, action: PayloadAction<ChatLine>) {
      state.chat.push(action.payload);
      if (state.chat.length > CHAT_KEPT) state.chat.splice(0, state.chat.length - CHAT_KEPT);
    },
    ended(state, action: PayloadAction<MatchResults>) {
      state.phase = 'ended';
      state.results = action.payload;
    },
    /** Left the match (or it is gone): back to the lobby. */
    left() {
      return initialState;
    },
  },
});

export const matchActions = matchSlice.actions;
