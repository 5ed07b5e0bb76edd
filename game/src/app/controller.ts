/**
 * The page's link to the server, in four parts with one job each, wired here:
 * - `link` (session-link.ts): signing in, the token's renewal, the connection's drops and returns;
 * - `lobby` (lobby-commands.ts): what the player asks for before a match, and the lobby's events;
 * - `match` (match-flow.ts): a joined match to its results and back, drawn by the game view;
 * - `feed` (net-graph-feed.ts): the net graph's figures, all from the connection itself;
 * - `replay` (replay-viewer.ts): a recorded match, fetched and re-simulated in the page.
 * React components only read the store and call these parts; the Phaser scenes only read the
 * MatchSession.
 */
import type { PlayerClient } from '../../../shared/client/player-client.ts';
import { ErrorCode } from '../../../shared/protocol/errors.ts';
import type { PageGames } from '../game/registry.ts';
import { lobbyActions } from '../state/lobby-slice.ts';
import type { Store } from '../state/store.ts';
import type { LoadProgress } from './chunk-loader.ts';
import { adviceFor } from './connection-messages.ts';
import { LobbyCommands } from './lobby-commands.ts';
import { MatchFlow, type GameView } from './match-flow.ts';
import { MatchSession } from './match-session.ts';
import { NetGraphFeed } from './net-graph-feed.ts';
import { NetStats } from './net-stats.ts';
import { KillcamPlayer } from './killcam-player.ts';
import { ReplayViewer } from './replay-viewer.ts';
import { SessionLink } from './session-link.ts';
import type { PageStorage } from './storage.ts';

export type { GameView } from './match-flow.ts';

export interface ControllerDeps {
  store: Store;
  storage: PageStorage;
  /** The server's origin. */
  url: string;
  /** The games this page can show (game/src/games/index.ts, or a test's list). */
  games: PageGames;
  /** Loads the drawing side, reporting the game chunk's bytes as they arrive. */
  loadView: (session: MatchSession, progress: (p: LoadProgress) => void) => Promise<GameView>;
  fetch?: typeof fetch;
}

export class PageController {
  readonly stats = new NetStats();
  readonly games: PageGames;
  readonly session: MatchSession;
  readonly feed: NetGraphFeed;
  readonly link: SessionLink;
  readonly lobby: LobbyCommands;
  readonly match: MatchFlow;
  readonly replay: ReplayViewer;
  /** After a death in Arena: the last seconds before it from the killer's seat (killcam-player.ts). */
  readonly killcam: KillcamPlayer;

  constructor(deps: ControllerDeps) {
    const { store } = deps;
    this.games = deps.games;
    // Chat and presence lines of both feeds share one sequence of ids.
    let lines = 0;
    const lineId = () => ++lines;
    this.session = new MatchSession({ dispatch: store.dispatch, stats: this.stats });
    this.feed = new NetGraphFeed({ stats: this.stats, inMatch: () => this.session.info !== null });
    const client = () => this.link.client;
    this.match = new MatchFlow({ store, session: this.session, games: deps.games, feed: this.feed, client, loadView: deps.loadView, lineId });
    this.replay = new ReplayViewer({
      store,
      // Its own figures: a replay's snapshots are no part of the connection's net graph.
      stats: new NetStats(),
      url: deps.url,
      games: deps.games,
      token: () => this.link.client?.guest.token ?? deps.storage.guest()?.token ?? null,
      view: () => this.match.gameView(),
      ...(deps.fetch && { fetch: deps.fetch }),
    });
    this.killcam = new KillcamPlayer({
      store,
      live: this.session,
      ...this.replay.lendSession(),
      client,
      games: deps.games,
      view: () => this.match.gameView(),
    });
    this.session.onDeath = (killer, tick) => this.killcam.died(killer, tick);
    this.lobby = new LobbyCommands({ store, ready: (nickname) => this.link.ready(nickname), client, match: this.match, lineId, games: deps.games });
    this.link = new SessionLink({
      store,
      storage: deps.storage,
      url: deps.url,
      games: deps.games.definition,
      ...(deps.fetch && { fetch: deps.fetch }),
      handlers: () => ({ lobby: this.lobby.handlers(), match: this.match.handlers() }),
      attached: (c) => {
        this.session.attach(c);
        this.feed.attach(c);
      },
      connected: (c) => this.lobby.connected(c),
      reconnected: (c) => void this.lobby.subscribeList(c),
      seatLost: () => {
        this.match.toLobby();
        store.dispatch(lobbyActions.failed({ code: ErrorCode.NoSeat, message: adviceFor(ErrorCode.NoSeat).message }));
      },
    });
  }

  /** The connection in use, or null while signing in. */
  get client(): PlayerClient | null {
    return this.link.client;
  }

  /** Signs in and starts the net graph's once-a-second window. */
  start(early: Parameters<SessionLink['start']>[0]): void {
    this.link.start(early);
    this.feed.start();
  }

  stop(): void {
    this.feed.stop();
    this.link.stop();
  }
}
