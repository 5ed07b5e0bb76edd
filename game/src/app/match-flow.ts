/**
 * The match flow: from a seat granted to the results and back to the lobby. It draws the match
 * (loading the drawing side on first need), turns the /match connection's events into store
 * actions (roster, phases, results, presence, chat, the rejoin's answer), starts a private match,
 * leaves. Getting a seat is the lobby's business (lobby-commands.ts); the connection is the
 * session link's (session-link.ts).
 */
import type { MatchConnectionEvents } from '../../../shared/client/match-connection.ts';
import type { PlayerClient } from '../../../shared/client/player-client.ts';
import { ErrorCode, type AckResult } from '../../../shared/protocol/errors.ts';
import type { MatchInfo, PresenceChange } from '../../../shared/protocol/events.ts';
import { connectionActions } from '../state/connection-slice.ts';
import { chatLine, lobbyActions } from '../state/lobby-slice.ts';
import { matchActions, type FeedEntry } from '../state/match-slice.ts';
import { uiActions, type Store } from '../state/store.ts';
import type { LoadProgress } from './chunk-loader.ts';
import { adviceFor } from './connection-messages.ts';
import { unknownGame, type PageGames } from '../game/registry.ts';
import type { MatchSession } from './match-session.ts';
import type { NetGraphFeed } from './net-graph-feed.ts';

/** The drawing side, loaded on demand (Phaser is most of the page's bytes). */
export interface GameView {
  /** Draws `matchId` (of `game`); the same match again (a rejoin) keeps what is drawn. */
  show(game: string, matchId: string): void;
  /** Draws the replay viewer's session with `game`'s scene; a new `key` starts the scene afresh (a seek). */
  showReplay(game: string, key: string): void;
  hide(): void;
}

/** What the page shows beside a joined match that the server's answer does not say. */
export interface JoinExtra {
  code: string | null;
  host: boolean;
  maxPlayers: number | null;
}

export interface MatchFlowDeps {
  store: Store;
  session: MatchSession;
  /** The games this page can show. */
  games: PageGames;
  feed: Pick<NetGraphFeed, 'ping' | 'serverTick' | 'dropped'>;
  /** The current connection, or null while signing in. */
  client: () => PlayerClient | null;
  /** Loads the drawing side, reporting the game chunk's bytes as they arrive. */
  loadView: (session: MatchSession, progress: (p: LoadProgress) => void) => Promise<GameView>;
  /** A fresh id for a line of the match feed. */
  lineId: () => number;
}

const PRESENCE_TEXT: Record<Exclude<PresenceChange['status'], 'joined'>, string> = {
  away: 'lost connection',
  back: 'is back',
  left: 'left',
  timed_out: 'did not come back',
};

/** The feed line for a seat's change of connection; none for an arrival (the roster shows it). */
export function presenceLine(p: PresenceChange, id: number, at: number): FeedEntry | null {
  if (p.status === 'joined') return null;
  return { id, at, kind: 'presence', actor: null, subject: p.nickname, text: PRESENCE_TEXT[p.status], mine: false };
}

export class MatchFlow {
  private view: Promise<GameView | null> | null = null;

  constructor(private readonly deps: MatchFlowDeps) {}

  private get state() {
    return this.deps.store.getState();
  }

  private dispatch(action: Parameters<Store['dispatch']>[0]): void {
    this.deps.store.dispatch(action);
  }

  /** What the /match connection's events do to the page. */
  handlers(): MatchConnectionEvents {
    const { session, feed } = this.deps;
    return {
      snapshot: (s) => session.onSnapshot(s),
      roster: (r) => {
        session.onRoster(r);
        this.dispatch(matchActions.rosterChanged(r));
      },
      phase: (p) => this.onPhase(p.state),
      ended: (results) => this.dispatch(matchActions.ended(results)),
      presence: (p) => {
        const line = presenceLine(p, -this.deps.lineId(), Date.now());
        if (line) this.dispatch(matchActions.fed([line]));
      },
      chat: (m) => this.dispatch(matchActions.chatReceived(chatLine(this.deps.lineId(), m, this.state.connection.guestId))),
      serverTick: (t) => feed.serverTick(t),
      rejoined: (res) => this.onRejoined(res),
      protocolError: (e) => {
        const advice = adviceFor(e.code, e.message);
        this.dispatch(connectionActions.noticed({ code: e.code, message: advice.message, failed: e.code === ErrorCode.SessionReplaced }));
      },
      disconnect: () => feed.dropped(),
    };
  }

  /** Loads Phaser and the scenes ahead of need (after the lobby is up). */
  preloadView(): void {
    void this.gameView();
  }

  /** The drawing side, loaded once; null when loading failed (the page offers to try again). */
  gameView(): Promise<GameView | null> {
    this.view ??= this.deps.loadView(this.deps.session, (p) => this.dispatch(uiActions.gameLoading(p))).then(
      (view) => {
        this.dispatch(uiActions.gameLoaded());
        return view;
      },
      () => {
        this.view = null; // the next call tries again
        this.dispatch(uiActions.gameLoadFailed());
        return null;
      },
    );
    return this.view;
  }

  /** Loading the game failed (the network dropped mid-chunk): load it again and draw the match if one is on. */
  async retryGameLoad(): Promise<void> {
    const view = await this.gameView();
    const info = this.deps.session.info;
    if (view && info) view.show(info.game, info.matchId);
  }

  /**
   * In the match `info` now: the store, the drawing, the first RTT. A match of a game this page
   * has no module for is left at once, and the lobby says why: drawing it as another game would
   * show a match that is not there.
   */
  joined(info: MatchInfo, extra: JoinExtra): void {
    const game = this.deps.games.get(info.game);
    // The SDK loads the game's module before it answers a join, so it is in; should it not be,
    // load it (a failure is the lobby's sentence, as for any join that fails).
    if (!game && this.deps.games.ids.includes(info.game)) {
      void this.deps.games.load(info.game).then(
        () => this.joined(info, extra),
        (error: unknown) => {
          void this.leave();
          this.dispatch(lobbyActions.settled());
          this.dispatch(lobbyActions.failed({ code: ErrorCode.GameLoadFailed, message: `${adviceFor(ErrorCode.GameLoadFailed).message} (${(error as Error).message})` }));
        },
      );
      return;
    }
    if (!game) {
      void this.leave();
      this.dispatch(lobbyActions.settled());
      this.dispatch(lobbyActions.failed({ code: 'UNKNOWN_GAME', message: unknownGame(info.game, this.deps.games) }));
      return;
    }
    this.deps.session.joined(info, game);
    const listing = this.state.lobby.matches.entities[info.matchId];
    const maxPlayers = extra.maxPlayers ?? listing?.maxPlayers ?? null;
    this.dispatch(
      matchActions.joined({
        match: { matchId: info.matchId, game: info.game, mode: info.mode, role: info.role, slot: info.slot, visibility: info.visibility, code: extra.code, host: extra.host, maxPlayers },
        phase: info.state,
        roster: info.roster,
      }),
    );
    this.dispatch(lobbyActions.settled());
    void this.gameView().then((v) => v !== null && this.deps.session.info?.matchId === info.matchId && v.show(info.game, info.matchId));
    void this.deps.feed.ping();
  }

  private onRejoined(res: AckResult<MatchInfo>): void {
    if (res.ok) {
      this.dispatch(connectionActions.noticed(null));
      // The SDK may have found the seat in another match than the one shown (it asks the server where the seat is).
      const joined = this.state.match.joined?.matchId === res.matchId ? this.state.match.joined : null;
      this.joined(res, { code: joined?.code ?? null, host: joined?.host ?? false, maxPlayers: joined?.maxPlayers ?? null });
    } else {
      // The seat is gone (the grace ran out, or the match ended meanwhile; the SDK asked the
      // server where the seat is before giving up): back to the lobby.
      this.toLobby();
      this.dispatch(lobbyActions.failed({ code: res.code, message: adviceFor(res.code, res.message).message }));
    }
    this.dispatch(connectionActions.reconnected());
  }

  private onPhase(state: MatchInfo['state']): void {
    this.dispatch(matchActions.phaseChanged(state));
    // Gone before it ended (abandoned): nothing to show but the lobby. After the end the results stay.
    if (state === 'disposed' && !this.state.match.results) this.toLobby();
  }

  /** The private match's creator starts it without waiting for it to fill. */
  async start(): Promise<void> {
    const res = await this.deps.client()?.match.start();
    if (res && !res.ok) this.dispatch(lobbyActions.failed({ code: res.code, message: adviceFor(res.code, res.message).message }));
  }

  /** Gives the seat (or the spectator's place) up and goes back to the lobby. */
  async leave(): Promise<void> {
    const client = this.deps.client();
    this.toLobby();
    await client?.leave();
  }

  /** Back to the lobby's screen (the seat, if any, is the caller's business). */
  toLobby(): void {
    this.deps.session.left();
    this.dispatch(matchActions.left());
    void this.view?.then((v) => v?.hide());
  }
}
