/**
 * The page's way into a match, the same as any client's (shared/client SDK): a guest token,
 * one WebSocket shared by the lobby and the match, quick play (or a private match by code),
 * then the match stream. Connection state always shows in the status line.
 */
import { getGuestToken } from '../../shared/client/auth.ts';
import { InterpolationBuffer, type RenderedPlayer } from '../../shared/games/arena/interpolation.ts';
import { createManager, LobbyClient } from '../../shared/client/lobby-client.ts';
import { MatchConnection } from '../../shared/client/match-connection.ts';
import { Predictor } from '../../shared/games/arena/prediction.ts';
import type { MatchInfo, PlayerInfo, SeatGrant } from '../../shared/protocol/events.ts';
import type { AckResult } from '../../shared/protocol/errors.ts';
import { MatchPhase, type Snapshot } from '../../shared/games/arena/snapshot.ts';
import { setNet, setStatus } from './status.ts';

export type Entry = { kind: 'quickplay'; mode: string } | { kind: 'create'; maxPlayers: number } | { kind: 'code'; code: string };

export class GameSession {
  info: MatchInfo | null = null;
  latest: Snapshot | null = null;
  roster: PlayerInfo[] = [];
  snapshotsReceived = 0;
  /** The private match's code, to pass on to friends. */
  code: string | null = null;
  /** Other players are drawn a little in the past, between two snapshots. */
  interpolation: InterpolationBuffer | null = null;
  /** The own player is drawn where its own inputs put it, corrected by every snapshot. */
  predictor: Predictor | null = null;
  /** Size of the last correction the server's word made to the prediction (px). */
  lastCorrection = 0;
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
          this.interpolation?.push(s, performance.now());
          if (this.predictor) this.lastCorrection = this.predictor.reconcile(s).error;
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
    const tickMs = 1000 / info.rules.tickRate;
    this.interpolation = new InterpolationBuffer({ snapshotIntervalMs: tickMs * info.snapshotEvery, tickRate: info.rules.tickRate });
    this.predictor = info.role === 'player' ? new Predictor({ map: info.map, rules: info.rules, playerId: info.playerId }) : null;
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
      const delay = this.interpolation ? Math.round(this.interpolation.delayMs) : 0;
      setNet(`ping ${Math.round(rtt)} ms · interp ${delay} ms · correction ${this.lastCorrection.toFixed(1)} px · tick ${this.latest?.tick ?? '-'}`);
    } catch {
      setNet('ping timed out');
    }
  }

  /** Sends one input naming the tick on screen (lag compensation) and predicts its movement. */
  sendInput(buttons: number, aim: number): void {
    if (!this.info || !this.match?.socket.connected || this.info.role !== 'player') return;
    const clientTick = this.interpolation?.renderTick(performance.now()) ?? this.latest?.tick ?? 0;
    const seq = this.match.sendInput({ buttons, aim, clientTick });
    // The server only moves players while playing; predicting before that would only be undone.
    if (this.latest?.phase === MatchPhase.Playing) this.predictor?.applyInput(seq, buttons);
  }

  /** Everyone as they should be drawn now: others interpolated, the own player predicted. */
  rendered(frameMs: number): { players: RenderedPlayer[]; renderTick: number } {
    const now = performance.now();
    const players = this.interpolation?.sample(now) ?? [];
    const own = this.predictor?.renderPosition(frameMs);
    const me = this.info?.playerId;
    if (own) for (const p of players) if (p.id === me && p.alive) Object.assign(p, own);
    // Projectiles fly on a formula of the tick, so a fractional tick draws them smoothly.
    const s = this.latest;
    const t = this.interpolation?.renderTime(now) ?? -Infinity;
    const renderTick = s && Number.isFinite(t) ? s.tick + (t - s.serverTime) / (1000 / (this.info?.rules.tickRate ?? 30)) : (s?.tick ?? 0);
    return { players, renderTick };
  }
}
