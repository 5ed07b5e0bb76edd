/**
 * The page's way into a match, the same as any client's: the SDK's PlayerClient (guest token,
 * one WebSocket for lobby and match, a seat, rejoin after a drop). This file only keeps what the
 * scenes draw: the latest snapshots, the roster, and for Arena the interpolation of others and
 * the prediction of the own player. Connection state always shows in the status line.
 */
import { browserTimers, InputLoop } from '../../shared/client/input-loop.ts';
import { PlayerClient, type Entry } from '../../shared/client/player-client.ts';
import type { SnapshotHeader } from '../../shared/game/game-definition.ts';
import { MatchPhase } from '../../shared/game/phase.ts';
import type { ArenaSetup } from '../../shared/games/arena/index.ts';
import { InterpolationBuffer, type RenderedPlayer } from '../../shared/games/arena/interpolation.ts';
import { Predictor } from '../../shared/games/arena/prediction.ts';
import type { Snapshot } from '../../shared/games/arena/snapshot.ts';
import { GAMES } from '../../shared/games/index.ts';
import type { MatchInfo, PlayerInfo } from '../../shared/protocol/events.ts';
import { setNet, setStatus } from './status.ts';

export type { Entry };

export class GameSession {
  info: MatchInfo | null = null;
  /** The newest snapshot and the one before it (scenes that tween between the two). */
  latest: SnapshotHeader | null = null;
  previous: SnapshotHeader | null = null;
  roster: PlayerInfo[] = [];
  snapshotsReceived = 0;
  /** The private match's code, to pass on to friends. */
  code: string | null = null;
  /** Arena: other players are drawn a little in the past, between two snapshots. */
  interpolation: InterpolationBuffer | null = null;
  /** Arena: the own player is drawn where its own inputs put it, corrected by every snapshot. */
  predictor: Predictor | null = null;
  /** Size of the last correction the server's word made to the prediction (px). */
  lastCorrection = 0;
  /** Called when a match is joined (the page starts the game's scene). */
  onJoined: ((info: MatchInfo) => void) | null = null;
  /**
   * What the player asks for now (keys, mouse), read by the input loop once per server tick;
   * set by the match's scene. Null sends nothing.
   */
  controller: (() => object | null) | null = null;
  private client: PlayerClient | null = null;
  private loop: InputLoop<object, ReturnType<typeof setTimeout>> | null = null;

  constructor(
    private readonly serverUrl: string,
    private readonly nickname: string,
    private readonly entry: Entry,
  ) {
    void this.start();
  }

  private async start(): Promise<void> {
    setStatus('connecting', 'signing in…');
    const connected = await PlayerClient.connect({
      url: this.serverUrl,
      nickname: this.nickname,
      games: GAMES,
      lobby: { protocolError: (e) => setStatus('error', `${e.code}: ${e.message}`) },
      match: {
        snapshot: (s) => this.onSnapshot(s),
        roster: (r) => (this.roster = r),
        phase: (p) => this.info && setStatus(p.state === 'playing' ? 'playing' : 'connecting', this.describe(p.state)),
        ended: (results) => setStatus('connecting', `match over: ${results.standings[0]?.nickname ?? 'nobody'} wins`),
        protocolError: (e) => setStatus('error', `${e.code}: ${e.message}`),
        disconnect: () => setStatus('reconnecting', 'connection lost, reconnecting…'),
        rejoined: (res) => (res.ok ? this.joined(res) : setStatus('error', `${res.code}: ${res.message}`)),
      },
      tokenRenewalFailed: (e) => setStatus('error', `${e.code}: ${e.message}`),
    });
    if (!connected.ok) return setStatus('error', `${connected.code}: ${connected.message}`);
    const client = connected.value;
    this.client = client;
    client.manager.on('reconnect_attempt', (n) => setStatus('reconnecting', `reconnecting (attempt ${n})…`));
    setStatus('connecting', this.entry.kind === 'quickplay' ? 'looking for a match…' : 'opening the match…');
    const res = await client.enter(this.entry);
    if (!res.ok) return setStatus('error', `${res.code}: ${res.message}`);
    this.code = client.code;
    this.joined(res);
    setInterval(() => void this.ping(), 2000);
    void this.ping();
  }

  private onSnapshot(s: SnapshotHeader): void {
    this.previous = this.latest;
    this.latest = s;
    this.snapshotsReceived += 1;
    const game = this.client?.match.game;
    if (this.info && game) this.loop?.onSnapshot(s.tick, performance.now(), game.lastInputSeq(s, this.info.slot) ?? undefined);
    if (this.info?.game !== 'arena') return;
    const snapshot = s as Snapshot;
    this.interpolation?.push(snapshot, performance.now());
    if (this.predictor) this.lastCorrection = this.predictor.reconcile(snapshot).error;
  }

  private joined(info: MatchInfo): void {
    this.info = info;
    this.roster = info.roster;
    this.latest = null;
    this.previous = null;
    if (info.game === 'arena') {
      const { rules, map } = info.setup as ArenaSetup;
      const tickMs = 1000 / info.tickRate;
      this.interpolation = new InterpolationBuffer({ snapshotIntervalMs: tickMs * info.snapshotEvery, tickRate: info.tickRate });
      this.predictor = info.role === 'player' ? new Predictor({ map, rules, playerId: info.slot }) : null;
    }
    this.startInputLoop(info);
    setStatus(info.state === 'playing' ? 'playing' : 'connecting', this.describe(info.state));
    this.onJoined?.(info);
  }

  /** One input per server tick, timed to land just before the tick that applies it. */
  private startInputLoop(info: MatchInfo): void {
    this.loop?.stop();
    this.loop = null;
    const client = this.client;
    if (!client || info.role !== 'player') return;
    this.loop = new InputLoop<object, ReturnType<typeof setTimeout>>({
      tickRate: info.tickRate,
      timers: browserTimers(),
      rtt: () => client.match.clock.rtt,
      produce: (tick) => {
        const command = this.controller?.();
        return command ? { command, clientTick: this.clientTick() } : null;
      },
      send: (input) => this.sendPredicted(input),
    });
  }

  /** The server tick on screen: what the player aimed at (lag compensation). */
  private clientTick(): number {
    return Math.max(0, Math.floor(this.interpolation?.renderTick(performance.now()) ?? (this.latest?.tick ?? 0) - 2 * (this.info?.snapshotEvery ?? 1)));
  }

  /** Sends, and for Arena moves the own player at once by the same rules (prediction). */
  private sendPredicted(input: object & { clientTick: number }): number | null {
    const match = this.client?.match;
    if (!this.info || !match?.socket.connected || this.info.role !== 'player') return null;
    const seq = match.sendInput(input as never);
    // The server only moves players while playing; predicting before that would only be undone.
    if (seq !== null && this.predictor && this.latest?.phase === MatchPhase.Playing) {
      this.predictor.applyInput(seq, (input as unknown as { buttons: number }).buttons);
    }
    return seq;
  }

  private describe(state: string): string {
    const code = this.code ? ` · code ${this.code}` : '';
    const what = state === 'playing' ? 'in match' : `${state}:`;
    return `${what} ${this.info?.matchId ?? ''} as ${this.nickname}${code}`;
  }

  private async ping(): Promise<void> {
    const match = this.client?.match;
    if (!match?.socket.connected) return;
    try {
      const rtt = await match.syncClock();
      const delay = this.interpolation ? Math.round(this.interpolation.delayMs) : 0;
      setNet(`ping ${Math.round(rtt)} ms · interp ${delay} ms · correction ${this.lastCorrection.toFixed(1)} px · tick ${this.latest?.tick ?? '-'}`);
    } catch {
      setNet('ping timed out');
    }
  }

  /** Arena: everyone as they should be drawn now: others interpolated, the own player predicted. */
  rendered(frameMs: number): { players: RenderedPlayer[]; renderTick: number } {
    const now = performance.now();
    const players = this.interpolation?.sample(now) ?? [];
    const own = this.predictor?.renderPosition(frameMs);
    const me = this.info?.slot;
    if (own) for (const p of players) if (p.id === me && p.alive) Object.assign(p, own);
    // Projectiles fly on a formula of the tick, so a fractional tick draws them smoothly.
    const s = this.latest;
    const t = this.interpolation?.renderTime(now) ?? -Infinity;
    const tickRate = this.info?.tickRate ?? 30;
    const renderTick = s && Number.isFinite(t) ? s.tick + (t - s.serverTime) / (1000 / tickRate) : (s?.tick ?? 0);
    return { players, renderTick };
  }
}
