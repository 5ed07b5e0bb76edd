/**
 * A player for the polling tests and the polling benchmark: a PlayerClient on the transports asked
 * for, quick play, and an InputLoop sending one input per server tick (the page's own loop),
 * recording what a player notices: snapshots decoded and when they arrived, its own acknowledged
 * input sequence, and the transport under it (with every change).
 */
import { browserTimers, InputLoop } from '../../shared/client/input-loop.ts';
import type { Transport } from '../../shared/client/connection-options.ts';
import { PlayerClient } from '../../shared/client/player-client.ts';
import type { ArenaInput, ArenaSetup } from '../../shared/games/arena/index.ts';
import { Button } from '../../shared/games/arena/sim/types.ts';
import type { Snapshot } from '../../shared/games/arena/snapshot.ts';
import { GAMES } from '../../shared/games/index.ts';
import type { MatchInfo } from '../../shared/protocol/events.ts';

export interface PollingPlayer {
  client: PlayerClient<Snapshot, ArenaInput, ArenaSetup>;
  /** Transport names in the order the connection used them ('polling', then 'websocket' on upgrade). */
  transports: string[];
  snapshots: { at: number; tick: number; bytes: number; snapshot: Snapshot }[];
  /** Snapshots whose raw bytes arrived as something other than a Uint8Array (must stay empty). */
  notBytes: number;
  inputsSent: number;
  info: MatchInfo<ArenaSetup> | null;
  /** The own player's acknowledged input sequence in the latest snapshot. */
  acked(): number;
  /** Quick play in `mode`, join, and start sending inputs on the tick grid. */
  play(mode: string, queueTimeoutMs?: number): Promise<MatchInfo<ArenaSetup>>;
  close(): void;
}

export async function pollingPlayer(url: string, nickname: string, connect: { transports?: Transport[]; path?: string } = {}): Promise<PollingPlayer> {
  const snapshots: PollingPlayer['snapshots'] = [];
  const names: string[] = [];
  let loop: InputLoop<ArenaInput, ReturnType<typeof setTimeout>> | null = null;
  let notBytes = 0;
  const timers = browserTimers();
  const res = await PlayerClient.connect<Snapshot, ArenaInput, ArenaSetup>({
    url,
    nickname,
    games: GAMES,
    ...(connect.transports && { transports: connect.transports }),
    ...(connect.path !== undefined && { path: connect.path }),
    connection: { reconnection: false },
    autoRejoin: false,
    match: {
      rawSnapshot: (bytes) => {
        if (!(bytes instanceof Uint8Array)) notBytes += 1;
      },
      snapshot: (snapshot, bytes) => {
        const at = timers.now();
        snapshots.push({ at, tick: snapshot.tick, bytes, snapshot });
        const own = player.info === null ? undefined : snapshot.players.find((p) => p.id === player.info!.slot);
        loop?.onSnapshot(snapshot.tick, at, own?.lastInputSeq);
      },
    },
  });
  if (!res.ok) throw new Error(`${nickname}: ${res.code} ${res.message}`);
  const client = res.value;
  const watch = (): void => {
    const engine = client.manager.engine;
    names.push(engine.transport.name);
    engine.on('upgrade', (t: { name: string }) => names.push(t.name));
  };
  watch();
  const player: PollingPlayer = {
    client,
    transports: names,
    snapshots,
    get notBytes() {
      return notBytes;
    },
    inputsSent: 0,
    info: null,
    acked() {
      const last = snapshots.at(-1)?.snapshot;
      return last?.players.find((p) => p.id === player.info?.slot)?.lastInputSeq ?? 0;
    },
    async play(mode, queueTimeoutMs = 15_000) {
      const info = await client.enter({ kind: 'quickplay', mode, queueTimeoutMs });
      if (!info.ok) throw new Error(`${nickname} enter: ${info.code} ${info.message}`);
      player.info = info;
      let turn = 0;
      loop = new InputLoop<ArenaInput, ReturnType<typeof setTimeout>>({
        tickRate: info.tickRate,
        timers,
        rtt: () => client.match.clock.rtt,
        // Walks in a slow square and keeps firing: inputs that change the world.
        produce: (tick) => {
          const dirs = [Button.Right, Button.Down, Button.Left, Button.Up];
          const buttons = dirs[Math.floor(turn++ / info.tickRate) % 4]! | Button.Fire;
          return { command: { seq: 0, buttons, aim: (tick % 64) / 10, clientTick: 0 }, clientTick: Math.max(0, tick - 2) };
        },
        send: (input) => {
          const seq = client.match.sendInput(input);
          if (seq !== null) player.inputsSent += 1;
          return seq;
        },
      });
      return info;
    },
    close() {
      loop?.stop();
      client.close();
    },
  };
  return player;
}

/** Gaps between consecutive snapshot arrivals (ms), sorted. */
export function snapshotGaps(arrivals: readonly number[]): number[] {
  const gaps: number[] = [];
  for (let i = 1; i < arrivals.length; i++) gaps.push(arrivals[i]! - arrivals[i - 1]!);
  return gaps.sort((a, b) => a - b);
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
