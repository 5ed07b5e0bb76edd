/**
 * The page's way into a match, the same as any client's (shared/client SDK): a guest token,
 * one WebSocket shared by the lobby and the match, quick play (or a private match by code),
 * then the match stream. Connection state always shows in the status line.
 */
import { getGuestToken } from '../../shared/client/auth.ts';
import { createManager, LobbyClient } from '../../shared/client/lobby-client.ts';
import { MatchConnection } from '../../shared/client/match-connection.ts';
import type { MatchInfo, PlayerInfo, SeatGrant } from '../../shared/protocol/events.ts';
import type { AckResult } from '../../shared/protocol/errors.ts';
import type { Snapshot } from '../../shared/protocol/snapshot.ts';
import { setNet, setStatus } from './status.ts';

export type Entry = { kind: 'quickplay'; mode: string } | { kind: 'create'; maxPlayers: number } | { kind: 'code'; code: string };

export class GameSession {
  info: MatchInfo | null = null;
  latest: Snapshot | null = null;
  roster: PlayerInfo[] = [];
  snapshotsReceived = 0;
  /** The private match's code, to pass on to friends. */
  code: string | null = null;
  private lobby: LobbyClient | null = null;
  private match: MatchConnection | null = null;

  constructor(
    private readonly serverUrl: string,
    private readonly nickname: string,
    private readonly entry: Entry,
  ) {
    void this.start();
  }

  private async start(): Promise<void> {
    setStatus('connecting', 'signing in…');
    const guest = await getGuestToken(this.serverUrl, this.nickname);
    if (!guest.ok) return setStatus('error', `${guest.code}: ${guest.message}`);
    const manager = createManager(this.serverUrl);
    this.lobby = new LobbyClient(this.serverUrl, { protocolError: (e) => setStatus('error', `${e.code}: ${e.message}`) }, { token: guest.token, manager });
    this.match = new MatchConnection(
      this.serverUrl,
      {
        snapshot: (s) => {
          this.latest = s;
          this.snapshotsReceived += 1;
        },
        roster: (r) => (this.roster = r),
        phase: (p) => this.info && setStatus(p.state === 'playing' ? 'playing' : 'connecting', this.describe(p.state)),
        ended: (results) => setStatus('connecting', `match over: ${results.scoreboard[0]?.nickname ?? 'nobody'} wins`),
        protocolError: (e) => setStatus('error', `${e.code}: ${e.message}`),
        disconnect: () => setStatus('reconnecting', 'connection lost, reconnecting…'),
        rejoined: (res) => (res.ok ? this.joined(res) : setStatus('error', `${res.code}: ${res.message}`)),
      },
      { token: guest.token, manager, autoRejoin: true },
    );
    manager.on('reconnect_attempt', (n) => setStatus('reconnecting', `reconnecting (attempt ${n})…`));
    const ready = await this.lobby.ready();
    if (!ready.ok) return setStatus('error', `${ready.code}: ${ready.message}`);
    setStatus('connecting', this.entry.kind === 'quickplay' ? 'looking for a match…' : 'opening the match…');
    const seat = await this.seat(this.lobby);
    if (!seat.ok) return setStatus('error', `${seat.code}: ${seat.message}`);
    this.code = seat.code ?? null;
    const res = await this.match.join(seat.matchId);
    if (!res.ok) return setStatus('error', `${res.code}: ${res.message}`);
    this.joined(res);
    setInterval(() => void this.ping(), 2000);
    void this.ping();
  }

  private seat(lobby: LobbyClient): Promise<AckResult<SeatGrant>> {
    switch (this.entry.kind) {
      case 'quickplay':
        return lobby.findMatch(this.entry.mode);
      case 'create':
        return lobby.createPrivate({ maxPlayers: this.entry.maxPlayers });
      case 'code':
        return lobby.joinByCode(this.entry.code);
    }
  }

  private joined(info: MatchInfo): void {
    this.info = info;
    this.roster = info.roster;
    setStatus(info.state === 'playing' ? 'playing' : 'connecting', this.describe(info.state));
  }

  private describe(state: string): string {
    const code = this.code ? ` · code ${this.code}` : '';
    const what = state === 'playing' ? 'in match' : `${state}:`;
    return `${what} ${this.info?.matchId ?? ''} as ${this.nickname}${code}`;
  }

  private async ping(): Promise<void> {
    if (!this.match?.socket.connected) return;
    try {
      const rtt = await this.match.syncClock();
      setNet(`ping ${Math.round(rtt)} ms · tick ${this.latest?.tick ?? '-'}`);
    } catch {
      setNet('ping timed out');
    }
  }

  sendInput(buttons: number, aim: number): void {
    if (!this.info || !this.match?.socket.connected || this.info.role !== 'player') return;
    this.match.sendInput({ buttons, aim, clientTick: this.latest?.tick ?? 0 });
  }
}
