/**
 * The page's connection to the game: joins a match through the shared client SDK, keeps the
 * latest snapshot, paces clock sync, and reports state to the status line.
 */
import { MatchConnection } from '../../shared/client/match-connection.ts';
import type { MatchInfo, PlayerInfo } from '../../shared/protocol/events.ts';
import type { Snapshot } from '../../shared/protocol/snapshot.ts';
import { setNet, setStatus } from './status.ts';

export class GameSession {
  info: MatchInfo | null = null;
  latest: Snapshot | null = null;
  roster: PlayerInfo[] = [];
  snapshotsReceived = 0;
  private readonly conn: MatchConnection;

  constructor(serverUrl: string, private readonly nickname: string) {
    this.conn = new MatchConnection(serverUrl, {
      snapshot: (s) => {
        this.latest = s;
        this.snapshotsReceived += 1;
      },
      roster: (r) => (this.roster = r),
      ended: (results) => setStatus('connecting', `match over: ${results.scoreboard[0]?.nickname ?? 'nobody'} wins`),
      protocolError: (e) => setStatus('error', `${e.code}: ${e.message}`),
      disconnect: () => setStatus('reconnecting', 'connection lost, reconnecting…'),
    });
    this.conn.socket.on('connect', () => void this.enter());
    this.conn.socket.io.on('reconnect_attempt', (n) => setStatus('reconnecting', `reconnecting (attempt ${n})…`));
    setInterval(() => void this.ping(), 2000);
  }

  private async enter(): Promise<void> {
    setStatus('connecting', 'joining a match…');
    try {
      const res = await this.conn.join(this.nickname);
      if (!res.ok) return setStatus('error', `${res.code}: ${res.message}`);
      this.info = res;
      this.roster = res.roster;
      setStatus('playing', `in match ${res.matchId} as ${this.nickname}`);
      void this.ping();
    } catch (e) {
      setStatus('error', e instanceof Error ? e.message : String(e));
    }
  }

  private async ping(): Promise<void> {
    if (!this.conn.socket.connected) return;
    try {
      const rtt = await this.conn.syncClock();
      setNet(`ping ${Math.round(rtt)} ms · tick ${this.latest?.tick ?? '-'}`);
    } catch {
      setNet('ping timed out');
    }
  }

  sendInput(buttons: number, aim: number): void {
    if (!this.info || !this.conn.socket.connected) return;
    this.conn.sendInput({ buttons, aim, clientTick: this.latest?.tick ?? 0 });
  }
}
