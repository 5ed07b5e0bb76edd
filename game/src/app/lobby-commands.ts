/**
 * The lobby's commands: what the player asks for before a match (quick play and its cancel, a
 * private match, a code, a listed match, spectating, chat, play again), and what the /lobby
 * connection tells the page (the session's games, a seat granted, the public list, chat, the
 * online count). A seat taken hands over to the match flow (match-flow.ts).
 */
import type { LobbyClientHandlers } from '../../../shared/client/lobby-client.ts';
import type { Entry, PlayerClient } from '../../../shared/client/player-client.ts';
import { ErrorCode, type AckResult } from '../../../shared/protocol/errors.ts';
import type { MatchInfo, PartyInfo, PrivateMatchOptions, SeatGrant, SessionInfo } from '../../../shared/protocol/events.ts';
import { unknownGame, type PageGames } from '../game/registry.ts';
import { connectionActions } from '../state/connection-slice.ts';
import { chatLine, lobbyActions, type Pending } from '../state/lobby-slice.ts';
import type { Store } from '../state/store.ts';
import { adviceFor } from './connection-messages.ts';
import type { JoinExtra, MatchFlow } from './match-flow.ts';

export interface LobbyCommandsDeps {
  store: Store;
  /** Signed in under `nickname` (signing in again first when it changed); null when that failed. */
  ready: (nickname?: string) => Promise<PlayerClient | null>;
  /** The current connection, or null while signing in. */
  client: () => PlayerClient | null;
  match: Pick<MatchFlow, 'joined' | 'leave'>;
  /** A fresh id for a chat line. */
  lineId: () => number;
  /** The games this page shows (to say which one it cannot). */
  games: Pick<PageGames, 'ids'>;
}

/** The game and mode the lobby should offer once the session says which modes exist. */
export function modeAfterSession(s: SessionInfo, currentGame: string | null): { game: string; mode: string } | null {
  if (s.modes.some((m) => m.game === currentGame)) return null;
  const first = s.modes[0];
  return first ? { game: first.game, mode: first.id } : null;
}

export class LobbyCommands {
  private queueCancelled = false;

  constructor(private readonly deps: LobbyCommandsDeps) {}

  private get state() {
    return this.deps.store.getState();
  }

  private dispatch(action: Parameters<Store['dispatch']>[0]): void {
    this.deps.store.dispatch(action);
  }

  /** What the /lobby connection's events do to the page. */
  handlers(): LobbyClientHandlers {
    return {
      session: (s) => this.sessionStarted(s),
      matched: (seat) => void this.onMatched(seat),
      list: (_all, change) => this.dispatch(lobbyActions.listChanged(change)),
      chat: (m) => this.dispatch(lobbyActions.chatReceived(chatLine(this.deps.lineId(), m, this.state.connection.guestId))),
      // Players online across the cluster, pushed by the server on connect and on every change.
      online: (count) => this.dispatch(connectionActions.onlineCounted(count.players)),
      party: (party) => this.partyChanged(party),
      partyChat: (m) => this.dispatch(lobbyActions.partyChatReceived(chatLine(this.deps.lineId(), m, this.state.connection.guestId))),
      rating: (change) => {
        this.dispatch(lobbyActions.rated(change));
        void this.refreshBoard();
      },
      protocolError: (e) => this.failed(e),
      disconnect: () => this.dispatch(lobbyActions.listLost()),
    };
  }

  /**
   * A new connection is up: what the page shows of the lobby comes from it (the session, the list,
   * the count), and a seat the server still holds is taken back.
   */
  async connected(client: PlayerClient): Promise<void> {
    if (client.lobby.session) this.sessionStarted(client.lobby.session);
    await this.subscribeList(client);
    if (client.lobby.online) this.dispatch(connectionActions.onlineCounted(client.lobby.online.players));
    void this.refreshProfile(client);
    void this.refreshBoard();
    // On this client, not through `ready()`: the sign-in that called this waits for it to end,
    // and `ready()` waits for that sign-in (a reload would never take its seat back).
    if (client.lobby.session?.matchId) await this.enterOn(client, { kind: 'rejoin' }, 'rejoin');
  }

  /** The player's ratings per mode. */
  async refreshProfile(client = this.deps.client()): Promise<void> {
    const res = await client?.lobby.profile();
    if (res?.ok) {
      const { ok: _ok, ...profile } = res;
      this.dispatch(lobbyActions.profileReceived(profile));
    }
  }

  /** The chosen mode's leaderboard. */
  async refreshBoard(mode = this.state.lobby.mode): Promise<void> {
    const res = await this.deps.client()?.lobby.leaderboard(mode);
    if (res?.ok && mode === this.state.lobby.mode) {
      const { ok: _ok, ...board } = res;
      this.dispatch(lobbyActions.boardReceived(board));
    }
  }

  /**
   * The party changed. A party the leader queued shows every member the queue; a party back from
   * the queue without a seat (the leader cancelled) takes them out of it.
   */
  private partyChanged(party: PartyInfo | null): void {
    const was = this.state.lobby.party;
    this.dispatch(lobbyActions.partyChanged(party));
    if (party?.queued && !this.state.lobby.queue) {
      this.queueCancelled = false;
      this.dispatch(lobbyActions.queued({ mode: party.queued, since: Date.now(), waiting: party.members.length }));
    } else if (was?.queued && party && !party.queued && this.state.lobby.queue && !this.state.match.joined) {
      // Placed or cancelled: a seat, if any, arrives as `matched` (which a party member accepts).
      this.dispatch(lobbyActions.unqueued());
    }
  }

  async createParty(nickname?: string): Promise<void> {
    const client = await this.deps.ready(nickname);
    if (!client) return;
    const res = await client.lobby.createParty();
    if (!res.ok) return this.failed(res);
    const { ok: _ok, ...party } = res;
    this.partyChanged(party);
  }

  async joinParty(code: string, nickname?: string): Promise<void> {
    const client = await this.deps.ready(nickname);
    if (!client) return;
    const res = await client.lobby.joinParty(code.trim().toUpperCase());
    if (!res.ok) return this.failed(res);
    const { ok: _ok, ...party } = res;
    this.dispatch(lobbyActions.partyInvited(''));
    this.partyChanged(party);
  }

  async leaveParty(): Promise<void> {
    const res = await this.deps.client()?.lobby.leaveParty();
    if (res && !res.ok) return this.failed(res);
    this.dispatch(lobbyActions.partyChanged(null));
  }

  async partyChat(text: string): Promise<boolean> {
    const client = this.deps.client();
    if (!client || !text.trim()) return false;
    const res = await client.lobby.partyChat(text);
    if (!res.ok) this.failed(res);
    return res.ok;
  }

  /** The public list again (after a reconnect the server forgot the subscription). */
  async subscribeList(client: PlayerClient): Promise<void> {
    const list = await client.lobby.subscribeList();
    if (list.ok && client === this.deps.client()) this.dispatch(lobbyActions.listReceived({ version: list.version, matches: list.matches }));
  }

  private sessionStarted(s: SessionInfo): void {
    this.dispatch(connectionActions.sessionStarted(s));
    const chosen = modeAfterSession(s, this.state.lobby.game);
    if (chosen) this.dispatch(lobbyActions.gameChosen(chosen));
  }

  async quickPlay(mode: string, nickname?: string): Promise<void> {
    const client = await this.deps.ready(nickname);
    if (!client) return;
    this.dispatch(lobbyActions.requested('quickplay'));
    this.queueCancelled = false;
    const res = await client.lobby.quickPlay(mode);
    if (!res.ok) return this.failed(res);
    this.dispatch(lobbyActions.queued({ mode, since: Date.now(), waiting: res.waiting }));
    this.dispatch(lobbyActions.settled());
  }

  async cancelQueue(): Promise<void> {
    this.queueCancelled = true;
    this.dispatch(lobbyActions.unqueued());
    await this.deps.client()?.lobby.cancelQueue();
  }

  private async onMatched(seat: SeatGrant): Promise<void> {
    const client = this.deps.client();
    if (!client) return;
    // Placed just as the player cancelled: give the seat back rather than drag them in. A party
    // member may be placed by its leader's quick play before it heard the party was queued.
    if (this.queueCancelled || (!this.state.lobby.queue && !this.state.lobby.party)) {
      await client.lobby.leaveMatch();
      return;
    }
    const res = await client.match.join(seat.matchId);
    this.dispatch(lobbyActions.unqueued());
    if (!res.ok) return this.failed(res);
    this.deps.match.joined(res, { code: seat.code, host: false, maxPlayers: null });
  }

  createPrivate(options: PrivateMatchOptions, nickname?: string): Promise<void> {
    return this.enter({ kind: 'create', options }, 'create', nickname, { host: true, maxPlayers: options.maxPlayers ?? null });
  }

  joinCode(code: string, nickname?: string): Promise<void> {
    return this.enter({ kind: 'code', code: code.trim().toUpperCase() }, 'code', nickname);
  }

  joinListed(matchId: string, nickname?: string): Promise<void> {
    return this.enter({ kind: 'listed', matchId }, 'listed', nickname);
  }

  spectate(matchId: string, nickname?: string): Promise<void> {
    return this.enter({ kind: 'spectate', matchId }, 'spectate', nickname);
  }

  /** From the results: leave the match that ended and queue for the same mode. */
  async playAgain(): Promise<void> {
    const mode = this.state.match.joined?.mode ?? this.state.lobby.mode;
    await this.deps.match.leave();
    await this.quickPlay(mode);
  }

  /** Match chat while in a match, else lobby chat. */
  async chat(text: string): Promise<boolean> {
    const client = this.deps.client();
    if (!client || !text.trim()) return false;
    const res = this.state.match.joined ? await client.match.chat(text) : await client.lobby.chat(text);
    if (!res.ok) this.failed(res);
    return res.ok;
  }

  private async enter(entry: Entry, pending: Pending, nickname?: string, extra: Partial<JoinExtra> = {}): Promise<void> {
    const client = await this.deps.ready(nickname);
    if (client) await this.enterOn(client, entry, pending, extra);
  }

  private async enterOn(client: PlayerClient, entry: Entry, pending: Pending, extra: Partial<JoinExtra> = {}): Promise<void> {
    this.dispatch(lobbyActions.requested(pending));
    client.code = null;
    const res: AckResult<MatchInfo> = await client.enter(entry);
    if (!res.ok) return this.failed(res);
    this.deps.match.joined(res, { code: client.code, host: extra.host ?? false, maxPlayers: extra.maxPlayers ?? null });
  }

  private failed(res: { code: string; message: string; game?: unknown }): void {
    // The SDK cannot decode the game it was seated in (it decodes the games this page shows).
    const game = res.code === ErrorCode.UnknownGame && typeof res.game === 'string' ? res.game : null;
    const message = game !== null ? unknownGame(game, this.deps.games) : adviceFor(res.code, res.message).message;
    this.dispatch(lobbyActions.failed({ code: res.code, message }));
  }
}
